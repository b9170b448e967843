/*
 * To-tag signatures and signature-table keys, all SipHash-2-4 under one
 * 128-bit key per sls_tagkey_t.
 *
 * Key derivation: with a non-empty secret, the two 64-bit halves of the
 * key are SipHash outputs, under a fixed public key, of a domain byte
 * (0x01 or 0x02) followed by the secret. Every node given the same secret
 * derives the same key, hence the same tags. This is not a password hash:
 * the secret should be long and random. An empty secret takes 16 random
 * bytes from arc4random_buf().
 *
 * Every hash made under the derived key starts with its own domain byte,
 * and variable-length fields are prefixed with their length, so no input
 * of one use can be read as an input of another, nor can bytes move from
 * one field to the next:
 *   'P'                                         -> key prefix (32 bits)
 *   'S' host port branch callid fromtag          -> tag suffix (64 bits)
 *   'H' tag                                      -> tag hash
 *   'K' callid fromtag cseq                      -> table key
 *   'T'                                          -> tag mix (64 bits)
 * A tag shaped like ours needs no 'H': its hash is its bytes folded
 * into 64 bits and mixed with the tag mix.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/num.h"
#include "tag.h"

static const uint8_t kdf_key[SLS_SIPHASH_KEYLEN] = {
	's', 'l', 's', 'e', 'r', 'v', 'e', 'r',
	' ', 't', 'a', 'g', ' ', 'k', 'd', 'f'
};

static void
put_le64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t
nonzero(uint64_t h)
{
	return h != 0 ? h : 1;
}

void
sls_tag_init(sls_tagkey_t *k, const char *secret)
{
	sls_siphash_t st;
	uint8_t dom;
	size_t len = secret != NULL ? strlen(secret) : 0;

	if (len == 0) {
		arc4random_buf(k->key, sizeof(k->key));
	} else {
		for (dom = 1; dom <= 2; dom++) {
			sls_siphash_init(&st, kdf_key);
			sls_siphash_update(&st, &dom, 1);
			sls_siphash_update(&st, secret, len);
			put_le64(k->key + 8 * (dom - 1),
			    sls_siphash_final(&st));
		}
	}
	/* The prefix names the key without revealing it. */
	sls_put_hex(k->prefix, sls_siphash(k->key, "P", 1) >> 32,
	    SLS_TAG_PREFIX_LEN);
	k->prefix[SLS_TAG_PREFIX_LEN] = '\0';
	k->tag_mix = sls_siphash(k->key, "T", 1);
}

void
sls_tag_make(const sls_tagkey_t *k, const sls_msg_t *msg,
    char out[SLS_TAG_LEN])
{
	sls_siphash_t st;
	unsigned port = msg->via.port_num != 0 ? msg->via.port_num : 5060;

	sls_siphash_init(&st, k->key);
	sls_siphash_update(&st, "S", 1);
	sls_siphash_field(&st, msg->via.host);
	sls_siphash_u32(&st, port);
	sls_siphash_field(&st, msg->via.branch);
	sls_siphash_field(&st, msg->callid);
	sls_siphash_field(&st, msg->from.tag);
	memcpy(out, k->prefix, SLS_TAG_PREFIX_LEN);
	out[SLS_TAG_PREFIX_LEN] = '.';
	sls_put_hex(out + SLS_TAG_PREFIX_LEN + 1, sls_siphash_final(&st), 16);
}

uint64_t
sls_tag_hash(const sls_tagkey_t *k, sls_str_t tag)
{
	sls_siphash_t st;
	uint64_t a, b, c;

	/* two SipHash runs fewer for every INVITE answered and its ACK */
	if (sls_tag_may_be_ours(tag)) {
		memcpy(&a, tag.s, 8);
		memcpy(&b, tag.s + SLS_TAG_PREFIX_LEN + 1, 8);
		memcpy(&c, tag.s + SLS_TAG_PREFIX_LEN + 9, 8);
		return nonzero(a ^ (b << 21 | b >> 43) ^ (c << 42 | c >> 22) ^
		    k->tag_mix);
	}

	sls_siphash_init(&st, k->key);
	sls_siphash_update(&st, "H", 1);
	sls_siphash_update(&st, tag.s, tag.len);
	return nonzero(sls_siphash_final(&st));
}

uint64_t
sls_sig_key(const sls_tagkey_t *k, sls_str_t callid, sls_str_t from_tag,
    uint32_t cseq)
{
	sls_siphash_t st;

	sls_siphash_init(&st, k->key);
	sls_siphash_update(&st, "K", 1);
	sls_siphash_field(&st, callid);
	sls_siphash_field(&st, from_tag);
	sls_siphash_u32(&st, cseq);
	return nonzero(sls_siphash_final(&st));
}
