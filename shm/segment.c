/*
 * The shared segment: one anonymous shared mapping made before the first
 * fork, so every process inherits it at the same address and nothing is
 * left behind after a crash. Layout:
 *
 *   header | region 0 | region 1 | ... (rounded up to whole pages)
 *
 * The regions are the rows of the table below, in order, each at the
 * next multiple of its alignment; sls_shm_layout computes the offsets in
 * this one place, sls_shm_create records them in the header and
 * sls_shm_check verifies them.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "segment.h"

#define CACHELINE	64

_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2, "64-bit atomics lock-free");
_Static_assert(ATOMIC_LONG_LOCK_FREE == 2, "long atomics lock-free");
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "int atomics lock-free");
_Static_assert(sizeof(sls_stats_slot_t) % CACHELINE == 0,
    "stats slot is whole cache lines");
_Static_assert(_Alignof(sls_stats_slot_t) == CACHELINE,
    "stats slot is cache-line aligned");
_Static_assert(sizeof(sls_worker_status_t) == CACHELINE,
    "one cache line per worker status");
_Static_assert(_Alignof(sls_worker_status_t) == CACHELINE,
    "worker status is cache-line aligned");
_Static_assert(offsetof(sls_worker_status_t, heartbeat) == 16,
    "worker status layout");
_Static_assert(sizeof(sls_sig_entry_t) == 32 &&
    _Alignof(sls_sig_entry_t) == 32, "signature entry layout");
_Static_assert(offsetof(sls_sigtable_t, slot) == 32 &&
    _Alignof(sls_sigtable_t) <= CACHELINE, "sigtable header");
_Static_assert(sizeof(sls_src_entry_t) == 64 &&
    _Alignof(sls_src_entry_t) == 64, "source entry layout");
_Static_assert(offsetof(sls_srctable_t, slot) == 64 &&
    _Alignof(sls_srctable_t) <= CACHELINE, "srctable header");
_Static_assert(sizeof(sls_tm_meta_t) == CACHELINE &&
    _Alignof(sls_tmtable_t) == CACHELINE, "transaction table layout");
_Static_assert(offsetof(sls_shm_header_t, magic) == 0 &&
    offsetof(sls_shm_header_t, version) == 8 &&
    offsetof(sls_shm_header_t, max_workers) == 12 &&
    offsetof(sls_shm_header_t, size) == 16 &&
    offsetof(sls_shm_header_t, table_size) == 24 &&
    offsetof(sls_shm_header_t, nregions) == 28 &&
    offsetof(sls_shm_header_t, created) == 32 &&
    offsetof(sls_shm_header_t, generation) == 40 &&
    offsetof(sls_shm_header_t, src_size) == 44 &&
    offsetof(sls_shm_header_t, tm_size) == 48 &&
    offsetof(sls_shm_header_t, off) == 56 &&
    offsetof(sls_shm_header_t, stats_off) ==
    offsetof(sls_shm_header_t, off[SLS_SHM_STATS]) &&
    offsetof(sls_shm_header_t, status_off) ==
    offsetof(sls_shm_header_t, off[SLS_SHM_STATUS]) &&
    offsetof(sls_shm_header_t, sigtable_off) ==
    offsetof(sls_shm_header_t, off[SLS_SHM_SIGTABLE]) &&
    offsetof(sls_shm_header_t, routestats_off) ==
    offsetof(sls_shm_header_t, off[SLS_SHM_ROUTESTATS]) &&
    offsetof(sls_shm_header_t, srctable_off) ==
    offsetof(sls_shm_header_t, off[SLS_SHM_SRCTABLE]) &&
    offsetof(sls_shm_header_t, tmtable_off) ==
    offsetof(sls_shm_header_t, off[SLS_SHM_TMTABLE]) &&
    sizeof(sls_shm_header_t) == 56 + 8 * SLS_SHM_NREGIONS,
    "header layout");

/* What the regions are sized by: the restart-only capacities. */
typedef sls_shm_sizing_t sizing_t;

/* Sizes are SIZE_MAX when they cannot be represented. */
static size_t
stats_size(const sizing_t *z)
{
	(void)z;
	return SLS_STATS_SLOTS * sizeof(sls_stats_slot_t);
}

static void
stats_init(void *p, const sizing_t *z)
{
	sls_stats_slot_t *s = p;
	size_t i, j;

	(void)z;
	for (i = 0; i < SLS_STATS_SLOTS; i++)
		for (j = 0; j < SLS_ST_COUNT; j++)
			atomic_init(&s[i].v[j], 0);
}

static size_t
status_size(const sizing_t *z)
{
	(void)z;
	return SLS_STATS_SLOTS * sizeof(sls_worker_status_t);
}

static void
status_init(void *p, const sizing_t *z)
{
	sls_worker_status_t *st = p;
	size_t i;

	(void)z;
	for (i = 0; i < SLS_STATS_SLOTS; i++) {
		atomic_init(&st[i].pid, 0);
		atomic_init(&st[i].state, SLS_WS_STARTING);
		atomic_init(&st[i].generation, 0);
		atomic_init(&st[i].heartbeat, 0);
	}
}

static size_t
sigtable_size(const sizing_t *z)
{
	size_t n = z->table_size;

	if (n > (SIZE_MAX - sizeof(sls_sigtable_t)) / sizeof(sls_sig_entry_t))
		return SIZE_MAX;
	return sls_sigtable_bytes(z->table_size);
}

static void
sigtable_init(void *p, const sizing_t *z)
{
	sls_sigtable_init(p, z->table_size);
}

static size_t
routestats_size(const sizing_t *z)
{
	(void)z;
	return sls_routestats_bytes(SLS_STATS_SLOTS);
}

static void
routestats_init(void *p, const sizing_t *z)
{
	(void)z;
	sls_routestats_init(p, SLS_STATS_SLOTS);
}

static size_t
srctable_size(const sizing_t *z)
{
	size_t n = z->src_size;

	if (n > (SIZE_MAX - sizeof(sls_srctable_t)) / sizeof(sls_src_entry_t))
		return SIZE_MAX;
	return sls_srctable_bytes(z->src_size);
}

static void
srctable_init(void *p, const sizing_t *z)
{
	sls_srctable_init(p, z->src_size);
}

static size_t
tmtable_size(const sizing_t *z)
{
	return sls_tmtable_bytes(z->tm_size);
}

static void
tmtable_init(void *p, const sizing_t *z)
{
	sls_tmtable_init(p, z->tm_size);
}

/* The regions, in address order; one row each (see segment.h). */
static const struct region {
	const char *name;
	size_t (*size)(const sizing_t *);
	size_t align;		/* a power of two, at least the type's */
	void (*init)(void *, const sizing_t *);
} regions[] = {
	[SLS_SHM_STATS] = { "stats", stats_size, CACHELINE, stats_init },
	[SLS_SHM_STATUS] = { "status", status_size, CACHELINE, status_init },
	[SLS_SHM_SIGTABLE] = { "sigtable", sigtable_size, CACHELINE,
	    sigtable_init },
	[SLS_SHM_ROUTESTATS] = { "routestats", routestats_size, CACHELINE,
	    routestats_init },
	[SLS_SHM_SRCTABLE] = { "srctable", srctable_size, CACHELINE,
	    srctable_init },
	[SLS_SHM_TMTABLE] = { "tmtable", tmtable_size, CACHELINE,
	    tmtable_init },
};
_Static_assert(sizeof(regions) / sizeof(regions[0]) == SLS_SHM_NREGIONS,
    "one row per region");

/* n rounded up to a multiple of a; false when that overflows. */
static bool
round_up(size_t n, size_t a, size_t *out)
{
	if (n > SIZE_MAX - (a - 1))
		return false;
	*out = (n + a - 1) / a * a;
	return true;
}

static bool
valid_sizes(const sizing_t *z)
{
	uint32_t n = z->table_size, m = z->src_size, t = z->tm_size;

	return n >= SLS_SIG_MIN_SIZE && (n & (n - 1)) == 0 &&
	    m >= SLS_SRC_MIN_SIZE && (m & (m - 1)) == 0 &&
	    t >= SLS_TM_MIN_SIZE && t <= SLS_TM_MAX_SIZE && (t & (t - 1)) == 0;
}

static size_t
page_size(void)
{
	long page = sysconf(_SC_PAGESIZE);

	return page > 0 ? (size_t)page : 4096;
}

static int
layout(const sizing_t *z, sls_shm_layout_t *l)
{
	size_t off = sizeof(sls_shm_header_t), size;
	unsigned i;

	for (i = 0; i < SLS_SHM_NREGIONS; i++) {
		size = regions[i].size(z);
		if (!round_up(off, regions[i].align, &off) ||
		    size > SIZE_MAX - off)
			return -1;
		l->region[i].name = regions[i].name;
		l->region[i].off = off;
		l->region[i].size = size;
		l->region[i].align = regions[i].align;
		off += size;
	}
	return round_up(off, page_size(), &l->size) ? 0 : -1;
}

int
sls_shm_layout_sized(const sizing_t *z, sls_shm_layout_t *l)
{
	if (!valid_sizes(z)) {
		errno = EINVAL;
		return -1;
	}
	if (layout(z, l) < 0) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

int
sls_shm_layout(uint32_t table_size, sls_shm_layout_t *l)
{
	sizing_t z = { table_size, SLS_SRC_DEFAULT_SIZE, SLS_TM_MIN_SIZE };

	return sls_shm_layout_sized(&z, l);
}

int
sls_shm_create(sls_shm_t *shm, uint32_t table_size)
{
	sizing_t z = { table_size, SLS_SRC_DEFAULT_SIZE, SLS_TM_MIN_SIZE };

	return sls_shm_create_sized(shm, &z);
}

int
sls_shm_create_sized(sls_shm_t *shm, const sizing_t *z)
{
	sls_shm_header_t *h;
	sls_shm_layout_t l;
	char *base;
	unsigned i;

	memset(shm, 0, sizeof(*shm));
	if (sls_shm_layout_sized(z, &l) < 0)
		return -1;
	base = mmap(NULL, l.size, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return -1;

	/* The mapping is zero-filled; initialise the atomics properly. */
	h = (sls_shm_header_t *)base;
	h->magic = SLS_SHM_MAGIC;
	h->version = SLS_SHM_VERSION;
	h->max_workers = SLS_MAX_WORKERS;
	h->size = l.size;
	h->table_size = z->table_size;
	h->nregions = SLS_SHM_NREGIONS;
	h->created = (int64_t)time(NULL);
	atomic_init(&h->generation, 0);
	h->src_size = z->src_size;
	h->tm_size = z->tm_size;
	for (i = 0; i < SLS_SHM_NREGIONS; i++) {
		h->off[i] = l.region[i].off;
		regions[i].init(base + l.region[i].off, z);
	}

	shm->hdr = h;
	shm->stats = sls_shm_region(shm, SLS_SHM_STATS);
	shm->status = sls_shm_region(shm, SLS_SHM_STATUS);
	shm->sigtable = sls_shm_region(shm, SLS_SHM_SIGTABLE);
	shm->routestats = sls_shm_region(shm, SLS_SHM_ROUTESTATS);
	shm->srctable = sls_shm_region(shm, SLS_SHM_SRCTABLE);
	shm->tm = sls_shm_region(shm, SLS_SHM_TMTABLE);
	return 0;
}

void *
sls_shm_region(const sls_shm_t *shm, enum sls_shm_region id)
{
	return (char *)shm->hdr + shm->hdr->off[id];
}

int
sls_shm_check(const sls_shm_t *shm)
{
	const sls_shm_header_t *h = shm != NULL ? shm->hdr : NULL;
	sls_shm_layout_t l;
	sizing_t z;
	unsigned i;

	if (h == NULL || h->magic != SLS_SHM_MAGIC ||
	    h->version != SLS_SHM_VERSION ||
	    h->max_workers != SLS_MAX_WORKERS ||
	    h->nregions != SLS_SHM_NREGIONS)
		goto bad;
	z.table_size = h->table_size;
	z.src_size = h->src_size;
	z.tm_size = h->tm_size;
	if (sls_shm_layout_sized(&z, &l) < 0 || h->size != l.size)
		goto bad;
	for (i = 0; i < SLS_SHM_NREGIONS; i++)
		if (h->off[i] != l.region[i].off)
			goto bad;
	if ((void *)shm->stats != sls_shm_region(shm, SLS_SHM_STATS) ||
	    (void *)shm->status != sls_shm_region(shm, SLS_SHM_STATUS) ||
	    (void *)shm->sigtable != sls_shm_region(shm, SLS_SHM_SIGTABLE) ||
	    (void *)shm->routestats !=
	    sls_shm_region(shm, SLS_SHM_ROUTESTATS) ||
	    shm->sigtable->size != h->table_size ||
	    shm->sigtable->mask != h->table_size - 1 ||
	    (void *)shm->srctable != sls_shm_region(shm, SLS_SHM_SRCTABLE) ||
	    shm->srctable->size != h->src_size ||
	    shm->srctable->mask != h->src_size - 1 ||
	    (void *)shm->tm != sls_shm_region(shm, SLS_SHM_TMTABLE) ||
	    shm->tm->size != h->tm_size || shm->tm->mask != h->tm_size - 1)
		goto bad;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

void
sls_shm_destroy(sls_shm_t *shm)
{
	if (shm == NULL)
		return;
	if (shm->hdr != NULL)
		(void)munmap(shm->hdr, shm->hdr->size);
	memset(shm, 0, sizeof(*shm));
}
