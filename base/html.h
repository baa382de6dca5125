/*
 * html: the one HTML escaper.  Everything gapsurvey echoes into a page or
 * a report (answers, unit names, labels, messages) goes through it, so
 * & < > " ' can never open a tag or end an attribute, in element text and
 * in single- or double-quoted attribute values alike.
 */
#ifndef GS_HTML_H
#define GS_HTML_H

#include "base/util.h"

/* Appends s with & < > " ' as entities (&amp; &lt; &gt; &quot; &#39;);
 * NULL appends nothing. */
void html_esc(util_buf_t *b, const char *s);
/* The same as a heap string the caller frees. */
char *html_escape(const char *s);
/* Appends s percent-encoded as one value of a query string (a link's
 * ?wave=...): every byte but A-Z a-z 0-9 - . _ ~ as %XX, so the result
 * is safe inside an attribute too.  NULL appends nothing. */
void html_url_esc(util_buf_t *b, const char *s);

#endif
