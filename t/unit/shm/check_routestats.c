/*
 * Per-route counters (shm/routestats.c): slots by name across reloads,
 * failed reloads, reuse of the slots of names gone from every live
 * configuration, the sink slot, and processes adding to their own
 * blocks of a real segment.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shm/routestats.h"
#include "shm/segment.h"
#include "check_run.h"

#define NB	4	/* blocks of counters (processes) in these tests */

static sls_routestats_t *
make(void)
{
	size_t n = sls_routestats_bytes(NB);
	sls_routestats_t *rs = aligned_alloc(64, (n + 63) / 64 * 64);

	ck_assert_ptr_nonnull(rs);
	sls_routestats_init(rs, NB);
	return rs;
}

/* Assign the names (all of kind route) for gen; slots into out. */
static size_t
assign(sls_routestats_t *rs, uint32_t running, uint32_t gen,
    const char *const *names, size_t n, unsigned *out)
{
	sls_route_key_t keys[SLS_ROUTE_SLOTS * 2];
	size_t i;

	for (i = 0; i < n; i++) {
		keys[i].kind = SLS_RK_ROUTE;
		keys[i].name = names[i];
	}
	return sls_routestats_assign(rs, NB, running, gen, keys, n, out);
}

/* The sample of (kind, name) as generation gen shows it, or NULL. */
static const sls_route_sample_t *
find(const sls_routestats_t *rs, uint32_t gen, enum sls_route_kind kind,
    const char *name, size_t *shown)
{
	static sls_route_sample_t s[SLS_ROUTE_SLOTS];
	size_t i, n = sls_routestats_read(rs, NB, gen, s, SLS_ROUTE_SLOTS);

	if (shown != NULL)
		*shown = n;
	for (i = 0; i < n; i++)
		if (s[i].kind == kind && strcmp(s[i].name, name) == 0)
			return &s[i];
	return NULL;
}

static void
add(sls_routestats_t *rs, unsigned block, unsigned slot, enum sls_rc what,
    unsigned n)
{
	while (n-- > 0)
		sls_route_ctr_inc(&sls_routestats_block(rs, block)[slot], what);
}

START_TEST(test_names)
{
	static const char *const names[] = { "keepalive", "rest" };
	sls_routestats_t *rs = make();
	const sls_route_sample_t *s;
	unsigned slots[2];
	size_t shown;

	ck_assert_str_eq(sls_rc_name[SLS_RC_FORWARDED], "forwarded");
	ck_assert_str_eq(sls_route_kind_name[SLS_RK_ONREPLY],
	    "onreply_route");
	/* nothing is shown before a configuration names its routes */
	ck_assert_ptr_null(find(rs, 1, SLS_RK_ROUTE, "rest", &shown));
	ck_assert_uint_eq(shown, 0);

	ck_assert_uint_eq(assign(rs, 1, 1, names, 2, slots), 0);
	ck_assert_uint_ne(slots[0], 0);
	ck_assert_uint_ne(slots[1], 0);
	ck_assert_uint_ne(slots[0], slots[1]);
	add(rs, 0, slots[0], SLS_RC_MATCHED, 3);
	add(rs, 1, slots[0], SLS_RC_MATCHED, 4);
	add(rs, 1, slots[0], SLS_RC_REPLIED, 7);
	add(rs, 2, slots[1], SLS_RC_DROPPED, 2);
	/* the sink counts but is never shown */
	add(rs, 0, 0, SLS_RC_MATCHED, 9);

	s = find(rs, 1, SLS_RK_ROUTE, "keepalive", &shown);
	ck_assert_uint_eq(shown, 2);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(s->v[SLS_RC_MATCHED], 7);
	ck_assert_uint_eq(s->v[SLS_RC_REPLIED], 7);
	ck_assert_uint_eq(s->v[SLS_RC_DROPPED], 0);
	s = find(rs, 1, SLS_RK_ROUTE, "rest", NULL);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(s->v[SLS_RC_DROPPED], 2);
	ck_assert_uint_eq(s->v[SLS_RC_MATCHED], 0);
	/* another generation's view shows nothing of it */
	ck_assert_ptr_null(find(rs, 3, SLS_RK_ROUTE, "rest", NULL));
	free(rs);
}
END_TEST

START_TEST(test_kinds)
{
	sls_routestats_t *rs = make();
	sls_route_key_t keys[] = {
		{ SLS_RK_ROUTE, "relay" }, { SLS_RK_ONREPLY, "relay" },
	};
	unsigned slots[2];

	ck_assert_uint_eq(sls_routestats_assign(rs, NB, 1, 1, keys, 2, slots),
	    0);
	ck_assert_uint_ne(slots[0], slots[1]);
	add(rs, 3, slots[1], SLS_RC_FORWARDED, 5);
	ck_assert_uint_eq(find(rs, 1, SLS_RK_ONREPLY, "relay",
	    NULL)->v[SLS_RC_FORWARDED], 5);
	ck_assert_uint_eq(find(rs, 1, SLS_RK_ROUTE, "relay",
	    NULL)->v[SLS_RC_FORWARDED], 0);
	free(rs);
}
END_TEST

/* A reload keeps the counts of names that stay; new names start at 0. */
START_TEST(test_reload)
{
	static const char *const one[] = { "a", "b" }, *const two[] = {
		"c", "a" };
	sls_routestats_t *rs = make();
	unsigned s1[2], s2[2];

	assign(rs, 1, 1, one, 2, s1);
	add(rs, 0, s1[0], SLS_RC_MATCHED, 10);
	add(rs, 0, s1[1], SLS_RC_MATCHED, 20);

	/* generation 2 is starting: generation 1 still shows a and b */
	ck_assert_uint_eq(assign(rs, 1, 2, two, 2, s2), 0);
	ck_assert_uint_eq(s2[1], s1[0]);
	ck_assert_uint_ne(s2[0], s1[0]);
	ck_assert_uint_ne(s2[0], s1[1]);
	ck_assert_ptr_nonnull(find(rs, 1, SLS_RK_ROUTE, "b", NULL));
	ck_assert_ptr_null(find(rs, 1, SLS_RK_ROUTE, "c", NULL));
	/* both generations count into a meanwhile */
	add(rs, 1, s2[1], SLS_RC_MATCHED, 1);

	/* once it runs: a kept its counts, c starts at zero, b is gone */
	ck_assert_uint_eq(find(rs, 2, SLS_RK_ROUTE, "a",
	    NULL)->v[SLS_RC_MATCHED], 11);
	ck_assert_uint_eq(find(rs, 2, SLS_RK_ROUTE, "c",
	    NULL)->v[SLS_RC_MATCHED], 0);
	ck_assert_ptr_null(find(rs, 2, SLS_RK_ROUTE, "b", NULL));

	/* b comes back in generation 3: a new route, at zero, in the slot
	   it had */
	ck_assert_uint_eq(assign(rs, 2, 3, one, 2, s2), 0);
	ck_assert_uint_eq(s2[0], s1[0]);
	ck_assert_uint_eq(s2[1], s1[1]);
	ck_assert_uint_eq(find(rs, 3, SLS_RK_ROUTE, "b",
	    NULL)->v[SLS_RC_MATCHED], 0);
	ck_assert_uint_eq(find(rs, 3, SLS_RK_ROUTE, "a",
	    NULL)->v[SLS_RC_MATCHED], 11);
	free(rs);
}
END_TEST

/* A generation that failed to start leaves no name behind. */
START_TEST(test_failed_reload)
{
	static const char *const one[] = { "a" }, *const bad[] = { "x", "a" };
	sls_routestats_t *rs = make();
	unsigned s1[1], s2[2];
	size_t shown;

	assign(rs, 1, 1, one, 1, s1);
	assign(rs, 1, 2, bad, 2, s2);
	/* generation 2 failed; generation 1 runs on, showing a only */
	ck_assert_ptr_nonnull(find(rs, 1, SLS_RK_ROUTE, "a", &shown));
	ck_assert_uint_eq(shown, 1);
	/* the next attempt, generation 2 again, without x */
	assign(rs, 1, 2, one, 1, s2);
	ck_assert_uint_eq(s2[0], s1[0]);
	ck_assert_ptr_null(find(rs, 2, SLS_RK_ROUTE, "x", &shown));
	ck_assert_uint_eq(shown, 1);
	free(rs);
}
END_TEST

/* Slots of names no live configuration has are reused, zeroed. */
START_TEST(test_reuse)
{
	static char buf[3][SLS_ROUTE_SLOTS][16];
	const char *g1[SLS_ROUTE_SLOTS], *g3[SLS_ROUTE_SLOTS];
	unsigned s1[SLS_ROUTE_SLOTS], s3[SLS_ROUTE_SLOTS], more[1];
	sls_routestats_t *rs = make();
	const sls_route_sample_t *s;
	size_t i, n = SLS_ROUTE_SLOTS - 1, shown;

	for (i = 0; i < n; i++) {
		snprintf(buf[0][i], sizeof(buf[0][i]), "n%zu", i);
		snprintf(buf[1][i], sizeof(buf[1][i]), "m%zu", i);
		g1[i] = buf[0][i];
	}
	/* a full table: one name more gets the sink */
	ck_assert_uint_eq(assign(rs, 1, 1, g1, n, s1), 0);
	for (i = 0; i < n; i++)
		add(rs, 2, s1[i], SLS_RC_MATCHED, 1);
	/* generation 2 keeps the first half only ... */
	ck_assert_uint_eq(assign(rs, 1, 2, g1, n / 2, s3), 0);
	/* ... so generation 3 may reuse the slots of the others */
	for (i = 0; i < n; i++)
		g3[i] = i < n / 2 ? buf[0][i] : buf[1][i];
	ck_assert_uint_eq(assign(rs, 2, 3, g3, n, s3), 0);
	for (i = 0; i < n / 2; i++)
		ck_assert_uint_eq(s3[i], s1[i]);
	s = find(rs, 3, SLS_RK_ROUTE, "n0", &shown);
	ck_assert_uint_eq(shown, n);
	ck_assert_uint_eq(s->v[SLS_RC_MATCHED], 1);
	s = find(rs, 3, SLS_RK_ROUTE, buf[1][n - 1], NULL);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(s->v[SLS_RC_MATCHED], 0);
	ck_assert_ptr_null(find(rs, 3, SLS_RK_ROUTE, buf[0][n - 1], NULL));
	/* running 3 and starting 4: every slot is taken by one of them */
	g1[0] = "newcomer";
	ck_assert_uint_eq(assign(rs, 3, 4, g1, 1, more), 1);
	ck_assert_uint_eq(more[0], 0);
	free(rs);
}
END_TEST

/* Names too long or empty get the sink; 127 bytes fit. */
START_TEST(test_unusable_names)
{
	char longname[SLS_ROUTE_NAME_MAX + 8];
	const char *names[2] = { longname, "" };
	sls_routestats_t *rs = make();
	unsigned slots[2];
	size_t shown;

	memset(longname, 'y', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	ck_assert_uint_eq(assign(rs, 1, 1, names, 2, slots), 2);
	ck_assert_uint_eq(slots[0], 0);
	ck_assert_uint_eq(slots[1], 0);
	/* 128 bytes: one too many */
	longname[SLS_ROUTE_NAME_MAX] = '\0';
	ck_assert_uint_eq(assign(rs, 1, 1, names, 1, slots), 1);
	longname[SLS_ROUTE_NAME_MAX - 1] = '\0';
	ck_assert_uint_eq(assign(rs, 1, 1, names, 1, slots), 0);
	ck_assert_uint_ne(slots[0], 0);
	ck_assert_ptr_nonnull(find(rs, 1, SLS_RK_ROUTE, longname, &shown));
	ck_assert_uint_eq(shown, 1);
	free(rs);
}
END_TEST

#define NPROC	4
#define NINC	100000

/* Processes add to their own blocks of a real segment meanwhile. */
START_TEST(test_processes)
{
	static const char *const names[] = { "hot" };
	sls_route_sample_t s[1];
	unsigned slots[1];
	sls_shm_t shm;
	pid_t pid[NPROC];
	int i, n, status;

	ck_assert_int_eq(sls_shm_create(&shm, 1024), 0);
	ck_assert_uint_eq(sls_routestats_assign(shm.routestats,
	    SLS_STATS_SLOTS, 1, 1, &(sls_route_key_t){ SLS_RK_ROUTE,
	    names[0] }, 1, slots), 0);
	for (i = 0; i < NPROC; i++) {
		pid[i] = fork();
		ck_assert_int_ge(pid[i], 0);
		if (pid[i] == 0) {
			sls_route_ctr_t *c = sls_routestats_block(
			    shm.routestats, (unsigned)i * 100);

			for (n = 0; n < NINC; n++) {
				sls_route_ctr_inc(&c[slots[0]],
				    SLS_RC_MATCHED);
				sls_route_ctr_inc(&c[slots[0]],
				    SLS_RC_REPLIED);
			}
			_exit(0);
		}
	}
	for (i = 0; i < NPROC; i++) {
		ck_assert_int_eq(waitpid(pid[i], &status, 0), pid[i]);
		ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	ck_assert_uint_eq(sls_routestats_read(shm.routestats, SLS_STATS_SLOTS,
	    1, s, 1), 1);
	ck_assert_str_eq(s[0].name, "hot");
	ck_assert_uint_eq(s[0].v[SLS_RC_MATCHED], (uint64_t)NPROC * NINC);
	ck_assert_uint_eq(s[0].v[SLS_RC_REPLIED], (uint64_t)NPROC * NINC);
	ck_assert_uint_eq(s[0].v[SLS_RC_DROPPED], 0);
	ck_assert_int_eq(sls_shm_check(&shm), 0);
	sls_shm_destroy(&shm);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("routestats");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_kinds);
	tcase_add_test(tc, test_reload);
	tcase_add_test(tc, test_failed_reload);
	tcase_add_test(tc, test_reuse);
	tcase_add_test(tc, test_unusable_names);
	tcase_add_test(tc, test_processes);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return sls_check_run(suite());
}
