/*
 * plot: writes the figures of the report as gnuplot scripts with their data
 * and runs gnuplot on them (see plot.h).
 *
 * Why gnuplot as a program and not a plotting library: the researcher gets
 * the script and the numbers beside every picture and can change a colour
 * or a title and re-draw it, without gapsurvey.  Each NAME.gp starts with
 * `reset session`, reads NAME.dat by a relative path and writes NAME.png
 * (pngcairo) and NAME.svg itself, so `gnuplot NAME.gp` in the plot
 * directory reproduces both pictures exactly.
 *
 * Text from answers (unit names, choice labels) is never interpreted by
 * gnuplot: in scripts it is a single-quoted string (gnuplot does no
 * backquote, macro or backslash processing there; a quote is doubled), in
 * data files a double-quoted field with any double quote turned into a
 * single one; control characters become spaces.  Terminals are
 * `noenhanced`, so ^ _ { } @ in names print as themselves.  gnuplot is
 * started with fork/exec, never through a shell.
 *
 * Colours survive greyscale printing: the heatmap uses viridis (luminance
 * rises monotonically with the score), weak cells carry a symbol and a
 * frame, and everywhere else the meaning of a colour is repeated by the
 * point shape (filled/open, up/down) or by a text label.
 */
#include "analysis/report/plot.h"
#include "analysis/report/render.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "analysis/stats.h"
#include "base/fs.h"
#include "base/i18n.h"
#include "base/util.h"

#define FONT "Noto Sans CJK SC"
/* Colours: dark enough to differ from the light greys in greyscale. */
#define C_LOW "#b2182b"    /* weak, below, declined, overclaim */
#define C_HIGH "#2166ac"   /* above, improved */
#define C_INK "#333333"
#define C_MUTED "#8c8c8c"

typedef struct {
    const res_t *r;
    const char *dir;
    int zh;
    int unit_groups;        /* groups are units (codes worth showing) */
    size_t *shown;          /* indexes of groups that are not suppressed */
    size_t nshown;
    plot_t *plots;          /* drawn so far */
    size_t n, cap;
    err_t first_err;        /* first gnuplot failure, kept while others go on */
    int no_gnuplot;         /* the program could not be started: stop trying */
} pctx_t;

/* A plot being written: its script body and its data. */
typedef struct {
    util_buf_t gp, dat;
    int width, height;
    /* the print picture's title: the Word document's caption under the
     * figure names it already, so only a line the caption does not say
     * (the likert plot's reading hint); NULL: no title.  Static text. */
    const char *print_title;
} pfile_t;

/* ---- text and numbers ---- */

/* A finite number with `prec` decimals, else NaN (which gnuplot skips). */
static const char *num(char buf[40], double x, int prec)
{
    if (!isfinite(x))
        return "NaN";
    snprintf(buf, 40, "%.*f", prec, x);
    for (char *p = buf; *p; p++)   /* a locale with decimal commas must not leak into data */
        if (*p == ',')
            *p = '.';
    return buf;
}

/* A p or q value with four significant digits, else NaN. */
static const char *numg(char buf[40], double x)
{
    if (!isfinite(x))
        return "NaN";
    snprintf(buf, 40, "%.4g", x);
    for (char *p = buf; *p; p++)
        if (*p == ',')
            *p = '.';
    return buf;
}

/* Appends s as a single-quoted gnuplot string.  Tic labels are format
 * strings to gnuplot (it fills in the tic value), so there `%` is doubled. */
static void gp_str(util_buf_t *b, const char *s, int tic)
{
    util_buf_addc(b, '\'');
    for (const char *p = s ? s : ""; *p; p++) {
        if (*p == '\'')
            util_buf_adds(b, "''");
        else if (*p == '%' && tic)
            util_buf_adds(b, "%%");
        else if ((unsigned char)*p < 0x20 || *p == 0x7f)
            util_buf_addc(b, ' ');
        else
            util_buf_addc(b, *p);
    }
    util_buf_addc(b, '\'');
}

static void gp_q(util_buf_t *b, const char *s)
{
    gp_str(b, s, 0);
}

static void gp_tic(util_buf_t *b, const char *s)
{
    gp_str(b, s, 1);
}

/* Punctuation that must not start a line (Chinese line-breaking rules). */
static int closing_punct(unsigned cp)
{
    static const unsigned list[] = {',', '.', ';', ':', '!', '?', ')', 0xFF0C, 0x3002, 0x3001, 0xFF1B,
                                    0xFF1A, 0xFF1F, 0xFF01, 0xFF09, 0x201D, 0x2019, 0x300D, 0x300F,
                                    0x3011, 0x300B};
    for (size_t i = 0; i < sizeof list / sizeof list[0]; i++)
        if (cp == list[i])
            return 1;
    return 0;
}

/* Appends s wrapped onto at most `lines` lines of `cols` columns, as a
 * gnuplot tic label expression ('line 1'."\n".'line 2'). */
static void gp_wrapped(util_buf_t *b, const char *s, size_t cols, int lines)
{
    size_t n = strlen(s), i = 0;
    for (int ln = 0; ln < lines && i < n; ln++) {
        if (ln > 0)
            util_buf_adds(b, ".\"\\n\".");
        if (ln == lines - 1 || util_utf8_width(s + i) <= cols) {
            char *c = util_utf8_cut(s + i, cols);
            gp_tic(b, c);
            free(c);
            return;
        }
        size_t w = 0, j = i, last_space = 0;
        while (j < n) {
            unsigned cp;
            int k = util_utf8_decode(s + j, n - j, &cp);
            int cw = util_cp_width(cp);
            if (w + (size_t)cw > cols)
                break;
            if (cp == ' ')
                last_space = j;
            w += (size_t)cw;
            j += (size_t)k;
        }
        /* break Latin text at a space; CJK text anywhere, except that
         * closing punctuation never starts a line */
        if (last_space > i && j < n && s[j] != ' ' && (j - last_space) < 16)
            j = last_space;
        while (j < n) {
            unsigned cp;
            int k = util_utf8_decode(s + j, n - j, &cp);
            if (!closing_punct(cp))
                break;
            j += (size_t)k;
        }
        char *part = util_xstrndup(s + i, j - i);
        gp_tic(b, part);
        free(part);
        i = j;
        while (i < n && s[i] == ' ')
            i++;
    }
}

/* Appends s as a double-quoted field of a gnuplot data file. */
static void dat_q(util_buf_t *b, const char *s)
{
    util_buf_addc(b, '"');
    for (const char *p = s ? s : ""; *p; p++) {
        if (*p == '"')
            util_buf_addc(b, '\'');
        else if ((unsigned char)*p < 0x20 || *p == 0x7f)
            util_buf_addc(b, ' ');
        else
            util_buf_addc(b, *p);
    }
    util_buf_addc(b, '"');
}

/* How a group is named in a picture: units by code and name (codes are how
 * researchers look units up), other groupings by their choice label. */
static char *group_label(const pctx_t *c, const res_group_t *g, size_t cols)
{
    const char *name = g->name && *g->name ? g->name : g->code;
    char *full = c->unit_groups && g->code && strcmp(g->code, name) != 0
                     ? util_fmt("%s %s", g->code, name)
                     : util_xstrdup(name);
    char *out = util_utf8_cut(full, cols);
    free(full);
    return out;
}

static const char *dim_label(const res_dim_t *d)
{
    return d->label && *d->label ? d->label : d->code;
}

/* A file name part from a code: kept when it is plain ASCII, else the
 * index, so no user text can make a path. */
static char *safe_base(const char *prefix, const char *code, size_t idx)
{
    int ok = code && *code && strlen(code) <= 40;
    for (const char *p = code; ok && *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '-'))
            ok = 0;
    return ok ? util_fmt("%s-%s", prefix, code) : util_fmt("%s-%zu", prefix, idx + 1);
}

/* ---- files and gnuplot ---- */

const char *plot_gnuplot(void)
{
    const char *g = getenv("GAPSURVEY_GNUPLOT");
    return g && *g ? g : "gnuplot";
}

/* A plot that is no longer drawn (a unit now suppressed, say) must not
 * stay behind from an earlier run. */
int plot_clear(const char *dir, err_t *err)
{
    static const char *const ext[] = {".gp", ".dat", ".png", ".svg"};
    DIR *dp = opendir(dir);
    if (!dp) {
        if (errno == ENOENT)
            return 0;
        err_set(err, ERR_IO, _("%s: cannot read directory: %s"), dir, strerror(errno));
        return -1;
    }
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(dp)) != NULL) {
        size_t n = strlen(e->d_name);
        for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
            size_t k = strlen(ext[i]);
            if (n > k && strcmp(e->d_name + n - k, ext[i]) == 0) {
                char *p = util_fmt("%s/%s", dir, e->d_name);
                if (unlink(p) != 0 && errno != ENOENT) {
                    err_set(err, ERR_IO, _("%s: cannot remove the old plot: %s"), p,
                            strerror(errno));
                    rc = -1;
                }
                free(p);
                break;
            }
        }
    }
    closedir(dp);
    return rc;
}

/* Whole or not at all: a researcher re-running one script by hand after an
 * interrupted run must not draw from half a data file. */
static int write_file(const char *dir, const char *name, const char *text, size_t len,
                      err_t *err)
{
    char *path = util_fmt("%s/%s", dir, name);
    int rc = fs_write_atomic(path, text, len, err);
    free(path);
    return rc;
}

/* Runs `gnuplot script` in dir.  Returns 0, or -1 with err holding
 * gnuplot's own message, ERR_NOTFOUND when the program cannot be started
 * at all. */
static int run_gnuplot(const char *dir, const char *script, err_t *err)
{
    const char *prog = plot_gnuplot();
    int pfd[2];
    if (pipe(pfd) != 0) {
        err_set(err, ERR_IO, _("cannot run gnuplot: %s"), strerror(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        close(pfd[0]);
        close(pfd[1]);
        err_set(err, ERR_IO, _("cannot run gnuplot: %s"), strerror(errno));
        return -1;
    }
    if (pid == 0) {
        int nul = open("/dev/null", O_RDWR);
        if (nul >= 0) {
            dup2(nul, 0);
            dup2(nul, 1);
        }
        dup2(pfd[1], 2);
        close(pfd[0]);
        if (chdir(dir) != 0)
            _exit(126);
        char *argv[] = {(char *)prog, (char *)script, NULL};
        execvp(prog, argv);
        _exit(127);
    }
    close(pfd[1]);
    util_buf_t out = {0};
    char buf[4096];
    ssize_t k;
    while ((k = read(pfd[0], buf, sizeof buf)) != 0) {
        if (k < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (out.len < 4000)
            util_buf_add(&out, buf, (size_t)k);
    }
    close(pfd[0]);
    int st = 0, rc = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(st) && WEXITSTATUS(st) == 127) {
        err_set(err, ERR_NOTFOUND, _("gnuplot could not be started ('%s' not found); install "
                                     "the package gnuplot-nox (apt-get install gnuplot-nox) or "
                                     "set GAPSURVEY_GNUPLOT"), prog);
        rc = -1;
    } else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        char *msg = out.s ? util_trim(out.s) : NULL;
        err_set(err, ERR_FAIL, _("gnuplot failed on %s/%s%s%s (a working gnuplot comes with the "
                                 "package gnuplot-nox)"), dir, script, msg && *msg ? ": " : "",
                msg && *msg ? msg : "");
        rc = -1;
    }
    util_buf_free(&out);
    return rc;
}

static int file_nonempty(const char *dir, const char *name)
{
    char *path = util_fmt("%s/%s", dir, name);
    struct stat st;
    int ok = stat(path, &st) == 0 && st.st_size > 0;
    free(path);
    return ok;
}

/* Writes base.gp and base.dat, runs gnuplot and records the plot.  The
 * script gets a header saying how to re-draw it, and the terminal switch
 * from PNG to SVG at the end.  The SVG canvas is three quarters of the
 * PNG's: pngcairo turns font points into pixels at 96 dpi, the SVG
 * terminal takes them as pixels, so this keeps text and layout in the same
 * proportion in both (the SVG scales to any width anyway).  Returns -1
 * only when the files cannot be written; gnuplot failures are kept in
 * c->first_err. */
static int emit(pctx_t *c, pfile_t *pf, plot_kind_t kind, const char *base, const char *title,
                long dim, long group, err_t *err)
{
    util_buf_t s = {0};
    int rc = -1;
    char *gpname = util_fmt("%s.gp", base), *datname = util_fmt("%s.dat", base);
    err_t gerr = {0};
    char *ctitle = util_utf8_cut(title, 200);
    util_buf_addf(&s, "# gapsurvey: ");
    for (const char *p = ctitle; *p; p++)
        util_buf_addc(&s, (unsigned char)*p < 0x20 ? ' ' : *p);
    util_buf_addf(&s, "\n# Re-draw with `gnuplot %s` in this directory: it reads %s and writes\n"
                      "# %s.png, %s.svg and %s.print.png (for print).\n",
                  gpname, datname, base, base, base);
    util_buf_addf(&s, "reset session\nset encoding utf8\n"
                      "set terminal pngcairo noenhanced size %d,%d font \"" FONT ",10\"\n"
                      "set output '%s.png'\n",
                  pf->width, pf->height, base);
    util_buf_add(&s, pf->gp.s ? pf->gp.s : "", pf->gp.len);
    util_buf_addf(&s, "set terminal svg noenhanced size %d,%d font \"" FONT ",10\" "
                      "background '#ffffff'\nset output '%s.svg'\nreplot\n",
                  pf->width * 3 / 4, pf->height * 3 / 4, base);
    /* the same picture for print (the Word document): every length times
     * the scale, so a figure set at 128 pixels an inch of the PNG above
     * prints at 320 dpi */
    double ps = fmin(PLOT_PRINT_SCALE, 32000.0 / (double)(pf->width > pf->height ? pf->width : pf->height));
    if (pf->print_title) {
        util_buf_adds(&s, "set title ");
        gp_q(&s, pf->print_title);
        util_buf_adds(&s, " font \",11\"\n");
    } else {
        util_buf_adds(&s, "unset title\n");
    }
    util_buf_addf(&s, "set terminal pngcairo noenhanced size %d,%d font \"" FONT ",10\" fontscale %.3f "
                      "linewidth %.3f pointscale %.3f\nset output '%s.print.png'\nreplot\nunset output\n",
                  (int)(pf->width * ps), (int)(pf->height * ps), ps, ps, ps, base);
    if (write_file(c->dir, datname, pf->dat.s ? pf->dat.s : "", pf->dat.len, err) != 0 ||
        write_file(c->dir, gpname, s.s, s.len, err) != 0)
        goto cleanup;
    rc = 0;
    if (c->no_gnuplot)
        goto cleanup;
    int g = run_gnuplot(c->dir, gpname, &gerr);
    if (gerr.code == ERR_NOTFOUND)
        c->no_gnuplot = 1;
    if (g == 0) {
        char *png = util_fmt("%s.png", base), *svg = util_fmt("%s.svg", base);
        char *print = util_fmt("%s.print.png", base);
        int ok = file_nonempty(c->dir, png) && file_nonempty(c->dir, svg) && file_nonempty(c->dir, print);
        free(png);
        free(svg);
        free(print);
        if (!ok)
            err_set(&gerr, ERR_FAIL, _("gnuplot wrote no picture for %s/%s"), c->dir, gpname);
    }
    if (gerr.code != ERR_OK) {
        err_move(&c->first_err, &gerr);   /* a later failure is dropped */
        goto cleanup;
    }
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 16;
        c->plots = util_xrealloc(c->plots, c->cap * sizeof *c->plots);
    }
    c->plots[c->n++] = (plot_t){kind, util_xstrdup(base), util_xstrdup(title), dim, group};
cleanup:
    free(ctitle);
    err_clear(&gerr);
    free(gpname);
    free(datname);
    util_buf_free(&s);
    return rc;
}

static void pf_free(pfile_t *pf)
{
    util_buf_free(&pf->gp);
    util_buf_free(&pf->dat);
    memset(pf, 0, sizeof *pf);
}

/* Common look: light grid, thin border, title. */
static void gp_head(util_buf_t *b, const char *title)
{
    util_buf_adds(b, "set title ");
    gp_q(b, title);
    util_buf_adds(b, " font \"," "12\"\n"
                     "set border lw 0.8 lc rgb '#555555'\n"
                     "set style textbox opaque noborder\n");
}

/* Adds `set ytics (...)` for row labels at 0..n-1 (row 0 at the top). */
static void gp_ytics_begin(util_buf_t *b)
{
    util_buf_adds(b, "set ytics scale 0 (\\\n");
}
static void gp_ytic(util_buf_t *b, const char *label, size_t row, int last)
{
    util_buf_adds(b, "  ");
    gp_tic(b, label);
    util_buf_addf(b, " %zu%s\n", row, last ? ")" : ", \\");
}

/* The legend in its own strip below the x axis label.  gnuplot's
 * `outside bottom` key reserves too little room once labels are CJK and
 * collides with the axis label in the SVG, so the margin and the place are
 * set here.  PNG and SVG measure text differently, so a key that fits one
 * row in the PNG may take two in the SVG: the margin has room for `rows`, and for
 * the x tics and label when the plot has an x axis. */
static void gp_key_below(util_buf_t *b, const pfile_t *pf, int rows, int x_axis)
{
    util_buf_addf(b, "set bmargin %.1f\nset key at screen 0.5, screen %.5f center bottom horizontal "
                     "maxrows %d samplen 2.5 spacing 1.15\n",
                  (x_axis ? 3.4 : 0.6) + 1.25 * rows, 6.0 / pf->height, rows);
}

/* The head of the row plots of gaps and changes: one row per pair from the
 * top down, the score on x, the legend below; the ytics follow. */
static void gp_rows_head(util_buf_t *s, const pfile_t *pf, const char *title, double xlo,
                         double xhi, size_t n, const char *xlabel)
{
    char a[40];
    gp_head(s, title);
    util_buf_addf(s, "set xrange [%s:", num(a, xlo, 0));
    util_buf_addf(s, "%s]\nset yrange [%zu.6:-0.6]\n", num(a, xhi, 0), n - 1);
    util_buf_adds(s, "set grid xtics lc rgb '#e5e5e5'\nset xtics nomirror\nset xlabel ");
    gp_q(s, xlabel);
    util_buf_adds(s, "\n");
    gp_key_below(s, pf, 2, 1);
    gp_ytics_begin(s);
}

static int shown_group(const res_t *r, size_t g)
{
    return g < r->ngroups && !r->groups[g].suppressed && r->groups[g].cells;
}

typedef struct {
    size_t g, nweak;
    double shortfall;   /* sum of the differences of the weak cells (<= 0) */
    double diff;        /* mean difference from all other respondents over the dimensions */
} notable_t;

static int cmp_notable(const void *a, const void *b)
{
    const notable_t *x = a, *y = b;
    if (x->shortfall != y->shortfall)
        return x->shortfall < y->shortfall ? -1 : 1;
    if (x->diff != y->diff)
        return x->diff < y->diff ? -1 : 1;
    return x->g < y->g ? -1 : x->g > y->g;
}

size_t plot_notable(const res_t *r, size_t *out, size_t max, size_t *nflagged)
{
    notable_t *v = util_xcalloc(r->ngroups + 1, sizeof *v);
    size_t n = 0, nf = 0;
    for (size_t i = 0; i < r->ngroups; i++) {
        if (!shown_group(r, i))
            continue;
        notable_t *e = &v[n++];
        double sum = 0;
        size_t k = 0;
        e->g = i;
        for (size_t j = 0; j < r->ndims; j++) {
            const res_cell_t *cell = &r->groups[i].cells[j];
            e->nweak += cell->weak != 0;
            if (cell->weak && isfinite(cell->diff))
                e->shortfall += cell->diff;
            if (isfinite(cell->diff)) {
                sum += cell->diff;
                k++;
            }
        }
        e->diff = k ? sum / (double)k : 0;
        nf += e->nweak > 0;
    }
    qsort(v, n, sizeof *v, cmp_notable);
    size_t m = n < max ? n : max;
    for (size_t i = 0; i < m; i++)
        out[i] = v[i].g;
    free(v);
    if (nflagged)
        *nflagged = nf;
    return m;
}

/* ---- the plots ---- */

static double clampd(double x, double lo, double hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

/* "TITLE (the N of M with the largest shortfalls)": the title of a plot
 * that shows the most notable n of the m shown groups. */
static char *title_of_selection(const pctx_t *c, const char *title, size_t n, size_t m)
{
    return util_fmt(c->unit_groups ? TR(c->zh, "%s (the %zu of %zu units with the largest shortfalls)")
                                   : TR(c->zh, "%s (the %zu of %zu groups with the largest shortfalls)"),
                    title, n, m);
}

/* The heatmap's colour range, rounded out to fives and at least 10 wide,
 * and the widest row label.  Returns 0 when no cell has a mean. */
static int heatmap_range(const pctx_t *c, const size_t *rows, size_t nrows, double *lo, double *hi,
                         size_t *maxw)
{
    const res_t *r = c->r;
    *lo = INFINITY;
    *hi = -INFINITY;
    *maxw = 8;
    for (size_t k = 0; k < nrows; k++) {
        const res_group_t *g = &r->groups[rows[k]];
        for (size_t d = 0; d < r->ndims; d++)
            if (isfinite(g->cells[d].mean)) {
                *lo = fmin(*lo, g->cells[d].mean);
                *hi = fmax(*hi, g->cells[d].mean);
            }
        char *lab = group_label(c, g, 30);
        if (util_utf8_width(lab) > *maxw)
            *maxw = util_utf8_width(lab);
        free(lab);
    }
    if (!isfinite(*lo))
        return 0;
    *lo = clampd(floor(*lo / 5) * 5, 0, 100);
    *hi = clampd(ceil(*hi / 5) * 5, 0, 100);
    if (*hi - *lo < 10) {
        *lo = clampd(*lo - 5, 0, 100);
        *hi = clampd(*lo + 10, 0, 100);
    }
    return 1;
}

static void heatmap_dat(const pctx_t *c, util_buf_t *d, const size_t *rows, size_t nrows, double lo,
                        double hi)
{
    const res_t *r = c->r;
    char a[40], b2[40];
    util_buf_adds(d, "# heatmap: one row per shown group x dimension\n"
                     "# dim_index row mean weak n cell_text text_rgb group dimension\n");
    for (size_t k = 0; k < nrows; k++) {
        const res_group_t *g = &r->groups[rows[k]];
        char *lab = group_label(c, g, 30);
        for (size_t j = 0; j < r->ndims; j++) {
            const res_cell_t *cell = &g->cells[j];
            if (!isfinite(cell->mean))
                continue;
            char *txt = util_fmt("%s%s", num(a, cell->mean, 1), cell->weak ? " \xe2\x96\xbc" : "");
            double t = (cell->mean - lo) / (hi - lo);
            /* viridis is dark below ~0.6: white text there, black above */
            util_buf_addf(d, "%zu %zu %s %d %s ", j, k, num(a, cell->mean, 2), cell->weak,
                          num(b2, cell->n, 0));
            dat_q(d, txt);
            util_buf_addf(d, " %d ", t < 0.6 ? 0xffffff : 0x000000);
            dat_q(d, lab);
            util_buf_addc(d, ' ');
            dat_q(d, r->dims[j].code);
            util_buf_addc(d, '\n');
            free(txt);
        }
        free(lab);
    }
}

static void heatmap_gp(const pctx_t *c, const pfile_t *pf, util_buf_t *s, const size_t *rows, size_t nrows,
                       double lo, double hi, const char *title)
{
    const res_t *r = c->r;
    char a[40], b2[40];
    gp_head(s, title);
    util_buf_addf(s, "unset key\nset xrange [-0.5:%zu.5]\nset yrange [%zu.5:-0.5]\nset link x2\n",
                  r->ndims - 1, nrows - 1);
    /* margins in pixels, so a tall map keeps a normal-sized colour bar and
     * footnote whatever the number of rows */
    double W = pf->width, H = pf->height, barh = fmin(300, H - 170);
    util_buf_addf(s, "set tmargin at screen %.5f\nset bmargin at screen %.5f\n"
                     "set rmargin at screen %.5f\n"
                     "set colorbox user origin screen %.5f, screen %.5f size screen %.5f, screen %.5f\n",
                  (H - 80) / H, 75 / H, (W - 110) / W, (W - 95) / W, (H - 80 - barh) / H, 18 / W,
                  barh / H);
    for (int axis = 0; axis < 2; axis++) {
        util_buf_adds(s, axis ? "set x2tics scale 0 (" : "set xtics scale 0 (");
        for (size_t j = 0; j < r->ndims; j++) {
            if (j)
                util_buf_adds(s, ", ");
            gp_tic(s, dim_label(&r->dims[j]));
            util_buf_addf(s, " %zu", j);
        }
        util_buf_adds(s, ")\n");
    }
    gp_ytics_begin(s);
    for (size_t k = 0; k < nrows; k++) {
        char *lab = group_label(c, &r->groups[rows[k]], 30);
        gp_ytic(s, lab, k, k + 1 == nrows);
        free(lab);
    }
    util_buf_addf(s, "set cbrange [%s:%s]\n", num(a, lo, 0), num(b2, hi, 0));
    util_buf_adds(s, "# viridis: luminance rises with the score, so it reads in greyscale too\n"
                     "set palette defined (0 '#440154', 0.25 '#3b528b', 0.5 '#21918c', "
                     "0.75 '#5ec962', 1 '#fde725')\n"
                     "set cblabel ");
    gp_q(s, TR(c->zh, "mean score (0-100)"));
    util_buf_adds(s, " offset 1.5,0\nset label 1 ");
    gp_q(s, TR(c->zh, "▼ and frame: weak (significantly below all other respondents, BH-adjusted)"));
    util_buf_addf(s, " at screen 0.01, screen %.5f left font \",9\"\n", 18 / H);
    util_buf_addf(s, "plot '%s.dat' using 1:2:(0.5):(0.5):3 with boxxyerror "
                     "fs solid 1.0 border lc rgb '#ffffff' fc palette, \\\n"
                     "  '' using 1:2:6:7 with labels tc rgb variable font \",9\", \\\n"
                     "  '' using ($4 > 0 ? $1 : NaN):2:(0.44):(0.44) with boxxyerror "
                     "fs empty border lc rgb '#000000' lw 2.5 lc rgb '#000000'\n",
                  "heatmap");
}

/* Groups x dimensions.  Above PLOT_ROWS_MAX groups only the most notable
 * (plot_notable) are shown, the largest shortfall first, and the title says so;
 * every group is in the report's table and groups.csv. */
static int plot_heatmap(pctx_t *c, err_t *err)
{
    const res_t *r = c->r;
    if (!c->nshown || !r->ndims)
        return 0;
    const size_t *rows = c->shown;
    size_t nrows = c->nshown;
    size_t *sel = NULL;
    if (nrows > PLOT_ROWS_MAX) {
        sel = util_xcalloc(PLOT_ROWS_MAX, sizeof *sel);
        nrows = plot_notable(r, sel, PLOT_ROWS_MAX, NULL);
        rows = sel;
    }
    pfile_t pf = {0};
    double lo, hi;
    size_t maxw;
    if (!heatmap_range(c, rows, nrows, &lo, &hi, &maxw)) {
        free(sel);
        return 0;
    }
    pf.width = (int)(140 + maxw * 7 + r->ndims * 80);
    if (pf.width < 640)
        pf.width = 640;
    pf.height = (int)(150 + nrows * 19);
    if (pf.height < 360)
        pf.height = 360;
    heatmap_dat(c, &pf.dat, rows, nrows, lo, hi);
    char *title0 = c->unit_groups ? util_xstrdup(TR(c->zh, "Mean score by unit and dimension"))
                   : util_fmt(TR(c->zh, "Mean score by \"%s\" and dimension"),
                              r->group_label ? r->group_label : r->group_by);
    char *title = sel ? title_of_selection(c, title0, nrows, c->nshown) : util_xstrdup(title0);
    free(title0);
    heatmap_gp(c, &pf, &pf.gp, rows, nrows, lo, hi, title);
    int rc = emit(c, &pf, PLOT_HEATMAP, "heatmap", title, -1, -1, err);
    free(sel);
    free(title);
    pf_free(&pf);
    return rc;
}

/* qsort has no user pointer; the sorts here are small, so insertion sort
 * with the context is simpler than a global. */
static void sort_idx(size_t *idx, size_t n, const void *ctx,
                     int (*cmp)(const void *, const void *, const void *))
{
    for (size_t i = 1; i < n; i++) {
        size_t v = idx[i], j = i;
        while (j > 0 && cmp(&v, &idx[j - 1], ctx) < 0) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = v;
    }
}

/* Dimensions by mean, highest first; NAN last. */
static int cmp_dim_mean(const void *a, const void *b, const void *ctx)
{
    const res_t *r = ctx;
    double x = r->dims[*(const size_t *)a].mean, y = r->dims[*(const size_t *)b].mean;
    if (!isfinite(x))
        return 1;
    if (!isfinite(y))
        return -1;
    return x > y ? -1 : x < y ? 1 : 0;
}

static int plot_means(pctx_t *c, err_t *err)
{
    const res_t *r = c->r;
    if (!r->ndims)
        return 0;
    pfile_t pf = {0};
    char a[40], b2[40], e[40], f[40];
    size_t *ord = util_xcalloc(r->ndims, sizeof *ord);
    for (size_t i = 0; i < r->ndims; i++)
        ord[i] = i;
    sort_idx(ord, r->ndims, r, cmp_dim_mean);
    double lo = INFINITY, hi = -INFINITY, sum = 0;
    size_t nsum = 0;
    for (size_t i = 0; i < r->ndims; i++) {
        const res_dim_t *dm = &r->dims[i];
        double l = isfinite(dm->ci_low) ? dm->ci_low : dm->mean;
        double h = isfinite(dm->ci_high) ? dm->ci_high : dm->mean;
        if (isfinite(l))
            lo = fmin(lo, l);
        if (isfinite(h))
            hi = fmax(hi, h);
        if (isfinite(dm->mean)) {
            sum += dm->mean;
            nsum++;
        }
    }
    if (!isfinite(lo)) {
        free(ord);
        return 0;
    }
    double span = hi - lo < 4 ? 4 : hi - lo;
    double xlo = clampd(floor((lo - span * 0.15) / 2) * 2, 0, 100);
    double xhi = hi + span * 0.9;   /* room for the value labels */
    pf.width = 820;
    pf.height = (int)(150 + r->ndims * 46);

    util_buf_t *d = &pf.dat;
    util_buf_adds(d, "# means: one row per dimension, highest mean first\n"
                     "# row mean ci_low ci_high weak deviation q label_text dimension\n");
    for (size_t k = 0; k < r->ndims; k++) {
        const res_dim_t *dm = &r->dims[ord[k]];
        char *txt = dm->weak
                        ? util_fmt(TR(c->zh, "%s  ▼ weak (deviation %s)"),
                                   num(a, dm->mean, 1), num(b2, dm->deviation, 1))
                        : util_xstrdup(num(a, dm->mean, 1));
        util_buf_addf(d, "%zu %s %s %s %d %s ", k, num(a, dm->mean, 3), num(b2, dm->ci_low, 3),
                      num(e, dm->ci_high, 3), dm->weak, num(f, dm->deviation, 3));
        util_buf_addf(d, "%s ", numg(a, dm->dev_q));
        dat_q(d, txt);
        util_buf_addc(d, ' ');
        dat_q(d, dim_label(dm));
        util_buf_addc(d, '\n');
        free(txt);
    }
    util_buf_t *s = &pf.gp;
    /* xgettext:no-c-format */
    const char *title = TR(c->zh, "Dimension means with 95% confidence intervals");
    gp_head(s, title);
    util_buf_addf(s, "set xrange [%s:%s]\nset yrange [%zu.6:-0.6]\n", num(a, xlo, 1),
                  num(b2, xhi, 1), r->ndims - 1);
    util_buf_adds(s, "set grid xtics lc rgb '#dddddd'\nset xtics nomirror\nset xlabel ");
    gp_q(s, TR(c->zh, "mean score (0-100)"));
    util_buf_adds(s, "\n");
    gp_key_below(s, &pf, 1, 1);
    gp_ytics_begin(s);
    for (size_t k = 0; k < r->ndims; k++)
        gp_ytic(s, dim_label(&r->dims[ord[k]]), k, k + 1 == r->ndims);
    if (nsum) {
        util_buf_addf(s, "avg = %s\nset arrow 1 from avg, graph 0 to avg, graph 1 nohead dt 2 "
                         "lc rgb '" C_MUTED "'\nset label 2 ",
                      num(a, sum / (double)nsum, 3));
        gp_q(s, TR(c->zh, "mean of dimensions"));
        util_buf_adds(s, " at avg, graph 1 offset 0.5,-0.8 left tc rgb '" C_MUTED "' font \",9\"\n");
    }
    util_buf_adds(s, "plot 'means.dat' using 2:1:3:4 with xerrorbars pt 6 ps 1.6 lw 1.5 "
                     "lc rgb '" C_INK "' title ");
    /* xgettext:no-c-format */
    gp_q(s, TR(c->zh, "mean and 95% CI"));
    util_buf_adds(s, ", \\\n  '' using ($5 > 0 ? $2 : NaN):1:3:4 with xerrorbars pt 7 ps 2 lw 2 "
                     "lc rgb '" C_LOW "' title ");
    gp_q(s, TR(c->zh, "weak dimension (filled)"));
    util_buf_adds(s, ", \\\n  '' using 4:1:8 with labels left offset 1,0 notitle\n");
    int rc = emit(c, &pf, PLOT_MEANS, "means", title, -1, -1, err);
    free(ord);
    pf_free(&pf);
    return rc;
}

/* A funnel point's label: whether the point is named, and where. */
typedef struct {
    double n, y, ly;
    int below, placed, named;
    double z;   /* distance from the mean in units of the limit width */
} flab_t;

/* Farthest first. */
static int cmp_flab_z(const void *a, const void *b, const void *ctx)
{
    const flab_t *fl = ctx;
    double x = fl[*(const size_t *)a].z, y = fl[*(const size_t *)b].z;
    return x > y ? -1 : x < y ? 1 : 0;
}

/* The funnel's axes: x from the smallest to the largest group (plus a
 * margin), y over the points and the 99.8% limits where the smallest group
 * sits.  Returns the number of points, limits in *limits (0 when MSW or
 * tau² is unknown). */
static size_t funnel_axes(const pctx_t *c, size_t j, double *xlo, double *xhi, double *ylo, double *yhi,
                          int *limits)
{
    const res_t *r = c->r;
    const res_dim_t *dm = &r->dims[j];
    double nmin = INFINITY, nmax = 0;
    size_t npts = 0;
    *ylo = INFINITY;
    *yhi = -INFINITY;
    for (size_t k = 0; k < c->nshown; k++) {
        const res_cell_t *cell = &r->groups[c->shown[k]].cells[j];
        if (!isfinite(cell->mean) || !(cell->n > 0))
            continue;
        nmin = fmin(nmin, cell->n);
        nmax = fmax(nmax, cell->n);
        *ylo = fmin(*ylo, cell->mean);
        *yhi = fmax(*yhi, cell->mean);
        npts++;
    }
    *xlo = floor(nmin * 0.8);
    *xhi = ceil(nmax * 1.1 + 1);
    if (*xlo < 1)
        *xlo = 1;
    *limits = isfinite(dm->msw) && isfinite(dm->tau2) && dm->msw >= 0 && dm->tau2 >= 0;
    if (*limits) {
        /* show the limits where the smallest group sits, not at n = 1 */
        double w = STATS_Z998 * sqrt(dm->msw / *xlo + dm->tau2);
        *ylo = fmin(*ylo, dm->grand - w);
        *yhi = fmax(*yhi, dm->grand + w);
    }
    double pad = (*yhi - *ylo) * 0.08 + 1;
    *ylo = clampd(*ylo - pad, 0, 100);
    *yhi = clampd(*yhi + pad, 0, 100);
    return npts;
}

/* Where each outside point's label goes: beside the point (to its left
 * near the right edge), moved away from the mean when it would sit on the
 * label of a point close by.  Labels are placed from the mean outwards, so
 * the push always goes towards free space.  One flab_t per shown group,
 * the caller's to free. */
static flab_t *funnel_labels(const pctx_t *c, size_t j, int limits, double xlo, double xhi, double ylo,
                             double yhi)
{
    const res_t *r = c->r;
    const res_dim_t *dm = &r->dims[j];
    flab_t *fl = util_xcalloc(c->nshown + 1, sizeof *fl);
    double gap = (yhi - ylo) * 0.04, near = (xhi - xlo) * 0.3;
    for (size_t k = 0; k < c->nshown; k++) {
        const res_cell_t *cell = &r->groups[c->shown[k]].cells[j];
        fl[k] = (flab_t){cell->n, cell->mean, cell->mean, cell->mean < dm->grand, 1, 0, 0};
    }
    /* Only the PLOT_FUNNEL_LABELS points farthest outside their limits are
     * named (every one is in the .dat file and the tables): hundreds of
     * names at province scale would cover the plot. */
    size_t nlab = 0, *out = util_xcalloc(c->nshown + 1, sizeof *out);
    for (size_t k = 0; k < c->nshown; k++) {
        const res_cell_t *cell = &r->groups[c->shown[k]].cells[j];
        if (isfinite(cell->mean) && cell->n > 0 && cell->funnel != RES_INSIDE && cell->funnel != RES_FUNNEL_NONE)
            out[nlab++] = k;
    }
    for (size_t q = 0; q < nlab; q++) {   /* how far outside, in limit widths */
        const res_cell_t *cell = &r->groups[c->shown[out[q]]].cells[j];
        double w = limits ? sqrt(dm->msw / cell->n + dm->tau2) : 0;
        fl[out[q]].z = w > 0 ? fabs(cell->mean - dm->grand) / w : fabs(cell->mean - dm->grand);
    }
    sort_idx(out, nlab, fl, cmp_flab_z);
    for (size_t q = 0; q < nlab && q < PLOT_FUNNEL_LABELS; q++) {
        fl[out[q]].placed = 0;
        fl[out[q]].named = 1;
    }
    free(out);
    for (;;) {
        size_t best = c->nshown;
        for (size_t k = 0; k < c->nshown; k++)
            if (!fl[k].placed && (best == c->nshown || fabs(fl[k].y - dm->grand) < fabs(fl[best].y - dm->grand)))
                best = k;
        if (best == c->nshown)
            break;
        flab_t *f = &fl[best];
        for (size_t tries = 0, moved = 1; moved && tries < c->nshown; tries++) {
            moved = 0;
            for (size_t o = 0; o < c->nshown; o++) {
                const flab_t *q = &fl[o];
                if (o == best || !q->placed || !q->named || fabs(q->n - f->n) > near ||
                    fabs(q->ly - f->ly) >= gap)
                    continue;
                f->ly = f->below ? q->ly - gap : q->ly + gap;
                moved = 1;
            }
        }
        f->placed = 1;
    }
    return fl;
}

/* The points; nside[0], nside[1]: how many labels sit right, left. */
static void funnel_dat(const pctx_t *c, size_t j, util_buf_t *d, const flab_t *fl, double xlo, double xhi,
                       size_t nside[2])
{
    const res_t *r = c->r;
    char a[40];
    util_buf_adds(d, "# funnel: one row per shown group\n"
                     "# n mean position(0 inside,1 below_95,2 below_998,3 above_95,4 above_998,5 no limits) "
                     "label(the farthest outside points only) group label_side(0 right,1 left,"
                     "-1 none) label_y\n");
    for (size_t k = 0; k < c->nshown; k++) {
        const res_group_t *g = &r->groups[c->shown[k]];
        const res_cell_t *cell = &g->cells[j];
        if (!isfinite(cell->mean) || !(cell->n > 0))
            continue;
        char *lab = group_label(c, g, 24);
        util_buf_addf(d, "%s ", num(a, cell->n, 0));
        util_buf_addf(d, "%s %d ", num(a, cell->mean, 3), (int)cell->funnel);
        int side = !fl[k].named ? -1 : cell->n > xlo + 0.7 * (xhi - xlo);
        if (side >= 0)
            nside[side]++;
        dat_q(d, fl[k].named ? lab : "");
        util_buf_addc(d, ' ');
        dat_q(d, g->code);
        util_buf_addf(d, " %d ", side);
        util_buf_addf(d, "%s\n", num(a, fl[k].ly, 3));
        free(lab);
    }
}

/* The plot command: the mean, the limits, one legend entry per position
 * that occurs (in a fixed order), the labels. */
static void funnel_plot_cmd(const pctx_t *c, size_t j, util_buf_t *s, const char *base, int limits,
                            const size_t nside[2])
{
    const res_t *r = c->r;
    util_buf_adds(s, "at(p, v) = (int($3) == p ? v : NaN)\n"
                     "plot grand with lines lc rgb '" C_INK "' lw 1 title ");
    gp_q(s, TR(c->zh, "overall mean"));
    if (limits) {
        util_buf_addf(s, ", \\\n  lim(x, %.6f) with lines dt 2 lc rgb '" C_MUTED "' lw 1.5 title ", STATS_Z95);
        /* xgettext:no-c-format */
        gp_q(s, TR(c->zh, "95% limits"));
        util_buf_addf(s, ", \\\n  lim(x, -%.6f) with lines dt 2 lc rgb '" C_MUTED "' lw 1.5 notitle", STATS_Z95);
        util_buf_addf(s, ", \\\n  lim(x, %.6f) with lines dt 1 lc rgb '" C_MUTED "' lw 1.5 title ", STATS_Z998);
        /* xgettext:no-c-format */
        gp_q(s, TR(c->zh, "99.8% limits"));
        util_buf_addf(s, ", \\\n  lim(x, -%.6f) with lines dt 1 lc rgb '" C_MUTED "' lw 1.5 notitle", STATS_Z998);
    }
    static const struct {
        int pt;
        double ps;
        const char *colour, *name;   /* name: translated when written */
    } pos[6] = {{6, 1.2, C_INK, N_("inside")},
                {10, 1.6, C_LOW, N_("below 95%")},
                {11, 1.8, C_LOW, N_("below 99.8%")},
                {8, 1.6, C_HIGH, N_("above 95%")},
                {9, 1.8, C_HIGH, N_("above 99.8%")},
                {6, 1.2, C_MUTED, N_("no limits")}};
    for (int p = 0; p < 6; p++) {
        int any = 0;
        for (size_t k = 0; k < c->nshown && !any; k++) {
            const res_cell_t *cell = &r->groups[c->shown[k]].cells[j];
            any = isfinite(cell->mean) && cell->n > 0 && (int)cell->funnel == p;
        }
        if (!any)
            continue;
        util_buf_addf(s, ", \\\n  '%s.dat' using 1:(at(%d, $2)) with points pt %d ps %.1f lc rgb '%s' title ",
                      base, p, pos[p].pt, pos[p].ps, pos[p].colour);
        gp_q(s, TR(c->zh, pos[p].name));
    }
    /* a label plot only when it has a label: gnuplot 5.4 crashes on a
     * label plot whose data are one undefined row */
    if (nside[0])
        util_buf_addf(s, ", \\\n  '%s.dat' using ($6 == 0 ? $1 : NaN):7:4 with labels left offset 1.2,0 "
                         "font \",9\" notitle",
                      base);
    if (nside[1])
        util_buf_addf(s, ", \\\n  '%s.dat' using ($6 == 1 ? $1 : NaN):7:4 with labels right "
                         "offset -1.2,0 font \",9\" notitle",
                      base);
    util_buf_adds(s, "\n");
}

static int plot_funnel(pctx_t *c, size_t j, err_t *err)
{
    const res_t *r = c->r;
    const res_dim_t *dm = &r->dims[j];
    char a[40];
    double xlo, xhi, ylo, yhi;
    int limits;
    size_t npts = funnel_axes(c, j, &xlo, &xhi, &ylo, &yhi, &limits);
    /* A funnel compares groups: with one it says nothing (and gnuplot 5.4
     * crashes on a label plot of a single undefined row); the report says
     * why it is absent (PLOT_FUNNEL_MIN_GROUPS). */
    if (npts < PLOT_FUNNEL_MIN_GROUPS || !isfinite(dm->grand))
        return 0;
    pfile_t pf = {.width = 820, .height = 600};
    char *base = safe_base("funnel", dm->code, j);
    char *title = util_fmt(TR(c->zh, "Funnel plot: %s"), dim_label(dm));
    flab_t *fl = funnel_labels(c, j, limits, xlo, xhi, ylo, yhi);
    size_t nside[2] = {0, 0};
    funnel_dat(c, j, &pf.dat, fl, xlo, xhi, nside);
    free(fl);

    util_buf_t *s = &pf.gp;
    gp_head(s, title);
    util_buf_addf(s, "grand = %s\n", num(a, dm->grand, 4));
    util_buf_addf(s, "msw = %s\n", num(a, limits ? dm->msw : 0, 4));
    util_buf_addf(s, "tau2 = %s\n", num(a, limits ? dm->tau2 : 0, 4));
    util_buf_adds(s, "# Spiegelhalter (2005) limits: grand +- z * sqrt(msw / n + tau2)\n"
                     "lim(n, z) = grand + z * sqrt(msw / n + tau2)\n");
    util_buf_addf(s, "set xrange [%s:", num(a, xlo, 0));
    util_buf_addf(s, "%s]\n", num(a, xhi, 0));
    util_buf_addf(s, "set yrange [%s:", num(a, ylo, 1));
    util_buf_addf(s, "%s]\nset samples 300\n", num(a, yhi, 1));
    util_buf_adds(s, "set grid lc rgb '#e5e5e5'\nset xlabel ");
    gp_q(s, TR(c->zh, "respondents n"));
    util_buf_adds(s, "\nset ylabel ");
    gp_q(s, TR(c->zh, "mean score (0-100)"));
    util_buf_adds(s, "\n");
    gp_key_below(s, &pf, 2, 1);
    funnel_plot_cmd(c, j, s, base, limits, nside);
    int rc = emit(c, &pf, PLOT_FUNNEL, base, title, (long)j, -1, err);
    free(base);
    free(title);
    pf_free(&pf);
    return rc;
}

static int cmp_gap_v(const void *a, const void *b, const void *ctx)
{
    const res_t *r = ctx;
    double x = r->gaps[*(const size_t *)a].gap, y = r->gaps[*(const size_t *)b].gap;
    if (!isfinite(x))
        return 1;
    if (!isfinite(y))
        return -1;
    return x > y ? -1 : x < y ? 1 : 0;
}


/* Largest gap, either way, first. */
static int cmp_gap_abs(const void *a, const void *b, const void *ctx)
{
    const res_t *r = ctx;
    double x = fabs(r->gaps[*(const size_t *)a].gap), y = fabs(r->gaps[*(const size_t *)b].gap);
    if (!isfinite(x))
        return 1;
    if (!isfinite(y))
        return -1;
    return x > y ? -1 : x < y ? 1 : 0;
}

static int plot_dumbbell(pctx_t *c, size_t j, err_t *err)
{
    const res_t *r = c->r;
    const res_dim_t *dm = &r->dims[j];
    char a[40];
    size_t *rows = util_xcalloc(r->ngaps + 1, sizeof *rows), n = 0;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < r->ngaps; i++) {
        const res_gap_t *gp = &r->gaps[i];
        if (gp->dim != j || !shown_group(r, gp->group) || !isfinite(gp->self) || !isfinite(gp->staff))
            continue;
        rows[n++] = i;
        double vals[4] = {gp->self, gp->staff, gp->pi_low, gp->pi_high};
        for (int v = 0; v < 4; v++)
            if (isfinite(vals[v])) {
                lo = fmin(lo, vals[v]);
                hi = fmax(hi, vals[v]);
            }
    }
    /* with many units only the flagged ones stay readable */
    int only_flagged = n > 60;
    if (only_flagged) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (r->gaps[rows[i]].flag == RES_OVERCLAIM || r->gaps[rows[i]].flag == RES_UNDERCLAIM)
                rows[m++] = rows[i];
        n = m;
    }
    if (!n) {
        free(rows);
        return 0;
    }
    /* and of those, the largest gaps (gaps.csv has them all) */
    size_t nflag = n;
    if (n > PLOT_GAP_ROWS_MAX) {
        sort_idx(rows, n, r, cmp_gap_abs);
        n = PLOT_GAP_ROWS_MAX;
    }
    sort_idx(rows, n, r, cmp_gap_v);
    pfile_t pf = {.width = 880, .height = (int)(170 + n * 22)};
    if (pf.height < 340)
        pf.height = 340;
    char *base = safe_base("dumbbell", dm->code, j);
    char *which = n < nflag ? util_fmt(TR(c->zh, " (the %zu largest of %zu overclaims and underclaims)"), n, nflag)
                  : only_flagged ? util_xstrdup(TR(c->zh, " (overclaiming or underclaiming units only)"))
                                 : util_xstrdup("");
    char *title = util_fmt(TR(c->zh, "Self-assessment vs staff view: %s%s"), dim_label(dm), which);
    free(which);
    double span = hi - lo < 10 ? 10 : hi - lo;
    double xlo = clampd(floor((lo - span * 0.05) / 5) * 5, 0, 100);
    double xhi = hi + span * 0.35;

    util_buf_t *d = &pf.dat;
    util_buf_adds(d, "# dumbbell: one row per shown unit with a self-assessment, largest gap first\n"
                     "# row staff pi_low pi_high (one staff member's 95% range) self gap flag(0 "
                     "consistent,1 overclaim,2 underclaim,3 not judged) gap_text label_x unit\n");
    for (size_t k = 0; k < n; k++) {
        const res_gap_t *gp = &r->gaps[rows[k]];
        const res_group_t *g = &r->groups[gp->group];
        util_buf_addf(d, "%zu %s ", k, num(a, gp->staff, 2));
        util_buf_addf(d, "%s ", num(a, gp->pi_low, 2));
        util_buf_addf(d, "%s ", num(a, gp->pi_high, 2));
        util_buf_addf(d, "%s ", num(a, gp->self, 2));
        util_buf_addf(d, "%s %d ", num(a, gp->gap, 2), (int)gp->flag);
        char *txt = util_fmt("%s%s%s", gp->gap > 0 ? "+" : "", num(a, gp->gap, 1),
                             gp->flag == RES_OVERCLAIM    ? TR(c->zh, " overclaim")
                             : gp->flag == RES_UNDERCLAIM ? TR(c->zh, " underclaim")
                                                          : "");
        dat_q(d, txt);
        double right = fmax(gp->self, isfinite(gp->pi_high) ? gp->pi_high : gp->staff);
        util_buf_addf(d, " %s ", num(a, right, 2));
        char *lab = group_label(c, g, 30);
        dat_q(d, lab);
        util_buf_addc(d, '\n');
        free(lab);
        free(txt);
    }

    util_buf_t *s = &pf.gp;
    gp_rows_head(s, &pf, title, xlo, xhi, n, TR(c->zh, "score (0-100)"));
    for (size_t k = 0; k < n; k++) {
        char *lab = group_label(c, &r->groups[r->gaps[rows[k]].group], 30);
        gp_ytic(s, lab, k, k + 1 == n);
        free(lab);
    }
    util_buf_addf(s, "plot '%s.dat' using 2:1:($5 - $2):(0) with vectors nohead lw 3 "
                     "lc rgb '#c8c8c8' notitle, \\\n"
                     "  '' using 2:1:3:4 with xerrorbars pt 7 ps 1.1 lc rgb '" C_INK "' title ",
                  base);
    /* xgettext:no-c-format */
    gp_q(s, TR(c->zh, "staff mean, one member's 95% range"));
    util_buf_adds(s, ", \\\n  '' using ($7 == 0 || $7 == 3 ? $5 : NaN):1 with points pt 4 ps 1.4 lc rgb '" C_INK
                     "' title ");
    gp_q(s, TR(c->zh, "self-assessment"));
    util_buf_adds(s, ", \\\n  '' using ($7 == 1 ? $5 : NaN):1 with points pt 5 ps 1.5 lc rgb '" C_LOW
                     "' title ");
    gp_q(s, TR(c->zh, "overclaim (filled square)"));
    util_buf_adds(s, ", \\\n  '' using ($7 == 2 ? $5 : NaN):1 with points pt 13 ps 1.6 lc rgb '" C_HIGH
                     "' title ");
    gp_q(s, TR(c->zh, "underclaim (filled diamond)"));
    util_buf_adds(s, ", \\\n  '' using 9:1:8 with labels left offset 1,0 font \",9\" notitle\n");
    int rc = emit(c, &pf, PLOT_DUMBBELL, base, title, (long)j, -1, err);
    free(base);
    free(title);
    free(rows);
    pf_free(&pf);
    return rc;
}

/* Heiberger-Robbins colours: a diverging scale whose two ends are dark and
 * whose middle is light grey, so the sides differ by position and the
 * strength of (dis)agreement by luminance. */
static void likert_colour(size_t i, size_t k, char out[8])
{
    double mid = (double)(k - 1) / 2, t = k > 1 ? ((double)i - mid) / mid : 0;
    double end[2][3] = {{0xb2, 0x18, 0x2b}, {0x21, 0x66, 0xac}};
    double neutral[3] = {0xe0, 0xe0, 0xe0};
    const double *e = t < 0 ? end[0] : end[1];
    double w = pow(fabs(t), 0.85);
    int rgb[3];
    for (int q = 0; q < 3; q++)
        rgb[q] = (int)lround(neutral[q] + (e[q] - neutral[q]) * w);
    snprintf(out, 8, "#%02x%02x%02x", rgb[0] & 0xff, rgb[1] & 0xff, rgb[2] & 0xff);
}

typedef struct {
    const res_item_t *it;
    double left, neutral, right;   /* percentages */
} lrow_t;

/* The items of dimension dm answered on its first k-point list, with
 * their shares of disagreement, neutral and agreement, sorted by
 * agreement, most agreed on top (Heiberger & Robbins 2014).  *n of them,
 * the caller's to free. */
static lrow_t *likert_rows(const res_dim_t *dm, size_t k, size_t *n)
{
    lrow_t *rows = util_xcalloc(dm->nitems + 1, sizeof *rows);
    *n = 0;
    for (size_t i = 0; i < dm->nitems; i++) {
        const res_item_t *it = &dm->items[i];
        if (it->nchoices != k || !it->counts)   /* another scale cannot share the bars */
            continue;
        double tot = 0;
        for (size_t q = 0; q < k; q++)
            tot += it->counts[q];
        if (!(tot > 0))
            continue;
        lrow_t *lr = &rows[(*n)++];
        lr->it = it;
        for (size_t q = 0; q < k; q++) {
            double pct = 100 * it->counts[q] / tot;
            if (k % 2 && q == k / 2)
                lr->neutral = pct;
            else if (q < k / 2)
                lr->left += pct;
            else
                lr->right += pct;
        }
    }
    for (size_t i = 1; i < *n; i++) {
        lrow_t v = rows[i];
        size_t m = i;
        while (m > 0 && rows[m - 1].right < v.right) {
            rows[m] = rows[m - 1];
            m--;
        }
        rows[m] = v;
    }
    return rows;
}

static void likert_dat(util_buf_t *d, const lrow_t *rows, size_t n, size_t k)
{
    char a[40];
    util_buf_addf(d, "# likert: one row per item, most agreement first; percentages of answers\n"
                     "# row then, per choice 1..%zu, its left and right edge (neutral split at 0), "
                     "then pct_disagree pct_neutral pct_agree item\n",
                  k);
    for (size_t i = 0; i < n; i++) {
        const res_item_t *it = rows[i].it;
        double tot = 0;
        for (size_t q = 0; q < k; q++)
            tot += it->counts[q];
        double x = -rows[i].left - rows[i].neutral / 2;
        util_buf_addf(d, "%zu", i);
        for (size_t q = 0; q < k; q++) {
            double w = 100 * it->counts[q] / tot;
            util_buf_addf(d, " %s", num(a, x, 3));
            util_buf_addf(d, " %s", num(a, x + w, 3));
            x += w;
        }
        util_buf_addf(d, " %s", num(a, rows[i].left, 2));
        util_buf_addf(d, " %s", num(a, rows[i].neutral, 2));
        util_buf_addf(d, " %s ", num(a, rows[i].right, 2));
        dat_q(d, it->name);
        util_buf_addc(d, '\n');
    }
}

static void likert_gp(const pctx_t *c, const pfile_t *pf, util_buf_t *s, const lrow_t *rows, size_t n,
                      size_t k, const char *base, const char *title)
{
    gp_head(s, title);
    util_buf_addf(s, "K = %zu\narray colour[K] = [", k);
    for (size_t q = 0; q < k; q++) {
        char col[8];
        likert_colour(q, k, col);
        util_buf_addf(s, "%s'%s'", q ? ", " : "", col);
    }
    util_buf_adds(s, "]\narray choice[K] = [");
    const res_item_t *first = rows[0].it;
    for (size_t q = 0; q < k; q++) {
        if (q)
            util_buf_adds(s, ", ");
        gp_q(s, first->choice_labels && first->choice_labels[q] ? first->choice_labels[q] : "");
    }
    util_buf_addf(s, "]\nset xrange [-118:118]\nset yrange [%zu.6:-0.6]\nset lmargin at screen 0.31\n", n - 1);
    util_buf_adds(s, "set xtics nomirror ('100%%' -100, '75%%' -75, '50%%' -50, '25%%' -25, '0' 0, "
                     "'25%%' 25, '50%%' 50, '75%%' 75, '100%%' 100)\n"
                     "set grid xtics lc rgb '#e5e5e5'\n"
                     "set arrow 1 from 0, graph 0 to 0, graph 1 nohead lc rgb '#555555' front\n"
                     );
    gp_key_below(s, pf, 2, 1);
    util_buf_adds(s, "set title ");
    gp_q(s, title);
    util_buf_adds(s, ".\"\\n\".");
    gp_q(s, TR(c->zh, "share of answers: disagree to the left, agree to the right, neutral split at zero"));
    util_buf_adds(s, " font \",11\"\nset ytics scale 0 (\\\n");
    for (size_t i = 0; i < n; i++) {
        const res_item_t *it = rows[i].it;
        char *lab = util_fmt("%s %s%s", it->name, it->label ? it->label : "",
                             it->reverse ? TR(c->zh, " (reversed)") : "");
        util_buf_adds(s, "  ");
        gp_wrapped(s, lab, 30, 2);
        util_buf_addf(s, " %zu%s\n", i, i + 1 == n ? ")" : ", \\");
        free(lab);
    }
    util_buf_addf(s, "L = 2 * K + 2\nplot for [i=1:K] '%s.dat' using ((column(2*i) + column(2*i+1)) / 2):1:"
                     "((column(2*i+1) - column(2*i)) / 2):(0.34) with boxxyerror "
                     "fs solid 1.0 border lc rgb '#ffffff' fc rgb colour[i] title choice[i], \\\n"
                     "  '' using (column(2) - 2):1:(sprintf('%%.0f', column(L)).'%%') with labels right "
                     "font \",9\" notitle, \\\n"
                     "  '' using (column(2*K+1) + 2):1:(sprintf('%%.0f', column(L+2)).'%%') with labels "
                     "left font \",9\" notitle\n",
                  base);
}

static int plot_likert(pctx_t *c, size_t j, err_t *err)
{
    const res_t *r = c->r;
    const res_dim_t *dm = &r->dims[j];
    size_t k = 0, n;
    for (size_t i = 0; i < dm->nitems && !k; i++)
        if (dm->items[i].nchoices >= 2 && dm->items[i].counts)
            k = dm->items[i].nchoices;
    if (!k)
        return 0;
    lrow_t *rows = likert_rows(dm, k, &n);
    if (!n) {
        free(rows);
        return 0;
    }
    pfile_t pf = {.width = 880, .height = (int)(190 + n * 52)};
    char *base = safe_base("likert", dm->code, j);
    char *title = util_fmt(TR(c->zh, "Answers by item: %s"), dim_label(dm));
    likert_dat(&pf.dat, rows, n, k);
    pf.print_title = TR(c->zh, "share of answers: disagree to the left, agree to the right, neutral split at zero");
    likert_gp(c, &pf, &pf.gp, rows, n, k, base, title);
    int rc = emit(c, &pf, PLOT_LIKERT, base, title, (long)j, -1, err);
    free(base);
    free(title);
    free(rows);
    pf_free(&pf);
    return rc;
}

static int plot_radar(pctx_t *c, size_t gi, err_t *err)
{
    const res_t *r = c->r;
    const res_group_t *g = &r->groups[gi];
    size_t nd = r->ndims;
    char a[40], b2[40];
    double lo = 100;
    for (size_t j = 0; j < nd; j++) {
        if (isfinite(g->cells[j].mean))
            lo = fmin(lo, g->cells[j].mean);
        if (isfinite(r->dims[j].mean))
            lo = fmin(lo, r->dims[j].mean);
    }
    /* the centre is not 0 but a round number below every score, so the
     * differences that matter are not squeezed into the outer rim */
    double r0 = clampd(floor((lo - 5) / 20) * 20, 0, 60);
    pfile_t pf = {.width = 720, .height = 600};
    char *base = safe_base("radar", g->code, gi);
    /* the whole name: the title is the figure's caption in the report,
     * and a name cut short there ("…of the Munic…") reads as a slip */
    char *lab = group_label(c, g, 100);
    char *title = util_fmt(TR(c->zh, "%s: scores against all respondents"), lab);
    util_buf_t *d = &pf.dat;
    util_buf_addf(d, "# radar: centre = %s points, outer ring = 100; x y from score and angle\n", num(a, r0, 0));
    for (int poly = 0; poly < 2; poly++) {
        util_buf_adds(d, poly ? "# index 1: this group: x y score weak dimension\n"
                              : "# index 0: all respondents: x y score dimension\n");
        for (size_t q = 0; q <= nd; q++) {
            size_t j = q % nd;
            double v = poly ? g->cells[j].mean : r->dims[j].mean;
            double ang = M_PI / 2 - 2 * M_PI * (double)j / (double)nd;
            double rad = (v - r0) / (100 - r0);
            util_buf_addf(d, "%s ", num(a, rad * cos(ang), 4));
            util_buf_addf(d, "%s %s ", num(a, rad * sin(ang), 4), num(b2, v, 2));
            if (poly)
                util_buf_addf(d, "%d ", g->cells[j].weak);
            dat_q(d, r->dims[j].code);
            util_buf_addc(d, '\n');
        }
        util_buf_adds(d, "\n\n");
    }
    util_buf_adds(d, "# index 2: axis labels: x y label\n");
    for (size_t j = 0; j < nd; j++) {
        double ang = M_PI / 2 - 2 * M_PI * (double)j / (double)nd;
        util_buf_addf(d, "%s ", num(a, 1.17 * cos(ang), 4));
        util_buf_addf(d, "%s ", num(a, 1.12 * sin(ang), 4));
        dat_q(d, dim_label(&r->dims[j]));
        util_buf_addc(d, '\n');
    }
    util_buf_adds(d, "\n\n# index 3: rings and spokes\n");
    for (int ring = 1; ring <= 4; ring++) {
        for (size_t q = 0; q <= nd; q++) {
            double ang = M_PI / 2 - 2 * M_PI * (double)(q % nd) / (double)nd;
            util_buf_addf(d, "%s ", num(a, ring / 4.0 * cos(ang), 4));
            util_buf_addf(d, "%s\n", num(a, ring / 4.0 * sin(ang), 4));
        }
        util_buf_addc(d, '\n');
    }
    for (size_t j = 0; j < nd; j++) {
        double ang = M_PI / 2 - 2 * M_PI * (double)j / (double)nd;
        util_buf_addf(d, "0 0\n%s ", num(a, cos(ang), 4));
        util_buf_addf(d, "%s\n\n", num(a, sin(ang), 4));
    }
    util_buf_adds(d, "\n# index 4: ring values: x y value\n");
    for (int ring = 1; ring <= 4; ring++)
        util_buf_addf(d, "-0.03 %s %s\n", num(a, ring / 4.0, 3), num(b2, r0 + (100 - r0) * ring / 4.0, 0));

    util_buf_t *s = &pf.gp;
    gp_head(s, title);
    util_buf_adds(s, "set size ratio -1\nunset border\nunset xtics\nunset ytics\n"
                     "set xrange [-1.55:1.55]\nset yrange [-1.22:1.27]\n"
                     );
    gp_key_below(s, &pf, 2, 0);
    util_buf_addf(s, "plot '%s.dat' index 3 using 1:2 with lines lc rgb '#d9d9d9' notitle, \\\n"
                     "  '' index 4 using 1:2:3 with labels right tc rgb '" C_MUTED "' font \",8\" notitle, \\\n"
                     "  '' index 1 using 1:2 with filledcurves closed fs transparent solid 0.12 "
                     "lc rgb '" C_LOW "' notitle, \\\n"
                     "  '' index 0 using 1:2 with linespoints dt 2 lw 2 pt 6 ps 1.2 lc rgb '" C_MUTED "' title ",
                  base);
    gp_q(s, TR(c->zh, "all respondents"));
    util_buf_adds(s, ", \\\n  '' index 1 using 1:2 with linespoints lw 2.5 pt 7 ps 1.2 lc rgb '" C_INK "' title ");
    char *glab = group_label(c, g, 30);
    gp_q(s, glab);
    free(glab);
    util_buf_adds(s, ", \\\n  '' index 1 using ($4 > 0 ? $1 : NaN):2 with points pt 11 ps 2.4 lc rgb '" C_LOW
                     "' title ");
    gp_q(s, TR(c->zh, "weak dimension (▼)"));
    util_buf_adds(s, ", \\\n  '' index 2 using 1:2:3 with labels font \",10\" notitle\n");
    int rc = emit(c, &pf, PLOT_RADAR, base, title, -1, (long)gi, err);
    free(base);
    free(lab);
    free(title);
    pf_free(&pf);
    return rc;
}

static int plot_change(pctx_t *c, err_t *err)
{
    const res_t *r = c->r;
    char a[40];
    size_t *rows = util_xcalloc(r->nchanges + 1, sizeof *rows), n = 0;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < r->nchanges; i++) {
        const res_change_t *ch = &r->changes[i];
        if (ch->group != -1 || ch->dim >= r->ndims || !isfinite(ch->mean0) || !isfinite(ch->mean1))
            continue;
        rows[n++] = i;
        lo = fmin(lo, fmin(ch->mean0, ch->mean1));
        hi = fmax(hi, fmax(ch->mean0, ch->mean1));
    }
    if (!n) {
        free(rows);
        return 0;
    }
    pfile_t pf = {.width = 820, .height = (int)(170 + n * 46)};
    /* the waves as a reader names them ("2025年" in Chinese); render_wave's
     * strings are ours and freed below */
    char *w0 = render_wave(r->compare_wave, c->zh), *w1 = render_wave(r->wave, c->zh);
    char *title = util_fmt(TR(c->zh, "Change of dimension means (%s to %s)"), w0, w1);
    double span = hi - lo < 6 ? 6 : hi - lo;
    double xlo = clampd(floor((lo - span * 0.2) / 2) * 2, 0, 100), xhi = hi + span * 0.8;
    util_buf_t *d = &pf.dat;
    util_buf_adds(d, "# change: one row per dimension (all respondents)\n"
                     "# row mean_before mean_now diff flag(0 stable,1 improved,2 declined) q text "
                     "dimension\n");
    for (size_t k = 0; k < n; k++) {
        const res_change_t *ch = &r->changes[rows[k]];
        util_buf_addf(d, "%zu %s ", k, num(a, ch->mean0, 2));
        util_buf_addf(d, "%s ", num(a, ch->mean1, 2));
        util_buf_addf(d, "%s %d ", num(a, ch->diff, 2), (int)ch->flag);
        util_buf_addf(d, "%s ", numg(a, ch->q));
        char *txt = util_fmt("%s%s%s", ch->diff > 0 ? "+" : "", num(a, ch->diff, 1),
                             ch->flag == RES_IMPROVED   ? TR(c->zh, " ▲ improved")
                             : ch->flag == RES_DECLINED ? TR(c->zh, " ▼ declined")
                                                        : "");
        dat_q(d, txt);
        util_buf_addc(d, ' ');
        dat_q(d, dim_label(&r->dims[ch->dim]));
        util_buf_addc(d, '\n');
        free(txt);
    }
    util_buf_t *s = &pf.gp;
    gp_rows_head(s, &pf, title, xlo, xhi, n, TR(c->zh, "mean score (0-100)"));
    for (size_t k = 0; k < n; k++)
        gp_ytic(s, dim_label(&r->dims[r->changes[rows[k]].dim]), k, k + 1 == n);
    util_buf_adds(s, "right(a, b) = (a > b ? a : b)\n"
                     "plot 'change.dat' using 2:1:($3 - $2):(0) with vectors head filled size screen 0.012,25 lw 2 "
                     "lc rgb '#a0a0a0' notitle, \\\n"
                     "  '' using 2:1 with points pt 6 ps 1.4 lc rgb '" C_INK "' title ");
    gp_q(s, w0);
    util_buf_adds(s, ", \\\n  '' using 3:1 with points pt 7 ps 1.4 lc rgb '" C_INK "' title ");
    gp_q(s, w1);
    int improved = 0, declined = 0;
    for (size_t k = 0; k < n; k++) {
        improved |= r->changes[rows[k]].flag == RES_IMPROVED;
        declined |= r->changes[rows[k]].flag == RES_DECLINED;
    }
    if (improved) {
        util_buf_adds(s, ", \\\n  '' using ($5 == 1 ? $3 : NaN):1 with points pt 9 ps 2 lc rgb '" C_HIGH "' title ");
        gp_q(s, TR(c->zh, "improved (▲)"));
    }
    if (declined) {
        util_buf_adds(s, ", \\\n  '' using ($5 == 2 ? $3 : NaN):1 with points pt 11 ps 2 lc rgb '" C_LOW "' title ");
        gp_q(s, TR(c->zh, "declined (▼)"));
    }
    util_buf_adds(s, ", \\\n  '' using (right($2, $3)):1:7 with labels left offset 1.5,0 font \",9\" notitle\n");
    int rc = emit(c, &pf, PLOT_CHANGE, "change", title, -1, -1, err);
    free(w0);
    free(w1);
    free(title);
    free(rows);
    pf_free(&pf);
    return rc;
}

static int cmp_rate_v(const void *a, const void *b, const void *ctx)
{
    const res_t *r = ctx;
    double x = r->groups[*(const size_t *)a].response_rate, y = r->groups[*(const size_t *)b].response_rate;
    return x < y ? -1 : x > y ? 1 : 0;
}

static int plot_response(pctx_t *c, err_t *err)
{
    const res_t *r = c->r;
    char a[40];
    size_t *rows = util_xcalloc(c->nshown + 1, sizeof *rows), n = 0;
    double sn = 0, sinv = 0, hi = 1;
    for (size_t k = 0; k < c->nshown; k++) {
        const res_group_t *g = &r->groups[c->shown[k]];
        if (!isfinite(g->response_rate) || !isfinite(g->invited) || !(g->invited > 0))
            continue;
        rows[n++] = c->shown[k];
        sn += (double)res_responded(r, g);   /* the responses the rates count */
        sinv += g->invited;
        hi = fmax(hi, g->response_rate);
    }
    if (!n) {
        free(rows);
        return 0;
    }
    sort_idx(rows, n, r, cmp_rate_v);
    /* at province scale, the lowest rates are the ones to act on; every
     * rate is in the report's table and groups.csv */
    size_t nall = n;
    if (n > PLOT_ROWS_MAX)
        n = PLOT_ROWS_MAX;
    pfile_t pf = {.width = 820, .height = (int)(160 + n * 19)};
    if (pf.height < 320)
        pf.height = 320;
    char *title = n < nall ? util_fmt(c->unit_groups ? TR(c->zh, "Response rate by unit: the %zu lowest of %zu")
                                                     : TR(c->zh, "Response rate by group: the %zu lowest of %zu"),
                                      n, nall)
                           : util_xstrdup(c->unit_groups ? TR(c->zh, "Response rate by unit (lowest first)")
                                                         : TR(c->zh, "Response rate by group (lowest first)"));
    util_buf_t *d = &pf.dat;
    util_buf_addf(d, "# response: one row per shown group with a known number invited, lowest first "
                     "(the lowest %d when there are more)\n",
                  PLOT_ROWS_MAX);
    util_buf_adds(d,
                     "# row rate_percent responses invited text group\n");
    for (size_t k = 0; k < n; k++) {
        const res_group_t *g = &r->groups[rows[k]];
        long resp = res_responded(r, g);
        util_buf_addf(d, "%zu %s %ld ", k, num(a, 100 * g->response_rate, 2), resp);
        util_buf_addf(d, "%s ", num(a, g->invited, 0));
        char b2[40];
        char *txt = util_fmt("%s%% (%ld/%s)", num(a, 100 * g->response_rate, 0), resp, num(b2, g->invited, 0));
        dat_q(d, txt);
        util_buf_addc(d, ' ');
        char *lab = group_label(c, g, 30);
        dat_q(d, lab);
        util_buf_addc(d, '\n');
        free(lab);
        free(txt);
    }
    util_buf_t *s = &pf.gp;
    gp_head(s, title);
    util_buf_addf(s, "set xrange [0:%s]\nset yrange [%zu.6:-0.6]\n", num(a, 100 * hi * 1.25, 0), n - 1);
    /* the room right of the bars is for their labels: the scale stops at
     * 100% (or the highest rate), not at a rate of 120% */
    util_buf_addf(s, "set grid xtics lc rgb '#e5e5e5'\nset xtics 0, 20, %s nomirror\nunset key\nset xlabel ",
                  num(a, 20 * ceil(5 * hi), 0));
    gp_q(s, TR(c->zh, "response rate (%)"));
    util_buf_addf(s, "\noverall = %s\n", num(a, 100 * sn / sinv, 2));
    util_buf_adds(s, "set arrow 1 from overall, graph 0 to overall, graph 1 nohead dt 2 lc rgb '" C_INK "' back\n"
                     "set label 1 ");
    char *ov = util_fmt(TR(c->zh, "overall %s%%"), num(a, 100 * sn / sinv, 0));
    gp_q(s, ov);
    free(ov);
    util_buf_adds(s, " at overall, graph 1 offset 0.5,0.6 left font \",9\"\n");
    gp_ytics_begin(s);
    for (size_t k = 0; k < n; k++) {
        char *lab = group_label(c, &r->groups[rows[k]], 30);
        gp_ytic(s, lab, k, k + 1 == n);
        free(lab);
    }
    util_buf_adds(s, "plot 'response.dat' using ($2 / 2):1:($2 / 2):(0.36) with boxxyerror "
                     "fs solid 1.0 noborder fc rgb '#5b7fa6', \\\n"
                     "  '' using 2:1:5 with labels left offset 0.6,0 boxed font \",9\"\n");
    int rc = emit(c, &pf, PLOT_RESPONSE, "response", title, -1, -1, err);
    free(title);
    free(rows);
    pf_free(&pf);
    return rc;
}

/* The scree plot: the leading eigenvalues of the correlation matrix and
 * of the reduced one against the 95th percentiles of parallel analysis;
 * where an observed value lies above its simulated one, the factor is
 * more than noise. */
static int plot_scree(pctx_t *c, err_t *err)
{
    const res_validity_t *v = c->r->validity;
    if (!v || !v->eigen || v->nitems < 2)
        return 0;
    size_t n = v->nitems < 15 ? v->nitems : 15;
    pfile_t pf = {.width = 820, .height = 560};
    char a[40], b[40], e[40], f[40];
    util_buf_adds(&pf.dat, "# scree: one row per factor number\n"
                           "# k eigenvalue simulated_95 eigenvalue_reduced simulated_95_reduced\n");
    for (size_t k = 0; k < n; k++)
        util_buf_addf(&pf.dat, "%zu %s %s %s %s\n", k + 1, num(a, v->eigen[k], 4),
                      num(b, v->pa_pc95 ? v->pa_pc95[k] : NAN, 4), num(e, v->eigen_reduced[k], 4),
                      num(f, v->pa_fa95 ? v->pa_fa95[k] : NAN, 4));
    util_buf_t *s = &pf.gp;
    const char *title = TR(c->zh, "Eigenvalues and parallel analysis");
    gp_head(s, title);
    util_buf_addf(s, "set xrange [0.5:%zu.5]\nset xtics 1\nset grid lc rgb '#e5e5e5'\nset xlabel ", n);
    gp_q(s, TR(c->zh, "factor number"));
    util_buf_adds(s, "\nset ylabel ");
    gp_q(s, TR(c->zh, "eigenvalue"));
    util_buf_adds(s, "\n");
    gp_key_below(s, &pf, 2, 1);
    /* the SVG terminal takes the longest English entry for wider than it
     * is, so without this its key falls back to one column of four rows
     * over the x label */
    util_buf_adds(s, "set key width -2\n");
    util_buf_adds(s, "plot 'scree.dat' using 1:2 with linespoints pt 7 lw 1.5 lc rgb '" C_INK "' title ");
    gp_q(s, TR(c->zh, "observed (components)"));
    util_buf_adds(s, ", \\\n  '' using 1:4 with linespoints pt 5 lw 1.5 lc rgb '" C_HIGH "' title ");
    gp_q(s, TR(c->zh, "observed (factors, reduced matrix)"));
    if (v->pa_pc95) {
        util_buf_adds(s, ", \\\n  '' using 1:3 with lines dt 2 lw 1.5 lc rgb '" C_INK "' title ");
        gp_q(s, TR(c->zh, "simulated 95th percentile (components)"));
        util_buf_adds(s, ", \\\n  '' using 1:5 with lines dt 2 lw 1.5 lc rgb '" C_HIGH "' title ");
        gp_q(s, TR(c->zh, "simulated 95th percentile (factors)"));
    }
    util_buf_adds(s, "\n");
    int rc = emit(c, &pf, PLOT_SCREE, "scree", title, -1, -1, err);
    pf_free(&pf);
    return rc;
}

/* The priority matrix: each dimension's mean score (x) against its
 * importance, the LMG share of R^2 in percent (y), the medians drawn;
 * the first priorities (important, scoring low) filled red. */
static int plot_priority(pctx_t *c, err_t *err)
{
    const res_t *r = c->r;
    const res_drvfit_t *F = r->drivers ? &r->drivers->all : NULL;
    if (!F || F->status != RES_V_OK || !isfinite(F->imp_median))
        return 0;
    double xlo = INFINITY, xhi = -INFINITY, yhi = 0;
    char a[40], b[40];
    pfile_t pf = {.width = 820, .height = 620};
    util_buf_adds(&pf.dat, "# priority: one row per dimension\n"
                           "# mean importance_percent first_priority label dimension\n");
    for (size_t d = 0; d < r->ndims; d++) {
        if (F->quadrant[d] == RES_Q_NONE)
            continue;
        xlo = fmin(xlo, F->mean[d]);
        xhi = fmax(xhi, F->mean[d]);
        yhi = fmax(yhi, 100 * F->lmg_share[d]);
        util_buf_addf(&pf.dat, "%s %s %d ", num(a, F->mean[d], 3), num(b, 100 * F->lmg_share[d], 3),
                      F->quadrant[d] == RES_Q_PRIORITY);
        dat_q(&pf.dat, dim_label(&r->dims[d]));
        util_buf_addc(&pf.dat, ' ');
        dat_q(&pf.dat, r->dims[d].code);
        util_buf_addc(&pf.dat, '\n');
    }
    double span = xhi - xlo < 6 ? 6 : xhi - xlo;
    xlo = clampd(floor(xlo - 0.25 * span), 0, 100);
    xhi = clampd(ceil(xhi + 0.35 * span), 0, 100);
    util_buf_t *s = &pf.gp;
    const char *title = TR(c->zh, "Priority matrix: importance for the overall judgement and mean score");
    gp_head(s, title);
    util_buf_addf(s, "set xrange [%s:", num(a, xlo, 0));
    util_buf_addf(s, "%s]\nset yrange [0:", num(a, xhi, 0));
    util_buf_addf(s, "%s]\nset grid lc rgb '#eeeeee'\nset xlabel ", num(a, ceil(yhi * 1.25 + 1), 0));
    gp_q(s, TR(c->zh, "mean score (0-100)"));
    util_buf_adds(s, "\nset ylabel ");
    /* xgettext:no-c-format */
    gp_q(s, TR(c->zh, "importance: share of the explained variance (%)"));
    util_buf_addf(s, "\nxm = %s\n", num(a, F->perf_median, 3));
    util_buf_addf(s, "ym = %s\n", num(a, 100 * F->imp_median, 3));
    util_buf_adds(s, "set arrow 1 from xm, graph 0 to xm, graph 1 nohead dt 2 lc rgb '" C_MUTED "'\n"
                     "set arrow 2 from graph 0, first ym to graph 1, first ym nohead dt 2 lc rgb '" C_MUTED "'\n"
                     "set label 3 ");
    gp_q(s, TR(c->zh, "first priority: important, low score"));
    util_buf_adds(s, " at graph 0.02, graph 0.96 left tc rgb '" C_LOW "'\nset label 4 ");
    gp_q(s, TR(c->zh, "strength: important, high score"));
    util_buf_adds(s, " at graph 0.98, graph 0.96 right tc rgb '" C_MUTED "'\nset label 5 ");
    gp_q(s, TR(c->zh, "lower priority"));
    util_buf_adds(s, " at graph 0.02, graph 0.04 left tc rgb '" C_MUTED "'\nset label 6 ");
    gp_q(s, TR(c->zh, "less important, high score"));
    util_buf_adds(s, " at graph 0.98, graph 0.04 right tc rgb '" C_MUTED "'\n");
    gp_key_below(s, &pf, 1, 1);
    util_buf_adds(s, "plot 'priority.dat' using ($3 > 0 ? NaN : $1):2 with points pt 6 ps 1.8 lc rgb '" C_INK
                     "' title ");
    gp_q(s, TR(c->zh, "dimension"));
    util_buf_adds(s, ", \\\n  '' using ($3 > 0 ? $1 : NaN):2 with points pt 7 ps 2 lc rgb '" C_LOW "' title ");
    gp_q(s, TR(c->zh, "first priority (filled)"));
    util_buf_adds(s, ", \\\n  '' using 1:2:4 with labels left offset 1.3,0 notitle\n");
    int rc = emit(c, &pf, PLOT_PRIORITY, "priority", title, -1, -1, err);
    pf_free(&pf);
    return rc;
}

void plot_list_free(plot_t *plots, size_t n)
{
    if (!plots)
        return;
    for (size_t i = 0; i < n; i++) {
        free(plots[i].base);
        free(plots[i].title);
    }
    free(plots);
}

int plot_all_progress(const res_t *r, const char *dir, plot_progress_fn fn, void *arg, plot_t **plots,
                      size_t *nplots, err_t *err)
{
    pctx_t c = {.r = r, .dir = dir};
    int rc = -1;
    size_t *radar = NULL, nradar = 0, nflagged = 0, done = 0, total;
    *plots = NULL;
    *nplots = 0;
    c.zh = r->lang && strcmp(r->lang, "zh") == 0;
    c.unit_groups = !r->group_by || strcmp(r->group_by, "unit") == 0;
    if (fs_mkdir_p(dir, err) != 0 || plot_clear(dir, err) != 0)
        goto cleanup;
    c.shown = util_xcalloc(r->ngroups + 1, sizeof *c.shown);
    for (size_t i = 0; i < r->ngroups; i++)
        if (shown_group(r, i))
            c.shown[c.nshown++] = i;
    /* radar plots for the most notable flagged groups only: one gnuplot
     * run each, over a thousand at province scale */
    if (r->ndims >= 3) {
        radar = util_xcalloc(PLOT_RADAR_MAX, sizeof *radar);
        nradar = plot_notable(r, radar, PLOT_RADAR_MAX, &nflagged);
        if (nradar > nflagged)
            nradar = nflagged;
    }
    total = 2 + 3 * r->ndims + nradar + (r->compare_wave != NULL) + 1 + (r->validity != NULL) +
            (r->drivers != NULL);
#define TOLD()                            \
    do {                                  \
        if (fn)                           \
            fn(arg, ++done, total);       \
    } while (0)
    if (plot_heatmap(&c, err) != 0)
        goto cleanup;
    TOLD();
    if (plot_means(&c, err) != 0)
        goto cleanup;
    TOLD();
    for (size_t j = 0; j < r->ndims; j++) {
        if (plot_funnel(&c, j, err) != 0)
            goto cleanup;
        TOLD();
        if (plot_likert(&c, j, err) != 0)
            goto cleanup;
        TOLD();
        if (plot_dumbbell(&c, j, err) != 0)
            goto cleanup;
        TOLD();
    }
    for (size_t k = 0; k < nradar; k++) {
        if (plot_radar(&c, radar[k], err) != 0)
            goto cleanup;
        TOLD();
    }
    if (r->compare_wave) {
        if (plot_change(&c, err) != 0)
            goto cleanup;
        TOLD();
    }
    if (plot_response(&c, err) != 0)
        goto cleanup;
    TOLD();
    if (r->validity) {
        if (plot_scree(&c, err) != 0)
            goto cleanup;
        TOLD();
    }
    if (r->drivers) {
        if (plot_priority(&c, err) != 0)
            goto cleanup;
        TOLD();
    }
#undef TOLD
    if (c.first_err.code != ERR_OK) {
        err_move(err, &c.first_err);
        goto cleanup;
    }
    rc = 0;
cleanup:
    *plots = c.plots;
    *nplots = c.n;
    err_clear(&c.first_err);
    free(c.shown);
    free(radar);
    return rc;
}

int plot_all(const res_t *r, const char *dir, plot_t **plots, size_t *nplots, err_t *err)
{
    return plot_all_progress(r, dir, NULL, NULL, plots, nplots, err);
}
