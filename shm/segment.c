/*
 * The shared segment: one anonymous shared mapping made before the first
 * fork, so every process inherits it at the same address and nothing is
 * left behind after a crash. Layout, each region 64-byte aligned:
 *
 *   header | stats slots [SLS_STATS_SLOTS] | worker status [SLS_STATS_SLOTS]
 *   | signature table (sls_sigtable_bytes(table_size))
 *
 * rounded up to whole pages. Every region is found through the offset
 * recorded in the header.
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
_Static_assert(sizeof(sls_sig_entry_t) == 32 &&
    _Alignof(sls_sig_entry_t) == 32, "signature entry layout");
_Static_assert(offsetof(sls_sigtable_t, slot) == 32, "sigtable header");
_Static_assert(offsetof(sls_shm_header_t, magic) == 0 &&
    offsetof(sls_shm_header_t, version) == 8 &&
    offsetof(sls_shm_header_t, max_workers) == 12 &&
    offsetof(sls_shm_header_t, size) == 16 &&
    offsetof(sls_shm_header_t, stats_off) == 24 &&
    offsetof(sls_shm_header_t, status_off) == 32 &&
    offsetof(sls_shm_header_t, sigtable_off) == 40 &&
    offsetof(sls_shm_header_t, table_size) == 48 &&
    offsetof(sls_shm_header_t, created) == 56 &&
    offsetof(sls_shm_header_t, generation) == 64 &&
    sizeof(sls_shm_header_t) == 72, "header layout");

typedef struct layout {
	size_t stats_off, status_off, sigtable_off, size;
} layout_t;

static size_t
round_up(size_t n, size_t a)
{
	return (n + a - 1) / a * a;
}

static bool
valid_table_size(uint32_t n)
{
	return n >= SLS_SIG_MIN_SIZE && (n & (n - 1)) == 0;
}

/* Offsets and total size for a table of n slots; -1 if it cannot fit. */
static int
layout(uint32_t n, layout_t *l)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), table;

	if (page == 0 || page == (size_t)-1)
		page = 4096;
	l->stats_off = round_up(sizeof(sls_shm_header_t), CACHELINE);
	l->status_off = round_up(l->stats_off +
	    SLS_STATS_SLOTS * sizeof(sls_stats_slot_t), CACHELINE);
	l->sigtable_off = round_up(l->status_off +
	    SLS_STATS_SLOTS * sizeof(sls_worker_status_t), CACHELINE);
	if (n > (SIZE_MAX - l->sigtable_off - page -
	    sizeof(sls_sigtable_t)) / sizeof(sls_sig_entry_t))
		return -1;
	table = sls_sigtable_bytes(n);
	l->size = round_up(l->sigtable_off + table, page);
	return 0;
}

int
sls_shm_create(sls_shm_t *shm, uint32_t table_size)
{
	sls_shm_header_t *h;
	layout_t l;
	char *base;
	size_t i;

	memset(shm, 0, sizeof(*shm));
	if (!valid_table_size(table_size)) {
		errno = EINVAL;
		return -1;
	}
	if (layout(table_size, &l) < 0) {
		errno = ENOMEM;
		return -1;
	}
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
	h->stats_off = l.stats_off;
	h->status_off = l.status_off;
	h->sigtable_off = l.sigtable_off;
	h->table_size = table_size;
	h->pad = 0;
	h->created = (int64_t)time(NULL);
	atomic_init(&h->generation, 0);

	shm->hdr = h;
	shm->stats = (sls_stats_slot_t *)(base + l.stats_off);
	shm->status = (sls_worker_status_t *)(base + l.status_off);
	shm->sigtable = (sls_sigtable_t *)(base + l.sigtable_off);
	for (i = 0; i < SLS_STATS_SLOTS; i++) {
		size_t j;

		for (j = 0; j < SLS_ST_COUNT; j++)
			atomic_init(&shm->stats[i].v[j], 0);
		atomic_init(&shm->status[i].pid, 0);
		atomic_init(&shm->status[i].state, SLS_WS_STARTING);
		atomic_init(&shm->status[i].generation, 0);
	}
	sls_sigtable_init(shm->sigtable, table_size);
	return 0;
}

int
sls_shm_check(const sls_shm_t *shm)
{
	const sls_shm_header_t *h = shm != NULL ? shm->hdr : NULL;
	const char *base = (const char *)h;
	layout_t l;

	if (h == NULL || h->magic != SLS_SHM_MAGIC ||
	    h->version != SLS_SHM_VERSION ||
	    h->max_workers != SLS_MAX_WORKERS ||
	    !valid_table_size(h->table_size) ||
	    layout(h->table_size, &l) < 0 || h->size != l.size ||
	    h->stats_off != l.stats_off || h->status_off != l.status_off ||
	    h->sigtable_off != l.sigtable_off ||
	    (const char *)shm->stats != base + h->stats_off ||
	    (const char *)shm->status != base + h->status_off ||
	    (const char *)shm->sigtable != base + h->sigtable_off ||
	    shm->sigtable->size != h->table_size ||
	    shm->sigtable->mask != h->table_size - 1) {
		errno = EINVAL;
		return -1;
	}
	return 0;
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
