/*
 * The bounded writer's number formats (see writer.h).
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include "writer.h"

void
sls_put_uint(sls_writer_t *w, unsigned v)
{
	char tmp[10];
	size_t n = sizeof(tmp);

	do {
		tmp[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0 && n > 0);
	sls_put(w, tmp + n, sizeof(tmp) - n);
}

void
sls_put_q(sls_writer_t *w, int q)
{
	char buf[5] = { '0', '.', 0, 0, 0 };
	size_t n = 5;

	if (q >= 1000) {
		SLS_PUT_LIT(w, "1");
		return;
	}
	if (q <= 0) {
		SLS_PUT_LIT(w, "0");
		return;
	}
	buf[2] = (char)('0' + q / 100);
	buf[3] = (char)('0' + q / 10 % 10);
	buf[4] = (char)('0' + q % 10);
	while (buf[n - 1] == '0')
		n--;
	sls_put(w, buf, n);
}
