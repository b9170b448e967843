/*
 * The lexical layer of the SIP codec, shared by its files and used by
 * nothing else: the character classes of RFC 3261 §25.1 that lib/chars.h
 * does not have, and bounded scanners over [p, end) built on both. No
 * scanner reads at or past end.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_SIP_LEX_H
#define SLS_SIP_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/chars.h"
#include "lib/str.h"

/*
 * SIP character classes (RFC 3261 §25.1) beyond lib/chars.h, which has
 * token, digit and alpha.
 */
#define C_WS	0x0001	/* SP HT CR LF: what folding leaves in a value */
#define C_HEX	0x0002
#define C_HOST	0x0004	/* hostname / IPv4address: alphanum - . _ */
#define C_SCH	0x0008	/* scheme after its first letter */
#define C_USER	0x0010	/* unreserved / user-unreserved */
#define C_PASS	0x0020	/* unreserved / & = + $ , */
#define C_PARAM	0x0040	/* paramchar without escapes */
#define C_HNV	0x0080	/* hname / hvalue chars without escapes */
#define C_VAL	0x0100	/* gen-value: token, host, IPv6 reference */

/* unreserved = alphanum / mark: in every URI component */
#define C_UNR	(C_USER | C_PASS | C_PARAM | C_HNV)
#define C_ALNUM	(C_HOST | C_SCH | C_UNR | C_VAL)

/* The table itself is in lex.c. */
extern const uint16_t sls_sip_cc[256];

#define IS(c, m)	((sls_sip_cc[(uint8_t)(c)] & (m)) != 0)

static inline const char *
skip_cls(const char *p, const char *end, uint16_t m)
{
	while (p < end && IS(*p, m))
		p++;
	return p;
}

static inline const char *
skip_ws(const char *p, const char *end)
{
	return skip_cls(p, end, C_WS);
}

static inline const char *
skip_token(const char *p, const char *end)
{
	while (p < end && sls_is_token_char((unsigned char)*p))
		p++;
	return p;
}

static inline const char *
skip_digits(const char *p, const char *end)
{
	while (p < end && sls_is_digit((unsigned char)*p))
		p++;
	return p;
}

/* token / LWS run, as an unquoted display name may be */
static inline const char *
skip_token_ws(const char *p, const char *end)
{
	while (p < end && (sls_is_token_char((unsigned char)*p) ||
	    IS(*p, C_WS)))
		p++;
	return p;
}

static inline const char *
rtrim(const char *b, const char *e)
{
	while (e > b && IS(e[-1], C_WS))
		e--;
	return e;
}

static inline bool
is_sp(char c)
{
	return c == ' ' || c == '\t';
}

static inline unsigned char
lc(unsigned char c)
{
	return sls_to_lower(c);
}

/* ASCII case-insensitive compare of n bytes; NUL is an ordinary byte. */
static inline bool
ceq(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (lc((unsigned char)a[i]) != lc((unsigned char)b[i]))
			return false;
	return true;
}

/* Eight bytes with ASCII A-Z lowered, the others as they are (SWAR). */
static inline uint64_t
lower8(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ULL;
	uint64_t low7 = x & 0x7f * ones;
	uint64_t ge_a = low7 + (0x80 - 'A') * ones;	/* high bit: >= 'A' */
	uint64_t gt_z = low7 + (0x7f - 'Z') * ones;	/* high bit: > 'Z' */

	return x | ((ge_a ^ gt_z) & ~x & 0x80 * ones) >> 2;
}

/*
 * The same against lower, which is in lowercase already (a literal):
 * eight bytes at a time, the callers' n being a constant.
 */
static inline bool
ceq_lower(const char *a, const char *lower, size_t n)
{
	uint64_t x, y;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, lower + i, 8);
		if (lower8(x) != y)
			return false;
	}
	if (i == n)
		return true;
	x = y = 0;
	memcpy(&x, a + i, n - i);
	memcpy(&y, lower + i, n - i);
	return lower8(x) == y;
}

static inline sls_str_t
mkstr(const char *b, const char *e)
{
	return (sls_str_t){ b, (size_t)(e - b) };
}

/* s equals the literal, ignoring case; lit is written in lowercase */
#define STR_CASEIS(x, lit) \
	((x).len == sizeof(lit) - 1 && \
	    ceq_lower((x).s, (lit), sizeof(lit) - 1))
#define STR_IS(x, lit) \
	((x).len == sizeof(lit) - 1 && memcmp((x).s, (lit), (x).len) == 0)

/* p at '"': the byte after the closing quote, NULL if unterminated. */
static inline const char *
skip_quoted(const char *p, const char *end)
{
	p++;
	while (p < end) {
		if (*p == '\\') {
			if (end - p < 2)
				return NULL;
			p += 2;
		} else if (*p == '"') {
			return p + 1;
		} else {
			p++;
		}
	}
	return NULL;
}

/* %HH at p? */
static inline bool
is_escape(const char *p, const char *end)
{
	return end - p >= 3 && *p == '%' && IS(p[1], C_HEX) && IS(p[2], C_HEX);
}

/* Skip chars of class m and %HH escapes. */
static inline const char *
skip_esc(const char *p, const char *end, uint16_t m)
{
	while (p < end) {
		if (IS(*p, m))
			p++;
		else if (is_escape(p, end))
			p += 3;
		else
			break;
	}
	return p;
}

#endif
