/*
 * The admin FIFO: creation and removal, reading requests, and writing
 * replies to reply FIFOs in the FIFO's own directory, safely.
 */
#ifndef SLS_FIFO_H
#define SLS_FIFO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "admin.h"

#define SLS_FIFO_MAX_REQUEST	4096	/* PIPE_BUF */

typedef struct sls_fifo {
	char *path;
	char *dir;		/* reply FIFOs live here */
	int rfd;		/* read end, non-blocking */
	int wfd;		/* our own write end, keeps rfd from EOF */
	char pending[SLS_FIFO_MAX_REQUEST * 2];
	size_t npending;
} sls_fifo_t;

/* Create (replacing a stale FIFO) with mode, open both ends. Logs. */
int sls_fifo_open(sls_fifo_t *f, const char *path, mode_t mode);
/* Give the FIFO to the service user after a privilege drop. */
int sls_fifo_chown(sls_fifo_t *f, uid_t uid, gid_t gid);
/* Read what is available and run every complete request. */
void sls_fifo_serve(sls_fifo_t *f, const sls_admin_ops_t *ops);
/* Close and unlink. */
void sls_fifo_close(sls_fifo_t *f);

/*
 * A parsed request: "cmd args..." (plain line, no reply) or
 * ":cmd:reply_name" + argument lines + empty line.
 */
typedef struct sls_fifo_req {
	int argc;
	char *argv[16];
	char reply_name[256];	/* empty: no reply */
} sls_fifo_req_t;

/*
 * Take one complete request from buf[0..len) (modified in place).
 * Returns bytes consumed (>0) with req filled, 0 when incomplete, -1 with
 * err set when malformed (the bad bytes are consumed: *used is set).
 */
int sls_fifo_parse(char *buf, size_t len, sls_fifo_req_t *req, size_t *used,
    char *err, size_t errlen);
/* A reply name is a bare name: no '/', no leading '.', not empty. */
bool sls_fifo_reply_name_ok(const char *name);

#endif
