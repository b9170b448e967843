/*
 * The packet path under test, shared by the tests that drive sls_handle:
 * a configuration loaded from text or a file, a shared segment sized by
 * it, and a handler that counts into one stats slot. A test file
 * includes it once, then adds what its own part of the handler needs
 * (the transaction table, the source table, route counters).
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_HANDLER_FIXTURE_H
#define SLS_HANDLER_FIXTURE_H

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "conf/conf.h"
#include "core/pipeline.h"
#include "shm/segment.h"
#include "shm/stats.h"
#include "shm/tmtable.h"
#include "testaddr.h"

static sls_conf_t *conf;
static sls_shm_t shm;
static sls_tagkey_t tagkey, tablekey;
static sls_handler_t h;
static sls_req_t req;
static char outbuf[65536];
static sls_out_t out;

/* Show the errors of a load that failed, and fail the test. */
static inline void
fixture_loaded(int rc, const char *what, sls_errlist_t *errs)
{
	size_t i;

	if (rc < 0) {
		for (i = 0; i < errs->n; i++)
			fprintf(stderr, "%s\n", errs->msg[i]);
		ck_abort_msg("%s does not load", what);
	}
	sls_errlist_free(errs);
}

/* conf from text (file name "test.conf" in messages). */
static inline void
fixture_conf(const char *text)
{
	sls_errlist_t errs = { NULL, 0 };

	fixture_loaded(sls_conf_load_buf(text, "test.conf", &conf, &errs,
	    NULL), "config", &errs);
}

/* conf from a file. */
static inline void
fixture_conf_file(const char *path)
{
	sls_errlist_t errs = { NULL, 0 };

	fixture_loaded(sls_conf_load(path, &conf, &errs, NULL), path, &errs);
}

/*
 * The segment for conf (a transaction table of tm_size slots, 0: the
 * smallest) and a handler on stats slot slot; out writes to outbuf.
 */
static inline void
fixture_start(unsigned slot, uint32_t tm_size)
{
	sls_shm_sizing_t z = { conf->sl.table_size, conf->limits.table_size,
	    tm_size != 0 ? tm_size : SLS_TM_MIN_SIZE };

	ck_assert_int_eq(sls_shm_create_sized(&shm, &z), 0);
	sls_tag_init(&tagkey, "secret");
	sls_tag_init(&tablekey, "");
	memset(&h, 0, sizeof(h));
	h.conf = conf;
	h.stats = &shm.stats[slot];
	h.sigtable = shm.sigtable;
	h.tagkey = &tagkey;
	h.tablekey = &tablekey;
	out.buf = outbuf;
	out.cap = sizeof(outbuf);
}

static inline void
fixture_free(void)
{
	sls_conf_free(conf);
	conf = NULL;
	sls_shm_destroy(&shm);
}

/*
 * Handle text as a datagram from ip:port to 127.0.0.1:5060; when it is
 * answered, outbuf holds the datagram (NUL-terminated) and it counts as
 * sent. True when answered.
 */
static inline bool
fixture_handle(const char *ip, unsigned port, const char *text)
{
	bool r;

	set_addr(&req.src, ip, port);
	set_addr(&req.local, "127.0.0.1", 5060);
	r = sls_handle(&h, &req, text, strlen(text), &out);
	if (r) {
		ck_assert_uint_lt(out.len, out.cap);
		outbuf[out.len] = '\0';
		sls_handle_sent(&h, &req, &out, true);
	}
	return r;
}

/* A counter, summed over the slots as readers see it. */
static inline uint64_t
st(enum sls_stat_id id)
{
	uint64_t v[SLS_ST_COUNT];

	sls_stats_sum(shm.stats, SLS_STATS_SLOTS, v);
	return v[id];
}

#endif
