/*
 * Per-source limits (SPEC 9). See limits.h; the table and its protocol
 * are shm/srctable.c.
 *
 * Cost on the packet path: with rate = 0 and error_rate = 0, one test.
 * With a rate, per request from an untrusted source: the trusted CIDRs,
 * one clock read, one hash of the address, one window lookup (usually
 * the first slot) and one CAS on that source's word. Error replies cost
 * the same, only when one is about to be made.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "events.h"
#include "lib/log.h"
#include "limits.h"

/* Warning lines about blocks, per worker and second; the rest counted. */
#define BLOCK_LOGS_PER_S	10

void
sls_limits_params(const sls_conf_t *conf, sls_src_params_t *p)
{
	p->rate = conf->limits.rate;
	p->burst = conf->limits.burst != 0 ? conf->limits.burst :
	    conf->limits.rate;
	p->block_ms = conf->limits.block * 1000;
	p->error_rate = conf->limits.error_rate;
}

bool
sls_limits_trusted(const sls_conf_t *conf, const struct sockaddr *sa)
{
	size_t i;

	for (i = 0; i < conf->limits.ntrusted; i++)
		if (sls_cidr_match(&conf->limits.trusted[i], sa))
			return true;
	return false;
}

/* The source of a datagram; false for a family that has no address. */
static bool
source_of(const sls_srctable_t *t, const sls_conf_t *conf,
    const struct sockaddr *sa, sls_src_t *s)
{
	if (sa->sa_family == AF_INET)
		sls_srctable_source(t, true, (const uint8_t *)
		    &((const struct sockaddr_in *)sa)->sin_addr, 128, s);
	else if (sa->sa_family == AF_INET6)
		sls_srctable_source(t, false, ((const struct sockaddr_in6 *)
		    sa)->sin6_addr.s6_addr, conf->limits.ipv6_prefix, s);
	else
		return false;
	return true;
}

int
sls_limits_parse(const sls_srctable_t *t, const sls_conf_t *conf,
    const char *text, sls_src_t *s)
{
	uint8_t b[16];

	if (inet_pton(AF_INET, text, b) == 1)
		sls_srctable_source(t, true, b, 128, s);
	else if (inet_pton(AF_INET6, text, b) == 1)
		sls_srctable_source(t, false, b, conf->limits.ipv6_prefix, s);
	else
		return -1;
	return 0;
}

size_t
sls_limits_format(const sls_src_t *s, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	int n;

	if (s->v4)
		inet_ntop(AF_INET, s->addr + 12, a, sizeof(a));
	else
		inet_ntop(AF_INET6, s->addr, a, sizeof(a));
	if (s->v4 || s->prefix >= 128)
		n = snprintf(buf, len, "%s", a);
	else
		n = snprintf(buf, len, "%s/%u", a, s->prefix);
	return n < 0 ? 0 : (size_t)n < len ? (size_t)n : len - 1;
}

/*
 * The start of a block, once per block: a warning line (at most
 * BLOCK_LOGS_PER_S a second in this worker, so a flood of forged sources
 * cannot flood the log; the next line says how many were left out), and
 * event_route "sl:blocked".
 */
static void
block_started(const sls_handler_t *h, sls_req_t *req, const sls_src_t *s,
    const sls_src_params_t *p, uint64_t now)
{
	static uint64_t second;
	static unsigned logged;
	static unsigned long skipped;
	char text[SLS_SRC_TEXTLEN];

	if (now / 1000 != second) {
		second = now / 1000;
		logged = 0;
	}
	if (logged >= BLOCK_LOGS_PER_S || !sls_log_enabled(LOG_WARNING)) {
		skipped++;
	} else {
		logged++;
		sls_limits_format(s, text, sizeof(text));
		if (skipped == 0)
			sls_log(LOG_WARNING, "limits: blocked %s for %u s: "
			    "over %u requests/s (burst %u)", text,
			    p->block_ms / 1000, p->rate, p->burst);
		else
			sls_log(LOG_WARNING, "limits: blocked %s for %u s: "
			    "over %u requests/s (burst %u); %lu more blocks "
			    "not logged", text, p->block_ms / 1000, p->rate,
			    p->burst, skipped);
		skipped = 0;
	}
	sls_xlog(h->conf, h->conf->ev_blocked, req);
}

bool
sls_limits_admit(const sls_handler_t *h, sls_req_t *req)
{
	const sls_conf_t *conf = h->conf;
	const struct sockaddr *sa = (const struct sockaddr *)&req->src;
	sls_src_params_t p;
	enum sls_src_verdict v;
	uint64_t now;
	sls_src_t s;
	bool evicted;

	if (conf->limits.rate == 0 || h->srctable == NULL ||
	    sls_limits_trusted(conf, sa) ||
	    !source_of(h->srctable, conf, sa, &s))
		return true;
	sls_limits_params(conf, &p);
	now = req->now_ms;
	v = sls_srctable_request(h->srctable, &s, &p, now, &evicted);
	if (evicted)
		sls_stat_inc(h->stats, SLS_ST_SRCTABLE_EVICTIONS);
	if (v == SLS_SRC_PASS)
		return true;
	sls_stat_inc(h->stats, SLS_ST_LIMITED);
	if (v == SLS_SRC_BLOCK_START) {
		sls_stat_inc(h->stats, SLS_ST_BLOCKS);
		block_started(h, req, &s, &p, now);
	}
	return false;
}

bool
sls_limits_error_reply(const sls_handler_t *h, sls_req_t *req)
{
	const sls_conf_t *conf = h->conf;
	const struct sockaddr *sa = (const struct sockaddr *)&req->src;
	sls_src_params_t p;
	sls_src_t s;
	bool ok, evicted;

	/* one that cannot be answered is dropped anyway: no token spent */
	if (conf->limits.error_rate == 0 || h->srctable == NULL ||
	    !req->msg.addressable || sls_limits_trusted(conf, sa) ||
	    !source_of(h->srctable, conf, sa, &s))
		return true;
	sls_limits_params(conf, &p);
	ok = sls_srctable_error_reply(h->srctable, &s, &p, req->now_ms,
	    &evicted);
	if (evicted)
		sls_stat_inc(h->stats, SLS_ST_SRCTABLE_EVICTIONS);
	if (!ok)
		sls_stat_inc(h->stats, SLS_ST_ERR_LIMITED);
	return ok;
}
