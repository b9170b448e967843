/*
 * Via (RFC 3261 §20.42, §18.2.1; RFC 3581): parsing the top via-parm.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "internal.h"
#include "lex.h"
#include "lib/num.h"
#include "via.h"

enum sls_err
sls_via_parse(sls_str_t value, sls_via_t *v)
{
	const char *p = value.s, *end = p + value.len, *start, *q;
	enum sls_err err = SLS_E_NONE;
	sls_str_t proto, ver;
	struct sls_param prm;
	unsigned n;
	int r;

	/* sent-protocol = name SLASH version SLASH transport */
	start = p;
	q = skip_token(p, end);
	proto = mkstr(p, q);
	p = skip_ws(q, end);
	if (proto.len == 0 || p == end || *p != '/')
		return SLS_E_BAD_VIA;
	p = skip_ws(p + 1, end);
	q = skip_token(p, end);
	ver = mkstr(p, q);
	p = skip_ws(q, end);
	if (ver.len == 0 || p == end || *p != '/')
		return SLS_E_BAD_VIA;
	p = skip_ws(p + 1, end);
	q = skip_token(p, end);
	if (q == p)
		return SLS_E_BAD_VIA;
	v->transport = mkstr(p, q);
	if (!STR_CASEIS(proto, "SIP") || !STR_IS(ver, "2.0"))
		err = SLS_E_BAD_VIA;
	/* LWS sent-by */
	p = skip_ws(q, end);
	if (p == q)
		return SLS_E_BAD_VIA;
	q = sls_sip_parse_host(p, end);
	if (q == NULL)
		return SLS_E_BAD_VIA;
	v->host = mkstr(p, q);
	v->whole = mkstr(start, q);
	v->params_end = q;
	p = skip_ws(q, end);
	if (p < end && *p == ':') {
		p = skip_ws(p + 1, end);
		q = skip_digits(p, end);
		if (!sls_sip_parse_port(p, q, &v->port_num)) {
			v->port_num = 0;
			return SLS_E_BAD_VIA;
		}
		v->port = mkstr(p, q);
		v->params_end = q;
	}
	p = v->params_end;
	while ((r = sls_sip_param_next(&p, end, &prm)) > 0) {
		v->params_end = prm.end;
		if (STR_CASEIS(prm.name, "branch")) {
			if (!prm.has_value)
				err = SLS_E_BAD_VIA;
			else if (v->branch.s == NULL)
				v->branch = prm.value;
		} else if (STR_CASEIS(prm.name, "rport")) {
			if (prm.has_value &&
			    !sls_parse_port(prm.value.s, prm.value.s +
			    prm.value.len, &n))
				err = SLS_E_BAD_VIA;
			if (!v->rport) {
				v->rport = true;
				v->rport_param = mkstr(prm.start, prm.end);
			}
		} else if (STR_CASEIS(prm.name, "received")) {
			if (!prm.has_value)
				err = SLS_E_BAD_VIA;
			else if (v->received_param.s == NULL)
				v->received_param =
				    mkstr(prm.start, prm.end);
		}
	}
	/* then the end of the value or a comma and the next via-parm */
	if (r < 0 || (p < end && *p != ','))
		err = SLS_E_BAD_VIA;
	v->whole = mkstr(start, v->params_end);
	return err;
}
