/*
 * slserver.conf: the option table (the only place defaults live) and the
 * checks of the global options, as libconfuse validate callbacks; those
 * of route, event_route and onreply_route sections are in routes.c and
 * forward.c.
 *
 * How errors get their line: libconfuse calls a validate function right
 * after the value token, when its line counter is on the option's line,
 * so every per-value check runs inside a callback and reports through
 * cfg_error(). The callbacks report and return 0, so parsing goes on and
 * one run lists every error (syntax errors still stop libconfuse).
 * Nothing is built unless the whole file is clean; the build then
 * compiles the same strings again, which can only fail for memory.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/paths.h"
#include "lib/chars.h"
#include "lib/log.h"
#include "shm/segment.h"
#include "internal.h"

/* ---- the option table ------------------------------------------------ */

/*
 * X(kind, name, default). One list feeds both the libconfuse table and
 * sls_conf_option_names, so the documentation test sees every option.
 */
#define ROOT_OPTS(X) \
	X(CFG_STR_LIST, "listen", "{\"udp:127.0.0.1:5060\"}") \
	X(CFG_INT, "workers", 2) \
	X(CFG_STR, "socket_mode", "shared") \
	X(CFG_STR, "user", "") \
	X(CFG_STR, "group", "") \
	X(CFG_STR, "pidfile", SLS_RUNSTATEDIR "/slserver/slserver.pid") \
	X(CFG_STR, "fifo", SLS_RUNSTATEDIR "/slserver/slserver.fifo") \
	X(CFG_INT, "fifo_mode", 0660) \
	X(CFG_STR, "log_level", "notice") \
	X(CFG_STR, "log_facility", "daemon") \
	X(CFG_STR, "xlog_level", "notice") \
	X(CFG_STR, "server_header", "") \
	X(CFG_INT, "max_message", 65535) \
	X(CFG_STR, "metrics_listen", "") \
	X(CFG_INT, "worker_timeout", 5)

#define SL_OPTS(X) \
	X(CFG_INT, "default_code", 500) \
	X(CFG_STR, "default_reason", "Internal Server Error") \
	X(CFG_BOOL, "bind_tm", cfg_true) \
	X(CFG_INT, "ack_timeout", 32) \
	X(CFG_INT, "table_size", 262144) \
	X(CFG_STR, "tag_secret", "")

/* SPEC 9: per-source limits; the defaults of SPEC 9 */
#define LIMITS_OPTS(X) \
	X(CFG_STR_LIST, "trusted", "{\"127.0.0.0/8\", \"::1/128\"}") \
	X(CFG_INT, "rate", 0) \
	X(CFG_INT, "burst", 0) \
	X(CFG_INT, "block", 60) \
	X(CFG_INT, "error_rate", 20) \
	X(CFG_INT, "ipv6_prefix", 64) \
	X(CFG_INT, "table_size", 65536)

#define TM_OPTS(X) \
	X(CFG_INT, "t1", 500) \
	X(CFG_INT, "t2", 4000) \
	X(CFG_INT, "t4", 5000) \
	X(CFG_INT, "table_size", 65536)

#define ROUTE_OPTS(X) \
	X(CFG_STR_LIST, "method", NULL) \
	X(CFG_STR, "ruri", NULL) \
	X(CFG_STR, "from", NULL) \
	X(CFG_STR, "to", NULL) \
	X(CFG_STR_LIST, "source", NULL) \
	X(CFG_STR_LIST, "header", NULL) \
	X(CFG_BOOL, "error", cfg_false) \
	X(CFG_STR, "xlog", NULL) \
	X(CFG_STR, "set_ruri", NULL) \
	X(CFG_STR_LIST, "append_branch", NULL) \
	X(CFG_STR_LIST, "append_to_reply", NULL) \
	X(CFG_STR, "sl_send_reply", NULL) \
	X(CFG_STR, "send_reply", NULL) \
	X(CFG_BOOL, "sl_reply_error", cfg_false) \
	X(CFG_BOOL, "drop", cfg_false) \
	X(CFG_BOOL, "record_route", cfg_false) \
	X(CFG_STR_LIST, "forward", NULL) \
	X(CFG_BOOL, "t_newtran", cfg_false)

#define EVENT_OPTS(X) \
	X(CFG_STR, "xlog", NULL)

#define ONREPLY_OPTS(X) \
	X(CFG_STR_LIST, "code", NULL) \
	X(CFG_STR_LIST, "method", NULL) \
	X(CFG_STR_LIST, "source", NULL) \
	X(CFG_STR_LIST, "header", NULL) \
	X(CFG_STR, "xlog", NULL) \
	X(CFG_STR, "sl_forward_reply", NULL) \
	X(CFG_BOOL, "drop", cfg_false)

#define OPT(kind, name, def)		kind(name, def, CFGF_NONE),
#define NAME(kind, name, def)		name,
#define SL_NAME(kind, name, def)	"sl." name,
#define LIMITS_NAME(kind, name, def)	"limits." name,
#define TM_NAME(kind, name, def)	"tm." name,
#define ROUTE_NAME(kind, name, def)	"route." name,
#define EVENT_NAME(kind, name, def)	"event_route." name,
#define ONREPLY_NAME(kind, name, def)	"onreply_route." name,

static cfg_opt_t sl_opts[] = { SL_OPTS(OPT) CFG_END() };
static cfg_opt_t limits_opts[] = { LIMITS_OPTS(OPT) CFG_END() };
static cfg_opt_t tm_opts[] = { TM_OPTS(OPT) CFG_END() };
static cfg_opt_t route_opts[] = { ROUTE_OPTS(OPT) CFG_END() };
static cfg_opt_t event_opts[] = { EVENT_OPTS(OPT) CFG_END() };
static cfg_opt_t onreply_opts[] = { ONREPLY_OPTS(OPT) CFG_END() };
static cfg_opt_t root_opts[] = {
	ROOT_OPTS(OPT)
	CFG_SEC("sl", sl_opts, CFGF_NONE),
	CFG_SEC("limits", limits_opts, CFGF_NONE),
	CFG_SEC("tm", tm_opts, CFGF_NONE),
	CFG_SEC("route", route_opts,
	    CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
	CFG_SEC("event_route", event_opts,
	    CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
	CFG_SEC("onreply_route", onreply_opts,
	    CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
	CFG_END()
};

const char *const sls_conf_option_names[] = {
	ROOT_OPTS(NAME)
	SL_OPTS(SL_NAME)
	LIMITS_OPTS(LIMITS_NAME)
	TM_OPTS(TM_NAME)
	ROUTE_OPTS(ROUTE_NAME)
	EVENT_OPTS(EVENT_NAME)
	ONREPLY_OPTS(ONREPLY_NAME)
	NULL
};

void
sls_conf_cerr(cfg_t *cfg, const char *fmt, ...)
{
	char msg[MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cfg_error(cfg, "%s", msg);
}

/* ---- validate callbacks: global options ------------------------------ */

/* A control character (lib/chars.h), or HT: no place for it here. */
static bool
has_ctl(const char *s)
{
	size_t n = strlen(s);

	return sls_has_ctl(s, n) || memchr(s, '\t', n) != NULL;
}

static int
v_range(cfg_t *cfg, cfg_opt_t *opt, long lo, long hi)
{
	long v = cfg_opt_getnint(opt, 0);

	if (v < lo || v > hi)
		sls_conf_cerr(cfg, "%s = %ld out of range %ld..%ld",
		    cfg_opt_name(opt), v, lo, hi);
	return 0;
}

/* 0 = one worker per online CPU; SLS_MAX_WORKERS sizes shared memory. */
static int
v_workers(cfg_t *cfg, cfg_opt_t *opt)
{
	return v_range(cfg, opt, 0, SLS_MAX_WORKERS);
}

static int
v_max_message(cfg_t *cfg, cfg_opt_t *opt)
{
	return v_range(cfg, opt, 1024, 65535);
}

/* 0 = never; an idle worker's heartbeat is a second old at times. */
static int
v_worker_timeout(cfg_t *cfg, cfg_opt_t *opt)
{
	long v = cfg_opt_getnint(opt, 0);

	if (v != 0 && (v < 2 || v > 3600))
		sls_conf_cerr(cfg, "worker_timeout = %ld: use 0 (never) or "
		    "2..3600", v);
	return 0;
}

static int
v_default_code(cfg_t *cfg, cfg_opt_t *opt)
{
	return v_range(cfg, opt, 100, 699);
}

static int
v_ack_timeout(cfg_t *cfg, cfg_opt_t *opt)
{
	return v_range(cfg, opt, 1, 3600);
}

static int
v_fifo_mode(cfg_t *cfg, cfg_opt_t *opt)
{
	long v = cfg_opt_getnint(opt, 0);

	if (v < 0)
		sls_conf_cerr(cfg, "fifo_mode = %ld out of range 0..0777", v);
	else if (v > 0777)
		sls_conf_cerr(cfg, "fifo_mode = 0%lo out of range 0..0777", v);
	return 0;
}

static int
v_table_size(cfg_t *cfg, cfg_opt_t *opt)
{
	long v = cfg_opt_getnint(opt, 0);

	if (v < 1024 || v > 16777216 || (v & (v - 1)) != 0)
		sls_conf_cerr(cfg, "table_size = %ld must be a power of two in "
		    "1024..16777216", v);
	return 0;
}

/* tm.t1, tm.t2 (ms); their lines for sls_conf_check_tm */
static int
v_tm_t12(cfg_t *cfg, cfg_opt_t *opt)
{
	if (strcmp(cfg_opt_name(opt), "t1") == 0)
		sls_conf_ld->tm_t1_line = cfg->line;
	else
		sls_conf_ld->tm_t2_line = cfg->line;
	return v_range(cfg, opt, 10, 60000);
}

void
sls_conf_check_tm(cfg_t *cfg)
{
	cfg_t *tm = cfg_getsec(cfg, "tm");
	long t1 = cfg_getint(tm, "t1"), t2 = cfg_getint(tm, "t2");
	int l1 = sls_conf_ld->tm_t1_line, l2 = sls_conf_ld->tm_t2_line;

	/* at the line of the later of the two that were set */
	if (t1 > t2)
		sls_conf_err(l1 > l2 ? l1 : l2, "tm: t1 = %ld is more than "
		    "t2 = %ld", t1, t2);
}

static int
v_tm_t4(cfg_t *cfg, cfg_opt_t *opt)
{
	return v_range(cfg, opt, 0, 60000);
}

static int
v_tm_table_size(cfg_t *cfg, cfg_opt_t *opt)
{
	long v = cfg_opt_getnint(opt, 0);

	if (v < SLS_TM_MIN_SIZE || v > SLS_TM_MAX_SIZE || (v & (v - 1)) != 0)
		sls_conf_cerr(cfg, "table_size = %ld must be a power of two in "
		    "%d..%d", v, SLS_TM_MIN_SIZE, SLS_TM_MAX_SIZE);
	return 0;
}

static int
v_socket_mode(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, 0);

	if (v == NULL || (strcmp(v, "shared") != 0 &&
	    strcmp(v, "reuseport") != 0))
		sls_conf_cerr(cfg, "socket_mode \"%s\": use shared or "
		    "reuseport", v != NULL ? v : "");
	return 0;
}

/* log_level, xlog_level: err .. debug (no emerg, alert, crit). */
static int
v_level(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, 0);
	int l = v != NULL ? sls_log_level_parse(v) : -1;

	if (l < LOG_ERR)
		sls_conf_cerr(cfg, "%s \"%s\": use err, warning, notice, "
		    "info or debug", cfg_opt_name(opt), v != NULL ? v : "");
	return 0;
}

static int
v_facility(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, 0);

	if (v == NULL || sls_log_facility_parse(v) < 0)
		sls_conf_cerr(cfg, "log_facility \"%s\": use daemon, user or "
		    "local0..local7", v != NULL ? v : "");
	return 0;
}

/* Strings that end up in a reply: server_header, default_reason. */
static int
v_text(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, 0);

	if (v == NULL)
		return 0;
	if (has_ctl(v))
		sls_conf_cerr(cfg, "%s contains a control character",
		    cfg_opt_name(opt));
	else if (strlen(v) > TEXT_MAX)
		sls_conf_cerr(cfg, "%s is longer than %d characters",
		    cfg_opt_name(opt), TEXT_MAX);
	else if (*v == '\0' && strcmp(cfg_opt_name(opt), "default_reason") == 0)
		sls_conf_cerr(cfg, "default_reason is empty");
	return 0;
}

/* user, group, pidfile, fifo */
static int
v_name(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, 0);

	if (v != NULL && has_ctl(v))
		sls_conf_cerr(cfg, "%s contains a control character",
		    cfg_opt_name(opt));
	return 0;
}

/*
 * user, group: they must exist when the file is loaded, so that -t and a
 * reload report a typo with its line instead of a start that fails.
 */
static int
v_account(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, 0);
	bool user = strcmp(cfg_opt_name(opt), "user") == 0;

	if (v == NULL || *v == '\0' || has_ctl(v))
		return v_name(cfg, opt);
	if (user ? getpwnam(v) == NULL : getgrnam(v) == NULL)
		sls_conf_cerr(cfg, "%s \"%s\" does not exist",
		    cfg_opt_name(opt), v);
	return 0;
}

/*
 * libconfuse calls a list's validate function after each value and once
 * more at the closing brace. This returns the value not checked yet, or
 * NULL for the closing-brace call (same option, count and last value).
 */
const char *
sls_conf_list_value(cfg_opt_t *opt)
{
	unsigned n = cfg_opt_size(opt);
	const char *v;

	if (n == 0 || (v = cfg_opt_getnstr(opt, n - 1)) == NULL)
		return NULL;
	if (sls_conf_ld->last_opt == opt && sls_conf_ld->last_n == n &&
	    sls_conf_ld->last_val != NULL &&
	    strcmp(sls_conf_ld->last_val, v) == 0) {
		sls_conf_ld->last_opt = NULL;
		return NULL;
	}
	free(sls_conf_ld->last_val);
	sls_conf_ld->last_val = strdup(v);
	sls_conf_ld->last_opt = opt;
	sls_conf_ld->last_n = n;
	return v;
}

static int
v_listen(cfg_t *cfg, cfg_opt_t *opt)
{
	char err[128];
	sls_listen_t l, o;
	const char *v = sls_conf_list_value(opt), *ov;
	unsigned i, n = cfg_opt_size(opt);

	if (v == NULL)
		return 0;
	if (sls_listen_parse(v, &l, err, sizeof(err)) < 0) {
		sls_conf_cerr(cfg, "listen \"%s\": %s", v, err);
		return 0;
	}
	for (i = 0; i + 1 < n; i++) {
		ov = cfg_opt_getnstr(opt, i);
		if (sls_listen_parse(ov, &o, err, sizeof(err)) == 0 &&
		    sls_addr_equal((struct sockaddr *)&l.addr,
		    (struct sockaddr *)&o.addr)) {
			sls_conf_cerr(cfg, "listen \"%s\": same address as "
			    "\"%s\"", v, ov);
			break;
		}
	}
	return 0;
}

int
sls_conf_parse_metrics(const char *v, sls_listen_t *l, char *err,
    size_t errlen)
{
	char spec[sizeof(l->text) + 8];
	const char *port;

	if (strncmp(v, "udp:", 4) == 0 || strncmp(v, "tcp:", 4) == 0) {
		snprintf(err, errlen, "no transport: ADDRESS:PORT, as in "
		    "127.0.0.1:9154");
		return -1;
	}
	/* The parser of listen addresses, with its transport. */
	snprintf(spec, sizeof(spec), "udp:%s", v);
	if (sls_listen_parse(spec, l, err, errlen) < 0)
		return -1;
	port = v[0] == '[' ? strstr(v, "]:") : strchr(v, ':');
	if (port == NULL || sls_addr_port((struct sockaddr *)&l->addr) == 0) {
		snprintf(err, errlen, "expected ADDRESS:PORT, as in "
		    "127.0.0.1:9154 or [::1]:9154");
		return -1;
	}
	strlcpy(l->text, v, sizeof(l->text));
	return 0;
}

/* "" (no metrics process) or ADDRESS:PORT. */
static int
v_metrics_listen(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, 0);
	sls_listen_t l;
	char err[128];

	if (v == NULL || *v == '\0')
		return 0;
	if (has_ctl(v))
		sls_conf_cerr(cfg, "metrics_listen contains a control "
		    "character");
	else if (sls_conf_parse_metrics(v, &l, err, sizeof(err)) < 0)
		sls_conf_cerr(cfg, "metrics_listen \"%s\": %s", v, err);
	return 0;
}

/* ---- validate callbacks: limits (SPEC 9) ----------------------------- */

/* rate, burst, error_rate: 0 (none, or = rate) up to the table's bound */
static int
v_limit_rate(cfg_t *cfg, cfg_opt_t *opt)
{
	return v_range(cfg, opt, 0, SLS_SRC_MAX_RATE);
}

/* block: a second to a day */
static int
v_limit_block(cfg_t *cfg, cfg_opt_t *opt)
{
	return v_range(cfg, opt, 1, 86400);
}

static int
v_ipv6_prefix(cfg_t *cfg, cfg_opt_t *opt)
{
	return v_range(cfg, opt, 1, 128);
}

static int
v_trusted(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = sls_conf_list_value(opt);
	char err[128];
	sls_cidr_t c;

	if (v != NULL && sls_cidr_parse(v, &c, err, sizeof(err)) < 0)
		sls_conf_cerr(cfg, "trusted \"%s\": %s", v, err);
	return 0;
}

static const struct {
	const char *name;
	cfg_validate_callback_t fn;
} validators[] = {
	{ "listen", v_listen },
	{ "workers", v_workers },
	{ "socket_mode", v_socket_mode },
	{ "user", v_account },
	{ "group", v_account },
	{ "pidfile", v_name },
	{ "fifo", v_name },
	{ "fifo_mode", v_fifo_mode },
	{ "log_level", v_level },
	{ "log_facility", v_facility },
	{ "xlog_level", v_level },
	{ "server_header", v_text },
	{ "max_message", v_max_message },
	{ "metrics_listen", v_metrics_listen },
	{ "worker_timeout", v_worker_timeout },
	{ "sl|default_code", v_default_code },
	{ "sl|default_reason", v_text },
	{ "sl|ack_timeout", v_ack_timeout },
	{ "sl|table_size", v_table_size },
	{ "limits|trusted", v_trusted },
	{ "limits|rate", v_limit_rate },
	{ "limits|burst", v_limit_rate },
	{ "limits|block", v_limit_block },
	{ "limits|error_rate", v_limit_rate },
	{ "limits|ipv6_prefix", v_ipv6_prefix },
	{ "limits|table_size", v_table_size },
	{ "tm|t1", v_tm_t12 },
	{ "tm|t2", v_tm_t12 },
	{ "tm|t4", v_tm_t4 },
	{ "tm|table_size", v_tm_table_size },
};

cfg_t *
sls_conf_cfg_init(cfg_errfunc_t errfunc)
{
	cfg_t *cfg;
	size_t i;

	if ((cfg = cfg_init(root_opts, CFGF_NONE)) == NULL)
		return NULL;
	cfg_set_error_function(cfg, errfunc);
	for (i = 0; i < sizeof(validators) / sizeof(validators[0]); i++)
		cfg_set_validate_func(cfg, validators[i].name,
		    validators[i].fn);
	sls_conf_route_validators(cfg);
	return cfg;
}
