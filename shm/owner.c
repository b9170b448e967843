/*
 * The owner pid a writer records in a slot of a shared table.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include <pthread.h>
#include <sys/types.h>
#include <unistd.h>

#include "owner.h"

static _Atomic pid_t self;
static pthread_once_t self_once = PTHREAD_ONCE_INIT;

static void
forget_self(void)
{
	atomic_store_explicit(&self, 0, memory_order_relaxed);
}

static void
watch_fork(void)
{
	(void)pthread_atfork(NULL, NULL, forget_self);
}

uint64_t
sls_owner_pid(void)
{
	pid_t p = atomic_load_explicit(&self, memory_order_relaxed);

	if (p == 0) {
		(void)pthread_once(&self_once, watch_fork);
		p = getpid();
		atomic_store_explicit(&self, p, memory_order_relaxed);
	}
	return (uint32_t)p & 0x7fffffffU;
}
