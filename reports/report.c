/* cs_report_build: data, analyses, figures, page, each step reusing what
 * an earlier run left when its inputs are unchanged.
 *
 * Stamps (DIR/data/.stamps/NAME) hold what a result was made from: the
 * toolkit version, the space, the data's fingerprint (NB101:
 * cs_store_fingerprint, the CRCs of every section of the store and the
 * source's SHA-256; NB201: the CSV's SHA-256 with the dataset and metrics
 * read) and the seed.  A figure is redone when a file it reads, its script
 * or a file the script loads (style.gp, the shared lib-*.gp) is newer than
 * it. */
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
#include "cs_nb201_analysis.h"
#include "cs_nb201_data.h"
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
            io.monitor = opt->monitor;
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
    so.monitor = opt->monitor;
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

/* NAS-Bench-201: the CSV, and what the data analyses will read of it
 * (resolved as they resolve it, so a bad --dataset or metric fails here,
 * before anything runs). */
static cs_status open_nb201(const cs_report_options *opt, const cs_analysis_ctx *dctx,
                            cs_report_page *page, cs_nb201_data **csv, cs_error *err)
{
    cs_status st = cs_nb201_data_read(opt->data, csv, err);
    if (st)
        return st;
    cs_analysis_ctx ctx = *dctx;
    ctx.nb201 = *csv;
    ctx.data_name = opt->data;
    cs_nb201_values v;
    if ((st = cs_nb201_values_init(&v, &ctx, "NAS-Bench-201 data", err)))
        return st;
    snprintf(page->data_path, sizeof page->data_path, "%s", opt->data);
    snprintf(page->source_sha256, sizeof page->source_sha256, "%s", cs_nb201_data_sha256(*csv));
    snprintf(page->dataset, sizeof page->dataset, "%s", v.dataset_name);
    snprintf(page->fitness, sizeof page->fitness, "%s", v.fitness_metric);
    snprintf(page->score, sizeof page->score, "%s", v.score_metric);
    snprintf(page->cost, sizeof page->cost, "%s", v.cost_metric ? v.cost_metric : "");
    page->fitness_fallback = v.fitness_fallback;
    page->cells = v.with_data;
    page->rows = cs_nb201_data_rows(*csv);
    cs_nb201_values_destroy(&v);
    page->synthetic = cs_nb201_data_synthetic(*csv) || opt->synthetic;
    if (page->synthetic)
        snprintf(page->data_kind, sizeof page->data_kind,
                 "SYNTHETIC data (%s), not NAS-Bench-201 training results",
                 cs_nb201_data_synthetic(*csv) ? "marked synthetic in the file"
                                               : "labelled so by --synthetic");
    else
        snprintf(page->data_kind, sizeof page->data_kind,
                 "NAS-Bench-201 results from a CSV (doc/nb201-csv.md)");
    return CS_OK;
}

/* The command that rebuilds the report, for the page. */
static void rebuild_command(const cs_report_options *opt, char *buf, size_t size)
{
    size_t k = (size_t)snprintf(buf, size, "cellscape report%s",
                                opt->space == CS_REPORT_NB201 ? " --space nb201" : "");
    const char *names[] = {"--data", "--dataset", "--fitness", "--score", "--cost"};
    const char *values[] = {opt->data, opt->dataset, opt->fitness, opt->score, opt->cost};
    for (int i = 0; i < 5 && k < size; i++)
        if (values[i])
            k += (size_t)snprintf(buf + k, size - k, " %s %s", names[i], values[i]);
    if (opt->synthetic && k < size)
        k += (size_t)snprintf(buf + k, size - k, " --synthetic");
    if (k < size)
        snprintf(buf + k, size - k, " -o %s", opt->outdir);
}

/* --- analyses ------------------------------------------------------------ */

/* Run the space's analyses: the structure ones on sctx, the data ones on
 * dctx (NULL: none, a structure-only report). */
static cs_status run_analyses(const cs_report_options *opt, const cs_analysis_info *list,
                              size_t n, const cs_analysis_ctx *sctx, const cs_analysis_ctx *dctx,
                              const char *data_key, cs_report_result *res, cs_error *err)
{
    char datadir[4200];
    snprintf(datadir, sizeof datadir, "%s/data", opt->outdir);
    cs_status st = CS_OK;
    for (size_t i = 0; i < n && st == CS_OK; i++) {
        const cs_analysis_info *a = &list[i];
        if (a->needs_data && !dctx)
            continue;
        if (cs_monitor_cancelled(&opt->monitor)) {
            st = cs_error_set(err, CS_ERR_CANCELLED, "cancelled");
            break;
        }
        char key[1024], json[256], jpath[4500];
        snprintf(key, sizeof key,
                 "cellscape %s\nspace %s\nanalysis %s\ndata %s\nseed %llu\nruns %d\n",
                 PACKAGE_VERSION, opt->space == CS_REPORT_NB201 ? "nb201" : "nb101", a->name,
                 a->needs_data ? data_key : "none", (unsigned long long)opt->seed,
                 strcmp(a->name, "optimizers") == 0 ? opt->optimizer_runs : 0);
        cs_analysis_json_file(a, json, sizeof json);
        snprintf(jpath, sizeof jpath, "%s/%s", datadir, json);
        if (!opt->force && stamp_matches(opt->outdir, a->name, key) && file_exists(jpath)) {
            res->analyses_reused++;
            continue;
        }
        stamp_remove(opt->outdir, a->name);
        cs_monitor_progress(&opt->monitor, a->name, -1.0);
        if ((st = a->run(a->needs_data ? dctx : sctx, datadir, err))) {
            cs_error_prefix(err, "analysis %s: ", a->name);
            break;
        }
        st = stamp_write(opt->outdir, a->name, key, err);
        res->analyses_run++;
    }
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

/* Nothing the script loads (`load reportsdir."/NAME"`: style.gp and the
 * shared plot code) is newer than `than`. */
static bool loads_current(const char *script, const char *scripts, const struct timespec *than)
{
    static const char tag[] = "reportsdir.\"/";
    FILE *f = fopen(script, "r");
    if (!f)
        return false;
    char line[1024];
    bool current = true;
    while (current && fgets(line, sizeof line, f)) {
        const char *at = strstr(line, tag);
        const char *load = strstr(line, "load ");
        if (!at || !load || load > at)
            continue;
        at += sizeof tag - 1;
        const char *end = strchr(at, '"');
        if (!end)
            continue;
        char p[4300];
        snprintf(p, sizeof p, "%s/%.*s", scripts, (int)(end - at), at);
        current = !newer(p, than);
    }
    fclose(f);
    return current;
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
    if (newer(p, &oldest) || !loads_current(p, scripts, &oldest))
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

/* Remove the directories cs_mkdirs made for a report (the report
 * directory first: the others are inside it when it is new). */
static void remove_made(char *made[3], cs_report_result *res)
{
    cs_error ignored;
    if (made[0]) {
        res->outdir_removed = cs_remove_tree(made[0], &ignored) == CS_OK;
        return;
    }
    for (int i = 1; i < 3; i++)
        if (made[i])
            cs_remove_tree(made[i], &ignored);
}

/* The options' consistency, and the scripts' directory to use. */
static cs_status check_options(const cs_report_options *opt, const char **scripts,
                               cs_error *err)
{
    if (!opt || !opt->outdir || !*opt->outdir)
        return cs_error_set(err, CS_ERR_ARG, "report: no output directory");
    bool nb201 = opt->space == CS_REPORT_NB201;
    if (opt->space != CS_REPORT_NB101 && !nb201)
        return cs_error_set(err, CS_ERR_ARG, "report: unknown space %d", (int)opt->space);
    if (!nb201 && (opt->dataset || opt->fitness || opt->score || opt->cost))
        return cs_error_set(err, CS_ERR_ARG,
                            "report: a dataset and metrics are chosen for NAS-Bench-201 only");
    if (nb201 && !opt->data && (opt->dataset || opt->fitness || opt->score || opt->cost))
        return cs_error_set(err, CS_ERR_ARG,
                            "report: a dataset or metric was chosen but there is no data (the "
                            "CSV)");
    *scripts = opt->scripts_dir ? opt->scripts_dir : cs_report_scripts_dir();
    if (!*scripts)
        return cs_error_set(err, CS_ERR_IO,
                            "the report's gnuplot scripts are not installed (no figures.tsv in "
                            "%s); run 'make install' or give the scripts' directory",
                            CS_REPORTS_INSTALLED);
    return CS_OK;
}

/* The report's directories; made[] gets those this call created, for
 * remove_made, and on failure they are removed already. */
static cs_status make_dirs(const char *outdir, char *made[3], cs_report_result *res,
                           cs_error *err)
{
    char dir[4300];
    cs_status st = cs_mkdirs(outdir, &made[0], err);
    if (st)
        return st;
    snprintf(dir, sizeof dir, "%s/data/.stamps", outdir);
    if (!(st = cs_mkdirs(dir, &made[1], err))) {
        snprintf(dir, sizeof dir, "%s/figures", outdir);
        st = cs_mkdirs(dir, &made[2], err);
    }
    if (st) {
        remove_made(made, res);
        for (int i = 0; i < 3; i++) {
            free(made[i]);
            made[i] = NULL;
        }
    }
    return st;
}

static void page_init(cs_report_page *page, const cs_report_options *opt)
{
    memset(page, 0, sizeof *page);
    page->outdir = opt->outdir;
    page->space = opt->space;
    page->version = PACKAGE_VERSION;
    time_t now = time(NULL);
    struct tm tmv;
    gmtime_r(&now, &tmv);
    strftime(page->generated, sizeof page->generated, "%Y-%m-%d %H:%M UTC", &tmv);
    rebuild_command(opt, page->command, sizeof page->command);
}

/* Which figures to render (todo), which are current already (rendered),
 * and which need data the report lacks; counted in res. */
static void plan_figures(const cs_report_options *opt, const char *scripts,
                         const cs_report_figure *figs, size_t nfigs, bool have_data,
                         bool *todo, bool *rendered, cs_report_result *res)
{
    for (size_t i = 0; i < nfigs; i++) {
        if (figs[i].needs_data && !have_data) {
            res->figures_skipped++;
        } else if (!opt->force && figure_current(opt->outdir, scripts, &figs[i])) {
            rendered[i] = true;
            res->figures_reused++;
        } else {
            todo[i] = true;
            res->figures_rendered++;
        }
    }
}

/* What the report is made from: NAS-Bench-101's space and its store (if
 * any), or NAS-Bench-201's CSV (if any); data_key names the data and the
 * choices made on it, so that a figure made from other data is redone. */
static cs_status open_inputs(const cs_report_options *opt, cs_analysis_ctx *dctx,
                             cs_report_page *page, cs_space **space, cs_store **store,
                             cs_nb201_data **csv, char *data_key, size_t keysize,
                             cs_error *err)
{
    cs_status st = CS_OK;
    if (opt->space != CS_REPORT_NB201) {
        cs_enum_options eo;
        cs_enum_options_init(&eo);
        eo.threads = opt->threads;
        eo.monitor = opt->monitor;
        if ((st = cs_space_build(space, &eo, err)) ||
            (st = open_data(opt, cs_space_result(*space), page, store, err)))
            return st;
        describe_data(opt, *store, page);
        snprintf(data_key, keysize, "%s%s", page->store_sha256,
                 opt->synthetic ? " labelled synthetic" : "");
    } else if (opt->data) {
        if ((st = open_nb201(opt, dctx, page, csv, err)))
            return st;
        /* the resolved choices, so that a default that changes is seen */
        snprintf(data_key, keysize, "csv %s\ndataset %s\nfitness %s\nscore %s\ncost %s%s",
                 page->source_sha256, page->dataset, page->fitness, page->score,
                 page->cost[0] ? page->cost : "(queries)",
                 opt->synthetic ? "\nlabelled synthetic" : "");
    }
    return st;
}

/* The analyses' contexts: sctx for the structure analyses, which see no
 * data, so nothing labels them synthetic; dctx for the data analyses. */
static void analysis_contexts(const cs_report_options *opt, cs_analysis_ctx *sctx,
                              cs_analysis_ctx *dctx)
{
    memset(sctx, 0, sizeof *sctx);
    sctx->seed = opt->seed;
    sctx->threads = opt->threads;
    sctx->optimizer_runs = opt->optimizer_runs;
    sctx->monitor = opt->monitor;
    *dctx = *sctx;
    dctx->synthetic = opt->synthetic;
    dctx->nb201_dataset = opt->dataset;
    dctx->nb201_fitness = opt->fitness;
    dctx->nb201_score = opt->score;
    dctx->nb201_cost = opt->cost;
}

/* Render the figures that need it, then write the page with those that
 * were rendered. */
static cs_status render_and_write_page(const cs_report_options *opt, const char *scripts,
                                       const cs_report_figure *figs, size_t nfigs,
                                       cs_report_page *page, cs_report_result *res,
                                       cs_error *err)
{
    cs_status st;
    bool *todo = calloc(nfigs, sizeof *todo);
    bool *rendered = calloc(nfigs, sizeof *rendered);
    if (!todo || !rendered) {
        st = cs_error_set(err, CS_ERR_NOMEM, "out of memory");
        goto done;
    }
    plan_figures(opt, scripts, figs, nfigs, page->have_data, todo, rendered, res);
    if ((st = cs_report_render(opt->gnuplot ? opt->gnuplot : CS_GNUPLOT, scripts, opt->outdir,
                               figs, nfigs, todo, rendered, cs_threads(opt->threads),
                               &opt->monitor, err)))
        goto done;
    page->figures = figs;
    page->nfigures = nfigs;
    page->rendered = rendered;
    st = cs_report_write_page(page, err);
    page->rendered = NULL;
done:
    free(todo);
    free(rendered);
    return st;
}

cs_status cs_report_build(const cs_report_options *opt, cs_report_result *res, cs_error *err)
{
    memset(res, 0, sizeof *res);
    const char *scripts;
    cs_status st = check_options(opt, &scripts, err);
    if (st)
        return st;
    bool nb201 = opt->space == CS_REPORT_NB201;
    cs_report_figure *figs = NULL;
    size_t nfigs = 0;
    if ((st = cs_report_manifest_load_space(scripts, opt->space, &figs, &nfigs, err)))
        return st;
    /* A report that fails or is interrupted leaves nothing new behind: the
     * directories this call makes are removed again with all they got (a
     * report directory that was there keeps what it had, each file whole). */
    char *made[3] = {NULL, NULL, NULL};
    if ((st = make_dirs(opt->outdir, made, res, err))) {
        free(figs);
        return st;
    }
    cs_report_page page;
    page_init(&page, opt);

    cs_analysis_ctx sctx, dctx;
    analysis_contexts(opt, &sctx, &dctx);
    bool sctx_ready = false, dctx_ready = false;

    cs_space *space = NULL;
    cs_store *store = NULL;
    cs_nb201_data *csv = NULL;
    char data_key[512] = "";
    if ((st = open_inputs(opt, &dctx, &page, &space, &store, &csv, data_key, sizeof data_key,
                          err)))
        goto done;
    page.have_data = store || csv;
    res->synthetic = page.synthetic;
    dctx.data_name = page.data_path;
    dctx.nb201 = csv;
    if ((st = cs_analysis_ctx_init(&sctx, space, NULL, err)))
        goto done;
    sctx_ready = true;
    if (page.have_data) {
        if ((st = cs_analysis_ctx_init(&dctx, space, store, err)))
            goto done;
        dctx_ready = true;
    }
    size_t nlist;
    const cs_analysis_info *list =
        nb201 ? cs_analysis_nb201_list(&nlist) : cs_analysis_list(&nlist);
    if ((st = run_analyses(opt, list, nlist, &sctx, dctx_ready ? &dctx : NULL, data_key, res,
                           err)))
        goto done;

    if ((st = render_and_write_page(opt, scripts, figs, nfigs, &page, res, err)))
        goto done;
    snprintf(res->index_html, sizeof res->index_html, "%s/index.html", opt->outdir);
    snprintf(res->summary_md, sizeof res->summary_md, "%s/summary.md", opt->outdir);
done:
    if (st)
        remove_made(made, res);
    for (int i = 0; i < 3; i++)
        free(made[i]);
    if (sctx_ready)
        cs_analysis_ctx_destroy(&sctx);
    if (dctx_ready)
        cs_analysis_ctx_destroy(&dctx);
    free(figs);
    cs_store_close(store);
    cs_nb201_data_destroy(csv);
    cs_space_destroy(space);
    return st;
}
