/*
 * The admin commands. Each writes a status line ("200 OK", "400 ...",
 * "500 ...", no newline) and body lines (each ending in a newline); the
 * transport (fifo.c) frames them.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/tm_timer.h"
#include "lib/clock.h"
#include "lib/num.h"
#include "admin.h"
#include "prom.h"
#include "shm/segment.h"
#include "shm/sigtable.h"
#include "shm/stats.h"

typedef struct admin_cmd {
	const char *name;
	const char *usage;
	const char *help;
	int maxargs;
	int (*run)(const sls_admin_ops_t *ops, int argc, char **argv,
	    sls_buf_t *status, sls_buf_t *body);
} admin_cmd_t;

static int cmd_ping(const sls_admin_ops_t *, int, char **, sls_buf_t *,
    sls_buf_t *);
static int cmd_version(const sls_admin_ops_t *, int, char **, sls_buf_t *,
    sls_buf_t *);
static int cmd_help(const sls_admin_ops_t *, int, char **, sls_buf_t *,
    sls_buf_t *);
static int cmd_stats(const sls_admin_ops_t *, int, char **, sls_buf_t *,
    sls_buf_t *);
static int cmd_reload(const sls_admin_ops_t *, int, char **, sls_buf_t *,
    sls_buf_t *);
static int cmd_workers(const sls_admin_ops_t *, int, char **, sls_buf_t *,
    sls_buf_t *);
static int cmd_sigtable(const sls_admin_ops_t *, int, char **, sls_buf_t *,
    sls_buf_t *);
static int cmd_blocked(const sls_admin_ops_t *, int, char **, sls_buf_t *,
    sls_buf_t *);
static int cmd_unblock(const sls_admin_ops_t *, int, char **, sls_buf_t *,
    sls_buf_t *);
static int cmd_transactions(const sls_admin_ops_t *, int, char **,
    sls_buf_t *, sls_buf_t *);

static const admin_cmd_t cmds[] = {
	{ "ping", "ping", "check that the server answers and serves", 0,
	    cmd_ping },
	{ "version", "version", "show the version and the shm layout version",
	    0, cmd_version },
	{ "help", "help", "list the commands", 0, cmd_help },
	{ "stats", "stats [GROUP|NAME]",
	    "show counters: all, a group (sl, core, shm, tm, route) or one", 1,
	    cmd_stats },
	{ "stats", "stats prometheus",
	    "show the counters in Prometheus text format 0.0.4", 1, NULL },
	{ "reload", "reload", "re-read the configuration, start new workers",
	    0, cmd_reload },
	{ "workers", "workers",
	    "list workers: slot, pid, generation, state, restarts", 0,
	    cmd_workers },
	{ "sigtable", "sigtable",
	    "signature table: size, used, evictions, ack_timeout", 0,
	    cmd_sigtable },
	{ "blocked", "blocked",
	    "blocked sources: address, seconds left, requests seen", 0,
	    cmd_blocked },
	{ "unblock", "unblock ADDR", "lift the block of a source", 1,
	    cmd_unblock },
	{ "transactions", "transactions [N]",
	    "transaction table: live transactions, pending timers, N of them "
	    "listed (20)", 1, cmd_transactions },
};

#define NCMDS	(sizeof(cmds) / sizeof(cmds[0]))

/* Quote user text in a status line: printable ASCII, at most 64 bytes. */
static void
put_quoted(sls_buf_t *b, const char *s)
{
	char tmp[68];
	size_t i;

	for (i = 0; s[i] != '\0' && i < 64; i++)
		tmp[i] = s[i] >= ' ' && s[i] <= '~' ? s[i] : '?';
	if (s[i] != '\0') {
		memcpy(tmp + i, "...", 3);
		i += 3;
	}
	tmp[i] = '\0';
	sls_buf_printf(b, "'%s'", tmp);
}

static int
ok(sls_buf_t *status)
{
	sls_buf_printf(status, "200 OK");
	return 200;
}

static int
cmd_ping(const sls_admin_ops_t *ops, int argc, char **argv,
    sls_buf_t *status, sls_buf_t *body)
{
	char why[160];

	(void)argc;
	(void)argv;
	/* Up but not serving (every worker throttled): an outage. */
	if (ops->serving != NULL && !ops->serving(ops->arg, why,
	    sizeof(why))) {
		sls_buf_printf(status, "503 %s", why);
		return 503;
	}
	sls_buf_printf(body, "pong\n");
	return ok(status);
}

static int
cmd_version(const sls_admin_ops_t *ops, int argc, char **argv,
    sls_buf_t *status, sls_buf_t *body)
{
	(void)argc;
	(void)argv;
	sls_buf_printf(body, "slserver %s\n", PACKAGE_VERSION);
	sls_buf_printf(body, "shm layout version %u\n",
	    ops->shm != NULL && ops->shm->hdr != NULL ?
	    (unsigned)ops->shm->hdr->version : (unsigned)SLS_SHM_VERSION);
	return ok(status);
}

static int
cmd_help(const sls_admin_ops_t *ops, int argc, char **argv,
    sls_buf_t *status, sls_buf_t *body)
{
	size_t i;

	(void)ops;
	(void)argc;
	(void)argv;
	for (i = 0; i < NCMDS; i++)
		sls_buf_printf(body, "%-20s %s\n", cmds[i].usage,
		    cmds[i].help);
	return ok(status);
}

static int
no_shm(const sls_admin_ops_t *ops, sls_buf_t *status)
{
	if (ops->shm != NULL && ops->shm->stats != NULL &&
	    ops->shm->sigtable != NULL)
		return 0;
	sls_buf_printf(status, "500 no shared memory segment");
	return 500;
}

/* Extra statistics that are not counters: computed when read. */
enum { X_USED, X_SIZE, X_TM_INUSE, X_COUNT };
static const char *const extra_group[X_COUNT] = { "shm", "shm", "tm" };
static const char *const extra_name[X_COUNT] = {
	"sigtable_used", "sigtable_size", "inuse_transactions"
};

static bool
extra_match(const char *arg, int x)
{
	size_t g = strlen(extra_group[x]);

	if (strncmp(arg, extra_group[x], g) == 0 && arg[g] == ':')
		arg += g + 1;
	return strcmp(arg, extra_name[x]) == 0;
}

/* A route name in a stats line: printable ASCII, others as '?'. */
static void
clean_name(char *s)
{
	for (; *s != '\0'; s++)
		if (*s < ' ' || *s > '~')
			*s = '?';
}

/*
 * The per-route counters: arg NULL (all), a kind ("route",
 * "onreply_route") or one "KIND:NAME:COUNTER". Returns how many lines.
 */
static size_t
put_routes(const sls_admin_ops_t *ops, const char *arg, sls_buf_t *body)
{
	char line[SLS_ROUTE_NAME_MAX + 64];
	sls_route_sample_t *r;
	size_t i, n, lines = 0;
	const char *kind;
	int what;

	n = sls_prom_routes(ops->shm, &r);
	for (i = 0; i < n; i++) {
		kind = sls_route_kind_name[r[i].kind];
		clean_name(r[i].name);
		for (what = 0; what < SLS_RC_COUNT; what++) {
			snprintf(line, sizeof(line), "%s:%s:%s", kind,
			    r[i].name, sls_rc_name[what]);
			if (arg != NULL && strcmp(arg, kind) != 0 &&
			    strcmp(arg, line) != 0)
				continue;
			sls_buf_printf(body, "%s = %" PRIu64 "\n", line,
			    r[i].v[what]);
			lines++;
		}
	}
	free(r);
	return lines;
}

static bool
is_route_arg(const char *arg)
{
	int k;

	for (k = SLS_RK_ROUTE; k < SLS_RK_COUNT; k++) {
		size_t n = strlen(sls_route_kind_name[k]);

		if (strncmp(arg, sls_route_kind_name[k], n) == 0 &&
		    (arg[n] == '\0' || arg[n] == ':'))
			return true;
	}
	return false;
}

/* stats route, stats route:NAME:COUNTER (and onreply_route alike). */
static int
stats_routes(const sls_admin_ops_t *ops, const char *arg, sls_buf_t *status,
    sls_buf_t *body)
{
	if (put_routes(ops, arg, body) == 0 && strchr(arg, ':') != NULL) {
		sls_buf_printf(status, "400 unknown statistic ");
		put_quoted(status, arg);
		return 400;
	}
	return ok(status);
}

static bool
first_of_group(int i)
{
	int j;

	for (j = 0; j < i; j++)
		if (strcmp(sls_stat_info[j].group, sls_stat_info[i].group) == 0)
			return false;
	return true;
}

/* The lines of group g (all, or only counter one / computed onex). */
static void
put_group(sls_buf_t *body, const char *g, const uint64_t *v,
    const uint64_t *extra, int one, int onex)
{
	int i;

	for (i = 0; i < SLS_ST_COUNT; i++) {
		if (((one >= 0 || onex >= 0) && i != one) ||
		    strcmp(g, sls_stat_info[i].group) != 0)
			continue;
		sls_buf_printf(body, "%s:%s = %" PRIu64 "\n", g,
		    sls_stat_info[i].name, v[i]);
	}
	for (i = 0; i < X_COUNT; i++) {
		if (((one >= 0 || onex >= 0) && i != onex) ||
		    strcmp(g, extra_group[i]) != 0)
			continue;
		sls_buf_printf(body, "%s:%s = %" PRIu64 "\n", g,
		    extra_name[i], extra[i]);
	}
}

static int
cmd_stats(const sls_admin_ops_t *ops, int argc, char **argv,
    sls_buf_t *status, sls_buf_t *body)
{
	uint64_t v[SLS_ST_COUNT], extra[X_COUNT];
	const char *arg = argc > 1 ? argv[1] : NULL;
	const char *group = NULL;
	int rc, one = -1, onex = -1, i;

	if ((rc = no_shm(ops, status)) != 0)
		return rc;
	if (arg != NULL && is_route_arg(arg))
		return stats_routes(ops, arg, status, body);
	if (arg != NULL) {
		if (strcmp(arg, "sl") == 0 || strcmp(arg, "core") == 0 ||
		    strcmp(arg, "shm") == 0 || strcmp(arg, "tm") == 0)
			group = arg;
		else if (strcmp(arg, "prometheus") != 0 &&
		    (one = sls_stats_find(arg)) < 0) {
			for (i = 0; i < X_COUNT; i++)
				if (extra_match(arg, i))
					onex = i;
			if (onex < 0) {
				sls_buf_printf(status, "400 unknown "
				    "statistic ");
				put_quoted(status, arg);
				return 400;
			}
		}
	}

	if (arg != NULL && strcmp(arg, "prometheus") == 0) {
		const sls_conf_t *conf = ops->conf != NULL ?
		    ops->conf(ops->arg) : NULL;
		sls_src_params_t lim;

		if (conf != NULL)
			sls_limits_params(conf, &lim);
		sls_prom_collect(body, ops->shm, conf != NULL ? &lim : NULL);
		return ok(status);
	}
	sls_stats_sum(ops->shm->stats, SLS_STATS_SLOTS, v);
	extra[X_USED] = sls_sigtable_used(ops->shm->sigtable, sls_now_ms());
	extra[X_SIZE] = ops->shm->sigtable->size;
	extra[X_TM_INUSE] = ops->shm->tm != NULL ?
	    sls_tmtable_used(ops->shm->tm, sls_now_ms()) : 0;

	/* Group by group, in the order of the list; each group's
	   computed values after its counters; then the routes. */
	for (i = 0; i < SLS_ST_COUNT; i++)
		if (first_of_group(i) && (group == NULL ||
		    strcmp(group, sls_stat_info[i].group) == 0))
			put_group(body, sls_stat_info[i].group, v, extra, one,
			    onex);
	if (arg == NULL)
		put_routes(ops, NULL, body);
	return ok(status);
}

static int
cmd_reload(const sls_admin_ops_t *ops, int argc, char **argv,
    sls_buf_t *status, sls_buf_t *body)
{
	sls_errlist_t errs = { NULL, 0 };
	size_t i;
	char *p;

	(void)argc;
	(void)argv;
	if (ops->reload == NULL) {
		sls_buf_printf(status, "500 reload not available");
		return 500;
	}
	if (ops->reload(ops->arg, &errs) == 0) {
		sls_errlist_free(&errs);
		sls_buf_printf(body, "reloaded\n");
		return ok(status);
	}
	sls_buf_printf(status, "500 reload failed");
	for (i = 0; i < errs.n; i++) {
		/* One message, one line. */
		for (p = errs.msg[i]; *p != '\0'; p++)
			if (*p == '\n' || *p == '\r')
				*p = ' ';
		sls_buf_printf(body, "%s\n", errs.msg[i]);
	}
	sls_errlist_free(&errs);
	return 500;
}

static int
cmd_workers(const sls_admin_ops_t *ops, int argc, char **argv,
    sls_buf_t *status, sls_buf_t *body)
{
	(void)argc;
	(void)argv;
	if (ops->workers == NULL) {
		sls_buf_printf(status, "500 workers not available");
		return 500;
	}
	ops->workers(ops->arg, body);
	return ok(status);
}

static int
cmd_sigtable(const sls_admin_ops_t *ops, int argc, char **argv,
    sls_buf_t *status, sls_buf_t *body)
{
	uint64_t v[SLS_ST_COUNT];
	const sls_conf_t *conf;
	int rc;

	(void)argc;
	(void)argv;
	if ((rc = no_shm(ops, status)) != 0)
		return rc;
	sls_stats_sum(ops->shm->stats, SLS_STATS_SLOTS, v);
	sls_buf_printf(body, "size = %" PRIu32 "\n", ops->shm->sigtable->size);
	sls_buf_printf(body, "used = %" PRIu32 "\n",
	    sls_sigtable_used(ops->shm->sigtable, sls_now_ms()));
	sls_buf_printf(body, "evictions = %" PRIu64 "\n",
	    v[SLS_ST_SIGTABLE_EVICTIONS]);
	conf = ops->conf != NULL ? ops->conf(ops->arg) : NULL;
	if (conf != NULL)
		sls_buf_printf(body, "ack_timeout = %u\n",
		    conf->sl.ack_timeout);
	return ok(status);
}

/* ---- limits (SPEC 9): blocked, unblock ------------------------------- */

#define BLOCKED_MAX	1000	/* lines of one "blocked" reply */

static void
blocked_line(void *arg, const sls_src_blocked_t *b)
{
	char text[SLS_SRC_TEXTLEN];

	sls_limits_format(&b->src, text, sizeof(text));
	sls_buf_printf(arg, "%s %u %u\n", text, (b->ms_left + 999) / 1000,
	    b->requests);
}

/* The running config and the source table, or a 500. */
static const sls_conf_t *
limits_ready(const sls_admin_ops_t *ops, sls_buf_t *status, int *rc)
{
	const sls_conf_t *conf;

	if ((*rc = no_shm(ops, status)) != 0)
		return NULL;
	conf = ops->conf != NULL ? ops->conf(ops->arg) : NULL;
	if (conf == NULL || ops->shm->srctable == NULL) {
		sls_buf_printf(status, "500 limits not available");
		*rc = 500;
	}
	return conf;
}

static int
cmd_blocked(const sls_admin_ops_t *ops, int argc, char **argv,
    sls_buf_t *status, sls_buf_t *body)
{
	const sls_conf_t *conf;
	sls_src_params_t p;
	size_t n;
	int rc;

	(void)argc;
	(void)argv;
	if ((conf = limits_ready(ops, status, &rc)) == NULL)
		return rc;
	sls_limits_params(conf, &p);
	sls_buf_printf(body, "address seconds_left requests\n");
	n = sls_srctable_blocked(ops->shm->srctable, &p, sls_now_ms(),
	    BLOCKED_MAX, blocked_line, body);
	if (n > BLOCKED_MAX)
		sls_buf_printf(body, "and %zu more\n", n - BLOCKED_MAX);
	return ok(status);
}

static int
cmd_unblock(const sls_admin_ops_t *ops, int argc, char **argv,
    sls_buf_t *status, sls_buf_t *body)
{
	char text[SLS_SRC_TEXTLEN];
	const sls_conf_t *conf;
	sls_src_params_t p;
	sls_src_t s;
	int rc;

	if ((conf = limits_ready(ops, status, &rc)) == NULL)
		return rc;
	if (argc < 2) {
		sls_buf_printf(status, "400 usage: unblock ADDR");
		return 400;
	}
	if (sls_limits_parse(ops->shm->srctable, conf, argv[1], &s) < 0) {
		sls_buf_printf(status, "400 not an IP address ");
		put_quoted(status, argv[1]);
		return 400;
	}
	sls_limits_format(&s, text, sizeof(text));
	sls_limits_params(conf, &p);
	if (!sls_srctable_unblock(ops->shm->srctable, &s, &p, sls_now_ms())) {
		sls_buf_printf(status, "400 not blocked: %s", text);
		return 400;
	}
	sls_buf_printf(body, "unblocked %s\n", text);
	return ok(status);
}

/* ---- transactions (tm) ------------------------------------------------ */

static const char *const tm_state_name[] = {
	"free", "proceeding", "completed", "confirmed", "terminated"
};

/* One line per live transaction, at most max of them. */
static void
list_transactions(sls_tmtable_t *t, uint64_t now, uint64_t max,
    sls_buf_t *body)
{
	sls_tm_entry_t e;
	uint64_t at, shown = 0;
	unsigned sent;
	const char *timer;
	uint32_t i;

	sls_buf_printf(body, "slot state invite code age_ms retransmissions "
	    "timer in_ms ends_in_ms\n");
	for (i = 0; i < t->size && shown < max; i++) {
		if (!sls_tmtable_read(t, i, &e) || e.end_ms <= now ||
		    e.state == SLS_TM_FREE || e.state == SLS_TM_TERMINATED)
			continue;
		timer = sls_tm_next_timer(&e, now, &at, &sent);
		sls_buf_printf(body, "%" PRIu32 " %s %s %u %" PRIu64 " %u %s "
		    "%" PRIu64 " %" PRIu64 "\n", i, tm_state_name[e.state],
		    e.invite ? "yes" : "no", (unsigned)e.code,
		    now - e.created_ms, sent, timer, at - now,
		    e.end_ms - now);
		shown++;
	}
}

static int
cmd_transactions(const sls_admin_ops_t *ops, int argc, char **argv,
    sls_buf_t *status, sls_buf_t *body)
{
	sls_tmtable_t *t = ops->shm != NULL ? ops->shm->tm : NULL;
	uint64_t now = sls_now_ms(), max = 20, v[SLS_ST_COUNT];
	const sls_conf_t *conf;
	uint32_t used;
	const char *end;

	if (t == NULL || ops->shm->stats == NULL) {
		sls_buf_printf(status, "500 no transaction table");
		return 500;
	}
	if (argc > 1) {
		end = argv[1] + strlen(argv[1]);
		if (!sls_parse_uint(argv[1], end, 100000, &max)) {
			sls_buf_printf(status, "400 usage: transactions [N]");
			return 400;
		}
	}
	sls_stats_sum(ops->shm->stats, SLS_STATS_SLOTS, v);
	used = sls_tmtable_used(t, now);
	sls_buf_printf(body, "size = %" PRIu32 "\n", t->size);
	sls_buf_printf(body, "live = %" PRIu32 "\n", used);
	/* Every live transaction has one timer pending: G, H, L, I or J. */
	sls_buf_printf(body, "timers = %" PRIu32 "\n", used);
	sls_buf_printf(body, "created = %" PRIu64 "\n", v[SLS_ST_TM_UAS]);
	sls_buf_printf(body, "table_full = %" PRIu64 "\n",
	    v[SLS_ST_TM_TABLE_FULL]);
	conf = ops->conf != NULL ? ops->conf(ops->arg) : NULL;
	if (conf != NULL)
		sls_buf_printf(body, "t1 = %u\nt2 = %u\nt4 = %u\n",
		    conf->tm.t1, conf->tm.t2, conf->tm.t4);
	list_transactions(t, now, max, body);
	return ok(status);
}

int
sls_admin_exec(const sls_admin_ops_t *ops, int argc, char **argv,
    sls_buf_t *status, sls_buf_t *body)
{
	size_t i;

	if (argc < 1 || argv[0] == NULL || argv[0][0] == '\0') {
		sls_buf_printf(status, "400 empty command");
		return 400;
	}
	for (i = 0; i < NCMDS; i++) {
		if (cmds[i].run == NULL || strcmp(argv[0], cmds[i].name) != 0)
			continue;
		if (argc - 1 > cmds[i].maxargs) {
			sls_buf_printf(status, "400 usage: %s", cmds[i].usage);
			return 400;
		}
		return cmds[i].run(ops, argc, argv, status, body);
	}
	sls_buf_printf(status, "400 unknown command ");
	put_quoted(status, argv[0]);
	return 400;
}
