/*
 * Test helper: run a Check suite (CK_ENV verbosity) and turn its result
 * into the exit status automake expects.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_CHECK_RUN_H
#define SLS_CHECK_RUN_H

#include <check.h>
#include <stdlib.h>

static inline int
sls_check_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
