/*
 * Statistics counters: one cache-line-aligned slot per process, updated
 * with relaxed C11 atomics by its owner only, summed by readers.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_STATS_H
#define SLS_STATS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* X(id, group, name, help) — order is the ABI of the shared segment. */
#define SLS_STATS_LIST(X) \
	X(SLS_ST_1XX, "sl", "1xx_replies", "local replies with code 100..199") \
	X(SLS_ST_200, "sl", "200_replies", "local replies with code 200") \
	X(SLS_ST_202, "sl", "202_replies", "local replies with code 202") \
	X(SLS_ST_2XX, "sl", "2xx_replies", \
	    "local replies with another 2xx code") \
	X(SLS_ST_300, "sl", "300_replies", "local replies with code 300") \
	X(SLS_ST_301, "sl", "301_replies", "local replies with code 301") \
	X(SLS_ST_302, "sl", "302_replies", "local replies with code 302") \
	X(SLS_ST_3XX, "sl", "3xx_replies", \
	    "local replies with another 3xx code") \
	X(SLS_ST_400, "sl", "400_replies", "local replies with code 400") \
	X(SLS_ST_401, "sl", "401_replies", "local replies with code 401") \
	X(SLS_ST_403, "sl", "403_replies", "local replies with code 403") \
	X(SLS_ST_404, "sl", "404_replies", "local replies with code 404") \
	X(SLS_ST_407, "sl", "407_replies", "local replies with code 407") \
	X(SLS_ST_408, "sl", "408_replies", "local replies with code 408") \
	X(SLS_ST_483, "sl", "483_replies", "local replies with code 483") \
	X(SLS_ST_4XX, "sl", "4xx_replies", \
	    "local replies with another 4xx code") \
	X(SLS_ST_500, "sl", "500_replies", "local replies with code 500") \
	X(SLS_ST_5XX, "sl", "5xx_replies", \
	    "local replies with another 5xx code") \
	X(SLS_ST_6XX, "sl", "6xx_replies", "local replies with code 600..699") \
	X(SLS_ST_XXX, "sl", "xxx_replies", \
	    "local replies with any other code") \
	X(SLS_ST_SENT, "sl", "sent_replies", "local replies sent") \
	X(SLS_ST_SENT_ERR, "sl", "sent_err_replies", \
	    "error replies sent by sl_reply_error") \
	X(SLS_ST_FAILURES, "sl", "failures", "reply attempts that failed") \
	X(SLS_ST_RCV_ACKS, "sl", "received_ACKs", \
	    "ACKs absorbed by the filter") \
	X(SLS_ST_ACKS_PASSED, "sl", "acks_passed", \
	    "ACKs not absorbed, passed to the routes") \
	X(SLS_ST_ACKS_LATE, "sl", "acks_late", \
	    "ACKs whose table entry had expired") \
	X(SLS_ST_RCV_REQUESTS, "core", "rcv_requests", \
	    "SIP requests received") \
	X(SLS_ST_RCV_REPLIES, "core", "rcv_replies", "SIP responses received") \
	X(SLS_ST_DROP_REQUESTS, "core", "drop_requests", \
	    "requests dropped without a reply") \
	X(SLS_ST_ERR_REQUESTS, "core", "err_requests", \
	    "requests that failed the basic checks") \
	X(SLS_ST_OVERSIZE, "core", "oversize", \
	    "datagrams larger than max_message") \
	X(SLS_ST_WORKER_RESTARTS, "core", "worker_restarts", \
	    "workers respawned after dying") \
	X(SLS_ST_RELOADS, "core", "reloads", "successful reloads") \
	X(SLS_ST_RELOAD_FAILURES, "core", "reload_failures", \
	    "refused reloads") \
	X(SLS_ST_FWD_REQUESTS, "core", "fwd_requests", "requests forwarded") \
	X(SLS_ST_FWD_REPLIES, "core", "fwd_replies", \
	    "replies forwarded upstream") \
	X(SLS_ST_DROP_REPLIES, "core", "drop_replies", \
	    "replies dropped: not ours, unaddressable, or drop") \
	X(SLS_ST_SIGTABLE_EVICTIONS, "shm", "sigtable_evictions", \
	    "live signature entries evicted") \
	X(SLS_ST_SIGTABLE_DROPS, "shm", "sigtable_drops", \
	    "signature entries not stored: every slot was being written") \
	X(SLS_ST_LIMITED, "core", "limited", \
	    "requests dropped: their source is blocked (limits)") \
	X(SLS_ST_BLOCKS, "core", "blocks", \
	    "blocks started: a source went over limits.rate") \
	X(SLS_ST_ERR_LIMITED, "core", "error_replies_limited", \
	    "automatic error replies not sent: over limits.error_rate") \
	X(SLS_ST_SRCTABLE_EVICTIONS, "shm", "srctable_evictions", \
	    "sources evicted from a full source table window") \
	X(SLS_ST_TM_UAS, "tm", "UAS_transactions", \
	    "server transactions created") \
	X(SLS_ST_TM_RPL_SENT, "tm", "rpl_sent", \
	    "stateful replies sent (first sends)") \
	X(SLS_ST_TM_RETRANS, "tm", "retransmissions", \
	    "final replies retransmitted by the timers") \
	X(SLS_ST_TM_ABSORBED, "tm", "absorbed", \
	    "request retransmissions answered from the table") \
	X(SLS_ST_TM_TIMEOUTS, "tm", "timeouts", \
	    "INVITE transactions ended without their ACK") \
	X(SLS_ST_TM_TABLE_FULL, "tm", "table_full", \
	    "stateful replies sent statelessly: table full") \
	X(SLS_ST_TM_TOO_LARGE, "tm", "reply_too_large", \
	    "stateful replies sent statelessly: larger than a slot")

enum sls_stat_id {
#define SLS_STAT_ENUM(id, g, n, h) id,
	SLS_STATS_LIST(SLS_STAT_ENUM)
#undef SLS_STAT_ENUM
	SLS_ST_COUNT
};

/* Counters of one process; padded to whole cache lines. */
typedef struct sls_stats_slot {
	_Alignas(64) _Atomic uint64_t v[SLS_ST_COUNT];
} sls_stats_slot_t;

typedef struct sls_stat_info {
	const char *group;
	const char *name;
	const char *help;
} sls_stat_info_t;

extern const sls_stat_info_t sls_stat_info[SLS_ST_COUNT];

static inline void
sls_stat_add(sls_stats_slot_t *s, enum sls_stat_id id, uint64_t n)
{
	atomic_fetch_add_explicit(&s->v[id], n, memory_order_relaxed);
}

static inline void
sls_stat_inc(sls_stats_slot_t *s, enum sls_stat_id id)
{
	sls_stat_add(s, id, 1);
}

/* The counter that a reply with this code falls in (not sent_replies). */
enum sls_stat_id sls_stats_code_bucket(int code);

/* Count one local reply sent: its code bucket and sent_replies. */
void sls_stats_count_reply(sls_stats_slot_t *s, int code);

/* Sum n slots into out[SLS_ST_COUNT]. */
void sls_stats_sum(const sls_stats_slot_t *slots, size_t n,
    uint64_t out[SLS_ST_COUNT]);

/* Index of "group:name" or bare "name"; -1 if unknown. */
int sls_stats_find(const char *name);

#endif
