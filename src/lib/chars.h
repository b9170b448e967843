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

/* RFC 3261 token characters (alphanum and -.!%*_+`'~), a table because
   the SIP scanners ask for every byte of every header. */
extern const bool sls_token_chars[256];

static inline bool
sls_is_token_char(unsigned char c)
{
	return sls_token_chars[c];
}

/* ASCII lowercase of every byte (others unchanged), a table for the
   same reason: header and parameter names are compared ignoring case. */
extern const unsigned char sls_lower[256];

static inline unsigned char
sls_to_lower(unsigned char c)
{
	return sls_lower[c];
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
