/*
 * The configuration, loaded from slserver.conf into an immutable
 * sls_conf_t. conf/ is the only includer of <confuse.h> (through its
 * private internal.h; this header does not include it).
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_CONF_H
#define SLS_CONF_H

#include "core/settings.h"
#include "lib/errlist.h"


/*
 * Load and validate a config file. On success *conf is set and 0 returned;
 * on failure -1, *conf NULL, and errs holds every "FILE:LINE: message"
 * ("FILE: message" for what has no line: a file that cannot be read, an
 * empty listen list). Nothing is logged: the caller shows the messages.
 * FILE is path as given. Not reentrant (libconfuse's lexer is global).
 *
 * warns (NULL: not wanted) gets "FILE:LINE: warning: message" for what
 * is valid but most likely not meant ($rUser is $rU then "ser"; a method
 * in lower case), whether the load succeeds or not; a warning never
 * fails it. -t prints them, start and reload log them at warning.
 */
int sls_conf_load(const char *path, sls_conf_t **conf, sls_errlist_t *errs,
    sls_errlist_t *warns);
/*
 * The text of a config file, NUL-terminated (free it), refused when too
 * large or holding a NUL byte: 0, or -1 with "FILE: message" in errs.
 * sls_conf_load is this and sls_conf_load_buf; a caller that compiles
 * the text in a disposable process first loads that same text after.
 */
int sls_conf_read(const char *path, char **text, sls_errlist_t *errs);
/* The same from a buffer; name is used as FILE in messages. */
int sls_conf_load_buf(const char *buf, const char *name, sls_conf_t **conf,
    sls_errlist_t *errs, sls_errlist_t *warns);
void sls_conf_free(sls_conf_t *conf);

/*
 * Compare the restart-only options (listen as a set of addresses,
 * socket_mode, user, group, pidfile, fifo, sl.table_size,
 * limits.table_size, tm.table_size, metrics_listen); add one message per
 * changed option to errs, FILE being cur->path ("FILE: option 'listen'
 * cannot change on reload; restart"). Returns the number of changed
 * options. workers is not among them: it may change on reload.
 */
int sls_conf_restart_diff(const sls_conf_t *old, const sls_conf_t *cur,
    sls_errlist_t *errs);

/* Option names as the config table knows them ("listen", "sl.ack_timeout"),
   NULL-terminated, for the documentation test. */
extern const char *const sls_conf_option_names[];

#endif
