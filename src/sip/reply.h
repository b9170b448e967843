/*
 * Building a stateless reply to a request (RFC 3261 §8.2.6, §18.2.2;
 * RFC 3581).
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_REPLY_H
#define SLS_REPLY_H

#include <sys/types.h>

#include "req.h"

/*
 * Write the reply "SIP/2.0 code reason" to req into out[0..cap): copied
 * Vias (top one with received/rport), From, To (with ;tag=to_tag added
 * when the request has none and code != 100), Call-ID, CSeq,
 * Record-Route for dialog-creating 101..299, req->append headers, the 3xx
 * Contact from req->ruri (if changed) and req->branch, "Server: server"
 * when server is non-empty, Content-Length: 0. reason must be free of
 * CR/LF/controls (the caller sanitises). Returns the length, or -1 when it
 * does not fit or code is outside 100..699.
 *
 * The copied headers (every Via and Record-Route, the first From, To,
 * Call-ID, CSeq) keep the order they have in the request. In the top Via
 * an existing received= is replaced in place, a new one is written at the
 * end of that via-parm's params; rport= is filled in place. received is
 * set when rport is present, when received= was already there, or when
 * the sent-by host is not the source address.
 */
ssize_t sls_reply_build(sls_req_t *req, int code, sls_str_t reason,
    sls_str_t to_tag, const char *server, char *out, size_t cap);

/*
 * Where a reply to req goes over UDP: the source address, at the source
 * port when the top Via has rport, else the sent-by port, else 5060.
 */
void sls_reply_dest(const sls_req_t *req, struct sockaddr_storage *dst,
    socklen_t *dstlen);

#endif
