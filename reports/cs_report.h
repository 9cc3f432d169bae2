/* cellscape reports/: the report.  Runs the analyses (analysis/) into
 * DIR/data, renders every figure of the space's manifest (reports/
 * figures.tsv for NAS-Bench-101, reports/figures-nb201.tsv for
 * NAS-Bench-201) with its gnuplot script into DIR/figures (PNG and SVG),
 * and writes DIR/index.html and DIR/summary.md: the figures with captions,
 * the headline numbers beside the paper's, the data source with its
 * checksum and the toolkit's version.
 *
 * NAS-Bench-101 without data: the structure figures are real (they need no
 * dataset) and the data figures come from the synthetic dataset of
 * cs_synth_store, which every figure, number and the page's top say.
 * NAS-Bench-201 without data: a structure-only report (there is no
 * synthetic default); its data come from a CSV (data/cs_nb201_data.h).
 * Re-running reuses the analyses and figures whose inputs did not change
 * (stamps in DIR/data). */
#ifndef CS_REPORT_H
#define CS_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cs_error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The seed of the embedded default's synthetic dataset. */
#define CS_REPORT_SYNTH_SEED 1

/* The search space a report is about. */
typedef enum cs_report_space {
    CS_REPORT_NB101 = 0, /* NAS-Bench-101 (the default) */
    CS_REPORT_NB201      /* NAS-Bench-201 */
} cs_report_space;

typedef struct cs_report_options {
    const char *outdir;      /* required; created if missing */
    cs_report_space space;
    /* NB101: a store or a .tfrecord, NULL: the synthetic default.  NB201: a
     * CSV of per-cell results (doc/nb201-csv.md), NULL: structure only. */
    const char *data;
    /* NB201 only (CS_ERR_ARG otherwise): the CSV's dataset and the metrics
     * the analyses read (cs_nb201_analysis.h); NULL: the defaults there. */
    const char *dataset, *fitness, *score, *cost;
    const char *scripts_dir; /* figures.tsv and the scripts; NULL: cs_report_scripts_dir */
    const char *gnuplot;     /* the program; NULL: the one configure found */
    uint64_t seed;           /* of the analyses' random choices */
    int threads;             /* 0: one per core (also gnuplot processes at once) */
    int optimizer_runs;      /* runs per NAS optimiser; 0: the paper's 500 */
    bool synthetic;          /* label the data synthetic even if its file is not marked */
    bool force;              /* redo every analysis and figure */
    cs_monitor monitor; /* cancel polled between analyses and figures */
} cs_report_options;

void cs_report_options_init(cs_report_options *opt);

typedef struct cs_report_result {
    char index_html[4200];   /* DIR/index.html */
    char summary_md[4200];   /* DIR/summary.md */
    bool synthetic;          /* the data figures come from synthetic data */
    size_t analyses_run, analyses_reused;
    size_t figures_rendered, figures_reused;
    size_t figures_skipped;  /* data figures without data (structure-only report) */
    bool outdir_removed;     /* on failure: DIR was new and has been removed */
} cs_report_result;

/* Build the report.  Errors: CS_ERR_ARG (options), CS_ERR_IO (files,
 * gnuplot failing: the message names the figure and quotes gnuplot),
 * CS_ERR_CANCELLED when opt->monitor said so, CS_ERR_FORMAT and others
 * from the data.  A build that fails leaves nothing new behind: the
 * directories it made are removed with their contents, and a directory
 * that was there keeps its files, each whole (old or new). */
cs_status cs_report_build(const cs_report_options *opt, cs_report_result *res, cs_error *err);

/* Where the gnuplot scripts are: the installed $(pkgdatadir)/reports if it
 * holds figures.tsv, else the source tree's reports/ (an uninstalled
 * build), else NULL. */
const char *cs_report_scripts_dir(void);

/* The manifest of a space: "figures.tsv" or "figures-nb201.tsv". */
const char *cs_report_manifest_file(cs_report_space space);

/* One figure of the manifest (reports/figures.tsv). */
typedef struct cs_report_figure {
    char name[64];        /* fig-NAME: the script fig-NAME.gp */
    bool needs_data;      /* kind "data" (else "structure") */
    char analyses[256];   /* comma-separated analysis names */
    char inputs[512];     /* comma-separated TSV files it reads */
    char title[256];
    char caption[1024];
} cs_report_figure;

/* Read dir/figures.tsv (NAS-Bench-101's manifest). *figures is malloc'd. */
cs_status cs_report_manifest_load(const char *dir, cs_report_figure **figures, size_t *count,
                                  cs_error *err);
/* Read the manifest of a space in dir. */
cs_status cs_report_manifest_load_space(const char *dir, cs_report_space space,
                                        cs_report_figure **figures, size_t *count,
                                        cs_error *err);

#ifdef __cplusplus
}
#endif
#endif
