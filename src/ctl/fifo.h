/*
 * The admin FIFO: creation and removal, reading requests (fifo.c), their
 * parsing (fifo_parse.c), and writing replies to reply FIFOs in the
 * FIFO's own directory, safely and without ever waiting (fifo_reply.c).
 *
 * The supervisor's loop must never block on a client: a reply whose
 * reader is not there yet, or reads slowly, waits in a small queue that
 * the loop drives on each turn (every SLS_FIFO_RETRY_MS while it is not
 * empty) until it is delivered or its time, SLS_FIFO_REPLY_MS in all, is
 * up. While the queue is full no further request is read; they wait in
 * the pipe.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_FIFO_H
#define SLS_FIFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "admin.h"
#include "lib/buf.h"

#define SLS_FIFO_MAX_REQUEST	4096	/* PIPE_BUF */
#define SLS_FIFO_MAX_ARGS	15	/* argc, command included; then NULL */
#define SLS_FIFO_REPLY_MS	1000	/* a reply's time: open and write */
#define SLS_FIFO_RETRY_MS	10	/* how often a waiting reply is tried */
#define SLS_FIFO_MAX_REPLIES	32	/* replies waiting at once */

/* A reply on its way: waiting for its reader, or for room in the pipe. */
typedef struct sls_fifo_reply {
	char name[256];		/* bare name in the FIFO's directory */
	sls_buf_t out;		/* status line and body */
	size_t off;		/* bytes of out written */
	int fd;			/* -1 until the reader is there */
	dev_t dev;		/* the FIFO found at name before opening */
	ino_t ino;
	uint64_t deadline;	/* sls_now_ms() */
} sls_fifo_reply_t;

typedef struct sls_fifo {
	char *path;
	char *dir;		/* reply FIFOs live here */
	int rfd;		/* read end, non-blocking */
	int wfd;		/* our own write end, keeps rfd from EOF */
	char pending[SLS_FIFO_MAX_REQUEST * 2];
	size_t npending;
	int discard;		/* skipping the rest of a too long request */
	sls_fifo_reply_t reply[SLS_FIFO_MAX_REPLIES];
	unsigned nreplies;
} sls_fifo_t;

/*
 * Create with mode and open both ends. Any FIFO already at path is
 * replaced (see fifo.c), anything else there is an error. Logs.
 */
int sls_fifo_open(sls_fifo_t *f, const char *path, mode_t mode);
/* Give the FIFO to the service user after a privilege drop. */
int sls_fifo_chown(sls_fifo_t *f, uid_t uid, gid_t gid);
/*
 * One read() of what is available, then sls_fifo_tick(). Call it when
 * the descriptor of sls_fifo_poll_fd() polls readable. Never waits.
 */
void sls_fifo_serve(sls_fifo_t *f, const sls_admin_ops_t *ops);
/*
 * Deliver what waiting replies can be delivered now, give up those whose
 * time is up, then run the complete requests already read while the
 * reply queue has room. Never waits. Call it on every turn of the loop.
 */
void sls_fifo_tick(sls_fifo_t *f, const sls_admin_ops_t *ops);
/* The descriptor to poll for requests; -1 while the reply queue is full. */
int sls_fifo_poll_fd(const sls_fifo_t *f);
/*
 * Whether replies wait (the loop then calls sls_fifo_tick() at least
 * every SLS_FIFO_RETRY_MS) or requests read wait for room in the queue.
 */
bool sls_fifo_busy(const sls_fifo_t *f);
/* Close and unlink; waiting replies are given up. */
void sls_fifo_close(sls_fifo_t *f);
/*
 * In a child process: close every descriptor of f (both ends, replies
 * being written, which would otherwise keep their readers from seeing
 * the end of a reply), leaving the files alone.
 */
void sls_fifo_close_child(sls_fifo_t *f);

/*
 * A parsed request: "cmd args..." (plain line, no reply; arguments split at
 * blanks) or ":cmd:reply_name" + argument lines (one argument per line,
 * kept whole) + empty line. A trailing CR on any line is ignored. argc 0:
 * a blank plain line, nothing to run.
 */
typedef struct sls_fifo_req {
	int argc;
	char *argv[SLS_FIFO_MAX_ARGS + 1];
	char reply_name[256];	/* empty: no reply */
} sls_fifo_req_t;

/*
 * Take one complete request from buf[0..len) (modified in place).
 * Returns bytes consumed (>0) with req filled, 0 when incomplete, -1 with
 * err set when malformed (the bad bytes are consumed: *used is set).
 * Malformed: longer than SLS_FIFO_MAX_REQUEST, control characters, too
 * many arguments, no second ':', empty command, a bad reply name.
 */
int sls_fifo_parse(char *buf, size_t len, sls_fifo_req_t *req, size_t *used,
    char *err, size_t errlen);
/*
 * A reply name is a bare name: no '/', no leading '.', not empty, at most
 * 255 bytes of printable ASCII other than space.
 */
bool sls_fifo_reply_name_ok(const char *name);

/*
 * Send "status\nbody" to the reply FIFO f->dir/name, if that is a FIFO we
 * may write to: at once when its reader is there and the pipe has room,
 * else through the queue (the caller has checked that it has room).
 * Never waits. Logs what goes wrong.
 */
void sls_fifo_send_reply(sls_fifo_t *f, const char *name,
    const sls_buf_t *status, const sls_buf_t *body);
/* Drive the queue of waiting replies (see sls_fifo_tick). */
void sls_fifo_replies_run(sls_fifo_t *f);
/* Give up every waiting reply. */
void sls_fifo_replies_drop(sls_fifo_t *f);

#endif
