/*
 * Keyed branches of forwarded requests. See branch.h for the layout.
 *
 * Each hash starts with its own domain value: 'L' loop hash and 'B'
 * transaction hash (an unkeyed mix), 'M' the MAC (SipHash under the
 * to-tag key, whose other domains are in tag.c); variable-length fields
 * are length-prefixed.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <netinet/in.h>
#include <string.h>

#include "branch.h"
#include "lib/le.h"
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

/*
 * L and T need to be spread, not secret (M, under the key, is what makes
 * a branch ours), so they take an unkeyed mix of 64-bit words, a
 * multiply and a shift per word: a fraction of a SipHash run.
 */
#define MIX_MUL	0x9e3779b97f4a7c15ULL

static inline uint64_t
mix_word(uint64_t h, uint64_t w)
{
	h = (h ^ w) * MIX_MUL;
	return h ^ h >> 29;
}

/* A field as its length, then its bytes eight at a time, little-endian. */
static uint64_t
mix_field(uint64_t h, sls_str_t f)
{
	const uint8_t *p = (const uint8_t *)f.s;
	size_t i;

	h = mix_word(h, f.len);
	for (i = 0; i + 8 <= f.len; i += 8)
		h = mix_word(h, sls_le64(p + i));
	if (i < f.len)
		h = mix_word(h, sls_le_partial(p + i, f.len - i));
	return h;
}

static uint32_t
mix_final(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (uint32_t)h;
}

uint32_t
sls_branch_loop(const sls_msg_t *msg)
{
	uint64_t h = 'L';

	h = mix_field(h, msg->ruri);
	h = mix_field(h, msg->from.tag);
	h = mix_field(h, msg->callid);
	return mix_final(mix_word(h, msg->cseq_num));
}

/* RFC 3261 §16.11: what tells one transaction from another. */
static uint32_t
tx_hash(const sls_msg_t *msg)
{
	static const char cookie[] = "z9hG4bK";
	const sls_via_t *v = &msg->via;
	uint64_t h = 'B';

	h = mix_field(h, v->host);
	h = mix_word(h, v->port_num != 0 ? v->port_num : 5060);
	h = mix_field(h, v->branch);
	h = mix_field(h, msg->ruri);
	if (v->branch.len < sizeof(cookie) - 1 ||
	    memcmp(v->branch.s, cookie, sizeof(cookie) - 1) != 0) {
		h = mix_field(h, msg->to.tag);
		h = mix_field(h, msg->from.tag);
		h = mix_field(h, msg->callid);
		h = mix_word(h, msg->cseq_num);
	}
	return mix_final(h);
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
	uint32_t loop = sls_branch_loop(msg), tx = tx_hash(msg);
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
