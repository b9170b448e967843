/*
 * Unit tests of src/lib/num.c and src/lib/chars.c: the one set of number
 * parsers and character classes.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "lib/chars.h"
#include "lib/num.h"

static bool
u(const char *s, uint64_t max, uint64_t *v)
{
	return sls_parse_uint(s, s + strlen(s), max, v);
}

START_TEST(test_uint)
{
	uint64_t v;

	ck_assert(u("0", 10, &v) && v == 0);
	ck_assert(u("007", 10, &v) && v == 7);
	ck_assert(u("4294967295", UINT32_MAX, &v) && v == UINT32_MAX);
	/* would wrap to 8 in 32 bits */
	ck_assert(!u("4294967304", UINT32_MAX, &v));
	ck_assert(u("18446744073709551615", UINT64_MAX, &v) &&
	    v == UINT64_MAX);
	ck_assert(!u("18446744073709551616", UINT64_MAX, &v));
	ck_assert(!u("", 10, &v));
	ck_assert(!u("1a", 10, &v));
	ck_assert(!u("-1", 10, &v));
	ck_assert(!u(" 1", 10, &v));
	ck_assert(!u("11", 10, &v));
	ck_assert(u("10", 10, &v) && v == 10);
}
END_TEST

START_TEST(test_hex)
{
	char buf[17];
	uint64_t v;

	sls_put_hex(buf, 0x0123456789abcdefULL, 16);
	ck_assert(memcmp(buf, "0123456789abcdef", 16) == 0);
	sls_put_hex(buf, 0xfedcba98ULL, 8);
	ck_assert(memcmp(buf, "fedcba98", 8) == 0);
	/* only the low 4 * ndig bits */
	sls_put_hex(buf, 0x1234ULL, 2);
	ck_assert(memcmp(buf, "34", 2) == 0);
	ck_assert(sls_parse_hex("0123456789abcdef", 16, &v) &&
	    v == 0x0123456789abcdefULL);
	ck_assert(sls_parse_hex("ffffffffffffffff", 16, &v) &&
	    v == UINT64_MAX);
	ck_assert(sls_parse_hex("00ff", 4, &v) && v == 0xff);
	ck_assert(sls_parse_hex("x", 0, &v) && v == 0);
	/* lowercase only: what we write is what we accept */
	ck_assert(!sls_parse_hex("00FF", 4, &v));
	ck_assert(!sls_parse_hex("0g", 2, &v));
	ck_assert(!sls_parse_hex("0/", 2, &v));
	ck_assert(!sls_parse_hex("0:", 2, &v));
	ck_assert(!sls_parse_hex("0`", 2, &v));
	ck_assert(!sls_parse_hex("0\xe1", 2, &v));
	ck_assert(!sls_parse_hex("1\0", 2, &v));
}
END_TEST

START_TEST(test_port)
{
	unsigned p;

	ck_assert(sls_parse_port("5060", "5060" + 4, &p) && p == 5060);
	ck_assert(sls_parse_port("65535", "65535" + 5, &p) && p == 65535);
	ck_assert(sls_parse_port("0", "0" + 1, &p) && p == 0);
	ck_assert(!sls_parse_port("65536", "65536" + 5, &p));
	ck_assert(!sls_parse_port("", "", &p));
}
END_TEST

static bool
q(const char *s, int *m)
{
	return sls_parse_qvalue(s, s + strlen(s), m);
}

START_TEST(test_qvalue)
{
	int m;

	ck_assert(q("0", &m) && m == 0);
	ck_assert(q("0.5", &m) && m == 500);
	ck_assert(q("0.125", &m) && m == 125);
	ck_assert(q("1", &m) && m == 1000);
	ck_assert(q("1.000", &m) && m == 1000);
	ck_assert(q("0.", &m) && m == 0);
	ck_assert(!q("1.001", &m));
	ck_assert(!q("0.1234", &m));
	ck_assert(!q("2", &m));
	ck_assert(!q("", &m));
	ck_assert(!q(".5", &m));
}
END_TEST

START_TEST(test_chars)
{
	ck_assert(sls_is_token("INVITE", 6));
	ck_assert(sls_is_token("a-b.c!%*_+`'~", 13));
	ck_assert(!sls_is_token("", 0));
	ck_assert(!sls_is_token("a b", 3));
	ck_assert(!sls_is_token("a:b", 3));
	ck_assert(!sls_has_ctl("a\tb", 3));
	ck_assert(sls_has_ctl("a\rb", 3));
	ck_assert(sls_has_ctl("a\x7f", 2));
	ck_assert(sls_has_ctl("a\0b", 3));
	ck_assert(!sls_is_ctl(' '));
	ck_assert(sls_is_digit('9') && !sls_is_digit('a'));
}
END_TEST

/* The token table against RFC 3261's definition, byte by byte. */
START_TEST(test_token_table)
{
	int c;
	bool want;

	for (c = 0; c < 256; c++) {
		want = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') ||
		    (c != 0 && strchr("-.!%*_+`'~", c) != NULL);
		ck_assert_msg(sls_is_token_char((unsigned char)c) == want,
		    "byte 0x%02x", c);
	}
}
END_TEST

START_TEST(test_lower_table)
{
	int c;

	for (c = 0; c < 256; c++)
		ck_assert_msg(sls_to_lower((unsigned char)c) ==
		    (c >= 'A' && c <= 'Z' ? c + 32 : c), "byte 0x%02x", c);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("lib");
	TCase *tc = tcase_create("num");
	SRunner *sr;
	int nf;

	tcase_add_test(tc, test_uint);
	tcase_add_test(tc, test_port);
	tcase_add_test(tc, test_hex);
	tcase_add_test(tc, test_qvalue);
	tcase_add_test(tc, test_chars);
	tcase_add_test(tc, test_token_table);
	tcase_add_test(tc, test_lower_table);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
