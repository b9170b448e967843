/* Copyright (c) 2026 The slserver authors. ISC licence: see COPYING. */

#include "config.h"

#include "chars.h"
#include "num.h"

bool
sls_parse_uint(const char *b, const char *e, uint64_t max, uint64_t *out)
{
	uint64_t v = 0, d;

	if (b >= e)
		return false;
	for (; b < e; b++) {
		if (!sls_is_digit((unsigned char)*b))
			return false;
		d = (uint64_t)(*b - '0');
		if (v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

bool
sls_parse_port(const char *b, const char *e, unsigned *out)
{
	uint64_t v;

	if (!sls_parse_uint(b, e, 65535, &v))
		return false;
	*out = (unsigned)v;
	return true;
}

bool
sls_parse_qvalue(const char *b, const char *e, int *milli)
{
	int v, i, scale = 100;

	if (b >= e || (*b != '0' && *b != '1'))
		return false;
	v = (*b++ - '0') * 1000;
	if (b < e && *b == '.') {
		b++;
		for (i = 0; i < 3 && b < e && sls_is_digit((unsigned char)*b);
		    i++, b++) {
			v += (*b - '0') * scale;
			scale /= 10;
		}
	}
	if (b != e || v > 1000)
		return false;
	*milli = v;
	return true;
}

static const char hexdig[] = "0123456789abcdef";

void
sls_put_hex(char *out, uint64_t v, int ndig)
{
	int i;

	for (i = ndig - 1; i >= 0; i--) {
		out[i] = hexdig[v & 0xf];
		v >>= 4;
	}
}

/* Value of each lowercase hex digit plus one; 0 for anything else. */
static const uint8_t hexval[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15,
	['f'] = 16,
};

bool
sls_parse_hex(const char *p, int ndig, uint64_t *out)
{
	uint64_t v = 0;
	uint8_t d, bad = 0;
	int i;

	for (i = 0; i < ndig; i++) {
		d = hexval[(unsigned char)p[i]];
		bad |= (uint8_t)(d == 0);
		v = v << 4 | ((uint64_t)(d - 1) & 0xf);
	}
	*out = v;
	return bad == 0;
}
