/*
 * The one set of character classes: RFC 3261 token characters, digits,
 * and the control characters that never reach a reply, a log line or a
 * FIFO reply (all C0 controls but HT, and DEL).
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_CHARS_H
#define SLS_CHARS_H

#include <stdbool.h>
#include <stddef.h>

static inline bool
sls_is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static inline bool
sls_is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* RFC 3261 token: alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" /
   "`" / "'" / "~" */
static inline bool
sls_is_token_char(unsigned char c)
{
	switch (c) {
	case '-': case '.': case '!': case '%': case '*':
	case '_': case '+': case '`': case '\'': case '~':
		return true;
	default:
		return sls_is_alpha(c) || sls_is_digit(c);
	}
}

/* A control character other than HT (HT is allowed in SIP text). */
static inline bool
sls_is_ctl(unsigned char c)
{
	return (c < 0x20 && c != '\t') || c == 0x7f;
}

/* s[0..n) is a non-empty token. */
bool sls_is_token(const char *s, size_t n);
/* s[0..n) holds a control character (sls_is_ctl). */
bool sls_has_ctl(const char *s, size_t n);

#endif
