/*
 * Header names (long and compact forms, RFC 3261 §7.3.3 and the
 * registered compact forms), method ids, and finding a header in a
 * parsed message.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lex.h"
#include "sip.h"

/* Compact forms (RFC 3261 §7.3.3 and the IANA registry), by letter. */
static const uint8_t compact[26] = {
	['a' - 'a'] = SLS_HDR_ACCEPT_CONTACT,
	['b' - 'a'] = SLS_HDR_REFERRED_BY,
	['c' - 'a'] = SLS_HDR_CTYPE,
	['d' - 'a'] = SLS_HDR_REQUEST_DISPOSITION,
	['e' - 'a'] = SLS_HDR_CENCODING,
	['f' - 'a'] = SLS_HDR_FROM,
	['i' - 'a'] = SLS_HDR_CALLID,
	['j' - 'a'] = SLS_HDR_REJECT_CONTACT,
	['k' - 'a'] = SLS_HDR_SUPPORTED,
	['l' - 'a'] = SLS_HDR_CLEN,
	['m' - 'a'] = SLS_HDR_CONTACT,
	['o' - 'a'] = SLS_HDR_EVENT,
	['r' - 'a'] = SLS_HDR_REFER_TO,
	['s' - 'a'] = SLS_HDR_SUBJECT,
	['t' - 'a'] = SLS_HDR_TO,
	['u' - 'a'] = SLS_HDR_ALLOW_EVENTS,
	['v' - 'a'] = SLS_HDR_VIA,
	['x' - 'a'] = SLS_HDR_SESSION_EXPIRES,
	['y' - 'a'] = SLS_HDR_IDENTITY,
};

#define NAME_IS(lit) \
	(n == sizeof(lit) - 1 && ceq_lower(s, (lit), sizeof(lit) - 1))

/* A long name (n > 1), by its first letter and then its length. */
static enum sls_hdr_type
long_name_type(const char *s, size_t n)
{
	switch (lc((unsigned char)s[0])) {
	case 'a':
		if (NAME_IS("accept-contact"))
			return SLS_HDR_ACCEPT_CONTACT;
		if (NAME_IS("allow-events"))
			return SLS_HDR_ALLOW_EVENTS;
		break;
	case 'c':
		if (NAME_IS("content-type"))
			return SLS_HDR_CTYPE;
		if (NAME_IS("cseq"))
			return SLS_HDR_CSEQ;
		if (NAME_IS("call-id"))
			return SLS_HDR_CALLID;
		if (NAME_IS("contact"))
			return SLS_HDR_CONTACT;
		if (NAME_IS("content-length"))
			return SLS_HDR_CLEN;
		if (NAME_IS("content-encoding"))
			return SLS_HDR_CENCODING;
		break;
	case 'e':
		return NAME_IS("event") ? SLS_HDR_EVENT : SLS_HDR_OTHER;
	case 'f':
		return NAME_IS("from") ? SLS_HDR_FROM : SLS_HDR_OTHER;
	case 'i':
		return NAME_IS("identity") ? SLS_HDR_IDENTITY : SLS_HDR_OTHER;
	case 'm':
		return NAME_IS("max-forwards") ? SLS_HDR_MAX_FORWARDS :
		    SLS_HDR_OTHER;
	case 'r':
		if (NAME_IS("refer-to"))
			return SLS_HDR_REFER_TO;
		if (NAME_IS("route"))
			return SLS_HDR_ROUTE;
		if (NAME_IS("record-route"))
			return SLS_HDR_RECORD_ROUTE;
		if (NAME_IS("referred-by"))
			return SLS_HDR_REFERRED_BY;
		if (NAME_IS("reject-contact"))
			return SLS_HDR_REJECT_CONTACT;
		if (NAME_IS("request-disposition"))
			return SLS_HDR_REQUEST_DISPOSITION;
		break;
	case 's':
		if (NAME_IS("subject"))
			return SLS_HDR_SUBJECT;
		if (NAME_IS("supported"))
			return SLS_HDR_SUPPORTED;
		if (NAME_IS("session-expires"))
			return SLS_HDR_SESSION_EXPIRES;
		break;
	case 't':
		return NAME_IS("to") ? SLS_HDR_TO : SLS_HDR_OTHER;
	case 'u':
		return NAME_IS("user-agent") ? SLS_HDR_USER_AGENT :
		    SLS_HDR_OTHER;
	case 'v':
		return NAME_IS("via") ? SLS_HDR_VIA : SLS_HDR_OTHER;
	default:
		break;
	}
	return SLS_HDR_OTHER;
}

enum sls_hdr_type
sls_sip_hdr_type(sls_str_t name)
{
	unsigned char c;

	if (name.s == NULL || name.len == 0)
		return SLS_HDR_OTHER;
	if (name.len > 1)
		return long_name_type(name.s, name.len);
	c = lc((unsigned char)name.s[0]);
	if (c < 'a' || c > 'z')
		return SLS_HDR_OTHER;
	return (enum sls_hdr_type)compact[c - 'a'];
}

#undef NAME_IS

/* Methods are case-sensitive (RFC 3261 §7.1). */
enum sls_method
sls_sip_method_id(sls_str_t m)
{
	if (m.s == NULL)
		return SLS_M_OTHER;
	switch (m.len) {
	case 3:
		if (STR_IS(m, "ACK"))
			return SLS_M_ACK;
		if (STR_IS(m, "BYE"))
			return SLS_M_BYE;
		break;
	case 4:
		if (STR_IS(m, "INFO"))
			return SLS_M_INFO;
		break;
	case 5:
		if (STR_IS(m, "PRACK"))
			return SLS_M_PRACK;
		if (STR_IS(m, "REFER"))
			return SLS_M_REFER;
		break;
	case 6:
		if (STR_IS(m, "INVITE"))
			return SLS_M_INVITE;
		if (STR_IS(m, "CANCEL"))
			return SLS_M_CANCEL;
		if (STR_IS(m, "NOTIFY"))
			return SLS_M_NOTIFY;
		if (STR_IS(m, "UPDATE"))
			return SLS_M_UPDATE;
		break;
	case 7:
		if (STR_IS(m, "OPTIONS"))
			return SLS_M_OPTIONS;
		if (STR_IS(m, "MESSAGE"))
			return SLS_M_MESSAGE;
		if (STR_IS(m, "PUBLISH"))
			return SLS_M_PUBLISH;
		break;
	case 8:
		if (STR_IS(m, "REGISTER"))
			return SLS_M_REGISTER;
		break;
	case 9:
		if (STR_IS(m, "SUBSCRIBE"))
			return SLS_M_SUBSCRIBE;
		break;
	default:
		break;
	}
	return SLS_M_OTHER;
}

const sls_hdr_t *
sls_sip_hdr(const sls_msg_t *msg, enum sls_hdr_type type)
{
	int i;

	if ((unsigned)type >= SLS_HDR_TYPES)
		return NULL;
	i = msg->first[type];
	if (i < 0 || (unsigned)i >= msg->nhdrs)
		return NULL;
	return &msg->hdrs[i];
}

const sls_hdr_t *
sls_sip_hdr_by_name(const sls_msg_t *msg, sls_str_t name)
{
	enum sls_hdr_type t = sls_sip_hdr_type(name);
	unsigned i;

	if (t != SLS_HDR_OTHER)
		return sls_sip_hdr(msg, t);
	if (name.len == 0)
		return NULL;
	for (i = 0; i < msg->nhdrs; i++) {
		const sls_hdr_t *h = &msg->hdrs[i];

		if (h->type == SLS_HDR_OTHER && h->name.len == name.len &&
		    ceq(h->name.s, name.s, name.len))
			return h;
	}
	return NULL;
}
