/*
 * Privileges: the service user and group named by the configuration,
 * the FIFO and runtime directory handed to them by the supervisor, and
 * the switch to them in each worker (privs.h says why only there).
 *
 * Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/paths.h"
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

/*
 * The runtime directory belongs to the service user, as the init script
 * makes it. systemd's RuntimeDirectory= makes it root's (the unit has no
 * User=: slserver binds as root and drops privileges itself), so a
 * directory of root's directly under SLS_RUNSTATEDIR that holds our pid
 * file or FIFO is handed over here; nothing outside it is ever chowned.
 */
static void
hand_over_rundir(const char *path, uid_t uid, gid_t gid)
{
	size_t n = strlen(SLS_RUNSTATEDIR);
	char dir[PATH_MAX], *slash;
	struct stat st;

	if (path[0] == '\0' || strlcpy(dir, path, sizeof(dir)) >= sizeof(dir))
		return;
	if ((slash = strrchr(dir, '/')) == NULL)
		return;
	*slash = '\0';
	if (strncmp(dir, SLS_RUNSTATEDIR "/", n + 1) != 0 ||
	    dir[n + 1] == '\0' || strchr(dir + n + 1, '/') != NULL)
		return;
	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != 0 ||
	    (st.st_uid == uid && st.st_gid == gid))
		return;
	if (chown(dir, uid, gid) < 0)
		sls_warn("chown(%s)", dir);
	else
		sls_log(LOG_INFO, "runtime directory %s handed to uid %d",
		    dir, (int)uid);
}

/* The service user may use the FIFO, and make reply FIFOs beside it. */
int
sls_privs_hand_over(sup_t *s)
{
	const sls_privs_t *p = &s->privs;

	if (!p->drop)
		return 0;
	hand_over_rundir(s->conf->pidfile, p->uid, p->gid);
	hand_over_rundir(s->conf->fifo, p->uid, p->gid);
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
