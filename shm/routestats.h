/*
 * Per-route counters: how many requests (replies, for onreply_route
 * blocks) each route matched and what it finally did with them.
 *
 * The region has two parts. A table of SLS_ROUTE_SLOTS named slots,
 * written by the supervisor alone: before a generation of workers forks,
 * it gives every route of that generation's configuration the slot its
 * (kind, name) already has, or a new one, and stamps the slot with the
 * generation. And one block of counters per stats slot (per process, as
 * stats.h), indexed by route slot: a worker adds to its own block only,
 * readers sum the blocks. A name keeps its slot, and so its counts, over
 * every reload whose configuration still has it; a route that the
 * running configuration does not have starts at zero, even under a name
 * used before. Slot 0 is a sink that is never shown: routes that got no slot
 * (table full, name too long) count there, so the packet path never
 * tests for it.
 *
 * Readers show the slots stamped with the running generation (the
 * header's); a slot of a name that has left every configuration that may
 * still run is reused for a new name, its counters zeroed first.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_ROUTESTATS_H
#define SLS_ROUTESTATS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define SLS_ROUTE_SLOTS		128	/* slot 0 is the sink */
#define SLS_ROUTE_NAME_MAX	128	/* bytes of a name, with its NUL */

/* What a route did with a request it matched; order is the ABI. */
enum sls_rc {
	SLS_RC_MATCHED,
	SLS_RC_REPLIED,
	SLS_RC_DROPPED,
	SLS_RC_FORWARDED,
	SLS_RC_COUNT
};

/* What a named slot counts for; route and onreply_route names are
   separate name spaces. */
enum sls_route_kind {
	SLS_RK_FREE = 0,
	SLS_RK_ROUTE,
	SLS_RK_ONREPLY,
	SLS_RK_COUNT
};

/* "matched", "replied", "dropped", "forwarded" */
extern const char *const sls_rc_name[SLS_RC_COUNT];
/* "", "route", "onreply_route": the prefix of the statistic names */
extern const char *const sls_route_kind_name[SLS_RK_COUNT];

typedef struct sls_route_ctr {
	_Atomic uint64_t v[SLS_RC_COUNT];
} sls_route_ctr_t;

/* The counters of one process for every slot: whole cache lines. */
typedef struct sls_route_block {
	_Alignas(64) sls_route_ctr_t r[SLS_ROUTE_SLOTS];
} sls_route_block_t;

/*
 * A named slot. seq is even while the slot is stable and odd while the
 * supervisor renames it (readers retry); gen[g % 2] == g says that the
 * configuration of generation g has the name.
 */
typedef struct sls_route_slot {
	_Atomic uint32_t seq;
	_Atomic uint32_t kind;		/* enum sls_route_kind */
	_Atomic uint32_t gen[2];
	_Atomic uint64_t name[SLS_ROUTE_NAME_MAX / 8];
} sls_route_slot_t;

typedef struct sls_routestats {
	sls_route_slot_t slot[SLS_ROUTE_SLOTS];
	sls_route_block_t block[];	/* SLS_STATS_SLOTS of them */
} sls_routestats_t;

/* A route to find a slot for. */
typedef struct sls_route_key {
	enum sls_route_kind kind;
	const char *name;
} sls_route_key_t;

/* One shown slot, summed over every process. */
typedef struct sls_route_sample {
	enum sls_route_kind kind;
	char name[SLS_ROUTE_NAME_MAX];
	uint64_t v[SLS_RC_COUNT];
} sls_route_sample_t;

/* Bytes of the region with nblocks blocks of counters. */
size_t sls_routestats_bytes(size_t nblocks);
void sls_routestats_init(sls_routestats_t *rs, size_t nblocks);

/* The counters of the process using stats slot i. */
static inline sls_route_ctr_t *
sls_routestats_block(sls_routestats_t *rs, unsigned i)
{
	return rs->block[i].r;
}

static inline void
sls_route_ctr_inc(sls_route_ctr_t *c, enum sls_rc what)
{
	atomic_fetch_add_explicit(&c->v[what], 1, memory_order_relaxed);
}

/*
 * Supervisor only, before generation gen forks (running: the generation
 * serving now, gen itself at the first start): give each of the n keys
 * its slot in slots[i] (0: none) and stamp it with gen. A name of the
 * running configuration keeps its slot; another one takes the slot it
 * had before, else a free slot, else one whose name neither the running
 * configuration nor this one has: its counters (of the nblocks blocks)
 * are zeroed first. Returns how many keys got no slot
 * (table full, name empty or SLS_ROUTE_NAME_MAX bytes or longer).
 * At the first start, running == gen and every name is new.
 */
size_t sls_routestats_assign(sls_routestats_t *rs, size_t nblocks,
    uint32_t running, uint32_t gen, const sls_route_key_t *keys, size_t n,
    unsigned *slots);

/*
 * The slots of generation gen (the running one) in slot order, summed
 * over nblocks blocks, into out (at most max); returns how many.
 */
size_t sls_routestats_read(const sls_routestats_t *rs, size_t nblocks,
    uint32_t gen, sls_route_sample_t *out, size_t max);

#endif
