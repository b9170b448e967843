/*
 * A load: the file read, the text scanned, parsed with the checks of the
 * option table, and built. Every message goes to the caller's list as
 * "FILE:LINE: message"; nothing is logged.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define CONF_MAX_SIZE	(1024 * 1024)	/* bytes of a config file */

load_t *sls_conf_ld;

void
sls_conf_err(int line, const char *fmt, ...)
{
	char msg[MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line > 0)
		sls_errlist_add(sls_conf_ld->errs, "%s:%d: %s",
		    sls_conf_ld->name, line, msg);
	else
		sls_errlist_add(sls_conf_ld->errs, "%s: %s", sls_conf_ld->name,
		    msg);
	sls_conf_ld->nerr++;
}

void
sls_conf_warn(int line, const char *fmt, ...)
{
	char msg[MSG_MAX];
	va_list ap;

	if (sls_conf_ld->warns == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sls_errlist_add(sls_conf_ld->warns, "%s:%d: warning: %s",
	    sls_conf_ld->name, line, msg);
}

/*
 * libconfuse's error function. cfg->filename is "[buf]" after
 * cfg_parse_buf, which every load uses (see sls_conf_prescan), so FILE
 * is the name the caller gave.
 */
static void
errfunc(cfg_t *cfg, const char *fmt, va_list ap)
{
	char msg[MSG_MAX];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	sls_conf_err(cfg != NULL ? cfg->line : 0, "%s",
	    sls_conf_forward_hint(cfg, msg));
}

static int
load(const char *text, const char *name, sls_conf_t **confp,
    sls_errlist_t *errs, sls_errlist_t *warns)
{
	load_t l;
	sls_conf_t *c = NULL;
	cfg_t *cfg = NULL;
	char *buf = NULL;
	size_t i;
	int rc;

	*confp = NULL;
	memset(&l, 0, sizeof(l));
	l.name = name;
	l.errs = errs;
	l.warns = warns;
	sls_conf_ld = &l;

	if ((buf = strdup(text)) == NULL) {
		sls_conf_err(0, "out of memory");
		goto out;
	}
	if (sls_conf_prescan(buf) < 0)
		goto out;
	if ((cfg = sls_conf_cfg_init(errfunc)) == NULL) {
		sls_conf_err(0, "out of memory");
		goto out;
	}
	/* Always a buffer (comments blanked out): no include, no search
	   path, and every message names the caller's FILE. */
	rc = cfg_parse_buf(cfg, buf);
	if (rc != CFG_SUCCESS && l.nerr == 0)
		sls_conf_err(0, "cannot parse");
	/* cross-option checks, and libconfuse taking the end of the file
	   for a section's '}' */
	if (rc == CFG_SUCCESS && cfg_size(cfg, "listen") == 0)
		sls_conf_err(0, "listen: at least one address is required");
	if (rc == CFG_SUCCESS && l.unclosed > 0)
		sls_conf_err(l.unclosed, "'{' without a matching '}'");
	if (rc == CFG_SUCCESS)
		sls_conf_check_tm(cfg);
	if (rc != CFG_SUCCESS || l.nerr > 0)
		goto out;
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		sls_conf_err(0, "out of memory");
		goto out;
	}
	if (sls_conf_build(cfg, name, c) < 0) {
		sls_conf_free(c);
		c = NULL;
		goto out;
	}
	*confp = c;
out:
	if (cfg != NULL)
		cfg_free(cfg);
	free(buf);
	for (i = 0; i < l.nhdrs; i++)
		free(l.hdrs[i].title);
	free(l.hdrs);
	free(l.last_val);
	free(l.multi);
	sls_conf_forward_done(&l);
	sls_conf_ld = NULL;
	return *confp != NULL ? 0 : -1;
}

int
sls_conf_load_buf(const char *buf, const char *name, sls_conf_t **conf,
    sls_errlist_t *errs, sls_errlist_t *warns)
{
	return load(buf, name, conf, errs, warns);
}

int
sls_conf_read(const char *path, char **text, sls_errlist_t *errs)
{
	char *buf = NULL, *nul, *p;
	size_t len = 0, cap = 0;
	ssize_t n;
	int fd, line;

	*text = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		sls_errlist_add(errs, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (len == cap) {
			cap = cap == 0 ? 16384 : cap * 2;
			if ((p = realloc(buf, cap + 1)) == NULL) {
				sls_errlist_add(errs, "%s: out of memory",
				    path);
				goto fail;
			}
			buf = p;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			sls_errlist_add(errs, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > CONF_MAX_SIZE) {
			sls_errlist_add(errs, "%s: larger than %d bytes", path,
			    CONF_MAX_SIZE);
			goto fail;
		}
	}
	close(fd);
	fd = -1;
	buf[len] = '\0';
	if ((nul = memchr(buf, '\0', len)) != NULL) {
		for (line = 1, p = buf; p < nul; p++)
			if (*p == '\n')
				line++;
		sls_errlist_add(errs, "%s:%d: NUL byte in the file", path,
		    line);
		goto fail;
	}
	*text = buf;
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	return -1;
}

int
sls_conf_load(const char *path, sls_conf_t **conf, sls_errlist_t *errs,
    sls_errlist_t *warns)
{
	char *text;
	int rc;

	*conf = NULL;
	if (sls_conf_read(path, &text, errs) < 0)
		return -1;
	rc = load(text, path, conf, errs, warns);
	free(text);
	return rc;
}
