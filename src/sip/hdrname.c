/*
 * Header names (long and compact forms, RFC 3261 §7.3.3 and the
 * registered compact forms), method ids, and finding a header in a
 * parsed message.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "lex.h"
#include "sip.h"

#define NAME_IS(lit) \
	(n == sizeof(lit) - 1 && ceq(s, (lit), sizeof(lit) - 1))

enum sls_hdr_type
sls_sip_hdr_type(sls_str_t name)
{
	const char *s = name.s;
	size_t n = name.len;

	if (s == NULL || n == 0)
		return SLS_HDR_OTHER;
	switch (lc((unsigned char)s[0])) {
	case 'a':
		if (n == 1 || NAME_IS("accept-contact"))
			return SLS_HDR_ACCEPT_CONTACT;
		if (NAME_IS("allow-events"))
			return SLS_HDR_ALLOW_EVENTS;
		break;
	case 'b':
		if (n == 1)
			return SLS_HDR_REFERRED_BY;
		break;
	case 'c':
		if (n == 1 || NAME_IS("content-type"))
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
	case 'd':
		if (n == 1)
			return SLS_HDR_REQUEST_DISPOSITION;
		break;
	case 'e':
		if (n == 1)
			return SLS_HDR_CENCODING;
		if (NAME_IS("event"))
			return SLS_HDR_EVENT;
		break;
	case 'f':
		if (n == 1 || NAME_IS("from"))
			return SLS_HDR_FROM;
		break;
	case 'i':
		if (n == 1)
			return SLS_HDR_CALLID;
		if (NAME_IS("identity"))
			return SLS_HDR_IDENTITY;
		break;
	case 'j':
		if (n == 1)
			return SLS_HDR_REJECT_CONTACT;
		break;
	case 'k':
		if (n == 1)
			return SLS_HDR_SUPPORTED;
		break;
	case 'l':
		if (n == 1)
			return SLS_HDR_CLEN;
		break;
	case 'm':
		if (n == 1)
			return SLS_HDR_CONTACT;
		if (NAME_IS("max-forwards"))
			return SLS_HDR_MAX_FORWARDS;
		break;
	case 'o':
		if (n == 1)
			return SLS_HDR_EVENT;
		break;
	case 'r':
		if (n == 1 || NAME_IS("refer-to"))
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
		if (n == 1 || NAME_IS("subject"))
			return SLS_HDR_SUBJECT;
		if (NAME_IS("supported"))
			return SLS_HDR_SUPPORTED;
		if (NAME_IS("session-expires"))
			return SLS_HDR_SESSION_EXPIRES;
		break;
	case 't':
		if (n == 1 || NAME_IS("to"))
			return SLS_HDR_TO;
		break;
	case 'u':
		if (n == 1)
			return SLS_HDR_ALLOW_EVENTS;
		if (NAME_IS("user-agent"))
			return SLS_HDR_USER_AGENT;
		break;
	case 'v':
		if (n == 1 || NAME_IS("via"))
			return SLS_HDR_VIA;
		break;
	case 'x':
		if (n == 1)
			return SLS_HDR_SESSION_EXPIRES;
		break;
	case 'y':
		if (n == 1)
			return SLS_HDR_IDENTITY;
		break;
	default:
		break;
	}
	return SLS_HDR_OTHER;
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
