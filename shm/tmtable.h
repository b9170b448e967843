/*
 * The server-transaction table (RFC 3261 §17.2): one slot per live
 * transaction, holding its keys, its state, the exact bytes of its reply
 * and where they go. Lives in the shared segment; every worker inserts
 * and matches, the timer process retransmits and ends transactions, the
 * supervisor frees what a dead writer held. C11 atomics only, no mutex:
 * the protocol is at the top of tmtable.c.
 *
 * Layout of the region (each part on 64-byte boundaries):
 *
 *   header | hint[size] | dirty[size / 64] | meta[size] | blob[size]
 *
 * hint: one word per slot, a digest of the position key of the entry
 * there (0: none), so that a lookup reads two cache lines, not sixteen.
 * dirty: one bit per slot, set when a slot needs the timer process's
 * attention (a new transaction, an ACK). meta: 64 bytes per slot, the
 * keys and state. blob: SLS_TM_BLOB bytes per slot, the reply and its
 * addresses, touched only when the slot is first used.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_TMTABLE_H
#define SLS_TMTABLE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Slots probed from kpos & mask, linearly: one lookup reads 16 hints. */
#define SLS_TM_WINDOW		16
#define SLS_TM_MIN_SIZE		16
#define SLS_TM_MAX_SIZE		1048576
/* Bytes per slot for the reply and its two socket addresses. */
#define SLS_TM_BLOB		1536
#define SLS_TM_ADDR_MAX		32	/* a sockaddr_in6 is 28 */
/* The largest reply kept: one Ethernet frame's UDP payload over IPv4. */
#define SLS_TM_REPLY_MAX	(SLS_TM_BLOB - 2 * SLS_TM_ADDR_MAX)
/* A slot past its end by this much is reused even if not ended. */
#define SLS_TM_REUSE_GRACE_MS	2000

enum sls_tm_state {
	SLS_TM_FREE = 0,	/* never used, or freed after a dead writer */
	SLS_TM_PROCEEDING,	/* a provisional reply stored */
	SLS_TM_COMPLETED,	/* a final reply stored */
	SLS_TM_CONFIRMED,	/* INVITE: the ACK came (Timer I) */
	SLS_TM_TERMINATED	/* ended by the timer process; free */
};

/* One slot's keys and state: 64 bytes, one cache line. */
typedef struct sls_tm_meta {
	/*
	 * Version word, as in the signature table. Even: stable,
	 * (version << 32). Odd: a writer owns the slot,
	 * (version << 32) | (pid << 1) | 1.
	 */
	_Alignas(64) _Atomic uint64_t seq;
	/* end_ms << 20 | (version & 0xffff) << 4 | state; changed by CAS */
	_Atomic uint64_t life;
	_Atomic uint64_t kpos;		/* Call-ID, From tag, CSeq number */
	_Atomic uint64_t kbr;		/* 17.2.3: branch, sent-by, method */
	_Atomic uint64_t tag_hash;	/* the To tag sent */
	_Atomic uint64_t created_ms;	/* first send */
	_Atomic uint64_t timing;	/* t1 | t2 << 32, in ms */
	_Atomic uint64_t info;		/* see INFO_* in tmtable.c */
} sls_tm_meta_t;

/* The reply and its addresses, as 64-bit words (copied under seq). */
typedef struct sls_tm_blob {
	_Atomic uint64_t dst[SLS_TM_ADDR_MAX / 8];
	_Atomic uint64_t local[SLS_TM_ADDR_MAX / 8];
	_Atomic uint64_t reply[SLS_TM_REPLY_MAX / 8];
} sls_tm_blob_t;

typedef struct sls_tmtable {
	uint32_t size;			/* slots, power of two */
	uint32_t mask;
	uint64_t hint_off, dirty_off, meta_off, blob_off; /* from here */
	/* No transaction is live once sls_now_ms() reaches this. */
	_Alignas(64) _Atomic uint64_t max_end;
	/*
	 * The timer process: when it wakes by itself (UINT64_MAX: never,
	 * nothing scheduled), 0 while it is awake or about to be.
	 */
	_Alignas(64) _Atomic uint64_t wake_at;
} sls_tmtable_t;

/* A consistent snapshot of one slot, decoded. */
typedef struct sls_tm_entry {
	uint32_t idx;
	uint32_t ver;		/* version of the slot's contents */
	uint64_t life;		/* as read: what a change expects */
	enum sls_tm_state state;
	uint64_t end_ms;
	uint64_t kpos, kbr, tag_hash;
	uint64_t created_ms;
	uint32_t t1, t2;
	uint16_t code;
	uint16_t len;		/* reply bytes */
	uint16_t sock;		/* index of the listen it came in on */
	bool invite;		/* an INVITE transaction */
	uint8_t method;		/* the caller's method number, to show */
	uint8_t dstlen, locallen;
} sls_tm_entry_t;

/* A transaction to insert. */
typedef struct sls_tm_new {
	uint64_t kpos, kbr, tag_hash;
	uint64_t created_ms, end_ms;
	uint32_t t1, t2;
	enum sls_tm_state state;	/* PROCEEDING or COMPLETED */
	uint16_t code;
	uint16_t sock;
	bool invite;
	uint8_t method;
	const void *reply;
	size_t len;			/* <= SLS_TM_REPLY_MAX */
	const void *dst, *local;	/* socket addresses, as bytes */
	size_t dstlen, locallen;	/* <= SLS_TM_ADDR_MAX each */
} sls_tm_new_t;

enum sls_tm_put {
	SLS_TM_PUT_NEW,		/* stored */
	SLS_TM_PUT_DUP,		/* the same transaction is live: *dup */
	SLS_TM_PUT_FULL		/* no free slot in its window */
};

/* Bytes of a table of size slots (a power of two) and its init. */
size_t sls_tmtable_bytes(uint32_t size);
void sls_tmtable_init(sls_tmtable_t *t, uint32_t size);

/* True when no transaction can be live at now: lookups are skipped. */
bool sls_tmtable_idle(sls_tmtable_t *t, uint64_t now_ms);

/*
 * Live entries (not ended at now_ms) whose position key is kpos, up to
 * max; returns how many were put into out.
 */
int sls_tmtable_find(sls_tmtable_t *t, uint64_t kpos, uint64_t now_ms,
    sls_tm_entry_t *out, int max);
/*
 * Ask the CPU for the lines an insert at kpos would most likely write
 * (the first slot of the window whose hint is 0, its meta and the start
 * of its blob), so that the misses overlap with building the reply.
 */
void sls_tmtable_prefetch(sls_tmtable_t *t, uint64_t kpos);
/* A snapshot of slot idx, whatever its state; false if it stayed busy. */
bool sls_tmtable_read(sls_tmtable_t *t, uint32_t idx, sls_tm_entry_t *e);
/*
 * Copy the reply of e into reply[0..cap) and its addresses into dst and
 * local (SLS_TM_ADDR_MAX bytes each, may be NULL). Returns the reply
 * length, or -1 when the slot no longer holds e's version (or cap is
 * too small).
 */
ssize_t sls_tmtable_copy(sls_tmtable_t *t, const sls_tm_entry_t *e,
    void *reply, size_t cap, void *dst, void *local);

/*
 * Store a new transaction: NEW (*idx set), DUP when a live entry has the
 * same kpos and kbr (*dup set; nothing stored), or FULL.
 */
enum sls_tm_put sls_tmtable_insert(sls_tmtable_t *t, const sls_tm_new_t *n,
    uint64_t now_ms, uint32_t *idx, sls_tm_entry_t *dup);

/*
 * Move e to state st with a new end, if the slot still holds exactly
 * what e read (one CAS); false otherwise.
 */
bool sls_tmtable_set(sls_tmtable_t *t, const sls_tm_entry_t *e,
    enum sls_tm_state st, uint64_t end_ms);
/* End e (timer process): its slot becomes free. False if it changed. */
bool sls_tmtable_end(sls_tmtable_t *t, const sls_tm_entry_t *e);

/*
 * Tell the timer process that slot idx needs a look by due_ms. True when
 * it sleeps past that and the caller must wake it.
 */
bool sls_tmtable_notify(sls_tmtable_t *t, uint32_t idx, uint64_t due_ms);
/* The timer process: words of the dirty bitmap, each taken (cleared). */
uint32_t sls_tmtable_dirty_words(const sls_tmtable_t *t);
uint64_t sls_tmtable_take_dirty(sls_tmtable_t *t, uint32_t word);
/*
 * The timer process is going to sleep until next_ms (UINT64_MAX: until
 * woken). False when a slot became dirty meanwhile: do not sleep.
 */
bool sls_tmtable_sleep(sls_tmtable_t *t, uint64_t next_ms);
/* ... and is awake again. */
void sls_tmtable_awake(sls_tmtable_t *t);

/* Live transactions at now_ms; a scan, for the admin commands. */
uint32_t sls_tmtable_used(sls_tmtable_t *t, uint64_t now_ms);

/*
 * Free the slots that process pid was writing when it died. The
 * supervisor calls it after reaping a process killed by a signal. A scan;
 * returns the number of slots freed.
 */
uint32_t sls_tmtable_release(sls_tmtable_t *t, pid_t pid);

/* The low-level steps of an insert, for the tests of a killed writer. */
bool sls_tmtable_claim(sls_tmtable_t *t, uint32_t idx, uint64_t seen_seq);
uint64_t sls_tmtable_seq(sls_tmtable_t *t, uint32_t idx);

#endif
