/*
 * The checks of route, event_route and onreply_route sections, as
 * libconfuse validate callbacks (see options.c): each value is compiled
 * by route/compile.c and thrown away, and a section is checked as a
 * whole at its '}'. What only forwarding has is in forward.c.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lib/chars.h"
#include "route/compile.h"
#include "internal.h"

/* The final actions of a route, in the order messages list them. */
static const char *const final_names[] = {
	"sl_send_reply", "send_reply", "sl_reply_error", "drop", "forward"
};

/* Those of an onreply_route. */
static const char *const reply_final_names[] = {
	"sl_forward_reply", "drop"
};

static const char *const event_names[] = {
	"sl:filtered-ack", "sl:local-response", "sl:blocked"
};

static bool
is_onreply(cfg_t *sec)
{
	return strcmp(cfg_name(sec), "onreply_route") == 0;
}

static bool
final_set(cfg_t *sec, const char *name)
{
	if (strcmp(name, "sl_reply_error") == 0 || strcmp(name, "drop") == 0)
		return cfg_getbool(sec, name) == cfg_true;
	if (strcmp(name, "forward") == 0)
		return cfg_size(sec, name) > 0;
	return cfg_getstr(sec, name) != NULL;
}

/* Number of final actions in a route; their names into list. */
static size_t
finals(cfg_t *sec, char *list, size_t len)
{
	const char *const *names = final_names;
	size_t i, n = 0, nn = sizeof(final_names) / sizeof(final_names[0]);

	if (is_onreply(sec)) {
		names = reply_final_names;
		nn = sizeof(reply_final_names) / sizeof(reply_final_names[0]);
	}
	list[0] = '\0';
	for (i = 0; i < nn; i++)
		if (final_set(sec, names[i])) {
			if (n++ > 0)
				strlcat(list, ", ", len);
			strlcat(list, names[i], len);
		}
	return n;
}

/*
 * t_newtran = true needs send_reply as the final action (SPEC 8). Checked
 * when the second of the two is set, so the message has that one's line.
 */
static void
check_tnewtran(cfg_t *sec)
{
	char list[128];

	if (cfg_getbool(sec, "t_newtran") != cfg_true ||
	    finals(sec, list, sizeof(list)) != 1 ||
	    cfg_getstr(sec, "send_reply") != NULL)
		return;
	sls_conf_cerr(sec, "route \"%s\": t_newtran needs send_reply as the "
	    "final action, not %s", cfg_title(sec), list);
}

/* After a final action is set: a second one is reported here, once, and
   a route's t_newtran is checked against it. */
void
sls_conf_check_finals(cfg_t *sec)
{
	char list[128];
	cfg_t **m;
	size_t i;

	if (strcmp(cfg_name(sec), "route") == 0)
		check_tnewtran(sec);
	if (finals(sec, list, sizeof(list)) < 2)
		return;
	for (i = 0; i < sls_conf_ld->nmulti; i++)
		if (sls_conf_ld->multi[i] == sec)
			return;
	m = realloc(sls_conf_ld->multi, (sls_conf_ld->nmulti + 1) *
	    sizeof(*m));
	if (m != NULL) {
		sls_conf_ld->multi = m;
		sls_conf_ld->multi[sls_conf_ld->nmulti++] = sec;
	}
	sls_conf_cerr(sec, "%s \"%s\" has more than one final action: %s",
	    cfg_name(sec), cfg_title(sec), list);
}

static int
v_tnewtran(cfg_t *cfg, cfg_opt_t *opt)
{
	if (cfg_opt_getnbool(opt, 0) == cfg_true)
		check_tnewtran(cfg);
	return 0;
}

/* Each variable of the template value v that looks like a longer name. */
static void
warn_glued(cfg_t *cfg, cfg_opt_t *opt, const char *v)
{
	char w[MSG_MAX - 64];

	while ((v = sls_compile_tmpl_warn(v, w, sizeof(w))) != NULL)
		sls_conf_warn(cfg->line, "%s: %s", cfg_opt_name(opt), w);
}

static int
v_method(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = sls_conf_list_value(opt);
	char w[MSG_MAX - 64];

	if (v != NULL && !sls_is_token(v, strlen(v)))
		sls_conf_cerr(cfg, "method \"%s\" is not a SIP method token",
		    v);
	else if (v != NULL && sls_compile_method_warn(v, w, sizeof(w)))
		sls_conf_warn(cfg->line, "%s", w);
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
		sls_conf_cerr(cfg, "%s: %s", cfg_opt_name(opt), err);
	sls_compile_re_free(re);
	return 0;
}

static int
v_source(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = sls_conf_list_value(opt);
	char err[128];
	sls_cidr_t c;

	if (v != NULL && sls_cidr_parse(v, &c, err, sizeof(err)) < 0)
		sls_conf_cerr(cfg, "source \"%s\": %s", v, err);
	return 0;
}

static int
v_header(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = sls_conf_list_value(opt);
	char err[MSG_MAX - 64];
	sls_hdr_cond_t h;

	if (v == NULL)
		return 0;
	if (sls_compile_header(v, &h, err, sizeof(err)) < 0)
		sls_conf_cerr(cfg, "header \"%s\": %s", v, err);
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
	if (*v == '\0' && strcmp(cfg_opt_name(opt), "set_ruri") == 0) {
		sls_conf_cerr(cfg, "set_ruri: empty URI");
	} else if ((t = sls_tmpl_compile(v, err, sizeof(err))) == NULL) {
		sls_conf_cerr(cfg, "%s: %s", cfg_opt_name(opt), err);
	} else {
		sls_tmpl_free(t);
		warn_glued(cfg, opt, v);
	}
	return 0;
}

static int
v_branch(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = sls_conf_list_value(opt);
	char err[MSG_MAX - 64];
	sls_branch_spec_t b;

	if (v == NULL)
		return 0;
	if (cfg_opt_size(opt) == SLS_MAX_BRANCHES + 1)
		sls_conf_cerr(cfg, "route \"%s\" has more than %d "
		    "append_branch items", cfg_title(cfg), SLS_MAX_BRANCHES);
	if (sls_compile_branch(v, &b, err, sizeof(err)) < 0) {
		sls_conf_cerr(cfg, "append_branch \"%s\": %s", v, err);
	} else {
		sls_tmpl_free(b.uri);
		warn_glued(cfg, opt, v);
	}
	return 0;
}

static int
v_append(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = sls_conf_list_value(opt);
	char err[MSG_MAX - 64];
	sls_tmpl_t *t;

	if (v == NULL)
		return 0;
	if (cfg_opt_size(opt) == SLS_MAX_APPENDS + 1)
		sls_conf_cerr(cfg, "route \"%s\" has more than %d "
		    "append_to_reply items", cfg_title(cfg), SLS_MAX_APPENDS);
	if ((t = sls_compile_append(v, err, sizeof(err))) == NULL)
		sls_conf_cerr(cfg, "append_to_reply \"%s\": %s", v, err);
	else
		warn_glued(cfg, opt, v);
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
		sls_conf_cerr(cfg, "%s", err);
	} else {
		sls_tmpl_free(code);
		sls_tmpl_free(reason);
		warn_glued(cfg, opt, v);
	}
	sls_conf_check_finals(cfg);
	return 0;
}

/* sl_reply_error, drop */
static int
v_final_flag(cfg_t *cfg, cfg_opt_t *opt)
{
	if (cfg_opt_getnbool(opt, 0) == cfg_true)
		sls_conf_check_finals(cfg);
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
		sls_conf_err(sls_conf_section_line(sec, SEC_ROUTE),
		    "route \"%s\" has no final action", cfg_title(sec));
	if (sec != NULL)
		sls_conf_forward_route_check(sec);	/* forward.c */
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
	sls_conf_err(sls_conf_section_line(sec, SEC_EVENT),
	    "unknown event_route \"%s\" (known: sl:filtered-ack, "
	    "sl:local-response, sl:blocked)",
	    title != NULL ? title : "");
	return 0;
}

static const struct {
	const char *name;
	cfg_validate_callback_t fn;
} validators[] = {
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
	{ "route|forward", sls_conf_v_forward },
	{ "route|t_newtran", v_tnewtran },
	{ "route", v_route },
	{ "event_route|xlog", v_tmpl },
	{ "event_route", v_event_route },
	/* onreply_route: the shared checks here, its own in forward.c */
	{ "onreply_route|code", sls_conf_v_code },
	{ "onreply_route|method", v_method },
	{ "onreply_route|source", v_source },
	{ "onreply_route|header", v_header },
	{ "onreply_route|xlog", v_tmpl },
	{ "onreply_route|sl_forward_reply", v_reply },
	{ "onreply_route|drop", v_final_flag },
	{ "onreply_route", sls_conf_v_onreply },
};

void
sls_conf_route_validators(cfg_t *cfg)
{
	size_t i;

	for (i = 0; i < sizeof(validators) / sizeof(validators[0]); i++)
		cfg_set_validate_func(cfg, validators[i].name,
		    validators[i].fn);
}
