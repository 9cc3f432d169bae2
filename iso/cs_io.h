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

/* --- directories ------------------------------------------------------------
 * cs_mkdirs creates path and any missing parents (mkdir -p).  *created
 * (created may be NULL) gets the outermost directory this call made,
 * malloc'd, or NULL when the whole path was there already: a command that
 * fails later removes that one tree with cs_remove_tree and leaves nothing
 * new behind, never touching what existed before.  Errors name the
 * directory that could not be made. */
cs_status cs_mkdirs(const char *path, char **created, cs_error *err);
/* Remove dir and everything below it (symbolic links are removed, not
 * followed).  Errors name dir and the cause. */
cs_status cs_remove_tree(const char *dir, cs_error *err);

#ifdef __cplusplus
}
#endif
#endif
