/*
 * html: escaping text for HTML (see html.h).  The web server escapes every
 * field of every page it serves, so this is on its hot path.
 */
#include "base/html.h"

#include <string.h>

void html_esc(util_buf_t *b, const char *s)
{
    if (!s)
        return;
    /* runs without a special character are copied whole (strcspn is
     * vectorised; a switch per byte was 5% of the server's CPU) */
    for (;;) {
        size_t n = strcspn(s, "&<>\"'");
        util_buf_add(b, s, n);
        s += n;
        const char *ent;
        switch (*s) {
        case '&': ent = "&amp;"; break;
        case '<': ent = "&lt;"; break;
        case '>': ent = "&gt;"; break;
        case '"': ent = "&quot;"; break;
        case '\'': ent = "&#39;"; break;
        default: return;   /* the terminating NUL */
        }
        util_buf_adds(b, ent);
        s++;
    }
}

char *html_escape(const char *s)
{
    util_buf_t b = {0};
    html_esc(&b, s);   /* nothing added: util_buf_take gives "" */
    return util_buf_take(&b);
}

void html_url_esc(util_buf_t *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; s && *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
            strchr("-._~", ch)) {
            util_buf_addc(b, (char)ch);
        } else {
            char e[3] = {'%', hex[ch >> 4], hex[ch & 15]};
            util_buf_add(b, e, 3);
        }
    }
}
