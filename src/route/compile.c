/*
 * The route language compiler: each function turns one config value into
 * one compiled route piece, or writes why it cannot into err.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/chars.h"
#include "lib/num.h"
#include "sip/sip.h"
#include "compile.h"

#define RE_FLAGS	(REG_EXTENDED | REG_ICASE | REG_NOSUB)

static const char *
skip_ws(const char *s)
{
	return s + strspn(s, " \t");
}

/* Length of s without trailing blanks. */
static size_t
trim_len(const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n;
}

/* End of the bracket expression that starts at s[0] == '['. */
static const char *
bracket_end(const char *s)
{
	const char *p = s + 1, *q;

	if (*p == '^')
		p++;
	if (*p == ']')		/* a leading ']' is a member */
		p++;
	for (; *p != '\0' && *p != ']'; p++) {
		/* [:class:], [=equiv=], [.coll.] hold a ']' of their own */
		if (*p == '[' && (p[1] == ':' || p[1] == '=' || p[1] == '.')) {
			for (q = p + 2; *q != '\0' && !(q[0] == p[1] &&
			    q[1] == ']'); q++)
				;
			if (*q == '\0')
				return q;
			p = q + 1;
		}
	}
	return p;
}

/* What no pattern may hold: 0, or -1 with the reason in err. */
static int
re_limits(const char *src, char *err, size_t errlen)
{
	size_t n = strlen(src);
	const char *p;

	if (n > SLS_RE_MAX) {
		snprintf(err, errlen, "regular expression \"%.32s...\" is %zu "
		    "bytes long, more than %d", src, n, SLS_RE_MAX);
		return -1;
	}
	/* A backslash outside brackets escapes the next character. */
	for (p = src; *p != '\0'; p++) {
		if (*p == '[') {
			p = bracket_end(p);
			if (*p == '\0')
				break;
		} else if (*p == '\\') {
			if (p[1] >= '1' && p[1] <= '9') {
				snprintf(err, errlen, "back-reference \\%c in "
				    "regular expression \"%s\": not allowed",
				    p[1], src);
				return -1;
			}
			if (*++p == '\0')
				break;
		}
	}
	return 0;
}

regex_t *
sls_compile_re(const char *src, char *err, size_t errlen)
{
	regex_t *re;
	int rc;

	if (re_limits(src, err, errlen) < 0)
		return NULL;
	if ((re = malloc(sizeof(*re))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if ((rc = regcomp(re, src, RE_FLAGS)) != 0) {
		char m[128];

		regerror(rc, re, m, sizeof(m));
		snprintf(err, errlen, "bad regular expression \"%s\": %s", src,
		    m);
		free(re);
		return NULL;
	}
	return re;
}

void
sls_compile_re_free(regex_t *re)
{
	if (re != NULL) {
		regfree(re);
		free(re);
	}
}

/* "Name: ERE" -> condition. */
int
sls_compile_header(const char *spec, sls_hdr_cond_t *h, char *err,
    size_t errlen)
{
	const char *colon, *name = skip_ws(spec);
	char m[256];
	size_t n;
	int rc;

	memset(h, 0, sizeof(*h));
	if ((colon = strchr(name, ':')) == NULL) {
		snprintf(err, errlen, "expected \"Name: ERE\"");
		return -1;
	}
	n = trim_len(name, (size_t)(colon - name));
	if (!sls_is_token(name, n)) {
		snprintf(err, errlen, "bad header name");
		return -1;
	}
	if (re_limits(skip_ws(colon + 1), err, errlen) < 0)
		return -1;
	if ((rc = regcomp(&h->re, skip_ws(colon + 1), RE_FLAGS)) != 0) {
		regerror(rc, &h->re, m, sizeof(m));
		snprintf(err, errlen, "bad regular expression: %s", m);
		return -1;
	}
	if ((h->name = strndup(name, n)) == NULL) {
		regfree(&h->re);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	h->type = sls_sip_hdr_type((sls_str_t){ h->name, n });
	return 0;
}

void
sls_compile_header_free(sls_hdr_cond_t *h)
{
	if (h->name != NULL) {
		free(h->name);
		regfree(&h->re);
	}
}

sls_tmpl_t *
sls_compile_tmpl(const char *src, size_t n, char *err, size_t errlen)
{
	sls_tmpl_t *t;
	char *s;

	if ((s = strndup(src, n)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	t = sls_tmpl_compile(s, err, errlen);
	free(s);
	return t;
}

/* "TEMPLATE [q=0.N]" -> branch. */
int
sls_compile_branch(const char *spec, sls_branch_spec_t *b, char *err,
    size_t errlen)
{
	const char *s = skip_ws(spec), *q = NULL;
	size_t n = trim_len(s, strlen(s)), i;

	b->uri = NULL;
	b->q_milli = -1;
	for (i = n; i > 0; i--)
		if (s[i - 1] == ' ' || s[i - 1] == '\t')
			break;
	if (strncmp(s + i, "q=", 2) == 0) {
		size_t qn;

		q = s + i + 2;
		qn = (size_t)(s + n - q);
		if (!sls_parse_qvalue(q, q + qn, &b->q_milli)) {
			snprintf(err, errlen, "bad q value \"%.*s\" (0 to 1, "
			    "at most 3 decimals)", (int)qn, q);
			return -1;
		}
		n = trim_len(s, i);
	}
	if (n == 0) {
		snprintf(err, errlen, "empty URI");
		return -1;
	}
	if ((b->uri = sls_compile_tmpl(s, n, err, errlen)) == NULL)
		return -1;
	return 0;
}

/* "Name: value" (a template) for append_to_reply. */
sls_tmpl_t *
sls_compile_append(const char *spec, char *err, size_t errlen)
{
	const char *colon = strchr(spec, ':');
	size_t n;

	if (colon == NULL || !sls_is_token(spec, (size_t)(colon - spec))) {
		snprintf(err, errlen, "expected \"Name: value\"");
		return NULL;
	}
	n = (size_t)(colon - spec);
	switch (sls_sip_hdr_type((sls_str_t){ spec, n })) {
	case SLS_HDR_VIA:
	case SLS_HDR_FROM:
	case SLS_HDR_TO:
	case SLS_HDR_CALLID:
	case SLS_HDR_CSEQ:
	case SLS_HDR_CLEN:
		snprintf(err, errlen, "%.*s is a header slserver writes itself",
		    (int)n, spec);
		return NULL;
	default:
		break;
	}
	return sls_tmpl_compile(spec, err, errlen);
}

/*
 * "CODE REASON" -> code and reason templates. A constant code must be an
 * integer 100..699 (*const_code); one with variables is checked per
 * request. No reason -> NULL.
 */
int
sls_compile_reply(const char *spec, sls_tmpl_t **code, sls_tmpl_t **reason,
    int *const_code, char *err, size_t errlen)
{
	const char *s = skip_ws(spec), *r;
	size_t n = strcspn(s, " \t"), rn, i;
	char sub[256];
	long v = 0;

	*code = *reason = NULL;
	*const_code = 0;
	if (n == 0) {
		snprintf(err, errlen, "missing reply code");
		return -1;
	}
	if ((*code = sls_compile_tmpl(s, n, sub, sizeof(sub))) == NULL) {
		snprintf(err, errlen, "reply code: %s", sub);
		return -1;
	}
	if (sls_tmpl_is_const(*code)) {
		for (i = 0; i < n && sls_is_digit((unsigned char)s[i]); i++)
			if (v < 1000)
				v = v * 10 + (s[i] - '0');
		if (i < n) {
			snprintf(err, errlen, "reply code \"%.*s\" is not a "
			    "number", (int)n, s);
			goto fail;
		}
		if (v < 100 || v > 699) {
			snprintf(err, errlen, "reply code %.*s out of range "
			    "100..699", (int)n, s);
			goto fail;
		}
		*const_code = (int)v;
	}
	r = skip_ws(s + n);
	rn = trim_len(r, strlen(r));
	if (rn > 0 &&
	    (*reason = sls_compile_tmpl(r, rn, sub, sizeof(sub))) == NULL) {
		snprintf(err, errlen, "reply reason: %s", sub);
		goto fail;
	}
	return 0;
fail:
	sls_tmpl_free(*code);
	*code = NULL;
	return -1;
}

/*
 * forward = "udp:HOST[:PORT]" -> host and port. The name is not
 * resolved here: conf/ does that when it loads the file.
 */
int
sls_compile_forward(const char *spec, char *host, size_t hostlen,
    unsigned *port, char *err, size_t errlen)
{
	const char *h, *end;
	size_t n;

	*port = 5060;
	if (strncmp(spec, "udp:", 4) != 0)
		goto bad;
	h = spec + 4;
	if (*h == '[') {
		if ((end = strchr(h, ']')) == NULL || end == h + 1)
			goto bad;
		n = (size_t)(end - h - 1);
		h++;
		end++;
	} else {
		end = h + strcspn(h, ":");
		n = (size_t)(end - h);
		if (n == 0)
			goto bad;
	}
	if (*end == ':') {
		size_t pn = strlen(end + 1);

		if (pn > 5 || !sls_parse_port(end + 1, end + 1 + pn, port) ||
		    *port == 0)
			goto bad;
	} else if (*end != '\0') {
		goto bad;
	}
	if (n >= hostlen) {
		snprintf(err, errlen, "forward \"%s\": host name too long",
		    spec);
		return -1;
	}
	memcpy(host, h, n);
	host[n] = '\0';
	return 0;
bad:
	snprintf(err, errlen, "forward \"%s\": expected udp:HOST[:PORT]",
	    spec);
	return -1;
}

/* code = "408" (one code, 100..699) or "4xx" (a class, 1xx..6xx). */
int
sls_compile_code(const char *spec, sls_code_cond_t *c, char *err,
    size_t errlen)
{
	const char *s = skip_ws(spec);
	size_t n = trim_len(s, strlen(s));
	uint64_t v;

	if (n == 3 && s[0] >= '1' && s[0] <= '6' &&
	    (s[1] == 'x' || s[1] == 'X') && (s[2] == 'x' || s[2] == 'X')) {
		c->lo = (uint16_t)((s[0] - '0') * 100);
		c->hi = (uint16_t)(c->lo + 99);
		return 0;
	}
	if (n == 3 && sls_parse_uint(s, s + 3, 699, &v) && v >= 100) {
		c->lo = c->hi = (uint16_t)v;
		return 0;
	}
	snprintf(err, errlen, "code \"%s\": expected a reply code 100..699 "
	    "or a class 1xx..6xx", spec);
	return -1;
}

/*
 * Variable names are "hdr(Name)" or two characters (tmpl.c); nothing
 * delimits a two-character name, so "$rUser" compiles as $rU and "ser".
 */
const char *
sls_compile_tmpl_warn(const char *src, char *warn, size_t len)
{
	const char *p = src, *e;
	size_t n;
	int w;

	while ((p = strchr(p, '$')) != NULL) {
		if (p[1] == '$' || p[1] == '\0' || p[2] == '\0') {
			p += p[1] == '$' ? 2 : 1;
			continue;
		}
		if (strncmp(p + 1, "hdr(", 4) == 0) {
			e = strchr(p, ')');
			p = e != NULL ? e + 1 : p + 1;
			continue;
		}
		p += 3;
		for (n = 0; sls_is_alpha((unsigned char)p[n]) ||
		    sls_is_digit((unsigned char)p[n]); n++)
			;
		if (n > 0) {
			w = n > 32 ? 32 : (int)n;
			snprintf(warn, len, "$%.2s%.*s is read as $%.2s "
			    "followed by \"%.*s\" (variable names have two "
			    "letters and cannot be delimited; separate the "
			    "text from $%.2s)", p - 2, w, p, p - 2, w, p,
			    p - 2);
			return p + n;
		}
	}
	return NULL;
}

bool
sls_compile_method_warn(const char *method, char *warn, size_t len)
{
	char up[64];
	size_t i;

	for (i = 0; method[i] != '\0'; i++)
		if (method[i] >= 'a' && method[i] <= 'z')
			break;
	if (method[i] == '\0')
		return false;
	for (i = 0; method[i] != '\0' && i < sizeof(up) - 1; i++)
		up[i] = method[i] >= 'a' && method[i] <= 'z' ?
		    (char)(method[i] - 'a' + 'A') : method[i];
	up[i] = '\0';
	snprintf(warn, len, "method \"%s\" never matches %s: methods are "
	    "case-sensitive (write \"%s\")", method, up, up);
	return true;
}
