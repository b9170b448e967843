/*
 * Keyed branches of forwarded requests. See branch.h for the layout.
 *
 * Every hash starts with its own domain byte under the to-tag key, as in
 * tag.c ('P', 'S', 'H', 'K', 'T' there): 'L' loop hash, 'B' transaction hash,
 * 'M' the MAC; variable-length fields are length-prefixed.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <netinet/in.h>
#include <string.h>

#include "branch.h"
#include "lib/num.h"

/* A sent-by as hashed: host as written, port with 5060 filled in. */
static void
put_via(sls_siphash_t *st, const sls_via_t *v)
{
	sls_siphash_field(st, v->host);
	sls_siphash_u32(st, v->port_num != 0 ? v->port_num : 5060);
	sls_siphash_field(st, v->branch);
}

/* An address and port; the family tells the length. */
static void
put_addr(sls_siphash_t *st, const struct sockaddr *sa)
{
	uint8_t fam;

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;

		fam = 4;
		sls_siphash_update(st, &fam, 1);
		sls_siphash_update(st, &s4->sin_addr, 4);
		sls_siphash_u32(st, ntohs(s4->sin_port));
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 =
		    (const struct sockaddr_in6 *)sa;

		fam = 6;
		sls_siphash_update(st, &fam, 1);
		sls_siphash_update(st, &s6->sin6_addr, 16);
		sls_siphash_u32(st, ntohs(s6->sin6_port));
	} else {
		fam = 0;
		sls_siphash_update(st, &fam, 1);
	}
}

uint32_t
sls_branch_loop(const sls_tagkey_t *k, const sls_msg_t *msg)
{
	sls_siphash_t st;

	sls_siphash_init(&st, k->key);
	sls_siphash_update(&st, "L", 1);
	sls_siphash_field(&st, msg->ruri);
	sls_siphash_field(&st, msg->from.tag);
	sls_siphash_field(&st, msg->callid);
	sls_siphash_u32(&st, msg->cseq_num);
	return (uint32_t)sls_siphash_final(&st);
}

/* RFC 3261 §16.11: what tells one transaction from another. */
static uint32_t
tx_hash(const sls_tagkey_t *k, const sls_msg_t *msg)
{
	static const char cookie[] = "z9hG4bK";
	const sls_str_t *b = &msg->via.branch;
	sls_siphash_t st;

	sls_siphash_init(&st, k->key);
	sls_siphash_update(&st, "B", 1);
	put_via(&st, &msg->via);
	sls_siphash_field(&st, msg->ruri);
	if (b->len < sizeof(cookie) - 1 ||
	    memcmp(b->s, cookie, sizeof(cookie) - 1) != 0) {
		sls_siphash_field(&st, msg->to.tag);
		sls_siphash_field(&st, msg->from.tag);
		sls_siphash_field(&st, msg->callid);
		sls_siphash_u32(&st, msg->cseq_num);
	}
	return (uint32_t)sls_siphash_final(&st);
}

static uint64_t
mac(const sls_tagkey_t *k, uint32_t loop, uint32_t tx, const sls_via_t *prev,
    const struct sockaddr *dst)
{
	sls_siphash_t st;

	sls_siphash_init(&st, k->key);
	sls_siphash_update(&st, "M", 1);
	sls_siphash_u32(&st, loop);
	sls_siphash_u32(&st, tx);
	put_via(&st, prev);
	put_addr(&st, dst);
	return sls_siphash_final(&st);
}

void
sls_branch_make(const sls_tagkey_t *k, const sls_msg_t *msg,
    const struct sockaddr *reply_dst, char out[SLS_BRANCH_LEN])
{
	uint32_t loop = sls_branch_loop(k, msg), tx = tx_hash(k, msg);
	char *p = out;

	memcpy(p, SLS_BRANCH_PREFIX, SLS_BRANCH_PREFIX_LEN);
	p += SLS_BRANCH_PREFIX_LEN;
	sls_put_hex(p, loop, 8);
	sls_put_hex(p + 8, tx, 8);
	sls_put_hex(p + 16, mac(k, loop, tx, &msg->via, reply_dst), 16);
}

bool
sls_branch_parse(sls_str_t b, uint32_t *loop)
{
	uint64_t v;

	if (b.len != SLS_BRANCH_LEN ||
	    memcmp(b.s, SLS_BRANCH_PREFIX, SLS_BRANCH_PREFIX_LEN) != 0 ||
	    !sls_parse_hex(b.s + SLS_BRANCH_PREFIX_LEN, 8, &v))
		return false;
	*loop = (uint32_t)v;
	return true;
}

bool
sls_branch_verify(const sls_tagkey_t *k, sls_str_t b, const sls_via_t *prev,
    const struct sockaddr *dst)
{
	const char *p = b.s + SLS_BRANCH_PREFIX_LEN;
	uint64_t loop, tx, m;

	if (b.len != SLS_BRANCH_LEN ||
	    memcmp(b.s, SLS_BRANCH_PREFIX, SLS_BRANCH_PREFIX_LEN) != 0 ||
	    !sls_parse_hex(p, 8, &loop) || !sls_parse_hex(p + 8, 8, &tx) ||
	    !sls_parse_hex(p + 16, 16, &m))
		return false;
	return mac(k, (uint32_t)loop, (uint32_t)tx, prev, dst) == m;
}
