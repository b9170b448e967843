/*
 * Prometheus text exposition (src/ctl/prom.c): exact samples for known
 * counter values, HELP/TYPE placement, label escaping, and every line
 * checked against the 0.0.4 grammar by a small validator.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <check.h>
#include <inttypes.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "ctl/prom.h"
#include "shm/segment.h"
#include "shm/stats.h"

/* ---- a 0.0.4 validator ------------------------------------------------ */

#define MAXFAM	64

typedef struct fam {
	char name[128];
	bool help, type, samples, closed;
	char kind[16];
} fam_t;

typedef struct val {
	fam_t fam[MAXFAM];
	int nfam;
	int cur;		/* family whose samples are being read, or -1 */
	char err[256];
} val_t;

static bool
name_start(int c)
{
	return isalpha(c) || c == '_' || c == ':';
}

static bool
name_char(int c)
{
	return isalnum(c) || c == '_' || c == ':';
}

/* Length of a metric name at s, 0 if none. */
static size_t
metric_name(const char *s)
{
	size_t n = 0;

	if (!name_start((unsigned char)s[0]))
		return 0;
	while (name_char((unsigned char)s[n]))
		n++;
	return n;
}

static fam_t *
find_fam(val_t *v, const char *name, size_t n, bool create)
{
	int i;

	for (i = 0; i < v->nfam; i++)
		if (strlen(v->fam[i].name) == n &&
		    memcmp(v->fam[i].name, name, n) == 0)
			return &v->fam[i];
	if (!create || v->nfam == MAXFAM || n >= sizeof(v->fam[0].name))
		return NULL;
	memset(&v->fam[v->nfam], 0, sizeof(v->fam[0]));
	memcpy(v->fam[v->nfam].name, name, n);
	return &v->fam[v->nfam++];
}

static bool
verr(val_t *v, const char *line, const char *what)
{
	snprintf(v->err, sizeof(v->err), "%s: '%s'", what, line);
	return false;
}

/* A sample value: a float as Go's ParseFloat takes it, or +Inf/-Inf/NaN. */
static bool
good_value(const char *s)
{
	char *end;

	if (strcmp(s, "+Inf") == 0 || strcmp(s, "-Inf") == 0 ||
	    strcmp(s, "NaN") == 0)
		return true;
	if (*s == '\0' || isspace((unsigned char)*s))
		return false;
	strtod(s, &end);
	return *end == '\0';
}

static bool
check_line(val_t *v, const char *line)
{
	const char *p = line;
	fam_t *f;
	size_t n;

	if (line[0] == '#') {
		bool help = strncmp(line, "# HELP ", 7) == 0;
		bool type = strncmp(line, "# TYPE ", 7) == 0;

		if (!help && !type)
			return true;	/* a plain comment */
		p = line + 7;
		if ((n = metric_name(p)) == 0)
			return verr(v, line, "bad metric name");
		f = find_fam(v, p, n, true);
		if (f == NULL)
			return verr(v, line, "too many families");
		if (f->samples)
			return verr(v, line, "HELP/TYPE after samples");
		p += n;
		if (help) {
			if (f->help)
				return verr(v, line, "second HELP");
			f->help = true;
			if (*p != ' ')
				return verr(v, line, "no help text");
			/* Only \\ and \n escapes in HELP. */
			for (p++; *p != '\0'; p++)
				if (*p == '\\' && p[1] != '\\' && p[1] != 'n')
					return verr(v, line, "bad escape");
				else if (*p == '\\')
					p++;
			return true;
		}
		if (f->type)
			return verr(v, line, "second TYPE");
		f->type = true;
		if (*p++ != ' ')
			return verr(v, line, "no type");
		if (strcmp(p, "counter") && strcmp(p, "gauge") &&
		    strcmp(p, "histogram") && strcmp(p, "summary") &&
		    strcmp(p, "untyped"))
			return verr(v, line, "unknown type");
		snprintf(f->kind, sizeof(f->kind), "%s", p);
		return true;
	}

	/* A sample: name [{labels}] value, no timestamp (our own rule). */
	if ((n = metric_name(p)) == 0)
		return verr(v, line, "bad metric name");
	f = find_fam(v, p, n, false);
	if (f == NULL || !f->help || !f->type)
		return verr(v, line, "sample without HELP and TYPE before it");
	if (f->closed)
		return verr(v, line, "samples of a family not together");
	if (strcmp(f->kind, "counter") == 0 &&
	    (n < 6 || memcmp(p + n - 6, "_total", 6) != 0))
		return verr(v, line, "counter name without _total");
	if (v->cur >= 0 && &v->fam[v->cur] != f)
		v->fam[v->cur].closed = true;
	v->cur = (int)(f - v->fam);
	f->samples = true;
	p += n;
	if (*p == '{') {
		p++;
		while (*p != '}') {
			size_t ln = 0;

			if (!isalpha((unsigned char)*p) && *p != '_')
				return verr(v, line, "bad label name");
			while (isalnum((unsigned char)p[ln]) || p[ln] == '_')
				ln++;
			p += ln;
			if (*p++ != '=' || *p++ != '"')
				return verr(v, line, "label without =\"");
			for (; *p != '"'; p++) {
				if (*p == '\0' || *p == '\n')
					return verr(v, line,
					    "unterminated label value");
				if (*p == '\\') {
					p++;
					if (*p != '\\' && *p != '"' &&
					    *p != 'n')
						return verr(v, line,
						    "bad label escape");
				}
			}
			p++;
			if (*p == ',')
				p++;
			else if (*p != '}')
				return verr(v, line, "bad label list");
		}
		p++;
	}
	if (*p++ != ' ')
		return verr(v, line, "no space before the value");
	if (strchr(p, ' ') != NULL)
		return verr(v, line, "timestamp or trailing text");
	if (!good_value(p))
		return verr(v, line, "bad value");
	return true;
}

/* Validate a whole exposition; false with v->err set on the first fault. */
static bool
validate(const char *text, val_t *v)
{
	char *copy, *line, *next;
	size_t len = strlen(text);
	bool ok = true;
	int i;

	memset(v, 0, sizeof(*v));
	v->cur = -1;
	if (len == 0 || text[len - 1] != '\n') {
		snprintf(v->err, sizeof(v->err), "no final newline");
		return false;
	}
	copy = strdup(text);
	ck_assert_ptr_nonnull(copy);
	for (line = copy; ok && *line != '\0'; line = next) {
		next = strchr(line, '\n');
		*next++ = '\0';
		if (*line == '\0') {
			snprintf(v->err, sizeof(v->err), "empty line");
			ok = false;
		} else {
			ok = check_line(v, line);
		}
	}
	free(copy);
	for (i = 0; ok && i < v->nfam; i++)
		if (!v->fam[i].samples) {
			snprintf(v->err, sizeof(v->err), "family %s has no "
			    "samples", v->fam[i].name);
			ok = false;
		}
	return ok;
}

/* ---- helpers ---------------------------------------------------------- */

static uint64_t vals[SLS_ST_COUNT];
static sls_buf_t out;

static void
setup(void)
{
	int i;

	/* Distinct, recognisable values; one beyond 2^53. */
	for (i = 0; i < SLS_ST_COUNT; i++)
		vals[i] = (uint64_t)(i + 1) * 11;
	vals[SLS_ST_404] = 7;
	vals[SLS_ST_SENT] = UINT64_C(18446744073709551615);
	vals[SLS_ST_RELOADS] = 3;
	vals[SLS_ST_RELOAD_FAILURES] = 2;
	vals[SLS_ST_RCV_ACKS] = 42;
	memset(&out, 0, sizeof(out));
	sls_prom_write(&out, vals, 12, 262144);
}

static void
teardown(void)
{
	sls_buf_free(&out);
}

/* The lines of the family name: its HELP line on, n lines. */
static char *
family_block(const char *name, int n)
{
	char key[160], *p, *end;
	int i;

	snprintf(key, sizeof(key), "# HELP %s ", name);
	ck_assert_ptr_nonnull(out.data);
	p = strstr(out.data, key);
	ck_assert_msg(p != NULL, "no HELP for %s", name);
	ck_assert_msg(p == out.data || p[-1] == '\n', "HELP mid-line");
	for (end = p, i = 0; i < n; i++) {
		end = strchr(end, '\n');
		ck_assert_ptr_nonnull(end);
		end++;
	}
	return strndup(p, (size_t)(end - p));
}

static void
assert_block(const char *name, int n, const char *want)
{
	char *got = family_block(name, n);

	ck_assert_str_eq(got, want);
	free(got);
}

/* ---- tests ------------------------------------------------------------ */

START_TEST(test_reply_buckets)
{
	char *got = family_block("slserver_sl_replies_total", 22);

	ck_assert_str_eq(got,
	    "# HELP slserver_sl_replies_total Local replies sent, by code "
	    "bucket (an exact code, or NXX for the other codes of that "
	    "class, xxx for any other).\n"
	    "# TYPE slserver_sl_replies_total counter\n"
	    "slserver_sl_replies_total{bucket=\"1xx\"} 11\n"
	    "slserver_sl_replies_total{bucket=\"200\"} 22\n"
	    "slserver_sl_replies_total{bucket=\"202\"} 33\n"
	    "slserver_sl_replies_total{bucket=\"2xx\"} 44\n"
	    "slserver_sl_replies_total{bucket=\"300\"} 55\n"
	    "slserver_sl_replies_total{bucket=\"301\"} 66\n"
	    "slserver_sl_replies_total{bucket=\"302\"} 77\n"
	    "slserver_sl_replies_total{bucket=\"3xx\"} 88\n"
	    "slserver_sl_replies_total{bucket=\"400\"} 99\n"
	    "slserver_sl_replies_total{bucket=\"401\"} 110\n"
	    "slserver_sl_replies_total{bucket=\"403\"} 121\n"
	    "slserver_sl_replies_total{bucket=\"404\"} 7\n"
	    "slserver_sl_replies_total{bucket=\"407\"} 143\n"
	    "slserver_sl_replies_total{bucket=\"408\"} 154\n"
	    "slserver_sl_replies_total{bucket=\"483\"} 165\n"
	    "slserver_sl_replies_total{bucket=\"4xx\"} 176\n"
	    "slserver_sl_replies_total{bucket=\"500\"} 187\n"
	    "slserver_sl_replies_total{bucket=\"5xx\"} 198\n"
	    "slserver_sl_replies_total{bucket=\"6xx\"} 209\n"
	    "slserver_sl_replies_total{bucket=\"xxx\"} 220\n");
	free(got);
	/* The output starts with this family. */
	ck_assert(strncmp(out.data, "# HELP slserver_sl_replies_total ",
	    33) == 0);
}
END_TEST

START_TEST(test_simple_counters)
{
	assert_block("slserver_sl_sent_replies_total", 3,
	    "# HELP slserver_sl_sent_replies_total Local replies sent.\n"
	    "# TYPE slserver_sl_sent_replies_total counter\n"
	    "slserver_sl_sent_replies_total 18446744073709551615\n");
	assert_block("slserver_acks_filtered_total", 3,
	    "# HELP slserver_acks_filtered_total ACKs to our own replies "
	    "absorbed by the filter.\n"
	    "# TYPE slserver_acks_filtered_total counter\n"
	    "slserver_acks_filtered_total 42\n");
	assert_block("slserver_requests_errors_total", 3,
	    "# HELP slserver_requests_errors_total Requests that failed the "
	    "basic checks.\n"
	    "# TYPE slserver_requests_errors_total counter\n"
	    "slserver_requests_errors_total 330\n");
	assert_block("slserver_worker_restarts_total", 3,
	    "# HELP slserver_worker_restarts_total Workers respawned after "
	    "dying.\n"
	    "# TYPE slserver_worker_restarts_total counter\n"
	    "slserver_worker_restarts_total 352\n");
	assert_block("slserver_sigtable_evictions_total", 3,
	    "# HELP slserver_sigtable_evictions_total Live signature table "
	    "entries evicted to make room.\n"
	    "# TYPE slserver_sigtable_evictions_total counter\n"
	    "slserver_sigtable_evictions_total 418\n");
	assert_block("slserver_sigtable_drops_total", 3,
	    "# HELP slserver_sigtable_drops_total Signature table entries "
	    "not stored: every slot of their window was being written.\n"
	    "# TYPE slserver_sigtable_drops_total counter\n"
	    "slserver_sigtable_drops_total 429\n");
}
END_TEST

START_TEST(test_reloads_gauges_build_info)
{
	char want[256];
	const char *tail;

	assert_block("slserver_reloads_total", 4,
	    "# HELP slserver_reloads_total Reloads, by result (failed: "
	    "refused, old config kept).\n"
	    "# TYPE slserver_reloads_total counter\n"
	    "slserver_reloads_total{result=\"ok\"} 3\n"
	    "slserver_reloads_total{result=\"failed\"} 2\n");
	assert_block("slserver_sigtable_used", 3,
	    "# HELP slserver_sigtable_used Live (unexpired) signature table "
	    "entries.\n"
	    "# TYPE slserver_sigtable_used gauge\n"
	    "slserver_sigtable_used 12\n");
	assert_block("slserver_sigtable_size", 3,
	    "# HELP slserver_sigtable_size Signature table slots.\n"
	    "# TYPE slserver_sigtable_size gauge\n"
	    "slserver_sigtable_size 262144\n");
	snprintf(want, sizeof(want),
	    "# HELP slserver_build_info Version of slserver and of its "
	    "shared memory layout.\n"
	    "# TYPE slserver_build_info gauge\n"
	    "slserver_build_info{version=\"%s\",shm_version=\"%d\"} 1\n",
	    PACKAGE_VERSION, SLS_SHM_VERSION);
	assert_block("slserver_build_info", 3, want);
	/* build_info is last: the output ends with its sample. */
	tail = strstr(out.data, "slserver_build_info{");
	ck_assert_ptr_nonnull(tail);
	ck_assert_str_eq(tail, strchr(strchr(want, '\n') + 1, '\n') + 1);
}
END_TEST

START_TEST(test_every_counter_exported)
{
	/* Each counter's value appears in some sample (values distinct). */
	static const char *const names[] = {
		"slserver_sl_sent_err_replies_total 242\n",
		"slserver_sl_failures_total 253\n",
		"slserver_acks_passed_total 275\n",
		"slserver_acks_late_total 286\n",
		"slserver_requests_received_total 297\n",
		"slserver_replies_received_total 308\n",
		"slserver_requests_dropped_total 319\n",
		"slserver_oversize_total 341\n",
		"slserver_requests_forwarded_total 385\n",
		"slserver_replies_forwarded_total 396\n",
		"slserver_replies_dropped_total 407\n",
		"slserver_sigtable_drops_total 429\n",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		ck_assert_msg(strstr(out.data, names[i]) != NULL,
		    "missing sample %s", names[i]);
	/* 20 + 16 + 2 + 1 + 1 + 1 + 1 samples, 22 families. */
	{
		size_t samples = 0, help = 0, type = 0;
		const char *p;

		for (p = out.data; *p != '\0'; p = strchr(p, '\n') + 1) {
			if (strncmp(p, "# HELP ", 7) == 0)
				help++;
			else if (strncmp(p, "# TYPE ", 7) == 0)
				type++;
			else
				samples++;
		}
		ck_assert_uint_eq(help, 22);
		ck_assert_uint_eq(type, 22);
		ck_assert_uint_eq(samples, 42);
	}
}
END_TEST

START_TEST(test_grammar)
{
	val_t v;
	int i;

	ck_assert_msg(validate(out.data, &v), "%s", v.err);
	ck_assert_int_eq(v.nfam, 22);
	/* HELP and TYPE of each family came before its samples. */
	for (i = 0; i < v.nfam; i++)
		ck_assert(v.fam[i].help && v.fam[i].type && v.fam[i].samples);
	ck_assert(out.data[out.len - 1] == '\n');
	ck_assert(strstr(out.data, "\n\n") == NULL);
}
END_TEST

START_TEST(test_validator_rejects)
{
	/* The validator itself must be able to say no. */
	static const char *const bad[] = {
		"x_total 1\n",					/* no HELP */
		"# HELP x_total h\n# TYPE x_total counter\nx_total 1",
		"# HELP x h\n# TYPE x counter\nx 1\n",		/* _total */
		"# HELP x h\n# TYPE x gauge\nx 1 1700000000\n",
		"# HELP x h\n# TYPE x gauge\nx{a=\"b\\q\"} 1\n",
		"# HELP x h\n# TYPE x gauge\nx{a=\"b} 1\n",
		"# HELP x h\n# TYPE x gauge\nx{1a=\"b\"} 1\n",
		"# HELP x h\n# TYPE x gauge\nx one\n",
		"# HELP x h\n# TYPE x gauge\nx 1\n# HELP x h\n",
		"# HELP x h\n# TYPE x gauge\n# TYPE x gauge\nx 1\n",
		"# HELP x h\n# TYPE x gaugeish\nx 1\n",
		"# HELP x h\n# TYPE x gauge\n# HELP y h\n# TYPE y gauge\n"
		    "x 1\ny 1\nx 2\n",
		"# HELP x h\n# TYPE x gauge\n",			/* no sample */
		"# HELP x h\n# TYPE x gauge\n\nx 1\n",
		"# HELP 9x h\n# TYPE 9x gauge\n9x 1\n",
	};
	static const char good[] =
	    "# HELP x_total a \\\\ b \\n c\n# TYPE x_total counter\n"
	    "x_total{a=\"q\\\"\\\\\\n\",b=\"\"} 1\nx_total 2.5e3\n"
	    "# a comment\n# HELP y h\n# TYPE y gauge\ny +Inf\n";
	val_t v;
	size_t i;

	ck_assert_msg(validate(good, &v), "%s", v.err);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!validate(bad[i], &v), "accepted bad[%zu]", i);
}
END_TEST

START_TEST(test_escape)
{
	sls_buf_t b;

	memset(&b, 0, sizeof(b));
	sls_prom_escape(&b, "a\\b\"c\nd");
	ck_assert_str_eq(b.data, "a\\\\b\\\"c\\nd");
	sls_buf_reset(&b);
	sls_prom_escape(&b, "\"\"\n\\");
	ck_assert_str_eq(b.data, "\\\"\\\"\\n\\\\");
	sls_buf_reset(&b);
	sls_prom_escape(&b, "plain 1.0 text\t");
	ck_assert_str_eq(b.data, "plain 1.0 text\t");
	sls_buf_reset(&b);
	sls_prom_escape(&b, "");
	ck_assert_uint_eq(b.len, 0);
	sls_buf_free(&b);
}
END_TEST

START_TEST(test_escaped_label_validates)
{
	sls_buf_t b;
	val_t v;

	memset(&b, 0, sizeof(b));
	sls_buf_printf(&b, "# HELP t t\n# TYPE t gauge\nt{v=\"");
	sls_prom_escape(&b, "x\"y\\z\nw\"");
	sls_buf_printf(&b, "\"} 1\n");
	ck_assert_str_eq(b.data, "# HELP t t\n# TYPE t gauge\n"
	    "t{v=\"x\\\"y\\\\z\\nw\\\"\"} 1\n");
	ck_assert_msg(validate(b.data, &v), "%s", v.err);
	sls_buf_free(&b);
}
END_TEST

START_TEST(test_zero_counters)
{
	uint64_t zero[SLS_ST_COUNT];
	sls_buf_t b;
	val_t v;

	memset(zero, 0, sizeof(zero));
	memset(&b, 0, sizeof(b));
	sls_prom_write(&b, zero, 0, 1024);
	ck_assert_msg(validate(b.data, &v), "%s", v.err);
	ck_assert(strstr(b.data, "\nslserver_reloads_total{result=\"ok\"} 0\n")
	    != NULL);
	ck_assert(strstr(b.data, "\nslserver_sigtable_size 1024\n") != NULL);
	sls_buf_free(&b);
}
END_TEST

/* The limits families (SPEC 9), alone and after the others: valid. */
START_TEST(test_limits)
{
	char want[128];
	sls_buf_t b;
	val_t v;

	memset(&b, 0, sizeof(b));
	sls_prom_write_limits(&b, vals, 3);
	ck_assert_msg(validate(b.data, &v), "%s", v.err);
	snprintf(want, sizeof(want), "# TYPE slserver_limited_total counter\n"
	    "slserver_limited_total %" PRIu64 "\n", vals[SLS_ST_LIMITED]);
	ck_assert_msg(strstr(b.data, want) != NULL, "%s", b.data);
	snprintf(want, sizeof(want), "\nslserver_error_replies_limited_total "
	    "%" PRIu64 "\n", vals[SLS_ST_ERR_LIMITED]);
	ck_assert_msg(strstr(b.data, want) != NULL, "%s", b.data);
	ck_assert(strstr(b.data, "# TYPE slserver_blocked_sources gauge\n"
	    "slserver_blocked_sources 3\n") != NULL);
	sls_buf_free(&b);
	sls_prom_write_limits(&out, vals, 0);
	ck_assert_msg(validate(out.data, &v), "%s", v.err);
}
END_TEST

static Suite *
prom_suite(void)
{
	Suite *s = suite_create("prom");
	TCase *tc = tcase_create("exposition");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_reply_buckets);
	tcase_add_test(tc, test_simple_counters);
	tcase_add_test(tc, test_reloads_gauges_build_info);
	tcase_add_test(tc, test_every_counter_exported);
	tcase_add_test(tc, test_grammar);
	tcase_add_test(tc, test_validator_rejects);
	tcase_add_test(tc, test_escape);
	tcase_add_test(tc, test_escaped_label_validates);
	tcase_add_test(tc, test_zero_counters);
	tcase_add_test(tc, test_limits);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(prom_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
