/*
 * The ACK filter: the to-tag of every final reply to an INVITE is kept in
 * the signature table for ack_timeout seconds, so the ACK that answers it
 * is absorbed instead of routed.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_ACKFILTER_H
#define SLS_ACKFILTER_H

#include <stdbool.h>

#include "lib/str.h"
#include "pipeline.h"
#include "sip/req.h"

/*
 * For an INVITE that will be answered here: the table window its entry
 * goes to, on its way into the cache.
 */
void sls_ack_prefetch(const sls_handler_t *h, const sls_req_t *req,
    sls_out_t *out);
/* Remember the to-tag of a final reply to an INVITE for its ACK. */
void sls_ack_remember(const sls_handler_t *h, sls_req_t *req,
    sls_out_t *out, sls_str_t to_tag);
/*
 * The same, given the hash of the to-tag (sls_tag_hash, table key); the
 * caller has passed the tag itself to sls_ack_other_tag.
 */
void sls_ack_remember_hash(const sls_handler_t *h, sls_req_t *req,
    sls_out_t *out, uint64_t tag_hash);
/*
 * Note a to-tag that sls_ack_remember_hash will remember: when it is not
 * of our making, ACKs with such tags are looked up for a while.
 */
void sls_ack_other_tag(const sls_handler_t *h, const sls_req_t *req,
    sls_str_t to_tag);
/*
 * True when the ACK answers a reply of ours and is absorbed (counted, and
 * event_route "sl:filtered-ack" run); else counted as passed.
 */
bool sls_ack_absorb(const sls_handler_t *h, sls_req_t *req,
    sls_out_t *out);

#endif
