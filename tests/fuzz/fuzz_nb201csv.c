/* libFuzzer target: the NAS-Bench-201 CSV reader (data/cs_nb201_data.h).
 *
 * The input is the file, given to cs_nb201_data_read_memory.  Checks:
 *  - a failure has a status among the reader's, and a message that names
 *    the source and a line and byte inside the input;
 *  - a success keeps the reader's promises: names unique and found again,
 *    counts summing to the rows, cells counting the cells with rows, NaN
 *    exactly where a count is 0, a standard deviation of 0 for one row and
 *    never negative, a 64-digit SHA-256;
 *  - the same bytes with every LF turned into CRLF read the same way (same
 *    status, and for a success the same counts and means). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memfd_create, F_SETPIPE_SZ (fuzz_util.h) */
#endif
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_nb201.h"
#include "cs_nb201_data.h"
#include "fuzz_util.h"

#define NAME "fuzz.csv"

static void check_error(cs_status st, const cs_error *err, size_t size)
{
    if (st != CS_ERR_FORMAT && st != CS_ERR_LIMIT && st != CS_ERR_NOMEM)
        fuzz_fail("read failed with status %d: %s", (int)st, err->msg);
    if (st == CS_ERR_NOMEM)
        return;
    size_t line, byte;
    if (sscanf(err->msg, NAME ": line %zu (byte %zu)", &line, &byte) != 2)
        fuzz_fail("message does not name the file, line and byte: %s", err->msg);
    if (line == 0 || byte > size)
        fuzz_fail("line %zu, byte %zu out of the %zu-byte input: %s", line, byte, size,
                  err->msg);
}

static void check_data(const cs_nb201_data *d)
{
    if (strcmp(cs_nb201_data_source(d), NAME) != 0)
        fuzz_fail("source is '%s'", cs_nb201_data_source(d));
    const char *sha = cs_nb201_data_sha256(d);
    if (strlen(sha) != 64 || strspn(sha, "0123456789abcdef") != 64)
        fuzz_fail("bad SHA-256 '%s'", sha);
    int nd = cs_nb201_data_num_datasets(d), nm = cs_nb201_data_num_metrics(d);
    if (nd < 1 || nd > CS_NB201_DATA_MAX_DATASETS || nm < 1 || nm > CS_NB201_DATA_MAX_METRICS)
        fuzz_fail("%d datasets, %d metrics", nd, nm);
    for (int i = 0; i < nd; i++)
        if (cs_nb201_data_find_dataset(d, cs_nb201_data_dataset(d, i)) != i)
            fuzz_fail("dataset %d '%s' not found at its index", i, cs_nb201_data_dataset(d, i));
    for (int i = 0; i < nm; i++)
        if (cs_nb201_data_find_metric(d, cs_nb201_data_metric(d, i)) != i)
            fuzz_fail("metric %d '%s' not found at its index", i, cs_nb201_data_metric(d, i));
    uint64_t rows = 0;
    for (int i = 0; i < nd; i++)
        for (int m = 0; m < nm; m++) {
            const double *mean = cs_nb201_data_means(d, i, m);
            const double *sd = cs_nb201_data_stddevs(d, i, m);
            const uint32_t *n = cs_nb201_data_counts(d, i, m);
            if (!mean != !sd || !mean != !n)
                fuzz_fail("pair (%d, %d): some arrays missing", i, m);
            if (!mean) {
                if (cs_nb201_data_cells(d, i, m) != 0)
                    fuzz_fail("pair (%d, %d) absent but has cells", i, m);
                continue;
            }
            size_t cells = 0;
            for (size_t c = 0; c < CS_NB201_CELLS; c++) {
                rows += n[c];
                if (n[c] == 0) {
                    if (!isnan(mean[c]) || !isnan(sd[c]))
                        fuzz_fail("cell %zu has no rows but a value", c);
                    continue;
                }
                cells++;
                if (isnan(mean[c]) || isnan(sd[c]))
                    fuzz_fail("cell %zu has %u rows but a NaN", c, (unsigned)n[c]);
                if (n[c] == 1 && sd[c] != 0.0)
                    fuzz_fail("cell %zu: one row, sd %g", c, sd[c]);
                if (sd[c] < 0)
                    fuzz_fail("cell %zu: sd %g", c, sd[c]);
            }
            if (cells == 0 || cells != cs_nb201_data_cells(d, i, m))
                fuzz_fail("pair (%d, %d): %zu cells counted, %zu reported", i, m, cells,
                          cs_nb201_data_cells(d, i, m));
        }
    if (rows == 0 || rows != cs_nb201_data_rows(d))
        fuzz_fail("counts sum to %llu, rows %zu", (unsigned long long)rows,
                  cs_nb201_data_rows(d));
}

static void check_same(const cs_nb201_data *a, const cs_nb201_data *b)
{
    if (cs_nb201_data_rows(a) != cs_nb201_data_rows(b) ||
        cs_nb201_data_synthetic(a) != cs_nb201_data_synthetic(b) ||
        cs_nb201_data_num_datasets(a) != cs_nb201_data_num_datasets(b) ||
        cs_nb201_data_num_metrics(a) != cs_nb201_data_num_metrics(b))
        fuzz_fail("CRLF: different rows, marker or names");
    for (int i = 0; i < cs_nb201_data_num_datasets(a); i++)
        for (int m = 0; m < cs_nb201_data_num_metrics(a); m++) {
            const uint32_t *na = cs_nb201_data_counts(a, i, m), *nb = cs_nb201_data_counts(b, i, m);
            if (!na != !nb)
                fuzz_fail("CRLF: pair (%d, %d) present in one only", i, m);
            if (!na)
                continue;
            const double *ma = cs_nb201_data_means(a, i, m), *mb = cs_nb201_data_means(b, i, m);
            if (memcmp(na, nb, CS_NB201_CELLS * sizeof *na) != 0 ||
                memcmp(ma, mb, CS_NB201_CELLS * sizeof *ma) != 0)
                fuzz_fail("CRLF: pair (%d, %d) differs", i, m);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cs_nb201_data *d = NULL;
    cs_error err;
    cs_status st = cs_nb201_data_read_memory((const char *)data, size, NAME, &d, &err);
    if (st != CS_OK) {
        if (d)
            fuzz_fail("failed read left an object");
        check_error(st, &err, size);
    } else {
        check_data(d);
    }

    /* CRLF everywhere a line ends with LF alone; lines that grow past the
     * length limit (a stray CR before the LF already) may differ, so only
     * inputs free of CRs are compared. */
    if (!memchr(data, '\r', size)) {
        size_t nl = 0;
        for (size_t i = 0; i < size; i++)
            nl += data[i] == '\n';
        char *crlf = malloc(size + nl + 1);
        if (crlf) {
            size_t o = 0;
            for (size_t i = 0; i < size; i++) {
                if (data[i] == '\n')
                    crlf[o++] = '\r';
                crlf[o++] = (char)data[i];
            }
            cs_nb201_data *d2 = NULL;
            cs_error err2;
            cs_status st2 = cs_nb201_data_read_memory(crlf, o, NAME, &d2, &err2);
            if (st2 != st)
                fuzz_fail("CRLF: status %d (%s) against %d (%s)", (int)st2, st2 ? err2.msg : "",
                          (int)st, st ? err.msg : "");
            if (st == CS_OK)
                check_same(d, d2);
            cs_nb201_data_destroy(d2);
            free(crlf);
        }
    }
    cs_nb201_data_destroy(d);
    return 0;
}
