/*
 * Privileges: the service user and group named by the configuration,
 * the runtime directory handed to them, and the switch to them.
 */
#include "config.h"

#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/paths.h"
#include "sup.h"

int
sls_privs_resolve(const sls_conf_t *c, uid_t *uid, gid_t *gid)
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

int
sls_privs_drop(sup_t *s, uid_t uid, gid_t gid)
{
	if (s->conf->user[0] == '\0' && s->conf->group[0] == '\0')
		return 0;
	if (geteuid() != 0) {
		if (uid == geteuid() && gid == getegid())
			return 0;
		sls_warnx("user/group set but not started as root");
		return -1;
	}
	hand_over_rundir(s->conf->pidfile, uid, gid);
	hand_over_rundir(s->conf->fifo, uid, gid);
	if (s->have_fifo && sls_fifo_chown(&s->fifo, uid, gid) < 0)
		return -1;
	if (setgroups(0, NULL) < 0 || setgid(gid) < 0 || setuid(uid) < 0) {
		sls_warn("dropping privileges to %s:%s", s->conf->user,
		    s->conf->group);
		return -1;
	}
	sls_log(LOG_INFO, "running as uid %d gid %d", (int)uid, (int)gid);
	return 0;
}
