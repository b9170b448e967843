/*
 * Via (RFC 3261 §20.42; RFC 3581): the top via-parm parsed, and later the
 * received/rport edit a reply makes of it.
 */
#ifndef SLS_SIP_VIA_H
#define SLS_SIP_VIA_H

#include "error.h"
#include "sip.h"

/*
 * Parse the first via-parm of a Via header value into via (zeroed by the
 * caller; via->hdr is left alone). SLS_E_NONE, or SLS_E_BAD_VIA with as
 * much filled in as could be found: a sent-by host still makes the
 * request addressable.
 */
enum sls_err sls_via_parse(sls_str_t value, sls_via_t *via);

#endif
