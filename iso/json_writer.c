/* JSON built piece by piece, into memory or onto a stream (cs_json.h). */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#endif

#include "cs_json.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

cs_status cs_jb_init(cs_jb *b, cs_error *err)
{
    memset(b, 0, sizeof *b);
    b->f = open_memstream(&b->buf, &b->size);
    b->own = b->f != NULL;
    return b->f ? CS_OK : cs_error_set(err, CS_ERR_NOMEM, "out of memory (JSON)");
}

void cs_jb_start(cs_jb *b, FILE *f)
{
    memset(b, 0, sizeof *b);
    b->f = f;
}

cs_status cs_jb_finish(cs_jb *b, cs_error *err)
{
    if (!b->own)
        return CS_OK;
    bool bad = ferror(b->f) != 0;
    int rc = fclose(b->f);
    b->f = NULL;
    b->own = false;
    if (rc != 0 || bad) {
        cs_jb_free(b);
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory (JSON)");
    }
    return CS_OK;
}

void cs_jb_free(cs_jb *b)
{
    if (b->own && b->f)
        fclose(b->f);
    free(b->buf);
    b->f = NULL;
    b->buf = NULL;
    b->own = false;
}

void cs_jb_sep(cs_jb *b)
{
    if (b->after_key) {
        b->after_key = false;
        return;
    }
    if (b->comma[b->depth])
        fputs(", ", b->f);
    b->comma[b->depth] = true;
}

void cs_jb_fields(cs_jb *b, const char *fields)
{
    if (!*fields)
        return;
    cs_jb_sep(b);
    fputs(fields, b->f);
}

/* The length of the UTF-8 sequence at s (1 to 4 bytes), or 0 if s does not
 * start a well-formed one (overlong forms, surrogates and code points past
 * U+10FFFF are not). */
static int utf8_length(const unsigned char *s)
{
    int n;
    uint32_t cp;
    if (s[0] < 0x80)
        return 1;
    if ((s[0] & 0xE0) == 0xC0) {
        n = 2;
        cp = s[0] & 0x1F;
    } else if ((s[0] & 0xF0) == 0xE0) {
        n = 3;
        cp = s[0] & 0x0F;
    } else if ((s[0] & 0xF8) == 0xF0) {
        n = 4;
        cp = s[0] & 0x07;
    } else {
        return 0;
    }
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    static const uint32_t least[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < least[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

/* The inside of a JSON string for s. */
static void put_string(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        if (*p == '"' || *p == '\\') {
            fputc('\\', f);
            fputc(*p++, f);
        } else if (*p < 0x20) {
            static const char named[] = "btn\0fr"; /* \b \t \n, \f \r */
            if (*p >= '\b' && *p <= '\r' && named[*p - '\b'])
                fprintf(f, "\\%c", named[*p - '\b']);
            else
                fprintf(f, "\\u%04x", *p);
            p++;
        } else {
            int n = utf8_length(p);
            if (n == 0) {
                fputs("\\ufffd", f); /* one replacement per byte that is not UTF-8 */
                p++;
            } else {
                fwrite(p, 1, (size_t)n, f);
                p += n;
            }
        }
    }
}

void cs_jb_strval(cs_jb *b, const char *s)
{
    fputc('"', b->f);
    put_string(b->f, s);
    fputc('"', b->f);
}

void cs_jb_key(cs_jb *b, const char *k)
{
    cs_jb_sep(b);
    cs_jb_strval(b, k);
    fputs(": ", b->f);
    b->after_key = true;
}

void cs_jb_keyf(cs_jb *b, const char *fmt, ...)
{
    char k[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(k, sizeof k, fmt, ap);
    va_end(ap);
    cs_jb_key(b, k);
}

void cs_jb_num(cs_jb *b, double d)
{
    cs_jb_sep(b);
    if (isfinite(d)) {
        char t[40];
        cs_format_double(t, sizeof t, d);
        fputs(t, b->f);
    } else {
        fputs("null", b->f);
    }
}

void cs_jb_int(cs_jb *b, long long v)
{
    cs_jb_sep(b);
    fprintf(b->f, "%lld", v);
}

void cs_jb_uint(cs_jb *b, unsigned long long v)
{
    cs_jb_sep(b);
    fprintf(b->f, "%llu", v);
}

void cs_jb_str(cs_jb *b, const char *s)
{
    cs_jb_sep(b);
    cs_jb_strval(b, s);
}

void cs_jb_bool(cs_jb *b, bool v)
{
    cs_jb_sep(b);
    fputs(v ? "true" : "false", b->f);
}

void cs_jb_null(cs_jb *b)
{
    cs_jb_sep(b);
    fputs("null", b->f);
}

void cs_jb_open(cs_jb *b, char c)
{
    cs_jb_sep(b);
    fputc(c, b->f);
    if (b->depth < 15)
        b->depth++;
    b->comma[b->depth] = false;
}

void cs_jb_close(cs_jb *b, char c)
{
    if (b->depth > 0)
        b->depth--;
    fputc(c, b->f);
}

void cs_jb_kn(cs_jb *b, const char *k, double d)
{
    cs_jb_key(b, k);
    cs_jb_num(b, d);
}

void cs_jb_ki(cs_jb *b, const char *k, long long v)
{
    cs_jb_key(b, k);
    cs_jb_int(b, v);
}

void cs_jb_ku(cs_jb *b, const char *k, unsigned long long v)
{
    cs_jb_key(b, k);
    cs_jb_uint(b, v);
}

void cs_jb_ks(cs_jb *b, const char *k, const char *s)
{
    cs_jb_key(b, k);
    cs_jb_str(b, s);
}

void cs_jb_kb(cs_jb *b, const char *k, bool v)
{
    cs_jb_key(b, k);
    cs_jb_bool(b, v);
}
