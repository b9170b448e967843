/*
 * To-tag signatures: PREFIX.SUFFIX, where PREFIX names the key and SUFFIX
 * is a SipHash of the top Via sent-by host and port, its branch, the
 * Call-ID and the From tag. Also the keys of the signature table.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_TAG_H
#define SLS_TAG_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/siphash.h"
#include "sip/sip.h"

#define SLS_TAG_PREFIX_LEN	8
#define SLS_TAG_LEN		(SLS_TAG_PREFIX_LEN + 1 + 16)

typedef struct sls_tagkey {
	uint8_t key[SLS_SIPHASH_KEYLEN];
	char prefix[SLS_TAG_PREFIX_LEN + 1];
	uint64_t tag_mix;	/* sls_tag_hash of a tag shaped like ours */
} sls_tagkey_t;

/*
 * Derive the key from a secret (the same secret gives the same key and
 * tags on every node); an empty or NULL secret takes a random key.
 */
void sls_tag_init(sls_tagkey_t *k, const char *secret);
/* Write the tag of msg into out (SLS_TAG_LEN bytes, no NUL). */
void sls_tag_make(const sls_tagkey_t *k, const sls_msg_t *msg,
    char out[SLS_TAG_LEN]);
/*
 * Could tag have come from sls_tag_make, under any key? Shape only: a
 * tag that is not is certainly someone else's.
 */
static inline bool
sls_tag_may_be_ours(sls_str_t tag)
{
	return tag.len == SLS_TAG_LEN && tag.s[SLS_TAG_PREFIX_LEN] == '.';
}

/*
 * Hash of a to-tag, as the signature table stores it (never 0). A tag
 * shaped like ours (any key's) is SipHash output as text already: its
 * bytes, folded into 64 bits and mixed with a value of k, serve; any
 * other tag is hashed under k.
 */
uint64_t sls_tag_hash(const sls_tagkey_t *k, sls_str_t tag);
/* Key of a transaction in the signature table (never 0). */
uint64_t sls_sig_key(const sls_tagkey_t *k, sls_str_t callid,
    sls_str_t from_tag, uint32_t cseq);

#endif
