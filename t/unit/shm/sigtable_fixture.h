/*
 * A signature table in a shared mapping, and helpers on it, for the
 * sigtable unit tests.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_SIGTABLE_FIXTURE_H
#define SLS_SIGTABLE_FIXTURE_H

#include <check.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "shm/sigtable.h"

static sls_sigtable_t *t;
static size_t tbytes;

/* Shared, as in the segment: forked children write the same table. */
static inline sls_sigtable_t *
new_table(uint32_t size)
{
	sls_sigtable_t *p;

	tbytes = sls_sigtable_bytes(size);
	p = mmap(NULL, tbytes, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(p, MAP_FAILED);
	memset(p, 0xa5, tbytes);	/* init must not count on zeroes */
	sls_sigtable_init(p, size);
	return p;
}

static inline void
setup16(void)
{
	t = new_table(16);
}

static inline void
teardown(void)
{
	munmap(t, tbytes);
	t = NULL;
}

/* A key of a 16-slot table whose window starts at slot base. */
static inline uint64_t
k16(unsigned base, unsigned n)
{
	return (uint64_t)(n + 1) << 20 | (uint64_t)n << 4 | (base & 15);
}

/* The slot index holding key, or -1. */
static inline int
slot_of(uint64_t key)
{
	uint32_t i;

	for (i = 0; i < t->size; i++)
		if (atomic_load(&t->slot[i].key) == key)
			return (int)i;
	return -1;
}

#endif
