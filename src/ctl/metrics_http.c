/*
 * GET /metrics with libmicrohttpd (see metrics_http.h). Every path but
 * /metrics is 404; on /metrics every method but GET and HEAD is 405.
 * libmicrohttpd parses the requests and enforces the bounds: connections
 * at once, idle time, memory per connection (so the size of a request).
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <errno.h>
#include <microhttpd.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/buf.h"
#include "lib/log.h"
#include "metrics_http.h"
#include "prom.h"

#define WAIT_MAX_MS	1000	/* how often the stop flag is seen */

/* libmicrohttpd's own messages: client trouble, mostly; debug. */
static void __attribute__((format(printf, 2, 0)))
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[256];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	sls_log(LOG_DEBUG, "http: %s", msg);
}

/* A short text/plain answer: 404, 405 (with Allow), 500. */
static enum MHD_Result
answer_text(struct MHD_Connection *c, unsigned code, const char *text,
    const char *allow)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(strlen(text), (void *)text,
	    MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "text/plain; charset=utf-8");
	if (allow != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
	ret = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return ret;
}

/* What a request reads: the segment, and the limits for the blocked
   sources gauge (NULL: none). */
typedef struct source {
	const sls_shm_t *shm;
	const sls_src_params_t *lim;
} source_t;

/* The exposition, read from the segment now. */
static enum MHD_Result
answer_metrics(struct MHD_Connection *c, const source_t *src)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	sls_buf_t b;

	memset(&b, 0, sizeof(b));
	sls_prom_collect(&b, src->shm, src->lim);
	if (b.failed || b.data == NULL) {
		sls_buf_free(&b);
		return answer_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "out of memory\n", NULL);
	}
	/* The response takes the buffer and frees it. */
	r = MHD_create_response_from_buffer(b.len, b.data,
	    MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		sls_buf_free(&b);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    SLS_METRICS_CONTENT_TYPE);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/*
 * Called once the request line and headers are in. Answering at once
 * also ends a request that came with a body: libmicrohttpd then closes
 * the connection instead of reading it.
 */
static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	(void)version;
	(void)upload_data;
	(void)upload_data_size;
	(void)con_cls;
	if (strcmp(url, "/metrics") != 0)
		return answer_text(c, MHD_HTTP_NOT_FOUND, "not found; try "
		    "/metrics\n", NULL);
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return answer_text(c, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "method not allowed\n", "GET, HEAD");
	return answer_metrics(c, cls);
}

static struct MHD_Daemon *
start(int fd, const source_t *src)
{
	struct MHD_Daemon *d;

	d = MHD_start_daemon(MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0, NULL, NULL,
	    on_request, (void *)src,
	    MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)SLS_METRICS_MAX_CONNS,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)SLS_METRICS_TIMEOUT_S,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	    (size_t)SLS_METRICS_CONN_MEMORY,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_END);
	if (d == NULL)
		sls_warnx("the HTTP server for /metrics did not start");
	return d;
}

/* How long the loop may wait: libmicrohttpd's next timeout, capped. */
static struct timespec
wait_time(struct MHD_Daemon *d)
{
	MHD_UNSIGNED_LONG_LONG ms = WAIT_MAX_MS;
	struct timespec ts;

	if (MHD_get_timeout(d, &ms) != MHD_YES || ms > WAIT_MAX_MS)
		ms = WAIT_MAX_MS;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	return ts;
}

int
sls_metrics_http_serve(int fd, const sls_shm_t *shm,
    const sls_src_params_t *lim, volatile sig_atomic_t *stop,
    const sigset_t *mask)
{
	const source_t src = { shm, lim };
	const union MHD_DaemonInfo *info;
	struct MHD_Daemon *d;
	int rc = 0;

	if ((d = start(fd, &src)) == NULL)
		return -1;
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_EPOLL_FD);
	if (info == NULL) {
		sls_warnx("the HTTP server for /metrics has no epoll fd");
		MHD_stop_daemon(d);
		return -1;
	}
	while (!*stop) {
		struct pollfd p = { .fd = info->epoll_fd, .events = POLLIN };
		struct timespec ts = wait_time(d);

		if (ppoll(&p, 1, &ts, mask) < 0 && errno != EINTR) {
			sls_warn("ppoll");
			rc = -1;
			break;
		}
		if (!*stop)
			MHD_run(d);
	}
	MHD_stop_daemon(d);
	return rc;
}
