/*
 * Daemon mode (neither -n nor -d): the starting process forks, the child
 * runs the server in a new session, and the parent exits only once the
 * child reports ready through a pipe, or with the child's exit status if
 * startup failed, so the caller sees the real outcome.
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon.h"

/*
 * Detach: the parent waits until the child reports ready (a byte on the
 * pipe) or exits, so startup errors reach the caller's exit status.
 */
int
sls_daemonize(int *ready_fd)
{
	int p[2], status;
	char c;
	pid_t pid;
	ssize_t n;

	if (pipe2(p, O_CLOEXEC) < 0) {
		perror("slserver: pipe");
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		perror("slserver: fork");
		return -1;
	}
	if (pid > 0) {
		close(p[1]);
		do
			n = read(p[0], &c, 1);
		while (n < 0 && errno == EINTR);
		if (n == 1)
			_exit(0);
		if (waitpid(pid, &status, 0) == pid && WIFEXITED(status))
			_exit(WEXITSTATUS(status));
		_exit(1);
	}
	close(p[0]);
	if (setsid() < 0)
		return -1;
	*ready_fd = p[1];
	return 0;
}

/* A detached daemon prints nothing once ready. */
void
sls_daemon_detach_stdio(void)
{
	int fd = open("/dev/null", O_RDWR);

	if (fd < 0)
		return;
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
}
