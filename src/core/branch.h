/*
 * The branch of the Via slserver puts on a forwarded request: keyed, so
 * that a reply is recognised as an answer to what slserver forwarded
 * without any per-request state (after a reload, a worker restart, or on
 * another node that shares sl.tag_secret), and carrying a loop-detection
 * hash (RFC 3261 §16.3 item 4, §16.6 item 8, §16.11).
 *
 *   z9hG4bK sl LLLLLLLL TTTTTTTT MMMMMMMMMMMMMMMM      (41 characters)
 *
 * L: loop hash of the Request-URI as received, From tag, Call-ID and
 *    CSeq number (not the To tag: a non-2xx ACK has one, its INVITE not);
 * T: transaction hash of the incoming top Via (sent-by, branch) and the
 *    Request-URI, so a retransmission, the CANCEL and the non-2xx ACK of
 *    an INVITE get the INVITE's branch (an RFC 2543 branch without the
 *    magic cookie adds To tag, From tag, Call-ID and CSeq number, as
 *    §16.11 recommends);
 * M: a MAC over L, T, the incoming top Via's sent-by and branch, and the
 *    address replies to it go to. A reply carries that Via as its second
 *    one, so M is checked against it: a branch is accepted only with
 *    the Via it was made for, and a reply can only go back where the
 *    request came from.
 * M is SipHash under the to-tag key (core/tag.c): it alone makes a
 * branch ours, so L and T only need to be spread, not secret, and are an
 * unkeyed mix (a fraction of the cost). Knowing how to compute L lets a
 * sender have its own request refused as a loop, nothing more.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_BRANCH_H
#define SLS_BRANCH_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "sip/sip.h"
#include "tag.h"

#define SLS_BRANCH_PREFIX	"z9hG4bKsl"
#define SLS_BRANCH_PREFIX_LEN	9
#define SLS_BRANCH_LEN		(SLS_BRANCH_PREFIX_LEN + 8 + 8 + 16)

/* The loop hash of a request (msg->ruri as received). */
uint32_t sls_branch_loop(const sls_msg_t *msg);

/*
 * The branch for forwarding msg, whose top Via is msg->via and whose
 * replies go to reply_dst (sls_reply_dest()), into out (no NUL).
 */
void sls_branch_make(const sls_tagkey_t *k, const sls_msg_t *msg,
    const struct sockaddr *reply_dst, char out[SLS_BRANCH_LEN]);

/* Is b shaped like our branch? Its loop hash into *loop when it is. */
bool sls_branch_parse(sls_str_t b, uint32_t *loop);

/*
 * Was b made by us (under k) for a request whose top Via was prev and
 * whose replies go to dst?
 */
bool sls_branch_verify(const sls_tagkey_t *k, sls_str_t b,
    const sls_via_t *prev, const struct sockaddr *dst);

#endif
