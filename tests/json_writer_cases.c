/* The JSON writer (iso/cs_json.h): the text it writes, written out by hand
 * here, and what a JSON parser (jansson) reads back from it. */
#include "cs_json.h"

#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TCase *cs_json_tcase(void);

/* Build the same value with f onto a FILE and into memory. */
static char *built(void (*f)(cs_jb *))
{
    cs_jb b;
    cs_error err;
    ck_assert_int_eq(cs_jb_init(&b, &err), CS_OK);
    f(&b);
    ck_assert_int_eq(cs_jb_finish(&b, &err), CS_OK);
    char *text = strdup(b.buf);
    cs_jb_free(&b);

    FILE *tmp = tmpfile();
    ck_assert_ptr_nonnull(tmp);
    cs_jb_start(&b, tmp);
    f(&b);
    ck_assert_int_eq(cs_jb_finish(&b, &err), CS_OK); /* nothing to close: the stream is ours */
    long n = ftell(tmp);
    char *streamed = calloc((size_t)n + 1, 1);
    rewind(tmp);
    ck_assert_int_eq((long)fread(streamed, 1, (size_t)n, tmp), n);
    fclose(tmp);
    ck_assert_str_eq(streamed, text);
    free(streamed);
    return text;
}

static void nested(cs_jb *b)
{
    cs_jb_open(b, '{');
    cs_jb_ki(b, "a", 1);
    cs_jb_key(b, "b");
    cs_jb_open(b, '[');
    cs_jb_int(b, -7);
    cs_jb_num(b, 2.5);
    cs_jb_num(b, NAN);
    cs_jb_bool(b, true);
    cs_jb_bool(b, false);
    cs_jb_str(b, "x");
    cs_jb_null(b);
    cs_jb_close(b, ']');
    cs_jb_key(b, "c");
    cs_jb_open(b, '{');
    cs_jb_kn(b, "d", INFINITY);
    cs_jb_kb(b, "e", true);
    cs_jb_close(b, '}');
    cs_jb_key(b, "f");
    cs_jb_open(b, '{');
    cs_jb_close(b, '}');
    cs_jb_keyf(b, "%s_%d", "g", 3);
    cs_jb_open(b, '[');
    cs_jb_close(b, ']');
    cs_jb_ks(b, "h", "y");
    cs_jb_ku(b, "u", 18446744073709551615ULL);
    cs_jb_close(b, '}');
}

START_TEST(test_json_structure)
{
    char *text = built(nested);
    ck_assert_str_eq(text, "{\"a\": 1, \"b\": [-7, 2.5, null, true, false, \"x\", null], "
                           "\"c\": {\"d\": null, \"e\": true}, \"f\": {}, \"g_3\": [], "
                           "\"h\": \"y\", \"u\": 18446744073709551615}");
    json_error_t je;
    json_t *j = json_loads(text, JSON_DECODE_INT_AS_REAL, &je); /* u is past int64 */
    ck_assert_msg(j != NULL, "%s: %s", text, je.text);
    ck_assert_int_eq(json_object_size(j), 7);
    ck_assert(json_is_null(json_array_get(json_object_get(j, "b"), 2)));
    json_decref(j);
    free(text);
}
END_TEST

/* Numbers: the shortest text that reads back (Python's repr of the same
 * doubles), null for what JSON cannot hold. */
static const struct {
    double d;
    const char *text;
} numbers[] = {
    {0.1, "0.1"},
    {1.0 / 3.0, "0.3333333333333333"},
    {100.0, "100.0"},
    {-0.0, "-0.0"},
    {1e300, "1e+300"},
    {5e-324, "5e-324"},
    {0.9440104365348816, "0.9440104365348816"},
    {1e16, "1e+16"},
    {123456789012345.0, "123456789012345.0"},
};

static const double *number_now;

static void one_number(cs_jb *b)
{
    cs_jb_num(b, *number_now);
}

START_TEST(test_json_numbers)
{
    for (size_t i = 0; i < sizeof numbers / sizeof *numbers; i++) {
        number_now = &numbers[i].d;
        char *text = built(one_number);
        ck_assert_str_eq(text, numbers[i].text);
        ck_assert(strtod(text, NULL) == numbers[i].d);
        free(text);
    }
    const double nonfinite[] = {NAN, INFINITY, -INFINITY};
    for (int i = 0; i < 3; i++) {
        number_now = &nonfinite[i];
        char *text = built(one_number);
        ck_assert_str_eq(text, "null");
        free(text);
    }
}
END_TEST

/* Strings: quotes and backslashes escaped, control characters as JSON
 * escapes, UTF-8 kept, each byte that is not UTF-8 one U+FFFD. */
static const struct {
    const char *in, *out, *decoded;
} strings[] = {
    {"plain", "plain", "plain"},
    {"q\"b\\s", "q\\\"b\\\\s", "q\"b\\s"},
    {"a\nb\tc\rd\be\ff", "a\\nb\\tc\\rd\\be\\ff", "a\nb\tc\rd\be\ff"},
    {"\x01\x1f\x0b", "\\u0001\\u001f\\u000b", "\x01\x1f\x0b"},
    {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
     "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"},
    {"x\xffy", "x\\ufffdy", "x\xef\xbf\xbdy"},
    {"\xc3", "\\ufffd", "\xef\xbf\xbd"},                                   /* cut short */
    {"\xc0\xaf", "\\ufffd\\ufffd", "\xef\xbf\xbd\xef\xbf\xbd"},            /* overlong */
    {"\xed\xa0\x80", "\\ufffd\\ufffd\\ufffd",
     "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},                             /* a surrogate */
    {"\xf4\x90\x80\x80", "\\ufffd\\ufffd\\ufffd\\ufffd",
     "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},                 /* past U+10FFFF */
};

static const char *string_now;

static void one_string(cs_jb *b)
{
    cs_jb_str(b, string_now);
}

START_TEST(test_json_strings)
{
    for (size_t i = 0; i < sizeof strings / sizeof *strings; i++) {
        string_now = strings[i].in;
        char *text = built(one_string);
        char want[256];
        snprintf(want, sizeof want, "\"%s\"", strings[i].out);
        ck_assert_str_eq(text, want);
        json_error_t je;
        json_t *j = json_loads(text, JSON_DECODE_ANY, &je);
        ck_assert_msg(j != NULL, "case %zu: %s", i, je.text);
        ck_assert_str_eq(json_string_value(j), strings[i].decoded);
        json_decref(j);
        free(text);
    }
}
END_TEST

TCase *cs_json_tcase(void)
{
    TCase *tc = tcase_create("json");
    tcase_add_test(tc, test_json_structure);
    tcase_add_test(tc, test_json_numbers);
    tcase_add_test(tc, test_json_strings);
    return tc;
}
