/*
 * Signature timer table: remembers, for ack_timeout seconds, which to-tag
 * each final reply to an INVITE carried, so the ACK can be absorbed.
 * Lives in the shared segment; lock-free (C11 atomics only).
 */
#ifndef SLS_SIGTABLE_H
#define SLS_SIGTABLE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sls_sig_entry {
	_Atomic uint64_t key;		/* hash of Call-ID, From tag, CSeq; 0 = empty */
	_Atomic uint64_t tag_hash;	/* hash of the to-tag sent */
	_Atomic uint64_t expires_ms;	/* CLOCK_MONOTONIC ms; 0 = being written */
	uint64_t pad;
} sls_sig_entry_t;

typedef struct sls_sigtable {
	uint32_t size;			/* slots, power of two */
	uint32_t mask;
	sls_sig_entry_t slot[];
} sls_sigtable_t;

enum sls_sig_result {
	SLS_SIG_MISS,		/* no entry for the key */
	SLS_SIG_MATCH,		/* live entry, same to-tag: absorb */
	SLS_SIG_EXPIRED,	/* entry with the same to-tag, expired */
	SLS_SIG_MISMATCH	/* entry for the key, other to-tag */
};

/* Bytes needed for a table of size slots (size must be a power of two). */
size_t sls_sigtable_bytes(uint32_t size);
void sls_sigtable_init(sls_sigtable_t *t, uint32_t size);

/*
 * Insert or refresh (key, tag_hash) until expires_ms. Returns true when a
 * live entry of another key had to be evicted.
 */
bool sls_sigtable_insert(sls_sigtable_t *t, uint64_t key, uint64_t tag_hash,
    uint64_t now_ms, uint64_t expires_ms);
enum sls_sig_result sls_sigtable_lookup(sls_sigtable_t *t, uint64_t key,
    uint64_t tag_hash, uint64_t now_ms);
/* Live (unexpired) entries; a scan, for the admin commands only. */
uint32_t sls_sigtable_used(const sls_sigtable_t *t, uint64_t now_ms);

/* Milliseconds of CLOCK_MONOTONIC. */
uint64_t sls_now_ms(void);

#endif
