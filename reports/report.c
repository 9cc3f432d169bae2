/* cs_report_build: data, analyses, figures, page, each step reusing what
 * an earlier run left when its inputs are unchanged.
 *
 * Stamps (DIR/data/.stamps/NAME) hold what a result was made from: the
 * toolkit version, the data's fingerprint (cs_store_fingerprint: the CRCs
 * of every section of the store and the source's SHA-256) and the seed.  A
 * figure is redone when a file it reads, its script or the style is newer
 * than it. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "cs_report.h"
#include "report_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "cs_analysis.h"
#include "cs_io.h"
#include "cs_parallel.h"
#include "cs_space.h"
#include "cs_store.h"
#include "cs_synth.h"

#ifndef CS_GNUPLOT
#define CS_GNUPLOT "gnuplot"
#endif

void cs_report_options_init(cs_report_options *opt)
{
    memset(opt, 0, sizeof *opt);
}

static void hex_of(const unsigned char *d, size_t n, char *out)
{
    static const char hx[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hx[d[i] >> 4];
        out[2 * i + 1] = hx[d[i] & 15];
    }
    out[2 * n] = '\0';
}

/* --- stamps --------------------------------------------------------------- */

static void stamp_path(char *buf, size_t size, const char *outdir, const char *name)
{
    snprintf(buf, size, "%s/data/.stamps/%s", outdir, name);
}

static bool stamp_matches(const char *outdir, const char *name, const char *want)
{
    char path[4300], have[8192];
    stamp_path(path, sizeof path, outdir, name);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    size_t n = fread(have, 1, sizeof have - 1, f);
    fclose(f);
    have[n] = '\0';
    return strcmp(have, want) == 0;
}

static cs_status stamp_write(const char *outdir, const char *name, const char *text,
                             cs_error *err)
{
    char path[4300];
    stamp_path(path, sizeof path, outdir, name);
    cs_outfile out;
    cs_status st = cs_outfile_open(&out, path, err);
    if (st)
        return st;
    fputs(text, out.f);
    return cs_outfile_commit(&out, err);
}

static void stamp_remove(const char *outdir, const char *name)
{
    char path[4300];
    stamp_path(path, sizeof path, outdir, name);
    unlink(path);
}

static bool file_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* --- the data --------------------------------------------------------------- */

static bool is_store(const char *path)
{
    /* A store's magic (store_format.h); anything else is taken as TFRecords. */
    static const char magic[16] = "cellscape-nb101";
    char head[16] = {0};
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    return n == sizeof head && memcmp(head, magic, sizeof head) == 0;
}

/* The store to analyse: the given one, an import of the given TFRecord
 * (kept in DIR/data and reused while the file's size and time are the
 * same), or the synthetic default (kept likewise). */
static cs_status open_data(const cs_report_options *opt, const cs_enum_result *space,
                           cs_report_page *page, cs_store **store, cs_error *err)
{
    char path[4300], key[5200];
    cs_status st;
    if (opt->data && is_store(opt->data)) {
        snprintf(page->data_path, sizeof page->data_path, "%s", opt->data);
        return cs_store_open(store, opt->data, err);
    }
    if (opt->data) {
        struct stat sb;
        if (stat(opt->data, &sb) != 0)
            return cs_error_set(err, CS_ERR_IO, "cannot open %s: %s", opt->data, strerror(errno));
        snprintf(page->data_path, sizeof page->data_path, "%s", opt->data);
        snprintf(path, sizeof path, "%s/data/imported.nb101", opt->outdir);
        char real[4096];
        if (!realpath(opt->data, real))
            snprintf(real, sizeof real, "%s", opt->data);
        snprintf(key, sizeof key, "import %s\nsize %lld\nmtime %lld.%09ld\nversion %s\n", real,
                 (long long)sb.st_size, (long long)sb.st_mtim.tv_sec, sb.st_mtim.tv_nsec,
                 PACKAGE_VERSION);
        if (opt->force || !stamp_matches(opt->outdir, "imported", key) || !file_exists(path) ||
            cs_store_open(store, path, err) != CS_OK) {
            *store = NULL;
            stamp_remove(opt->outdir, "imported");
            cs_import_options io;
            cs_import_options_init(&io);
            io.threads = opt->threads;
            io.progress = opt->progress;
            io.progress_user = opt->progress_user;
            cs_import_stats stats;
            if ((st = cs_store_import(opt->data, path, &io, &stats, err)) ||
                (st = stamp_write(opt->outdir, "imported", key, err)))
                return st;
            return cs_store_open(store, path, err);
        }
        return CS_OK;
    }
    snprintf(path, sizeof path, "%s/data/synthetic-seed%d.nb101", opt->outdir,
             CS_REPORT_SYNTH_SEED);
    snprintf(page->data_path, sizeof page->data_path, "%s", path);
    snprintf(key, sizeof key, "synth model v%d seed %d all budgets\nversion %s\n",
             CS_SYNTH_MODEL_VERSION, CS_REPORT_SYNTH_SEED, PACKAGE_VERSION);
    if (!opt->force && stamp_matches(opt->outdir, "synthetic", key) && file_exists(path) &&
        cs_store_open(store, path, err) == CS_OK)
        return CS_OK;
    *store = NULL;
    stamp_remove(opt->outdir, "synthetic");
    cs_synth_options so;
    cs_synth_options_init(&so);
    so.seed = CS_REPORT_SYNTH_SEED;
    so.threads = opt->threads;
    so.space = space;
    so.progress = opt->progress;
    so.progress_user = opt->progress_user;
    so.cancelled = opt->cancelled;
    so.cancel_user = opt->cancel_user;
    cs_import_stats stats;
    if ((st = cs_synth_store(path, &so, &stats, err)) ||
        (st = stamp_write(opt->outdir, "synthetic", key, err)))
        return st;
    return cs_store_open(store, path, err);
}

static void describe_data(const cs_report_options *opt, const cs_store *s, cs_report_page *page)
{
    const unsigned char *src = cs_store_source_sha256(s);
    bool any = false;
    for (int k = 0; k < 32; k++)
        any |= src[k] != 0;
    if (any)
        hex_of(src, 32, page->source_sha256);
    unsigned char fp[32];
    cs_store_fingerprint(s, fp);
    hex_of(fp, 32, page->store_sha256);
    const char *official = cs_store_official_name(s);
    page->synthetic = cs_store_synthetic(s) || opt->synthetic;
    if (page->synthetic && !opt->data)
        snprintf(page->data_kind, sizeof page->data_kind,
                 "SYNTHETIC: the embedded default, made by cellscape synth --seed %d "
                 "(surrogate model v%d), not NAS-Bench-101 training results",
                 CS_REPORT_SYNTH_SEED, CS_SYNTH_MODEL_VERSION);
    else if (page->synthetic)
        snprintf(page->data_kind, sizeof page->data_kind,
                 "SYNTHETIC data (%s), not NAS-Bench-101 training results",
                 cs_store_synthetic(s) ? "marked synthetic in the file" : "labelled so by --synthetic");
    else if (official)
        snprintf(page->data_kind, sizeof page->data_kind,
                 "the official NAS-Bench-101 file %s (recognised by its SHA-256)", official);
    else
        snprintf(page->data_kind, sizeof page->data_kind,
                 "a NAS-Bench-101-format dataset (not one of the official files)");
    page->cells = cs_store_num_cells(s);
    page->nbudgets = cs_store_num_budgets(s);
    for (int b = 0; b < page->nbudgets && b < 4; b++)
        page->budgets[b] = cs_store_budget(s, b);
}

/* --- analyses ------------------------------------------------------------ */

static cs_status run_analyses(const cs_report_options *opt, const cs_space *space,
                              const cs_store *store, const char *data_key, const char *data_name,
                              cs_report_result *res, cs_error *err)
{
    char datadir[4200];
    snprintf(datadir, sizeof datadir, "%s/data", opt->outdir);
    /* Structure analyses see no store, so nothing labels them synthetic. */
    cs_analysis_ctx sctx, dctx;
    memset(&sctx, 0, sizeof sctx);
    memset(&dctx, 0, sizeof dctx);
    sctx.seed = dctx.seed = opt->seed;
    sctx.threads = dctx.threads = opt->threads;
    sctx.optimizer_runs = dctx.optimizer_runs = opt->optimizer_runs;
    sctx.progress = dctx.progress = opt->progress;
    sctx.progress_user = dctx.progress_user = opt->progress_user;
    dctx.data_name = data_name;
    dctx.synthetic = opt->synthetic;
    cs_status st = cs_analysis_ctx_init(&sctx, space, NULL, err);
    if (st)
        return st;
    if (store && (st = cs_analysis_ctx_init(&dctx, space, store, err))) {
        cs_analysis_ctx_destroy(&sctx);
        return st;
    }
    size_t n;
    const cs_analysis_info *list = cs_analysis_list(&n);
    for (size_t i = 0; i < n && st == CS_OK; i++) {
        const cs_analysis_info *a = &list[i];
        if (a->needs_data && !store)
            continue;
        if (opt->cancelled && opt->cancelled(opt->cancel_user)) {
            st = cs_error_set(err, CS_ERR_IO, "interrupted");
            break;
        }
        char key[1024], json[256], jpath[4500];
        snprintf(key, sizeof key, "cellscape %s\nanalysis %s\ndata %s\nseed %llu\nruns %d\n",
                 PACKAGE_VERSION, a->name, a->needs_data ? data_key : "none",
                 (unsigned long long)opt->seed,
                 strcmp(a->name, "optimizers") == 0 ? opt->optimizer_runs : 0);
        cs_analysis_json_file(a, json, sizeof json);
        snprintf(jpath, sizeof jpath, "%s/%s", datadir, json);
        if (!opt->force && stamp_matches(opt->outdir, a->name, key) && file_exists(jpath)) {
            res->analyses_reused++;
            continue;
        }
        stamp_remove(opt->outdir, a->name);
        if (opt->progress)
            opt->progress(opt->progress_user, a->name, -1.0);
        if ((st = a->run(a->needs_data ? &dctx : &sctx, datadir, err))) {
            cs_error_prefix(err, "analysis %s: ", a->name);
            break;
        }
        st = stamp_write(opt->outdir, a->name, key, err);
        res->analyses_run++;
    }
    cs_analysis_ctx_destroy(&sctx);
    if (store)
        cs_analysis_ctx_destroy(&dctx);
    return st;
}

/* --- figures -------------------------------------------------------------- */

static bool newer(const char *path, const struct timespec *than)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return false;
    return sb.st_mtim.tv_sec > than->tv_sec ||
           (sb.st_mtim.tv_sec == than->tv_sec && sb.st_mtim.tv_nsec > than->tv_nsec);
}

/* A figure's PNG and SVG exist and nothing they come from is newer. */
static bool figure_current(const char *outdir, const char *scripts, const cs_report_figure *f)
{
    struct timespec oldest = {0, 0};
    for (int k = 0; k < 2; k++) {
        char p[4300];
        struct stat sb;
        snprintf(p, sizeof p, "%s/figures/%s.%s", outdir, f->name, k ? "svg" : "png");
        if (stat(p, &sb) != 0 || sb.st_size == 0)
            return false;
        if (k == 0 || sb.st_mtim.tv_sec < oldest.tv_sec ||
            (sb.st_mtim.tv_sec == oldest.tv_sec && sb.st_mtim.tv_nsec < oldest.tv_nsec))
            oldest = sb.st_mtim;
    }
    char p[4300];
    snprintf(p, sizeof p, "%s/%s.gp", scripts, f->name);
    if (newer(p, &oldest))
        return false;
    snprintf(p, sizeof p, "%s/style.gp", scripts);
    if (newer(p, &oldest))
        return false;
    char inputs[sizeof f->inputs];
    snprintf(inputs, sizeof inputs, "%s", f->inputs);
    char *save = NULL;
    for (char *tok = strtok_r(inputs, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        snprintf(p, sizeof p, "%s/data/%s", outdir, tok);
        if (newer(p, &oldest))
            return false;
    }
    return true;
}

/* --- the whole ------------------------------------------------------------ */

cs_status cs_report_build(const cs_report_options *opt, cs_report_result *res, cs_error *err)
{
    memset(res, 0, sizeof *res);
    if (!opt || !opt->outdir || !*opt->outdir)
        return cs_error_set(err, CS_ERR_ARG, "report: no output directory");
    const char *scripts = opt->scripts_dir ? opt->scripts_dir : cs_report_scripts_dir();
    if (!scripts)
        return cs_error_set(err, CS_ERR_IO,
                            "the report's gnuplot scripts are not installed (no figures.tsv in "
                            "%s); run 'make install' or give the scripts' directory",
                            CS_REPORTS_INSTALLED);
    cs_report_figure *figs = NULL;
    size_t nfigs = 0;
    cs_status st = cs_report_manifest_load(scripts, &figs, &nfigs, err);
    if (st)
        return st;
    char dir[4300];
    snprintf(dir, sizeof dir, "%s/data/.stamps", opt->outdir);
    if ((st = cs_report_mkdirs(dir, err))) {
        free(figs);
        return st;
    }
    snprintf(dir, sizeof dir, "%s/figures", opt->outdir);
    if ((st = cs_report_mkdirs(dir, err))) {
        free(figs);
        return st;
    }

    cs_report_page page;
    memset(&page, 0, sizeof page);
    page.outdir = opt->outdir;
    page.version = PACKAGE_VERSION;
    time_t now = time(NULL);
    struct tm tmv;
    gmtime_r(&now, &tmv);
    strftime(page.generated, sizeof page.generated, "%Y-%m-%d %H:%M UTC", &tmv);

    cs_enum_options eo;
    cs_enum_options_init(&eo);
    eo.threads = opt->threads;
    eo.progress = opt->progress;
    eo.progress_user = opt->progress_user;
    cs_space *space = NULL;
    cs_store *store = NULL;
    bool *todo = NULL, *rendered = NULL;
    if ((st = cs_space_build(&space, &eo, err)))
        goto done;
    if ((st = open_data(opt, cs_space_result(space), &page, &store, err)))
        goto done;
    describe_data(opt, store, &page);
    page.have_data = true;
    res->synthetic = page.synthetic;
    if (opt->data)
        snprintf(page.command, sizeof page.command, "cellscape report --data %s -o %s",
                 opt->data, opt->outdir);
    else
        snprintf(page.command, sizeof page.command, "cellscape report -o %s", opt->outdir);

    char data_name[4400];
    snprintf(data_name, sizeof data_name, "%s", page.data_path);
    char data_key[128];
    snprintf(data_key, sizeof data_key, "%s%s", page.store_sha256,
             opt->synthetic ? " labelled synthetic" : "");
    if ((st = run_analyses(opt, space, store, data_key, data_name, res, err)))
        goto done;

    todo = calloc(nfigs, sizeof *todo);
    rendered = calloc(nfigs, sizeof *rendered);
    if (!todo || !rendered) {
        st = cs_error_set(err, CS_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < nfigs; i++) {
        if (figs[i].needs_data && !store) {
            res->figures_skipped++;
        } else if (!opt->force && figure_current(opt->outdir, scripts, &figs[i])) {
            rendered[i] = true;
            res->figures_reused++;
        } else {
            todo[i] = true;
            res->figures_rendered++;
        }
    }
    if ((st = cs_report_render(opt->gnuplot ? opt->gnuplot : CS_GNUPLOT, scripts, opt->outdir,
                               figs, nfigs, todo, rendered, cs_threads(opt->threads),
                               opt->cancelled, opt->cancel_user, opt->progress,
                               opt->progress_user, err)))
        goto done;
    page.figures = figs;
    page.nfigures = nfigs;
    page.rendered = rendered;
    if ((st = cs_report_write_page(&page, err)))
        goto done;
    snprintf(res->index_html, sizeof res->index_html, "%s/index.html", opt->outdir);
    snprintf(res->summary_md, sizeof res->summary_md, "%s/summary.md", opt->outdir);
done:
    free(todo);
    free(rendered);
    free(figs);
    cs_store_close(store);
    cs_space_destroy(space);
    return st;
}
