/*
 * simulate: fills the store with a synthetic city — staff opinion
 * responses and one self-assessment per unit — so the analysis and the
 * report can be tried, taught and tested against a known truth.
 *
 * The model, on the POMP 0-100 scale that the analysis reports:
 *
 *   latent(respondent i in unit u, dimension d)
 *       = city_mean[d]                       political 72, clean 70, learning 68,
 *                                            vibrant 66, efficient 65,
 *                                            understanding 60, planning 58 (the
 *                                            seed report names the last two as
 *                                            the campaign's gaps); 65 otherwise
 *       + general[u] + specific[u][d]        unit effect: normal sd 3 shared by
 *                                            the unit's dimensions plus normal sd
 *                                            3 per dimension (sd ~4.2 in all,
 *                                            correlated across dimensions as
 *                                            real unit climates are)
 *       + person[i]                          normal sd 8, shared across the
 *                                            respondent's dimensions (some people
 *                                            answer everything kindly)
 *       + person_dim[i][d]                   normal sd 7: the respondent's own
 *                                            view of this dimension
 *       + plant[u][d]                        --plant deltas
 *
 *   answer = round(min + (max-min)*latent/100 + item noise (normal sd 0.45)),
 *            clamped to the list's range; a reverse-worded item stores
 *            min+max-answer (who agrees with the construct disagrees with
 *            "the plan just copies higher-level documents").
 *
 * The sizes are calibrated to what agency climate surveys usually show:
 * Cronbach's alpha 0.75-0.82 per dimension, a dimension score sd of about
 * 13 points, item sd about 0.9, ICC(1) 0.05-0.17.  A person-by-dimension
 * term with modest item noise is what gets alpha there; a shared person
 * effect with large item noise alone gives alpha near 0.55.  At these
 * sizes a -15 point plant in a unit of 30 is found in 99% of seeds
 * (tests/detector/weak_units.py measures it).
 *
 * A share `missing` of staff Likert answers is left blank at random.
 * Background questions follow plausible shares (most staff are clerks;
 * party membership and years of service rise with rank); the unit question
 * gets the unit code where the form lists it (as import does, a code the
 * list lacks leaves it blank: responses.unit still says which unit); about
 * 10% of respondents leave one of 15 short comments echoing the seed
 * report's concerns; every other non-Likert question is left blank unless
 * it is required.
 *
 * Respondents per unit: where headcounts are known, the unit's headcount
 * times one city-wide response rate (`staff` / mean headcount: about 58%
 * for the sample list at the default 30) give or take 15%, never more than
 * the headcount, so big units answer in proportion and a few fall under
 * the 50% that the report calls low; where a headcount is unknown,
 * uniformly 40%-160% of `staff`.  When
 * there are 20 units or more, one in twenty (the smallest, never a planted
 * or overclaiming one) gets only 2-4 respondents, so the anonymity rules
 * have something to suppress.
 *
 * Self-assessment, one per unit, answered without blanks: latent = the
 * unit's true staff-side mean (city mean + unit effect + plant) + a bias
 * (normal mean 1, sd 2, for the unit) + a normal sd 2 per dimension, items
 * with noise sd 0.3.  Even an honest unit shows gaps of several points: one
 * respondent's answers to five 5-point items move in steps of 5 points.
 * With `unbiased_self` the self-assessment is instead drawn exactly like
 * one more staff member of the unit (person effects, item noise and all,
 * from a stream of its own): the null model of the self-vs-staff gap
 * rule, under which a self score is one draw from the staff's
 * distribution.  An --overclaim unit answers every self item at the top of
 * its scale (reverse-worded ones at the bottom), whichever model is used.
 * Bonus items: a "yes"
 * with probability 0.6/points and counts averaging 1.2/points; deductions:
 * counts averaging 0.5/|points| (mostly 0); both shifted a little by the
 * unit's general effect, so good units earn more bonuses.
 *
 * Reproducibility: xoshiro256** seeded through splitmix64, one stream per
 * unit derived from the seed and the unit's code, so a unit's data do not
 * depend on which other units are simulated, and options such as --plant
 * or --missing change only what they are about (every random number is
 * drawn whether it is used or not).  Normals are the sum of 12 uniforms
 * minus 6 rather than Box-Muller: log() and cos() may differ in the last
 * bit between C libraries, and a flipped bit could round one answer
 * differently; sums and products of doubles are the same everywhere.
 */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "survey/answers.h"
#include "base/fs.h"
#include "base/i18n.h"
#include "survey/simulate.h"
#include "survey/units.h"

#define STAFF_FILE "questionnaires/staff-opinion.csv"
#define SELF_FILE "questionnaires/five-type-self-assessment.csv"
#define UNITS_FILE "questionnaires/units-sample.csv"

#define CITY_MEAN_OTHER 65.0
#define SD_UNIT_GENERAL 3.0
#define SD_UNIT_DIM 3.0
#define SD_PERSON 8.0
#define SD_PERSON_DIM 7.0
#define SD_ITEM 0.45
#define SELF_BIAS 1.0
#define SD_SELF_BIAS 2.0
#define SD_SELF_DIM 2.0
#define SD_SELF_ITEM 0.3
#define COMMENT_RATE 0.10
#define MAX_UNITS 10000
#define MAX_STAFF 10000

static const struct {
    const char *code;
    double mean;
} city_means[] = {
    {"political", 72}, {"clean", 70},         {"learning", 68}, {"vibrant", 66},
    {"efficient", 65}, {"understanding", 60}, {"planning", 58},
};

/* The concerns of the seed report, in staff's words. */
static const char *const comments[] = {
    "建议领导班子把模范机关创建真正作为全局工作来抓，不要只交给机关党办。",
    "创建方案要结合本单位职能和行业特色，不要照搬上级文件。",
    "希望创建工作少开会、少发文，多抓落实。",
    "创建活动要有具体载体和抓手，不要停留在纸面上。",
    "建议明确党组、机关党组织和各支部的责任分工，层层压实责任。",
    "普通干部对创建的目标和要求了解不多，建议加强宣传动员。",
    "学习形式比较单一，多是念文件，希望多一些研讨和案例交流。",
    "党建和业务“两张皮”的问题仍然存在，建议结合中心工作开展创建。",
    "建议减少填表报材料，把精力放在为企业和群众办实事上。",
    "科室之间协作还不够顺畅，有时存在推诿扯皮现象。",
    "希望多关心年轻干部成长，提供更多锻炼机会。",
    "评先评优应更加公开透明，向一线干部倾斜。",
    "明察暗访发现的问题要真改实改，不能“说了当做了”。",
    "建议把创建工作与年度综合考核结合起来，考核结果与评优挂钩。",
    "创建工作总体不错，希望坚持下去，形成长效机制。",
};
#define NCOMMENTS (sizeof comments / sizeof comments[0])

/* ---- random numbers ---- */

typedef struct {
    uint64_t s[4];
} rng_t;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* A stream from the seed and a label (the unit code), so each unit has its
 * own stream whatever else is simulated. */
static void rng_seed(rng_t *r, uint64_t seed, const char *label)
{
    uint64_t h = 1469598103934665603ULL;   /* FNV-1a */
    for (const char *p = label; *p; p++) {
        h ^= (unsigned char)*p;
        h *= 1099511628211ULL;
    }
    uint64_t x = seed ^ splitmix64(&h);
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(rng_t *r)   /* xoshiro256** */
{
    uint64_t *s = r->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

static double rng_unif(rng_t *r)   /* [0, 1), exact multiples of 2^-53 */
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

static double rng_normal(rng_t *r, double mean, double sd)
{
    double z = -6.0;
    for (int i = 0; i < 12; i++)
        z += rng_unif(r);
    return mean + sd * z;
}

static int rng_below(rng_t *r, int n)
{
    return (int)(rng_unif(r) * n);
}

/* A count with mean lambda (< 20): binomial(20, lambda/20), close to Poisson
 * for the small rates used here, without exp(). */
static int rng_count(rng_t *r, double lambda)
{
    double p = lambda / 20.0;
    int k = 0;
    for (int i = 0; i < 20; i++)
        k += rng_unif(r) < p;
    return k;
}

static double clamp(double x, double lo, double hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

/* ---- the run ---- */

typedef struct {
    char *code, *name, *category;
    long headcount;     /* -1 unknown */
    int id;             /* units.id; 0 until stored */
} unit_t;

typedef struct {
    unit_t *u;
    rng_t rng;
    int nstaff;
    int overclaim;
    double general, self_bias;
    double *effect;     /* per staff-form dimension: specific effect + plants */
} sunit_t;

typedef struct {
    form_t *f;
    int id;             /* forms.id; 0 until stored */
    int *item_ids;
    size_t nitem_ids;
} sform_t;

typedef struct {
    store_t *s;
    const sim_opts_t *o;
    sform_t staff, self;
    unit_t *units;      /* stored ones (id set) and ones to add (id 0) */
    size_t nunits;
    sunit_t *sim;       /* the first o->units units by code */
    size_t nsim;
    double *city;       /* per staff-form dimension */
    double *latent;     /* scratch: one respondent's latent per dimension */
    int wave;           /* 0 = create it */
    char today[11];
} sim_t;

void sim_opts_init(sim_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->units = 40;
    o->staff = 30;
    o->seed = 1;
    o->missing = 0.03;
    o->unit_effects = 1.0;
}

int sim_parse_plants(const char *spec, sim_plant_t **plants, size_t *n, err_t *err)
{
    int rc = -1;
    char *copy = util_xstrdup(spec), *save = NULL;
    sim_plant_t *out = NULL;
    size_t k = 0;
    for (char *e = strtok_r(copy, ",", &save); e; e = strtok_r(NULL, ",", &save)) {
        char *entry = util_trim(e);
        char *c1 = strchr(entry, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        double d;
        if (!c2) {
            err_set(err, ERR_INPUT, _("plant '%s' is not UNIT:DIMENSION:DELTA (e.g. "
                                      "U07:planning:-15)"), entry);
            goto cleanup;
        }
        *c1 = *c2 = '\0';
        const char *unit = util_trim(entry), *dim = util_trim(c1 + 1);
        char *delta = util_trim(c2 + 1);
        if (!*unit || !*dim || strlen(unit) >= sizeof out->unit || strlen(dim) >= sizeof out->dim) {
            err_set(err, ERR_INPUT, _("plant '%s:%s:%s' needs a unit code and a dimension code"),
                    unit, dim, delta);
            goto cleanup;
        }
        if (util_parse_double(delta, &d) != 0 || d < -100 || d > 100) {
            err_set(err, ERR_INPUT, _("plant %s:%s: delta '%s' is not a number of POMP points from "
                                      "-100 to 100"), unit, dim, delta);
            goto cleanup;
        }
        out = util_xrealloc(out, (k + 1) * sizeof *out);
        memset(&out[k], 0, sizeof out[k]);
        strcpy(out[k].unit, unit);
        strcpy(out[k].dim, dim);
        out[k].delta = d;
        k++;
    }
    if (k == 0) {
        err_set(err, ERR_INPUT, _("no plant in '%s' (expected UNIT:DIMENSION:DELTA)"), spec);
        goto cleanup;
    }
    *plants = util_xrealloc(*plants, (*n + k) * sizeof **plants);
    memcpy(*plants + *n, out, k * sizeof *out);
    *n += k;
    rc = 0;
cleanup:
    free(out);
    free(copy);
    return rc;
}

/* Unit codes in natural order, so U9 < U10 < U100 and "the first 40 units"
 * are U01..U40 even when U100 exists. */
static int code_cmp(const char *a, const char *b)
{
    const char *p = a, *q = b;
    while (*p && *q) {
        if (isdigit((unsigned char)*p) && isdigit((unsigned char)*q)) {
            while (*p == '0')
                p++;
            while (*q == '0')
                q++;
            size_t lp = 0, lq = 0;
            while (isdigit((unsigned char)p[lp]))
                lp++;
            while (isdigit((unsigned char)q[lq]))
                lq++;
            if (lp != lq)
                return lp < lq ? -1 : 1;
            int c = memcmp(p, q, lp);
            if (c)
                return c;
            p += lp;
            q += lq;
        } else {
            if (*p != *q)
                return (unsigned char)*p < (unsigned char)*q ? -1 : 1;
            p++;
            q++;
        }
    }
    if (*p || *q)
        return *p ? 1 : -1;
    return strcmp(a, b);   /* U01 vs U1: any fixed order */
}

static int unit_cmp(const void *a, const void *b)
{
    return code_cmp(((const unit_t *)a)->code, ((const unit_t *)b)->code);
}

static unit_t *find_unit(sim_t *m, const char *code)
{
    for (size_t i = 0; i < m->nunits; i++)
        if (strcmp(m->units[i].code, code) == 0)
            return &m->units[i];
    return NULL;
}

static void add_unit(sim_t *m, const char *code, const char *name, const char *category,
                     long headcount, int id)
{
    m->units = util_xrealloc(m->units, (m->nunits + 1) * sizeof *m->units);
    unit_t *u = &m->units[m->nunits++];
    u->code = util_xstrdup(code);
    u->name = util_xstrdup(name);
    u->category = util_xstrdup(category && *category ? category : NULL);
    u->headcount = headcount;
    u->id = id;
}

static int on_stored_unit(void *ud, const store_unit_t *u)
{
    add_unit(ud, u->code, u->name, u->category, u->headcount, u->id);
    return 0;
}

/* Adds the sample list's units that are not stored yet, in the list's
 * order, until need are added; rows without a code or a name are passed
 * over, and a bad headcount counts as unknown. */
static void add_sample(sim_t *m, const units_list_t *l, size_t need)
{
    for (size_t i = 0; i < l->n && need > 0; i++) {
        const store_unit_t *u = &l->units[i];
        if (!*u->code || !*u->name || find_unit(m, u->code))
            continue;
        add_unit(m, u->code, u->name, u->category, u->headcount, 0);
        need--;
    }
}

/* A made-up unit beyond the sample list; it depends only on its number, so
 * U41 is the same unit whatever the seed. */
static void add_generated(sim_t *m, int k)
{
    static const struct {
        const char *category, *fmt;
        double share;
    } kinds[] = {{"政府部门", "市第%d局", 0.65},
                 {"党委部门", "市委第%d办公室", 0.20},
                 {"事业单位", "市第%d服务中心", 0.08},
                 {"群团组织", "市第%d协会", 0.07}};
    char code[32], name[64];
    snprintf(code, sizeof code, "U%02d", k);
    rng_t r;
    rng_seed(&r, 0, code);
    double u = rng_unif(&r), acc = 0;
    size_t kind = 0;
    for (; kind + 1 < sizeof kinds / sizeof kinds[0]; kind++)
        if (u < (acc += kinds[kind].share))
            break;
    snprintf(name, sizeof name, kinds[kind].fmt, k);
    long hc = 15 + (long)(rng_unif(&r) * 40) + (long)(rng_unif(&r) * 40);
    add_unit(m, code, name, kinds[kind].category, hc, 0);
}

/* Makes sure o->units units will exist: the stored ones, then the sample
 * list's, then generated ones.  Nothing is written yet. */
static int plan_units(sim_t *m, err_t *err)
{
    int rc = -1;
    char *path = NULL;
    units_list_t l = {0};
    util_diag_t diag = {0};   /* the shipped list is valid; a bad row is passed over */
    if (store_unit_list(m->s, on_stored_unit, m, err) != 0)
        goto cleanup;
    size_t want = (size_t)m->o->units;
    int next = 41;
    if (m->nunits < want && (path = fs_find_data(UNITS_FILE))) {
        if (units_read_file(path, &l, &diag, err) != 0)
            goto cleanup;
        add_sample(m, &l, want - m->nunits);
    } else if (m->nunits < want) {
        next = 1;   /* no sample list: every missing unit is made up */
    }
    for (; m->nunits < want; next++) {
        char code[32];
        snprintf(code, sizeof code, "U%02d", next);
        if (!find_unit(m, code))
            add_generated(m, next);
    }
    rc = 0;
cleanup:
    free(path);
    units_list_free(&l);
    util_diag_free(&diag);
    return rc;
}

/* Loads a shipped questionnaire; the stored newest version of the same
 * form_id wins (it may be a newer edit), else the file's is added later. */
static int plan_form(sim_t *m, sform_t *sf, const char *rel, const char *form_id,
                     form_role_t role, err_t *err)
{
    int rc = -1;
    char *path = fs_find_data(rel);
    form_t *loaded = NULL;
    util_diag_t d = {0};
    if (path) {
        if (form_load_file(path, &loaded, &d) != 0) {
            const char *first = "not a questionnaire";
            for (size_t i = d.n; i-- > 0;)
                if (d.sev[i] == UTIL_ERROR)
                    first = d.msgs[i];
            err_set(err, ERR_INPUT, "%s", first);
            goto cleanup;
        }
        form_id = loaded->form_id;
    }
    int r = store_form_get(m->s, form_id, &sf->f, &sf->id, err);
    if (r < 0)
        goto cleanup;
    if (r == 1) {
        if (!loaded) {
            err_set(err, ERR_NOTFOUND, _("cannot find %s and no form '%s' is stored; add it with "
                                         "'gapsurvey form add' or set GAPSURVEY_DATA to the folder "
                                         "holding questionnaires/"), rel, form_id);
            goto cleanup;
        }
        sf->f = loaded;
        sf->id = 0;
        loaded = NULL;
    }
    if (sf->f->role != role) {
        err_set(err, ERR_FAIL, _("form %s has role %s; simulate needs it to be %s"), sf->f->form_id,
                form_role_name(sf->f->role), form_role_name(role));
        goto cleanup;
    }
    rc = 0;
cleanup:
    form_free(loaded);
    util_diag_free(&d);
    free(path);
    return rc;
}

static int count_cb(void *ud, int unit, long n)
{
    (void)unit;
    *(long *)ud += n;
    return 0;
}

static int count_waves(void *ud, const store_wave_t *w)
{
    (void)w;
    (*(int *)ud)++;
    return 0;
}

/* Finds the wave (0 when it will be created) and refuses one that already
 * holds responses to either form: a second run would double the city. */
static int plan_wave(sim_t *m, err_t *err)
{
    const char *name = m->o->wave;
    int r;
    if (name) {
        if (!*name) {
            err_set(err, ERR_FAIL, _("the wave name is empty"));
            return -1;
        }
        r = store_wave_find(m->s, name, &m->wave, err);
    } else {
        r = store_wave_current(m->s, 0, &m->wave, err);
        if (r == 1) {
            int nw = 0;
            if (store_wave_list(m->s, count_waves, &nw, err) != 0)
                return -1;
            if (nw > 0) {
                err_set(err, ERR_FAIL, _("every wave is closed; open one with 'gapsurvey wave add "
                                         "NAME' or give --wave"));
                return -1;
            }
        }
    }
    if (r < 0)
        return -1;
    if (r == 1) {
        m->wave = 0;
        return 0;
    }
    sform_t *forms[2] = {&m->staff, &m->self};
    for (int i = 0; i < 2; i++) {
        long n = 0;
        if (store_count_by_unit(m->s, forms[i]->f->form_id, m->wave, count_cb, &n, err) != 0)
            return -1;
        if (n > 0) {
            char *wn = NULL;
            store_wave_name(m->s, m->wave, &wn, NULL);
            err_set(err, ERR_FAIL, _("wave %s already holds %ld responses to %s; simulate into "
                                     "another wave with --wave NAME (or a fresh database)"),
                    wn ? wn : "?", n, forms[i]->f->form_id);
            free(wn);
            return -1;
        }
    }
    return 0;
}

static int sim_unit_index(const sim_t *m, const char *code)
{
    for (size_t i = 0; i < m->nsim; i++)
        if (strcmp(m->sim[i].u->code, code) == 0)
            return (int)i;
    return -1;
}

static void unknown_unit(const sim_t *m, const char *what, const char *code, err_t *err)
{
    err_set(err, ERR_FAIL, _("%s: unit '%s' is not one of the %zu simulated units (%s..%s)"), what,
            code, m->nsim, m->sim[0].u->code, m->sim[m->nsim - 1].u->code);
}

/* Draws the unit effects and sizes, applies plants and overclaim. */
static int plan_sim(sim_t *m, err_t *err)
{
    const sim_opts_t *o = m->o;
    const form_t *sf = m->staff.f;
    qsort(m->units, m->nunits, sizeof *m->units, unit_cmp);
    m->nsim = (size_t)o->units;
    m->sim = util_xcalloc(m->nsim, sizeof *m->sim);
    m->city = util_xcalloc(sf->ndims + 1, sizeof *m->city);
    m->latent = util_xcalloc(sf->ndims + m->self.f->ndims + 1, sizeof *m->latent);
    for (size_t d = 0; d < sf->ndims; d++) {
        m->city[d] = CITY_MEAN_OTHER;
        for (size_t c = 0; c < sizeof city_means / sizeof city_means[0]; c++)
            if (strcmp(sf->dims[d].code, city_means[c].code) == 0)
                m->city[d] = city_means[c].mean;
    }
    double hcsum = 0;
    int hcn = 0;
    for (size_t i = 0; i < m->nsim; i++)
        if (m->units[i].headcount > 0)
            hcsum += (double)m->units[i].headcount, hcn++;
    double hcmean = hcn ? hcsum / hcn : 0;
    double *small = util_xcalloc(m->nsim, sizeof *small);
    for (size_t i = 0; i < m->nsim; i++) {
        sunit_t *su = &m->sim[i];
        su->u = &m->units[i];
        rng_seed(&su->rng, (uint64_t)o->seed, su->u->code);
        su->general = rng_normal(&su->rng, 0, SD_UNIT_GENERAL * o->unit_effects);
        su->effect = util_xcalloc(sf->ndims + 1, sizeof *su->effect);
        for (size_t d = 0; d < sf->ndims; d++)
            su->effect[d] = rng_normal(&su->rng, 0, SD_UNIT_DIM * o->unit_effects);
        su->self_bias = rng_normal(&su->rng, 0, SD_SELF_BIAS);
        double size_u = rng_unif(&su->rng), rate_u = rng_unif(&su->rng);
        small[i] = rng_unif(&su->rng);
        long hc = su->u->headcount;
        double ratio = hc > 0 && hcmean > 0 ? (double)hc / hcmean * (0.85 + 0.3 * rate_u)
                                            : 0.4 + 1.2 * size_u;
        double n = floor(o->staff * ratio + 0.5);
        if (hc > 0 && n > hc)
            n = (double)hc;
        su->nstaff = n < 1 ? 1 : (int)n;
    }
    for (size_t p = 0; p < o->nplants; p++) {
        const sim_plant_t *pl = &o->plants[p];
        char what[128];
        snprintf(what, sizeof what, "plant %s:%s", pl->unit, pl->dim);
        int ui = sim_unit_index(m, pl->unit), di = form_dim_index(sf, pl->dim);
        if (ui < 0) {
            unknown_unit(m, what, pl->unit, err);
            goto fail;
        }
        if (di < 0) {
            const char **codes = util_xcalloc(sf->ndims + 1, sizeof *codes);
            for (size_t d = 0; d < sf->ndims; d++)
                codes[d] = sf->dims[d].code;
            const char *near = util_nearest(pl->dim, codes);
            if (near)
                err_set(err, ERR_NOTFOUND, _("%s: no dimension '%s' in %s; did you mean '%s'?"),
                        what, pl->dim, sf->form_id, near);
            else
                err_set(err, ERR_NOTFOUND, _("%s: no dimension '%s' in %s"), what, pl->dim,
                        sf->form_id);
            free(codes);
            goto fail;
        }
        m->sim[ui].effect[di] += pl->delta;
    }
    for (size_t k = 0; k < o->noverclaim; k++) {
        int ui = sim_unit_index(m, o->overclaim[k]);
        if (ui < 0) {
            unknown_unit(m, "overclaim", o->overclaim[k], err);
            goto fail;
        }
        m->sim[ui].overclaim = 1;
    }
    /* a few tiny units for the anonymity rules; never one the user planted
     * something in, or the plant would vanish under suppression */
    if (m->nsim >= 20) {
        size_t nsmall = m->nsim / 20;
        for (size_t i = 0; i < m->nsim && nsmall > 0; i++)
            nsmall -= m->sim[i].nstaff < 5;
        for (size_t k = 0; k < nsmall; k++) {
            int best = -1;
            for (size_t i = 0; i < m->nsim; i++) {
                sunit_t *su = &m->sim[i];
                int skip = su->overclaim || su->nstaff < 5;
                for (size_t p = 0; p < o->nplants && !skip; p++)
                    skip = strcmp(o->plants[p].unit, su->u->code) == 0;
                if (!skip && (best < 0 || su->nstaff < m->sim[best].nstaff))
                    best = (int)i;
            }
            if (best < 0)
                break;
            m->sim[best].nstaff = 2 + (int)(small[best] * 3);
        }
    }
    free(small);
    return 0;
fail:
    free(small);
    return -1;
}

/* ---- answering ---- */

static int set_answer(ans_t *a, const form_t *f, size_t pos, const char *v, err_t *err)
{
    err_t msg = {0};
    if (ans_set(a, pos, v, &msg) != 0) {
        err_set(err, ERR_FAIL, _("%s: simulated answer '%s' to %s was refused: %s"), f->form_id, v,
                f->items[pos].name, msg.msg);
        err_clear(&msg);
        return -1;
    }
    return 0;
}

static int set_likert(ans_t *a, const form_t *f, size_t pos, double latent, double noise,
                      err_t *err)
{
    const form_item_t *it = &f->items[pos];
    const form_list_t *l = &f->lists[it->list];
    double x = floor(l->min + (l->max - l->min) * latent / 100.0 + noise + 0.5);
    x = clamp(x, l->min, l->max);
    if (it->reverse)
        x = l->min + l->max - x;
    char v[32];
    snprintf(v, sizeof v, "%.0f", x);
    return set_answer(a, f, pos, v, err);
}

/* A required question simulate has no model for gets its first choice, 0
 * or "-": it must not block the response.  Not the unit question: a unit
 * its list lacks must not pass for the first unit listed. */
static int set_required(ans_t *a, const form_t *f, size_t pos, err_t *err)
{
    const form_item_t *it = &f->items[pos];
    if (!it->required || it->repeat >= 0 || ans_get(a, pos) || !form_item_answerable(it) ||
        (f->unit_field && strcmp(it->name, f->unit_field) == 0))
        return 0;
    const char *v = "-";
    char today[11];
    util_buf_t order = {0};
    if (it->type == FORM_SELECT_ONE || it->type == FORM_SELECT_MULTIPLE)
        v = f->lists[it->list].nchoices ? f->lists[it->list].choices[0].name : "";
    else if (it->type == FORM_INTEGER || it->type == FORM_DECIMAL)
        v = "0";
    else if (it->type == FORM_DATE) {
        util_today(today);
        v = today;
    }
    else if (it->type == FORM_RANK) {
        const form_list_t *l = &f->lists[it->list];   /* the list's own order */
        util_buf_adds(&order, "");
        for (size_t c = 0; c < l->nchoices; c++)
            util_buf_addf(&order, "%s%s", c ? " " : "", l->choices[c].name);
        v = order.s;
    }
    int rc = set_answer(a, f, pos, v, err);
    util_buf_free(&order);
    return rc;
}

/* The unit question takes the code when its list has it (as import does). */
static void set_unit(ans_t *a, const form_t *f, const char *code)
{
    int p = f->unit_field ? form_item_index(f, f->unit_field) : -1;
    err_t msg = {0};
    if (p >= 0 && ans_set(a, (size_t)p, code, &msg) != 0)
        err_clear(&msg);
}

static int pick(rng_t *r, const double *shares, int n)
{
    double u = rng_unif(r), acc = 0;
    for (int i = 0; i < n - 1; i++)
        if (u < (acc += shares[i]))
            return i;
    return n - 1;
}

/* Background: rank, then party membership and years of service, which
 * both rise with rank.  Choice names that the form lacks are skipped. */
static int background(ans_t *a, const form_t *f, rng_t *r, err_t *err)
{
    static const char *const pos_names[] = {"clerk", "deputy_section", "section", "division"};
    static const double pos_share[] = {0.45, 0.25, 0.18, 0.12};
    static const double party_p[] = {0.62, 0.80, 0.90, 0.97};
    static const char *const years_names[] = {"lt3", "3to10", "gt10"};
    static const double years_share[4][3] = {
        {0.32, 0.43, 0.25}, {0.12, 0.48, 0.40}, {0.05, 0.40, 0.55}, {0.02, 0.23, 0.75}};
    int rank = pick(r, pos_share, 4);
    int party = rng_unif(r) < party_p[rank];
    int years = pick(r, years_share[rank], 3);
    const struct {
        const char *item, *value;
    } set[] = {{"position", pos_names[rank]}, {"party", party ? "yes" : "no"},
               {"years", years_names[years]}};
    for (size_t i = 0; i < sizeof set / sizeof set[0]; i++) {
        int p = form_item_index(f, set[i].item);
        if (p < 0 || f->items[p].type != FORM_SELECT_ONE ||
            form_list_choice(&f->lists[f->items[p].list], set[i].value) < 0)
            continue;
        if (set_answer(a, f, (size_t)p, set[i].value, err) != 0)
            return -1;
    }
    return 0;
}

/* Drops irrelevant answers, checks constraints and stores the response. */
static int store_one(sim_t *m, const sform_t *sf, ans_t *a, int unit_id, err_t *err)
{
    const form_t *f = sf->f;
    ans_drop_irrelevant(a);
    for (size_t i = 0; i < f->nitems; i++) {
        err_t msg = {0};
        if (ans_get(a, i) && ans_check_constraint(a, i, f->default_lang, &msg) != 0) {
            err_set(err, ERR_FAIL, _("%s: simulated answer '%s' to %s breaks its constraint: %s"),
                    f->form_id, ans_get(a, i), f->items[i].name, msg.msg);
            err_clear(&msg);
            return -1;
        }
    }
    store_answer_t *rows;
    size_t n;
    ans_to_store(a, sf->item_ids, &rows, &n);
    int rc = store_response_add(m->s, sf->id, m->wave, unit_id, m->today, "simulate", rows, n,
                                err);
    free(rows);
    return rc;
}

/* The latent self-assessment of unit su per self-form dimension into
 * m->latent, and the sd of its item noise.  The unit's stream gives the
 * biased model's numbers whichever model is used, so the staff after it
 * are the same either way; the unbiased model draws from its own. */
static double self_latent(sim_t *m, sunit_t *su, rng_t *own)
{
    const form_t *f = m->self.f;
    double bias = su->self_bias + SELF_BIAS, person = rng_normal(own, 0, SD_PERSON);
    for (size_t d = 0; d < f->ndims; d++) {
        int sd = form_dim_index(m->staff.f, f->dims[d].code);
        double truth = sd >= 0 ? m->city[sd] + su->effect[sd] : CITY_MEAN_OTHER;
        double biased = truth + su->general + bias + rng_normal(&su->rng, 0, SD_SELF_DIM);
        double staff_like = truth + su->general + person + rng_normal(own, 0, SD_PERSON_DIM);
        m->latent[d] = su->overclaim ? 100.0 : m->o->unbiased_self ? staff_like : biased;
    }
    return su->overclaim ? 0.0 : m->o->unbiased_self ? SD_ITEM : SD_SELF_ITEM;
}

static int simulate_self(sim_t *m, sunit_t *su, ans_t *a, err_t *err)
{
    const form_t *f = m->self.f;
    rng_t *r = &su->rng, own;
    char label[80];
    snprintf(label, sizeof label, "self:%s", su->u->code);
    rng_seed(&own, (uint64_t)m->o->seed, label);
    double sd_item = self_latent(m, su, &own), *latent = m->latent;
    ans_clear_all(a);
    set_unit(a, f, su->u->code);
    /* good units earn a few more bonuses and fewer deductions */
    double up = clamp(1 + su->general / 10, 0.3, 2), down = clamp(1 - su->general / 10, 0.3, 2);
    for (size_t i = 0; i < f->nitems; i++) {
        const form_item_t *it = &f->items[i];
        /* notes, calculations and repeats (no model for them) draw
         * nothing, so a form that gains them simulates the same answers as
         * before */
        if (it->type == FORM_NOTE || it->type == FORM_CALCULATE || it->repeat >= 0 ||
            it->type == FORM_BEGIN_REPEAT || it->type == FORM_END_REPEAT)
            continue;
        /* both noises drawn always, for the same reason as in self_latent */
        double z = rng_normal(r, 0, 1), zown = rng_normal(&own, 0, 1), u = rng_unif(r);
        double noise = sd_item * (m->o->unbiased_self ? zown : z);
        int count = it->has_points && it->points != 0
                        ? rng_count(r, clamp((it->points > 0 ? 1.2 * up : 0.5 * down) /
                                                 fabs(it->points), 0, 10))
                        : 0;
        if (form_item_scored(f, it)) {
            if (set_likert(a, f, i, latent[it->dim], noise, err) != 0)
                return -1;
        } else if (it->has_points && it->points != 0 && it->list >= 0 &&
                   f->lists[it->list].yesno) {
            double p = it->points > 0 ? 0.6 * up / it->points : 0.3 * down / -it->points;
            if (set_answer(a, f, i, u < p ? "yes" : "no", err) != 0)
                return -1;
        } else if (it->has_points && it->points != 0 && it->type == FORM_INTEGER) {
            char v[16];
            snprintf(v, sizeof v, "%d", count);
            if (set_answer(a, f, i, v, err) != 0)
                return -1;
        }
    }
    for (size_t i = 0; i < f->nitems; i++)
        if (set_required(a, f, i, err) != 0)
            return -1;
    return store_one(m, &m->self, a, su->u->id, err);
}

static int simulate_staff(sim_t *m, sunit_t *su, ans_t *a, err_t *err)
{
    const form_t *f = m->staff.f;
    rng_t *r = &su->rng;
    int comment = form_item_index(f, "comment");
    ans_clear_all(a);
    set_unit(a, f, su->u->code);
    if (background(a, f, r, err) != 0)
        return -1;
    double person = rng_normal(r, 0, SD_PERSON), *latent = m->latent;
    for (size_t d = 0; d < f->ndims; d++)
        latent[d] = m->city[d] + su->general + su->effect[d] + person +
                    rng_normal(r, 0, SD_PERSON_DIM);
    for (size_t i = 0; i < f->nitems; i++) {
        const form_item_t *it = &f->items[i];
        double noise = rng_normal(r, 0, SD_ITEM);
        int blank = rng_unif(r) < m->o->missing;
        if (!form_item_scored(f, it) || blank)
            continue;
        if (set_likert(a, f, i, latent[it->dim], noise, err) != 0)
            return -1;
    }
    int says = rng_unif(r) < COMMENT_RATE, which = rng_below(r, (int)NCOMMENTS);
    if (says && comment >= 0 && f->items[comment].type == FORM_TEXT &&
        set_answer(a, f, (size_t)comment, comments[which], err) != 0)
        return -1;
    for (size_t i = 0; i < f->nitems; i++)
        if (set_required(a, f, i, err) != 0)
            return -1;
    return store_one(m, &m->staff, a, su->u->id, err);
}

/* ---- writing ---- */

static int add_form(sim_t *m, sform_t *sf, err_t *err)
{
    if (sf->id == 0) {
        int existed;
        if (store_form_add(m->s, sf->f, &sf->id, &existed, err) != 0)
            return -1;
    }
    return store_item_ids(m->s, sf->id, &sf->item_ids, &sf->nitem_ids, err);
}

static int write_all(sim_t *m, long *nstaff, long *nself, err_t *err)
{
    int rc = -1;
    ans_t *sa = ans_new(m->staff.f), *fa = ans_new(m->self.f);
    store_id_seed(m->s, m->o->seed);
    if (store_begin(m->s, err) != 0)
        goto cleanup;
    for (size_t i = 0; i < m->nunits; i++) {
        unit_t *u = &m->units[i];
        if (u->id != 0)
            continue;
        store_unit_t su = {0, u->code, u->name, u->category, NULL, u->headcount};
        if (store_unit_put(m->s, &su, err) != 0)
            goto rollback;
    }
    for (size_t i = 0; i < m->nsim; i++) {
        unit_t *u = m->sim[i].u;
        if (u->id == 0 && store_unit_find(m->s, u->code, &u->id, err) != 0) {
            err_set(err, ERR_FAIL, _("unit %s was not stored"), u->code);
            goto rollback;
        }
    }
    if (m->wave == 0) {
        int r = m->o->wave ? store_wave_add(m->s, m->o->wave, &m->wave, err)
                           : store_wave_current(m->s, 1, &m->wave, err);
        if (r != 0) {
            err_set(err, ERR_NOTFOUND, _("no open wave to simulate into"));
            goto rollback;
        }
    }
    long total = 0;
    for (size_t i = 0; i < m->nsim; i++)
        total += 1 + m->sim[i].nstaff;
    for (size_t i = 0; i < m->nsim; i++) {
        sunit_t *su = &m->sim[i];
        if (simulate_self(m, su, fa, err) != 0)
            goto rollback;
        (*nself)++;
        for (int k = 0; k < su->nstaff; k++) {
            if (simulate_staff(m, su, sa, err) != 0)
                goto rollback;
            (*nstaff)++;
        }
        if (m->o->progress)
            m->o->progress(m->o->progress_ud, *nself + *nstaff, total);
    }
    if (store_commit(m->s, err) != 0)
        goto rollback;
    rc = 0;
    goto cleanup;
rollback:
    store_rollback(m->s);
    *nstaff = *nself = 0;
cleanup:
    ans_free(sa);
    ans_free(fa);
    return rc;
}

int sim_run(store_t *s, const sim_opts_t *o, long *staff_written, long *self_written,
            err_t *err)
{
    int rc = -1;
    long nstaff = 0, nself = 0;
    sim_t m = {.s = s, .o = o};
    util_today(m.today);
    if (o->units < 1 || o->units > MAX_UNITS) {
        err_set(err, ERR_FAIL, _("the number of units must be from 1 to %d, not %d"), MAX_UNITS,
                o->units);
        goto cleanup;
    }
    if (o->staff < 1 || o->staff > MAX_STAFF) {
        err_set(err, ERR_FAIL, _("the mean number of staff respondents must be from 1 to %d, not "
                                 "%d"), MAX_STAFF, o->staff);
        goto cleanup;
    }
    if (!(o->unit_effects >= 0 && o->unit_effects <= 10)) {
        err_set(err, ERR_FAIL, _("the unit-effect scale must be from 0 to 10, not %g"),
                o->unit_effects);
        goto cleanup;
    }
    if (!(o->missing >= 0 && o->missing < 1)) {
        err_set(err, ERR_FAIL, _("the missing-answer rate must be at least 0 and below 1, not %g"),
                o->missing);
        goto cleanup;
    }
    /* everything that can be wrong is found before the first write */
    if (plan_form(&m, &m.staff, STAFF_FILE, "staff-opinion", FORM_ROLE_STAFF, err) != 0 ||
        plan_form(&m, &m.self, SELF_FILE, "five-type-self", FORM_ROLE_SELF, err) != 0 ||
        plan_units(&m, err) != 0 || plan_sim(&m, err) != 0 || plan_wave(&m, err) != 0)
        goto cleanup;
    /* store_form_add commits on its own, so the forms go in first; a form
     * stored without responses is what `form add` would have left */
    if (add_form(&m, &m.staff, err) != 0 || add_form(&m, &m.self, err) != 0)
        goto cleanup;
    if (m.staff.nitem_ids != m.staff.f->nitems || m.self.nitem_ids != m.self.f->nitems) {
        err_set(err, ERR_FAIL, _("the stored items do not match the form"));
        goto cleanup;
    }
    if (write_all(&m, &nstaff, &nself, err) != 0)
        goto cleanup;
    rc = 0;
cleanup:
    if (staff_written)
        *staff_written = nstaff;
    if (self_written)
        *self_written = nself;
    sform_t *forms[2] = {&m.staff, &m.self};
    for (int i = 0; i < 2; i++) {
        form_free(forms[i]->f);
        free(forms[i]->item_ids);
    }
    for (size_t i = 0; i < m.nsim; i++)
        free(m.sim[i].effect);
    free(m.sim);
    free(m.city);
    free(m.latent);
    for (size_t i = 0; i < m.nunits; i++) {
        free(m.units[i].code);
        free(m.units[i].name);
        free(m.units[i].category);
    }
    free(m.units);
    return rc;
}
