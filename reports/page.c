/* The report's page (index.html) and its terminal summary (summary.md):
 * headline numbers read back from the analyses' JSON files, set beside the
 * paper's; the figures with their captions; where the data came from. */
#include "report_internal.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_io.h"

/* --- headline numbers ----------------------------------------------------- */

/* FMT_SCORE: a value in the NB201 data's units, shown with two decimals and
 * as percent when the score metric is an accuracy (the API's are percent). */
typedef enum { FMT_INT, FMT_PCT2, FMT_PCT1, FMT_PERCENT2, FMT_R3, FMT_SCORE, FMT_STR } num_fmt;

typedef struct headline {
    const char *label;
    bool from_data;      /* a dataset's number (else the space's, exact) */
    const char *file;    /* JSON in DIR/data */
    const char *path;    /* dotted keys; "pairs[conv3x3>conv1x1]" picks a pair */
    num_fmt fmt;
    const char *paper;   /* the paper's value, or NULL */
    bool optional;       /* left out when its analysis did not run (else "n/a") */
} headline;

static const headline nb101_headlines[] = {
    {"Unique cells (isomorphism classes)", false, "structure.json", "classes", FMT_INT,
     "423,624", false},
    {"Raw 7-vertex encodings (matrix and 5 interior ops)", false, "multiplicity.json",
     "encodings", FMT_INT, "about 510 M", false},
    {"Valid raw encodings", false, "multiplicity.json", "valid", FMT_INT, NULL, false},
    {"Neighbour-graph edges (one edit apart)", false, "neighbours.json", "edges", FMT_INT, NULL,
     false},
    {"Best mean test accuracy, 108 epochs", true, "peaks.json", "best_mean_test", FMT_PCT2,
     "94.32 %", false},
    {"Mean test accuracy over cells, 108 epochs", true, "accuracy.json", "test.mean", FMT_PCT2,
     NULL, false},
    {"Pearson r, validation vs test accuracy", true, "noise.json", "pearson_validation_test",
     FMT_R3, "0.999", false},
    {"conv3x3 to conv1x1: mean change in validation accuracy", true, "op_importance.json",
     "pairs[conv3x3>conv1x1].mean_delta_validation_percent", FMT_PERCENT2, "-1.16 %", false},
    {"conv3x3 to maxpool3x3: mean change in validation accuracy", true, "op_importance.json",
     "pairs[conv3x3>maxpool3x3].mean_delta_validation_percent", FMT_PERCENT2, "-1.99 %", false},
    {"Spearman rank correlation, 36 vs 108 epochs, top 10 % of cells", true,
     "budget_correlation.json", "paper.ours_spearman", FMT_R3, "0.365", false},
    {"Raw encodings of the top cells (within 2 standard errors of the best)", true, "peaks.json",
     "top_encodings", FMT_INT, "11,570", false},
    {"Share of all raw encodings within edit distance 6 of a top cell", true, "peaks.json",
     "fraction_within_6", FMT_PCT1, "35.4 %", false},
    {"Random-walk autocorrelation of validation accuracy, shift 1", true, "locality.json",
     "rwa_validation_shift1", FMT_R3, NULL, false},
    {"Local optima of the neighbour graph", true, "optima.json", "local_optima", FMT_INT, NULL,
     false},
    {"Median final regret, random search (test accuracy)", true, "optimizers.json",
     "methods.random.median_final_regret", FMT_PCT2, NULL, false},
    {"Median final regret, regularized evolution", true, "optimizers.json",
     "methods.evolution.median_final_regret", FMT_PCT2, NULL, false},
    {"Median final regret, local search", true, "optimizers.json",
     "methods.local.median_final_regret", FMT_PCT2, NULL, false},
    {"Median final regret, REINFORCE", true, "optimizers.json",
     "methods.reinforce.median_final_regret", FMT_PCT2, NULL, false},
};

/* The paper: Dong and Yang, ICLR 2020, and its API (nas_201_api). */
static const headline nb201_headlines[] = {
    {"Cells (5 operations on each of 6 edges)", false, "structure.json", "cells", FMT_INT,
     "15,625", false},
    {"Unique cells by the API's rule (isomorphism classes)", false, "structure.json",
     "api_classes", FMT_INT, "6,466 (paper and API)", false},
    {"Classes of computation graphs (nauty, none edges dropped)", false, "structure.json",
     "graph_classes", FMT_INT, NULL, false},
    {"Classes of the cell's expression (zero terms dropped)", false, "structure.json",
     "expression_classes", FMT_INT, NULL, false},
    {"Cells computing zero (no path reaches the output)", false, "structure.json", "zero_cells",
     FMT_INT, NULL, false},
    {"Neighbour-graph edges between unique cells (one edge's operation changed)", false,
     "neighbours.json", "edges", FMT_INT, NULL, false},
    {"Cells with data", true, "accuracy.json", "cells_with_data", FMT_INT, NULL, false},
    {"Best score", true, "accuracy.json", "best_score", FMT_SCORE,
     "94.37 % (cifar10, test accuracy)", false},
    {"Cell of the best score (arch string)", true, "accuracy.json", "best_score_arch", FMT_STR,
     NULL, false},
    {"API index of that cell", true, "accuracy.json", "best_score_index", FMT_INT, NULL, false},
    {"Mean score over the cells", true, "accuracy.json", "score.mean", FMT_SCORE, NULL, false},
    {"Local optima of the fitness on the cell graph", true, "optima.json", "local_optima",
     FMT_INT, NULL, false},
    {"Random-walk autocorrelation of the fitness, shift 1", true, "locality.json",
     "rwa_fitness_shift1", FMT_R3, NULL, false},
    {"Fitness-distance correlation (Spearman, edit distance to the best cell)", true,
     "locality.json", "fdc_spearman", FMT_R3, NULL, false},
    {"Median final regret of the score, random search", true, "optimizers.json",
     "methods.random.median_final_regret", FMT_SCORE, NULL, true},
    {"Median final regret of the score, regularized evolution", true, "optimizers.json",
     "methods.evolution.median_final_regret", FMT_SCORE, NULL, true},
    {"Median final regret of the score, local search", true, "optimizers.json",
     "methods.local.median_final_regret", FMT_SCORE, NULL, true},
    {"Median final regret of the score, REINFORCE", true, "optimizers.json",
     "methods.reinforce.median_final_regret", FMT_SCORE, NULL, true},
};

/* What differs between the spaces' pages. */
typedef struct page_space {
    const char *name;        /* "NAS-Bench-101" */
    const char *paper;       /* the numbers' column head */
    const headline *headlines;
    size_t nheadlines;
    const char *banner;      /* the synthetic banner, after its first sentence */
} page_space;

static const page_space spaces[] = {
    {"NAS-Bench-101", "Paper (Ying et al. 2019)", nb101_headlines,
     sizeof nb101_headlines / sizeof nb101_headlines[0],
     "They show what the analyses do, not what the real benchmark says. The structure figures "
     "are exact and real. Run <code>cellscape report --data nasbench_full.tfrecord</code> on "
     "the official file for the real figures."},
    {"NAS-Bench-201", "Paper and API (Dong and Yang 2020)", nb201_headlines,
     sizeof nb201_headlines / sizeof nb201_headlines[0],
     "They show what the analyses do, not what the real benchmark says. The structure figures "
     "are exact and real. Export the real results from the official API as a CSV "
     "(<code>doc/nb201-csv.md</code>) and run <code>cellscape report --space nb201 --data "
     "FILE.csv</code> for the real figures."},
};

static const page_space *space_of(const cs_report_page *p)
{
    return &spaces[p->space == CS_REPORT_NB201 ? 1 : 0];
}

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

/* The value, or "n/a" when the analysis or the key is missing (then
 * false). */
static bool headline_value(const cs_report_page *p, const char *datadir, const headline *h,
                           char *out, size_t cap)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", datadir, h->file);
    json_t *root = json_load_file(path, 0, NULL);
    json_t *v = root ? lookup(root, h->path) : NULL;
    bool found = true;
    if (h->fmt == FMT_STR && json_is_string(v)) {
        snprintf(out, cap, "%s", json_string_value(v));
    } else if (!v || !json_is_number(v)) {
        snprintf(out, cap, "n/a");
        found = false;
    } else {
        double x = json_number_value(v);
        switch (h->fmt) {
        case FMT_INT: format_int(out, cap, x); break;
        case FMT_PCT2: snprintf(out, cap, "%.2f %%", 100.0 * x); break;
        case FMT_PCT1: snprintf(out, cap, "%.1f %%", 100.0 * x); break;
        case FMT_PERCENT2: snprintf(out, cap, "%.2f %%", x); break;
        case FMT_R3: snprintf(out, cap, "%.3f", x); break;
        case FMT_SCORE:
            snprintf(out, cap, "%.2f%s", x, strstr(p->score, "accuracy") ? " %" : "");
            break;
        case FMT_STR: snprintf(out, cap, "%.17g", x); break;
        }
    }
    json_decref(root);
    return found;
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
    const page_space *sp = space_of(p);
    fprintf(f, "<table>\n<thead><tr><th>Quantity</th><th>This report</th><th>%s</th></tr>"
               "</thead>\n<tbody>\n",
            sp->paper);
    for (size_t i = 0; i < sp->nheadlines; i++) {
        const headline *h = &sp->headlines[i];
        if (h->from_data && !p->have_data)
            continue;
        char v[256];
        if (!headline_value(p, datadir, h, v, sizeof v) && h->optional)
            continue;
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

/* --- the data source: rows of both pages ------------------------------------ */

typedef struct source_row {
    char label[96];
    char value[4600];
    bool code;           /* a file name or a checksum */
} source_row;

#define MAX_SOURCE_ROWS 12

static size_t source_add(source_row *rows, size_t n, const char *label, bool code,
                         const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static size_t source_add(source_row *rows, size_t n, const char *label, bool code,
                         const char *fmt, ...)
{
    if (n >= MAX_SOURCE_ROWS)
        return n;
    snprintf(rows[n].label, sizeof rows[n].label, "%s", label);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rows[n].value, sizeof rows[n].value, fmt, ap);
    va_end(ap);
    rows[n].code = code;
    return n + 1;
}

static const char nb201_no_data[] =
    "none: this report holds the structure figures only. The data figures need a CSV of "
    "per-cell results: export one from the official API (nas_201_api) as doc/nb201-csv.md "
    "describes, then run cellscape report --space nb201 --data FILE.csv";

static size_t source_rows(const cs_report_page *p, source_row *rows)
{
    size_t n = 0;
    if (p->space == CS_REPORT_NB201 && !p->have_data)
        return source_add(rows, n, "Data", false, "%s", nb201_no_data);
    n = source_add(rows, n, "Data", false, "%s", p->data_kind);
    n = source_add(rows, n, "File", true, "%s", p->data_path);
    if (p->space == CS_REPORT_NB201) {
        n = source_add(rows, n, "SHA-256 of the CSV", true, "%s", p->source_sha256);
        n = source_add(rows, n, "Dataset", false, "%s", p->dataset);
        n = source_add(rows, n, "Fitness (what the searches climb)", false, "%s%s", p->fitness,
                       p->fitness_fallback ? " (test accuracy: the data have no validation "
                                             "accuracy for this dataset)"
                                           : "");
        n = source_add(rows, n, "Score (what the searches are judged by)", false, "%s",
                       p->score);
        n = source_add(rows, n, "Cost of a query (simulated optimisers)", false, "%s",
                       p->cost[0] ? p->cost : "one unit per query (no cost metric in the data)");
        char cells[32], nrows[32];
        format_int(cells, sizeof cells, (double)p->cells);
        format_int(nrows, sizeof nrows, (double)p->rows);
        n = source_add(rows, n, "Cells with data", false, "%s of 15,625 (%s rows of the CSV)",
                       cells, nrows);
        return n;
    }
    if (p->source_sha256[0])
        n = source_add(rows, n, "SHA-256 of the TFRecord source", true, "%s", p->source_sha256);
    n = source_add(rows, n, "Store fingerprint (SHA-256 of its header)", true, "%s",
                   p->store_sha256);
    n = source_add(rows, n, "Cells with data", false, "%zu", p->cells);
    char budgets[64] = "";
    for (int b = 0, k = 0; b < p->nbudgets && k < (int)sizeof budgets; b++)
        k += snprintf(budgets + k, sizeof budgets - (size_t)k, "%s%d", b ? ", " : "",
                      p->budgets[b]);
    n = source_add(rows, n, "Budgets (epochs)", false, "%s", budgets);
    return n;
}

static cs_status write_html(const cs_report_page *p, const char *datadir, cs_error *err)
{
    const page_space *sp = space_of(p);
    cs_outfile out;
    cs_status st = page_open(p, "index.html", &out, err);
    if (st)
        return st;
    FILE *f = out.f;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n", f);
    fprintf(f, "<title>cellscape report: %s%s</title>\n", sp->name,
            p->synthetic ? " (SYNTHETIC data)" : "");
    fprintf(f, "<style>%s</style>\n</head>\n<body>\n", css);
    fprintf(f, "<h1>%s: the search space and its landscape</h1>\n", sp->name);
    if (p->synthetic)
        fprintf(f, "<p class=\"synthetic\" id=\"synthetic-banner\">SYNTHETIC DATA: the data "
                   "figures and numbers on this page come from a synthetic dataset, not from "
                   "%s training runs. %s</p>\n",
                sp->name, sp->banner);
    fputs("<table>\n<tbody>\n", f);
    source_row rows[MAX_SOURCE_ROWS];
    size_t nrows = source_rows(p, rows);
    for (size_t i = 0; i < nrows; i++) {
        fputs("<tr><th>", f);
        html_text(f, rows[i].label);
        fputs(rows[i].code ? "</th><td><code>" : "</th><td>", f);
        html_text(f, rows[i].value);
        fputs(rows[i].code ? "</code></td></tr>\n" : "</td></tr>\n", f);
    }
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
    } else {
        fputs("<h2 id=\"data\">The dataset</h2>\n<p id=\"no-data\">", f);
        html_text(f, nb201_no_data);
        fputs(".</p>\n", f);
    }
    fputs("<p>Each figure links to its SVG; its data files are TSV (comment lines start with "
          "<code>#</code>) and its gnuplot script can be re-run on them: "
          "<code>gnuplot -e \"datadir='data'; outdir='.'; fmt='png'\" fig-NAME.gp</code>.</p>\n",
          f);
    fputs("</body>\n</html>\n", f);
    return cs_outfile_commit(&out, err);
}

/* --- Markdown ------------------------------------------------------------- */

/* Text in a Markdown table cell: a '|' would end the cell. */
static void md_cell(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            fputc('\\', f);
        fputc(*s, f);
    }
}

static cs_status write_markdown(const cs_report_page *p, const char *datadir, cs_error *err)
{
    const page_space *sp = space_of(p);
    cs_outfile out;
    cs_status st = page_open(p, "summary.md", &out, err);
    if (st)
        return st;
    FILE *f = out.f;
    fprintf(f, "# %s: cellscape report\n\n", sp->name);
    if (p->synthetic)
        fprintf(f, "**SYNTHETIC DATA**: the data numbers and figures come from a synthetic "
                   "dataset, not from %s training runs. Numbers of the space are exact.\n\n",
                sp->name);
    source_row rows[MAX_SOURCE_ROWS];
    size_t nrows = source_rows(p, rows);
    for (size_t i = 0; i < nrows; i++)
        fprintf(f, rows[i].code ? "- %s: `%s`\n" : "- %s: %s\n", rows[i].label, rows[i].value);
    fprintf(f, "- cellscape %s, %s\n\n", p->version, p->generated);
    fputs("| Quantity | This report | Paper |\n|---|---:|---:|\n", f);
    for (size_t i = 0; i < sp->nheadlines; i++) {
        const headline *h = &sp->headlines[i];
        if (h->from_data && !p->have_data)
            continue;
        char v[256];
        if (!headline_value(p, datadir, h, v, sizeof v) && h->optional)
            continue;
        fprintf(f, "| %s | ", h->label);
        md_cell(f, v);
        fprintf(f, "%s | %s |\n", h->from_data && p->synthetic ? " (synthetic)" : "",
                h->paper ? h->paper : "-");
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
