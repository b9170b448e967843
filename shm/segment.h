/*
 * The one shared-memory segment: header, per-process stats slots, worker
 * status words, signature table. Made by the supervisor before the first
 * fork and inherited; reached by offsets recorded in the header.
 */
#ifndef SLS_SEGMENT_H
#define SLS_SEGMENT_H

#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include "sigtable.h"
#include "stats.h"

#define SLS_SHM_MAGIC	0x534c5353484d0001ULL	/* "SLSSHM" */
#define SLS_SHM_VERSION	2	/* 2: versioned 32-byte sigtable entries */
#define SLS_MAX_WORKERS	256

/*
 * Stats slots: two banks of SLS_MAX_WORKERS (a reload runs the old and the
 * new generation side by side, each in its own bank) plus one for the
 * supervisor.
 */
#define SLS_STATS_SLOTS		(2 * SLS_MAX_WORKERS + 1)
#define SLS_SUPERVISOR_SLOT	(2 * SLS_MAX_WORKERS)

/* What a worker tells the supervisor through its status word. */
enum sls_worker_state {
	SLS_WS_STARTING = 0,
	SLS_WS_READY = 1,
	SLS_WS_DRAINING = 2
};

typedef struct sls_worker_status {
	_Alignas(64) _Atomic int32_t pid;
	_Atomic int32_t state;
	_Atomic uint32_t generation;
} sls_worker_status_t;

typedef struct sls_shm_header {
	uint64_t magic;
	uint32_t version;
	uint32_t max_workers;
	uint64_t size;
	uint64_t stats_off;
	uint64_t status_off;
	uint64_t sigtable_off;
	uint32_t table_size;
	uint32_t pad;
	int64_t created;	/* Unix time */
	_Atomic uint32_t generation;
} sls_shm_header_t;

typedef struct sls_shm {
	sls_shm_header_t *hdr;
	sls_stats_slot_t *stats;	/* SLS_STATS_SLOTS */
	sls_worker_status_t *status;	/* SLS_STATS_SLOTS, same index */
	sls_sigtable_t *sigtable;
} sls_shm_t;

/*
 * Map and initialise a segment with a signature table of table_size slots
 * (a power of two, at least SLS_SIG_MIN_SIZE); 0, or -1 with errno
 * (EINVAL for a bad size, else that of mmap).
 */
int sls_shm_create(sls_shm_t *shm, uint32_t table_size);
/* Verify magic, version, sizes and offsets; 0, or -1 with EINVAL. */
int sls_shm_check(const sls_shm_t *shm);
/* Unmap (in the calling process) and clear shm; NULL-safe. */
void sls_shm_destroy(sls_shm_t *shm);

#endif
