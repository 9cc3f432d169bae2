/* The figure manifest and gnuplot: each figure is one gnuplot process per
 * format, run with posix_spawn so that the library neither forks a copy of
 * the caller's threads' state nor touches its stdio. */
#include "cs_io.h"
#include "report_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cs_parallel.h"


extern char **environ;

static bool has_manifest(const char *dir)
{
    char p[4200];
    snprintf(p, sizeof p, "%s/figures.tsv", dir);
    return *dir && access(p, R_OK) == 0;
}

const char *cs_report_scripts_dir(void)
{
    if (has_manifest(CS_REPORTS_INSTALLED))
        return CS_REPORTS_INSTALLED;
    if (has_manifest(CS_REPORTS_SOURCE))
        return CS_REPORTS_SOURCE;
    return NULL;
}

/* Copy field [start, end) of a manifest line into dst, or fail. */
static bool field(char *dst, size_t cap, const char *start, const char *end)
{
    size_t n = (size_t)(end - start);
    if (n >= cap)
        return false;
    memcpy(dst, start, n);
    dst[n] = '\0';
    return true;
}

const char *cs_report_manifest_file(cs_report_space space)
{
    return space == CS_REPORT_NB201 ? "figures-nb201.tsv" : "figures.tsv";
}

cs_status cs_report_manifest_load(const char *dir, cs_report_figure **figures, size_t *count,
                                  cs_error *err)
{
    return cs_report_manifest_load_space(dir, CS_REPORT_NB101, figures, count, err);
}

/* One figure's row of the manifest (line `lineno` of `path`, len chars):
 * six tab-separated fields. */
static cs_status manifest_row(char *line, size_t len, const char *path, int lineno,
                              cs_report_figure *fig, cs_error *err)
{
    const char *fs[7];
    int nf = 0;
    fs[nf++] = line;
    for (char *p = line; *p && nf < 7; p++)
        if (*p == '\t')
            fs[nf++] = p + 1;
    if (nf != 6)
        return cs_error_set(err, CS_ERR_FORMAT, "%s: line %d has %d fields, expected 6", path,
                            lineno, nf);
    const char *end5 = line + len;
    char kind[32];
    if (!field(fig->name, sizeof fig->name, fs[0], fs[1] - 1) ||
        !field(kind, sizeof kind, fs[1], fs[2] - 1) ||
        !field(fig->analyses, sizeof fig->analyses, fs[2], fs[3] - 1) ||
        !field(fig->inputs, sizeof fig->inputs, fs[3], fs[4] - 1) ||
        !field(fig->title, sizeof fig->title, fs[4], fs[5] - 1) ||
        !field(fig->caption, sizeof fig->caption, fs[5], end5))
        return cs_error_set(err, CS_ERR_FORMAT, "%s: line %d: a field is too long", path,
                            lineno);
    if (strcmp(kind, "data") != 0 && strcmp(kind, "structure") != 0)
        return cs_error_set(err, CS_ERR_FORMAT,
                            "%s: line %d: kind is '%s', expected data or structure", path,
                            lineno, kind);
    fig->needs_data = strcmp(kind, "data") == 0;
    /* The name becomes file names: keep it to a safe alphabet. */
    bool safe = strncmp(fig->name, "fig-", 4) == 0;
    for (const char *p = fig->name; *p && safe; p++)
        safe = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-';
    if (!safe)
        return cs_error_set(err, CS_ERR_FORMAT,
                            "%s: line %d: figure name '%s' is not fig-[a-z0-9-]+", path, lineno,
                            fig->name);
    return CS_OK;
}

cs_status cs_report_manifest_load_space(const char *dir, cs_report_space space,
                                        cs_report_figure **figures, size_t *count,
                                        cs_error *err)
{
    *figures = NULL;
    *count = 0;
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, cs_report_manifest_file(space));
    FILE *f = fopen(path, "r");
    if (!f)
        return cs_error_set(err, CS_ERR_IO, "cannot open %s: %s", path, strerror(errno));
    cs_report_figure *v = NULL;
    size_t n = 0, cap = 0;
    char line[4096];
    int lineno = 0;
    cs_status st = CS_OK;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        size_t len = strlen(line);
        if (len && line[len - 1] == '\n')
            line[--len] = '\0';
        else if (!feof(f)) {
            st = cs_error_set(err, CS_ERR_FORMAT, "%s: line %d is too long", path, lineno);
            break;
        }
        if (lineno == 1 || len == 0)
            continue; /* the header row */
        if (n == cap) {
            cap = cap ? 2 * cap : 32;
            cs_report_figure *nv = realloc(v, cap * sizeof *nv);
            if (!nv) {
                st = cs_error_set(err, CS_ERR_NOMEM, "out of memory");
                break;
            }
            v = nv;
        }
        if ((st = manifest_row(line, len, path, lineno, &v[n], err)))
            break;
        n++;
    }
    if (st == CS_OK && ferror(f))
        st = cs_error_set(err, CS_ERR_IO, "%s: read error", path);
    fclose(f);
    if (st == CS_OK && n == 0)
        st = cs_error_set(err, CS_ERR_FORMAT, "%s: no figures", path);
    if (st) {
        free(v);
        return st;
    }
    *figures = v;
    *count = n;
    return CS_OK;
}

/* gnuplot's single-quoted string: a quote is written twice. */
static bool gp_quote(char *dst, size_t cap, const char *s)
{
    size_t k = 0;
    if (cap < 3)
        return false;
    dst[k++] = '\'';
    for (; *s; s++) {
        if (k + 3 >= cap)
            return false;
        if (*s == '\'')
            dst[k++] = '\'';
        dst[k++] = *s;
    }
    dst[k++] = '\'';
    dst[k] = '\0';
    return true;
}

typedef struct job {
    size_t fig;
    int fmt;          /* 0 png, 1 svg */
    pid_t pid;
    char log[4400];
} job;

static const char *const fmt_ext[2] = {"png", "svg"};

static cs_status spawn_gnuplot(const char *gnuplot, const char *scripts_dir, const char *workdir,
                               const char *datadir, const cs_report_figure *fig, job *j,
                               cs_error *err)
{
    char qd[4200], qw[4200], qs[4200], expr[13000], script[4400];
    if (!gp_quote(qd, sizeof qd, datadir) || !gp_quote(qw, sizeof qw, workdir) ||
        !gp_quote(qs, sizeof qs, scripts_dir))
        return cs_error_set(err, CS_ERR_ARG, "path too long for gnuplot: %s", workdir);
    snprintf(expr, sizeof expr, "datadir=%s; outdir=%s; reportsdir=%s; fmt='%s'", qd, qw, qs,
             fmt_ext[j->fmt]);
    snprintf(script, sizeof script, "%s/%s.gp", scripts_dir, fig->name);
    snprintf(j->log, sizeof j->log, "%s/%s.%s.log", workdir, fig->name, fmt_ext[j->fmt]);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, j->log, O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
    char *argv[] = {(char *)gnuplot, "-e", expr, script, NULL};
    int rc = posix_spawnp(&j->pid, gnuplot, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        return cs_error_set(err, CS_ERR_IO, "cannot run %s: %s (install the Debian package "
                                            "gnuplot-nox)", gnuplot, strerror(rc));
    return CS_OK;
}

/* The last lines of a log, for a message. */
static void log_tail(const char *path, char *out, size_t cap)
{
    out[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char buf[2048];
    size_t n = 0;
    if (fseek(f, 0, SEEK_END) == 0) {
        long size = ftell(f);
        long from = size > (long)sizeof buf - 1 ? size - (long)sizeof buf + 1 : 0;
        if (fseek(f, from, SEEK_SET) == 0)
            n = fread(buf, 1, sizeof buf - 1, f);
    }
    fclose(f);
    buf[n] = '\0';
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
        buf[--n] = '\0';
    const char *start = buf;
    int lines = 0;
    for (size_t k = n; k > 0; k--)
        if (buf[k - 1] == '\n' && ++lines == 3) {
            start = buf + k;
            break;
        }
    snprintf(out, cap, "%s", start);
    for (char *p = out; *p; p++)
        if (*p == '\n')
            *p = ' ';
}

/* A job finished: check its status and its output. */
static cs_status job_done(const job *j, int status, const char *workdir,
                          const cs_report_figure *fig, cs_error *err)
{
    char tail[1024];
    char out[4300];
    snprintf(out, sizeof out, "%s/%s.%s", workdir, fig->name, fmt_ext[j->fmt]);
    struct stat sb;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        log_tail(j->log, tail, sizeof tail);
        return cs_error_set(err, CS_ERR_IO, "figure %s (%s): gnuplot %s %d: %s", fig->name,
                            fmt_ext[j->fmt], WIFEXITED(status) ? "exited with" : "killed by signal",
                            WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), tail);
    }
    if (stat(out, &sb) != 0 || sb.st_size == 0) {
        log_tail(j->log, tail, sizeof tail);
        return cs_error_set(err, CS_ERR_IO, "figure %s: gnuplot wrote no %s (%s)", fig->name,
                            out, tail);
    }
    return CS_OK;
}

/* Both formats of a finished figure, from the work directory into
 * figures/ (each file whole: a rename). */
static cs_status publish_figure(const char *workdir, const char *figdir,
                                const cs_report_figure *fig, cs_error *err)
{
    for (int f = 0; f < 2; f++) {
        char from[4300], to[4300];
        snprintf(from, sizeof from, "%s/%s.%s", workdir, fig->name, fmt_ext[f]);
        snprintf(to, sizeof to, "%s/%s.%s", figdir, fig->name, fmt_ext[f]);
        if (rename(from, to) != 0)
            return cs_error_set(err, CS_ERR_IO, "cannot rename %s to %s: %s", from, to,
                                strerror(errno));
    }
    return CS_OK;
}

/* On failure, stop what still runs; either way leave no work files. */
static void stop_and_clean(const char *workdir, const cs_report_figure *figs, size_t n,
                           const job *running, int active)
{
    for (int k = 0; k < active; k++) {
        kill(running[k].pid, SIGTERM);
        waitpid(running[k].pid, NULL, 0);
    }
    for (size_t i = 0; i < n; i++)
        for (int f = 0; f < 2; f++) {
            char p[4400];
            snprintf(p, sizeof p, "%s/%s.%s", workdir, figs[i].name, fmt_ext[f]);
            unlink(p);
            snprintf(p, sizeof p, "%s/%s.%s.log", workdir, figs[i].name, fmt_ext[f]);
            unlink(p);
        }
    rmdir(workdir);
}

cs_status cs_report_render(const char *gnuplot, const char *scripts_dir, const char *outdir,
                           const cs_report_figure *figs, size_t n, const bool *todo,
                           bool *rendered, int jobs, const cs_monitor *monitor, cs_error *err)
{
    char workdir[4200], datadir[4200], figdir[4200];
    snprintf(datadir, sizeof datadir, "%s/data", outdir);
    snprintf(figdir, sizeof figdir, "%s/figures", outdir);
    snprintf(workdir, sizeof workdir, "%s/figures/.work-%ld", outdir, (long)getpid());
    cs_status st = cs_mkdirs(workdir, NULL, err);
    if (st)
        return st;
    if (jobs < 1)
        jobs = 1;
    if (jobs > CS_MAX_THREADS)
        jobs = CS_MAX_THREADS;
    job running[CS_MAX_THREADS];
    int active = 0;
    /* Per figure, formats still to finish. */
    int *left = calloc(n ? n : 1, sizeof *left);
    if (!left) {
        rmdir(workdir);
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
    }
    size_t total = 0, done = 0;
    for (size_t i = 0; i < n; i++)
        if (todo[i]) {
            left[i] = 2;
            total += 2;
        }
    size_t next = 0;
    int next_fmt = 0;
    while (st == CS_OK && (active > 0 || next < n)) {
        while (st == CS_OK && active < jobs && next < n) {
            if (!todo[next]) {
                next++;
                continue;
            }
            if (cs_monitor_cancelled(monitor)) {
                st = cs_error_set(err, CS_ERR_CANCELLED, "cancelled");
                break;
            }
            job *j = &running[active];
            j->fig = next;
            j->fmt = next_fmt;
            if ((st = spawn_gnuplot(gnuplot, scripts_dir, workdir, datadir, &figs[next], j, err)))
                break;
            active++;
            if (++next_fmt == 2) {
                next_fmt = 0;
                next++;
            }
        }
        if (active == 0)
            break;
        int status;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            st = cs_error_set(err, CS_ERR_IO, "waiting for gnuplot: %s", strerror(errno));
            break;
        }
        int k = 0;
        while (k < active && running[k].pid != pid)
            k++;
        if (k == active)
            continue; /* not ours */
        job j = running[k];
        running[k] = running[--active];
        const cs_report_figure *fig = &figs[j.fig];
        if ((st = job_done(&j, status, workdir, fig, err)))
            break;
        unlink(j.log);
        if (--left[j.fig] == 0) {
            st = publish_figure(workdir, figdir, fig, err);
            rendered[j.fig] = st == CS_OK;
        }
        done++;
        cs_monitor_progress(monitor, "render figures", total ? (double)done / (double)total : 1.0);
    }
    stop_and_clean(workdir, figs, n, running, active);
    free(left);
    return st;
}
