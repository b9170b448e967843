/*
 * What the tables of the segment share: the pid a writer records in the
 * slot it owns (so that the supervisor can free it if the writer dies),
 * and the pause of a reader that waits for a slot to settle.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_SHM_OWNER_H
#define SLS_SHM_OWNER_H

#include <stdatomic.h>
#include <stdint.h>

/* This process's pid (31 bits), cached; forgotten in a forked child so
   that each process records its own. */
uint64_t sls_owner_pid(void);

static inline void
sls_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	atomic_signal_fence(memory_order_seq_cst);
#endif
}

#endif
