/*
 * The signature-table ACK filter. See ackfilter.h; the table itself is
 * shm/sigtable.c.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include "ackfilter.h"
#include "events.h"
#include "tag.h"

void
sls_ack_prefetch(const sls_handler_t *h, const sls_req_t *req,
    sls_out_t *out)
{
	sls_sigtable_prefetch(h->sigtable, sls_req_key(h, req, out));
}

/* Remember the to-tag of a final reply to an INVITE for its ACK. */
void
sls_ack_remember(const sls_handler_t *h, sls_req_t *req, sls_out_t *out,
    sls_str_t to_tag)
{
	sls_ack_other_tag(h, req, to_tag);
	sls_ack_remember_hash(h, req, out,
	    sls_tag_hash(h->tablekey, to_tag));
}

/*
 * A to-tag we did not make must be looked up for its ACK; so, for a while
 * after it is remembered, must every other tag not shaped like ours. The
 * mark lasts twice ack_timeout: an ACK up to ack_timeout too late is
 * still counted as late.
 */
void
sls_ack_other_tag(const sls_handler_t *h, const sls_req_t *req,
    sls_str_t to_tag)
{
	if (!sls_tag_may_be_ours(to_tag))
		sls_sigtable_hold_other_tags(h->sigtable, req->now_ms +
		    2 * (uint64_t)h->conf->sl.ack_timeout * 1000);
}

void
sls_ack_remember_hash(const sls_handler_t *h, sls_req_t *req,
    sls_out_t *out, uint64_t tag_hash)
{
	uint64_t key = sls_req_key(h, req, out), now = req->now_ms;

	switch (sls_sigtable_put(h->sigtable, key, tag_hash, now,
	    now + (uint64_t)h->conf->sl.ack_timeout * 1000)) {
	case SLS_PUT_EVICTED:
		sls_stat_inc(h->stats, SLS_ST_SIGTABLE_EVICTIONS);
		break;
	case SLS_PUT_DROPPED:
		/* its ACK will be passed, not absorbed */
		sls_stat_inc(h->stats, SLS_ST_SIGTABLE_DROPS);
		break;
	default:
		break;
	}
}

/* The ACK filter; true when the ACK is ours and absorbed. */
bool
sls_ack_absorb(const sls_handler_t *h, sls_req_t *req, sls_out_t *out)
{
	const sls_msg_t *msg = &req->msg;
	enum sls_sig_result r = SLS_SIG_MISS;

	if (msg->to.has_tag && (sls_tag_may_be_ours(msg->to.tag) ||
	    sls_sigtable_other_tags(h->sigtable, req->now_ms)))
		r = sls_sigtable_lookup(h->sigtable, sls_req_key(h, req, out),
		    sls_tag_hash(h->tablekey, msg->to.tag), req->now_ms);
	if (r == SLS_SIG_MATCH) {
		sls_stat_inc(h->stats, SLS_ST_RCV_ACKS);
		sls_event_filtered_ack(h->conf, req);
		return true;
	}
	if (r == SLS_SIG_EXPIRED)
		sls_stat_inc(h->stats, SLS_ST_ACKS_LATE);
	sls_stat_inc(h->stats, SLS_ST_ACKS_PASSED);
	return false;
}
