/* cellscape reports/: what the parts of the report builder share. */
#ifndef CS_REPORT_INTERNAL_H
#define CS_REPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "cs_error.h"
#include "cs_report.h"

/* Where `make install` puts the scripts, and the source tree's copy (for a
 * build that is run uninstalled); both set by the Makefile. */
#ifndef CS_REPORTS_INSTALLED
#define CS_REPORTS_INSTALLED "/usr/local/share/cellscape/reports"
#endif
#ifndef CS_REPORTS_SOURCE
#define CS_REPORTS_SOURCE ""
#endif

/* What the page says about its data. */
typedef struct cs_report_page {
    const char *outdir;
    cs_report_space space;
    const cs_report_figure *figures;
    size_t nfigures;
    const bool *rendered;     /* per figure: its PNG and SVG exist */
    bool have_data;           /* data figures and numbers present */
    bool synthetic;
    char data_path[4400];     /* as given, or the synthetic store */
    char data_kind[256];      /* official file, synthetic, other dataset */
    char source_sha256[65];   /* of the TFRecord or the CSV; "" when there was none */
    char store_sha256[65];    /* NB101: cs_store_fingerprint, hex */
    size_t cells;             /* with data */
    int nbudgets;             /* NB101 */
    int budgets[4];
    /* NB201: the CSV's dataset and the metrics read (cost "": one unit per
     * query); the fitness is test accuracy for want of a validation one. */
    char dataset[72], fitness[72], score[72], cost[72];
    bool fitness_fallback;
    size_t rows;              /* data rows of the CSV */
    const char *version;
    char generated[64];       /* UTC time */
    char command[512];        /* a command that rebuilds the report */
} cs_report_page;

/* DIR/index.html and DIR/summary.md, atomically. */
cs_status cs_report_write_page(const cs_report_page *p, cs_error *err);

/* Render the figures marked in todo[] with gnuplot, up to `jobs` at once;
 * rendered[i] is set for each figure done.  PNG and SVG are written to a
 * work directory and renamed into outdir/figures when both succeeded. */
cs_status cs_report_render(const char *gnuplot, const char *scripts_dir, const char *outdir,
                           const cs_report_figure *figs, size_t n, const bool *todo,
                           bool *rendered, int jobs, const cs_monitor *monitor, cs_error *err);

#endif
