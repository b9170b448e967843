/*
 * The SIP character class table (see lex.h).
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include "lex.h"

const uint16_t sls_sip_cc[256] = {
	[' '] = C_WS, ['\t'] = C_WS, ['\r'] = C_WS, ['\n'] = C_WS,
	['0' ... '9'] = C_ALNUM | C_HEX,
	['A' ... 'F'] = C_ALNUM | C_HEX,
	['G' ... 'Z'] = C_ALNUM,
	['a' ... 'f'] = C_ALNUM | C_HEX,
	['g' ... 'z'] = C_ALNUM,
	['-'] = C_HOST | C_SCH | C_UNR | C_VAL,
	['.'] = C_HOST | C_SCH | C_UNR | C_VAL,
	['_'] = C_HOST | C_UNR | C_VAL,
	['!'] = C_UNR | C_VAL,
	['~'] = C_UNR | C_VAL,
	['*'] = C_UNR | C_VAL,
	['\''] = C_UNR | C_VAL,
	['('] = C_UNR,
	[')'] = C_UNR,
	['%'] = C_VAL,
	['+'] = C_SCH | C_UNR | C_VAL,
	['`'] = C_VAL,
	['&'] = C_USER | C_PASS | C_PARAM,
	['='] = C_USER | C_PASS,
	['$'] = C_USER | C_PASS | C_PARAM | C_HNV,
	[','] = C_USER | C_PASS,
	[';'] = C_USER,
	['?'] = C_USER | C_HNV,
	['/'] = C_USER | C_PARAM | C_HNV,
	[':'] = C_PARAM | C_HNV | C_VAL,
	['['] = C_PARAM | C_HNV | C_VAL,
	[']'] = C_PARAM | C_HNV | C_VAL,
};
