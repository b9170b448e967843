/*
 * The admin FIFO: creation and removal, reading requests (fifo.c), their
 * parsing (fifo_parse.c), and writing replies to reply FIFOs in the
 * FIFO's own directory, safely (fifo_reply.c).
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_FIFO_H
#define SLS_FIFO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "admin.h"
#include "lib/buf.h"

#define SLS_FIFO_MAX_REQUEST	4096	/* PIPE_BUF */
#define SLS_FIFO_MAX_ARGS	15	/* argc, command included; then NULL */
#define SLS_FIFO_REPLY_MS	1000	/* bound of reply open, and of write */

typedef struct sls_fifo {
	char *path;
	char *dir;		/* reply FIFOs live here */
	int rfd;		/* read end, non-blocking */
	int wfd;		/* our own write end, keeps rfd from EOF */
	char pending[SLS_FIFO_MAX_REQUEST * 2];
	size_t npending;
	int discard;		/* skipping the rest of a too long request */
} sls_fifo_t;

/*
 * Create with mode and open both ends. Any FIFO already at path is
 * replaced (see fifo.c), anything else there is an error. Logs.
 */
int sls_fifo_open(sls_fifo_t *f, const char *path, mode_t mode);
/* Give the FIFO to the service user after a privilege drop. */
int sls_fifo_chown(sls_fifo_t *f, uid_t uid, gid_t gid);
/*
 * One read() of what is available, then run every complete request in
 * the buffer. Call it again while rfd polls readable. Each reply takes at
 * most 2 * SLS_FIFO_REPLY_MS.
 */
void sls_fifo_serve(sls_fifo_t *f, const sls_admin_ops_t *ops);
/* Close and unlink. */
void sls_fifo_close(sls_fifo_t *f);

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
 * may write to; at most 2 * SLS_FIFO_REPLY_MS. Logs what goes wrong.
 */
void sls_fifo_send_reply(const sls_fifo_t *f, const char *name,
    const sls_buf_t *status, const sls_buf_t *body);

#endif
