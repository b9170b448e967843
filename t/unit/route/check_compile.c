/*
 * Unit tests of src/route/compile.c: each kind of route value compiled
 * from its text, and the exact message of each way it can be wrong.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <check.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "route/compile.h"

#define ERR_PREFIX(err, prefix) \
	ck_assert_msg(strncmp(err, prefix, strlen(prefix)) == 0, \
	    "\"%s\" does not start with \"%s\"", err, prefix)

START_TEST(test_re)
{
	char err[256];
	regex_t *re;

	re = sls_compile_re("^sip:1[0-9]+@", err, sizeof(err));
	ck_assert_ptr_nonnull(re);
	/* case-insensitive, no sub-matches needed */
	ck_assert_int_eq(regexec(re, "SIP:123@example.com", 0, NULL, 0), 0);
	ck_assert_int_ne(regexec(re, "sip:alice@example.com", 0, NULL, 0),
	    0);
	sls_compile_re_free(re);
	sls_compile_re_free(NULL);

	ck_assert_ptr_null(sls_compile_re("(", err, sizeof(err)));
	ERR_PREFIX(err, "bad regular expression \"(\": ");
}
END_TEST

/* Hostile patterns: too long, or with a back-reference (issue 12). */
START_TEST(test_re_limits)
{
	char err[256], pat[SLS_RE_MAX + 2], hpat[SLS_RE_MAX + 8];
	regex_t *re;
	sls_hdr_cond_t h;

	/* SLS_RE_MAX bytes are fine, one more is not */
	memset(pat, 'a', SLS_RE_MAX);
	pat[SLS_RE_MAX] = '\0';
	re = sls_compile_re(pat, err, sizeof(err));
	ck_assert_ptr_nonnull(re);
	sls_compile_re_free(re);
	pat[SLS_RE_MAX] = 'a';
	pat[SLS_RE_MAX + 1] = '\0';
	ck_assert_ptr_null(sls_compile_re(pat, err, sizeof(err)));
	ck_assert_str_eq(err, "regular expression "
	    "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\" is 1025 bytes long, "
	    "more than 1024");

	/* back-references \1 to \9, wherever they are */
	ck_assert_ptr_null(sls_compile_re("^(a+)+\\1$", err, sizeof(err)));
	ck_assert_str_eq(err, "back-reference \\1 in regular expression "
	    "\"^(a+)+\\1$\": not allowed");
	ck_assert_ptr_null(sls_compile_re("(a)(b)(c)(d)(e)(f)(g)(h)(i)\\9",
	    err, sizeof(err)));
	ERR_PREFIX(err, "back-reference \\9 in");
	ck_assert_ptr_null(sls_compile_re("[]]\\1", err, sizeof(err)));
	ck_assert_ptr_null(sls_compile_re("[[:alpha:]](x)\\1", err,
	    sizeof(err)));
	ERR_PREFIX(err, "back-reference \\1 in");

	/* not back-references: an escaped backslash, \0, inside brackets */
	re = sls_compile_re("a\\\\1", err, sizeof(err));
	ck_assert_ptr_nonnull(re);
	ck_assert_int_eq(regexec(re, "a\\1", 0, NULL, 0), 0);
	sls_compile_re_free(re);
	re = sls_compile_re("[\\1]x", err, sizeof(err));
	ck_assert_ptr_nonnull(re);
	ck_assert_int_eq(regexec(re, "1x", 0, NULL, 0), 0);
	sls_compile_re_free(re);
	re = sls_compile_re("[]\\1]x", err, sizeof(err));
	ck_assert_ptr_nonnull(re);
	sls_compile_re_free(re);
	re = sls_compile_re("[[:digit:]\\1]x", err, sizeof(err));
	ck_assert_ptr_nonnull(re);
	sls_compile_re_free(re);

	/* header conditions have the same limits */
	ck_assert_int_eq(sls_compile_header("X-A: (a)\\1", &h, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "back-reference \\1 in regular expression "
	    "\"(a)\\1\": not allowed");
	/* the bound is on the pattern, not on the whole value */
	memset(hpat, 'a', sizeof(hpat));
	memcpy(hpat, "X: ", 3);
	hpat[3 + SLS_RE_MAX] = '\0';
	ck_assert_int_eq(sls_compile_header(hpat, &h, err, sizeof(err)), 0);
	sls_compile_header_free(&h);
	hpat[3 + SLS_RE_MAX] = 'a';
	hpat[4 + SLS_RE_MAX] = '\0';
	ck_assert_int_eq(sls_compile_header(hpat, &h, err, sizeof(err)), -1);
	ERR_PREFIX(err, "regular expression \"aaaa");
}
END_TEST

START_TEST(test_header)
{
	sls_hdr_cond_t h;
	char err[256];

	ck_assert_int_eq(sls_compile_header("User-Agent: friendly-scanner",
	    &h, err, sizeof(err)), 0);
	ck_assert_str_eq(h.name, "User-Agent");
	ck_assert_int_eq(h.type, SLS_HDR_USER_AGENT);
	ck_assert_int_eq(regexec(&h.re, "Friendly-Scanner 1.0", 0, NULL, 0),
	    0);
	sls_compile_header_free(&h);

	/* blanks around the name; compact names are the same header */
	ck_assert_int_eq(sls_compile_header("  f \t:  ^<sip:a@", &h, err,
	    sizeof(err)), 0);
	ck_assert_str_eq(h.name, "f");
	ck_assert_int_eq(h.type, SLS_HDR_FROM);
	sls_compile_header_free(&h);
	ck_assert_int_eq(sls_compile_header("X-Custom: .", &h, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(h.type, SLS_HDR_OTHER);
	sls_compile_header_free(&h);

	ck_assert_int_eq(sls_compile_header("X-Custom", &h, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "expected \"Name: ERE\"");
	ck_assert_int_eq(sls_compile_header("Bad Name: x", &h, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "bad header name");
	ck_assert_int_eq(sls_compile_header(": x", &h, err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err, "bad header name");
	ck_assert_int_eq(sls_compile_header("X-A: (", &h, err, sizeof(err)),
	    -1);
	ERR_PREFIX(err, "bad regular expression: ");
	/* a failed compile leaves nothing to free */
	sls_compile_header_free(&h);
}
END_TEST

START_TEST(test_tmpl)
{
	char err[256];
	sls_tmpl_t *t;

	/* only the first n bytes */
	t = sls_compile_tmpl("a$rUb", 4, err, sizeof(err));
	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(sls_tmpl_source(t), "a$rU");
	ck_assert(!sls_tmpl_is_const(t));
	sls_tmpl_free(t);
	ck_assert_ptr_null(sls_compile_tmpl("$zz", 3, err, sizeof(err)));
	ck_assert_str_eq(err, "unknown variable $zz");
}
END_TEST

START_TEST(test_branch)
{
	sls_branch_spec_t b;
	char err[256];

	ck_assert_int_eq(sls_compile_branch("sip:a@b", &b, err, sizeof(err)),
	    0);
	ck_assert_str_eq(sls_tmpl_source(b.uri), "sip:a@b");
	ck_assert_int_eq(b.q_milli, -1);
	sls_tmpl_free(b.uri);

	ck_assert_int_eq(sls_compile_branch(" sip:$rU@b\tq=0.5 ", &b, err,
	    sizeof(err)), 0);
	ck_assert_str_eq(sls_tmpl_source(b.uri), "sip:$rU@b");
	ck_assert_int_eq(b.q_milli, 500);
	sls_tmpl_free(b.uri);
	ck_assert_int_eq(sls_compile_branch("sip:x q=1", &b, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(b.q_milli, 1000);
	sls_tmpl_free(b.uri);
	ck_assert_int_eq(sls_compile_branch("sip:x q=0.125", &b, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(b.q_milli, 125);
	sls_tmpl_free(b.uri);

	ck_assert_int_eq(sls_compile_branch("sip:x q=1.5", &b, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "bad q value \"1.5\" (0 to 1, at most 3 "
	    "decimals)");
	ck_assert_ptr_null(b.uri);
	ck_assert_int_eq(sls_compile_branch("sip:x q=0.1234", &b, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "bad q value \"0.1234\" (0 to 1, at most 3 "
	    "decimals)");
	ck_assert_int_eq(sls_compile_branch("sip:x q=", &b, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "bad q value \"\" (0 to 1, at most 3 "
	    "decimals)");
	ck_assert_int_eq(sls_compile_branch("q=0.5", &b, err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err, "empty URI");
	ck_assert_int_eq(sls_compile_branch("  ", &b, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "empty URI");
	ck_assert_int_eq(sls_compile_branch("sip:$zz", &b, err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err, "unknown variable $zz");
}
END_TEST

START_TEST(test_append)
{
	char err[256];
	sls_tmpl_t *t;

	t = sls_compile_append("X-Seen: $si", err, sizeof(err));
	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(sls_tmpl_source(t), "X-Seen: $si");
	sls_tmpl_free(t);

	ck_assert_ptr_null(sls_compile_append("Via: x", err, sizeof(err)));
	ck_assert_str_eq(err, "Via is a header slserver writes itself");
	ck_assert_ptr_null(sls_compile_append("l: 0", err, sizeof(err)));
	ck_assert_str_eq(err, "l is a header slserver writes itself");
	ck_assert_ptr_null(sls_compile_append("CSeq: 1 X", err, sizeof(err)));
	ck_assert_str_eq(err, "CSeq is a header slserver writes itself");
	ck_assert_ptr_null(sls_compile_append("X-A x", err, sizeof(err)));
	ck_assert_str_eq(err, "expected \"Name: value\"");
	ck_assert_ptr_null(sls_compile_append("X A: x", err, sizeof(err)));
	ck_assert_str_eq(err, "expected \"Name: value\"");
	ck_assert_ptr_null(sls_compile_append("X-A: $", err, sizeof(err)));
	ERR_PREFIX(err, "'$' at the end of the template");
}
END_TEST

/* One reply spec that must fail with exactly this message. */
static void
reply_err(const char *spec, const char *want)
{
	sls_tmpl_t *code = (sls_tmpl_t *)1, *reason = (sls_tmpl_t *)1;
	char err[256];
	int cc = -1;

	ck_assert_int_eq(sls_compile_reply(spec, &code, &reason, &cc, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, want);
	ck_assert_ptr_null(code);
	ck_assert_ptr_null(reason);
}

START_TEST(test_reply)
{
	sls_tmpl_t *code, *reason;
	char err[256];
	int cc;

	ck_assert_int_eq(sls_compile_reply("404 Not Found - $rU", &code,
	    &reason, &cc, err, sizeof(err)), 0);
	ck_assert_int_eq(cc, 404);
	ck_assert_str_eq(sls_tmpl_source(code), "404");
	ck_assert_str_eq(sls_tmpl_source(reason), "Not Found - $rU");
	sls_tmpl_free(code);
	sls_tmpl_free(reason);

	ck_assert_int_eq(sls_compile_reply("  200 \t", &code, &reason, &cc,
	    err, sizeof(err)), 0);
	ck_assert_int_eq(cc, 200);
	ck_assert_ptr_null(reason);
	sls_tmpl_free(code);

	/* a code with variables is checked per request */
	ck_assert_int_eq(sls_compile_reply("$hdr(X-Code) Dynamic", &code,
	    &reason, &cc, err, sizeof(err)), 0);
	ck_assert_int_eq(cc, 0);
	ck_assert(!sls_tmpl_is_const(code));
	sls_tmpl_free(code);
	sls_tmpl_free(reason);

	reply_err("", "missing reply code");
	reply_err("   ", "missing reply code");
	reply_err("abc Bad", "reply code \"abc\" is not a number");
	reply_err("4o4 Bad", "reply code \"4o4\" is not a number");
	reply_err("99 Low", "reply code 99 out of range 100..699");
	reply_err("700", "reply code 700 out of range 100..699");
	reply_err("99999999999999999999999 Big",
	    "reply code 99999999999999999999999 out of range 100..699");
	reply_err("$zz x", "reply code: unknown variable $zz");
	reply_err("404 $zz", "reply reason: unknown variable $zz");
}
END_TEST

START_TEST(test_forward)
{
	static const struct {
		const char *spec, *host;
		unsigned port;
	} good[] = {
		{ "udp:proxy.example.com", "proxy.example.com", 5060 },
		{ "udp:192.0.2.1:5060", "192.0.2.1", 5060 },
		{ "udp:[2001:db8::1]", "2001:db8::1", 5060 },
		{ "udp:[::1]:5062", "::1", 5062 },
		{ "udp:h:65535", "h", 65535 },
	};
	static const char *const bad[] = {
		"tcp:h", "udp:", "udp::5060", "udp:[]", "udp:[::1", "udp:h:",
		"udp:h:65536", "udp:h:123456", "udp:h:x1", "udp:h:1:2",
		"udp:[::1]x", "udp:h:0",
	};
	char err[256], want[256], host[64];
	unsigned port;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ck_assert_int_eq(sls_compile_forward(good[i].spec, host,
		    sizeof(host), &port, err, sizeof(err)), 0);
		ck_assert_str_eq(host, good[i].host);
		ck_assert_uint_eq(port, good[i].port);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(want, sizeof(want), "forward \"%s\": expected "
		    "udp:HOST[:PORT]", bad[i]);
		ck_assert_int_eq(sls_compile_forward(bad[i], host,
		    sizeof(host), &port, err, sizeof(err)), -1);
		ck_assert_str_eq(err, want);
	}
	ck_assert_int_eq(sls_compile_forward("udp:averylonghostname", host,
	    8, &port, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "forward \"udp:averylonghostname\": host name "
	    "too long");
}
END_TEST

START_TEST(test_code)
{
	static const struct {
		const char *spec;
		unsigned lo, hi;
	} good[] = {
		{ "408", 408, 408 }, { "100", 100, 100 }, { "699", 699, 699 },
		{ "4xx", 400, 499 }, { "6XX", 600, 699 }, { " 1xx ", 100, 199 },
	};
	static const char *const bad[] = {
		"", "99", "700", "7xx", "0xx", "4x", "4xxx", "40x", "abc",
		"4 08", "-408",
	};
	sls_code_cond_t c;
	char err[256], want[256];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ck_assert_int_eq(sls_compile_code(good[i].spec, &c, err,
		    sizeof(err)), 0);
		ck_assert_uint_eq(c.lo, good[i].lo);
		ck_assert_uint_eq(c.hi, good[i].hi);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(want, sizeof(want), "code \"%s\": expected a reply "
		    "code 100..699 or a class 1xx..6xx", bad[i]);
		ck_assert_int_eq(sls_compile_code(bad[i], &c, err,
		    sizeof(err)), -1);
		ck_assert_str_eq(err, want);
	}
}
END_TEST

/* The warnings found in src, "|"-separated. */
static void
tmpl_warns(const char *src, const char *want)
{
	char warn[256], got[1024] = "";
	const char *p = src;
	sls_tmpl_t *t;

	/* the template compiles: a warning is not an error */
	t = sls_tmpl_compile(src, warn, sizeof(warn));
	ck_assert_ptr_nonnull(t);
	sls_tmpl_free(t);
	while ((p = sls_compile_tmpl_warn(p, warn, sizeof(warn))) != NULL) {
		if (got[0] != '\0')
			strcat(got, "|");
		strcat(got, warn);
	}
	ck_assert_str_eq(got, want);
}

#define GLUED(v, name, rest) v " is read as " name " followed by \"" rest \
	"\" (variable names have two letters and cannot be delimited; " \
	"separate the text from " name ")"

START_TEST(test_tmpl_warn)
{
	/* what is fine: a non-letter after the name, $$, $hdr(...) */
	tmpl_warns("", "");
	tmpl_warns("sip:$rU@$rd:$rp;user=phone", "");
	tmpl_warns("$rU $fU-$tU.$ci_$si/$sp", "");
	tmpl_warns("$$rUser costs $$5", "");
	tmpl_warns("$hdr(X-A)bc $hdr(User-Agent)123", "");
	tmpl_warns("$rU", "");

	tmpl_warns("Not Found - $rUser", GLUED("$rUser", "$rU", "ser"));
	tmpl_warns("$Ts1 and $fUx", GLUED("$Ts1", "$Ts", "1") "|"
	    GLUED("$fUx", "$fU", "x"));
	tmpl_warns("$rU$rUser$$rUxx", GLUED("$rUser", "$rU", "ser"));
	tmpl_warns("sip:$rUab12@h", GLUED("$rUab12", "$rU", "ab12"));
	/* the message shows at most 32 glued characters */
	tmpl_warns("$ci0123456789012345678901234567890123456789",
	    GLUED("$ci01234567890123456789012345678901", "$ci",
	    "01234567890123456789012345678901"));
}
END_TEST

START_TEST(test_method_warn)
{
	char warn[256];

	ck_assert(!sls_compile_method_warn("REGISTER", warn, sizeof(warn)));
	ck_assert(!sls_compile_method_warn("X-FOO.1", warn, sizeof(warn)));
	ck_assert(sls_compile_method_warn("register", warn, sizeof(warn)));
	ck_assert_str_eq(warn, "method \"register\" never matches REGISTER: "
	    "methods are case-sensitive (write \"REGISTER\")");
	ck_assert(sls_compile_method_warn("Invite", warn, sizeof(warn)));
	ck_assert_str_eq(warn, "method \"Invite\" never matches INVITE: "
	    "methods are case-sensitive (write \"INVITE\")");
	ck_assert(sls_compile_method_warn("x-foo.1", warn, sizeof(warn)));
	ck_assert_str_eq(warn, "method \"x-foo.1\" never matches X-FOO.1: "
	    "methods are case-sensitive (write \"X-FOO.1\")");
}
END_TEST

static Suite *
compile_suite(void)
{
	Suite *s = suite_create("compile");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_re);
	tcase_add_test(tc, test_re_limits);
	tcase_add_test(tc, test_header);
	tcase_add_test(tc, test_tmpl);
	tcase_add_test(tc, test_branch);
	tcase_add_test(tc, test_append);
	tcase_add_test(tc, test_reply);
	tcase_add_test(tc, test_forward);
	tcase_add_test(tc, test_code);
	tcase_add_test(tc, test_tmpl_warn);
	tcase_add_test(tc, test_method_warn);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(compile_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
