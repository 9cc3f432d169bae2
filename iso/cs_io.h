/* cellscape: output files that appear whole or not at all.
 *
 * Output is written to a temporary file beside the target and renamed over
 * it on commit, so a crash, a full disk or an interrupt never leaves a
 * partial file under the target's name. */
#ifndef CS_IO_H
#define CS_IO_H

#include <stdbool.h>
#include <stdio.h>

#include "cs_error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cs_outfile {
    FILE *f;       /* write here */
    bool direct;   /* a device or pipe, written in place */
    char *path;    /* target; NULL for standard output */
    char *tmp;     /* temporary name while writing */
} cs_outfile;

/* path "-" or NULL writes to standard output, and an existing path that is
 * not a regular file (a device, a FIFO) is written in place: no atomicity
 * there. */
cs_status cs_outfile_open(cs_outfile *o, const char *path, cs_error *err);
/* Flush, sync and rename into place; the file is closed either way. */
cs_status cs_outfile_commit(cs_outfile *o, cs_error *err);
/* Close and delete the temporary file; safe after a failed commit. */
void cs_outfile_abort(cs_outfile *o);

#ifdef __cplusplus
}
#endif
#endif
