/* libFuzzer target: the JSON row decoder (data/cs_nb101_row.h).
 *
 * The whole input is one record's data for cs_nb101_row_decode; its lines
 * are also decoded together by cs_nb101_row_decode_many.  Checks:
 *  - a decoded row keeps the row's promises and survives encode + decode;
 *  - the fast path for the official spelling and the cJSON path agree
 *    (the same row with a space after '[' must take the cJSON path);
 *  - decode_many gives each line what decode gives it. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memfd_create, F_SETPIPE_SZ (fuzz_util.h) */
#endif
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cs_nb101_row.h"
#include "fuzz_util.h"

/* More lines than one lock round of decode_many, to cross its batches. */
#define MAX_LINES (CS_NB101_DECODE_MANY_MAX + 16)

static void check_same(const char *what, cs_status st1, const cs_nb101_row *r1, const cs_error *e1,
                       cs_status st2, const cs_nb101_row *r2, const cs_error *e2, int same_msg)
{
    if (st1 != st2)
        fuzz_fail("%s: status %d (%s) against %d (%s)", what, (int)st1,
                  st1 ? e1->msg : "", (int)st2, st2 ? e2->msg : "");
    if (st1 == CS_OK && memcmp(r1, r2, sizeof *r1) != 0)
        fuzz_fail("%s: different rows", what);
    if (st1 != CS_OK && same_msg && strcmp(e1->msg, e2->msg) != 0)
        fuzz_fail("%s: messages '%s' and '%s'", what, e1->msg, e2->msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Rows are compared with memcmp: zero them so padding and the bytes
     * past each text field's NUL are equal. */
    cs_nb101_row *row = calloc(2, sizeof *row);
    if (!row)
        return 0;
    cs_error err, err2;
    cs_status st = cs_nb101_row_decode(data, size, &row[0], &err);
    if (st == CS_OK) {
        fuzz_check_row(&row[0]);
        fuzz_check_row_roundtrip(&row[0]);
    } else if (st != CS_ERR_FORMAT && st != CS_ERR_NOMEM) {
        fuzz_fail("decode failed with status %d: %s", (int)st, err.msg);
    } else if (err.msg[0] == '\0') {
        fuzz_fail("decode failed without a message");
    }

    if (size > 0 && data[0] == '[') {
        unsigned char *spaced = malloc(size + 1);
        if (spaced) {
            spaced[0] = '[';
            spaced[1] = ' ';
            memcpy(spaced + 2, data + 1, size - 1);
            cs_status st2 = cs_nb101_row_decode(spaced, size + 1, &row[1], &err2);
            check_same("official spelling against cJSON", st, &row[0], &err, st2, &row[1], &err2,
                       0);
            free(spaced);
        }
    }

    const unsigned char *line[MAX_LINES];
    size_t len[MAX_LINES];
    size_t n = 0;
    for (const uint8_t *p = data, *end = data + size; n < MAX_LINES;) {
        const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
        line[n] = p;
        len[n] = (size_t)((nl ? nl : end) - p);
        n++;
        if (!nl)
            break;
        p = nl + 1;
    }
    cs_nb101_row *rows = calloc(n, sizeof *rows);
    cs_status *sts = malloc(n * sizeof *sts);
    cs_error *errs = malloc(n * sizeof *errs);
    if (rows && sts && errs) {
        cs_nb101_row_decode_many(n, line, len, rows, sts, errs);
        for (size_t k = 0; k < n; k++) {
            memset(&row[1], 0, sizeof row[1]);
            cs_status one = cs_nb101_row_decode(line[k], len[k], &row[1], &err2);
            check_same("decode_many against decode", sts[k], &rows[k], &errs[k], one, &row[1],
                       &err2, 1);
        }
    }
    free(rows);
    free(sts);
    free(errs);
    free(row);
    return 0;
}
