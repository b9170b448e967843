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

int
main(int argc, char **argv)
{
	const char *conf_path = DEFAULT_CONF, *level_name = NULL;
	bool foreground = false, to_stderr = false, test = false;
	sls_errlist_t errs = { NULL, 0 }, warns = { NULL, 0 };
	sls_sup_opts_t opts;
	sls_conf_t *conf;
	size_t i;
	int ch, rc;

	setproctitle_init(argc, argv, environ);
	memset(&opts, 0, sizeof(opts));
	opts.log_level = -1;
	opts.ready_fd = -1;
	while ((ch = getopt(argc, argv, "f:ndl:P:tvh")) != -1) {
		switch (ch) {
		case 'f':
			conf_path = optarg;
			break;
		case 'n':
			foreground = true;
			break;
		case 'd':
			foreground = true;
			to_stderr = true;
			break;
		case 'l':
			level_name = optarg;
			break;
		case 'P':
			opts.pidfile = optarg;
			break;
		case 't':
			test = true;
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
	    (opts.log_level = sls_log_level_parse(level_name)) < 0) {
		fprintf(stderr, "slserver: unknown log level '%s'\n",
		    level_name);
		return 2;
	}
	if (to_stderr && opts.log_level < 0)
		opts.log_level = LOG_DEBUG;

	rc = sls_conf_load(conf_path, &conf, &errs, &warns);
	if (rc < 0 || test) {
		print_errors(&errs);
		print_errors(&warns);
		sls_errlist_free(&errs);
		sls_errlist_free(&warns);
	}
	if (rc < 0)
		return 1;
	if (test) {
		fprintf(stderr, "slserver: %s: configuration is valid\n",
		    conf_path);
		sls_conf_free(conf);
		return 0;
	}
	if (opts.pidfile != NULL) {
		free(conf->pidfile);
		if ((conf->pidfile = strdup(opts.pidfile)) == NULL)
			return 1;
	}
	opts.conf_path = conf_path;

	/* Startup errors go to stderr as well until the daemon is ready. */
	sls_log_open(conf->log_facility, to_stderr);
	if (!to_stderr)
		sls_log_probe_syslog(NULL);
	sls_log_set_startup(!to_stderr);
	sls_log_set_level(opts.log_level >= 0 ? opts.log_level :
	    conf->log_level);
	for (i = 0; i < warns.n; i++)
		sls_log(LOG_WARNING, "%s", warns.msg[i]);
	sls_errlist_free(&warns);
	if (!foreground && sls_daemonize(&opts.ready_fd) < 0)
		return 1;
	rc = sls_supervisor_run(conf, &opts);
	return rc;
}
