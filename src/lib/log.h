/*
 * Logging to syslog or stderr; printf-checked; workers add a prefix.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_LOG_H
#define SLS_LOG_H

#include <stdbool.h>
#include <syslog.h>

#include "errlist.h"

void sls_log_open(int facility, bool to_stderr);
void sls_log_set_level(int level);
void sls_log_set_facility(int facility);
void sls_log_set_prefix(const char *prefix);	/* e.g. "worker 3: " */
/*
 * While on (syslog mode only), WARNING and more severe messages are also
 * written to stderr, so startup errors reach the terminal before the
 * daemon detaches.
 */
void sls_log_set_startup(bool on);
bool sls_log_enabled(int prio);
/*
 * Whether the system log socket at path (NULL: /dev/log) can be reached,
 * the way syslog(3) connects to it. If not, says so on stderr ("slserver:
 * cannot reach the system log (/dev/log): REASON; log lines will be lost")
 * and returns -1 with errno set; 0 when it can. Without a listener,
 * syslog(3) drops every line silently: call it once at start, before
 * detaching, when logging goes to syslog.
 */
int sls_log_probe_syslog(const char *path);

void sls_log(int prio, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/*
 * Messages are "slserver[pid]: level: prefix message" on stderr, "prefix
 * message" in syslog. All keep errno.
 * sls_warn: ERR with ": strerror(errno)" appended.
 */
void sls_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* ERR without errno. */
void sls_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Each message of a list, one log line each. */
void sls_log_errlist(int prio, const sls_errlist_t *e);

/*
 * Every log line goes through sls_log_escape() (so does what slserverctl
 * prints): a line cut to fit its buffer ends with SLS_LOG_CUT.
 */
#define SLS_LOG_CUT		"[truncated]"
#define SLS_ESC_KEEP_TEXT	0x1	/* keep HT and LF as they are */

/*
 * Copy in[0..len) to out[0..cap) (NUL-terminated; cap > 0) with every
 * control character made visible: C0 controls, DEL and bytes that are
 * not part of valid UTF-8 as "\xNN"; C1 controls (U+0080..U+009F), the
 * line and paragraph separators U+2028/U+2029 and the bidirectional
 * controls (U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069) as
 * "\uNNNN". Other UTF-8 is kept. It stops before a character whose copy
 * does not fit; *used (may be NULL) gets the input bytes done. Returns
 * the output length.
 */
size_t sls_log_escape(const char *in, size_t len, char *out, size_t cap,
    unsigned flags, size_t *used);

/*
 * "emerg" "alert" "crit" "err" "warning" "notice" "info" "debug" (also
 * "error", "warn"; any case) -> LOG_*; -1 if unknown. The name of a level
 * is the canonical one, "unknown" for a bad value.
 */
int sls_log_level_parse(const char *name);
const char *sls_log_level_name(int level);
/* "daemon", "local0".."local7", "user" -> LOG_*; -1 if unknown. */
int sls_log_facility_parse(const char *name);
const char *sls_log_facility_name(int facility);

#endif
