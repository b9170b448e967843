/*
 * The test hooks, read once from the supervisor's environment at start
 * and documented in slserver(8): they can only make this daemon's own
 * workers fail, which is what the tests of respawn, reload and seccomp
 * need.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/num.h"
#include "sup.h"
#include "worker.h"

/*
 * SLS_TEST_RESPAWN_FAIL=N, read once at start: the next N workers that
 * are respawned (not started with a generation) exit 1 at once. A test
 * hook for the respawn throttle, documented in slserver(8).
 */
static void
respawn_hook(sup_t *s)
{
	const char *e = getenv("SLS_TEST_RESPAWN_FAIL");
	uint64_t n;

	if (e == NULL)
		return;
	if (!sls_parse_uint(e, e + strlen(e), 1000, &n)) {
		sls_log(LOG_WARNING, "SLS_TEST_RESPAWN_FAIL: ignoring '%s'",
		    e);
		return;
	}
	s->respawn_faults = (unsigned)n;
	sls_log(LOG_NOTICE, "test hook: the next %u respawned workers will "
	    "die at start", s->respawn_faults);
}

/*
 * SLS_TEST_FORBIDDEN_CALL=1, read once at start: a worker that receives
 * a datagram starting with "SLS-TEST-FORBIDDEN-CALL" makes a system call
 * its seccomp filter forbids. A test hook, documented in slserver(8).
 */
static void
forbidden_hook(sup_t *s)
{
	const char *e = getenv("SLS_TEST_FORBIDDEN_CALL");

	if (e == NULL || strcmp(e, "1") != 0)
		return;
	s->test_forbidden = true;
	sls_log(LOG_NOTICE, "test hook: workers make a forbidden system call "
	    "on request");
}

/*
 * SLS_TEST_FAIL_GENERATION=N[:hang][,N[:hang]...], read once at start: the
 * first start of generation N fails (its workers exit 2 before ready), or
 * with ":hang" never gets ready. A test hook, documented in slserver(8).
 */
void
sls_workers_test_hooks(sup_t *s)
{
	const char *e = getenv("SLS_TEST_FAIL_GENERATION");

	while (e != NULL && *e != '\0' && s->nfaults < SLS_MAX_FAULTS) {
		const char *end = e + strcspn(e, ":,");
		int mode = SLS_FAULT_EXIT;
		uint64_t g;

		if (!sls_parse_uint(e, end, UINT32_MAX, &g) || g == 0)
			break;
		if (strncmp(end, ":hang", 5) == 0) {
			mode = SLS_FAULT_HANG;
			end += 5;
		}
		if (*end != '\0' && *end != ',')
			break;
		s->fault[s->nfaults].gen = (uint32_t)g;
		s->fault[s->nfaults++].mode = mode;
		sls_log(LOG_NOTICE, "test hook: generation %u will %s",
		    (unsigned)g, mode == SLS_FAULT_HANG ? "never get ready" :
		    "fail to start");
		e = *end == ',' ? end + 1 : end;
	}
	if (e != NULL && *e != '\0')
		sls_log(LOG_WARNING, "SLS_TEST_FAIL_GENERATION: ignoring "
		    "'%s'", e);
	respawn_hook(s);
	forbidden_hook(s);
}

/* The fault hook for this start of gen, used up. */
int
sls_test_take_fault(sup_t *s, uint32_t gen)
{
	unsigned i;
	int mode;

	for (i = 0; i < s->nfaults; i++)
		if (s->fault[i].gen == gen && s->fault[i].mode != 0) {
			mode = s->fault[i].mode;
			s->fault[i].mode = 0;
			return mode;
		}
	return SLS_FAULT_NONE;
}
