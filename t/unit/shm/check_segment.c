/*
 * The segment's region table (shm/segment.c): every region aligned,
 * inside the segment and clear of the header and of each other, in table
 * order, with the header recording the offsets the layout computed.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shm/segment.h"

static const uint32_t sizes[] = { 16, 1024, 65536, 262144 };

/* The rules every layout obeys. */
static void
check_layout(const sls_shm_layout_t *l, uint32_t table_size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t end = sizeof(sls_shm_header_t);
	unsigned i, j;

	for (i = 0; i < SLS_SHM_NREGIONS; i++) {
		size_t a = l->region[i].align, off = l->region[i].off;

		ck_assert_ptr_nonnull(l->region[i].name);
		ck_assert_uint_gt(strlen(l->region[i].name), 0);
		for (j = 0; j < i; j++)
			ck_assert_str_ne(l->region[i].name,
			    l->region[j].name);
		ck_assert_msg(a >= 64 && (a & (a - 1)) == 0,
		    "%s: alignment %zu", l->region[i].name, a);
		ck_assert_msg(off % a == 0, "%s at %zu", l->region[i].name,
		    off);
		/* after the header and the previous region */
		ck_assert_msg(off >= end, "%s at %zu overlaps (end %zu)",
		    l->region[i].name, off, end);
		ck_assert_uint_gt(l->region[i].size, 0);
		end = off + l->region[i].size;
		ck_assert_msg(end <= l->size, "%s ends at %zu, size %zu",
		    l->region[i].name, end, l->size);
	}
	ck_assert_uint_eq(l->size % page, 0);
	ck_assert_uint_lt(l->size - end, page);	/* no page wasted */
	ck_assert_uint_eq(l->region[SLS_SHM_STATS].size,
	    SLS_STATS_SLOTS * sizeof(sls_stats_slot_t));
	ck_assert_uint_eq(l->region[SLS_SHM_STATUS].size,
	    SLS_STATS_SLOTS * sizeof(sls_worker_status_t));
	ck_assert_uint_eq(l->region[SLS_SHM_SIGTABLE].size,
	    sls_sigtable_bytes(table_size));
	ck_assert_uint_eq(l->region[SLS_SHM_SRCTABLE].size,
	    sls_srctable_bytes(SLS_SRC_DEFAULT_SIZE));
}

START_TEST(test_layout_rules)
{
	sls_shm_layout_t l;
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		memset(&l, 0xa5, sizeof(l));
		ck_assert_int_eq(sls_shm_layout(sizes[i], &l), 0);
		check_layout(&l, sizes[i]);
	}
	ck_assert_str_eq(l.region[SLS_SHM_STATS].name, "stats");
	ck_assert_str_eq(l.region[SLS_SHM_STATUS].name, "status");
	ck_assert_str_eq(l.region[SLS_SHM_SIGTABLE].name, "sigtable");
	ck_assert_str_eq(l.region[SLS_SHM_SRCTABLE].name, "srctable");
}
END_TEST

START_TEST(test_layout_bad_sizes)
{
	sls_shm_layout_t l;

	errno = 0;
	ck_assert_int_eq(sls_shm_layout(0, &l), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(sls_shm_layout(1000, &l), -1);
	ck_assert_int_eq(errno, EINVAL);
	/* the source table's size too */
	errno = 0;
	ck_assert_int_eq(sls_shm_layout_sized(&(sls_shm_sizing_t){ 1024,
	    1000, 16 }, &l), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(sls_shm_layout_sized(&(sls_shm_sizing_t){ 1024,
	    4, 16 }, &l), -1);
}
END_TEST

/* A created segment records the computed layout and can use all of it. */
START_TEST(test_header_matches_layout)
{
	sls_shm_layout_t l;
	sls_shm_t shm;
	char *base;
	volatile char *last;
	size_t i;
	unsigned r;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		ck_assert_int_eq(sls_shm_layout(sizes[i], &l), 0);
		ck_assert_int_eq(sls_shm_create(&shm, sizes[i]), 0);
		base = (char *)shm.hdr;
		ck_assert_uint_eq(shm.hdr->version, SLS_SHM_VERSION);
		ck_assert_uint_eq(shm.hdr->nregions, SLS_SHM_NREGIONS);
		ck_assert_uint_eq(shm.hdr->size, l.size);
		for (r = 0; r < SLS_SHM_NREGIONS; r++) {
			ck_assert_uint_eq(shm.hdr->off[r], l.region[r].off);
			ck_assert_ptr_eq(sls_shm_region(&shm, r),
			    base + l.region[r].off);
			/* the region's last byte is inside the mapping */
			last = base + l.region[r].off + l.region[r].size - 1;
			*last = *last;
		}
		/* the named offsets are the same words */
		ck_assert_uint_eq(shm.hdr->stats_off,
		    shm.hdr->off[SLS_SHM_STATS]);
		ck_assert_uint_eq(shm.hdr->status_off,
		    shm.hdr->off[SLS_SHM_STATUS]);
		ck_assert_uint_eq(shm.hdr->sigtable_off,
		    shm.hdr->off[SLS_SHM_SIGTABLE]);
		ck_assert_ptr_eq(shm.stats,
		    sls_shm_region(&shm, SLS_SHM_STATS));
		ck_assert_ptr_eq(shm.status,
		    sls_shm_region(&shm, SLS_SHM_STATUS));
		ck_assert_ptr_eq(shm.sigtable,
		    sls_shm_region(&shm, SLS_SHM_SIGTABLE));
		ck_assert_uint_eq(shm.hdr->srctable_off,
		    shm.hdr->off[SLS_SHM_SRCTABLE]);
		ck_assert_ptr_eq(shm.srctable,
		    sls_shm_region(&shm, SLS_SHM_SRCTABLE));
		ck_assert_uint_eq(shm.hdr->src_size, SLS_SRC_DEFAULT_SIZE);
		ck_assert_uint_eq(shm.srctable->size, SLS_SRC_DEFAULT_SIZE);
		ck_assert_int_eq(sls_shm_check(&shm), 0);
		/* a header that lies about the source table is refused */
		shm.hdr->src_size /= 2;
		ck_assert_int_eq(sls_shm_check(&shm), -1);
		shm.hdr->src_size *= 2;
		/* a header from another region table is refused */
		shm.hdr->nregions++;
		ck_assert_int_eq(sls_shm_check(&shm), -1);
		shm.hdr->nregions--;
		shm.hdr->off[SLS_SHM_STATUS] += 64;
		ck_assert_int_eq(sls_shm_check(&shm), -1);
		shm.hdr->off[SLS_SHM_STATUS] -= 64;
		ck_assert_int_eq(sls_shm_check(&shm), 0);
		sls_shm_destroy(&shm);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("segment");
	TCase *tc = tcase_create("layout");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_layout_rules);
	tcase_add_test(tc, test_layout_bad_sizes);
	tcase_add_test(tc, test_header_matches_layout);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
