/*
 * Test helper: remove a directory a test made with mkdtemp(), never
 * following symbolic links, and only when its path holds the test's
 * own marker (so a wrong path cannot remove anything else).
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_RMTREE_H
#define SLS_RMTREE_H

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static inline int
rmtree_one(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if ((flag == FTW_DP ? rmdir(path) : unlink(path)) < 0)
		fprintf(stderr, "could not remove %s: %s\n", path,
		    strerror(errno));
	return 0;
}

/* Remove path if it contains marker (e.g. "/check_fifo."). */
static inline void
rm_tree_marked(const char *path, const char *marker)
{
	if (strstr(path, marker) != NULL)
		nftw(path, rmtree_one, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
