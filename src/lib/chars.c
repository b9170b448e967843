/* Copyright (c) 2026 The slserver authors. ISC licence: see COPYING. */

#include "config.h"

#include "chars.h"

#define T(c)	[c] = true
#define LOWER(c)	((c) >= 'A' && (c) <= 'Z' ? (c) + 32 : (c))
#define LOWER4(c)	LOWER(c), LOWER((c) + 1), LOWER((c) + 2), LOWER((c) + 3)
#define LOWER16(c)	LOWER4(c), LOWER4((c) + 4), LOWER4((c) + 8), \
			LOWER4((c) + 12)
#define LOWER64(c)	LOWER16(c), LOWER16((c) + 16), LOWER16((c) + 32), \
			LOWER16((c) + 48)

const unsigned char sls_lower[256] = {
	LOWER64(0), LOWER64(64), LOWER64(128), LOWER64(192)
};

const bool sls_token_chars[256] = {
	T('-'), T('.'), T('!'), T('%'), T('*'), T('_'), T('+'), T('`'),
	T('\''), T('~'),
	T('0'), T('1'), T('2'), T('3'), T('4'), T('5'), T('6'), T('7'),
	T('8'), T('9'),
	T('A'), T('B'), T('C'), T('D'), T('E'), T('F'), T('G'), T('H'),
	T('I'), T('J'), T('K'), T('L'), T('M'), T('N'), T('O'), T('P'),
	T('Q'), T('R'), T('S'), T('T'), T('U'), T('V'), T('W'), T('X'),
	T('Y'), T('Z'),
	T('a'), T('b'), T('c'), T('d'), T('e'), T('f'), T('g'), T('h'),
	T('i'), T('j'), T('k'), T('l'), T('m'), T('n'), T('o'), T('p'),
	T('q'), T('r'), T('s'), T('t'), T('u'), T('v'), T('w'), T('x'),
	T('y'), T('z'),
};
#undef T

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
