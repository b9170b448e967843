/*
 * Whether this is a sanitizer build (configure --enable-sanitizers).
 * AddressSanitizer reserves terabytes of address space and makes system
 * calls of its own (at exit, on a report), so memory limits and the
 * workers' seccomp filter are left out of such builds.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#ifndef SLS_SANITIZER_H
#define SLS_SANITIZER_H

#if defined(__SANITIZE_ADDRESS__)
#define SLS_SANITIZED	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLS_SANITIZED	1
#endif
#endif
#ifndef SLS_SANITIZED
#define SLS_SANITIZED	0
#endif

#endif
