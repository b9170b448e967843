/*
 * slserverctl top and rates: rates per second from two successive
 * snapshots of the counters, each taken with this very program's
 * "stats" and "workers" commands.
 *
 *   top [-n COUNT] [-d SECONDS]  a screen refreshed every SECONDS (1)
 *                                until interrupted, or COUNT times
 *   rates SECONDS                one sample over SECONDS, as plain
 *                                "NAME RATE" lines for scripts
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_TOP_H
#define SLS_TOP_H

#include <stddef.h>
#include <stdint.h>

/* One "NAME = VALUE" line of "stats". */
typedef struct sls_top_stat {
	char *name;
	uint64_t v;
} sls_top_stat_t;

/* One line of "workers" (its counters are its slot's). */
typedef struct sls_top_worker {
	unsigned slot, number, generation;
	long pid;
	char state[16];
	uint64_t requests, replies;
} sls_top_worker_t;

typedef struct sls_top_snap {
	uint64_t at_ms;		/* when the stats were read */
	sls_top_stat_t *stat;
	size_t nstat;
	sls_top_worker_t *w;
	size_t nw;
} sls_top_snap_t;

/*
 * Parse the output of "stats" (text, NUL-terminated) into s; 0, or -1
 * (out of memory). Lines that are not "NAME = NUMBER" are skipped.
 */
int sls_top_parse_stats(sls_top_snap_t *s, const char *text);
/* The same for "workers" (its header line is skipped). */
int sls_top_parse_workers(sls_top_snap_t *s, const char *text);
/* The value of a statistic; 0 when it is not in the snapshot. */
uint64_t sls_top_value(const sls_top_snap_t *s, const char *name);
/* Rate per second of name from a to b (a counter that restarted counts
   from zero). */
double sls_top_rate(const sls_top_snap_t *a, const sls_top_snap_t *b,
    const char *name);
void sls_top_snap_free(sls_top_snap_t *s);

/*
 * The "top" and "rates" commands: argv[0] is the command. fifo and
 * timeout are slserverctl's -s and -T, passed on to the "stats" and
 * "workers" it runs. Returns the exit code (0, 1: an error status from
 * the server, 2: no answer or bad usage).
 */
int sls_top_main(int argc, char **argv, const char *fifo, double timeout);

#endif
