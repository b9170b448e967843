/*
 * Closing what a process inherited but does not own.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <stdbool.h>
#include <unistd.h>

#include "fds.h"

static bool
kept(int fd, const int *keep, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (keep[i] == fd)
			return true;
	return false;
}

void
sls_close_except(const int *keep, size_t n)
{
	int fd, top = STDERR_FILENO;
	size_t i;

	for (i = 0; i < n; i++)
		if (keep[i] > top)
			top = keep[i];
	/* The gaps below the highest kept one, then everything above. */
	for (fd = STDERR_FILENO + 1; fd < top; fd++)
		if (!kept(fd, keep, n))
			close(fd);
	closefrom(top + 1);
}
