/* nftw is X/Open. */
#define _XOPEN_SOURCE 700

#include "cs_io.h"

#include <errno.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

cs_status cs_outfile_open(cs_outfile *o, const char *path, cs_error *err)
{
    memset(o, 0, sizeof *o);
    if (!path || strcmp(path, "-") == 0) {
        o->f = stdout;
        return CS_OK;
    }
    /* A device or a pipe (/dev/null, a FIFO) is written in place: renaming a
     * temporary file over it would replace the device itself. */
    struct stat sb;
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        if (S_ISDIR(sb.st_mode))
            return cs_error_set(err, CS_ERR_IO, "%s: is a directory", path);
        o->f = fopen(path, "w");
        if (!o->f)
            return cs_error_set(err, CS_ERR_IO, "%s: %s", path, strerror(errno));
        o->direct = true;
        return CS_OK;
    }
    size_t len = strlen(path);
    o->path = malloc(len + 1);
    o->tmp = malloc(len + 16);
    if (!o->path || !o->tmp) {
        cs_outfile_abort(o);
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
    }
    memcpy(o->path, path, len + 1);
    snprintf(o->tmp, len + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        int e = errno;
        free(o->tmp);
        o->tmp = NULL;
        cs_outfile_abort(o);
        return cs_error_set(err, CS_ERR_IO, "%s: cannot create: %s", path,
                            strerror(e));
    }
    /* mkstemp makes 0600; outputs are ordinary shareable files. */
    fchmod(fd, 0644);
    o->f = fdopen(fd, "w");
    if (!o->f) {
        int e = errno;
        close(fd);
        cs_outfile_abort(o);
        return cs_error_set(err, CS_ERR_IO, "%s: %s", path, strerror(e));
    }
    return CS_OK;
}

cs_status cs_outfile_commit(cs_outfile *o, cs_error *err)
{
    if (o->direct) {
        int failed = ferror(o->f) || fflush(o->f) != 0;
        int e = errno;
        if (fclose(o->f) != 0 && !failed) {
            failed = 1;
            e = errno;
        }
        o->f = NULL;
        o->direct = false;
        return failed ? cs_error_set(err, CS_ERR_IO, "cannot write: %s", strerror(e)) : CS_OK;
    }
    if (!o->path) {
        if (ferror(o->f) || fflush(o->f) != 0)
            return cs_error_set(err, CS_ERR_IO, "standard output: %s",
                                strerror(errno));
        return CS_OK;
    }
    int failed = ferror(o->f) || fflush(o->f) != 0 || fsync(fileno(o->f)) != 0;
    int e = errno;
    if (fclose(o->f) != 0 && !failed) {
        failed = 1;
        e = errno;
    }
    o->f = NULL;
    if (!failed && rename(o->tmp, o->path) != 0) {
        failed = 1;
        e = errno;
    }
    if (failed) {
        cs_status st = cs_error_set(err, CS_ERR_IO, "%s: cannot write: %s",
                                    o->path, strerror(e));
        cs_outfile_abort(o);
        return st;
    }
    free(o->tmp);
    free(o->path);
    o->tmp = o->path = NULL;
    return CS_OK;
}

void cs_outfile_abort(cs_outfile *o)
{
    if (o->f && o->f != stdout)
        fclose(o->f);
    o->f = NULL;
    o->direct = false;
    if (o->tmp)
        unlink(o->tmp);
    free(o->tmp);
    free(o->path);
    o->tmp = o->path = NULL;
}

cs_status cs_mkdirs(const char *path, char **created, cs_error *err)
{
    if (created)
        *created = NULL;
    size_t len = strlen(path);
    if (len == 0)
        return cs_error_set(err, CS_ERR_ARG, "empty directory name");
    char *buf = malloc(len + 1);
    if (!buf)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
    memcpy(buf, path, len + 1);
    bool made = false;
    for (char *p = buf + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        if (mkdir(buf, 0777) == 0) {
            if (!made && created && !(*created = strdup(buf))) {
                free(buf);
                return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
            }
            made = true;
        } else if (errno != EEXIST) {
            cs_status st = cs_error_set(err, CS_ERR_IO, "cannot create directory %s: %s", buf,
                                        strerror(errno));
            free(buf);
            return st;
        } else {
            struct stat sb;
            if (stat(buf, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
                cs_status st = cs_error_set(err, CS_ERR_IO, "%s: exists and is not a directory",
                                            buf);
                free(buf);
                return st;
            }
        }
        *p = c;
        if (!c)
            break;
    }
    free(buf);
    return CS_OK;
}

static int remove_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb;
    (void)type;
    (void)ftw;
    return remove(path) == 0 ? 0 : -1;
}

cs_status cs_remove_tree(const char *dir, cs_error *err)
{
    /* Depth first (children before their directory), not crossing into
     * what a symbolic link points to. */
    if (nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
        return cs_error_set(err, CS_ERR_IO, "cannot remove %s: %s", dir, strerror(errno));
    return CS_OK;
}
