/*
 * Overflow-safe parsing of the numbers slserver reads: plain decimal
 * digits (no sign, no spaces), checked against a bound before they can
 * wrap, whatever the width of long; every decimal parser takes [b, e).
 * And the fixed-width hex of to-tags and branches, both ways.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_NUM_H
#define SLS_NUM_H

#include <stdbool.h>
#include <stdint.h>

/* 1*DIGIT with a value <= max; false when empty, non-digit or > max. */
bool sls_parse_uint(const char *b, const char *e, uint64_t max,
    uint64_t *out);
/* A port: 1*DIGIT, 0..65535 (callers that need 1.. check for 0). */
bool sls_parse_port(const char *b, const char *e, unsigned *out);
/*
 * Fixed-width lowercase hex, as in to-tags and branches: v's low
 * 4 * ndig bits as ndig digits at out (no NUL); and back, false on any
 * character that is not 0-9 or a-f (ndig <= 16).
 */
void sls_put_hex(char *out, uint64_t v, int ndig);
bool sls_parse_hex(const char *p, int ndig, uint64_t *out);
/* RFC 3261 qvalue ("0" ["." 0*3DIGIT] / "1" ["." 0*3("0")]) in 1/1000. */
bool sls_parse_qvalue(const char *b, const char *e, int *milli);

#endif
