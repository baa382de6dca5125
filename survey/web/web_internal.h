/*
 * web_internal: what tests/fuzz/fuzz_web.c needs from inside the server
 * and no command does.  Not part of web.h's interface; nothing under cli/
 * includes this.
 */
#ifndef GS_WEB_INTERNAL_H
#define GS_WEB_INTERNAL_H

#include "survey/web/web.h"

/* The CSRF token the questionnaire page of the invitation code whose
 * tok_hash() is code_hash carries, and POST /submit must send back: 64
 * hex digits and a NUL. */
void web_submit_csrf(const web_t *w, const char *code_hash, char out[65]);

#endif
