/*
 * slserver.conf: the option table (the only place defaults live), range
 * checks as libconfuse validate callbacks, and the build of an immutable
 * sls_conf_t. The only includer of <confuse.h>.
 *
 * How errors get their line: libconfuse calls a validate function right
 * after the value token, when its line counter is on the option's line,
 * so every per-value check runs inside a callback and reports through
 * cfg_error(). The callbacks report and return 0, so parsing goes on and
 * one run lists every error (syntax errors still stop libconfuse).
 * Nothing is built unless the whole file is clean; the build then
 * compiles the same strings again, which can only fail for memory.
 *
 * libconfuse (3.3 and the rest) is not reentrant: its lexer has global
 * state, and so does this file during a load.
 */
#include "config.h"

#include <confuse.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/paths.h"
#include "conf.h"
#include "lib/chars.h"
#include "lib/log.h"
#include "route/compile.h"
#include "shm/segment.h"


#define CONF_MAX_SIZE	(1024 * 1024)	/* bytes of a config file */
#define MSG_MAX		512		/* one error message */
#define TEXT_MAX	255		/* server_header, default_reason */

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
	X(CFG_INT, "max_message", 65535)

#define SL_OPTS(X) \
	X(CFG_INT, "default_code", 500) \
	X(CFG_STR, "default_reason", "Internal Server Error") \
	X(CFG_BOOL, "bind_tm", cfg_true) \
	X(CFG_INT, "ack_timeout", 32) \
	X(CFG_INT, "table_size", 262144) \
	X(CFG_STR, "tag_secret", "")

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
	X(CFG_STR, "forward", NULL)

#define EVENT_OPTS(X) \
	X(CFG_STR, "xlog", NULL)

#define OPT(kind, name, def)		kind(name, def, CFGF_NONE),
#define NAME(kind, name, def)		name,
#define SL_NAME(kind, name, def)	"sl." name,
#define ROUTE_NAME(kind, name, def)	"route." name,
#define EVENT_NAME(kind, name, def)	"event_route." name,

static cfg_opt_t sl_opts[] = { SL_OPTS(OPT) CFG_END() };
static cfg_opt_t route_opts[] = { ROUTE_OPTS(OPT) CFG_END() };
static cfg_opt_t event_opts[] = { EVENT_OPTS(OPT) CFG_END() };
static cfg_opt_t root_opts[] = {
	ROOT_OPTS(OPT)
	CFG_SEC("sl", sl_opts, CFGF_NONE),
	CFG_SEC("route", route_opts,
	    CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
	CFG_SEC("event_route", event_opts,
	    CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
	CFG_END()
};

const char *const sls_conf_option_names[] = {
	ROOT_OPTS(NAME)
	SL_OPTS(SL_NAME)
	ROUTE_OPTS(ROUTE_NAME)
	EVENT_OPTS(EVENT_NAME)
	NULL
};

/* The final actions of a route, in the order messages list them. */
static const char *const final_names[] = {
	"sl_send_reply", "send_reply", "sl_reply_error", "drop", "forward"
};

static const char *const event_names[] = {
	"sl:filtered-ack", "sl:local-response"
};

/* ---- load state ------------------------------------------------------ */

/* Where a titled top-level section starts, from prescan(). */
typedef struct sec_hdr {
	bool event;
	char *title;
	int line;
} sec_hdr_t;

typedef struct load {
	const char *name;	/* FILE in messages */
	sls_errlist_t *errs;
	int nerr;

	sec_hdr_t *hdrs;
	size_t nhdrs;
	int unclosed;		/* line of a '{' never closed, or 0 */

	/* the value the last list callback checked (see list_value) */
	cfg_opt_t *last_opt;
	unsigned last_n;
	char *last_val;

	/* routes that already reported more than one final action */
	cfg_t **multi;
	size_t nmulti;
} load_t;

static load_t *ld;

static void add_err(int line, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void cerr(cfg_t *cfg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Record "FILE:LINE: message" ("FILE: message" when line is 0). */
static void
add_err(int line, const char *fmt, ...)
{
	char msg[MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line > 0)
		sls_errlist_add(ld->errs, "%s:%d: %s", ld->name, line, msg);
	else
		sls_errlist_add(ld->errs, "%s: %s", ld->name, msg);
	ld->nerr++;
}

/*
 * libconfuse's error function. cfg->filename is "[buf]" after
 * cfg_parse_buf, which every load uses (see prescan), so FILE is the name
 * the caller gave.
 */
static void
errfunc(cfg_t *cfg, const char *fmt, va_list ap)
{
	char msg[MSG_MAX];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	add_err(cfg != NULL ? cfg->line : 0, "%s", msg);
}

/* A checked message from a validate callback, through cfg_error(). */
static void
cerr(cfg_t *cfg, const char *fmt, ...)
{
	char msg[MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cfg_error(cfg, "%s", msg);
}

/* ---- comments and section lines -------------------------------------- */

/* A character of an unquoted libconfuse string. */
static bool
word_char(char c)
{
	return c != '\0' && strchr(" #\"'\t\n\r={}()+,*", c) == NULL;
}

static void
blank(char *p, const char *end)
{
	for (; p < end; p++)
		if (*p != '\n')
			*p = ' ';
}

typedef struct tok {
	const char *s;		/* NULL: text not comparable */
	size_t len;
	int line;
} tok_t;

static bool
tok_is(const tok_t *t, const char *word)
{
	return t->s != NULL && t->len == strlen(word) &&
	    memcmp(t->s, word, t->len) == 0;
}

static void
note_header(const tok_t *kw, const tok_t *title)
{
	sec_hdr_t *h;
	bool event;

	if (tok_is(kw, "route"))
		event = false;
	else if (tok_is(kw, "event_route"))
		event = true;
	else
		return;
	if (title->s == NULL || memchr(title->s, '\\', title->len) != NULL)
		return;
	h = realloc(ld->hdrs, (ld->nhdrs + 1) * sizeof(*h));
	if (h == NULL)
		return;
	ld->hdrs = h;
	h += ld->nhdrs;
	if ((h->title = strndup(title->s, title->len)) == NULL)
		return;
	h->event = event;
	h->line = kw->line;
	ld->nhdrs++;
}

/*
 * libconfuse 3.3 counts a '#' or '//' comment line as three lines and a
 * C comment's end as one more, and it rejects a comment inside a list
 * ("unexpected token"). So comments are blanked out before parsing: each
 * byte of a comment but its newlines becomes a space. The scan follows
 * the lexer's rules for quoted strings, ${VAR} and unquoted words (a '//'
 * inside a word is part of it), so nothing else changes.
 *
 * libconfuse keeps no start line for a section, so the scan also notes
 * the line of each top-level 'route "title" {' and 'event_route', and
 * that of a top-level '{' left open at the end of the file.
 */
static int
prescan(char *buf)
{
	tok_t t[2];
	char *p = buf, *q, *x;
	int line = 1, depth = 0, nt = 0, outer = 0;
	bool plain;
	char c;

	while ((c = *p) != '\0') {
		tok_t word = { NULL, 0, line };

		if (c == '\n') {
			line++;
			p++;
			continue;
		}
		if (c == '#' || (c == '/' && p[1] == '/' &&
		    !word_char(p[strspn(p, "/")]))) {
			q = p + strcspn(p, "\n");
			blank(p, q);
			p = q;
			continue;
		}
		if (c == '/' && p[1] == '*') {
			if ((q = strstr(p + 2, "*/")) == NULL) {
				add_err(line, "unterminated /* comment");
				return -1;
			}
			q += 2;
			for (x = p; x < q; x++)
				if (*x == '\n')
					line++;
			blank(p, q);
			p = q;
			continue;
		}
		if (c == '"' || c == '\'') {
			/* the lexer's escapes and ${VAR} never hide the
			   closing quote; a title using them is not noted */
			plain = true;
			for (q = p + 1; *q != c; q++) {
				if (*q == '\0') {
					add_err(word.line,
					    "unterminated string");
					return -1;
				}
				if (*q == '\n')
					line++;
				if (*q == '\\' && q[1] != '\0') {
					if (q[1] == '\n')
						line++;
					q++;
					plain = false;
				} else if (c == '"' && q[0] == '$' &&
				    q[1] == '{' && strchr(q, '}') != NULL) {
					q = strchr(q, '}');
					plain = false;
				}
			}
			if (plain) {
				word.s = p + 1;
				word.len = (size_t)(q - p - 1);
			}
			p = q + 1;
		} else if (c == '$' && p[1] == '{' &&
		    (q = strchr(p, '}')) != NULL) {
			p = q + 1;
		} else if (word_char(c)) {
			for (q = p; word_char(*q); q++)
				;
			word.s = p;
			word.len = (size_t)(q - p);
			p = q;
		} else {
			if (c == '{') {
				if (depth == 0 && nt == 2)
					note_header(&t[0], &t[1]);
				if (depth == 0)
					outer = line;
				depth++;
			} else if (c == '}' && depth > 0) {
				depth--;
			}
			/* any other character ends a 'KEYWORD TITLE {' run */
			if (c != ' ' && c != '\t' && c != '\r')
				nt = 0;
			p++;
			continue;
		}
		if (nt == 2) {
			t[0] = t[1];
			nt = 1;
		}
		t[nt++] = word;
	}
	ld->unclosed = depth > 0 ? outer : 0;
	return 0;
}

static int
section_line(cfg_t *sec, bool event)
{
	const char *title = cfg_title(sec);
	size_t i;

	for (i = 0; title != NULL && i < ld->nhdrs; i++)
		if (ld->hdrs[i].event == event &&
		    strcmp(ld->hdrs[i].title, title) == 0)
			return ld->hdrs[i].line;
	/* not found by the scan: the line of its closing brace */
	return sec->line;
}

/* ---- checks shared by callbacks and the build ------------------------ */

/* A control character (lib/chars.h), or HT: no place for it here. */
static bool
has_ctl(const char *s)
{
	size_t n = strlen(s);

	return sls_has_ctl(s, n) || memchr(s, '\t', n) != NULL;
}

/* ---- validate callbacks: global options ------------------------------ */

static int
v_range(cfg_t *cfg, cfg_opt_t *opt, long lo, long hi)
{
	long v = cfg_opt_getnint(opt, 0);

	if (v < lo || v > hi)
		cerr(cfg, "%s = %ld out of range %ld..%ld", cfg_opt_name(opt),
		    v, lo, hi);
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
		cerr(cfg, "fifo_mode = %ld out of range 0..0777", v);
	else if (v > 0777)
		cerr(cfg, "fifo_mode = 0%lo out of range 0..0777", v);
	return 0;
}

static int
v_table_size(cfg_t *cfg, cfg_opt_t *opt)
{
	long v = cfg_opt_getnint(opt, 0);

	if (v < 1024 || v > 16777216 || (v & (v - 1)) != 0)
		cerr(cfg, "table_size = %ld must be a power of two in "
		    "1024..16777216", v);
	return 0;
}

static int
v_socket_mode(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, 0);

	if (v == NULL || (strcmp(v, "shared") != 0 &&
	    strcmp(v, "reuseport") != 0))
		cerr(cfg, "socket_mode \"%s\": use shared or reuseport",
		    v != NULL ? v : "");
	return 0;
}

/* log_level, xlog_level: err .. debug (no emerg, alert, crit). */
static int
v_level(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, 0);
	int l = v != NULL ? sls_log_level_parse(v) : -1;

	if (l < LOG_ERR)
		cerr(cfg, "%s \"%s\": use err, warning, notice, info or debug",
		    cfg_opt_name(opt), v != NULL ? v : "");
	return 0;
}

static int
v_facility(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, 0);

	if (v == NULL || sls_log_facility_parse(v) < 0)
		cerr(cfg, "log_facility \"%s\": use daemon, user or "
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
		cerr(cfg, "%s contains a control character",
		    cfg_opt_name(opt));
	else if (strlen(v) > TEXT_MAX)
		cerr(cfg, "%s is longer than %d characters", cfg_opt_name(opt),
		    TEXT_MAX);
	else if (*v == '\0' && strcmp(cfg_opt_name(opt), "default_reason") == 0)
		cerr(cfg, "default_reason is empty");
	return 0;
}

/* user, group, pidfile, fifo */
static int
v_name(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, 0);

	if (v != NULL && has_ctl(v))
		cerr(cfg, "%s contains a control character",
		    cfg_opt_name(opt));
	return 0;
}

/*
 * libconfuse calls a list's validate function after each value and once
 * more at the closing brace. This returns the value not checked yet, or
 * NULL for the closing-brace call (same option, count and last value).
 */
static const char *
list_value(cfg_opt_t *opt)
{
	unsigned n = cfg_opt_size(opt);
	const char *v;

	if (n == 0 || (v = cfg_opt_getnstr(opt, n - 1)) == NULL)
		return NULL;
	if (ld->last_opt == opt && ld->last_n == n && ld->last_val != NULL &&
	    strcmp(ld->last_val, v) == 0) {
		ld->last_opt = NULL;
		return NULL;
	}
	free(ld->last_val);
	ld->last_val = strdup(v);
	ld->last_opt = opt;
	ld->last_n = n;
	return v;
}

static int
v_listen(cfg_t *cfg, cfg_opt_t *opt)
{
	char err[128];
	sls_listen_t l, o;
	const char *v = list_value(opt), *ov;
	unsigned i, n = cfg_opt_size(opt);

	if (v == NULL)
		return 0;
	if (sls_listen_parse(v, &l, err, sizeof(err)) < 0) {
		cerr(cfg, "listen \"%s\": %s", v, err);
		return 0;
	}
	for (i = 0; i + 1 < n; i++) {
		ov = cfg_opt_getnstr(opt, i);
		if (sls_listen_parse(ov, &o, err, sizeof(err)) == 0 &&
		    sls_addr_equal((struct sockaddr *)&l.addr,
		    (struct sockaddr *)&o.addr)) {
			cerr(cfg, "listen \"%s\": same address as \"%s\"", v,
			    ov);
			break;
		}
	}
	return 0;
}

/* ---- validate callbacks: routes -------------------------------------- */

static bool
final_set(cfg_t *sec, size_t i)
{
	if (i == 2 || i == 3)
		return cfg_getbool(sec, final_names[i]) == cfg_true;
	return cfg_getstr(sec, final_names[i]) != NULL;
}

/* Number of final actions in a route; their names into list. */
static size_t
finals(cfg_t *sec, char *list, size_t len)
{
	size_t i, n = 0;

	list[0] = '\0';
	for (i = 0; i < sizeof(final_names) / sizeof(final_names[0]); i++)
		if (final_set(sec, i)) {
			if (n++ > 0)
				strlcat(list, ", ", len);
			strlcat(list, final_names[i], len);
		}
	return n;
}

/* After a final action is set: a second one is reported here, once. */
static void
check_finals(cfg_t *sec)
{
	char list[128];
	cfg_t **m;
	size_t i;

	if (finals(sec, list, sizeof(list)) < 2)
		return;
	for (i = 0; i < ld->nmulti; i++)
		if (ld->multi[i] == sec)
			return;
	if ((m = realloc(ld->multi, (ld->nmulti + 1) * sizeof(*m))) != NULL) {
		ld->multi = m;
		ld->multi[ld->nmulti++] = sec;
	}
	cerr(sec, "route \"%s\" has more than one final action: %s",
	    cfg_title(sec), list);
}

static int
v_method(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = list_value(opt);

	if (v != NULL && !sls_is_token(v, strlen(v)))
		cerr(cfg, "method \"%s\" is not a SIP method token", v);
	return 0;
}

/* ruri, from, to */
static int
v_regex(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, 0);
	char err[MSG_MAX - 64];
	regex_t *re;

	if (v == NULL)
		return 0;
	if ((re = sls_compile_re(v, err, sizeof(err))) == NULL)
		cerr(cfg, "%s: %s", cfg_opt_name(opt), err);
	sls_compile_re_free(re);
	return 0;
}

static int
v_source(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = list_value(opt);
	char err[128];
	sls_cidr_t c;

	if (v != NULL && sls_cidr_parse(v, &c, err, sizeof(err)) < 0)
		cerr(cfg, "source \"%s\": %s", v, err);
	return 0;
}

static int
v_header(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = list_value(opt);
	char err[MSG_MAX - 64];
	sls_hdr_cond_t h;

	if (v == NULL)
		return 0;
	if (sls_compile_header(v, &h, err, sizeof(err)) < 0)
		cerr(cfg, "header \"%s\": %s", v, err);
	else
		sls_compile_header_free(&h);
	return 0;
}

/* xlog, set_ruri, and event_route xlog */
static int
v_tmpl(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, 0);
	char err[MSG_MAX - 64];
	sls_tmpl_t *t;

	if (v == NULL)
		return 0;
	if (*v == '\0' && strcmp(cfg_opt_name(opt), "set_ruri") == 0)
		cerr(cfg, "set_ruri: empty URI");
	else if ((t = sls_tmpl_compile(v, err, sizeof(err))) == NULL)
		cerr(cfg, "%s: %s", cfg_opt_name(opt), err);
	else
		sls_tmpl_free(t);
	return 0;
}

static int
v_branch(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = list_value(opt);
	char err[MSG_MAX - 64];
	sls_branch_spec_t b;

	if (v == NULL)
		return 0;
	if (cfg_opt_size(opt) == SLS_MAX_BRANCHES + 1)
		cerr(cfg, "route \"%s\" has more than %d append_branch items",
		    cfg_title(cfg), SLS_MAX_BRANCHES);
	if (sls_compile_branch(v, &b, err, sizeof(err)) < 0)
		cerr(cfg, "append_branch \"%s\": %s", v, err);
	else
		sls_tmpl_free(b.uri);
	return 0;
}

static int
v_append(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = list_value(opt);
	char err[MSG_MAX - 64];
	sls_tmpl_t *t;

	if (v == NULL)
		return 0;
	if (cfg_opt_size(opt) == SLS_MAX_APPENDS + 1)
		cerr(cfg, "route \"%s\" has more than %d append_to_reply "
		    "items", cfg_title(cfg), SLS_MAX_APPENDS);
	if ((t = sls_compile_append(v, err, sizeof(err))) == NULL)
		cerr(cfg, "append_to_reply \"%s\": %s", v, err);
	sls_tmpl_free(t);
	return 0;
}

/* sl_send_reply, send_reply */
static int
v_reply(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, 0);
	char err[MSG_MAX - 64];
	sls_tmpl_t *code, *reason;
	int cc;

	if (v == NULL)
		return 0;
	if (sls_compile_reply(v, &code, &reason, &cc, err, sizeof(err)) < 0) {
		cerr(cfg, "%s", err);
	} else {
		sls_tmpl_free(code);
		sls_tmpl_free(reason);
	}
	check_finals(cfg);
	return 0;
}

/* sl_reply_error, drop */
static int
v_final_flag(cfg_t *cfg, cfg_opt_t *opt)
{
	if (cfg_opt_getnbool(opt, 0) == cfg_true)
		check_finals(cfg);
	return 0;
}

static int
v_forward(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, 0);
	char err[MSG_MAX - 64];

	if (v == NULL)
		return 0;
	if (sls_compile_forward(v, err, sizeof(err)) < 0)
		cerr(cfg, "%s", err);
	check_finals(cfg);
	return 0;
}

/* A route section is complete (cfg is the top level, at its '}'). */
static int
v_route(cfg_t *cfg, cfg_opt_t *opt)
{
	cfg_t *sec = cfg_opt_getnsec(opt, cfg_opt_size(opt) - 1);
	char list[128];

	(void)cfg;
	if (sec != NULL && finals(sec, list, sizeof(list)) == 0)
		add_err(section_line(sec, false),
		    "route \"%s\" has no final action", cfg_title(sec));
	return 0;
}

static int
v_event_route(cfg_t *cfg, cfg_opt_t *opt)
{
	cfg_t *sec = cfg_opt_getnsec(opt, cfg_opt_size(opt) - 1);
	const char *title = cfg_title(sec);
	size_t i;

	(void)cfg;
	for (i = 0; i < sizeof(event_names) / sizeof(event_names[0]); i++)
		if (title != NULL && strcmp(title, event_names[i]) == 0)
			return 0;
	add_err(section_line(sec, true), "unknown event_route \"%s\" "
	    "(known: sl:filtered-ack, sl:local-response)",
	    title != NULL ? title : "");
	return 0;
}

static const struct {
	const char *name;
	cfg_validate_callback_t fn;
} validators[] = {
	{ "listen", v_listen },
	{ "workers", v_workers },
	{ "socket_mode", v_socket_mode },
	{ "user", v_name },
	{ "group", v_name },
	{ "pidfile", v_name },
	{ "fifo", v_name },
	{ "fifo_mode", v_fifo_mode },
	{ "log_level", v_level },
	{ "log_facility", v_facility },
	{ "xlog_level", v_level },
	{ "server_header", v_text },
	{ "max_message", v_max_message },
	{ "sl|default_code", v_default_code },
	{ "sl|default_reason", v_text },
	{ "sl|ack_timeout", v_ack_timeout },
	{ "sl|table_size", v_table_size },
	{ "route|method", v_method },
	{ "route|ruri", v_regex },
	{ "route|from", v_regex },
	{ "route|to", v_regex },
	{ "route|source", v_source },
	{ "route|header", v_header },
	{ "route|xlog", v_tmpl },
	{ "route|set_ruri", v_tmpl },
	{ "route|append_branch", v_branch },
	{ "route|append_to_reply", v_append },
	{ "route|sl_send_reply", v_reply },
	{ "route|send_reply", v_reply },
	{ "route|sl_reply_error", v_final_flag },
	{ "route|drop", v_final_flag },
	{ "route|forward", v_forward },
	{ "route", v_route },
	{ "event_route|xlog", v_tmpl },
	{ "event_route", v_event_route },
};

/* ---- build ----------------------------------------------------------- */

static char *
dup_str(const char *s, bool *oom)
{
	char *d = strdup(s != NULL ? s : "");

	if (d == NULL)
		*oom = true;
	return d;
}

static int
build_route(cfg_t *sec, sls_route_t *r, char *err, size_t errlen)
{
	unsigned i, n;
	bool oom = false;
	const char *v;

	r->line = section_line(sec, false);
	r->name = dup_str(cfg_title(sec), &oom);

	n = cfg_size(sec, "method");
	if (n > 0 && (r->methods = calloc(n, sizeof(char *))) == NULL)
		goto oom;
	for (i = 0; i < n; i++) {
		r->methods[i] = dup_str(cfg_getnstr(sec, "method", i), &oom);
		if (oom)
			goto oom;
		r->nmethods++;
	}
	if ((v = cfg_getstr(sec, "ruri")) != NULL &&
	    (r->ruri_re = sls_compile_re(v, err, errlen)) == NULL)
		return -1;
	if ((v = cfg_getstr(sec, "from")) != NULL &&
	    (r->from_re = sls_compile_re(v, err, errlen)) == NULL)
		return -1;
	if ((v = cfg_getstr(sec, "to")) != NULL &&
	    (r->to_re = sls_compile_re(v, err, errlen)) == NULL)
		return -1;

	n = cfg_size(sec, "source");
	if (n > 0 && (r->sources = calloc(n, sizeof(sls_cidr_t))) == NULL)
		goto oom;
	for (i = 0; i < n; i++, r->nsources++)
		if (sls_cidr_parse(cfg_getnstr(sec, "source", i),
		    &r->sources[i], err, errlen) < 0)
			return -1;

	n = cfg_size(sec, "header");
	if (n > 0 && (r->headers = calloc(n, sizeof(sls_hdr_cond_t))) == NULL)
		goto oom;
	for (i = 0; i < n; i++, r->nheaders++)
		if (sls_compile_header(cfg_getnstr(sec, "header", i),
		    &r->headers[i], err, errlen) < 0)
			return -1;
	r->match_error = cfg_getbool(sec, "error") == cfg_true;

	if ((v = cfg_getstr(sec, "xlog")) != NULL &&
	    (r->xlog = sls_tmpl_compile(v, err, errlen)) == NULL)
		return -1;
	if ((v = cfg_getstr(sec, "set_ruri")) != NULL &&
	    (r->set_ruri = sls_tmpl_compile(v, err, errlen)) == NULL)
		return -1;

	n = cfg_size(sec, "append_branch");
	if (n > SLS_MAX_BRANCHES)
		n = 0;	/* reported by the callback */
	if (n > 0 && (r->branches = calloc(n, sizeof(*r->branches))) == NULL)
		goto oom;
	for (i = 0; i < n; i++, r->nbranches++)
		if (sls_compile_branch(cfg_getnstr(sec, "append_branch", i),
		    &r->branches[i], err, errlen) < 0)
			return -1;

	n = cfg_size(sec, "append_to_reply");
	if (n > SLS_MAX_APPENDS)
		n = 0;
	if (n > 0 && (r->appends = calloc(n, sizeof(sls_tmpl_t *))) == NULL)
		goto oom;
	for (i = 0; i < n; i++, r->nappends++)
		if ((r->appends[i] = sls_compile_append(cfg_getnstr(sec,
		    "append_to_reply", i), err, errlen)) == NULL)
			return -1;

	if ((v = cfg_getstr(sec, "sl_send_reply")) != NULL)
		r->action = SLS_ACT_SL_SEND_REPLY;
	else if ((v = cfg_getstr(sec, "send_reply")) != NULL)
		r->action = SLS_ACT_SEND_REPLY;
	else if (cfg_getbool(sec, "sl_reply_error") == cfg_true)
		r->action = SLS_ACT_REPLY_ERROR;
	else if (cfg_getbool(sec, "drop") == cfg_true)
		r->action = SLS_ACT_DROP;
	if (v != NULL && sls_compile_reply(v, &r->code, &r->reason,
	    &r->const_code, err, errlen) < 0)
		return -1;
	if (r->action == SLS_ACT_NONE) {
		snprintf(err, errlen, "no final action");
		return -1;
	}
	if (!oom)
		return 0;
oom:
	snprintf(err, errlen, "out of memory");
	return -1;
}

static int
online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > SLS_MAX_WORKERS ? SLS_MAX_WORKERS : (int)n;
}

static int
build(cfg_t *cfg, const char *path, sls_conf_t *c)
{
	char err[MSG_MAX - 64];
	cfg_t *sl = cfg_getsec(cfg, "sl"), *sec;
	unsigned i, n;
	bool oom = false;

	c->path = dup_str(path, &oom);

	n = cfg_size(cfg, "listen");
	if ((c->listens = calloc(n, sizeof(sls_listen_t))) == NULL)
		goto oom;
	for (i = 0; i < n; i++, c->nlistens++)
		if (sls_listen_parse(cfg_getnstr(cfg, "listen", i),
		    &c->listens[i], err, sizeof(err)) < 0) {
			add_err(0, "listen \"%s\": %s",
			    cfg_getnstr(cfg, "listen", i), err);
			return -1;
		}

	c->workers = (int)cfg_getint(cfg, "workers");
	if (c->workers == 0)
		c->workers = online_cpus();
	c->socket_mode = strcmp(cfg_getstr(cfg, "socket_mode"),
	    "reuseport") == 0 ? SLS_SOCK_REUSEPORT : SLS_SOCK_SHARED;
	c->user = dup_str(cfg_getstr(cfg, "user"), &oom);
	c->group = dup_str(cfg_getstr(cfg, "group"), &oom);
	c->pidfile = dup_str(cfg_getstr(cfg, "pidfile"), &oom);
	c->fifo = dup_str(cfg_getstr(cfg, "fifo"), &oom);
	c->fifo_mode = (mode_t)cfg_getint(cfg, "fifo_mode");
	c->log_level = sls_log_level_parse(cfg_getstr(cfg, "log_level"));
	c->log_facility = sls_log_facility_parse(cfg_getstr(cfg,
	    "log_facility"));
	c->xlog_level = sls_log_level_parse(cfg_getstr(cfg, "xlog_level"));
	c->server_header = dup_str(cfg_getstr(cfg, "server_header"), &oom);
	c->max_message = (size_t)cfg_getint(cfg, "max_message");

	c->sl.default_code = (int)cfg_getint(sl, "default_code");
	c->sl.default_reason = dup_str(cfg_getstr(sl, "default_reason"), &oom);
	c->sl.bind_tm = cfg_getbool(sl, "bind_tm") == cfg_true;
	c->sl.ack_timeout = (unsigned)cfg_getint(sl, "ack_timeout");
	c->sl.table_size = (unsigned)cfg_getint(sl, "table_size");
	c->sl.tag_secret = dup_str(cfg_getstr(sl, "tag_secret"), &oom);
	if (oom)
		goto oom;

	n = cfg_size(cfg, "route");
	if (n > 0 && (c->routes = calloc(n, sizeof(sls_route_t))) == NULL)
		goto oom;
	for (i = 0; i < n; i++) {
		sec = cfg_getnsec(cfg, "route", i);
		c->nroutes++;
		if (build_route(sec, &c->routes[i], err, sizeof(err)) < 0) {
			add_err(c->routes[i].line, "route \"%s\": %s",
			    cfg_title(sec), err);
			return -1;
		}
	}

	n = cfg_size(cfg, "event_route");
	for (i = 0; i < n; i++) {
		sls_tmpl_t **t;
		const char *x;

		sec = cfg_getnsec(cfg, "event_route", i);
		if (strcmp(cfg_title(sec), "sl:filtered-ack") == 0)
			t = &c->ev_filtered_ack;
		else
			t = &c->ev_local_response;
		if ((x = cfg_getstr(sec, "xlog")) != NULL &&
		    (*t = sls_tmpl_compile(x, err, sizeof(err))) == NULL) {
			add_err(section_line(sec, true), "event_route \"%s\": "
			    "%s", cfg_title(sec), err);
			return -1;
		}
	}
	return 0;
oom:
	add_err(0, "out of memory");
	return -1;
}

/* ---- load ------------------------------------------------------------ */

static int
load(const char *text, const char *name, sls_conf_t **confp,
    sls_errlist_t *errs)
{
	load_t l;
	sls_conf_t *c = NULL;
	cfg_t *cfg = NULL;
	char *buf = NULL;
	size_t i;
	int rc;

	*confp = NULL;
	memset(&l, 0, sizeof(l));
	l.name = name;
	l.errs = errs;
	ld = &l;

	if ((buf = strdup(text)) == NULL) {
		add_err(0, "out of memory");
		goto out;
	}
	if (prescan(buf) < 0)
		goto out;
	if ((cfg = cfg_init(root_opts, CFGF_NONE)) == NULL) {
		add_err(0, "out of memory");
		goto out;
	}
	cfg_set_error_function(cfg, errfunc);
	for (i = 0; i < sizeof(validators) / sizeof(validators[0]); i++)
		cfg_set_validate_func(cfg, validators[i].name,
		    validators[i].fn);
	/* Always a buffer (comments blanked out): no include, no search
	   path, and every message names the caller's FILE. */
	rc = cfg_parse_buf(cfg, buf);
	if (rc != CFG_SUCCESS && l.nerr == 0)
		add_err(0, "cannot parse");
	/* cross-option checks, and libconfuse taking the end of the file
	   for a section's '}' */
	if (rc == CFG_SUCCESS && cfg_size(cfg, "listen") == 0)
		add_err(0, "listen: at least one address is required");
	if (rc == CFG_SUCCESS && l.unclosed > 0)
		add_err(l.unclosed, "'{' without a matching '}'");
	if (rc != CFG_SUCCESS || l.nerr > 0)
		goto out;
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		add_err(0, "out of memory");
		goto out;
	}
	if (build(cfg, name, c) < 0) {
		sls_conf_free(c);
		c = NULL;
		goto out;
	}
	*confp = c;
out:
	if (cfg != NULL)
		cfg_free(cfg);
	free(buf);
	for (i = 0; i < l.nhdrs; i++)
		free(l.hdrs[i].title);
	free(l.hdrs);
	free(l.last_val);
	free(l.multi);
	ld = NULL;
	return *confp != NULL ? 0 : -1;
}

int
sls_conf_load_buf(const char *buf, const char *name, sls_conf_t **conf,
    sls_errlist_t *errs)
{
	return load(buf, name, conf, errs);
}

int
sls_conf_load(const char *path, sls_conf_t **conf, sls_errlist_t *errs)
{
	char *buf = NULL, *nul, *p;
	size_t len = 0, cap = 0;
	ssize_t n;
	int fd, rc, line;

	*conf = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		sls_errlist_add(errs, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (len == cap) {
			cap = cap == 0 ? 16384 : cap * 2;
			if ((p = realloc(buf, cap + 1)) == NULL) {
				sls_errlist_add(errs, "%s: out of memory",
				    path);
				goto fail;
			}
			buf = p;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			sls_errlist_add(errs, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > CONF_MAX_SIZE) {
			sls_errlist_add(errs, "%s: larger than %d bytes", path,
			    CONF_MAX_SIZE);
			goto fail;
		}
	}
	close(fd);
	fd = -1;
	buf[len] = '\0';
	if ((nul = memchr(buf, '\0', len)) != NULL) {
		for (line = 1, p = buf; p < nul; p++)
			if (*p == '\n')
				line++;
		sls_errlist_add(errs, "%s:%d: NUL byte in the file", path,
		    line);
		goto fail;
	}
	rc = load(buf, path, conf, errs);
	free(buf);
	return rc;
fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	return -1;
}

void
sls_conf_free(sls_conf_t *c)
{
	size_t i, j;

	if (c == NULL)
		return;
	for (i = 0; i < c->nroutes; i++) {
		sls_route_t *r = &c->routes[i];

		free(r->name);
		for (j = 0; j < r->nmethods; j++)
			free(r->methods[j]);
		free(r->methods);
		sls_compile_re_free(r->ruri_re);
		sls_compile_re_free(r->from_re);
		sls_compile_re_free(r->to_re);
		free(r->sources);
		for (j = 0; j < r->nheaders; j++)
			sls_compile_header_free(&r->headers[j]);
		free(r->headers);
		sls_tmpl_free(r->xlog);
		sls_tmpl_free(r->set_ruri);
		for (j = 0; j < r->nbranches; j++)
			sls_tmpl_free(r->branches[j].uri);
		free(r->branches);
		for (j = 0; j < r->nappends; j++)
			sls_tmpl_free(r->appends[j]);
		free(r->appends);
		sls_tmpl_free(r->code);
		sls_tmpl_free(r->reason);
		free(r->forward);
	}
	free(c->routes);
	sls_tmpl_free(c->ev_filtered_ack);
	sls_tmpl_free(c->ev_local_response);
	free(c->listens);
	free(c->user);
	free(c->group);
	free(c->pidfile);
	free(c->fifo);
	free(c->server_header);
	free(c->sl.default_reason);
	free(c->sl.tag_secret);
	free(c->path);
	free(c);
}

/* ---- reload ---------------------------------------------------------- */

static bool
listen_in(const sls_listen_t *l, const sls_conf_t *c)
{
	size_t i;

	for (i = 0; i < c->nlistens; i++)
		if (sls_addr_equal((const struct sockaddr *)&l->addr,
		    (const struct sockaddr *)&c->listens[i].addr))
			return true;
	return false;
}

static bool
listens_equal(const sls_conf_t *a, const sls_conf_t *b)
{
	size_t i;

	for (i = 0; i < a->nlistens; i++)
		if (!listen_in(&a->listens[i], b))
			return false;
	for (i = 0; i < b->nlistens; i++)
		if (!listen_in(&b->listens[i], a))
			return false;
	return true;
}

/*
 * workers is not here: it may change on reload, because the bound that
 * sizes shared memory, SLS_MAX_WORKERS, is fixed at compile time.
 */
int
sls_conf_restart_diff(const sls_conf_t *old, const sls_conf_t *cur,
    sls_errlist_t *errs)
{
	const char *changed[8];
	int i, n = 0;

	if (!listens_equal(old, cur))
		changed[n++] = "listen";
	if (old->socket_mode != cur->socket_mode)
		changed[n++] = "socket_mode";
	if (strcmp(old->user, cur->user) != 0)
		changed[n++] = "user";
	if (strcmp(old->group, cur->group) != 0)
		changed[n++] = "group";
	if (strcmp(old->pidfile, cur->pidfile) != 0)
		changed[n++] = "pidfile";
	if (strcmp(old->fifo, cur->fifo) != 0)
		changed[n++] = "fifo";
	if (old->sl.table_size != cur->sl.table_size)
		changed[n++] = "sl.table_size";
	for (i = 0; i < n; i++)
		sls_errlist_add(errs, "%s: option '%s' cannot change on "
		    "reload; restart", cur->path, changed[i]);
	return n;
}
