/*
 * Privileges: the service user and group named by the configuration,
 * the FIFO and runtime directory handed to them by the supervisor, and
 * the switch to them in each worker (privs.h says why only there).
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"
#include "privs.h"
#include "sup.h"

static int
lookup(const sls_conf_t *c, uid_t *uid, gid_t *gid)
{
	*uid = geteuid();
	*gid = getegid();
	if (c->user[0] != '\0') {
		struct passwd *pw = getpwnam(c->user);

		if (pw == NULL) {
			sls_warnx("unknown user '%s'", c->user);
			return -1;
		}
		*uid = pw->pw_uid;
		*gid = pw->pw_gid;
	}
	if (c->group[0] != '\0') {
		struct group *gr = getgrnam(c->group);

		if (gr == NULL) {
			sls_warnx("unknown group '%s'", c->group);
			return -1;
		}
		*gid = gr->gr_gid;
	}
	return 0;
}

int
sls_privs_resolve(const sls_conf_t *c, sls_privs_t *p)
{
	memset(p, 0, sizeof(*p));
	if (lookup(c, &p->uid, &p->gid) < 0)
		return -1;
	snprintf(p->name, sizeof(p->name), "%s:%s", c->user, c->group);
	if (c->user[0] == '\0' && c->group[0] == '\0')
		return 0;
	if (geteuid() != 0) {
		if (p->uid == geteuid() && p->gid == getegid())
			return 0;
		sls_warnx("user/group set but not started as root");
		return -1;
	}
	p->drop = true;
	return 0;
}

/* The directory part of path, in dir; false if it has none. */
static bool
dir_of(const char *path, char *dir, size_t len)
{
	char *slash;

	if (path[0] == '\0' || strlcpy(dir, path, len) >= len ||
	    (slash = strrchr(dir, '/')) == NULL || slash == dir)
		return false;
	*slash = '\0';
	return true;
}

/*
 * Make the directory of the pid file and of the FIFO when it is missing
 * (its parent must exist), and remember that we made it: only such a
 * directory is ever handed to the service user.
 */
int
sls_privs_make_rundirs(sup_t *s)
{
	const char *paths[2] = { s->conf->pidfile, s->conf->fifo };
	char dir[PATH_MAX];
	unsigned i;

	for (i = 0; i < 2; i++) {
		if (!dir_of(paths[i], dir, sizeof(dir)))
			continue;
		if (mkdir(dir, 0755) < 0) {
			if (errno == EEXIST)
				continue;
			sls_warn("mkdir(%s)", dir);
			return -1;
		}
		sls_log(LOG_INFO, "made the runtime directory %s", dir);
		if ((s->made_dir[i] = strdup(dir)) == NULL) {
			sls_warn("strdup");
			return -1;
		}
	}
	return 0;
}

/* systemd (240 and later) names the RuntimeDirectory= it made for us. */
static bool
made_by_systemd(const char *dir)
{
	const char *e = getenv("RUNTIME_DIRECTORY"), *end;
	size_t n = strlen(dir);

	for (; e != NULL && *e != '\0'; e = *end == ':' ? end + 1 : end) {
		end = e + strcspn(e, ":");
		if ((size_t)(end - e) == n && strncmp(e, dir, n) == 0)
			return true;
	}
	return false;
}

/*
 * The runtime directory belongs to the service user, as the init script
 * makes it, so that its slserverctl can make reply FIFOs there. A
 * directory is handed over only when we made it, or systemd made it for
 * us (RuntimeDirectory=, the unit has no User=: slserver binds as root
 * and drops privileges itself), and it is still root's: never a shared
 * one such as /run/lock that merely holds our pid file.
 */
static void
hand_over_rundir(sup_t *s, unsigned i, const char *path)
{
	const sls_privs_t *p = &s->privs;
	char dir[PATH_MAX];
	struct stat st;
	int fd;

	if (!dir_of(path, dir, sizeof(dir)))
		return;
	if ((s->made_dir[i] == NULL || strcmp(s->made_dir[i], dir) != 0) &&
	    !made_by_systemd(dir))
		return;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_uid != 0 ||
	    (st.st_uid == p->uid && st.st_gid == p->gid)) {
		if (fd >= 0)
			close(fd);
		return;
	}
	if (fchown(fd, p->uid, p->gid) < 0)
		sls_warn("chown(%s)", dir);
	else
		sls_log(LOG_INFO, "runtime directory %s handed to uid %d",
		    dir, (int)p->uid);
	close(fd);
}

/* The service user may use the FIFO, and make reply FIFOs beside it. */
int
sls_privs_hand_over(sup_t *s)
{
	const sls_privs_t *p = &s->privs;

	if (!p->drop)
		return 0;
	hand_over_rundir(s, 0, s->conf->pidfile);
	hand_over_rundir(s, 1, s->conf->fifo);
	if (s->have_fifo && sls_fifo_chown(&s->fifo, p->uid, p->gid) < 0)
		return -1;
	sls_log(LOG_INFO, "workers run as uid %d gid %d", (int)p->uid,
	    (int)p->gid);
	return 0;
}

/* Nothing of root is left: ids, groups, and no way back. */
static bool
dropped(const sls_privs_t *p)
{
	uid_t r, e, su;
	gid_t rg, eg, sg, groups[2];
	int n;

	if (getresuid(&r, &e, &su) < 0 || getresgid(&rg, &eg, &sg) < 0)
		return false;
	if (r != p->uid || e != p->uid || su != p->uid || rg != p->gid ||
	    eg != p->gid || sg != p->gid)
		return false;
	n = getgroups(2, groups);
	if (n < 0 || n > 1 || (n == 1 && groups[0] != p->gid))
		return false;
	/* Root can always go back; anyone else must not. */
	return (p->uid == 0 || setuid(0) < 0) && (p->gid == 0 || setgid(0) < 0);
}

int
sls_privs_drop(const sls_privs_t *p)
{
	if (!p->drop)
		return 0;
	/* The group list holds the service group alone. */
	if (setgroups(1, &p->gid) < 0 || setgid(p->gid) < 0 ||
	    setuid(p->uid) < 0) {
		sls_warn("switching to %s (uid %d gid %d) failed", p->name,
		    (int)p->uid, (int)p->gid);
		return -1;
	}
	if (!dropped(p)) {
		sls_warnx("switching to %s (uid %d gid %d) left privileges",
		    p->name, (int)p->uid, (int)p->gid);
		errno = EPERM;
		return -1;
	}
	return 0;
}
