/* cellscape iso/ (internal): the one way cellscape writes numbers and JSON.
 *
 * cs_format_double gives every double cellscape writes (TSV, CSV, JSON) its
 * shortest round-trip text.  cs_jb builds JSON piece by piece, into memory
 * (cs_jb_init) or onto a stream (cs_jb_start): keys and values in the
 * order written, ", " and ": " between them, numbers through
 * cs_format_double, non-finite ones as null, strings escaped (control
 * characters as \uXXXX, bytes that are not UTF-8 as U+FFFD). */
#ifndef CS_JSON_H
#define CS_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cs_error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The shortest decimal text that strtod reads back as exactly d, written
 * as Python's repr writes it (100.0, 0.1, 1e+16, 1e-05); nan, inf, -inf for
 * non-finite values.  Returns the length, as snprintf (32 bytes always
 * suffice). */
int cs_format_double(char *buf, size_t size, double d);

typedef struct cs_jb {
    FILE *f;
    char *buf;   /* cs_jb_init's text, once finished */
    size_t size;
    bool own;    /* f is cs_jb_init's memory stream */
    int depth;
    bool comma[16];
    bool after_key;
} cs_jb;

/* Build into memory: CS_ERR_NOMEM when no stream can be made. */
cs_status cs_jb_init(cs_jb *b, cs_error *err);
/* Build onto f (the caller checks f for write errors). */
void cs_jb_start(cs_jb *b, FILE *f);
/* Close cs_jb_init's stream; the text is b->buf (free it with cs_jb_free).
 * On failure (CS_ERR_NOMEM) b is freed already. */
cs_status cs_jb_finish(cs_jb *b, cs_error *err);
void cs_jb_free(cs_jb *b);

void cs_jb_sep(cs_jb *b);
void cs_jb_strval(cs_jb *b, const char *s);
/* Pre-formatted "key": value pairs at the current level. */
void cs_jb_fields(cs_jb *b, const char *fields);
void cs_jb_key(cs_jb *b, const char *k);
/* A key made printf-style (at most 255 bytes): "%s_with_data" and the like. */
void cs_jb_keyf(cs_jb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cs_jb_num(cs_jb *b, double d);
void cs_jb_int(cs_jb *b, long long v);
void cs_jb_uint(cs_jb *b, unsigned long long v);
void cs_jb_str(cs_jb *b, const char *s);
void cs_jb_bool(cs_jb *b, bool v);
void cs_jb_null(cs_jb *b);
void cs_jb_open(cs_jb *b, char c);  /* '{' or '[' */
void cs_jb_close(cs_jb *b, char c); /* '}' or ']' */
void cs_jb_kn(cs_jb *b, const char *k, double d);
void cs_jb_ki(cs_jb *b, const char *k, long long v);
void cs_jb_ku(cs_jb *b, const char *k, unsigned long long v);
void cs_jb_ks(cs_jb *b, const char *k, const char *s);
void cs_jb_kb(cs_jb *b, const char *k, bool v);

#ifdef __cplusplus
}
#endif
#endif
