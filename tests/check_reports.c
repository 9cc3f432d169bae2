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

#include "config.h"
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
static void check_references(const char *dir)
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
    ck_assert_int_gt(refs, 40);
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

/* Everything a report must hold; the data figures labelled SYNTHETIC
 * exactly when synthetic, the structure figures never. */
static void check_report(const char *dir, bool synthetic)
{
    cs_report_figure *figs;
    size_t n;
    cs_error err;
    ck_assert_msg(cs_report_manifest_load(CS_TEST_REPORTS_DIR, &figs, &n, &err) == CS_OK, "%s",
                  err.msg);
    char path[4600];
    snprintf(path, sizeof path, "%s/index.html", dir);
    ck_assert(exists(path));
    ck_assert(file_has(path, "SYNTHETIC DATA") == synthetic);
    ck_assert(file_has(path, "id=\"synthetic-banner\"") == synthetic);
    snprintf(path, sizeof path, "%s/summary.md", dir);
    ck_assert(file_has(path, "SYNTHETIC") == synthetic);
    for (size_t i = 0; i < n; i++) {
        unsigned w = 0, h = 0;
        snprintf(path, sizeof path, "%s/figures/%s.png", dir, figs[i].name);
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
    check_references(dir);
    check_tidy(dir);
    free(figs);
}

/* --- the manifest --------------------------------------------------------------- */

START_TEST(test_manifest)
{
    cs_report_figure *figs;
    size_t n;
    cs_error err;
    ck_assert_msg(cs_report_manifest_load(CS_TEST_REPORTS_DIR, &figs, &n, &err) == CS_OK, "%s",
                  err.msg);
    ck_assert_uint_ge(n, 20);
    size_t data = 0;
    for (size_t i = 0; i < n; i++) {
        char path[4400];
        snprintf(path, sizeof path, "%s/%s.gp", CS_TEST_REPORTS_DIR, figs[i].name);
        ck_assert_msg(exists(path), "no script %s", path);
        ck_assert(figs[i].title[0] && figs[i].caption[0] && figs[i].inputs[0]);
        for (size_t j = 0; j < i; j++)
            ck_assert_str_ne(figs[i].name, figs[j].name);
        data += figs[i].needs_data;
    }
    /* The paper's data figures and the structure figures are both there. */
    ck_assert_uint_ge(data, 14);
    ck_assert_uint_ge(n - data, 6);
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
    snprintf(from, sizeof from, "%s/style.gp", CS_TEST_REPORTS_DIR);
    snprintf(to, sizeof to, "%s/style.gp", scripts);
    copy_file(from, to);
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
    char cmd[8400];
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

static Suite *reports_suite(void)
{
    Suite *s = suite_create("reports");
    TCase *tc = tcase_create("manifest");
    tcase_add_test(tc, test_manifest);
    tcase_add_test(tc, test_manifest_errors);
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
