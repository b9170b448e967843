/*
 * slserver: command line, config test, daemonizing; then the supervisor.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/paths.h"
#include "conf/conf.h"
#include "lib/log.h"
#include "daemon.h"
#include "shm/segment.h"
#include "supervisor.h"
#include "trial.h"

#define DEFAULT_CONF	SLS_SYSCONFDIR "/slserver/slserver.conf"

extern char **environ;

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: slserver [-dhntv] [-f file] [-l level] [-P pidfile]\n"
	    "  -f FILE     configuration file (default %s)\n"
	    "  -n          stay in the foreground, log to syslog\n"
	    "  -d          stay in the foreground, log to stderr, level debug\n"
	    "  -l LEVEL    log level: err warning notice info debug\n"
	    "  -P PIDFILE  pid file (overrides the configuration)\n"
	    "  -t          test the configuration and exit\n"
	    "  -v          print the version and exit\n"
	    "  -h          print this help and exit\n", DEFAULT_CONF);
	/* AC_INIT's bug-report address, when it names one. */
	if (PACKAGE_BUGREPORT[0] != '\0')
		fprintf(f, "Report bugs to <%s>.\n", PACKAGE_BUGREPORT);
}

static void
print_errors(const sls_errlist_t *errs)
{
	size_t i;

	for (i = 0; i < errs->n; i++)
		fprintf(stderr, "%s\n", errs->msg[i]);
}

/* What the command line asked for. */
typedef struct cli {
	const char *conf_path;
	bool foreground, to_stderr, test;
	sls_sup_opts_t opts;
} cli_t;

/* Parse the command line into c; -1 to go on, else an exit code. */
static int
parse_args(int argc, char **argv, cli_t *c)
{
	const char *level_name = NULL;
	int ch;

	while ((ch = getopt(argc, argv, "f:ndl:P:tvh")) != -1) {
		switch (ch) {
		case 'f':
			c->conf_path = optarg;
			break;
		case 'n':
			c->foreground = true;
			break;
		case 'd':
			c->foreground = true;
			c->to_stderr = true;
			break;
		case 'l':
			level_name = optarg;
			break;
		case 'P':
			c->opts.pidfile = optarg;
			break;
		case 't':
			c->test = true;
			break;
		case 'v':
			printf("%s (shm layout %d)\n", PACKAGE_STRING,
			    SLS_SHM_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "slserver: unexpected argument '%s'\n",
		    argv[optind]);
		usage(stderr);
		return 2;
	}
	if (level_name != NULL &&
	    (c->opts.log_level = sls_log_level_parse(level_name)) < 0) {
		fprintf(stderr, "slserver: unknown log level '%s'\n",
		    level_name);
		return 2;
	}
	if (c->to_stderr && c->opts.log_level < 0)
		c->opts.log_level = LOG_DEBUG;
	return -1;
}

/*
 * Load the config; -1 to go on with *confp, else an exit code (-t ends
 * here). Warnings are left in warns for the log once it is open.
 */
static int
load_config(cli_t *c, sls_conf_t **confp, sls_errlist_t *warns)
{
	sls_errlist_t errs = { NULL, 0 };
	char *text;
	int rc;

	/* Compiled in a disposable child first (a hostile regex crashes or
	   spins only there), then loaded here from the very same text. */
	*confp = NULL;
	rc = sls_conf_read(c->conf_path, &text, &errs);
	if (rc == 0)
		rc = sls_trial_run(text, c->conf_path, &errs, warns);
	if (rc == 0 && !c->test)
		rc = sls_conf_load_buf(text, c->conf_path, confp, &errs, NULL);
	free(text);
	if (rc < 0 || c->test) {
		print_errors(&errs);
		print_errors(warns);
		sls_errlist_free(&errs);
		sls_errlist_free(warns);
	}
	if (rc < 0)
		return 1;
	if (c->test) {
		fprintf(stderr, "slserver: %s: configuration is valid\n",
		    c->conf_path);
		return 0;
	}
	if (c->opts.pidfile != NULL) {
		free((*confp)->pidfile);
		if (((*confp)->pidfile = strdup(c->opts.pidfile)) == NULL)
			return 1;
	}
	c->opts.conf_path = c->conf_path;
	return -1;
}

int
main(int argc, char **argv)
{
	cli_t c;
	sls_errlist_t warns = { NULL, 0 };
	sls_conf_t *conf;
	int rc;

	/* Nothing the caller left open (a root-only file, a terminal) may
	   reach the workers: the supervisor keeps none of it either. */
	closefrom(STDERR_FILENO + 1);
	setproctitle_init(argc, argv, environ);
	memset(&c, 0, sizeof(c));
	c.conf_path = DEFAULT_CONF;
	c.opts.log_level = -1;
	c.opts.ready_fd = -1;
	if ((rc = parse_args(argc, argv, &c)) >= 0)
		return rc;
	if ((rc = load_config(&c, &conf, &warns)) >= 0)
		return rc;

	/* Startup errors go to stderr as well until the daemon is ready. */
	sls_log_open(conf->log_facility, c.to_stderr);
	c.opts.log_stderr = c.to_stderr;
	if (!c.to_stderr)
		sls_log_probe_syslog(NULL);
	sls_log_set_startup(!c.to_stderr);
	sls_log_set_level(c.opts.log_level >= 0 ? c.opts.log_level :
	    conf->log_level);
	sls_log_errlist(LOG_WARNING, &warns);
	sls_errlist_free(&warns);
	if (!c.foreground && sls_daemonize(&c.opts.ready_fd) < 0)
		return 1;
	return sls_supervisor_run(conf, &c.opts);
}
