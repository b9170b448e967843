/*
 * The workers' seccomp filter (libseccomp). A worker loads it last,
 * right before it reports ready: by then it has dropped privileges,
 * closed what is not its own, allocated its buffers and made its log
 * connection. What is left is the packet loop, and these calls are all
 * it makes (found with strace under load, with xlog lines to stderr and
 * to syslog, across SIGQUIT, SIGTERM, SIGSTOP/SIGCONT); any other call
 * kills the whole worker (SCMP_ACT_KILL_PROCESS), which the supervisor
 * logs and respawns.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <errno.h>
#include <seccomp.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/log.h"
#include "sanitizer.h"
#include "seccomp.h"

/* Allowed whatever the arguments. */
static const int plain[] = {
	/* the packet loop */
	SCMP_SYS(recvmmsg), SCMP_SYS(sendmmsg), SCMP_SYS(ppoll),
	SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday),
	/* signals: handlers return, stops restart a call */
	SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(restart_syscall),
	/* the log: "slserver[pid]" on stderr, syslog(3) with LOG_PID,
	   which sends and, when the log daemon restarted, connects again */
	SCMP_SYS(getpid), SCMP_SYS(sendto), SCMP_SYS(connect),
	SCMP_SYS(close),
	/* malloc (regexec allocates; long log lines) */
	SCMP_SYS(brk), SCMP_SYS(munmap), SCMP_SYS(mremap),
	SCMP_SYS(madvise),
	/* libc's internal locks (a wake seen once, at the first xlog) */
	SCMP_SYS(futex),
	/* the end: exit, or abort() on a libc assertion */
	SCMP_SYS(exit_group), SCMP_SYS(exit), SCMP_SYS(gettid),
};

static int
add(scmp_filter_ctx ctx, int nr, unsigned n, const struct scmp_arg_cmp *a)
{
	return seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, n, a);
}

/* Allowed with these arguments only. */
static int
add_narrow(scmp_filter_ctx ctx, int wake_fd)
{
	struct scmp_arg_cmp a;
	int rc;

	/* log lines and libc's last words go to stderr only */
	a = SCMP_A0(SCMP_CMP_EQ, STDERR_FILENO);
	if ((rc = add(ctx, SCMP_SYS(write), 1, &a)) < 0 ||
	    (rc = add(ctx, SCMP_SYS(writev), 1, &a)) < 0)
		return rc;
	/* and the wake-up of the timer process, to its eventfd */
	if (wake_fd >= 0) {
		a = SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)wake_fd);
		if ((rc = add(ctx, SCMP_SYS(write), 1, &a)) < 0)
			return rc;
	}
	/* memory, never executable */
	a = SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0);
	if ((rc = add(ctx, SCMP_SYS(mmap), 1, &a)) < 0)
		return rc;
	/* the syslog socket again, nothing else */
	a = SCMP_A0(SCMP_CMP_EQ, AF_UNIX);
	if ((rc = add(ctx, SCMP_SYS(socket), 1, &a)) < 0)
		return rc;
	/* abort() signals itself */
	a = SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid());
	return add(ctx, SCMP_SYS(tgkill), 1, &a);
}

int
sls_seccomp_worker(int wake_fd)
{
	scmp_filter_ctx ctx;
	size_t i;
	int rc = 0;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		sls_warn("prctl(PR_SET_NO_NEW_PRIVS)");
		return -1;
	}
	if (SLS_SANITIZED) {
		/* the sanitizers' own calls (reports, exit) are unknown */
		sls_log(LOG_DEBUG, "sanitizer build: no seccomp filter");
		return 0;
	}
	if ((ctx = seccomp_init(SCMP_ACT_KILL_PROCESS)) == NULL) {
		sls_warnx("seccomp_init failed");
		return -1;
	}
	/* Calls of another ABI (x32, i386 on x86-64) are killed too. */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
	    SCMP_ACT_KILL_PROCESS);
	for (i = 0; rc == 0 && i < sizeof(plain) / sizeof(plain[0]); i++)
		rc = add(ctx, plain[i], 0, NULL);
	if (rc == 0)
		rc = add_narrow(ctx, wake_fd);
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc < 0) {
		errno = -rc;
		sls_warn("loading the seccomp filter");
		return -1;
	}
	return 0;
}
