/* reports/: the manifest, and whole reports built by `cellscape report`
 * from each fixture and from the synthetic default: every file there, PNGs
 * that decode at 960x640 (libpng), SVGs that parse (libxml2), an index.html
 * that passes tidy and references only files that exist, synthetic labels
 * exactly where the data is synthetic, reuse on a re-run, failures that
 * leave nothing half-made, and the page opened in headless Chromium. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <fcntl.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include <jansson.h>

#include "config.h"
#include "cs_analysis.h"
#include "cs_report.h"
#include "testutil.h"

#ifndef CS_TEST_REPORTS_DIR
#define CS_TEST_REPORTS_DIR "../reports"
#endif

/* --- running the command ---------------------------------------------------- */

typedef cs_test_cli_result result;

static result run(const char *args)
{
    char env[4200];
    snprintf(env, sizeof env, "CELLSCAPE_REPORTS='%s'", CS_TEST_REPORTS_DIR);
    return cs_test_cli(env, args, NULL);
}

static void result_free(result *r)
{
    cs_test_cli_free(r);
}

static bool exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* --- checking files ----------------------------------------------------------- */

/* Decode the whole PNG; its size. */
static bool png_decodes(const char *path, unsigned *w, unsigned *h)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&img, path))
        return false;
    img.format = PNG_FORMAT_RGBA;
    size_t size = PNG_IMAGE_SIZE(img);
    void *buf = malloc(size);
    bool ok = buf && png_image_finish_read(&img, NULL, buf, 0, NULL);
    *w = img.width;
    *h = img.height;
    free(buf);
    png_image_free(&img);
    return ok;
}

static bool svg_parses(const char *path)
{
    xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
                                                XML_PARSE_NOWARNING | XML_PARSE_HUGE);
    bool ok = doc && xmlDocGetRootElement(doc) &&
              !xmlStrcmp(xmlDocGetRootElement(doc)->name, BAD_CAST "svg");
    xmlFreeDoc(doc);
    return ok;
}

static bool file_has(const char *path, const char *needle)
{
    size_t n;
    char *text = cs_test_read_file(path, &n);
    bool has = text && strstr(text, needle) != NULL;
    free(text);
    return has;
}

/* Every src and href of the page names a file of the report. */
static void check_references(const char *dir, int min_refs)
{
    char path[4300];
    snprintf(path, sizeof path, "%s/index.html", dir);
    htmlDocPtr doc = htmlReadFile(path, "utf-8", HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                                                     HTML_PARSE_NOWARNING);
    ck_assert_msg(doc != NULL, "%s does not parse", path);
    xmlXPathContextPtr xc = xmlXPathNewContext(doc);
    xmlXPathObjectPtr set = xmlXPathEvalExpression(BAD_CAST "//@src | //@href", xc);
    ck_assert(set && set->nodesetval);
    int refs = set->nodesetval->nodeNr;
    ck_assert_int_gt(refs, min_refs);
    for (int i = 0; i < refs; i++) {
        xmlChar *v = xmlNodeGetContent(set->nodesetval->nodeTab[i]);
        const char *ref = (const char *)v;
        ck_assert_msg(!strstr(ref, "://") && ref[0] != '/', "%s: absolute reference %s", path,
                      ref);
        char target[4600];
        snprintf(target, sizeof target, "%s/%s", dir, ref);
        ck_assert_msg(exists(target), "%s references %s, which does not exist", path, ref);
        xmlFree(v);
    }
    xmlXPathFreeObject(set);
    xmlXPathFreeContext(xc);
    xmlFreeDoc(doc);
}

/* tidy's HTML check: exit 0 means no warnings and no errors. */
static void check_tidy(const char *dir)
{
    if (system("command -v tidy > /dev/null 2>&1") != 0) {
        fprintf(stderr, "check_reports: tidy not installed; HTML check not run "
                        "(install the Debian package tidy)\n");
        ck_abort_msg("tidy is missing (scripts/bootstrap check installs it)");
    }
    char cmd[8400];
    snprintf(cmd, sizeof cmd, "tidy -q -e '%s/index.html' 2>&1", dir);
    int status = system(cmd);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "tidy finds problems in %s/index.html", dir);
}

/* Everything a report of a space must hold; the data figures labelled
 * SYNTHETIC exactly when synthetic, the structure figures never; without
 * data (NB201), no data figure at all. */
static void check_space_report(const char *dir, cs_report_space space, bool have_data,
                               bool synthetic)
{
    cs_report_figure *figs;
    size_t n;
    cs_error err;
    ck_assert_msg(cs_report_manifest_load_space(CS_TEST_REPORTS_DIR, space, &figs, &n, &err) ==
                      CS_OK,
                  "%s", err.msg);
    char path[4600];
    snprintf(path, sizeof path, "%s/index.html", dir);
    ck_assert(exists(path));
    ck_assert(file_has(path, "SYNTHETIC DATA") == synthetic);
    ck_assert(file_has(path, "id=\"synthetic-banner\"") == synthetic);
    ck_assert(file_has(path, space == CS_REPORT_NB201 ? "<h1>NAS-Bench-201" : "<h1>NAS-Bench-101"));
    snprintf(path, sizeof path, "%s/summary.md", dir);
    ck_assert(file_has(path, "SYNTHETIC") == synthetic);
    int figures = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned w = 0, h = 0;
        snprintf(path, sizeof path, "%s/figures/%s.png", dir, figs[i].name);
        if (figs[i].needs_data && !have_data) {
            ck_assert_msg(!exists(path), "%s made without data", path);
            continue;
        }
        figures++;
        ck_assert_msg(png_decodes(path, &w, &h), "%s does not decode", path);
        ck_assert_msg(w == 960 && h == 640, "%s is %ux%u, not 960x640", path, w, h);
        snprintf(path, sizeof path, "%s/figures/%s.svg", dir, figs[i].name);
        ck_assert_msg(svg_parses(path), "%s does not parse as SVG", path);
        bool labelled = file_has(path, "SYNTHETIC");
        ck_assert_msg(labelled == (synthetic && figs[i].needs_data),
                      "%s %s the SYNTHETIC label", path, labelled ? "has" : "lacks");
        /* every file the figure reads was written by its analyses */
        char inputs[sizeof figs[i].inputs];
        snprintf(inputs, sizeof inputs, "%s", figs[i].inputs);
        char *save = NULL;
        for (char *t = strtok_r(inputs, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            snprintf(path, sizeof path, "%s/data/%s", dir, t);
            ck_assert_msg(exists(path), "%s: input %s missing", figs[i].name, path);
        }
    }
    /* each figure: its SVG link, its PNG and at least one data file */
    check_references(dir, 3 * figures - 1);
    check_tidy(dir);
    free(figs);
}

static void check_report(const char *dir, bool synthetic)
{
    check_space_report(dir, CS_REPORT_NB101, true, synthetic);
}

/* --- the manifest --------------------------------------------------------------- */

/* Each space's manifest: a script per figure, unique names, every field,
 * an analysis of that space's registry of the same kind, and both kinds of
 * figure (NB101: the paper's data figures and the structure figures). */
static const cs_report_space manifest_spaces[] = {CS_REPORT_NB101, CS_REPORT_NB201};

START_TEST(test_manifest)
{
    cs_report_space space = manifest_spaces[_i];
    cs_report_figure *figs;
    size_t n;
    cs_error err;
    ck_assert_msg(cs_report_manifest_load_space(CS_TEST_REPORTS_DIR, space, &figs, &n, &err) ==
                      CS_OK,
                  "%s", err.msg);
    size_t data = 0, nanalyses;
    const cs_analysis_info *list = space == CS_REPORT_NB201 ? cs_analysis_nb201_list(&nanalyses)
                                                            : cs_analysis_list(&nanalyses);
    for (size_t i = 0; i < n; i++) {
        char path[4400];
        snprintf(path, sizeof path, "%s/%s.gp", CS_TEST_REPORTS_DIR, figs[i].name);
        ck_assert_msg(exists(path), "no script %s", path);
        ck_assert(figs[i].title[0] && figs[i].caption[0] && figs[i].inputs[0]);
        ck_assert_msg((strncmp(figs[i].name, "fig-nb201-", 10) == 0) == (space == CS_REPORT_NB201),
                      "%s", figs[i].name);
        for (size_t j = 0; j < i; j++)
            ck_assert_str_ne(figs[i].name, figs[j].name);
        bool found = false;
        for (size_t k = 0; k < nanalyses; k++)
            if (strcmp(list[k].name, figs[i].analyses) == 0) {
                found = true;
                ck_assert(list[k].needs_data == figs[i].needs_data);
            }
        ck_assert_msg(found, "%s: analysis %s", figs[i].name, figs[i].analyses);
        data += figs[i].needs_data;
    }
    ck_assert_uint_ge(data, space == CS_REPORT_NB201 ? 5 : 14);
    ck_assert_uint_ge(n - data, space == CS_REPORT_NB201 ? 4 : 6);
    free(figs);
}
END_TEST

START_TEST(test_manifest_errors)
{
    static const struct {
        const char *text, *want;
    } bad[] = {
        {"name\tkind\tanalyses\tinputs\ttitle\tcaption\nfig-a\tdata\tx\ty.tsv\tT\n",
         "line 2 has 5 fields"},
        {"name\tkind\tanalyses\tinputs\ttitle\tcaption\nfig-a\tother\tx\ty.tsv\tT\tC\n",
         "kind is 'other'"},
        {"name\tkind\tanalyses\tinputs\ttitle\tcaption\nfig-../x\tdata\tx\ty.tsv\tT\tC\n",
         "is not fig-"},
        {"name\tkind\tanalyses\tinputs\ttitle\tcaption\n", "no figures"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char dir[4096], path[4200];
        snprintf(dir, sizeof dir, "%s/manifest-XXXXXX", CS_TEST_TMPDIR);
        ck_assert(mkdtemp(dir));
        snprintf(path, sizeof path, "%s/figures.tsv", dir);
        FILE *f = fopen(path, "w");
        fputs(bad[k].text, f);
        fclose(f);
        cs_report_figure *figs;
        size_t n;
        cs_error err;
        ck_assert_int_eq(cs_report_manifest_load(dir, &figs, &n, &err), CS_ERR_FORMAT);
        ck_assert_msg(strstr(err.msg, bad[k].want), "'%s' lacks '%s'", err.msg, bad[k].want);
        ck_assert_msg(strstr(err.msg, path), "'%s' does not name the file", err.msg);
        unlink(path);
        rmdir(dir);
    }
}
END_TEST

/* --- reports from the fixtures --------------------------------------------------- */

/* The mini fixtures hold made-up values (fixtures/README.md) in files that
 * carry no synthetic marker: their reports are labelled with --synthetic.
 * real30 holds real NAS-Bench-101 values. */
static const char *const fixture_names[] = {"nb101-mini-full", "nb101-mini-only108",
                                            "nb101-real30-only108"};
static const bool fixture_synthetic[] = {true, true, false};

START_TEST(test_report_from_fixture)
{
    char src[4096], rel[256], dir[4096], args[12000];
    snprintf(rel, sizeof rel, "fixtures/%s.tfrecord", fixture_names[_i]);
    cs_test_shared_path(src, sizeof src, rel);
    snprintf(dir, sizeof dir, "%s/report-%s", CS_TEST_TMPDIR, fixture_names[_i]);
    snprintf(args, sizeof args, "report --data %s -o %s --optimizer-runs 20 --force%s", src, dir,
             fixture_synthetic[_i] ? " --synthetic" : "");
    result r = run(args);
    ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.err);
    ck_assert_msg(strstr(r.out, "Report: "), "no 'Report:' line: %s", r.out);
    ck_assert(strstr(r.out, "| Quantity |"));
    result_free(&r);
    check_report(dir, fixture_synthetic[_i]);
    if (!fixture_synthetic[_i]) {
        /* real data: the page names the source's SHA-256 (coreutils' sha256sum) */
        char path[4200];
        snprintf(path, sizeof path, "%s/index.html", dir);
        ck_assert(file_has(path, "c23799fc3b44380712e9f76451ed60fa8bb47ec4c82c228b0ce75f4cd7c8879d"));
    }
}
END_TEST

/* --- the synthetic default, built once ----------------------------------------- */

static char default_dir[4096];

static void default_setup(void)
{
    snprintf(default_dir, sizeof default_dir, "%s/report-default", CS_TEST_TMPDIR);
    char args[8192];
    snprintf(args, sizeof args, "CELLSCAPE_PROGRESS=0 CELLSCAPE_REPORTS='%s' %s report -o %s "
                                "--optimizer-runs 20 --force -q",
             CS_TEST_REPORTS_DIR, CS_TEST_BINARY, default_dir);
    int status = system(args);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fprintf(stderr, "check_reports: building the default report failed (status %d)\n",
                status);
}

START_TEST(test_report_default)
{
    check_report(default_dir, true);
    char path[4200];
    snprintf(path, sizeof path, "%s/index.html", default_dir);
    ck_assert(file_has(path, "cellscape synth --seed 1"));
    ck_assert(file_has(path, "423,624"));
    ck_assert(file_has(path, "cellscape " PACKAGE_VERSION));
}
END_TEST

/* A re-run reuses everything; a changed input redoes just its figure. */
START_TEST(test_report_reuse)
{
    char args[8192], tsv[4300];
    snprintf(args, sizeof args, "report -o %s --optimizer-runs 20", default_dir);
    result r = run(args);
    ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.err);
    ck_assert_msg(strstr(r.err, "0 analyses run, 13 reused; 0 figures rendered"), "%s", r.err);
    result_free(&r);
    snprintf(tsv, sizeof tsv, "%s/data/peaks_distance.tsv", default_dir);
    ck_assert(utimensat(AT_FDCWD, tsv, NULL, 0) == 0);
    r = run(args);
    ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.err);
    ck_assert_msg(strstr(r.err, "0 analyses run, 13 reused; 1 figures rendered"), "%s", r.err);
    result_free(&r);
    /* another number of optimiser runs is another input of that analysis only */
    snprintf(args, sizeof args, "report -o %s --optimizer-runs 21", default_dir);
    r = run(args);
    ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.err);
    ck_assert_msg(strstr(r.err, "1 analyses run, 12 reused; 2 figures rendered"), "%s", r.err);
    result_free(&r);
}
END_TEST

/* Headless Chromium opens the page and every image loads; a missing image
 * is seen as broken (so the check can fail). */
START_TEST(test_report_in_chromium)
{
    const char *browser = NULL;
    if (system("command -v chromium > /dev/null 2>&1") == 0)
        browser = "chromium";
    else if (system("command -v chromium-browser > /dev/null 2>&1") == 0)
        browser = "chromium-browser";
    if (!browser) {
        fprintf(stderr, "check_reports: SKIPPED test_report_in_chromium: Chromium is not "
                        "installed (Debian package chromium; scripts/bootstrap check installs "
                        "it)\n");
        return;
    }
    char harness[4300], cmd[16384], png[4300], moved[4400];
    snprintf(harness, sizeof harness, "%s/chromium-harness.html", default_dir);
    FILE *f = fopen(harness, "w");
    ck_assert(f);
    fputs("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>h</title></head><body>\n"
          "<iframe id=\"f\" src=\"index.html\" width=\"1200\" height=\"800\"></iframe>\n"
          "<script>\n"
          "document.getElementById('f').addEventListener('load', function () {\n"
          "  var imgs = this.contentDocument.images, ok = 0, bad = [];\n"
          "  for (var i = 0; i < imgs.length; i++)\n"
          "    if (imgs[i].complete && imgs[i].naturalWidth > 0) ok++;\n"
          "    else bad.push(imgs[i].getAttribute('src'));\n"
          "  var r = document.createElement('pre'); r.id = 'result';\n"
          "  r.textContent = 'images=' + imgs.length + ' loaded=' + ok + ' broken=' + bad.join(',');\n"
          "  document.body.appendChild(r);\n"
          "});\n</script></body></html>\n",
          f);
    fclose(f);
    char real[4096];
    ck_assert(realpath(harness, real));
    for (int pass = 0; pass < 2; pass++) {
        snprintf(cmd, sizeof cmd,
                 "timeout 120 %s --headless --no-sandbox --disable-gpu "
                 "--allow-file-access-from-files --virtual-time-budget=10000 --dump-dom "
                 "'file://%s' 2>/dev/null",
                 browser, real);
        FILE *p = popen(cmd, "r");
        ck_assert(p);
        char buf[1 << 16];
        size_t n = fread(buf, 1, sizeof buf - 1, p);
        buf[n] = '\0';
        pclose(p);
        const char *res = strstr(buf, "<pre id=\"result\">");
        ck_assert_msg(res, "Chromium printed no result: %.300s", buf);
        res += strlen("<pre id=\"result\">");
        int images = 0, loaded = 0;
        ck_assert(sscanf(res, "images=%d loaded=%d", &images, &loaded) == 2);
        ck_assert_int_ge(images, 20);
        if (pass == 0) {
            ck_assert_msg(loaded == images, "Chromium: %.200s", res);
            /* hide one image: the check must see it */
            snprintf(png, sizeof png, "%s/figures/fig-peaks-distance.png", default_dir);
            snprintf(moved, sizeof moved, "%s.hidden", png);
            ck_assert(rename(png, moved) == 0);
        } else {
            ck_assert(rename(moved, png) == 0);
            ck_assert_msg(loaded == images - 1 && strstr(res, "fig-peaks-distance.png"),
                          "a missing image went unseen: %.200s", res);
        }
    }
    unlink(harness);
}
END_TEST

/* --- failures --------------------------------------------------------------------- */

static void copy_file(const char *from, const char *to)
{
    size_t n;
    char *text = cs_test_read_file(from, &n);
    ck_assert(text);
    FILE *f = fopen(to, "w");
    ck_assert(f);
    fwrite(text, 1, n, f);
    fclose(f);
    free(text);
}

START_TEST(test_report_failures)
{
    char args[12000], dir[4096];
    snprintf(dir, sizeof dir, "%s/report-fail", CS_TEST_TMPDIR);
    /* data that is not there */
    snprintf(args, sizeof args, "report --data /nonexistent/x.tfrecord -o %s", dir);
    result r = run(args);
    ck_assert_int_eq(r.code, 4);
    ck_assert_msg(strstr(r.err, "/nonexistent/x.tfrecord"), "%s", r.err);
    result_free(&r);
    /* scripts that are not there */
    snprintf(args, sizeof args, "report --scripts /nonexistent -o %s", dir);
    r = run(args);
    ck_assert_int_eq(r.code, 4);
    ck_assert_msg(strstr(r.err, "/nonexistent/figures.tsv"), "%s", r.err);
    result_free(&r);
    /* bad usage */
    r = run("report --optimizer-runs 0");
    ck_assert_int_eq(r.code, 2);
    result_free(&r);
    r = run("report extra");
    ck_assert_int_eq(r.code, 2);
    result_free(&r);

    /* a broken script: the error names the figure and quotes gnuplot; no
     * half-made figure and no work files are left */
    char scripts[4096];
    snprintf(scripts, sizeof scripts, "%s/broken-scripts-XXXXXX", CS_TEST_TMPDIR);
    ck_assert(mkdtemp(scripts));
    cs_report_figure *figs;
    size_t n;
    cs_error err;
    ck_assert(cs_report_manifest_load(CS_TEST_REPORTS_DIR, &figs, &n, &err) == CS_OK);
    char from[4400], to[4400];
    snprintf(from, sizeof from, "%s/figures.tsv", CS_TEST_REPORTS_DIR);
    snprintf(to, sizeof to, "%s/figures.tsv", scripts);
    copy_file(from, to);
    /* the shared code the scripts load */
    char cmd[8400];
    snprintf(cmd, sizeof cmd, "cp '%s'/style.gp '%s'/lib-*.gp '%s'/", CS_TEST_REPORTS_DIR,
             CS_TEST_REPORTS_DIR, scripts);
    ck_assert(system(cmd) == 0);
    for (size_t i = 0; i < n; i++) {
        snprintf(from, sizeof from, "%s/%s.gp", CS_TEST_REPORTS_DIR, figs[i].name);
        snprintf(to, sizeof to, "%s/%s.gp", scripts, figs[i].name);
        if (strcmp(figs[i].name, "fig-structure-counts") == 0) {
            FILE *f = fopen(to, "w");
            fputs("this is not gnuplot\n", f);
            fclose(f);
        } else {
            copy_file(from, to);
        }
    }
    free(figs);
    snprintf(args, sizeof args, "report -o %s --scripts %s --optimizer-runs 20",
             default_dir, scripts);
    /* the default report's figures are current: force the broken one */
    char png[4400];
    snprintf(png, sizeof png, "%s/figures/fig-structure-counts.png", default_dir);
    unlink(png);
    r = run(args);
    ck_assert_int_eq(r.code, 4);
    ck_assert_msg(strstr(r.err, "fig-structure-counts") && strstr(r.err, "gnuplot"), "%s",
                  r.err);
    result_free(&r);
    ck_assert(!exists(png));
    char work[4400];
    snprintf(work, sizeof work, "%s/figures", default_dir);
    snprintf(cmd, sizeof cmd, "ls -a '%s' | grep -q '^\\.work'", work);
    ck_assert_msg(system(cmd) != 0, "work files left in %s", work);
    /* and the good scripts make it whole again */
    snprintf(args, sizeof args, "report -o %s --optimizer-runs 20", default_dir);
    r = run(args);
    ck_assert_msg(r.code == 0, "%s", r.err);
    result_free(&r);
    ck_assert(exists(png));
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", scripts);
    ck_assert(system(cmd) == 0);
}
END_TEST

/* --- NAS-Bench-201 ------------------------------------------------------------------ */

/* The structure-only report: no data figure, and the page says how to get
 * the data. */
START_TEST(test_report_nb201_structure)
{
    char dir[4096], args[8400];
    snprintf(dir, sizeof dir, "%s/report-nb201-structure", CS_TEST_TMPDIR);
    snprintf(args, sizeof args, "report --space nb201 -o %s --force", dir);
    result r = run(args);
    ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.err);
    ck_assert_msg(strstr(r.out, "| Quantity |") && strstr(r.out, "NAS-Bench-201"), "%s", r.out);
    ck_assert_msg(strstr(r.err, "data figures skipped"), "%s", r.err);
    result_free(&r);
    check_space_report(dir, CS_REPORT_NB201, false, false);
    char path[4200];
    snprintf(path, sizeof path, "%s/index.html", dir);
    ck_assert(file_has(path, "15,625"));
    ck_assert(file_has(path, "6,466"));
    ck_assert(file_has(path, "doc/nb201-csv.md"));
    ck_assert(!file_has(path, "Best score"));
    /* a newer copy of shared code a script loads redoes just the figures that load it */
    char scripts[4096], cmd[12600], lib[4200];
    snprintf(scripts, sizeof scripts, "%s/nb201-scripts-XXXXXX", CS_TEST_TMPDIR);
    ck_assert(mkdtemp(scripts));
    snprintf(cmd, sizeof cmd, "cp -p '%s'/*.gp '%s'/*.tsv '%s'/", CS_TEST_REPORTS_DIR,
             CS_TEST_REPORTS_DIR, scripts);
    ck_assert(system(cmd) == 0);
    snprintf(lib, sizeof lib, "%s/lib-neighbours-degree.gp", scripts);
    ck_assert(utimensat(AT_FDCWD, lib, NULL, 0) == 0);
    size_t nlist, nstructure = 0;
    const cs_analysis_info *list = cs_analysis_nb201_list(&nlist);
    for (size_t k = 0; k < nlist; k++)
        nstructure += !list[k].needs_data;
    char want[128];
    snprintf(want, sizeof want, "0 analyses run, %zu reused; 1 figures rendered, 3 reused",
             nstructure);
    snprintf(args, sizeof args, "report --space nb201 -o %s --scripts %s", dir, scripts);
    r = run(args);
    ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.err);
    ck_assert_msg(strstr(r.err, want), "%s", r.err);
    result_free(&r);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", scripts);
    ck_assert(system(cmd) == 0);
    /* data options without data, and data options for NB101, are usage errors */
    snprintf(args, sizeof args, "report --space nb201 --dataset cifar10 -o %s", dir);
    r = run(args);
    ck_assert_int_eq(r.code, 2);
    result_free(&r);
    r = run("report --fitness test-accuracy");
    ck_assert_int_eq(r.code, 2);
    result_free(&r);
    r = run("report --space nb301");
    ck_assert_int_eq(r.code, 2);
    result_free(&r);
}
END_TEST

/* A small hand-made CSV: the 64 cells whose six edges are each skip or
 * conv 3x3, valid and test accuracy (made up: 85 % plus 1.5 points per
 * convolution and a little by position) and a training time, of dataset
 * cifar10-valid.  Variant 0 is marked synthetic, variant 1 not. */
static void write_small_csv(const char *path, bool synthetic)
{
    FILE *f = fopen(path, "w");
    ck_assert(f);
    if (synthetic)
        fputs("# synthetic\n", f);
    fputs("# made-up values for check_reports\narch,dataset,metric,value\n", f);
    for (int m = 0; m < 64; m++) {
        const char *op[6];
        int convs = 0;
        double pos = 0;
        for (int e = 0; e < 6; e++) {
            bool conv = (m >> e) & 1;
            op[e] = conv ? "nor_conv_3x3" : "skip_connect";
            convs += conv;
            pos += conv ? 0.07 * (e + 1) : 0;
        }
        char arch[256];
        snprintf(arch, sizeof arch, "|%s~0|+|%s~0|%s~1|+|%s~0|%s~1|%s~2|", op[0], op[1], op[2],
                 op[3], op[4], op[5]);
        double valid = 85.0 + 1.5 * convs + pos;
        fprintf(f, "%s,cifar10-valid,valid-accuracy,%.4f\n", arch, valid);
        fprintf(f, "%s,cifar10-valid,valid-accuracy,%.4f\n", arch, valid + 0.2);
        fprintf(f, "%s,cifar10-valid,test-accuracy,%.4f\n", arch, valid - 0.3 + 0.01 * m);
        fprintf(f, "%s,cifar10-valid,train-all-time,%.1f\n", arch, 1000.0 + 400.0 * convs);
    }
    fclose(f);
}

START_TEST(test_report_nb201_csv)
{
    bool synthetic = _i == 0;
    char dir[4096], csv[4200], args[12000];
    snprintf(dir, sizeof dir, "%s/report-nb201-small-%d", CS_TEST_TMPDIR, _i);
    snprintf(csv, sizeof csv, "%s/nb201-small-%d.csv", CS_TEST_TMPDIR, _i);
    write_small_csv(csv, synthetic);
    snprintf(args, sizeof args,
             "report --space nb201 --data %s --dataset cifar10-valid -o %s --optimizer-runs 10 "
             "--force",
             csv, dir);
    result r = run(args);
    ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.err);
    ck_assert(strstr(r.out, "| Quantity |"));
    ck_assert(strstr(r.err, synthetic ? "SYNTHETIC" : "figures rendered"));
    result_free(&r);
    check_space_report(dir, CS_REPORT_NB201, true, synthetic);
    char path[4200];
    snprintf(path, sizeof path, "%s/index.html", dir);
    ck_assert(file_has(path, "cifar10-valid"));
    ck_assert(file_has(path, "valid-accuracy"));
    ck_assert(file_has(path, "train-all-time"));
    ck_assert(!file_has(path, "no validation accuracy"));
    /* the best cell: all six edges conv 3x3, 85 + 9 + 1.47 - 0.3 + 0.63 */
    ck_assert_msg(file_has(path, "95.80 %"), "best score missing");
    ck_assert(file_has(path, "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|"
                             "nor_conv_3x3~1|nor_conv_3x3~2|"));
    /* the CSV's SHA-256, as coreutils computes it */
    char cmd[8400], sha[65] = "";
    snprintf(cmd, sizeof cmd, "sha256sum '%s'", csv);
    FILE *p = popen(cmd, "r");
    ck_assert(p && fscanf(p, "%64s", sha) == 1);
    pclose(p);
    ck_assert_msg(file_has(path, sha), "no SHA-256 %s", sha);

    /* a re-run reuses everything; another metric redoes the data analyses */
    size_t n, ndata = 0;
    const cs_analysis_info *list = cs_analysis_nb201_list(&n);
    for (size_t k = 0; k < n; k++)
        ndata += list[k].needs_data;
    char want[256];
    snprintf(args, sizeof args,
             "report --space nb201 --data %s --dataset cifar10-valid -o %s --optimizer-runs 10",
             csv, dir);
    r = run(args);
    ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.err);
    snprintf(want, sizeof want, "0 analyses run, %zu reused; 0 figures rendered", n);
    ck_assert_msg(strstr(r.err, want), "%s", r.err);
    result_free(&r);
    snprintf(args, sizeof args,
             "report --space nb201 --data %s --fitness test-accuracy -o %s --optimizer-runs 10",
             csv, dir);
    r = run(args);
    ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.err);
    snprintf(want, sizeof want, "%zu analyses run, %zu reused;", ndata, n - ndata);
    ck_assert_msg(strstr(r.err, want), "%s", r.err);
    result_free(&r);
    snprintf(path, sizeof path, "%s/index.html", dir);
    ck_assert(file_has(path, "Fitness (what the searches climb)</th><td>test-accuracy"));
    /* a metric the data lack names what they have */
    snprintf(args, sizeof args, "report --space nb201 --data %s --score top5 -o %s", csv, dir);
    r = run(args);
    ck_assert_int_ne(r.code, 0);
    ck_assert_msg(strstr(r.err, "top5") && strstr(r.err, "test-accuracy"), "%s", r.err);
    result_free(&r);
}
END_TEST

/* The real NAS-Bench-201 test accuracies on CIFAR-10 (realdata/SOURCES.md),
 * as a CSV made here: the best cell is the paper's 94.37 %. */
START_TEST(test_report_nb201_real)
{
    char src[4096], csv[4200], dir[4096], args[12000];
    cs_test_shared_path(src, sizeof src, "realdata/nb201-archs-cifar10.json");
    json_error_t jerr;
    json_t *root = json_load_file(src, 0, &jerr);
    ck_assert_msg(root, "%s: %s", src, jerr.text);
    json_t *archs = json_object_get(root, "archs"), *accs = json_object_get(root, "accuracies");
    ck_assert_uint_eq(json_array_size(archs), 15625);
    ck_assert_uint_eq(json_array_size(accs), 15625);
    snprintf(csv, sizeof csv, "%s/nb201-real-cifar10.csv", CS_TEST_TMPDIR);
    FILE *f = fopen(csv, "w");
    ck_assert(f);
    fputs("arch,dataset,metric,value\n", f);
    for (size_t i = 0; i < 15625; i++)
        fprintf(f, "%s,cifar10,test-accuracy,%.17g\n",
                json_string_value(json_array_get(archs, i)),
                json_number_value(json_array_get(accs, i)));
    fclose(f);
    json_decref(root);
    snprintf(dir, sizeof dir, "%s/report-nb201-real", CS_TEST_TMPDIR);
    snprintf(args, sizeof args, "report --space nb201 --data %s -o %s --optimizer-runs 10 --force",
             csv, dir);
    result r = run(args);
    ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.err);
    result_free(&r);
    check_space_report(dir, CS_REPORT_NB201, true, false);
    char path[4200];
    snprintf(path, sizeof path, "%s/index.html", dir);
    ck_assert(file_has(path, "<td class=\"num\">94.37 %"));
    ck_assert(file_has(path, "6,466"));
    ck_assert(file_has(path, "no validation accuracy"));
    /* no cost metric: the optimisers pay one unit per query */
    ck_assert(file_has(path, "one unit per query"));
    ck_assert(file_has(path, "Median final regret of the score, regularized evolution"));
    snprintf(path, sizeof path, "%s/summary.md", dir);
    ck_assert(file_has(path, "| Best score | 94.37 % |"));
}
END_TEST

static Suite *reports_suite(void)
{
    Suite *s = suite_create("reports");
    TCase *tc = tcase_create("manifest");
    tcase_add_loop_test(tc, test_manifest, 0, 2);
    tcase_add_test(tc, test_manifest_errors);
    suite_add_tcase(s, tc);

    tc = tcase_create("nb201");
    tcase_set_timeout(tc, 900);
    tcase_add_test(tc, test_report_nb201_structure);
    tcase_add_loop_test(tc, test_report_nb201_csv, 0, 2);
    tcase_add_test(tc, test_report_nb201_real);
    suite_add_tcase(s, tc);

    tc = tcase_create("fixtures");
    tcase_set_timeout(tc, 900);
    tcase_add_loop_test(tc, test_report_from_fixture, 0, 3);
    suite_add_tcase(s, tc);

    tc = tcase_create("default");
    tcase_set_timeout(tc, 900);
    tcase_add_unchecked_fixture(tc, default_setup, NULL);
    tcase_add_test(tc, test_report_default);
    tcase_add_test(tc, test_report_in_chromium);
    tcase_add_test(tc, test_report_reuse);
    tcase_add_test(tc, test_report_failures);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cs_test_run(reports_suite());
}
