/*
 * The one shared-memory segment: a header, then the regions listed in
 * SLS_SHM_REGIONS (per-process stats slots, worker status words,
 * signature table, per-route counters, source table, transaction
 * table). Made by the supervisor before the first fork and
 * inherited; every region is reached by the offset recorded in the
 * header, and the offsets come from one table in segment.c.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_SEGMENT_H
#define SLS_SEGMENT_H

#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include "routestats.h"
#include "sigtable.h"
#include "srctable.h"
#include "stats.h"
#include "tmtable.h"

#define SLS_SHM_MAGIC	0x534c5353484d0001ULL	/* "SLSSHM" */
/*
 * Bumped by every change of a struct under shm/ or of the region table.
 * 2: versioned 32-byte sigtable entries. 3: region table (offsets by
 * region id at the end of the header). 4: per-route counters.
 * 5: source table (limits), its size in the header, core:limited and
 * the other counters of SPEC 9. 6: a heartbeat in the worker status
 * words. 7: forwarding counters. 8: transaction table, its size in the
 * header, a stats slot for the timer process. 9: the signature table's
 * mark for to-tags not of our making.
 */
#define SLS_SHM_VERSION	9
#define SLS_MAX_WORKERS	256

/*
 * Stats slots: two banks of SLS_MAX_WORKERS (a reload runs the old and the
 * new generation side by side, each in its own bank), one for the timer
 * process of the transaction table and one for the supervisor.
 */
#define SLS_STATS_SLOTS		(2 * SLS_MAX_WORKERS + 2)
#define SLS_TIMER_SLOT		(2 * SLS_MAX_WORKERS)
#define SLS_SUPERVISOR_SLOT	(2 * SLS_MAX_WORKERS + 1)

/* What a worker tells the supervisor through its status word. */
enum sls_worker_state {
	SLS_WS_STARTING = 0,
	SLS_WS_READY = 1,
	SLS_WS_DRAINING = 2
};

/*
 * One per slot. The supervisor clears it before it forks; the worker
 * writes it. heartbeat: sls_now_ms() of the worker's latest turn of its
 * loop (at least once a second), so that the supervisor can replace a
 * hung worker (worker_timeout).
 */
typedef struct sls_worker_status {
	_Alignas(64) _Atomic int32_t pid;
	_Atomic int32_t state;
	_Atomic uint32_t generation;
	uint32_t pad;
	_Atomic uint64_t heartbeat;
} sls_worker_status_t;

/*
 * The regions after the header, in address order: X(id, name). Each has
 * a row (name, size, alignment, initialiser) in segment.c's table and an
 * offset in the header, hdr->off[id] or hdr->name_off. A new region (a
 * transaction table, a source limiter) is one row here, one row there,
 * and an SLS_SHM_VERSION bump.
 */
#define SLS_SHM_REGIONS(X) \
	X(SLS_SHM_STATS, stats) \
	X(SLS_SHM_STATUS, status) \
	X(SLS_SHM_SIGTABLE, sigtable) \
	X(SLS_SHM_ROUTESTATS, routestats) \
	X(SLS_SHM_SRCTABLE, srctable) \
	X(SLS_SHM_TMTABLE, tmtable)

enum sls_shm_region {
#define SLS_SHM_REGION_ENUM(id, name) id,
	SLS_SHM_REGIONS(SLS_SHM_REGION_ENUM)
#undef SLS_SHM_REGION_ENUM
	SLS_SHM_NREGIONS
};

typedef struct sls_shm_header {
	uint64_t magic;
	uint32_t version;
	uint32_t max_workers;
	uint64_t size;		/* whole segment, whole pages */
	uint32_t table_size;	/* signature table slots */
	uint32_t nregions;	/* SLS_SHM_NREGIONS */
	int64_t created;	/* Unix time */
	_Atomic uint32_t generation;
	uint32_t src_size;	/* source table slots (limits.table_size) */
	uint32_t tm_size;	/* transaction table slots */
	uint32_t pad;
	/* Region offsets from the header, by enum sls_shm_region. */
	union {
		uint64_t off[SLS_SHM_NREGIONS];
		struct {
#define SLS_SHM_REGION_OFF(id, name) uint64_t name##_off;
			SLS_SHM_REGIONS(SLS_SHM_REGION_OFF)
#undef SLS_SHM_REGION_OFF
		};
	};
} sls_shm_header_t;

typedef struct sls_shm {
	sls_shm_header_t *hdr;
	sls_stats_slot_t *stats;	/* SLS_STATS_SLOTS */
	sls_worker_status_t *status;	/* SLS_STATS_SLOTS, same index */
	sls_sigtable_t *sigtable;
	sls_routestats_t *routestats;	/* blocks: SLS_STATS_SLOTS */
	sls_srctable_t *srctable;
	sls_tmtable_t *tm;
} sls_shm_t;

/* What the regions are sized by: the restart-only capacities. */
typedef struct sls_shm_sizing {
	uint32_t table_size;	/* signature table slots (sl.table_size) */
	uint32_t src_size;	/* source table slots (limits.table_size) */
	uint32_t tm_size;	/* transaction table slots (tm.table_size) */
} sls_shm_sizing_t;

/* Where each region lies in a segment, as sls_shm_layout computes it. */
typedef struct sls_shm_layout {
	struct {
		const char *name;
		size_t off, size, align;
	} region[SLS_SHM_NREGIONS];
	size_t size;		/* header and regions, in whole pages */
} sls_shm_layout_t;

/*
 * Map and initialise a segment with a signature table of table_size slots
 * (a power of two, at least SLS_SIG_MIN_SIZE) and a source table of
 * SLS_SRC_DEFAULT_SIZE; 0, or -1 with errno (EINVAL for a bad size, else
 * that of mmap).
 */
int sls_shm_create(sls_shm_t *shm, uint32_t table_size);
/*
 * The same with every capacity given: src_size a power of two, at least
 * SLS_SRC_MIN_SIZE; tm_size a power of two in SLS_TM_MIN_SIZE..
 * SLS_TM_MAX_SIZE (sls_shm_create uses the defaults and the minimum).
 */
int sls_shm_create_sized(sls_shm_t *shm, const sls_shm_sizing_t *z);
/* Verify magic, version, sizes and offsets; 0, or -1 with EINVAL. */
int sls_shm_check(const sls_shm_t *shm);
/* Unmap (in the calling process) and clear shm; NULL-safe. */
void sls_shm_destroy(sls_shm_t *shm);
/*
 * The layout of a segment with a signature table of table_size slots;
 * 0, or -1 with errno (EINVAL for a bad size, ENOMEM if it cannot fit).
 */
int sls_shm_layout(uint32_t table_size, sls_shm_layout_t *l);
int sls_shm_layout_sized(const sls_shm_sizing_t *z, sls_shm_layout_t *l);
/* Start of region id in a created segment. */
void *sls_shm_region(const sls_shm_t *shm, enum sls_shm_region id);

#endif
