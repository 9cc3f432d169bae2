/* Opening a .tfrecord through a cache of imported stores, so that the
 * minutes-long read of the official file happens once per file version. */
/* realpath(3) is XSI. */
#define _XOPEN_SOURCE 700

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "cs_io.h"
#include "cs_store.h"
#include "store_format.h"

cs_status cs_store_cache_dir(char *buf, size_t size, cs_error *err)
{
    const char *env = getenv("CELLSCAPE_CACHE");
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    int n;
    if (env && *env)
        n = snprintf(buf, size, "%s", env);
    else if (xdg && *xdg)
        n = snprintf(buf, size, "%s/cellscape", xdg);
    else if (home && *home)
        n = snprintf(buf, size, "%s/.cache/cellscape", home);
    else
        return cs_error_set(err, CS_ERR_IO,
                            "no cache directory: set CELLSCAPE_CACHE (or HOME)");
    if (n < 0 || (size_t)n >= size)
        return cs_error_set(err, CS_ERR_VALUE, "cache directory name too long");
    return CS_OK;
}

/* 16 hex digits of SHA-256(text): OpenSSL, the library's one provider. */
static void short_digest(const char *text, char out[17])
{
    unsigned char d[32];
    unsigned int len = 0;
    if (!EVP_Digest(text, strlen(text), d, &len, EVP_sha256(), NULL))
        memset(d, 0, sizeof d);
    for (int i = 0; i < 8; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static bool is_store_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    char magic[16] = {0};
    size_t got = fread(magic, 1, sizeof magic, f);
    fclose(f);
    return got == sizeof magic && memcmp(magic, CS_STORE_MAGIC, sizeof CS_STORE_MAGIC) == 0;
}

/* Other versions of the same source (same path digest, another identity)
 * are stale for good: remove them.  Best effort. */
static void remove_stale(const char *dir, const char *path_key, const char *keep)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    size_t klen = strlen(path_key);
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (strncmp(e->d_name, path_key, klen) != 0 || e->d_name[klen] != '-' ||
            len < 6 || strcmp(e->d_name + len - 6, ".store") != 0 ||
            strcmp(e->d_name, keep) == 0)
            continue;
        char full[PATH_MAX];
        if (snprintf(full, sizeof full, "%s/%s", dir, e->d_name) < (int)sizeof full)
            unlink(full);
    }
    closedir(d);
}

/* Can this process create files in dir?  Tried, not asked: access(2) says
 * yes to root on a read-only mount's permissions and no to nothing else. */
static bool dir_writable(const char *dir)
{
    char probe[PATH_MAX];
    if (snprintf(probe, sizeof probe, "%s/.probe-XXXXXX", dir) >= (int)sizeof probe)
        return false;
    int fd = mkstemp(probe);
    if (fd < 0)
        return false;
    close(fd);
    unlink(probe);
    return true;
}

cs_status cs_store_open_cached(cs_store **s, const char *path, const char *cache_dir,
                               const cs_import_options *opt, cs_cache_result *res,
                               cs_error *err)
{
    *s = NULL;
    memset(res, 0, sizeof *res);
    res->outcome = CS_CACHE_NOT_USED;
    struct stat st;
    if (stat(path, &st) != 0)
        return cs_error_set(err, CS_ERR_IO, "%s: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode) || is_store_file(path))
        return cs_store_open_any(s, path, opt, err);

    char dir[PATH_MAX];
    cs_status status;
    if (cache_dir) {
        if (snprintf(dir, sizeof dir, "%s", cache_dir) >= (int)sizeof dir)
            return cs_error_set(err, CS_ERR_VALUE, "cache directory name too long");
    } else if ((status = cs_store_cache_dir(dir, sizeof dir, &res->cache_error))) {
        res->outcome = CS_CACHE_UNUSABLE;
        return cs_store_open_any(s, path, opt, err);
    }

    /* The name: the file's absolute path, and its identity as stat(2) sees
     * it.  Any write to the file changes its change time, which no user
     * can set back (touch and cp -p restore only the modification time),
     * so a changed file never meets its old import. */
    char real[PATH_MAX], key_text[PATH_MAX + 128], path_key[17], id_key[17];
    if (!realpath(path, real))
        return cs_error_set(err, CS_ERR_IO, "%s: %s", path, strerror(errno));
    short_digest(real, path_key);
    snprintf(key_text, sizeof key_text, "%s\n%ju %ju %jd %jd.%09ld %jd.%09ld", real,
             (uintmax_t)st.st_dev, (uintmax_t)st.st_ino, (intmax_t)st.st_size,
             (intmax_t)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
             (intmax_t)st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
    short_digest(key_text, id_key);
    char name[64];
    snprintf(name, sizeof name, "%s-%s.store", path_key, id_key);
    if (snprintf(res->path, sizeof res->path, "%s/%s", dir, name) >= (int)sizeof res->path)
        return cs_error_set(err, CS_ERR_VALUE, "cache path too long");

    if (access(res->path, F_OK) == 0) {
        cs_error cerr;
        if (cs_store_open(s, res->path, &cerr) == CS_OK &&
            cs_store_source_bytes(*s) == (uint64_t)st.st_size) {
            res->outcome = CS_CACHE_HIT;
            return CS_OK;
        }
        /* Damaged or foreign: import again over it. */
        if (*s)
            cs_store_close(*s);
        *s = NULL;
    }

    if (cs_mkdirs(dir, NULL, &res->cache_error) != CS_OK || !dir_writable(dir)) {
        if (res->cache_error.code == CS_OK)
            cs_error_set(&res->cache_error, CS_ERR_IO, "%s: cannot write there", dir);
        res->outcome = CS_CACHE_UNUSABLE;
        res->path[0] = '\0';
        return cs_store_open_any(s, path, opt, err);
    }
    cs_import_stats stats;
    if ((status = cs_store_import(path, res->path, opt, &stats, err)))
        return status;
    if ((status = cs_store_open(s, res->path, err)))
        return status;
    res->outcome = CS_CACHE_STORED;
    remove_stale(dir, path_key, name);
    return CS_OK;
}
