/*
 * What the files of the SIP codec share with each other and no other
 * layer uses: recording the first defect, Content-Length values, the
 * param scanner, hosts and ports, the least a From/To URI must be.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_SIP_INTERNAL_H
#define SLS_SIP_INTERNAL_H

#include <stdbool.h>

#include "sip.h"

/* Keep the first defect found. */
static inline void
set_err(sls_msg_t *msg, enum sls_err e)
{
	if (msg->err == SLS_E_NONE)
		msg->err = e;
}

/* parse.c: a Content-Length value, digits only; huge values saturate. */
bool sls_sip_parse_clen(sls_str_t v, long *out);
/* parse.c: "SIP" "/" 1*DIGIT "." 1*DIGIT, "SIP" in any case */
bool sls_sip_version_ok(sls_str_t v);
/* parse.c: method token, a Request-URI word, a SIP-Version (SPEC 9) */
bool sls_sip_request_line_ok(const sls_msg_t *msg);

/* params.c: one ";name[=value]" of a param list; value keeps its quotes. */
struct sls_param {
	sls_str_t name;
	sls_str_t value;
	bool has_value;
	const char *start;	/* its ';' */
	const char *end;	/* after the name or value */
};

/*
 * Parse the param at *pp (SWS ";" SWS token [EQUAL gen-value]). Returns 1
 * and advances *pp past it; 0 when the next non-LWS byte is not ';' (*pp
 * then points at that byte or the end); -1 on a syntax error.
 */
int sls_sip_param_next(const char **pp, const char *end,
    struct sls_param *prm);

/* uri.c: host = "[" IPv6 "]" / hostname / IPv4address; its end or NULL */
const char *sls_sip_parse_host(const char *p, const char *end);
/* uri.c: port = 1..65535 in [b, e) */
bool sls_sip_parse_port(const char *b, const char *e, unsigned *out);
/* uri.c: what From/To/Contact URIs must be at least: scheme ":" one word */
bool sls_sip_uri_sane(sls_str_t u);

#endif
