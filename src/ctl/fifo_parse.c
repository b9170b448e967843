/*
 * Admin FIFO requests: the plain line and the ":COMMAND:REPLY_NAME"
 * framing, parsed in place, and the check of a reply name.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "fifo.h"
#include "lib/chars.h"

bool
sls_fifo_reply_name_ok(const char *name)
{
	size_t i;

	if (name == NULL || name[0] == '\0' || name[0] == '.')
		return false;
	for (i = 0; name[i] != '\0'; i++) {
		if (i >= 255)
			return false;
		/* Printable ASCII, no space, no '/'. */
		if (name[i] <= ' ' || name[i] > '~' || name[i] == '/')
			return false;
	}
	return true;
}

/* Turn buf[0..n), one line with its LF, into a string without LF/CR. */
static char *
cut_line(char *buf, size_t n)
{
	buf[n - 1] = '\0';
	if (n >= 2 && buf[n - 2] == '\r')
		buf[n - 2] = '\0';
	return buf;
}

static int
parse_plain(char *buf, size_t len, sls_fifo_req_t *req, size_t *used,
    char *err, size_t errlen)
{
	char *nl, *line, *tok, *save;
	size_t n, i;

	nl = memchr(buf, '\n', len);
	if (nl == NULL)
		return 0;
	n = (size_t)(nl - buf) + 1;
	*used = n;
	if (n > SLS_FIFO_MAX_REQUEST) {
		snprintf(err, errlen, "request longer than %d bytes",
		    SLS_FIFO_MAX_REQUEST);
		return -1;
	}
	/* A NUL would hide the rest of the line from the checks. */
	for (i = 0; i + 1 < n; i++)
		if (buf[i] == '\0') {
			snprintf(err, errlen, "control character in request");
			return -1;
		}
	line = cut_line(buf, n);
	/* Control characters other than tab have no business in a
	   request (NULs were refused above, so strlen is the line). */
	if (sls_has_ctl(line, strlen(line))) {
		snprintf(err, errlen, "control character in request");
		return -1;
	}
	for (tok = strtok_r(line, " \t", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t", &save)) {
		if (req->argc == SLS_FIFO_MAX_ARGS) {
			snprintf(err, errlen, "too many arguments");
			req->argc = 0;
			return -1;
		}
		req->argv[req->argc++] = tok;
	}
	req->argv[req->argc] = NULL;
	return (int)n;
}

static int
parse_colon(char *buf, size_t len, sls_fifo_req_t *req, size_t *used,
    char *err, size_t errlen)
{
	char *lines[SLS_FIFO_MAX_ARGS];
	size_t pos = 0, start, n, nlines = 0, i;
	char *nl, *line, *cmd, *name;
	bool toomany = false;

	/* Find the empty line that ends the request. */
	for (;;) {
		nl = pos < len ? memchr(buf + pos, '\n', len - pos) : NULL;
		if (nl == NULL)
			return 0;
		start = pos;
		n = (size_t)(nl - (buf + start)) + 1;
		pos += n;
		if (nlines > 0 && (n == 1 || (n == 2 && buf[start] == '\r')))
			break;
		if (nlines < sizeof(lines) / sizeof(lines[0]))
			lines[nlines++] = buf + start;
		else
			toomany = true;
	}
	*used = pos;
	if (pos > SLS_FIFO_MAX_REQUEST) {
		snprintf(err, errlen, "request longer than %d bytes",
		    SLS_FIFO_MAX_REQUEST);
		return -1;
	}
	if (toomany) {
		snprintf(err, errlen, "too many arguments");
		return -1;
	}
	for (i = 0; i < pos; i++)
		if (buf[i] == '\0') {
			snprintf(err, errlen, "control character in request");
			return -1;
		}
	/* Cut every line at its LF (each line ends right before the next). */
	for (i = 0; i < nlines; i++) {
		char *end = memchr(lines[i], '\n', (size_t)(buf + pos -
		    lines[i]));

		line = cut_line(lines[i], (size_t)(end - lines[i]) + 1);
		if (sls_has_ctl(line, strlen(line))) {
			snprintf(err, errlen, "control character in request");
			return -1;
		}
	}
	cmd = lines[0] + 1;
	name = strchr(cmd, ':');
	if (name == NULL) {
		snprintf(err, errlen, "malformed request line, expected "
		    "':COMMAND:REPLY_NAME'");
		return -1;
	}
	*name++ = '\0';
	if (cmd[0] == '\0') {
		snprintf(err, errlen, "empty command");
		return -1;
	}
	if (name[0] != '\0') {
		if (!sls_fifo_reply_name_ok(name)) {
			snprintf(err, errlen, "bad reply name '%.64s' for "
			    "command '%.64s'", name, cmd);
			return -1;
		}
		memcpy(req->reply_name, name, strlen(name) + 1);
	}
	req->argv[0] = cmd;
	for (i = 1; i < nlines; i++)
		req->argv[i] = lines[i];
	req->argc = (int)nlines;
	req->argv[req->argc] = NULL;
	return (int)pos;
}

int
sls_fifo_parse(char *buf, size_t len, sls_fifo_req_t *req, size_t *used,
    char *err, size_t errlen)
{
	char dummy[1];
	int rc;

	memset(req, 0, sizeof(*req));
	*used = 0;
	if (err == NULL || errlen == 0) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	err[0] = '\0';
	if (len == 0)
		return 0;
	if (buf[0] == ':')
		rc = parse_colon(buf, len, req, used, err, errlen);
	else
		rc = parse_plain(buf, len, req, used, err, errlen);
	if (rc < 0)
		memset(req, 0, sizeof(*req));
	return rc;
}
