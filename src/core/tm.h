/*
 * Server transactions (RFC 3261 §17.2) on the packet path: before the
 * routes, a request that belongs to a live transaction is answered from
 * the table (a retransmission), absorbed (its ACK) or, for a CANCEL of a
 * live INVITE, answered 200 OK; after a route with t_newtran, the reply
 * of send_reply is stored before it is sent. The table is shm/tmtable.c;
 * its timers run in the timer process (tm_timer.c).
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_TM_H
#define SLS_TM_H

#include <stdbool.h>
#include <stdint.h>

#include "pipeline.h"
#include "settings.h"
#include "sip/req.h"

enum sls_tm_verdict {
	SLS_TM_PASS,		/* no transaction: go on to the routes */
	SLS_TM_REPLY,		/* out holds the reply to send */
	SLS_TM_DONE		/* absorbed, or dropped and counted */
};

/*
 * The transaction layer's look at a request before any route runs.
 * Costs one load when no transaction is live.
 */
enum sls_tm_verdict sls_tm_match(const sls_handler_t *h, sls_req_t *req,
    sls_out_t *out);

/*
 * Keep the reply in out (built for req, with out->tm_keep set) as a new
 * server transaction, which absorbs its ACK: such a reply is not entered
 * in the signature table. When the table is full or the reply too large
 * it goes out statelessly, counted and entered there after all; when the
 * same transaction is already live (its retransmission overtook it), out
 * becomes that transaction's reply.
 */
void sls_tm_store(const sls_handler_t *h, sls_req_t *req, sls_out_t *out);

/* Whether a configuration can create transactions (a timer is needed). */
bool sls_tm_wanted(const sls_conf_t *c);

/* The §17.2.3 key of req for the method class given (e.g. "INVITE"). */
uint64_t sls_tm_branch_key(const sls_tagkey_t *k, const sls_msg_t *msg,
    sls_str_t method);

#endif
