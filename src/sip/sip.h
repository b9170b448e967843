/*
 * SIP message parsing over a byte buffer: no allocation, no copy, no
 * bound beyond the buffer read. One pass splits the start line and the
 * header lines and classifies header names; the few fields every request
 * needs (top Via, From/To tags, Call-ID, CSeq, Content-Length) are parsed
 * during the basic checks; everything else on demand.
 *
 * The codec's files: parse.c (framing), check.c (the basic checks),
 * hdrname.c (header names, methods, header lookup), params.c, uri.c,
 * via.c/via.h (Via parsing and the received/rport edit),
 * writer.c/writer.h (the bounded writer replies are written with),
 * lex.c/lex.h (character classes and scanners),
 * error.c/error.h (internal errors), req.c/req.h (the request context),
 * reply.c/reply.h (stateless replies); internal.h is what they share.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_SIP_H
#define SLS_SIP_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "lib/str.h"

#define SLS_SIP_MAX_HEADERS	128

enum sls_hdr_type {
	SLS_HDR_OTHER = 0,
	SLS_HDR_VIA,		/* v */
	SLS_HDR_FROM,		/* f */
	SLS_HDR_TO,		/* t */
	SLS_HDR_CALLID,		/* i */
	SLS_HDR_CSEQ,
	SLS_HDR_CLEN,		/* l */
	SLS_HDR_CTYPE,		/* c */
	SLS_HDR_CONTACT,	/* m */
	SLS_HDR_RECORD_ROUTE,
	SLS_HDR_ROUTE,
	SLS_HDR_MAX_FORWARDS,
	SLS_HDR_USER_AGENT,
	SLS_HDR_SUPPORTED,	/* k */
	SLS_HDR_SUBJECT,	/* s */
	SLS_HDR_EVENT,		/* o */
	SLS_HDR_REFER_TO,	/* r */
	SLS_HDR_ALLOW_EVENTS,	/* u */
	SLS_HDR_ACCEPT_CONTACT,	/* a */
	SLS_HDR_REFERRED_BY,	/* b */
	SLS_HDR_REJECT_CONTACT,	/* j */
	SLS_HDR_REQUEST_DISPOSITION, /* d */
	SLS_HDR_CENCODING,	/* e */
	SLS_HDR_IDENTITY,	/* y */
	SLS_HDR_SESSION_EXPIRES, /* x */
	SLS_HDR_TYPES
};

enum sls_method {
	SLS_M_OTHER = 0,
	SLS_M_INVITE,
	SLS_M_ACK,
	SLS_M_CANCEL,
	SLS_M_BYE,
	SLS_M_OPTIONS,
	SLS_M_REGISTER,
	SLS_M_INFO,
	SLS_M_MESSAGE,
	SLS_M_NOTIFY,
	SLS_M_SUBSCRIBE,
	SLS_M_PRACK,
	SLS_M_UPDATE,
	SLS_M_REFER,
	SLS_M_PUBLISH
};

typedef struct sls_hdr {
	sls_str_t name;		/* as written, without the colon */
	sls_str_t value;	/* trimmed; may hold folding CRLF + WSP */
	sls_str_t line;		/* name through the end of the value, without
				   the final CRLF: what a reply copies */
	uint8_t type;		/* enum sls_hdr_type */
} sls_hdr_t;

/* A SIP URI split into parts (views into the same buffer). */
typedef struct sls_uri {
	sls_str_t whole;
	sls_str_t scheme;	/* "sip", "sips", "tel", ... */
	sls_str_t user;		/* may be empty */
	sls_str_t host;		/* IPv6 references keep their brackets */
	sls_str_t port;		/* digits, may be empty */
	sls_str_t params;	/* after the first ';' of the host part (for
				   tel: after the number), without that ';'
				   and without the headers */
	unsigned port_num;	/* 0 when absent */
	sls_str_t headers;	/* after '?', without it; may be empty */
} sls_uri_t;

/* The top-most Via value (first item of the first Via header). */
typedef struct sls_via {
	sls_str_t whole;	/* this via-parm, "SIP/2.0/UDP host;..." */
	sls_str_t transport;	/* "UDP" */
	sls_str_t host;		/* sent-by host, IPv6 with brackets */
	sls_str_t port;		/* sent-by port digits, may be empty */
	unsigned port_num;	/* 0 when absent */
	sls_str_t branch;	/* value of branch=, may be empty */
	bool rport;		/* has an rport param (with or without value) */
	sls_str_t rport_param;	/* the ";rport[=N]" span, to be replaced */
	sls_str_t received_param; /* the ";received=X" span, to be replaced */
	const char *params_end;	/* end of this via-parm's params */
	unsigned hdr;		/* index of its header in msg->hdrs */
	bool answerable;	/* SIP/2.0/UDP and a valid sent-by (SPEC 9):
				   a reply can be addressed by it */
} sls_via_t;

/* A name-addr or addr-spec header (From, To) with its tag. */
typedef struct sls_nameaddr {
	sls_str_t uri;		/* without < > */
	sls_str_t tag;		/* value of tag=, empty when absent */
	bool has_tag;
} sls_nameaddr_t;

typedef struct sls_msg {
	const char *buf;	/* the start line (leading CRLFs skipped) */
	size_t len;		/* bytes of the SIP message (after framing):
				   start line through the end of the body */

	bool is_request;
	/* request line */
	sls_str_t method;
	enum sls_method method_id;
	sls_str_t ruri;
	sls_str_t version;
	/* status line */
	unsigned status;
	sls_str_t reason;

	sls_hdr_t hdrs[SLS_SIP_MAX_HEADERS];
	unsigned nhdrs;
	int16_t first[SLS_HDR_TYPES];	/* first header of a type, -1 none */

	const char *hdr_end;	/* the empty line ending the headers (its
				   CR or LF), or the datagram end if none */
	sls_str_t body;		/* trimmed to a valid Content-Length */
	size_t body_avail;	/* bytes of the datagram after the empty line */

	/* filled by sls_sip_check() */
	sls_via_t via;
	sls_nameaddr_t from, to;
	sls_str_t callid;
	uint32_t cseq_num;
	sls_str_t cseq_method;
	long content_length;	/* first Content-Length, -1 when absent or
				   malformed (set by sls_sip_parse) */
	enum sls_err err;	/* first failed check; SLS_E_NONE if none */
	bool addressable;	/* a reply may be sent (SPEC 9): a request
				   whose start line parses, whose top Via
				   is SIP/2.0/UDP with a valid sent-by, and
				   whose From, To, Call-ID and CSeq are
				   present and not empty (malformed is fine:
				   they are copied); with duplicates the
				   first header counts */
} sls_msg_t;

/*
 * Split a datagram into start line and headers. Returns 0 when it is a SIP
 * message at all (request or response), possibly with msg->err set for a
 * defect found on the way; -1 when the bytes are not a SIP message and can
 * only be dropped. Never reads outside buf[0..len).
 */
int sls_sip_parse(sls_msg_t *msg, const char *buf, size_t len);

/*
 * The basic checks of SPEC 2.4 for a request: parses the top Via header
 * (its first via-parm into msg->via; the others must be well formed and
 * not empty), From, To, Call-ID, CSeq, Content-Length and the
 * Request-URI, sets msg->err to the first defect and msg->addressable.
 * Returns 0 when no defect, -1 else.
 * Order: a defect sls_sip_parse found, SIP version, Request-URI (syntax,
 * no ?headers, then scheme sip/sips/tel), Via, From, To, Call-ID, CSeq,
 * Content-Length, Max-Forwards. For a response it parses the same headers
 * (no Request-URI, no CSeq method match) and is never addressable.
 */
int sls_sip_check(sls_msg_t *msg);

/* Parse a URI (sip:, sips:, tel:, other schemes as opaque). 0 or -1. */
int sls_uri_parse(sls_str_t s, sls_uri_t *uri);

/* First header of the given type, or NULL. */
const sls_hdr_t *sls_sip_hdr(const sls_msg_t *msg, enum sls_hdr_type type);
/* First header with this name (long or compact, case-insensitive). */
const sls_hdr_t *sls_sip_hdr_by_name(const sls_msg_t *msg, sls_str_t name);
/* Type of a header name (long or compact form), SLS_HDR_OTHER if unknown. */
enum sls_hdr_type sls_sip_hdr_type(sls_str_t name);
enum sls_method sls_sip_method_id(sls_str_t method);

/*
 * Value of a param (";name=value" or ";name") inside the param list s; true
 * if present. s may start with or without ';' (sls_uri_t.params, the rest
 * of a header value after its URI, a whole via-parm); names compare
 * case-insensitively, LWS around ';' and '=' is skipped, a quoted value is
 * returned without its quotes, a param without value gives an empty value,
 * a ',' ends a value (header lists). The first match wins.
 */
bool sls_sip_param(sls_str_t s, const char *name, sls_str_t *value);

#endif
