/*
 * expr: parser and evaluator for the XPath 1.0 subset used in XLSForm
 * `relevant` and `constraint` cells.  A hand-written lexer and a
 * precedence-climbing recursive-descent parser build a small tree; the
 * evaluator walks it with XPath 1.0 typing (number, string, boolean).
 * Errors carry the 1-based column counted in UTF-8 characters, because the
 * form checker points into cells that often hold Chinese text.  Recursion is
 * bounded both while parsing and in the finished tree, so hostile input
 * cannot exhaust the stack.  Evaluation allocates only for strings it
 * builds (concat, today), kept until it ends; it cannot fail, so memory
 * running out there gives the empty string.
 */
#include "survey/expr.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/i18n.h"

#ifdef __GNUC__
#define EXPR_PRINTF(f, a) __attribute__((format(printf, f, a)))
/* Keeps the large number buffers of leaf helpers out of the recursive
 * eval() frame, where they would be multiplied by the tree height. */
#define EXPR_NOINLINE __attribute__((noinline))
#else
#define EXPR_PRINTF(f, a)
#define EXPR_NOINLINE
#endif

/* Real forms nest a handful of levels; 100 leaves ample room while keeping
 * the parser (about nine C frames per level) far from the stack limit. */
#define MAX_NEST 100
/* Chains such as a + b + c + ... build left-deep trees that eval and free
 * walk recursively, so the tree height is bounded too. */
#define MAX_HEIGHT 1000
/* A double's exact decimal expansion has at most 767 significant digits;
 * keeping more than that plus a sticky digit rounds like the full input. */
#define MAX_SIG_DIGITS 780
/* Longest XPath string of a double: "-0." + 323 zeros + 17 digits. */
#define NUM_BUF 400
/* How much of a token an error message quotes. */
#define SHOW_MAX 24

enum tok {
    T_EOF, T_NUM, T_STR, T_REF, T_DOT, T_NAME,
    T_LP, T_RP, T_COMMA,
    T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE, T_PLUS, T_MINUS, T_STAR
};

struct token {
    enum tok type;
    const char *text;       /* slice of the source, for messages */
    size_t len;
    int col;                /* 0 only for the "no previous token" marker */
    double num;             /* T_NUM */
};

enum kind { N_NUM, N_STR, N_REF, N_DOT, N_NEG, N_BIN, N_CALL, N_FIELD };

enum op {
    OP_OR, OP_AND, OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE,
    OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD
};

enum fn {
    F_SELECTED, F_COUNT_SELECTED, F_STRING_LENGTH, F_NUMBER, F_STRING,
    F_TRUE, F_FALSE, F_NOT, F_IF, F_COALESCE,
    F_CONCAT, F_SUM, F_MIN, F_MAX, F_ROUND, F_INT, F_FLOOR, F_CEILING, F_ABS,
    F_CONTAINS, F_STARTS_WITH, F_ENDS_WITH, F_TODAY
};

/* The most arguments concat(), sum(), min() and max() take. */
#define MAX_ARGS 64

/* Binary precedence levels, loosest first (XPath 1.0 section 3.4/3.5). */
enum level { L_OR, L_AND, L_EQ, L_REL, L_ADD, L_MUL };

struct node {
    enum kind kind;
    int op;                 /* enum op for N_BIN, enum fn for N_CALL */
    int col;
    int height;
    double num;             /* N_NUM */
    char *str;              /* owned: N_STR content, N_REF name, N_FIELD "#name" */
    size_t len;
    int nkid;
    struct node **kid;      /* owned, nkid of them */
};

struct expr {
    struct node *root;      /* owned */
    int uses_dot;
};

struct parser {
    const char *src;
    size_t pos;             /* byte offset of the next unread byte */
    int col;                /* character column of src[pos] */
    struct token cur;
    struct token prev;
    int depth;
    int uses_dot;
    int failed;
    int fields;             /* a choice filter: bare names are choice columns */
    char *err;              /* owned until handed to the caller's err_t */
    int errcol;
    int nomem;              /* the error is an allocation that failed */
};

struct fn_info {
    const char *name;
    enum fn id;
    int min_args, max_args;
};

/* The optional argument of string-length/number/string defaults to the
 * context node, which in a constraint is `.` (XPath 1.0 section 4). */
static const struct fn_info fns[] = {
    { "selected", F_SELECTED, 2, 2 },
    { "count-selected", F_COUNT_SELECTED, 1, 1 },
    { "string-length", F_STRING_LENGTH, 0, 1 },
    { "number", F_NUMBER, 0, 1 },
    { "string", F_STRING, 0, 1 },
    { "true", F_TRUE, 0, 0 },
    { "false", F_FALSE, 0, 0 },
    { "not", F_NOT, 1, 1 },
    { "if", F_IF, 3, 3 },
    { "coalesce", F_COALESCE, 2, 2 },
    { "concat", F_CONCAT, 1, MAX_ARGS },
    { "sum", F_SUM, 1, MAX_ARGS },
    { "min", F_MIN, 1, MAX_ARGS },
    { "max", F_MAX, 1, MAX_ARGS },
    { "round", F_ROUND, 1, 2 },
    { "int", F_INT, 1, 1 },
    { "floor", F_FLOOR, 1, 1 },
    { "ceiling", F_CEILING, 1, 1 },
    { "abs", F_ABS, 1, 1 },
    { "contains", F_CONTAINS, 2, 2 },
    { "starts-with", F_STARTS_WITH, 2, 2 },
    { "ends-with", F_ENDS_WITH, 2, 2 },
    { "today", F_TODAY, 0, 0 },
};

/* ODK functions a form may legitimately use but we do not evaluate; naming
 * them "unsupported" rather than "unknown" tells the author it is not a typo. */
static const char *const unsupported[] = {
    "regex", "substr", "substring-before", "substring-after",
    "translate", "normalize-space",
    "join", "boolean", "boolean-from-string",
    "pow", "sqrt", "exp", "log", "log10", "count",
    "position", "last", "now", "date", "date-time",
    "decimal-date-time", "format-date", "format-date-time", "jr:choice-name",
    "selected-at", "indexed-repeat", "pulldata", "instance", "current",
    "once", "uuid", "random", "checklist", "weighted-checklist", "distance",
    "area", "digest", "jr:itext",
};

/* ---- characters ---------------------------------------------------- */

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_name_char(char c)
{
    return is_alpha(c) || is_digit(c) || c == '_' || c == '-' || c == '.' ||
           c == ':';
}

/* XLSForm names are XML names, which admit non-ASCII letters. */
static int is_ref_char(char c)
{
    return is_name_char(c) || (unsigned char)c >= 0x80;
}

static int is_utf8_lead(char c)
{
    return ((unsigned char)c & 0xC0) != 0x80;
}

/* Decodes one UTF-8 sequence of s into *cp and returns its byte length;
 * an invalid sequence gives *cp = 0xFFFFFFFF and length 1.  Never reads past
 * a NUL, since NUL is not a continuation byte. */
static size_t utf8_decode(const char *s, unsigned long *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n, i;
    unsigned long v;

    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    }
    if (u[0] >= 0xC2 && u[0] <= 0xDF) {
        n = 2;
        v = u[0] & 0x1F;
    } else if (u[0] >= 0xE0 && u[0] <= 0xEF) {
        n = 3;
        v = u[0] & 0x0F;
    } else if (u[0] >= 0xF0 && u[0] <= 0xF4) {
        n = 4;
        v = u[0] & 0x07;
    } else {
        *cp = 0xFFFFFFFFUL;
        return 1;
    }
    for (i = 1; i < n; i++) {
        if ((u[i] & 0xC0) != 0x80) {
            *cp = 0xFFFFFFFFUL;
            return 1;
        }
        v = (v << 6) | (u[i] & 0x3F);
    }
    *cp = v;
    return n;
}

/* Length of s[0..len) to quote in a message, cut at a character boundary. */
static int shown(const char *s, size_t len)
{
    if (len <= SHOW_MAX)
        return (int)len;
    len = SHOW_MAX;
    while (len > 0 && !is_utf8_lead(s[len]))
        len--;
    return (int)len;
}

/* ---- numbers ------------------------------------------------------- */

/* XPath 1.0 number() of a string: optional whitespace, optional '-',
 * digits with an optional '.', optional whitespace; anything else is NaN.
 * The significant digits are handed to strtod as "DIGITSeEXP" so the result
 * is correctly rounded and no locale decimal point is involved. */
static EXPR_NOINLINE double str_to_num(const char *s, size_t len)
{
    char buf[MAX_SIG_DIGITS + 32];
    size_t i = 0, nd = 0;
    long exp10 = 0;
    int neg = 0, point = 0, seen = 0, sticky = 0;
    double v;

    while (i < len && is_ws(s[i]))
        i++;
    if (i < len && s[i] == '-') {
        neg = 1;
        i++;
    }
    for (; i < len; i++) {
        char c = s[i];

        if (c == '.' && !point) {
            point = 1;
            continue;
        }
        if (!is_digit(c))
            break;
        seen = 1;
        if (nd == 0 && c == '0') {
            if (point)
                exp10--;
        } else if (nd < MAX_SIG_DIGITS) {
            buf[nd++] = c;
            if (point)
                exp10--;
        } else {
            if (c != '0')
                sticky = 1;
            if (!point)
                exp10++;
        }
        /* Beyond any double's range either way; keeps snprintf bounded. */
        if (exp10 > 100000)
            exp10 = 100000;
        if (exp10 < -100000)
            exp10 = -100000;
    }
    while (i < len && is_ws(s[i]))
        i++;
    if (i != len || !seen)
        return NAN;
    if (nd == 0)
        return neg ? -0.0 : 0.0;
    if (sticky) {
        buf[nd++] = '1';
        exp10--;
    }
    snprintf(buf + nd, sizeof buf - nd, "e%ld", exp10);
    v = strtod(buf, NULL);
    return neg ? -v : v;
}

/* XPath 1.0 string() of a number: NaN, Infinity, integers without a point,
 * otherwise plain decimal notation (never an exponent) with the fewest
 * digits that read back as the same double.  buf holds NUM_BUF bytes. */
static EXPR_NOINLINE size_t num_to_str(double d, char *buf)
{
    char tmp[48], digits[24];
    const char *q;
    int prec, nd = 0, e = 0, pos, i;
    size_t len = 0;
    double a;

    if (isnan(d)) {
        strcpy(buf, "NaN");
        return 3;
    }
    if (isinf(d)) {
        strcpy(buf, d < 0 ? "-Infinity" : "Infinity");
        return strlen(buf);
    }
    if (d == 0) {
        strcpy(buf, "0");        /* -0 too, as XPath requires */
        return 1;
    }
    a = fabs(d);
    for (prec = 1; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*e", prec - 1, a);
        nd = 0;
        /* Skipping non-digits also skips a locale's decimal comma. */
        for (q = tmp; *q && *q != 'e'; q++)
            if (is_digit(*q))
                digits[nd++] = *q;
        e = *q ? (int)strtol(q + 1, NULL, 10) : 0;
        snprintf(tmp, sizeof tmp, "%.*se%d", nd, digits, e - (nd - 1));
        if (prec == 17 || strtod(tmp, NULL) == a)
            break;
    }
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    if (d < 0)
        buf[len++] = '-';
    pos = e + 1;                 /* digits before the decimal point */
    if (pos <= 0) {
        buf[len++] = '0';
        buf[len++] = '.';
        for (i = 0; i < -pos; i++)
            buf[len++] = '0';
        memcpy(buf + len, digits, (size_t)nd);
        len += (size_t)nd;
    } else if (pos >= nd) {
        memcpy(buf + len, digits, (size_t)nd);
        len += (size_t)nd;
        for (i = nd; i < pos; i++)
            buf[len++] = '0';
    } else {
        memcpy(buf + len, digits, (size_t)pos);
        len += (size_t)pos;
        buf[len++] = '.';
        memcpy(buf + len, digits + pos, (size_t)(nd - pos));
        len += (size_t)(nd - pos);
    }
    buf[len] = '\0';
    return len;
}

/* ---- tree ---------------------------------------------------------- */

static void node_free(struct node *n)
{
    int i;

    if (!n)
        return;
    for (i = 0; i < n->nkid; i++)
        node_free(n->kid[i]);
    free(n->kid);
    free(n->str);
    free(n);
}

/* ---- errors -------------------------------------------------------- */

/* Records the first error only: later ones are consequences of it.  The
 * callers pass _("...") formats: a catalogue lookup on the error path only,
 * since evaluation never fails and so never translates anything. */
static EXPR_PRINTF(3, 4) void fail(struct parser *p, int col,
                                   const char *fmt, ...)
{
    va_list ap;
    int n;
    char *msg;

    if (p->failed)
        return;
    p->failed = 1;
    p->errcol = col;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    msg = malloc((size_t)n + 1);
    if (!msg)
        return;                  /* expr_parse falls back to "out of memory" */
    va_start(ap, fmt);
    vsnprintf(msg, (size_t)n + 1, fmt, ap);
    va_end(ap);
    p->err = msg;
}

static void nomem(struct parser *p, int col)
{
    if (!p->failed)
        p->nomem = 1;
    fail(p, col, _("out of memory"));
}

/* ---- lexer --------------------------------------------------------- */

static void advance(struct parser *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (is_utf8_lead(p->src[p->pos + i]))
            p->col++;
    p->pos += n;
}

/* Column of byte offset off, which must not lie before p->pos. */
static int col_at(const struct parser *p, size_t off)
{
    size_t i;
    int col = p->col;

    for (i = p->pos; i < off; i++)
        if (is_utf8_lead(p->src[i]))
            col++;
    return col;
}

/* Chinese input methods produce full-width punctuation and curly quotes
 * that look right on screen, so the message names the ASCII to type. */
static void bad_char(struct parser *p, const char *s, int col)
{
    unsigned long cp;
    size_t n = utf8_decode(s, &cp);

    if (cp >= 0xFF01 && cp <= 0xFF5E)
        fail(p, col, _("unexpected full-width character '%.*s'; use '%c'"),
             (int)n, s, (char)(cp - 0xFF01 + 0x21));
    else if (cp == 0x3000)
        fail(p, col, _("unexpected full-width space; use an ordinary space"));
    else if (cp == 0xA0)
        fail(p, col, _("unexpected non-breaking space; use an ordinary space"));
    else if (cp == 0x2018 || cp == 0x2019)
        fail(p, col, _("unexpected curly quote '%.*s'; use '"), (int)n, s);
    else if (cp == 0x201C || cp == 0x201D)
        fail(p, col, _("unexpected curly quote '%.*s'; use \""), (int)n, s);
    else if (cp == 0xFFFFFFFFUL)
        fail(p, col, _("invalid UTF-8 byte 0x%02X"), (unsigned)(unsigned char)*s);
    else if (cp < 0x20 || cp == 0x7F)
        fail(p, col, _("unexpected control character U+%04lX"), cp);
    else
        fail(p, col, _("unexpected character '%.*s'"), (int)n, s);
}

static int lex_string(struct parser *p, struct token *t)
{
    const char *end = strchr(t->text + 1, t->text[0]);

    if (!end) {
        fail(p, t->col, _("unterminated string; add the closing %c"),
             t->text[0]);
        return -1;
    }
    t->type = T_STR;
    t->len = (size_t)(end - t->text) + 1;
    return 0;
}

static int lex_ref(struct parser *p, struct token *t)
{
    const char *s = t->text;
    size_t i = 2;

    if (s[1] != '{') {
        fail(p, t->col, _("unexpected '$'; refer to questions as ${name}"));
        return -1;
    }
    while (is_ref_char(s[i]))
        i++;
    if (s[i] == '}') {
        if (i == 2) {
            fail(p, t->col, _("empty reference '${}'; put a question name "
                   "between the braces"));
            return -1;
        }
        t->type = T_REF;
        t->len = i + 1;
        return 0;
    }
    if (!strchr(s + i, '}')) {
        fail(p, t->col, _("unterminated reference '${%.*s'; add '}'"),
             shown(s + 2, i - 2), s + 2);
        return -1;
    }
    if (is_ws(s[i]))
        fail(p, col_at(p, p->pos + i), _("space in question name '${%.*s'"),
             shown(s + 2, i - 2), s + 2);
    else
        bad_char(p, s + i, col_at(p, p->pos + i));
    return -1;
}

static int lex_number(struct parser *p, struct token *t)
{
    const char *s = t->text;
    size_t i = 0;

    while (is_digit(s[i]))
        i++;
    if (s[i] == '.')
        for (i++; is_digit(s[i]); i++)
            ;
    /* "1e5" or "1.2.3" would otherwise split into confusing tokens. */
    if (is_alpha(s[i]) || is_digit(s[i]) || s[i] == '_' || s[i] == '.') {
        while (is_alpha(s[i]) || is_digit(s[i]) || s[i] == '_' || s[i] == '.')
            i++;
        fail(p, t->col, _("invalid number '%.*s'"), shown(s, i), s);
        return -1;
    }
    t->type = T_NUM;
    t->len = i;
    t->num = str_to_num(s, i);
    return 0;
}

/* Moves to the next token; on a lexical error records it and returns -1. */
static int next(struct parser *p)
{
    struct token t;
    const char *s;
    int rc = 0;

    p->prev = p->cur;
    while (is_ws(p->src[p->pos]))
        advance(p, 1);
    s = p->src + p->pos;
    t.type = T_EOF;
    t.text = s;
    t.len = 1;
    t.col = p->col;
    t.num = 0;
    switch (*s) {
    case '\0': t.len = 0; break;
    case '(': t.type = T_LP; break;
    case ')': t.type = T_RP; break;
    case ',': t.type = T_COMMA; break;
    case '+': t.type = T_PLUS; break;
    case '-': t.type = T_MINUS; break;
    case '*': t.type = T_STAR; break;
    case '=':
        if (s[1] == '=') {
            fail(p, t.col, _("'==' is not XPath; use '='"));
            rc = -1;
        }
        t.type = T_EQ;
        break;
    case '!':
        if (s[1] != '=') {
            fail(p, t.col, _("unexpected '!'; use '!=' or not()"));
            rc = -1;
        }
        t.type = T_NE;
        t.len = 2;
        break;
    case '<':
        if (s[1] == '>') {
            fail(p, t.col, _("'<>' is not XPath; use '!='"));
            rc = -1;
        }
        t.type = s[1] == '=' ? T_LE : T_LT;
        t.len = s[1] == '=' ? 2 : 1;
        break;
    case '>':
        t.type = s[1] == '=' ? T_GE : T_GT;
        t.len = s[1] == '=' ? 2 : 1;
        break;
    case '&':
        fail(p, t.col, _("unexpected '&'; use 'and'"));
        rc = -1;
        break;
    case '|':
        fail(p, t.col, _("unexpected '|'; use 'or'"));
        rc = -1;
        break;
    case '/':
        fail(p, t.col, _("paths such as /data/q are not supported; refer to "
               "questions as ${name} (use 'div' to divide)"));
        rc = -1;
        break;
    case '\'':
    case '"':
        rc = lex_string(p, &t);
        break;
    case '$':
        rc = lex_ref(p, &t);
        break;
    case '.':
        if (is_digit(s[1])) {
            rc = lex_number(p, &t);
        } else if (s[1] == '.') {
            fail(p, t.col, _("'..' is not supported; refer to questions as "
                   "${name}"));
            rc = -1;
        } else {
            t.type = T_DOT;
        }
        break;
    default:
        if (is_digit(*s)) {
            rc = lex_number(p, &t);
        } else if (is_alpha(*s) || *s == '_') {
            while (is_name_char(s[t.len]))
                t.len++;
            t.type = T_NAME;
        } else {
            bad_char(p, s, t.col);
            rc = -1;
        }
        break;
    }
    if (rc < 0)
        return -1;
    p->cur = t;
    advance(p, t.len);
    return 0;
}

static int tok_is(const struct token *t, const char *word)
{
    size_t n = strlen(word);

    return t->type == T_NAME && t->len == n && memcmp(t->text, word, n) == 0;
}

/* ---- parser -------------------------------------------------------- */

static struct node *parse_expr(struct parser *p);

static struct node *node_new(struct parser *p, enum kind kind, int op,
                             int col)
{
    struct node *n = calloc(1, sizeof *n);

    if (!n) {
        nomem(p, col);
        return NULL;
    }
    n->kind = kind;
    n->op = op;
    n->col = col;
    n->height = 1;
    return n;
}

/* Sets n's height from its children; fails when the tree grows too tall. */
static int node_finish(struct parser *p, struct node *n)
{
    int i;

    n->height = 1;
    for (i = 0; i < n->nkid; i++)
        if (n->kid[i]->height + 1 > n->height)
            n->height = n->kid[i]->height + 1;
    if (n->height > MAX_HEIGHT) {
        fail(p, n->col, _("expression too complex (more than %d levels of "
               "operators)"), MAX_HEIGHT);
        return -1;
    }
    return 0;
}

/* Appends child k to n, which owns it from then on (freed on failure). */
static int node_add(struct parser *p, struct node *n, struct node *k)
{
    struct node **kid = realloc(n->kid, (size_t)(n->nkid + 1) * sizeof *kid);

    if (!kid) {
        node_free(k);
        fail(p, n->col, _("out of memory"));
        return -1;
    }
    n->kid = kid;
    n->kid[n->nkid++] = k;
    return 0;
}

/* Takes ownership of the children: on failure they are freed. */
static struct node *node_with_kids(struct parser *p, enum kind kind, int op,
                                   int col, struct node *a, struct node *b)
{
    struct node *n = node_new(p, kind, op, col);
    struct node *k;

    if (!n)
        goto cleanup;
    k = a;
    a = NULL;
    if (node_add(p, n, k) < 0)
        goto cleanup;
    if (b) {
        k = b;
        b = NULL;
        if (node_add(p, n, k) < 0)
            goto cleanup;
    }
    if (node_finish(p, n) < 0)
        goto cleanup;
    return n;
cleanup:
    node_free(n);
    node_free(a);
    node_free(b);
    return NULL;
}

/* A leaf holding a copy of s[0..len) (string literal or reference name). */
static struct node *node_text(struct parser *p, enum kind kind, int col,
                              const char *s, size_t len)
{
    struct node *n = node_new(p, kind, 0, col);

    if (!n)
        return NULL;
    n->str = malloc(len + 1);
    if (!n->str) {
        nomem(p, col);
        node_free(n);
        return NULL;
    }
    memcpy(n->str, s, len);
    n->str[len] = '\0';
    n->len = len;
    return n;
}

static const struct fn_info *find_fn(const struct token *t)
{
    size_t i;

    for (i = 0; i < sizeof fns / sizeof fns[0]; i++)
        if (tok_is(t, fns[i].name))
            return &fns[i];
    return NULL;
}

static int is_unsupported(const struct token *t)
{
    size_t i;

    for (i = 0; i < sizeof unsupported / sizeof unsupported[0]; i++)
        if (tok_is(t, unsupported[i]))
            return 1;
    return 0;
}

static int is_keyword(const struct token *t)
{
    return tok_is(t, "and") || tok_is(t, "or") || tok_is(t, "div") ||
           tok_is(t, "mod");
}

static void fail_arg_count(struct parser *p, const struct token *name,
                           const struct fn_info *fi, int nargs)
{
    if (fi->min_args == fi->max_args)
        fail(p, name->col,
             i18n_ntext("function '%s' takes %d argument, got %d",
                        "function '%s' takes %d arguments, got %d",
                        (unsigned long)fi->min_args),
             fi->name, fi->min_args, nargs);
    else if (nargs < fi->min_args)
        fail(p, name->col,
             i18n_ntext("function '%s' takes at least %d argument, got %d",
                        "function '%s' takes at least %d arguments, got %d",
                        (unsigned long)fi->min_args),
             fi->name, fi->min_args, nargs);
    else
        fail(p, name->col,
             i18n_ntext("function '%s' takes at most %d argument, got %d",
                        "function '%s' takes at most %d arguments, got %d",
                        (unsigned long)fi->max_args),
             fi->name, fi->max_args, nargs);
}

/* p->cur is a name: parses a function call or reports why it is not one. */
static struct node *parse_call(struct parser *p)
{
    struct token name = p->cur;
    const struct fn_info *fi;
    struct node *call = NULL, *arg;
    int nargs = 0, lpcol;

    if (next(p) < 0)
        return NULL;
    fi = find_fn(&name);
    if (p->cur.type != T_LP && p->fields && !fi) {
        /* the choice's own column: "#" keeps it apart from ${name} */
        call = node_text(p, N_FIELD, name.col, name.text, name.len + 1);
        if (call) {
            memmove(call->str + 1, name.text, name.len);
            call->str[0] = '#';
            call->str[name.len + 1] = '\0';
        }
        return call;
    }
    if (p->cur.type != T_LP) {
        if (fi)
            fail(p, name.col, _("'%s' is a function; write %s(%s)"), fi->name,
                 fi->name, fi->max_args ? "..." : "");
        else
            fail(p, name.col, _("'%.*s' is not a function; refer to "
                   "questions as ${%.*s}"), shown(name.text, name.len),
                 name.text, shown(name.text, name.len), name.text);
        return NULL;
    }
    if (!fi) {
        if (is_unsupported(&name))
            fail(p, name.col, _("unsupported function '%.*s'"),
                 (int)name.len, name.text);
        else
            fail(p, name.col, _("unknown function '%.*s'"),
                 shown(name.text, name.len), name.text);
        return NULL;
    }
    lpcol = p->cur.col;
    if (next(p) < 0)
        return NULL;
    call = node_new(p, N_CALL, fi->id, name.col);
    if (!call)
        return NULL;
    if (p->cur.type != T_RP) {
        for (;;) {
            arg = parse_expr(p);
            if (!arg)
                goto cleanup;
            /* Surplus arguments are parsed only to count them. */
            if (nargs < fi->max_args) {
                if (node_add(p, call, arg) < 0)
                    goto cleanup;
            } else {
                node_free(arg);
            }
            nargs++;
            if (p->cur.type == T_RP)
                break;
            if (p->cur.type == T_COMMA) {
                if (next(p) < 0)
                    goto cleanup;
                continue;
            }
            if (p->cur.type == T_EOF)
                fail(p, lpcol, _("unclosed '(' in call to '%s'"), fi->name);
            else
                fail(p, p->cur.col, _("expected ',' or ')' but found '%.*s'"),
                     shown(p->cur.text, p->cur.len), p->cur.text);
            goto cleanup;
        }
    }
    if (nargs < fi->min_args || nargs > fi->max_args) {
        fail_arg_count(p, &name, fi, nargs);
        goto cleanup;
    }
    if (next(p) < 0)
        goto cleanup;
    if (nargs == 0 && fi->max_args == 1) {
        arg = node_new(p, N_DOT, 0, name.col);
        if (!arg || node_add(p, call, arg) < 0)
            goto cleanup;
        p->uses_dot = 1;
    }
    if (node_finish(p, call) < 0)
        goto cleanup;
    return call;
cleanup:
    node_free(call);
    return NULL;
}

/* p->cur is '(': the parenthesised expression, which needs no node. */
static struct node *parse_paren(struct parser *p)
{
    int col = p->cur.col;
    struct node *n = NULL;

    if (next(p) < 0)
        return NULL;
    n = parse_expr(p);
    if (!n)
        return NULL;
    if (p->cur.type != T_RP) {
        if (p->cur.type == T_EOF)
            fail(p, col, _("unclosed '('"));
        else
            fail(p, p->cur.col, _("expected ')' but found '%.*s'"),
                 shown(p->cur.text, p->cur.len), p->cur.text);
        goto cleanup;
    }
    if (next(p) < 0)
        goto cleanup;
    return n;
cleanup:
    node_free(n);
    return NULL;
}

static struct node *parse_primary(struct parser *p)
{
    struct token t = p->cur;
    struct node *n;

    switch (t.type) {
    case T_NUM:
        if (next(p) < 0)
            return NULL;
        n = node_new(p, N_NUM, 0, t.col);
        if (n)
            n->num = t.num;
        return n;
    case T_STR:
        if (next(p) < 0)
            return NULL;
        return node_text(p, N_STR, t.col, t.text + 1, t.len - 2);
    case T_REF:
        if (next(p) < 0)
            return NULL;
        return node_text(p, N_REF, t.col, t.text + 2, t.len - 3);
    case T_DOT:
        if (next(p) < 0)
            return NULL;
        p->uses_dot = 1;
        return node_new(p, N_DOT, 0, t.col);
    case T_LP:
        return parse_paren(p);
    case T_NAME:
        if (!is_keyword(&t))
            return parse_call(p);
        break;
    case T_EOF:
        if (p->prev.col == 0)
            fail(p, 1, _("empty expression"));
        else
            fail(p, t.col, _("missing operand after '%.*s'"),
                 shown(p->prev.text, p->prev.len), p->prev.text);
        return NULL;
    default:
        break;
    }
    fail(p, t.col, _("unexpected '%.*s'"), shown(t.text, t.len), t.text);
    return NULL;
}

static struct node *parse_unary(struct parser *p)
{
    struct token t = p->cur;
    struct node *n;

    if (t.type != T_MINUS)
        return parse_primary(p);
    if (++p->depth > MAX_NEST) {
        fail(p, t.col, _("expression nested too deeply"));
        p->depth--;
        return NULL;
    }
    n = next(p) < 0 ? NULL : parse_unary(p);
    p->depth--;
    if (!n)
        return NULL;
    return node_with_kids(p, N_NEG, 0, t.col, n, NULL);
}

/* The operator of t at precedence level, or -1 if t ends that level. */
static int binary_op(const struct token *t, int level)
{
    switch (level) {
    case L_OR:
        return tok_is(t, "or") ? OP_OR : -1;
    case L_AND:
        return tok_is(t, "and") ? OP_AND : -1;
    case L_EQ:
        return t->type == T_EQ ? OP_EQ : t->type == T_NE ? OP_NE : -1;
    case L_REL:
        switch (t->type) {
        case T_LT: return OP_LT;
        case T_LE: return OP_LE;
        case T_GT: return OP_GT;
        case T_GE: return OP_GE;
        default: return -1;
        }
    case L_ADD:
        return t->type == T_PLUS ? OP_ADD : t->type == T_MINUS ? OP_SUB : -1;
    case L_MUL:
        if (t->type == T_STAR)
            return OP_MUL;
        return tok_is(t, "div") ? OP_DIV : tok_is(t, "mod") ? OP_MOD : -1;
    }
    return -1;
}

/* Left-associative binary operators of one level; the loop rather than
 * recursion keeps long chains from deepening the C stack. */
static struct node *parse_level(struct parser *p, int level)
{
    struct node *left, *right;
    int op, col;

    if (level > L_MUL)
        return parse_unary(p);
    left = parse_level(p, level + 1);
    while (left && (op = binary_op(&p->cur, level)) >= 0) {
        col = p->cur.col;
        if (next(p) < 0)
            goto cleanup;
        right = parse_level(p, level + 1);
        if (!right)
            goto cleanup;
        left = node_with_kids(p, N_BIN, op, col, left, right);
    }
    return left;
cleanup:
    node_free(left);
    return NULL;
}

static struct node *parse_expr(struct parser *p)
{
    struct node *n;

    if (++p->depth > MAX_NEST) {
        fail(p, p->cur.col, _("expression nested too deeply"));
        p->depth--;
        return NULL;
    }
    n = parse_level(p, L_OR);
    p->depth--;
    return n;
}

static int ascii_ieq(const char *a, size_t alen, const char *b)
{
    size_t i;

    if (alen != strlen(b))
        return 0;
    for (i = 0; i < alen; i++) {
        char c = a[i];

        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != b[i])
            return 0;
    }
    return 1;
}

/* A complete expression followed by more input: say what was probably
 * meant, since Excel habits (AND, missing operators) cause most of these. */
static void fail_trailing(struct parser *p)
{
    const struct token *t = &p->cur;
    static const char *const ops[] = { "and", "or", "div", "mod" };
    size_t i;

    if (t->type == T_RP) {
        fail(p, t->col, _("unexpected ')'"));
        return;
    }
    if (t->type == T_NAME)
        for (i = 0; i < sizeof ops / sizeof ops[0]; i++)
            if (ascii_ieq(t->text, t->len, ops[i])) {
                fail(p, t->col, _("unexpected '%.*s'; operators are "
                       "lower-case: '%s'"), (int)t->len, t->text, ops[i]);
                return;
            }
    if (t->type == T_COMMA)
        fail(p, t->col, _("unexpected ','"));
    else
        fail(p, t->col, _("unexpected '%.*s'; is an operator missing?"),
             shown(t->text, t->len), t->text);
}

static int parse_with(const char *src, int fields, expr_t **out, err_t *err);

int expr_parse(const char *src, expr_t **out, err_t *err)
{
    return parse_with(src, 0, out, err);
}

int expr_parse_filter(const char *src, expr_t **out, err_t *err)
{
    return parse_with(src, 1, out, err);
}

static int parse_with(const char *src, int fields, expr_t **out, err_t *err)
{
    struct parser p;
    struct node *root = NULL;
    expr_t *e;
    int rc = -1;

    if (!out)
        return -1;
    *out = NULL;
    memset(&p, 0, sizeof p);
    p.fields = fields;
    p.src = src ? src : "";
    p.col = 1;
    if (next(&p) < 0)
        goto cleanup;
    root = parse_expr(&p);
    if (!root)
        goto cleanup;
    if (p.cur.type != T_EOF) {
        fail_trailing(&p);
        goto cleanup;
    }
    e = malloc(sizeof *e);
    if (!e) {
        nomem(&p, 1);
        goto cleanup;
    }
    e->root = root;
    e->uses_dot = p.uses_dot;
    root = NULL;
    *out = e;
    rc = 0;
cleanup:
    node_free(root);
    if (rc < 0) {
        /* no message means fail() could not allocate it: malloc is failing */
        err_set_at(err, p.nomem || !p.err ? ERR_NOMEM : ERR_INPUT, 0, p.errcol, "%s",
                   p.err ? p.err : _("out of memory"));
        free(p.err);
    }
    return rc;
}

void expr_free(expr_t *e)
{
    if (!e)
        return;
    node_free(e->root);
    free(e);
}

static void foreach_of(const struct node *n, enum kind kind,
                       void (*cb)(void *ud, const char *name, int col),
                       void *ud)
{
    int i;

    if (n->kind == kind)
        cb(ud, n->str + (kind == N_FIELD), n->col);
    for (i = 0; i < n->nkid; i++)
        foreach_of(n->kid[i], kind, cb, ud);
}

void expr_foreach_ref(const expr_t *e,
                      void (*cb)(void *ud, const char *name, int col),
                      void *ud)
{
    if (e && cb)
        foreach_of(e->root, N_REF, cb, ud);
}

void expr_foreach_field(const expr_t *e,
                        void (*cb)(void *ud, const char *name, int col),
                        void *ud)
{
    if (e && cb)
        foreach_of(e->root, N_FIELD, cb, ud);
}

int expr_uses_dot(const expr_t *e)
{
    return e ? e->uses_dot : 0;
}

/* ---- evaluation ---------------------------------------------------- */

enum vtype { V_NUM, V_STR, V_BOOL };

struct value {
    enum vtype type;
    int b;                  /* V_BOOL */
    double n;               /* V_NUM; V_STR with s == NULL: string(n) */
    const char *s;          /* V_STR: borrowed from the tree, the lookup
                             * or a literal; NULL means "render n" so that
                             * string() needs no allocation */
    size_t len;
};

/* Strings built while evaluating (concat) are kept here and freed when
 * the evaluation ends, so a value can borrow them like any other. */
struct ctx {
    expr_lookup_fn lookup;
    void *ud;
    char **owned;
    size_t nowned, capowned;
};

static struct value num_val(double n)
{
    struct value v = { V_NUM, 0, n, NULL, 0 };
    return v;
}

static struct value bool_val(int b)
{
    struct value v = { V_BOOL, b != 0, 0, NULL, 0 };
    return v;
}

static struct value str_val(const char *s, size_t len)
{
    struct value v = { V_STR, 0, 0, s, len };
    return v;
}

static struct value lookup_val(struct ctx *c, const char *name)
{
    const char *s = c->lookup ? c->lookup(c->ud, name) : NULL;

    if (!s)
        s = "";
    return str_val(s, strlen(s));
}

/* String value of v; buf (NUM_BUF bytes) backs it when v is a number. */
static const char *str_of(const struct value *v, char *buf, size_t *len)
{
    if (v->type == V_BOOL) {
        *len = v->b ? 4 : 5;
        return v->b ? "true" : "false";
    }
    if (v->type == V_STR && v->s) {
        *len = v->len;
        return v->s;
    }
    *len = num_to_str(v->n, buf);
    return buf;
}

static int to_bool(const struct value *v)
{
    switch (v->type) {
    case V_BOOL: return v->b;
    case V_NUM: return v->n != 0 && !isnan(v->n);
    case V_STR: return v->s == NULL || v->len > 0;
    }
    return 0;
}

/* Days from 1970-01-01 to the proleptic Gregorian date y-m-d. */
static long days_from_civil(long y, long m, long d)
{
    long era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* An ISO date "YYYY-MM-DD" as ODK numbers it (days since 1970-01-01), so
 * date answers compare and subtract: `. <= today()`.  NaN when s is none. */
static double date_to_num(const char *s, size_t len)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    long y, m, d;
    size_t i;

    if (len != 10 || s[4] != '-' || s[7] != '-')
        return NAN;
    for (i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !is_digit(s[i]))
            return NAN;
    y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    m = (s[5] - '0') * 10 + (s[6] - '0');
    d = (s[8] - '0') * 10 + (s[9] - '0');
    if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return NAN;
    if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
        return NAN;
    return (double)days_from_civil(y, m, d);
}

static EXPR_NOINLINE double to_num(const struct value *v)
{
    char buf[NUM_BUF];
    const char *s;
    size_t len;
    double d;

    if (v->type == V_NUM)
        return v->n;
    if (v->type == V_BOOL)
        return v->b ? 1 : 0;
    s = str_of(v, buf, &len);
    d = str_to_num(s, len);
    return isnan(d) && v->s ? date_to_num(s, len) : d;
}

static struct value to_str_val(const struct value *v)
{
    struct value r = *v;

    if (v->type == V_BOOL)
        return str_val(v->b ? "true" : "false", v->b ? 4 : 5);
    r.type = V_STR;          /* a number becomes a lazily rendered string */
    return r;
}

/* XPath 1.0 section 3.4: booleans win over numbers, numbers over strings;
 * relational operators always compare numbers.  C's NaN comparisons are
 * exactly XPath's: only != is true. */
static EXPR_NOINLINE int compare(int op, const struct value *a,
                                 const struct value *b)
{
    char ba[NUM_BUF], bb[NUM_BUF];
    const char *sa, *sb;
    size_t la, lb;
    double x, y;
    int eq;

    if (op == OP_EQ || op == OP_NE) {
        if (a->type == V_BOOL || b->type == V_BOOL) {
            eq = to_bool(a) == to_bool(b);
        } else if (a->type == V_NUM || b->type == V_NUM) {
            x = to_num(a);
            y = to_num(b);
            return op == OP_EQ ? x == y : x != y;
        } else {
            sa = str_of(a, ba, &la);
            sb = str_of(b, bb, &lb);
            eq = la == lb && memcmp(sa, sb, la) == 0;
        }
        return op == OP_EQ ? eq : !eq;
    }
    x = to_num(a);
    y = to_num(b);
    switch (op) {
    case OP_LT: return x < y;
    case OP_LE: return x <= y;
    case OP_GT: return x > y;
    case OP_GE: return x >= y;
    }
    return 0;
}

static double arith(int op, double x, double y)
{
    switch (op) {
    case OP_ADD: return x + y;
    case OP_SUB: return x - y;
    case OP_MUL: return x * y;
    case OP_DIV: return x / y;       /* IEEE: 1 div 0 is Infinity */
    case OP_MOD: return fmod(x, y);  /* truncating, sign of x, as XPath */
    }
    return NAN;
}

/* Next space-separated item of s[*i..len), or 0 when there is none. */
static int next_item(const char *s, size_t len, size_t *i, size_t *start,
                     size_t *ilen)
{
    while (*i < len && is_ws(s[*i]))
        (*i)++;
    if (*i >= len)
        return 0;
    *start = *i;
    while (*i < len && !is_ws(s[*i]))
        (*i)++;
    *ilen = *i - *start;
    return 1;
}

static EXPR_NOINLINE int selected(const struct value *a, const struct value *b)
{
    char ba[NUM_BUF], bb[NUM_BUF];
    const char *hay, *needle;
    size_t hlen, nlen, i = 0, start, ilen;

    hay = str_of(a, ba, &hlen);
    needle = str_of(b, bb, &nlen);
    /* Choice names never contain spaces; stray ones around 'v' are typos. */
    while (nlen > 0 && is_ws(*needle)) {
        needle++;
        nlen--;
    }
    while (nlen > 0 && is_ws(needle[nlen - 1]))
        nlen--;
    if (nlen == 0)
        return 0;
    while (next_item(hay, hlen, &i, &start, &ilen))
        if (ilen == nlen && memcmp(hay + start, needle, nlen) == 0)
            return 1;
    return 0;
}

static EXPR_NOINLINE double count_selected(const struct value *a)
{
    char buf[NUM_BUF];
    const char *s;
    size_t len, i = 0, start, ilen;
    double n = 0;

    s = str_of(a, buf, &len);
    while (next_item(s, len, &i, &start, &ilen))
        n++;
    return n;
}

/* XPath counts characters, not bytes. */
static EXPR_NOINLINE double string_length(const struct value *a)
{
    char buf[NUM_BUF];
    const char *s;
    size_t len, i;
    double n = 0;

    s = str_of(a, buf, &len);
    for (i = 0; i < len; i++)
        if (is_utf8_lead(s[i]))
            n++;
    return n;
}

/* JavaRosa's coalesce treats NaN like a missing answer, so
 * coalesce(number(${x}), 0) works as authors expect. */
static int is_empty(const struct value *v)
{
    if (v->type == V_STR)
        return v->s != NULL && v->len == 0;
    if (v->type == V_NUM)
        return isnan(v->n);
    return 0;
}

static struct value eval(const struct node *n, struct ctx *c);

/* Keeps s (malloc'd) until the evaluation ends; NULL when memory ran out,
 * and then s is freed. */
static const char *keep(struct ctx *c, char *s)
{
    if (c->nowned == c->capowned) {
        size_t cap = c->capowned ? c->capowned * 2 : 8;
        char **o = realloc(c->owned, cap * sizeof *o);

        if (!o) {
            free(s);
            return NULL;
        }
        c->owned = o;
        c->capowned = cap;
    }
    c->owned[c->nowned++] = s;
    return s;
}

/* concat(): the arguments' strings joined.  Out of memory gives the empty
 * string: evaluation has no way to fail, and a label or calculation
 * missing its text is the least harm. */
static EXPR_NOINLINE struct value concat(const struct node *n, struct ctx *c)
{
    char buf[NUM_BUF];
    const char *s;
    char *out = NULL, *grown;
    size_t len = 0, slen;
    int i;
    struct value a;

    for (i = 0; i < n->nkid; i++) {
        a = eval(n->kid[i], c);
        s = str_of(&a, buf, &slen);
        grown = realloc(out, len + slen + 1);
        if (!grown) {
            free(out);
            return str_val("", 0);
        }
        out = grown;
        memcpy(out + len, s, slen);
        len += slen;
        out[len] = '\0';
    }
    s = out ? keep(c, out) : NULL;
    return s ? str_val(s, len) : str_val("", 0);
}

/* sum(), min(), max(): over every number in the arguments, where a string
 * is a space-separated list (a select_multiple answer "2 5", or a repeated
 * question's answers) and the empty string none.  A non-number gives NaN,
 * as XPath's sum() does; min and max of nothing are NaN. */
static EXPR_NOINLINE double fold(const struct node *n, struct ctx *c, int fn)
{
    char buf[NUM_BUF];
    const char *s;
    size_t len, i, start, ilen;
    double acc = fn == F_SUM ? 0 : NAN, x;
    int k, seen = 0;
    struct value a;

    for (k = 0; k < n->nkid; k++) {
        a = eval(n->kid[k], c);
        if (a.type != V_STR) {
            x = to_num(&a);
            acc = fn == F_SUM ? acc + x : !seen ? x : fn == F_MIN ? fmin(acc, x) : fmax(acc, x);
            if (isnan(x))
                return NAN;
            seen = 1;
            continue;
        }
        s = str_of(&a, buf, &len);
        i = 0;
        while (next_item(s, len, &i, &start, &ilen)) {
            struct value item = str_val(s + start, ilen);

            x = to_num(&item);
            if (isnan(x))
                return NAN;
            acc = fn == F_SUM ? acc + x : !seen ? x : fn == F_MIN ? fmin(acc, x) : fmax(acc, x);
            seen = 1;
        }
    }
    return acc;
}

/* XPath round(): the nearest whole number, halves up; ODK's second
 * argument keeps that many decimals. */
static double round_to(double x, double digits)
{
    double scale;

    if (isnan(digits) || digits == 0)
        return isfinite(x) ? floor(x + 0.5) : x;
    scale = pow(10, trunc(digits));
    return floor(x * scale + 0.5) / scale;
}

static EXPR_NOINLINE int str_test(const struct value *a, const struct value *b, int fn)
{
    char ba[NUM_BUF], bb[NUM_BUF];
    size_t la, lb, i;
    const char *sa = str_of(a, ba, &la), *sb = str_of(b, bb, &lb);

    if (lb > la)
        return 0;
    if (fn == F_STARTS_WITH)
        return memcmp(sa, sb, lb) == 0;
    if (fn == F_ENDS_WITH)
        return memcmp(sa + la - lb, sb, lb) == 0;
    for (i = 0; i + lb <= la; i++)
        if (memcmp(sa + i, sb, lb) == 0)
            return 1;
    return 0;
}

/* today(): the local date, which is all gapsurvey ever keeps of a time. */
static struct value today(struct ctx *c)
{
    char *s = malloc(11);
    const char *kept;
    time_t now = time(NULL);
    struct tm tm;

    if (!s || !localtime_r(&now, &tm)) {
        free(s);
        return str_val("", 0);
    }
    strftime(s, 11, "%Y-%m-%d", &tm);
    kept = keep(c, s);
    return kept ? str_val(kept, 10) : str_val("", 0);
}

static struct value eval_call(const struct node *n, struct ctx *c)
{
    struct value a, b;

    switch ((enum fn)n->op) {
    case F_CONCAT:
        return concat(n, c);
    case F_SUM:
    case F_MIN:
    case F_MAX:
        return num_val(fold(n, c, n->op));
    case F_ROUND:
        a = eval(n->kid[0], c);
        if (n->nkid < 2)
            return num_val(round_to(to_num(&a), 0));
        b = eval(n->kid[1], c);
        return num_val(round_to(to_num(&a), to_num(&b)));
    case F_INT:
        a = eval(n->kid[0], c);
        return num_val(trunc(to_num(&a)));
    case F_FLOOR:
        a = eval(n->kid[0], c);
        return num_val(floor(to_num(&a)));
    case F_CEILING:
        a = eval(n->kid[0], c);
        return num_val(ceil(to_num(&a)));
    case F_ABS:
        a = eval(n->kid[0], c);
        return num_val(fabs(to_num(&a)));
    case F_CONTAINS:
    case F_STARTS_WITH:
    case F_ENDS_WITH:
        a = eval(n->kid[0], c);
        b = eval(n->kid[1], c);
        return bool_val(str_test(&a, &b, n->op));
    case F_TODAY:
        return today(c);
    case F_TRUE:
        return bool_val(1);
    case F_FALSE:
        return bool_val(0);
    case F_NOT:
        a = eval(n->kid[0], c);
        return bool_val(!to_bool(&a));
    case F_IF:
        /* Only the chosen branch is evaluated, as in XPath 2 and ODK. */
        a = eval(n->kid[0], c);
        return eval(n->kid[to_bool(&a) ? 1 : 2], c);
    case F_COALESCE:
        a = eval(n->kid[0], c);
        return is_empty(&a) ? eval(n->kid[1], c) : a;
    case F_NUMBER:
        a = eval(n->kid[0], c);
        return num_val(to_num(&a));
    case F_STRING:
        a = eval(n->kid[0], c);
        return to_str_val(&a);
    case F_STRING_LENGTH:
        a = eval(n->kid[0], c);
        return num_val(string_length(&a));
    case F_COUNT_SELECTED:
        a = eval(n->kid[0], c);
        return num_val(count_selected(&a));
    case F_SELECTED:
        a = eval(n->kid[0], c);
        b = eval(n->kid[1], c);
        return bool_val(selected(&a, &b));
    }
    return str_val("", 0);
}

static struct value eval(const struct node *n, struct ctx *c)
{
    struct value a, b;

    switch (n->kind) {
    case N_NUM:
        return num_val(n->num);
    case N_STR:
        return str_val(n->str, n->len);
    case N_REF:
    case N_FIELD:
        return lookup_val(c, n->str);
    case N_DOT:
        return lookup_val(c, NULL);
    case N_NEG:
        a = eval(n->kid[0], c);
        return num_val(-to_num(&a));
    case N_CALL:
        return eval_call(n, c);
    case N_BIN:
        break;
    }
    a = eval(n->kid[0], c);
    if (n->op == OP_OR || n->op == OP_AND) {
        /* Short-circuit: the right side is not looked at when decided. */
        if (to_bool(&a) == (n->op == OP_OR))
            return bool_val(n->op == OP_OR);
        b = eval(n->kid[1], c);
        return bool_val(to_bool(&b));
    }
    b = eval(n->kid[1], c);
    if (n->op >= OP_EQ && n->op <= OP_GE)
        return bool_val(compare(n->op, &a, &b));
    return num_val(arith(n->op, to_num(&a), to_num(&b)));
}

static void ctx_init(struct ctx *c, expr_lookup_fn lookup, void *ud)
{
    memset(c, 0, sizeof *c);
    c->lookup = lookup;
    c->ud = ud;
}

static void ctx_done(struct ctx *c)
{
    size_t i;

    for (i = 0; i < c->nowned; i++)
        free(c->owned[i]);
    free(c->owned);
}

int expr_eval_bool(const expr_t *e, expr_lookup_fn lookup, void *ud)
{
    struct ctx c;
    struct value v;
    int b;

    if (!e)
        return 0;
    ctx_init(&c, lookup, ud);
    v = eval(e->root, &c);
    b = to_bool(&v);
    ctx_done(&c);
    return b;
}

double expr_eval_number(const expr_t *e, expr_lookup_fn lookup, void *ud)
{
    struct ctx c;
    struct value v;
    double d;

    if (!e)
        return NAN;
    ctx_init(&c, lookup, ud);
    v = eval(e->root, &c);
    d = to_num(&v);
    ctx_done(&c);
    return d;
}

char *expr_eval_string(const expr_t *e, expr_lookup_fn lookup, void *ud)
{
    struct ctx c;
    struct value v;
    char buf[NUM_BUF], *out = NULL;
    const char *s;
    size_t len;

    if (!e)
        return strdup("");
    ctx_init(&c, lookup, ud);
    v = eval(e->root, &c);
    s = str_of(&v, buf, &len);
    out = malloc(len + 1);
    if (out) {
        memcpy(out, s, len);
        out[len] = '\0';
    }
    ctx_done(&c);
    return out;
}
