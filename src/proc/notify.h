/*
 * The sd_notify readiness protocol without libsystemd.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_NOTIFY_H
#define SLS_NOTIFY_H

/*
 * Send msg ("READY=1", ...) to $NOTIFY_SOCKET; no-op when unset, and once
 * the socket is gone (ENOENT, ECONNREFUSED: logged once at debug).
 */
int sls_notify(const char *msg);

#endif
