/* Copyright (c) 2026 The slserver authors. ISC licence: see COPYING. */

#include "config.h"

#include "chars.h"

bool
sls_is_token(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++)
		if (!sls_is_token_char((unsigned char)s[i]))
			return false;
	return true;
}

bool
sls_has_ctl(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (sls_is_ctl((unsigned char)s[i]))
			return true;
	return false;
}
