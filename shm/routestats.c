/*
 * Per-route counters: slots named by the supervisor, one block of
 * counters per process. See routestats.h.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include <stdbool.h>
#include <string.h>

#include "routestats.h"

#define NAME_WORDS	(SLS_ROUTE_NAME_MAX / 8)
#define READ_TRIES	64	/* a reader gives a renamed slot up then */

_Static_assert(sizeof(sls_route_ctr_t) == 8 * SLS_RC_COUNT,
    "route counters are packed");
_Static_assert(sizeof(sls_route_block_t) % 64 == 0,
    "a block of route counters is whole cache lines");
_Static_assert(sizeof(sls_routestats_t) % 64 == 0,
    "the named slots end on a cache line");
_Static_assert(SLS_ROUTE_NAME_MAX % 8 == 0, "names are whole words");

const char *const sls_rc_name[SLS_RC_COUNT] = {
	[SLS_RC_MATCHED] = "matched",
	[SLS_RC_REPLIED] = "replied",
	[SLS_RC_DROPPED] = "dropped",
	[SLS_RC_FORWARDED] = "forwarded",
};

const char *const sls_route_kind_name[SLS_RK_COUNT] = {
	[SLS_RK_FREE] = "",
	[SLS_RK_ROUTE] = "route",
	[SLS_RK_ONREPLY] = "onreply_route",
};

size_t
sls_routestats_bytes(size_t nblocks)
{
	return sizeof(sls_routestats_t) + nblocks * sizeof(sls_route_block_t);
}

void
sls_routestats_init(sls_routestats_t *rs, size_t nblocks)
{
	size_t i, j, k;

	for (i = 0; i < SLS_ROUTE_SLOTS; i++) {
		sls_route_slot_t *s = &rs->slot[i];

		atomic_init(&s->seq, 0);
		atomic_init(&s->kind, SLS_RK_FREE);
		atomic_init(&s->gen[0], 0);
		atomic_init(&s->gen[1], 0);
		for (j = 0; j < NAME_WORDS; j++)
			atomic_init(&s->name[j], 0);
	}
	for (i = 0; i < nblocks; i++)
		for (j = 0; j < SLS_ROUTE_SLOTS; j++)
			for (k = 0; k < SLS_RC_COUNT; k++)
				atomic_init(&rs->block[i].r[j].v[k], 0);
}

/* ---- the supervisor's side ------------------------------------------- */

/* The name as the words it is stored in, zero-padded. */
static void
name_words(const char *name, uint64_t w[NAME_WORDS])
{
	memset(w, 0, NAME_WORDS * 8);
	memcpy(w, name, strlen(name));
}

/* Only the supervisor writes slots, so it reads them plainly. */
static bool
slot_is(const sls_route_slot_t *s, enum sls_route_kind kind,
    const uint64_t w[NAME_WORDS])
{
	size_t i;

	if (atomic_load_explicit(&s->kind, memory_order_relaxed) !=
	    (uint32_t)kind)
		return false;
	for (i = 0; i < NAME_WORDS; i++)
		if (atomic_load_explicit(&s->name[i], memory_order_relaxed) !=
		    w[i])
			return false;
	return true;
}

static bool
stamped(const sls_route_slot_t *s, uint32_t gen)
{
	return atomic_load_explicit(&s->gen[gen % 2], memory_order_relaxed) ==
	    gen;
}

static void
stamp(sls_route_slot_t *s, uint32_t gen)
{
	atomic_store_explicit(&s->gen[gen % 2], gen, memory_order_release);
}

/*
 * A slot for a name the running configuration does not have: the one it
 * had before, else a free one, else one no live configuration has.
 */
static unsigned
pick(sls_routestats_t *rs, uint32_t running, uint32_t gen,
    enum sls_route_kind kind, const uint64_t w[NAME_WORDS])
{
	unsigned i;

	for (i = 1; i < SLS_ROUTE_SLOTS; i++)
		if (slot_is(&rs->slot[i], kind, w) &&
		    !stamped(&rs->slot[i], gen))
			return i;
	for (i = 1; i < SLS_ROUTE_SLOTS; i++)
		if (atomic_load_explicit(&rs->slot[i].kind,
		    memory_order_relaxed) == SLS_RK_FREE)
			return i;
	for (i = 1; i < SLS_ROUTE_SLOTS; i++)
		if (!stamped(&rs->slot[i], running) &&
		    !stamped(&rs->slot[i], gen))
			return i;
	return 0;
}

/*
 * Rename slot i as a seqlock writer: readers see it odd and retry. No
 * process adds to it meanwhile: no configuration that may run has it.
 */
static void
rename_slot(sls_routestats_t *rs, size_t nblocks, unsigned i,
    enum sls_route_kind kind, const uint64_t w[NAME_WORDS])
{
	sls_route_slot_t *s = &rs->slot[i];
	uint32_t seq = atomic_load_explicit(&s->seq, memory_order_relaxed);
	size_t b, k;

	atomic_store_explicit(&s->seq, seq + 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	for (b = 0; b < nblocks; b++)
		for (k = 0; k < SLS_RC_COUNT; k++)
			atomic_store_explicit(&rs->block[b].r[i].v[k], 0,
			    memory_order_relaxed);
	atomic_store_explicit(&s->gen[0], 0, memory_order_relaxed);
	atomic_store_explicit(&s->gen[1], 0, memory_order_relaxed);
	atomic_store_explicit(&s->kind, (uint32_t)kind, memory_order_relaxed);
	for (k = 0; k < NAME_WORDS; k++)
		atomic_store_explicit(&s->name[k], w[k], memory_order_relaxed);
	atomic_store_explicit(&s->seq, seq + 2, memory_order_release);
}

static bool
usable(const sls_route_key_t *k)
{
	size_t n = k->name != NULL ? strlen(k->name) : 0;

	return k->kind > SLS_RK_FREE && k->kind < SLS_RK_COUNT && n > 0 &&
	    n < SLS_ROUTE_NAME_MAX;
}

size_t
sls_routestats_assign(sls_routestats_t *rs, size_t nblocks, uint32_t running,
    uint32_t gen, const sls_route_key_t *keys, size_t n, unsigned *slots)
{
	uint64_t w[NAME_WORDS];
	size_t i, missing = 0;
	unsigned j;

	/* What gen's parity said was of a failed start or of gen - 2. */
	if (gen != running)
		for (j = 0; j < SLS_ROUTE_SLOTS; j++)
			atomic_store_explicit(&rs->slot[j].gen[gen % 2], 0,
			    memory_order_relaxed);
	/* Names the running configuration has keep their slots and
	   counts; first, so that none of those slots is reused below. */
	for (i = 0; i < n; i++) {
		slots[i] = 0;
		if (!usable(&keys[i]))
			continue;
		name_words(keys[i].name, w);
		for (j = 1; j < SLS_ROUTE_SLOTS; j++)
			if (slot_is(&rs->slot[j], keys[i].kind, w) &&
			    stamped(&rs->slot[j], running)) {
				stamp(&rs->slot[j], gen);
				slots[i] = j;
				break;
			}
	}
	for (i = 0; i < n; i++) {
		if (slots[i] != 0)
			continue;
		if (!usable(&keys[i])) {
			missing++;
			continue;
		}
		name_words(keys[i].name, w);
		if ((j = pick(rs, running, gen, keys[i].kind, w)) == 0) {
			missing++;
			continue;
		}
		rename_slot(rs, nblocks, j, keys[i].kind, w);
		stamp(&rs->slot[j], gen);
		slots[i] = j;
	}
	return missing;
}

/* ---- readers ---------------------------------------------------------- */

/*
 * Slot i if it is of generation gen: its kind, name and sums, read
 * between two equal even values of seq. False when it is not shown.
 */
static bool
read_slot(const sls_routestats_t *rs, size_t nblocks, unsigned i,
    uint32_t gen, sls_route_sample_t *out)
{
	const sls_route_slot_t *s = &rs->slot[i];
	uint64_t w[NAME_WORDS];
	uint32_t seq;
	size_t b, k;
	int tries;

	for (tries = 0; tries < READ_TRIES; tries++) {
		seq = atomic_load_explicit(&s->seq, memory_order_acquire);
		if (seq % 2 != 0)
			continue;
		out->kind = atomic_load_explicit(&s->kind,
		    memory_order_relaxed);
		if (out->kind == SLS_RK_FREE || out->kind >= SLS_RK_COUNT ||
		    atomic_load_explicit(&s->gen[gen % 2],
		    memory_order_relaxed) != gen)
			return false;
		for (k = 0; k < NAME_WORDS; k++)
			w[k] = atomic_load_explicit(&s->name[k],
			    memory_order_relaxed);
		for (k = 0; k < SLS_RC_COUNT; k++)
			out->v[k] = 0;
		for (b = 0; b < nblocks; b++)
			for (k = 0; k < SLS_RC_COUNT; k++)
				out->v[k] += atomic_load_explicit(
				    &rs->block[b].r[i].v[k],
				    memory_order_relaxed);
		atomic_thread_fence(memory_order_acquire);
		if (atomic_load_explicit(&s->seq, memory_order_relaxed) !=
		    seq)
			continue;
		memcpy(out->name, w, sizeof(out->name));
		out->name[SLS_ROUTE_NAME_MAX - 1] = '\0';
		return true;
	}
	return false;
}

size_t
sls_routestats_read(const sls_routestats_t *rs, size_t nblocks, uint32_t gen,
    sls_route_sample_t *out, size_t max)
{
	size_t n = 0;
	unsigned i;

	for (i = 1; i < SLS_ROUTE_SLOTS && n < max; i++)
		if (read_slot(rs, nblocks, i, gen, &out[n]))
			n++;
	return n;
}
