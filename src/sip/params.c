/*
 * Params (RFC 3261 §7.3.1, §25.1): ";name[=value]" lists of header values
 * and URIs.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "internal.h"
#include "lex.h"

int
sls_sip_param_next(const char **pp, const char *end, struct sls_param *prm)
{
	const char *p = skip_ws(*pp, end), *q;

	if (p == end || *p != ';') {
		*pp = p;
		return 0;
	}
	prm->start = p;
	p = skip_ws(p + 1, end);
	q = skip_token(p, end);
	if (q == p)
		return -1;
	prm->name = mkstr(p, q);
	p = q;
	q = skip_ws(p, end);
	if (q < end && *q == '=') {
		q = skip_ws(q + 1, end);
		if (q < end && *q == '"') {
			p = skip_quoted(q, end);
			if (p == NULL)
				return -1;
		} else {
			p = skip_cls(q, end, C_VAL);
			if (p == q)
				return -1;
		}
		prm->value = mkstr(q, p);
		prm->has_value = true;
	} else {
		prm->value = mkstr(p, p);
		prm->has_value = false;
	}
	prm->end = p;
	*pp = p;
	return 1;
}

bool
sls_sip_param(sls_str_t s, const char *name, sls_str_t *value)
{
	const char *p = s.s, *end, *ns, *ne, *vs, *ve;
	size_t nlen = strlen(name);
	bool match;

	if (p == NULL || nlen == 0)
		return false;
	end = p + s.len;
	while (p < end) {
		p = skip_ws(p, end);
		if (p < end && *p == ';')
			p = skip_ws(p + 1, end);
		ns = p;
		ne = skip_token(p, end);
		match = (size_t)(ne - ns) == nlen && ceq(ns, name, nlen);
		p = skip_ws(ne, end);
		if (p == end || *p == ';' || *p == ',') {
			if (match) {
				*value = mkstr(ne, ne);
				return true;
			}
		} else if (*p == '=') {
			vs = skip_ws(p + 1, end);
			if (vs < end && *vs == '"') {
				ve = skip_quoted(vs, end);
				p = ve != NULL ? ve : end;
				if (ve != NULL) {
					vs++;
					ve--;
				} else {
					ve = end;
				}
			} else {
				ve = vs;
				while (ve < end && *ve != ';' && *ve != ',')
					ve++;
				p = ve;
				ve = rtrim(vs, ve);
			}
			if (match) {
				*value = mkstr(vs, ve);
				return true;
			}
		}
		/* on to the next ';' outside quotes */
		while (p < end && *p != ';') {
			if (*p == '"') {
				p = skip_quoted(p, end);
				if (p == NULL)
					return false;
			} else {
				p++;
			}
		}
	}
	return false;
}
