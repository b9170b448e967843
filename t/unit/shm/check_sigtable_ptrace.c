/*
 * The signature table under single-stepped processes (ptrace): a writer
 * killed in the middle of a write, and readers that must never match a
 * torn entry. Reports SKIP where ptrace is not allowed (a container
 * without CAP_SYS_PTRACE, Yama) instead of passing.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sigtable_fixture.h"

/*
 * A worker killed in the middle of a write: the child is single-stepped
 * with ptrace until its slot turns odd, then killed there. The slot must
 * name the child (not the parent, whose pid the table cached before the
 * fork), readers must skip it, and releasing the child's pid frees it.
 */
START_TEST(test_killed_writer)
{
#ifdef PT_STEP		/* glibc: PTRACE_SINGLESTEP is an enum */
	uint64_t s, k = k16(5, 1);
	pid_t pid;
	long steps;
	int status;

	/* the parent writes first, so its pid is cached before forking */
	ck_assert_int_eq(sls_sigtable_put(t, k, 1, 10, 1000), SLS_PUT_NEW);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			_exit(77);
		raise(SIGSTOP);
		sls_sigtable_put(t, k, 1, 10, 2000);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
		ck_abort_msg("ptrace worked in main() but not here");
	}
	ck_assert(WIFSTOPPED(status));
	s = atomic_load(&t->slot[5].seq);
	for (steps = 0; steps < 10000000 && (s & 1) == 0; steps++) {
		ck_assert_int_eq(ptrace(PTRACE_SINGLESTEP, pid, NULL, NULL),
		    0);
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert_msg(WIFSTOPPED(status), "child ended unlocked");
		s = atomic_load(&t->slot[5].seq);
	}
	ck_assert_uint_eq(s & 1, 1);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status));

	ck_assert_uint_eq((uint32_t)s >> 1, (uint32_t)pid);
	ck_assert_uint_eq(atomic_load(&t->slot[5].seq), s);
	ck_assert_int_eq(sls_sigtable_lookup(t, k, 1, 10), SLS_SIG_MISS);
	ck_assert_uint_eq(sls_sigtable_release(t, getpid()), 0);
	ck_assert_uint_eq(sls_sigtable_release(t, pid), 1);
	ck_assert_uint_eq(atomic_load(&t->slot[5].seq) & 1, 0);
	ck_assert_uint_eq(atomic_load(&t->slot[5].key), 0);
	ck_assert_int_eq(sls_sigtable_put(t, k, 1, 10, 1000), SLS_PUT_NEW);
	ck_assert_int_eq(sls_sigtable_lookup(t, k, 1, 10), SLS_SIG_MATCH);
	ck_assert_uint_eq(sls_sigtable_used(t, 10), 1);
#endif
}
END_TEST

/*
 * Torn reads: a reader child is single-stepped while, at every stop (for
 * the first TORN_STEPS instructions), the parent rewrites slot 0 as a
 * writer would (odd, stores, next even) to (A, tag A) or (B, tag B) at
 * random. Whatever instruction the reader is at, it must never take A's
 * key with B's tag: lookups of the crossed pairs may miss (a reader gives
 * up on a slot that never stays still), never match. Without the version
 * check in read_slot() this fails within a few thousand steps.
 */
#define NTORN		1000
#define TORN_STEPS	50000

static void
rewrite(sls_sig_entry_t *e, uint64_t key, uint64_t tag, uint64_t exp)
{
	uint64_t s = atomic_load(&e->seq);

	atomic_store(&e->seq, s | 1);
	atomic_store(&e->key, key);
	atomic_store(&e->tag_hash, tag);
	atomic_store(&e->expires_ms, exp);
	atomic_store(&e->seq, ((s >> 32) + 1) << 32);
}

START_TEST(test_torn_reads)
{
#ifdef PT_STEP
	uint64_t a = k16(0, 1), b = k16(0, 2), rng = 42;
	pid_t pid;
	long steps;
	int i, status;

	rewrite(&t->slot[0], a, 0xaaaa, 1000);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			_exit(77);
		raise(SIGSTOP);
		for (i = 0; i < NTORN; i++)
			if (sls_sigtable_lookup(t, a, 0xbbbb, 10) ==
			    SLS_SIG_MATCH ||
			    sls_sigtable_lookup(t, b, 0xaaaa, 10) ==
			    SLS_SIG_MATCH)
				_exit(1);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
		ck_abort_msg("ptrace worked in main() but not here");
	}
	for (steps = 0; steps < TORN_STEPS && WIFSTOPPED(status); steps++) {
		/* A or B at random; the same state is written again too */
		rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
		if (rng >> 63)
			rewrite(&t->slot[0], a, 0xaaaa, 1000);
		else
			rewrite(&t->slot[0], b, 0xbbbb, 1000);
		ck_assert_int_eq(ptrace(PTRACE_SINGLESTEP, pid, NULL, NULL),
		    0);
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	}
	/* then let it finish on a still table */
	if (WIFSTOPPED(status)) {
		ck_assert_int_eq(ptrace(PTRACE_CONT, pid, NULL, NULL), 0);
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	}
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "reader matched a torn entry (status 0x%x, %ld steps)", status,
	    steps);
	/* once still, the entry reads normally */
	rewrite(&t->slot[0], a, 0xaaaa, 1000);
	ck_assert_int_eq(sls_sigtable_lookup(t, a, 0xaaaa, 10),
	    SLS_SIG_MATCH);
	ck_assert_int_eq(sls_sigtable_lookup(t, a, 0xbbbb, 10),
	    SLS_SIG_MISMATCH);
#endif
}
END_TEST

/* Whether a child may be traced and single-stepped here. */
static bool
ptrace_works(void)
{
#ifdef PT_STEP		/* glibc: PTRACE_SINGLESTEP is an enum */
	pid_t pid;
	int status;
	bool ok;

	if ((pid = fork()) < 0)
		return false;
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			_exit(77);
		raise(SIGSTOP);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return false;
	ok = WIFSTOPPED(status) &&
	    ptrace(PTRACE_SINGLESTEP, pid, NULL, NULL) == 0;
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) == pid && !WIFEXITED(status) &&
	    !WIFSIGNALED(status))
		;
	return ok;
#else
	return false;
#endif
}

int
main(void)
{
	Suite *s;
	TCase *tc;
	SRunner *sr;
	int failed;

	if (!ptrace_works()) {
		/* a TAP plan of nothing, skipped */
		printf("1..0 # SKIP ptrace is not allowed here\n");
		return 77;
	}
	s = suite_create("sigtable_ptrace");
	/* single-stepped processes: slow by nature */
	tc = tcase_create("ptrace");
	tcase_add_checked_fixture(tc, setup16, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_killed_writer);
	tcase_add_test(tc, test_torn_reads);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
