/*
 * Internal errors a request can carry (its "last error"), and the reply
 * sl_reply_error makes of each. The full table is in slserver.conf(5).
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_ERROR_H
#define SLS_ERROR_H

/* X(id, code, phrase) — phrase is the parenthesised detail of the reason. */
#define SLS_ERRORS_LIST(X) \
	X(SLS_E_NONE, 500, "no error") \
	X(SLS_E_BAD_START_LINE, 400, "malformed request line") \
	X(SLS_E_BAD_VERSION, 505, "unsupported SIP version") \
	X(SLS_E_BAD_RURI, 400, "malformed Request-URI") \
	X(SLS_E_RURI_SCHEME, 416, "unsupported URI scheme") \
	X(SLS_E_BAD_HEADER, 400, "malformed header line") \
	X(SLS_E_TOO_MANY_HEADERS, 400, "too many headers") \
	X(SLS_E_NO_VIA, 400, "missing Via") \
	X(SLS_E_BAD_VIA, 400, "malformed Via") \
	X(SLS_E_NO_FROM, 400, "missing From") \
	X(SLS_E_BAD_FROM, 400, "malformed From") \
	X(SLS_E_MULTI_FROM, 400, "multiple From headers") \
	X(SLS_E_NO_TO, 400, "missing To") \
	X(SLS_E_BAD_TO, 400, "malformed To") \
	X(SLS_E_MULTI_TO, 400, "multiple To headers") \
	X(SLS_E_NO_CALLID, 400, "missing Call-ID") \
	X(SLS_E_MULTI_CALLID, 400, "multiple Call-ID headers") \
	X(SLS_E_NO_CSEQ, 400, "missing CSeq") \
	X(SLS_E_BAD_CSEQ, 400, "malformed CSeq") \
	X(SLS_E_MULTI_CSEQ, 400, "multiple CSeq headers") \
	X(SLS_E_CSEQ_METHOD, 400, "CSeq method does not match") \
	X(SLS_E_BAD_CLEN, 400, "malformed Content-Length") \
	X(SLS_E_MULTI_CLEN, 400, "conflicting Content-Length") \
	X(SLS_E_CLEN_TOO_BIG, 400, "Content-Length larger than the datagram") \
	X(SLS_E_BAD_MAX_FORWARDS, 400, "malformed Max-Forwards") \
	X(SLS_E_ACT_BAD_URI, 500, "rewritten URI does not parse") \
	X(SLS_E_ACT_TOO_MANY_BRANCHES, 500, "too many branches") \
	X(SLS_E_ACT_REPLY_TOO_LARGE, 500, "reply too large") \
	X(SLS_E_ACT_TEMPLATE_TOO_LONG, 500, "template value too long")

enum sls_err {
#define SLS_ERR_ENUM(id, c, p) id,
	SLS_ERRORS_LIST(SLS_ERR_ENUM)
#undef SLS_ERR_ENUM
	SLS_E_COUNT
};

/* Reply code for an error. */
int sls_err_code(enum sls_err e);
/* Short description, e.g. "missing Call-ID". */
const char *sls_err_detail(enum sls_err e);
/*
 * The reply reason, e.g. "Bad Request (missing Call-ID)": the standard
 * phrase of the code then the detail in parentheses. Static storage.
 */
const char *sls_err_reason(enum sls_err e);

/* RFC 3261 §21 standard reason phrase of a code, or NULL. */
const char *sls_sip_std_reason(int code);

#endif
