/*
 * The scan of the text before libconfuse parses it: comments blanked out
 * and the line of each titled section noted (see sls_conf_prescan).
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* A character of an unquoted libconfuse string. */
static bool
word_char(char c)
{
	return c != '\0' && strchr(" #\"'\t\n\r={}()+,*", c) == NULL;
}

static void
blank(char *p, const char *end)
{
	for (; p < end; p++)
		if (*p != '\n')
			*p = ' ';
}

typedef struct tok {
	const char *s;		/* NULL: text not comparable */
	size_t len;
	int line;
} tok_t;

static bool
tok_is(const tok_t *t, const char *word)
{
	return t->s != NULL && t->len == strlen(word) &&
	    memcmp(t->s, word, t->len) == 0;
}

static void
note_header(const tok_t *kw, const tok_t *title)
{
	sec_hdr_t *h;
	int kind;

	if (tok_is(kw, "route"))
		kind = SEC_ROUTE;
	else if (tok_is(kw, "event_route"))
		kind = SEC_EVENT;
	else if (tok_is(kw, "onreply_route"))
		kind = SEC_ONREPLY;
	else
		return;
	if (title->s == NULL || memchr(title->s, '\\', title->len) != NULL)
		return;
	h = realloc(sls_conf_ld->hdrs, (sls_conf_ld->nhdrs + 1) * sizeof(*h));
	if (h == NULL)
		return;
	sls_conf_ld->hdrs = h;
	h += sls_conf_ld->nhdrs;
	if ((h->title = strndup(title->s, title->len)) == NULL)
		return;
	h->kind = kind;
	h->line = kw->line;
	sls_conf_ld->nhdrs++;
}

/*
 * A comment at p is blanked out: returns where the scan goes on (p when
 * there is no comment there), NULL for an unterminated C comment.
 */
static char *
skip_comment(char *p, int *line)
{
	char *q, *x;

	if (*p == '#' || (p[0] == '/' && p[1] == '/' &&
	    !word_char(p[strspn(p, "/")]))) {
		q = p + strcspn(p, "\n");
		blank(p, q);
		return q;
	}
	if (p[0] == '/' && p[1] == '*') {
		if ((q = strstr(p + 2, "*/")) == NULL) {
			sls_conf_err(*line, "unterminated /* comment");
			return NULL;
		}
		q += 2;
		for (x = p; x < q; x++)
			if (*x == '\n')
				(*line)++;
		blank(p, q);
		return q;
	}
	return p;
}

/*
 * The quoted string at p: returns the character after its closing quote,
 * or NULL when it is unterminated; word gets its text if plain. The
 * lexer's escapes and ${VAR} never hide the closing quote; a title using
 * them is not noted.
 */
static char *
skip_quoted(char *p, int *line, tok_t *word)
{
	char c = *p, *q;
	bool plain = true;

	for (q = p + 1; *q != c; q++) {
		if (*q == '\0') {
			sls_conf_err(word->line, "unterminated string");
			return NULL;
		}
		if (*q == '\n')
			(*line)++;
		if (*q == '\\' && q[1] != '\0') {
			if (q[1] == '\n')
				(*line)++;
			q++;
			plain = false;
		} else if (c == '"' && q[0] == '$' &&
		    q[1] == '{' && strchr(q, '}') != NULL) {
			q = strchr(q, '}');
			plain = false;
		}
	}
	if (plain) {
		word->s = p + 1;
		word->len = (size_t)(q - p - 1);
	}
	return q + 1;
}

/*
 * libconfuse 3.3 counts a '#' or '//' comment line as three lines and a
 * C comment's end as one more, and it rejects a comment inside a list
 * ("unexpected token"). So comments are blanked out before parsing: each
 * byte of a comment but its newlines becomes a space. The scan follows
 * the lexer's rules for quoted strings, ${VAR} and unquoted words (a '//'
 * inside a word is part of it), so nothing else changes.
 *
 * libconfuse keeps no start line for a section, so the scan also notes
 * the line of each top-level 'route "title" {', 'event_route' and
 * 'onreply_route', and
 * that of a top-level '{' left open at the end of the file.
 */
int
sls_conf_prescan(char *buf)
{
	tok_t t[2];
	char *p = buf, *q;
	int line = 1, depth = 0, nt = 0, outer = 0;
	char c;

	while ((c = *p) != '\0') {
		tok_t word = { NULL, 0, line };

		if (c == '\n') {
			line++;
			p++;
			continue;
		}
		if ((q = skip_comment(p, &line)) == NULL)
			return -1;
		if (q != p) {
			p = q;
			continue;
		}
		if (c == '"' || c == '\'') {
			if ((p = skip_quoted(p, &line, &word)) == NULL)
				return -1;
		} else if (c == '$' && p[1] == '{' &&
		    (q = strchr(p, '}')) != NULL) {
			p = q + 1;
		} else if (word_char(c)) {
			for (q = p; word_char(*q); q++)
				;
			word.s = p;
			word.len = (size_t)(q - p);
			p = q;
		} else {
			if (c == '{') {
				if (depth == 0 && nt == 2)
					note_header(&t[0], &t[1]);
				if (depth == 0)
					outer = line;
				depth++;
			} else if (c == '}' && depth > 0) {
				depth--;
			}
			/* any other character ends a 'KEYWORD TITLE {' run */
			if (c != ' ' && c != '\t' && c != '\r')
				nt = 0;
			p++;
			continue;
		}
		if (nt == 2) {
			t[0] = t[1];
			nt = 1;
		}
		t[nt++] = word;
	}
	sls_conf_ld->unclosed = depth > 0 ? outer : 0;
	return 0;
}

int
sls_conf_section_line(cfg_t *sec, int kind)
{
	const char *title = cfg_title(sec);
	size_t i;

	for (i = 0; title != NULL && i < sls_conf_ld->nhdrs; i++)
		if (sls_conf_ld->hdrs[i].kind == kind &&
		    strcmp(sls_conf_ld->hdrs[i].title, title) == 0)
			return sls_conf_ld->hdrs[i].line;
	/* not found by the scan: the line of its closing brace */
	return sec->line;
}
