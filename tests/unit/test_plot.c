/*
 * test_plot.c -- cmocka tests of analysis/plot.c and analysis/report.c on a
 * results structure built by hand (no database, no analysis engine): two
 * dimensions, eight units of which one is suppressed, one weak cell,
 * self-vs-staff gaps, wave-over-wave changes and comments, one of them a
 * <script>.  The checks are the promises of the issue: every plot is
 * written as .gp, .dat, .png and .svg; the PNGs are real images; nothing
 * of the suppressed unit reaches any file; a unit name with quotes and a
 * percent sign survives gnuplot; answers are HTML-escaped; a missing
 * gnuplot leaves a report that says which package to install.
 */
#define _GNU_SOURCE   /* nftw, memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/report/plot.h"
#include "analysis/report/report.h"
#include "analysis/results.h"
#include "base/util.h"
#include "tests/unit/testmain.h"

#define SECRET_CODE "U99"
#define SECRET_NAME "机密测试单位"

static const char *const unit_names[8] = {
    "市委办公室", "市委组织部", "O'Brien \"50%\" 局 {x}_^@`echo`", "市财政局",
    "市教育局", SECRET_NAME, "市水利局", "市商务局"};

/* build's dimensions (ndims of 3), each with three items; z: Chinese labels. */
static void build_dims(res_t *r, size_t ndims, int z)
{
    static const char *const codes[] = {"planning", "clean", "learning"};
    static const char *const zh[] = {"科学部署", "廉洁型", "学习型"};
    static const char *const en[] = {"Planning", "Clean", "Learning"};
    static const char *const agree_zh[] = {"非常不同意", "不同意", "一般", "同意", "非常同意"};
    static const char *const agree_en[] = {"Strongly disagree", "Disagree", "Neutral", "Agree",
                                           "Strongly agree"};
    r->ndims = ndims;
    r->dims = util_xcalloc(ndims, sizeof *r->dims);
    for (size_t d = 0; d < ndims; d++) {
        res_dim_t *D = &r->dims[d];
        D->code = util_xstrdup(codes[d]);
        D->label = util_xstrdup(z ? zh[d] : en[d]);
        D->n = 200;
        D->mean = d == 0 ? 55 : 68 + (double)d;
        D->sd = 18;
        D->ci_low = D->mean - 2.5;
        D->ci_high = D->mean + 2.5;
        D->alpha = 0.81;
        D->std_alpha = 0.82;
        D->average_r = 0.45;
        D->alpha_ci_low = 0.77;
        D->alpha_ci_high = 0.85;
        D->alpha_n = 190;
        D->f = 4.2;
        D->df_between = 7;
        D->df_within = 192;
        D->p_anova = 0.0002;
        D->eta2 = 0.13;
        D->omega2 = 0.1;
        D->welch_f = NAN;   /* "could not be computed" must print as a dash */
        D->welch_df1 = NAN;
        D->welch_df2 = NAN;
        D->welch_p = NAN;
        D->kw_h = 25;
        D->kw_df = 7;
        D->kw_p = 0.0008;
        D->icc1 = 0.08;
        D->icc2 = 0.7;
        D->msw = 300;
        D->tau2 = 10;
        D->grand = D->mean;
        D->deviation = d == 0 ? -8 : 4;
        D->dev_t = d == 0 ? -9 : 4;
        D->dev_df = 199;
        D->dev_p = d == 0 ? 1e-12 : 0.001;
        D->dev_q = d == 0 ? 2e-12 : 0.001;
        D->rank = (int)(ndims - d);
        D->weak = d == 0;
        D->nitems = 3;
        D->items = util_xcalloc(3, sizeof *D->items);
        for (size_t i = 0; i < 3; i++) {
            res_item_t *I = &D->items[i];
            I->name = util_fmt("%.2s%zu", codes[d], i + 1);
            I->label = util_xstrdup(z ? "本单位创建方案结合了本单位职能和行业特色，不照搬上级文件"
                                      : "The plan reflects the unit's own functions, 100% its own");
            I->n = 195;
            I->mean = 3.4;
            I->sd = 1;
            I->r_drop = 0.6;
            I->alpha_if_dropped = 0.75;
            I->reverse = i == 2;
            I->nchoices = 5;
            I->choice_labels = util_xcalloc(5, sizeof *I->choice_labels);
            I->counts = util_xcalloc(5, sizeof *I->counts);
            for (size_t c = 0; c < 5; c++) {
                I->choice_labels[c] = util_xstrdup(z ? agree_zh[c] : agree_en[c]);
                I->counts[c] = (double)(10 + 15 * c + 5 * i);
            }
        }
    }
}

/* build's eight units: U06 (SECRET_CODE) suppressed, U07 weak on the
 * first dimension, comments in U01 and U07 (one naming the secret unit). */
static void build_groups(res_t *r, size_t ndims)
{
    r->ngroups = 8;
    r->groups = util_xcalloc(8, sizeof *r->groups);
    for (size_t g = 0; g < 8; g++) {
        res_group_t *G = &r->groups[g];
        G->code = g == 5 ? util_xstrdup(SECRET_CODE) : util_fmt("U%02zu", g + 1);
        G->name = util_xstrdup(unit_names[g]);
        if (g == 5) {   /* suppressed: only code, name and the flag */
            G->suppressed = 1;
            G->n = 3;
            G->invited = NAN;
            G->response_rate = NAN;
            continue;
        }
        G->n = (long)(20 + 3 * g);
        G->invited = (double)G->n + 10;
        G->response_rate = (double)G->n / G->invited;
        G->rate_basis = RES_RATE_INVITED;
        G->cells = util_xcalloc(ndims, sizeof *G->cells);
        for (size_t d = 0; d < ndims; d++) {
            res_cell_t *C = &G->cells[d];
            C->n = (double)G->n;
            C->mean = r->dims[d].mean + (double)((int)g - 4) * 1.5;
            C->sd = 15;
            C->ci_low = C->mean - 6;
            C->ci_high = C->mean + 6;
            C->shrunk = C->mean;
            C->rwg_j = 0.9;
            C->diff = C->mean - r->dims[d].mean;
            C->t = -1;
            C->df = 30;
            C->p = 0.3;
            C->q = 0.5;
            C->funnel = RES_INSIDE;
        }
        if (g == 6) {   /* the weak cell */
            res_cell_t *C = &G->cells[0];
            C->mean = 38;
            C->diff = -17;
            C->t = -5.5;
            C->p = 1e-5;
            C->q = 8e-5;
            C->weak = 1;
            C->funnel = RES_BELOW_998;
        }
        if (g == 0 || g == 6) {
            G->ncomments = 2;
            G->comments = util_xcalloc(2, sizeof *G->comments);
            G->comments[0] = util_xstrdup("希望少开会 <script>alert('x')</script> & 多落实");
            G->comments[1] = util_xstrdup(g == 0 ? "# not a heading | *not bold*"
                                                 : "这条意见提到了" SECRET_NAME "，不应出现");
        }
    }
    r->nsuppressed = 1;
    r->respondents = 3;
    for (size_t g = 0; g < 8; g++)
        if (!r->groups[g].suppressed)
            r->respondents += r->groups[g].n;
    r->self_responses = 7;
}

/* build's self-assessment gaps (U07 overclaims, U02 underclaims) and the
 * changes since the compared wave (the first dimension and U07 declined). */
static void build_comparisons(res_t *r, size_t ndims)
{
    r->gaps = util_xcalloc(8 * ndims, sizeof *r->gaps);
    for (size_t g = 0; g < 8; g++) {
        if (g == 5)
            continue;
        for (size_t d = 0; d < ndims; d++) {
            res_gap_t *gp = &r->gaps[r->ngaps++];
            const res_cell_t *C = &r->groups[g].cells[d];
            gp->group = g;
            gp->dim = d;
            gp->staff = C->mean;
            gp->staff_ci_low = C->ci_low;
            gp->staff_ci_high = C->ci_high;
            gp->self = g == 6 ? 90 : g == 1 ? C->mean - 12 : C->mean + 2;
            gp->gap = gp->self - gp->staff;
            gp->flag = g == 6 ? RES_OVERCLAIM : g == 1 ? RES_UNDERCLAIM : RES_CONSISTENT;
        }
    }
    r->changes = util_xcalloc(ndims + 1, sizeof *r->changes);
    for (size_t d = 0; d < ndims; d++) {
        res_change_t *c = &r->changes[r->nchanges++];
        c->group = -1;
        c->dim = d;
        c->n0 = 190;
        c->mean0 = r->dims[d].mean + (d == 0 ? 6 : -1);
        c->n1 = 200;
        c->mean1 = r->dims[d].mean;
        c->diff = c->mean1 - c->mean0;
        c->t = d == 0 ? -3.5 : 0.5;
        c->df = 380;
        c->p = d == 0 ? 0.0005 : 0.6;
        c->q = d == 0 ? 0.001 : 0.6;
        c->flag = d == 0 ? RES_DECLINED : RES_STABLE;
    }
    res_change_t *c = &r->changes[r->nchanges++];
    *c = (res_change_t){6, 0, 25, 52, 26, 38, -14, -4.1, 45, 0.0002, 0.002, RES_DECLINED};
}

/* A results structure as an_run would fill it: every string on the heap,
 * so res_free releases it. */
static res_t *build(size_t ndims, const char *lang)
{
    int z = strcmp(lang, "zh") == 0;
    res_t *r = util_xcalloc(1, sizeof *r);
    r->form_id = util_xstrdup("staff-opinion");
    r->form_title = util_xstrdup(z ? "干部职工问卷" : "Staff survey");
    r->wave = util_xstrdup("2026");
    r->compare_wave = util_xstrdup("2025");
    r->lang = util_xstrdup(lang);
    r->group_by = util_xstrdup("unit");
    r->group_label = util_xstrdup(z ? "单位" : "unit");
    r->min_n = 5;
    r->min_diff = 5;
    r->fdr = 0.05;
    build_dims(r, ndims, z);
    build_groups(r, ndims);
    build_comparisons(r, ndims);
    /* findings are data, worded by the report; the last one is about the
     * suppressed group, which no output may show */
    r->nfindings = 5;
    r->findings = util_xcalloc(5, sizeof *r->findings);
    r->findings[0] = (res_finding_t){RES_F_WEAK_DIMENSION, -1, 0,
                                     {{"mean", 55}, {"deviation", -8}, {"t", -9}, {"q", 2e-12},
                                      {"rank", (double)ndims}}, 5};
    r->findings[1] = (res_finding_t){RES_F_WEAK_UNIT, 6, 0,
                                     {{"mean", 38}, {"n", 38}, {"diff", -17}, {"t", -5.5}, {"q", 8e-5}}, 5};
    r->findings[2] = (res_finding_t){RES_F_OVERCLAIM, 6, -1, {{"dimensions", (double)ndims}, {"gap", 52}}, 2};
    r->findings[3] = (res_finding_t){RES_F_LOW_RESPONSE, 2, -1, {{"n", 26}, {"rate", 0.42}, {"invited", 62}}, 3};
    r->findings[4] = (res_finding_t){RES_F_WEAK_UNIT, 5, 0,
                                     {{"mean", 20}, {"n", 3}, {"diff", -40}, {"t", -9}, {"q", 1e-4}}, 5};
    r->nwarnings = 2;
    r->warnings = util_xcalloc(2, sizeof *r->warnings);
    r->warnings[0] = (res_warning_t){RES_W_WELCH_GROUPVAR, 1, 0};
    r->warnings[1] = (res_warning_t){RES_W_DIFFERENCING, -1, 1};
    return r;
}

/* ---- files ---- */

static char *tmpdir(void)
{
    char *t = util_xstrdup("/tmp/gs-test-plot.XXXXXX");
    assert_non_null(mkdtemp(t));
    return t;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
    (void)st;
    (void)flag;
    (void)f;
    return remove(p);
}

static void rm_tree(const char *dir)
{
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static char *slurp(const char *path)
{
    err_t err = {0};
    char *data = NULL;
    size_t len;
    if (util_read_file(path, &data, &len, &err) != 0) {
        err_clear(&err);
        return NULL;
    }
    return data;
}

static int exists(const char *dir, const char *base, const char *ext)
{
    char *p = util_fmt("%s/%s.%s", dir, base, ext);
    struct stat st;
    int ok = stat(p, &st) == 0 && st.st_size > 0;
    free(p);
    return ok;
}

/* A real PNG: the signature, then an IHDR with a sensible size. */
static void check_png(const char *dir, const char *base)
{
    char *p = util_fmt("%s/%s.png", dir, base);
    FILE *f = fopen(p, "rb");
    assert_non_null(f);
    unsigned char h[24];
    assert_int_equal(fread(h, 1, 24, f), 24);
    fclose(f);
    assert_memory_equal(h, "\x89PNG\r\n\x1a\n", 8);
    assert_memory_equal(h + 12, "IHDR", 4);
    unsigned long w = (unsigned long)h[16] << 24 | h[17] << 16 | h[18] << 8 | h[19];
    unsigned long ht = (unsigned long)h[20] << 24 | h[21] << 16 | h[22] << 8 | h[23];
    assert_in_range(w, 300, 2000);
    assert_in_range(ht, 200, 6000);
    free(p);
}

/* No file under dir holds needle. */
static char *needle_g;
static int hit_g;
static int grep_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
    (void)f;
    if (flag != FTW_F || st->st_size == 0)
        return 0;
    char *data = slurp(p);
    /* binary files too: search all bytes */
    if (data && memmem(data, (size_t)st->st_size, needle_g, strlen(needle_g))) {
        print_error("'%s' found in %s\n", needle_g, p);
        hit_g = 1;
    }
    free(data);
    return 0;
}

static int found_in_tree(const char *dir, const char *needle)
{
    needle_g = (char *)needle;
    hit_g = 0;
    nftw(dir, grep_one, 16, FTW_PHYS);
    return hit_g;
}

static int has_plot(const plot_t *p, size_t n, const char *base)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(p[i].base, base) == 0)
            return 1;
    return 0;
}

/* ---- tests ---- */

/* What each test works on: the results, a scratch directory and the two
 * errors report_write fills.  fixture_close frees all of it and removes
 * the directory with everything written into it. */
typedef struct {
    res_t *r;
    char *dir;          /* heap */
    err_t err;          /* the call's own failure */
    err_t plot_err;     /* report_write: why the plots are missing */
} fixture_t;

static void fixture_open(fixture_t *fx, size_t ndims, const char *lang)
{
    *fx = (fixture_t){0};
    fx->r = build(ndims, lang);
    fx->dir = tmpdir();
}

static void fixture_close(fixture_t *fx)
{
    err_clear(&fx->err);
    err_clear(&fx->plot_err);
    res_free(fx->r);
    rm_tree(fx->dir);
    free(fx->dir);
}

/* Ends the test as skipped when e says gnuplot could not be started (not
 * installed here); anything else is for the test to check. */
static void skip_without_gnuplot(fixture_t *fx, const err_t *e)
{
    if (!e->msg || !strstr(e->msg, "could not be started"))
        return;
    print_message("gnuplot is not installed: %s\n", e->msg);
    fixture_close(fx);
    skip();
}

/* The file NAME under dir, NUL-terminated on the heap; NULL if unreadable. */
static char *read_in(const char *dir, const char *name)
{
    char *p = util_fmt("%s/%s", dir, name), *data = slurp(p);
    free(p);
    return data;
}

static void test_plot_all(void **state)
{
    (void)state;
    fixture_t fx;
    fixture_open(&fx, 2, "zh");
    plot_t *plots = NULL;
    size_t n = 0;
    int rc = plot_all(fx.r, fx.dir, &plots, &n, &fx.err);
    if (rc != 0)
        skip_without_gnuplot(&fx, &fx.err);
    if (rc != 0)
        print_error("%s\n", fx.err.msg);
    assert_int_equal(rc, 0);
    static const char *const want[] = {"heatmap",         "means",         "funnel-planning",
                                       "funnel-clean",    "likert-planning", "likert-clean",
                                       "dumbbell-planning", "dumbbell-clean", "change",
                                       "response"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        assert_true(has_plot(plots, n, want[i]));
        assert_true(exists(fx.dir, want[i], "gp"));
        assert_true(exists(fx.dir, want[i], "dat"));
        assert_true(exists(fx.dir, want[i], "svg"));
        check_png(fx.dir, want[i]);
    }
    assert_int_equal(n, sizeof want / sizeof want[0]);   /* two dimensions: no radar */
    for (size_t i = 0; i < n; i++)
        assert_true(plots[i].title && *plots[i].title);
    /* a script re-draws by relative paths and names its CJK font */
    char *gp = read_in(fx.dir, "heatmap.gp");
    assert_non_null(gp);
    assert_non_null(strstr(gp, "'heatmap.dat'"));
    assert_non_null(strstr(gp, "set output 'heatmap.png'"));
    assert_non_null(strstr(gp, "set output 'heatmap.svg'"));
    assert_non_null(strstr(gp, "Noto Sans CJK SC"));
    assert_null(strstr(gp, fx.dir));
    /* the awkward name: quote doubled in the script, % doubled in a tic label */
    assert_non_null(strstr(gp, "O''Brien \"50%%\""));
    free(gp);
    char *dat = read_in(fx.dir, "heatmap.dat");
    assert_non_null(strstr(dat, "\"U03 O'Brien '50%' 局"));
    free(dat);
    assert_false(found_in_tree(fx.dir, SECRET_NAME));
    assert_false(found_in_tree(fx.dir, SECRET_CODE));
    plot_list_free(plots, n);
    fixture_close(&fx);
}

static void test_radar_for_flagged_unit(void **state)
{
    (void)state;
    fixture_t fx;
    fixture_open(&fx, 3, "en");
    plot_t *plots = NULL;
    size_t n = 0;
    int rc = plot_all(fx.r, fx.dir, &plots, &n, &fx.err);
    if (rc != 0)
        skip_without_gnuplot(&fx, &fx.err);
    assert_int_equal(rc, 0);
    assert_true(has_plot(plots, n, "radar-U07"));   /* the one unit with a weak cell */
    size_t radars = 0;
    for (size_t i = 0; i < n; i++)
        radars += plots[i].kind == PLOT_RADAR;
    assert_int_equal(radars, 1);
    check_png(fx.dir, "radar-U07");
    plot_list_free(plots, n);
    fixture_close(&fx);
}

static void test_report_escapes_and_hides(void **state)
{
    (void)state;
    fixture_t fx;
    fixture_open(&fx, 2, "zh");
    assert_int_equal(report_write(fx.r, fx.dir, 0, &fx.plot_err, &fx.err), 0);
    assert_null(fx.plot_err.msg);
    char *html = read_in(fx.dir, "report.html");
    assert_non_null(html);
    assert_null(strstr(html, "<script"));
    assert_non_null(strstr(html, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; 多落实"));
    /* a finding worded in the report's language, names escaped */
    assert_non_null(strstr(html, "<li>O&#39;Brien &quot;50%&quot; 局 {x}_^@`echo`（U03）回收率偏低：发放邀请码62个，收回26份（42%），结果的代表性有限。"));
    /* the self-vs-staff gaps are a table of the findings: a row per pair */
    assert_non_null(strstr(html, "<tr><td>U07 市水利局</td>"));
    assert_non_null(strstr(html, "<td class=\"n weak\">▲ 高估</td>"));
    /* a warning of the analysis, a sentence of its own in the report */
    assert_non_null(strstr(html, "<li>“廉洁型”维度无法进行Welch方差分析（某组得分少于两个或没有变异）。</li>"));
    assert_non_null(strstr(html, "一、总体情况"));
    assert_non_null(strstr(html, "二、主要发现"));
    assert_non_null(strstr(html, "附录一：方法说明"));
    assert_non_null(strstr(html, "@page"));
    assert_null(strstr(html, "http://"));   /* nothing fetched */
    assert_null(strstr(html, "https://"));
    free(html);
    char *md = read_in(fx.dir, "report.md");
    assert_non_null(md);
    assert_null(strstr(md, "<script"));
    assert_non_null(strstr(md, "&lt;script&gt;alert('x')&lt;/script&gt; &amp; 多落实"));
    assert_non_null(strstr(md, "\\# not a heading \\| \\*not bold\\*"));
    free(md);
    /* the suppressed unit: not in the report, the tables, a finding or a
     * comment that names it */
    assert_false(found_in_tree(fx.dir, SECRET_NAME));
    assert_false(found_in_tree(fx.dir, SECRET_CODE));
    char *csv = read_in(fx.dir, "groups.csv");
    assert_non_null(csv);
    assert_memory_equal(csv, "\xef\xbb\xbf", 3);
    free(csv);
    fixture_close(&fx);
}

static void test_report_english_with_plots(void **state)
{
    (void)state;
    fixture_t fx;
    fixture_open(&fx, 2, "en");
    assert_int_equal(report_write(fx.r, fx.dir, 1, &fx.plot_err, &fx.err), 0);
    skip_without_gnuplot(&fx, &fx.plot_err);
    assert_null(fx.plot_err.msg);
    char *html = read_in(fx.dir, "report.html");
    assert_non_null(strstr(html, "1 Overview"));
    assert_non_null(strstr(html, "Appendix A. Methods"));
    assert_non_null(strstr(html, "Benjamini-Hochberg"));
    assert_non_null(strstr(html, "Spiegelhalter"));
    /* pictures inline, with ids made unique per picture */
    assert_non_null(strstr(html, "<svg"));
    assert_null(strstr(html, "<?xml"));
    assert_null(strstr(html, "id=\"gnuplot_canvas\""));
    assert_non_null(strstr(html, "id=\"f1-gnuplot_canvas\""));
    assert_non_null(strstr(html, "id=\"f2-gnuplot_canvas\""));
    free(html);
    char *md = read_in(fx.dir, "report.md");
    assert_non_null(strstr(md, "](plots/heatmap.png)"));
    free(md);
    assert_false(found_in_tree(fx.dir, SECRET_NAME));
    fixture_close(&fx);
}

static void test_gnuplot_missing(void **state)
{
    (void)state;
    fixture_t fx;
    fixture_open(&fx, 2, "zh");
    setenv("GAPSURVEY_GNUPLOT", "/nonexistent/gnuplot", 1);
    plot_t *plots = NULL;
    size_t n = 0;
    char *pdir = util_fmt("%s/p", fx.dir);
    assert_int_equal(plot_all(fx.r, pdir, &plots, &n, &fx.err), -1);
    assert_non_null(fx.err.msg);
    assert_non_null(strstr(fx.err.msg, "gnuplot-nox"));
    assert_int_equal(n, 0);
    assert_true(exists(pdir, "heatmap", "gp"));   /* the scripts are there to run later */
    assert_true(exists(pdir, "heatmap", "dat"));
    plot_list_free(plots, n);
    err_clear(&fx.err);
    assert_int_equal(report_write(fx.r, fx.dir, 1, &fx.plot_err, &fx.err), 0);
    assert_non_null(fx.plot_err.msg);
    assert_non_null(strstr(fx.plot_err.msg, "gnuplot-nox"));
    char *html = read_in(fx.dir, "report.html");
    assert_non_null(strstr(html, "本报告未包含图表"));
    assert_non_null(strstr(html, "gnuplot-nox"));
    assert_null(strstr(html, "<svg"));
    free(html);
    unsetenv("GAPSURVEY_GNUPLOT");
    free(pdir);
    fixture_close(&fx);
}

TEST_MAIN(
    cmocka_unit_test(test_plot_all),
    cmocka_unit_test(test_radar_for_flagged_unit),
    cmocka_unit_test(test_report_escapes_and_hides),
    cmocka_unit_test(test_report_english_with_plots),
    cmocka_unit_test(test_gnuplot_missing))
