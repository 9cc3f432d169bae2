/* The report's page (index.html) and its terminal summary (summary.md):
 * headline numbers read back from the analyses' JSON files, set beside the
 * paper's; the figures with their captions; where the data came from. */
#include "report_internal.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_io.h"

/* --- headline numbers ----------------------------------------------------- */

typedef enum { FMT_INT, FMT_PCT2, FMT_PCT1, FMT_PERCENT2, FMT_R3 } num_fmt;

typedef struct headline {
    const char *label;
    bool from_data;      /* a dataset's number (else the space's, exact) */
    const char *file;    /* JSON in DIR/data */
    const char *path;    /* dotted keys; "pairs[conv3x3>conv1x1]" picks a pair */
    num_fmt fmt;
    const char *paper;   /* the paper's value, or NULL */
} headline;

static const headline headlines[] = {
    {"Unique cells (isomorphism classes)", false, "structure.json", "classes", FMT_INT,
     "423,624"},
    {"Raw 7-vertex encodings (matrix and 5 interior ops)", false, "multiplicity.json",
     "encodings", FMT_INT, "about 510 M"},
    {"Valid raw encodings", false, "multiplicity.json", "valid", FMT_INT, NULL},
    {"Neighbour-graph edges (one edit apart)", false, "neighbours.json", "edges", FMT_INT, NULL},
    {"Best mean test accuracy, 108 epochs", true, "peaks.json", "best_mean_test", FMT_PCT2,
     "94.32 %"},
    {"Mean test accuracy over cells, 108 epochs", true, "accuracy.json", "test.mean", FMT_PCT2,
     NULL},
    {"Pearson r, validation vs test accuracy", true, "noise.json", "pearson_validation_test",
     FMT_R3, "0.999"},
    {"conv3x3 to conv1x1: mean change in validation accuracy", true, "op_importance.json",
     "pairs[conv3x3>conv1x1].mean_delta_validation_percent", FMT_PERCENT2, "-1.16 %"},
    {"conv3x3 to maxpool3x3: mean change in validation accuracy", true, "op_importance.json",
     "pairs[conv3x3>maxpool3x3].mean_delta_validation_percent", FMT_PERCENT2, "-1.99 %"},
    {"Spearman rank correlation, 36 vs 108 epochs, top 10 % of cells", true,
     "budget_correlation.json", "paper.ours_spearman", FMT_R3, "0.365"},
    {"Raw encodings of the top cells (within 2 standard errors of the best)", true, "peaks.json",
     "top_encodings", FMT_INT, "11,570"},
    {"Share of all raw encodings within edit distance 6 of a top cell", true, "peaks.json",
     "fraction_within_6", FMT_PCT1, "35.4 %"},
    {"Random-walk autocorrelation of validation accuracy, shift 1", true, "locality.json",
     "rwa_validation_shift1", FMT_R3, NULL},
    {"Local optima of the neighbour graph", true, "optima.json", "local_optima", FMT_INT, NULL},
    {"Median final regret, random search (test accuracy)", true, "optimizers.json",
     "methods.random.median_final_regret", FMT_PCT2, NULL},
    {"Median final regret, regularized evolution", true, "optimizers.json",
     "methods.evolution.median_final_regret", FMT_PCT2, NULL},
    {"Median final regret, local search", true, "optimizers.json",
     "methods.local.median_final_regret", FMT_PCT2, NULL},
    {"Median final regret, REINFORCE", true, "optimizers.json",
     "methods.reinforce.median_final_regret", FMT_PCT2, NULL},
};
#define NHEADLINES (sizeof headlines / sizeof headlines[0])

static json_t *lookup(json_t *root, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    json_t *v = root;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ".", &save); tok && v; tok = strtok_r(NULL, ".", &save)) {
        char *br = strchr(tok, '[');
        if (!br) {
            v = json_object_get(v, tok);
            continue;
        }
        /* name[from>to]: the element of array `name` with those ops */
        *br = '\0';
        char *gt = strchr(br + 1, '>'), *close = strchr(br + 1, ']');
        if (!gt || !close)
            return NULL;
        *gt = *close = '\0';
        json_t *arr = json_object_get(v, tok), *el;
        size_t i;
        v = NULL;
        json_array_foreach(arr, i, el)
        {
            const char *from = json_string_value(json_object_get(el, "from"));
            const char *to = json_string_value(json_object_get(el, "to"));
            if (from && to && !strcmp(from, br + 1) && !strcmp(to, gt + 1))
                v = el;
        }
    }
    return v;
}

static void format_int(char *out, size_t cap, double x)
{
    char digits[32];
    snprintf(digits, sizeof digits, "%.0f", fabs(x));
    size_t n = strlen(digits), k = 0;
    if (x < 0 && k + 1 < cap)
        out[k++] = '-';
    for (size_t i = 0; i < n && k + 2 < cap; i++) {
        if (i && (n - i) % 3 == 0)
            out[k++] = ',';
        out[k++] = digits[i];
    }
    out[k] = '\0';
}

/* The number, or "n/a" when the analysis or the key is missing. */
static void headline_value(const char *datadir, const headline *h, char *out, size_t cap)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", datadir, h->file);
    json_t *root = json_load_file(path, 0, NULL);
    json_t *v = root ? lookup(root, h->path) : NULL;
    if (!v || !json_is_number(v)) {
        snprintf(out, cap, "n/a");
    } else {
        double x = json_number_value(v);
        switch (h->fmt) {
        case FMT_INT: format_int(out, cap, x); break;
        case FMT_PCT2: snprintf(out, cap, "%.2f %%", 100.0 * x); break;
        case FMT_PCT1: snprintf(out, cap, "%.1f %%", 100.0 * x); break;
        case FMT_PERCENT2: snprintf(out, cap, "%.2f %%", x); break;
        case FMT_R3: snprintf(out, cap, "%.3f", x); break;
        }
    }
    json_decref(root);
}

/* --- HTML ----------------------------------------------------------------- */

static void html_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

/* A path relative to the report as a URL: the few characters that need it
 * escaped (our names are fig-[a-z0-9-] and analysis file names). */
static void html_url(FILE *f, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            strchr("-._~/", c))
            fputc(c, f);
        else
            fprintf(f, "%%%02X", c);
    }
}

static const char *const css =
    "body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;max-width:1000px;margin:2em auto;"
    "padding:0 1em;color:#222;line-height:1.45}"
    "h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ccc}"
    ".synthetic{background:#fff3cd;border:2px solid #b8860b;padding:.8em 1em;font-weight:bold}"
    "table{border-collapse:collapse;margin:1em 0}"
    "th,td{border:1px solid #bbb;padding:.3em .6em;text-align:left;vertical-align:top}"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}"
    "figure{margin:2em 0}figure img{max-width:100%;height:auto;border:1px solid #ddd}"
    "figcaption{margin-top:.4em}code{font-size:.95em}.tag{color:#8b0000;font-weight:bold}";

static void write_headlines_html(FILE *f, const cs_report_page *p, const char *datadir)
{
    fputs("<table>\n<thead><tr><th>Quantity</th><th>This report</th><th>Paper (Ying et al. "
          "2019)</th></tr></thead>\n<tbody>\n",
          f);
    for (size_t i = 0; i < NHEADLINES; i++) {
        const headline *h = &headlines[i];
        if (h->from_data && !p->have_data)
            continue;
        char v[64];
        headline_value(datadir, h, v, sizeof v);
        fputs("<tr><td>", f);
        html_text(f, h->label);
        fputs("</td><td class=\"num\">", f);
        html_text(f, v);
        if (h->from_data && p->synthetic)
            fputs(" <span class=\"tag\">(synthetic data)</span>", f);
        fputs("</td><td class=\"num\">", f);
        html_text(f, h->paper ? h->paper : "-");
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody>\n</table>\n", f);
}

static void write_figures_html(FILE *f, const cs_report_page *p, bool data_kind)
{
    for (size_t i = 0; i < p->nfigures; i++) {
        const cs_report_figure *fig = &p->figures[i];
        if (fig->needs_data != data_kind || !p->rendered[i])
            continue;
        fprintf(f, "<figure id=\"%s\">\n<a href=\"", fig->name);
        html_url(f, "figures/");
        html_url(f, fig->name);
        fputs(".svg\"><img src=\"", f);
        html_url(f, "figures/");
        html_url(f, fig->name);
        fputs(".png\" width=\"960\" height=\"640\" alt=\"", f);
        html_text(f, fig->title);
        fputs("\"></a>\n<figcaption><b>", f);
        html_text(f, fig->title);
        if (data_kind && p->synthetic)
            fputs(" <span class=\"tag\">SYNTHETIC DATA</span>", f);
        fputs(".</b> ", f);
        html_text(f, fig->caption);
        fputs(" Data: ", f);
        char inputs[sizeof fig->inputs];
        snprintf(inputs, sizeof inputs, "%s", fig->inputs);
        char *save = NULL;
        int k = 0;
        for (char *tok = strtok_r(inputs, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            fputs(k++ ? ", <a href=\"" : "<a href=\"", f);
            html_url(f, "data/");
            html_url(f, tok);
            fputs("\"><code>", f);
            html_text(f, tok);
            fputs("</code></a>", f);
        }
        fputs(k ? "; " : "", f);
        fprintf(f, "script <code>%s.gp</code>.</figcaption>\n</figure>\n", fig->name);
    }
}

static cs_status page_open(const cs_report_page *p, const char *file, cs_outfile *out,
                           cs_error *err)
{
    char path[4300];
    snprintf(path, sizeof path, "%s/%s", p->outdir, file);
    return cs_outfile_open(out, path, err);
}

static cs_status write_html(const cs_report_page *p, const char *datadir, cs_error *err)
{
    cs_outfile out;
    cs_status st = page_open(p, "index.html", &out, err);
    if (st)
        return st;
    FILE *f = out.f;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n", f);
    fprintf(f, "<title>cellscape report: NAS-Bench-101%s</title>\n",
            p->synthetic ? " (SYNTHETIC data)" : "");
    fprintf(f, "<style>%s</style>\n</head>\n<body>\n", css);
    fputs("<h1>NAS-Bench-101: the search space and its landscape</h1>\n", f);
    if (p->synthetic)
        fputs("<p class=\"synthetic\" id=\"synthetic-banner\">SYNTHETIC DATA: the data figures "
              "and numbers on this page come from a synthetic dataset, not from NAS-Bench-101 "
              "training runs. They show what the analyses do, not what the real benchmark says. "
              "The structure figures are exact and real. Run <code>cellscape report --data "
              "nasbench_full.tfrecord</code> on the official file for the real figures.</p>\n",
              f);
    fputs("<table>\n<tbody>\n<tr><th>Data</th><td>", f);
    html_text(f, p->data_kind);
    fputs("</td></tr>\n<tr><th>File</th><td><code>", f);
    html_text(f, p->data_path);
    fputs("</code></td></tr>\n", f);
    if (p->source_sha256[0])
        fprintf(f, "<tr><th>SHA-256 of the TFRecord source</th><td><code>%s</code></td></tr>\n",
                p->source_sha256);
    fprintf(f, "<tr><th>Store fingerprint (SHA-256 of its header)</th><td><code>%s</code>"
               "</td></tr>\n", p->store_sha256);
    fprintf(f, "<tr><th>Cells with data</th><td>%zu</td></tr>\n<tr><th>Budgets (epochs)</th><td>",
            p->cells);
    for (int b = 0; b < p->nbudgets; b++)
        fprintf(f, "%s%d", b ? ", " : "", p->budgets[b]);
    fputs("</td></tr>\n", f);
    fprintf(f, "<tr><th>Made by</th><td>cellscape %s, %s: <code>", p->version, p->generated);
    html_text(f, p->command);
    fputs("</code></td></tr>\n</tbody>\n</table>\n", f);

    fputs("<h2 id=\"numbers\">Headline numbers</h2>\n", f);
    write_headlines_html(f, p, datadir);
    fputs("<p>Numbers of the space are exact; the paper's values are from the paper. A dash: "
          "the paper gives no number. Every number's analysis and definition is in its JSON "
          "file under <code>data/</code>.</p>\n", f);

    fputs("<h2 id=\"structure\">The search space (exact, no dataset needed)</h2>\n", f);
    write_figures_html(f, p, false);
    if (p->have_data) {
        fprintf(f, "<h2 id=\"data\">The dataset%s</h2>\n",
                p->synthetic ? " <span class=\"tag\">(SYNTHETIC DATA)</span>" : "");
        write_figures_html(f, p, true);
    }
    fputs("<p>Each figure links to its SVG; its data files are TSV (comment lines start with "
          "<code>#</code>) and its gnuplot script can be re-run on them: "
          "<code>gnuplot -e \"datadir='data'; outdir='.'; fmt='png'\" fig-NAME.gp</code>.</p>\n",
          f);
    fputs("</body>\n</html>\n", f);
    return cs_outfile_commit(&out, err);
}

/* --- Markdown ------------------------------------------------------------- */

static cs_status write_markdown(const cs_report_page *p, const char *datadir, cs_error *err)
{
    cs_outfile out;
    cs_status st = page_open(p, "summary.md", &out, err);
    if (st)
        return st;
    FILE *f = out.f;
    fputs("# NAS-Bench-101: cellscape report\n\n", f);
    if (p->synthetic)
        fputs("**SYNTHETIC DATA**: the data numbers and figures come from a synthetic dataset, "
              "not from NAS-Bench-101 training runs. Numbers of the space are exact.\n\n",
              f);
    fprintf(f, "- Data: %s\n- File: `%s`\n", p->data_kind, p->data_path);
    if (p->source_sha256[0])
        fprintf(f, "- SHA-256 of the TFRecord source: `%s`\n", p->source_sha256);
    fprintf(f, "- Store fingerprint: `%s`\n- cellscape %s, %s\n\n", p->store_sha256, p->version,
            p->generated);
    fputs("| Quantity | This report | Paper |\n|---|---:|---:|\n", f);
    for (size_t i = 0; i < NHEADLINES; i++) {
        const headline *h = &headlines[i];
        if (h->from_data && !p->have_data)
            continue;
        char v[64];
        headline_value(datadir, h, v, sizeof v);
        fprintf(f, "| %s | %s%s | %s |\n", h->label, v,
                h->from_data && p->synthetic ? " (synthetic)" : "", h->paper ? h->paper : "-");
    }
    fputs("\nFigures (PNG and SVG in `figures/`):\n\n", f);
    for (size_t i = 0; i < p->nfigures; i++)
        if (p->rendered[i])
            fprintf(f, "- `%s`: %s%s\n", p->figures[i].name, p->figures[i].title,
                    p->figures[i].needs_data && p->synthetic ? " (SYNTHETIC DATA)" : "");
    return cs_outfile_commit(&out, err);
}

cs_status cs_report_write_page(const cs_report_page *p, cs_error *err)
{
    char datadir[4200];
    snprintf(datadir, sizeof datadir, "%s/data", p->outdir);
    cs_status st = write_html(p, datadir, err);
    if (st == CS_OK)
        st = write_markdown(p, datadir, err);
    return st;
}
