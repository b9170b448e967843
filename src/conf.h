/*
 * The configuration, loaded from slserver.conf into an immutable
 * sls_conf_t. conf.c is the only includer of <confuse.h>.
 */
#ifndef SLS_CONF_H
#define SLS_CONF_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "net.h"
#include "sip.h"
#include "tmpl.h"

/* Error messages of a load, each "FILE:LINE: message". */
typedef struct sls_errlist {
	char **msg;
	size_t n;
} sls_errlist_t;

void sls_errlist_add(sls_errlist_t *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sls_errlist_free(sls_errlist_t *e);

enum sls_socket_mode { SLS_SOCK_SHARED, SLS_SOCK_REUSEPORT };

enum sls_action {
	SLS_ACT_NONE = 0,
	SLS_ACT_SL_SEND_REPLY,
	SLS_ACT_SEND_REPLY,
	SLS_ACT_REPLY_ERROR,
	SLS_ACT_DROP,
	SLS_ACT_FORWARD
};

typedef struct sls_hdr_cond {
	char *name;		/* as configured */
	enum sls_hdr_type type;	/* SLS_HDR_OTHER: match by name */
	regex_t re;
} sls_hdr_cond_t;

typedef struct sls_branch_spec {
	sls_tmpl_t *uri;
	int q_milli;		/* -1 when no q= */
} sls_branch_spec_t;

typedef struct sls_route {
	char *name;
	int line;		/* line of its "route" keyword */

	/* conditions; absent ones are NULL / 0 */
	char **methods;
	size_t nmethods;
	regex_t *ruri_re, *from_re, *to_re;
	sls_cidr_t *sources;
	size_t nsources;
	sls_hdr_cond_t *headers;
	size_t nheaders;
	bool match_error;

	/* actions, applied in this order */
	sls_tmpl_t *xlog;
	sls_tmpl_t *set_ruri;
	sls_branch_spec_t *branches;
	size_t nbranches;
	sls_tmpl_t **appends;	/* whole "Name: value" lines */
	size_t nappends;
	enum sls_action action;
	sls_tmpl_t *code;	/* reply actions: "CODE" part */
	sls_tmpl_t *reason;	/* reply actions: "REASON" part, NULL if none */
	int const_code;		/* code when constant and valid, else 0 */
	char *forward;		/* forward target as written */
} sls_route_t;

typedef struct sls_conf {
	char *path;

	sls_listen_t *listens;
	size_t nlistens;
	int workers;		/* resolved: 0 became the CPU count */
	enum sls_socket_mode socket_mode;
	char *user, *group;
	char *pidfile;
	char *fifo;
	mode_t fifo_mode;
	int log_level;		/* syslog priority */
	int log_facility;	/* syslog facility */
	int xlog_level;
	char *server_header;	/* "" = none */
	size_t max_message;

	struct {
		int default_code;
		char *default_reason;
		bool bind_tm;
		unsigned ack_timeout;	/* seconds */
		unsigned table_size;	/* power of two */
		char *tag_secret;
	} sl;

	sls_route_t *routes;
	size_t nroutes;
	/* xlog of event_route "sl:filtered-ack" / "sl:local-response" */
	sls_tmpl_t *ev_filtered_ack;
	sls_tmpl_t *ev_local_response;
} sls_conf_t;

/*
 * Load and validate a config file. On success *conf is set and 0 returned;
 * on failure -1, *conf NULL, and errs holds every "FILE:LINE: message"
 * ("FILE: message" for what has no line: a file that cannot be read, an
 * empty listen list). Nothing is logged: the caller shows the messages.
 * FILE is path as given. Not reentrant (libconfuse's lexer is global).
 */
int sls_conf_load(const char *path, sls_conf_t **conf, sls_errlist_t *errs);
/* The same from a buffer; name is used as FILE in messages. */
int sls_conf_load_buf(const char *buf, const char *name, sls_conf_t **conf,
    sls_errlist_t *errs);
void sls_conf_free(sls_conf_t *conf);

/*
 * Compare the restart-only options (listen as a set of addresses,
 * socket_mode, user, group, pidfile, fifo, sl.table_size); add one
 * message per changed option to errs, FILE being cur->path ("FILE: option
 * 'listen' cannot change on reload; restart"). Returns the number of
 * changed options. workers is not among them: it may change on reload.
 */
int sls_conf_restart_diff(const sls_conf_t *old, const sls_conf_t *cur,
    sls_errlist_t *errs);

/* Option names as the config table knows them ("listen", "sl.ack_timeout"),
   NULL-terminated, for the documentation test. */
extern const char *const sls_conf_option_names[];

#endif
