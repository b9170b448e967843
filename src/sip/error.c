/*
 * The internal error table and the standard reason phrases. Every string
 * is a literal assembled at compile time: no allocation, no formatting.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include <stddef.h>

#include "error.h"

/*
 * Standard reason phrases: RFC 3261 §21 and the codes registered since
 * (IANA "Session Initiation Protocol (SIP) Parameters", Response Codes).
 * One macro per code so the error table below can paste its phrase.
 */
#define SLS_R_100 "Trying"
#define SLS_R_180 "Ringing"
#define SLS_R_181 "Call Is Being Forwarded"
#define SLS_R_182 "Queued"
#define SLS_R_183 "Session Progress"
#define SLS_R_199 "Early Dialog Terminated"		/* RFC 6228 */
#define SLS_R_200 "OK"
#define SLS_R_202 "Accepted"				/* RFC 6665 */
#define SLS_R_204 "No Notification"			/* RFC 5839 */
#define SLS_R_300 "Multiple Choices"
#define SLS_R_301 "Moved Permanently"
#define SLS_R_302 "Moved Temporarily"
#define SLS_R_305 "Use Proxy"
#define SLS_R_380 "Alternative Service"
#define SLS_R_400 "Bad Request"
#define SLS_R_401 "Unauthorized"
#define SLS_R_402 "Payment Required"
#define SLS_R_403 "Forbidden"
#define SLS_R_404 "Not Found"
#define SLS_R_405 "Method Not Allowed"
#define SLS_R_406 "Not Acceptable"
#define SLS_R_407 "Proxy Authentication Required"
#define SLS_R_408 "Request Timeout"
#define SLS_R_410 "Gone"
#define SLS_R_412 "Conditional Request Failed"		/* RFC 3903 */
#define SLS_R_413 "Request Entity Too Large"
#define SLS_R_414 "Request-URI Too Long"
#define SLS_R_415 "Unsupported Media Type"
#define SLS_R_416 "Unsupported URI Scheme"
#define SLS_R_417 "Unknown Resource-Priority"		/* RFC 4412 */
#define SLS_R_420 "Bad Extension"
#define SLS_R_421 "Extension Required"
#define SLS_R_422 "Session Interval Too Small"		/* RFC 4028 */
#define SLS_R_423 "Interval Too Brief"
#define SLS_R_424 "Bad Location Information"		/* RFC 6442 */
#define SLS_R_428 "Use Identity Header"			/* RFC 8224 */
#define SLS_R_429 "Provide Referrer Identity"		/* RFC 3892 */
#define SLS_R_430 "Flow Failed"				/* RFC 5626 */
#define SLS_R_433 "Anonymity Disallowed"		/* RFC 5079 */
#define SLS_R_436 "Bad Identity Info"			/* RFC 8224 */
#define SLS_R_437 "Unsupported Credential"		/* RFC 8224 */
#define SLS_R_438 "Invalid Identity Header"		/* RFC 8224 */
#define SLS_R_439 "First Hop Lacks Outbound Support"	/* RFC 5626 */
#define SLS_R_440 "Max-Breadth Exceeded"		/* RFC 5393 */
#define SLS_R_469 "Bad Info Package"			/* RFC 6086 */
#define SLS_R_470 "Consent Needed"			/* RFC 5360 */
#define SLS_R_480 "Temporarily Unavailable"
#define SLS_R_481 "Call/Transaction Does Not Exist"
#define SLS_R_482 "Loop Detected"
#define SLS_R_483 "Too Many Hops"
#define SLS_R_484 "Address Incomplete"
#define SLS_R_485 "Ambiguous"
#define SLS_R_486 "Busy Here"
#define SLS_R_487 "Request Terminated"
#define SLS_R_488 "Not Acceptable Here"
#define SLS_R_489 "Bad Event"				/* RFC 6665 */
#define SLS_R_491 "Request Pending"
#define SLS_R_493 "Undecipherable"
#define SLS_R_494 "Security Agreement Required"		/* RFC 3329 */
#define SLS_R_500 "Server Internal Error"
#define SLS_R_501 "Not Implemented"
#define SLS_R_502 "Bad Gateway"
#define SLS_R_503 "Service Unavailable"
#define SLS_R_504 "Server Time-out"
#define SLS_R_505 "Version Not Supported"
#define SLS_R_513 "Message Too Large"
#define SLS_R_555 "Push Notification Service Not Supported" /* RFC 8599 */
#define SLS_R_580 "Precondition Failure"		/* RFC 3312 */
#define SLS_R_600 "Busy Everywhere"
#define SLS_R_603 "Decline"
#define SLS_R_604 "Does Not Exist Anywhere"
#define SLS_R_606 "Not Acceptable"
#define SLS_R_607 "Unwanted"				/* RFC 8197 */
#define SLS_R_608 "Rejected"				/* RFC 8688 */

#define SLS_STD_CODES(X) \
	X(100) X(180) X(181) X(182) X(183) X(199) \
	X(200) X(202) X(204) \
	X(300) X(301) X(302) X(305) X(380) \
	X(400) X(401) X(402) X(403) X(404) X(405) X(406) X(407) X(408) \
	X(410) X(412) X(413) X(414) X(415) X(416) X(417) X(420) X(421) \
	X(422) X(423) X(424) X(428) X(429) X(430) X(433) X(436) X(437) \
	X(438) X(439) X(440) X(469) X(470) X(480) X(481) X(482) X(483) \
	X(484) X(485) X(486) X(487) X(488) X(489) X(491) X(493) X(494) \
	X(500) X(501) X(502) X(503) X(504) X(505) X(513) X(555) X(580) \
	X(600) X(603) X(604) X(606) X(607) X(608)

const char *
sls_sip_std_reason(int code)
{
	switch (code) {
#define SLS_STD_CASE(c) case c: return SLS_R_##c;
	SLS_STD_CODES(SLS_STD_CASE)
#undef SLS_STD_CASE
	default:
		return NULL;
	}
}

/*
 * The error table. An error whose code has no SLS_R_<code> above does not
 * compile, so every reason is "standard phrase (detail)".
 */
static const struct {
	int code;
	const char *detail;
	const char *reason;
} errs[SLS_E_COUNT] = {
#define SLS_ERR_ROW(id, c, p) [id] = { c, p, SLS_R_##c " (" p ")" },
	SLS_ERRORS_LIST(SLS_ERR_ROW)
#undef SLS_ERR_ROW
};

int
sls_err_code(enum sls_err e)
{
	if ((unsigned)e >= SLS_E_COUNT)
		return 500;
	return errs[e].code;
}

const char *
sls_err_detail(enum sls_err e)
{
	if ((unsigned)e >= SLS_E_COUNT)
		return "unknown error";
	return errs[e].detail;
}

const char *
sls_err_reason(enum sls_err e)
{
	if ((unsigned)e >= SLS_E_COUNT)
		return SLS_R_500 " (unknown error)";
	return errs[e].reason;
}
