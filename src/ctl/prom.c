/*
 * Prometheus text exposition format 0.0.4 of the summed counters.
 *
 * Mapping from the statistics (shm/stats.h) to metric families:
 *
 *   sl:1xx_replies .. sl:xxx_replies  slserver_sl_replies_total{bucket=B}
 *                                     B = the name without "_replies":
 *                                     "1xx", "200", "202", "2xx", "300",
 *                                     "301", "302", "3xx", "400", "401",
 *                                     "403", "404", "407", "408", "483",
 *                                     "4xx", "500", "5xx", "6xx", "xxx"
 *                                     ("2xx" = a 2xx other than 200/202)
 *   sl:sent_replies                   slserver_sl_sent_replies_total
 *   sl:sent_err_replies               slserver_sl_sent_err_replies_total
 *   sl:failures                       slserver_sl_failures_total
 *   sl:received_ACKs                  slserver_acks_filtered_total
 *   sl:acks_passed                    slserver_acks_passed_total
 *   sl:acks_late                      slserver_acks_late_total
 *   core:rcv_requests                 slserver_requests_received_total
 *   core:rcv_replies                  slserver_replies_received_total
 *   core:fwd_requests                 slserver_requests_forwarded_total
 *   core:fwd_replies                  slserver_replies_forwarded_total
 *   core:drop_replies                 slserver_replies_dropped_total
 *   core:drop_requests                slserver_requests_dropped_total
 *   core:err_requests                 slserver_requests_errors_total
 *   core:oversize                     slserver_oversize_total
 *   core:worker_restarts              slserver_worker_restarts_total
 *   core:reloads                      slserver_reloads_total{result="ok"}
 *   core:reload_failures              slserver_reloads_total{result="failed"}
 *   shm:sigtable_evictions            slserver_sigtable_evictions_total
 *   shm:sigtable_drops                slserver_sigtable_drops_total
 *   shm:sigtable_used                 slserver_sigtable_used (gauge)
 *   shm:sigtable_size                 slserver_sigtable_size (gauge)
 *   tm:UAS_transactions               slserver_tm_transactions_total
 *   tm:inuse_transactions             slserver_tm_transactions_inuse (gauge)
 *   tm:rpl_sent                       slserver_tm_replies_sent_total
 *   tm:retransmissions                slserver_tm_retransmissions_total
 *   tm:absorbed                       slserver_tm_absorbed_total
 *   tm:timeouts                       slserver_tm_timeouts_total
 *   tm:table_full                     slserver_tm_stateless_total{reason=
 *   tm:reply_too_large                "table_full"|"too_large"}
 *   (constant)                        slserver_build_info{version=V,
 *                                     shm_version=S} 1 (gauge)
 *   route:NAME:matched                slserver_route_matched_total{route}
 *   route:NAME:replied                slserver_route_replied_total{route}
 *   route:NAME:dropped                slserver_route_dropped_total{route}
 *   route:NAME:forwarded              slserver_route_forwarded_total{route}
 *   onreply_route:NAME:X              slserver_onreply_route_X_total{route}
 *                                     (the label route = NAME)
 *                                     (route families only when a route
 *                                     of that kind exists)
 *
 * and, from sls_prom_write_limits (SPEC 9):
 *
 *   core:limited                      slserver_limited_total
 *   core:blocks                       slserver_blocks_total
 *   core:error_replies_limited        slserver_error_replies_limited_total
 *   shm:srctable_evictions            slserver_srctable_evictions_total
 *   (sources blocked now, a scan)     slserver_blocked_sources (gauge)
 *
 * Every family has one "# HELP" and one "# TYPE" line before its samples;
 * no timestamps; the output ends with a newline.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/clock.h"
#include "prom.h"
#include "shm/segment.h"
#include "shm/sigtable.h"

/* A family made of one counter. */
typedef struct prom_simple {
	const char *name;
	enum sls_stat_id id;
	const char *help;
} prom_simple_t;

static const prom_simple_t simple[] = {
	{ "slserver_sl_sent_replies_total", SLS_ST_SENT,
	    "Local replies sent." },
	{ "slserver_sl_sent_err_replies_total", SLS_ST_SENT_ERR,
	    "Error replies sent by sl_reply_error, automatic ones included." },
	{ "slserver_sl_failures_total", SLS_ST_FAILURES,
	    "Reply attempts that failed (build or send error, refused)." },
	{ "slserver_acks_filtered_total", SLS_ST_RCV_ACKS,
	    "ACKs to our own replies absorbed by the filter." },
	{ "slserver_acks_passed_total", SLS_ST_ACKS_PASSED,
	    "ACKs not absorbed, passed to the routes." },
	{ "slserver_acks_late_total", SLS_ST_ACKS_LATE,
	    "ACKs whose signature table entry had expired." },
	{ "slserver_requests_received_total", SLS_ST_RCV_REQUESTS,
	    "SIP requests received." },
	{ "slserver_replies_received_total", SLS_ST_RCV_REPLIES,
	    "SIP responses received." },
	{ "slserver_requests_forwarded_total", SLS_ST_FWD_REQUESTS,
	    "Requests forwarded statelessly." },
	{ "slserver_replies_forwarded_total", SLS_ST_FWD_REPLIES,
	    "Replies to forwarded requests passed back upstream." },
	{ "slserver_replies_dropped_total", SLS_ST_DROP_REPLIES,
	    "Replies dropped: not ours, no next Via, not addressable, or "
	    "drop in onreply_route." },
	{ "slserver_requests_dropped_total", SLS_ST_DROP_REQUESTS,
	    "Requests dropped without a reply." },
	{ "slserver_requests_errors_total", SLS_ST_ERR_REQUESTS,
	    "Requests that failed the basic checks." },
	{ "slserver_oversize_total", SLS_ST_OVERSIZE,
	    "Datagrams larger than max_message." },
	{ "slserver_worker_restarts_total", SLS_ST_WORKER_RESTARTS,
	    "Workers respawned after dying." },
};

/* The counters of group tm, as families of one counter. */
static const prom_simple_t tm_simple[] = {
	{ "slserver_tm_transactions_total", SLS_ST_TM_UAS,
	    "Server transactions created (t_newtran, CANCEL)." },
	{ "slserver_tm_replies_sent_total", SLS_ST_TM_RPL_SENT,
	    "Stateful replies sent, first sends only." },
	{ "slserver_tm_retransmissions_total", SLS_ST_TM_RETRANS,
	    "Final replies retransmitted by the transaction timers." },
	{ "slserver_tm_absorbed_total", SLS_ST_TM_ABSORBED,
	    "Request retransmissions answered from the transaction table." },
	{ "slserver_tm_timeouts_total", SLS_ST_TM_TIMEOUTS,
	    "INVITE transactions that ended without their ACK." },
};

/* HELP text: backslash and newline escaped. */
static void
put_help(sls_buf_t *out, const char *name, const char *type,
    const char *help)
{
	const char *p;

	sls_buf_printf(out, "# HELP %s ", name);
	for (p = help; *p != '\0'; p++) {
		if (*p == '\\')
			sls_buf_append(out, "\\\\", 2);
		else if (*p == '\n')
			sls_buf_append(out, "\\n", 2);
		else
			sls_buf_append(out, p, 1);
	}
	sls_buf_printf(out, "\n# TYPE %s %s\n", name, type);
}

void
sls_prom_escape(sls_buf_t *out, const char *s)
{
	const char *p, *run;

	for (run = p = s; *p != '\0'; p++) {
		const char *esc;

		if (*p == '\\')
			esc = "\\\\";
		else if (*p == '"')
			esc = "\\\"";
		else if (*p == '\n')
			esc = "\\n";
		else
			continue;
		if (p > run)
			sls_buf_append(out, run, (size_t)(p - run));
		sls_buf_append(out, esc, 2);
		run = p + 1;
	}
	if (p > run)
		sls_buf_append(out, run, (size_t)(p - run));
}

/* One sample with one label. */
static void
put_labelled(sls_buf_t *out, const char *name, const char *label,
    const char *value, uint64_t v)
{
	sls_buf_printf(out, "%s{%s=\"", name, label);
	sls_prom_escape(out, value);
	sls_buf_printf(out, "\"} %" PRIu64 "\n", v);
}

void
sls_prom_write(sls_buf_t *out, const uint64_t v[SLS_ST_COUNT],
    uint64_t sigtable_used, uint64_t sigtable_size)
{
	static const char rep[] = "slserver_sl_replies_total";
	char bucket[32];
	size_t i, n;

	put_help(out, rep, "counter",
	    "Local replies sent, by code bucket (an exact code, or NXX for "
	    "the other codes of that class, xxx for any other).");
	for (i = SLS_ST_1XX; i <= SLS_ST_XXX; i++) {
		const char *name = sls_stat_info[i].name;
		const char *u = strchr(name, '_');

		n = u != NULL ? (size_t)(u - name) : strlen(name);
		if (n >= sizeof(bucket))
			n = sizeof(bucket) - 1;
		memcpy(bucket, name, n);
		bucket[n] = '\0';
		put_labelled(out, rep, "bucket", bucket, v[i]);
	}

	for (i = 0; i < sizeof(simple) / sizeof(simple[0]); i++) {
		put_help(out, simple[i].name, "counter", simple[i].help);
		sls_buf_printf(out, "%s %" PRIu64 "\n", simple[i].name,
		    v[simple[i].id]);
	}

	put_help(out, "slserver_reloads_total", "counter",
	    "Reloads, by result (failed: refused, old config kept).");
	put_labelled(out, "slserver_reloads_total", "result", "ok",
	    v[SLS_ST_RELOADS]);
	put_labelled(out, "slserver_reloads_total", "result", "failed",
	    v[SLS_ST_RELOAD_FAILURES]);

	put_help(out, "slserver_sigtable_evictions_total", "counter",
	    "Live signature table entries evicted to make room.");
	sls_buf_printf(out, "slserver_sigtable_evictions_total %" PRIu64 "\n",
	    v[SLS_ST_SIGTABLE_EVICTIONS]);
	put_help(out, "slserver_sigtable_drops_total", "counter",
	    "Signature table entries not stored: every slot of their "
	    "window was being written.");
	sls_buf_printf(out, "slserver_sigtable_drops_total %" PRIu64 "\n",
	    v[SLS_ST_SIGTABLE_DROPS]);
	put_help(out, "slserver_sigtable_used", "gauge",
	    "Live (unexpired) signature table entries.");
	sls_buf_printf(out, "slserver_sigtable_used %" PRIu64 "\n",
	    sigtable_used);
	put_help(out, "slserver_sigtable_size", "gauge",
	    "Signature table slots.");
	sls_buf_printf(out, "slserver_sigtable_size %" PRIu64 "\n",
	    sigtable_size);

	put_help(out, "slserver_build_info", "gauge",
	    "Version of slserver and of its shared memory layout.");
	sls_buf_printf(out, "slserver_build_info{version=\"");
	sls_prom_escape(out, PACKAGE_VERSION);
	sls_buf_printf(out, "\",shm_version=\"%d\"} 1\n", SLS_SHM_VERSION);
}

static const char *const route_help[SLS_RC_COUNT] = {
	[SLS_RC_MATCHED] = "Requests (replies, for onreply_route) each "
	    "route matched.",
	[SLS_RC_REPLIED] = "Matched requests the route answered with a "
	    "reply.",
	[SLS_RC_DROPPED] = "Matched requests the route dropped: no reply "
	    "went out and nothing was forwarded.",
	[SLS_RC_FORWARDED] = "Matched requests (replies) the route "
	    "forwarded.",
};

void
sls_prom_write_routes(sls_buf_t *out, const sls_route_sample_t *s, size_t n)
{
	char name[64];
	size_t i;
	int kind, what;

	for (kind = SLS_RK_ROUTE; kind < SLS_RK_COUNT; kind++) {
		for (i = 0; i < n && s[i].kind != (enum sls_route_kind)kind;
		    i++)
			;
		if (i == n)
			continue;
		for (what = 0; what < SLS_RC_COUNT; what++) {
			snprintf(name, sizeof(name), "slserver_%s_%s_total",
			    sls_route_kind_name[kind], sls_rc_name[what]);
			put_help(out, name, "counter", route_help[what]);
			for (i = 0; i < n; i++)
				if (s[i].kind == (enum sls_route_kind)kind)
					put_labelled(out, name, "route",
					    s[i].name, s[i].v[what]);
		}
	}
}

size_t
sls_prom_routes(const sls_shm_t *shm, sls_route_sample_t **out)
{
	uint32_t gen = atomic_load(&shm->hdr->generation);

	*out = calloc(SLS_ROUTE_SLOTS, sizeof(**out));
	if (*out == NULL)
		return 0;
	return sls_routestats_read(shm->routestats, SLS_STATS_SLOTS, gen, *out,
	    SLS_ROUTE_SLOTS);
}

static const prom_simple_t limits_counters[] = {
	{ "slserver_limited_total", SLS_ST_LIMITED,
	    "Requests dropped because their source is blocked (limits)." },
	{ "slserver_blocks_total", SLS_ST_BLOCKS,
	    "Blocks started: a source went over limits.rate." },
	{ "slserver_error_replies_limited_total", SLS_ST_ERR_LIMITED,
	    "Automatic error replies not sent: over limits.error_rate." },
	{ "slserver_srctable_evictions_total", SLS_ST_SRCTABLE_EVICTIONS,
	    "Sources evicted from a full window of the source table." },
};

void
sls_prom_write_limits(sls_buf_t *out, const uint64_t v[SLS_ST_COUNT],
    uint64_t blocked_sources)
{
	size_t i;

	for (i = 0; i < sizeof(limits_counters) / sizeof(limits_counters[0]);
	    i++) {
		put_help(out, limits_counters[i].name, "counter",
		    limits_counters[i].help);
		sls_buf_printf(out, "%s %" PRIu64 "\n", limits_counters[i].name,
		    v[limits_counters[i].id]);
	}
	put_help(out, "slserver_blocked_sources", "gauge",
	    "Sources blocked now (limits).");
	sls_buf_printf(out, "slserver_blocked_sources %" PRIu64 "\n",
	    blocked_sources);
}

void
sls_prom_collect(sls_buf_t *out, const sls_shm_t *shm,
    const sls_src_params_t *lim)
{
	uint64_t v[SLS_ST_COUNT], now = sls_now_ms(), blocked = 0;
	sls_route_sample_t *routes;
	size_t n;

	sls_stats_sum(shm->stats, SLS_STATS_SLOTS, v);
	sls_prom_write(out, v, sls_sigtable_used(shm->sigtable, now),
	    shm->sigtable->size);
	if (lim != NULL && shm->srctable != NULL)
		blocked = sls_srctable_blocked(shm->srctable, lim, now, 0,
		    NULL, NULL);
	sls_prom_write_limits(out, v, blocked);
	if (shm->tm != NULL)
		sls_prom_write_tm(out, v, sls_tmtable_used(shm->tm, now));
	n = sls_prom_routes(shm, &routes);
	sls_prom_write_routes(out, routes, n);
	free(routes);
}

void
sls_prom_write_tm(sls_buf_t *out, const uint64_t v[SLS_ST_COUNT],
    uint64_t inuse)
{
	static const char sl[] = "slserver_tm_stateless_total";
	size_t i;

	for (i = 0; i < sizeof(tm_simple) / sizeof(tm_simple[0]); i++) {
		put_help(out, tm_simple[i].name, "counter", tm_simple[i].help);
		sls_buf_printf(out, "%s %" PRIu64 "\n", tm_simple[i].name,
		    v[tm_simple[i].id]);
	}
	put_help(out, "slserver_tm_transactions_inuse", "gauge",
	    "Server transactions live now.");
	sls_buf_printf(out, "slserver_tm_transactions_inuse %" PRIu64 "\n",
	    inuse);
	put_help(out, sl, "counter",
	    "Replies of t_newtran routes sent statelessly, by reason "
	    "(table_full: no free slot; too_large: larger than a slot).");
	put_labelled(out, sl, "reason", "table_full", v[SLS_ST_TM_TABLE_FULL]);
	put_labelled(out, sl, "reason", "too_large", v[SLS_ST_TM_TOO_LARGE]);
}
