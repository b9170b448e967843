/*
 * Templates: a source string is compiled once into parts (literal runs
 * and variables); expansion walks the parts, copying literals and looking
 * values up in the request, without parsing or allocating.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/chars.h"
#include "lib/log.h"
#include "sip/sip.h"
#include "tmpl.h"

enum var {
	V_LIT = 0,
	V_RM, V_RU, V_RUSER, V_RD, V_RP,
	V_FU, V_FUSER, V_FD, V_FT,
	V_TU, V_TUSER, V_TD, V_TT,
	V_CI, V_CS, V_SI, V_SP, V_RI, V_RPORT,
	V_UA, V_HDR, V_RS, V_RR, V_TS
};

/* Every variable name but hdr(...) has two characters; case matters. */
static const struct {
	char name[3];
	uint8_t var;
} vars[] = {
	{ "rm", V_RM }, { "ru", V_RU }, { "rU", V_RUSER }, { "rd", V_RD },
	{ "rp", V_RP }, { "fu", V_FU }, { "fU", V_FUSER }, { "fd", V_FD },
	{ "ft", V_FT }, { "tu", V_TU }, { "tU", V_TUSER }, { "td", V_TD },
	{ "tt", V_TT }, { "ci", V_CI }, { "cs", V_CS }, { "si", V_SI },
	{ "sp", V_SP }, { "Ri", V_RI }, { "Rp", V_RPORT }, { "ua", V_UA },
	{ "rs", V_RS }, { "rr", V_RR }, { "Ts", V_TS },
};

typedef struct part {
	uint8_t var;		/* enum var; V_LIT for literal text */
	uint8_t hdr_type;	/* V_HDR: enum sls_hdr_type */
	sls_str_t s;		/* V_LIT: the text; V_HDR: header name */
} part_t;

struct sls_tmpl {
	const char *source;
	size_t nparts;
	bool is_const;
	/* nparts parts, then literal text and header names, then the source */
	part_t parts[];
};

/* Where scan() is: the parts and text bytes so far, and where they go. */
typedef struct scanner {
	sls_tmpl_t *t;		/* NULL: only count */
	char *text;
	size_t np, nt;
	bool in_lit;		/* the last part is a literal */
	part_t *lit;		/* that part, when filling */
	char *err;
	size_t errlen;
} scanner_t;

/* One literal byte c; consecutive bytes share one part. */
static void
scan_byte(scanner_t *sc, char c)
{
	if (!sc->in_lit) {
		if (sc->t != NULL) {
			sc->lit = &sc->t->parts[sc->np];
			sc->lit->var = V_LIT;
			sc->lit->s.s = sc->text + sc->nt;
			sc->lit->s.len = 0;
		}
		sc->in_lit = true;
		sc->np++;
	}
	if (sc->t != NULL) {
		sc->text[sc->nt] = sls_is_ctl((unsigned char)c) ? ' ' : c;
		sc->lit->s.len++;
	}
	sc->nt++;
}

/* "$hdr(Name)" with p after "$hdr("; returns the byte after ')'. */
static const char *
scan_hdr(scanner_t *sc, const char *name)
{
	size_t n;

	for (n = 0; name[n] != '\0' && name[n] != ')'; n++)
		if (!sls_is_token_char((unsigned char)name[n]))
			break;
	if (name[n] == '\0') {
		snprintf(sc->err, sc->errlen, "unterminated $hdr(");
		return NULL;
	}
	if (name[n] != ')' || n == 0) {
		snprintf(sc->err, sc->errlen, "bad header name in $hdr(%.*s",
		    (int)n + 1, name);
		return NULL;
	}
	if (sc->t != NULL) {
		part_t *pt = &sc->t->parts[sc->np];

		memcpy(sc->text + sc->nt, name, n);
		pt->var = V_HDR;
		pt->s.s = sc->text + sc->nt;
		pt->s.len = n;
		pt->hdr_type = (uint8_t)sls_sip_hdr_type(pt->s);
	}
	sc->nt += n;
	sc->np++;
	return name + n + 1;
}

/* A two-letter variable at p (after '$'); returns the byte after it. */
static const char *
scan_var(scanner_t *sc, const char *p)
{
	uint8_t v = V_LIT;
	size_t i, n;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		if (p[0] == vars[i].name[0] && p[1] == vars[i].name[1]) {
			v = vars[i].var;
			break;
		}
	}
	if (v == V_LIT) {
		for (n = 0; n < 32 && sls_is_token_char((unsigned char)p[n]);
		    n++)
			;
		if (n == 0)
			snprintf(sc->err, sc->errlen, "'$' not followed by a "
			    "variable name (use $$ for a dollar sign)");
		else
			snprintf(sc->err, sc->errlen, "unknown variable $%.*s",
			    (int)n, p);
		return NULL;
	}
	if (sc->t != NULL) {
		sc->t->parts[sc->np].var = v;
		sc->t->parts[sc->np].s = SLS_STR_NULL;
	}
	sc->np++;
	return p + 2;
}

/*
 * One pass over src. With t NULL it only validates and counts parts and
 * text bytes; with t it fills t->parts and the text area at text.
 */
static int
scan(const char *src, sls_tmpl_t *t, char *text, size_t *nparts,
    size_t *ntext, char *err, size_t errlen)
{
	scanner_t sc = { t, text, 0, 0, false, NULL, err, errlen };
	const char *p = src;

	while (p != NULL && *p != '\0') {
		if (*p != '$' || p[1] == '$') {
			/* literal byte; "$$" is one dollar */
			scan_byte(&sc, *p);
			p += *p == '$' ? 2 : 1;
			continue;
		}
		sc.in_lit = false;
		p++;
		if (*p == '\0') {
			snprintf(err, errlen, "'$' at the end of the template "
			    "(use $$ for a dollar sign)");
			return -1;
		}
		if (strncmp(p, "hdr(", 4) == 0)
			p = scan_hdr(&sc, p + 4);
		else
			p = scan_var(&sc, p);
	}
	if (p == NULL)
		return -1;
	*nparts = sc.np;
	*ntext = sc.nt;
	return 0;
}

sls_tmpl_t *
sls_tmpl_compile(const char *src, char *err, size_t errlen)
{
	sls_tmpl_t *t;
	size_t np, nt, srclen, i;
	char *text, *source;

	if (errlen > 0)
		err[0] = '\0';
	if (scan(src, NULL, NULL, &np, &nt, err, errlen) < 0)
		return NULL;
	srclen = strlen(src);
	t = calloc(1, sizeof(*t) + np * sizeof(part_t) + nt + srclen + 1);
	if (t == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	text = (char *)(t->parts + np);
	source = text + nt;
	memcpy(source, src, srclen + 1);
	t->source = source;
	if (scan(src, t, text, &np, &nt, err, errlen) < 0) {
		free(t);
		return NULL;
	}
	t->nparts = np;
	t->is_const = true;
	for (i = 0; i < np; i++)
		if (t->parts[i].var != V_LIT)
			t->is_const = false;
	return t;
}

void
sls_tmpl_free(sls_tmpl_t *t)
{
	free(t);
}

const char *
sls_tmpl_source(const sls_tmpl_t *t)
{
	return t->source;
}

bool
sls_tmpl_is_const(const sls_tmpl_t *t)
{
	return t->is_const;
}

/* Decimal digits of v into buf (at least 20 bytes); returns the length. */
static size_t
utoa(uint64_t v, char *buf)
{
	char tmp[20];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return n;
}

static const sls_hdr_t *
find_hdr(const sls_msg_t *msg, const part_t *pt)
{
	unsigned i;

	if (pt->hdr_type != SLS_HDR_OTHER) {
		if (msg->first[pt->hdr_type] < 0 ||
		    (unsigned)msg->first[pt->hdr_type] >= msg->nhdrs)
			return NULL;
		return &msg->hdrs[msg->first[pt->hdr_type]];
	}
	for (i = 0; i < msg->nhdrs; i++)
		if (msg->hdrs[i].type == SLS_HDR_OTHER &&
		    msg->hdrs[i].name.len == pt->s.len &&
		    strncasecmp(msg->hdrs[i].name.s, pt->s.s, pt->s.len) == 0)
			return &msg->hdrs[i];
	return NULL;
}

static sls_str_t
hdr_value(const sls_msg_t *msg, const part_t *pt)
{
	const sls_hdr_t *h = find_hdr(msg, pt);

	return h != NULL ? h->value : SLS_STR_NULL;
}

static sls_str_t
uri_part(const sls_uri_t *u, enum var v)
{
	if (u == NULL)
		return SLS_STR_NULL;
	switch (v) {
	case V_RUSER:
	case V_FUSER:
	case V_TUSER:
		return u->user;
	case V_RD:
	case V_FD:
	case V_TD:
		return u->host;
	case V_RP:
		return u->port;
	default:
		return SLS_STR_NULL;
	}
}

/*
 * The value of a variable: a view into the message, or digits written
 * into num (at least 20 bytes).
 */
static sls_str_t
value(const part_t *pt, sls_req_t *req, char *num)
{
	const sls_msg_t *msg = &req->msg;
	enum var v = pt->var;
	unsigned port;

	switch (v) {
	case V_RM:
		/* in onreply_route: the method the reply answers */
		return msg->is_request ? msg->method : msg->cseq_method;
	case V_RU:
		return sls_req_ruri_str(req);
	case V_RUSER:
	case V_RD:
	case V_RP:
		return uri_part(sls_req_ruri(req), v);
	case V_FU:
		return msg->from.uri;
	case V_FUSER:
	case V_FD:
		return uri_part(sls_req_from_uri(req), v);
	case V_FT:
		return msg->from.tag;
	case V_TU:
		return msg->to.uri;
	case V_TUSER:
	case V_TD:
		return uri_part(sls_req_to_uri(req), v);
	case V_TT:
		return msg->to.tag;
	case V_CI:
		return msg->callid;
	case V_CS:
		if (msg->cseq_method.len == 0)
			return SLS_STR_NULL;
		return (sls_str_t){ num, utoa(msg->cseq_num, num) };
	case V_SI:
		return sls_req_src_ip(req);
	case V_SP:
		port = req->src.ss_family == AF_UNSPEC ? 0 :
		    sls_req_src_port(req);
		if (port == 0)
			return SLS_STR_NULL;
		return (sls_str_t){ num, utoa(port, num) };
	case V_RI:
		return sls_req_local_ip(req);
	case V_RPORT:
		port = req->local.ss_family == AF_UNSPEC ? 0 :
		    sls_req_local_port(req);
		if (port == 0)
			return SLS_STR_NULL;
		return (sls_str_t){ num, utoa(port, num) };
	case V_UA:
		if (msg->first[SLS_HDR_USER_AGENT] < 0 ||
		    (unsigned)msg->first[SLS_HDR_USER_AGENT] >= msg->nhdrs)
			return SLS_STR_NULL;
		return msg->hdrs[msg->first[SLS_HDR_USER_AGENT]].value;
	case V_HDR:
		return hdr_value(msg, pt);
	case V_RS:
		if (req->rs == 0)
			return SLS_STR_NULL;
		return (sls_str_t){ num, utoa((uint64_t)(unsigned)req->rs,
		    num) };
	case V_RR:
		return req->rs != 0 ? req->rr : SLS_STR_NULL;
	case V_TS:
		return (sls_str_t){ num, utoa((uint64_t)time(NULL), num) };
	default:
		return SLS_STR_NULL;
	}
}

/*
 * Up to n bytes of s, fewer when byte n would be inside a UTF-8 character
 * (a log line then shows no broken character).
 */
static size_t
utf8_prefix(sls_str_t s, size_t n)
{
	size_t k = n;

	if (n >= s.len)
		return s.len;
	while (k > 0 && n - k < 3 && ((unsigned char)s.s[k] & 0xc0) == 0x80)
		k--;
	return k;
}

/*
 * Expand into out[0..cap); a variable value longer than varcap (0: no
 * cap) is cut there and followed by SLS_TMPL_CUT. Returns the length, or
 * -1 when the result does not fit; *used is the length written either way.
 */
static ssize_t
expand(const sls_tmpl_t *t, sls_req_t *req, char *out, size_t cap,
    size_t varcap, size_t *usedp)
{
	size_t used = 0, i, j, n;
	char num[24];

	for (i = 0; i < t->nparts; i++) {
		const part_t *pt = &t->parts[i];
		sls_str_t s;
		bool full, cut = false;

		if (pt->var == V_LIT) {
			s = pt->s;
		} else {
			s = value(pt, req, num);
			if (s.s == NULL || s.len == 0)
				continue;
			if (varcap != 0 && s.len > varcap) {
				s.len = utf8_prefix(s, varcap);
				cut = true;
			}
		}
		full = s.len > cap - used;
		n = full ? utf8_prefix(s, cap - used) : s.len;
		if (pt->var == V_LIT) {
			/* already sanitised when compiled */
			if (n > 0)
				memcpy(out + used, s.s, n);
		} else {
			for (j = 0; j < n; j++) {
				unsigned char c = (unsigned char)s.s[j];

				out[used + j] = sls_is_ctl(c) ? ' ' : (char)c;
			}
		}
		used += n;
		if (cut && !full) {
			full = sizeof(SLS_TMPL_CUT) - 1 > cap - used;
			if (!full) {
				memcpy(out + used, SLS_TMPL_CUT,
				    sizeof(SLS_TMPL_CUT) - 1);
				used += sizeof(SLS_TMPL_CUT) - 1;
			}
		}
		if (full) {
			*usedp = used;
			return -1;
		}
	}
	*usedp = used;
	return (ssize_t)used;
}

ssize_t
sls_tmpl_expand(const sls_tmpl_t *t, sls_req_t *req, char *out, size_t cap)
{
	size_t used;

	return expand(t, req, out, cap, 0, &used);
}

size_t
sls_tmpl_expand_log(const sls_tmpl_t *t, sls_req_t *req, char *out,
    size_t cap, size_t varcap)
{
	size_t used, room = cap - sizeof(SLS_LOG_CUT);

	if (expand(t, req, out, cap - 1, varcap, &used) >= 0) {
		out[used] = '\0';
		return used;
	}
	/* Too long: cut where the marker still fits, between characters. */
	if (used > room) {
		used = room;
		while (used > 0 && room - used < 3 &&
		    ((unsigned char)out[used] & 0xc0) == 0x80)
			used--;
	}
	memcpy(out + used, SLS_LOG_CUT, sizeof(SLS_LOG_CUT));
	return used + sizeof(SLS_LOG_CUT) - 1;
}
