/*
 * Statistics: names of the counters, the code buckets of SPEC 5, and
 * sums over the per-process slots.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include <string.h>

#include "stats.h"

const sls_stat_info_t sls_stat_info[SLS_ST_COUNT] = {
#define SLS_STAT_INFO(id, g, n, h) [id] = { g, n, h },
	SLS_STATS_LIST(SLS_STAT_INFO)
#undef SLS_STAT_INFO
};

enum sls_stat_id
sls_stats_code_bucket(int code)
{
	switch (code) {
	case 200:
		return SLS_ST_200;
	case 202:
		return SLS_ST_202;
	case 300:
		return SLS_ST_300;
	case 301:
		return SLS_ST_301;
	case 302:
		return SLS_ST_302;
	case 400:
		return SLS_ST_400;
	case 401:
		return SLS_ST_401;
	case 403:
		return SLS_ST_403;
	case 404:
		return SLS_ST_404;
	case 407:
		return SLS_ST_407;
	case 408:
		return SLS_ST_408;
	case 483:
		return SLS_ST_483;
	case 500:
		return SLS_ST_500;
	default:
		break;
	}
	if (code >= 100 && code <= 199)
		return SLS_ST_1XX;
	if (code >= 200 && code <= 299)
		return SLS_ST_2XX;
	if (code >= 300 && code <= 399)
		return SLS_ST_3XX;
	if (code >= 400 && code <= 499)
		return SLS_ST_4XX;
	if (code >= 500 && code <= 599)
		return SLS_ST_5XX;
	if (code >= 600 && code <= 699)
		return SLS_ST_6XX;
	return SLS_ST_XXX;
}

void
sls_stats_count_reply(sls_stats_slot_t *s, int code)
{
	sls_stat_inc(s, sls_stats_code_bucket(code));
	sls_stat_inc(s, SLS_ST_SENT);
}

void
sls_stats_sum(const sls_stats_slot_t *slots, size_t n,
    uint64_t out[SLS_ST_COUNT])
{
	size_t i, j;

	for (j = 0; j < SLS_ST_COUNT; j++)
		out[j] = 0;
	for (i = 0; i < n; i++)
		for (j = 0; j < SLS_ST_COUNT; j++)
			out[j] += atomic_load_explicit(&slots[i].v[j],
			    memory_order_relaxed);
}

int
sls_stats_find(const char *name)
{
	const char *colon, *bare;
	size_t glen;
	int i;

	if (name == NULL)
		return -1;
	colon = strchr(name, ':');
	bare = colon != NULL ? colon + 1 : name;
	glen = colon != NULL ? (size_t)(colon - name) : 0;
	for (i = 0; i < SLS_ST_COUNT; i++) {
		if (strcmp(sls_stat_info[i].name, bare) != 0)
			continue;
		if (colon == NULL ||
		    (strlen(sls_stat_info[i].group) == glen &&
		    memcmp(sls_stat_info[i].group, name, glen) == 0))
			return i;
	}
	return -1;
}
