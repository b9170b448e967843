/*
 * What a worker does with one datagram: parse, check, filter ACKs, pick a
 * route, run its actions and build the reply. It makes no socket call, so
 * it is tested directly and worker.c only moves datagrams; but it is not
 * pure: it counts into the caller's stats slot, reads and writes the
 * signature table in shared memory (ACK filter), and logs xlog lines of
 * routes and event routes. Its parts: ackfilter.c, route/match.c,
 * route/action.c, local_reply.c, events.c.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_PIPELINE_H
#define SLS_PIPELINE_H

#include <stdbool.h>
#include <sys/socket.h>

#include "settings.h"
#include "sip/req.h"
#include "shm/segment.h"
#include "tag.h"

typedef struct sls_handler {
	const sls_conf_t *conf;
	sls_stats_slot_t *stats;	/* this process's slot */
	sls_sigtable_t *sigtable;
	sls_srctable_t *srctable;	/* per-source limits; NULL: none */
	const sls_tagkey_t *tagkey;	/* signs to-tags (from sl.tag_secret) */
	const sls_tagkey_t *tablekey;	/* keys the signature table; fixed for
					   the life of the supervisor */
	sls_route_ctr_t *routes;	/* this process's route counters, by
					   sls_route_t.counter; NULL: none */
	/* the transaction table (NULL: none, t_newtran has no effect) */
	sls_tmtable_t *tm;
	unsigned sock;			/* listen the datagram came in on */
	/* wake the timer process (core makes no system call itself) */
	void (*tm_wake)(void *arg);
	void *tm_wake_arg;
} sls_handler_t;

/* What an outgoing datagram is, for its counting once sent. */
enum sls_out_kind {
	SLS_OUT_LOCAL = 0,	/* a local reply: by code, sl:local-response */
	SLS_OUT_FWD_REQUEST,	/* a forwarded request (core/forward.c) */
	SLS_OUT_FWD_REPLY	/* a reply passed back upstream */
};

typedef struct sls_out {
	char *buf;		/* datagram bytes, capacity cap */
	size_t cap;
	size_t len;
	struct sockaddr_storage dst;
	socklen_t dstlen;
	int code;		/* for the statistics once it is sent */
	bool is_err;		/* made by sl_reply_error */
	enum sls_out_kind kind;	/* set by sls_handle */
	bool tm_resend;		/* a stored reply, sent again: counted in
				   tm:absorbed, not as a new local reply */
	bool tm_keep;		/* in: the reply is for a transaction */
	uint64_t tm_tag_hash;	/* then: hash of the To tag of a final
				   reply to an INVITE (table key), or 0 */
	uint64_t key;		/* sls_req_key, once computed, or 0 */
} sls_out_t;

/*
 * The request's (Call-ID, From tag, CSeq number) key: the signature
 * table's key and the transaction table's position. Computed once per
 * datagram, kept in out->key.
 */
uint64_t sls_req_key(const sls_handler_t *h, const sls_req_t *req,
    sls_out_t *out);

/*
 * Handle one datagram of len bytes; req->src and req->local must be set.
 * Returns true when out holds a datagram to send to out->dst (a reply,
 * or with forwarding a request or reply passed on: out->kind), from the
 * socket and address the datagram came in on.
 */
bool sls_handle(const sls_handler_t *h, sls_req_t *req, const char *pkt,
    size_t len, sls_out_t *out);

/*
 * After a send attempt: count it, and for a local reply run event_route
 * "sl:local-response".
 */
void sls_handle_sent(const sls_handler_t *h, sls_req_t *req,
    const sls_out_t *out, bool ok);

#endif
