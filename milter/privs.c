/* privs.c - run as an unprivileged user: the socket is opened as root, handed over, then root goes. */
#include "milter/privs.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* socket_path - the file system path of a unix: or local: listen spec, or NULL */
static const char *socket_path(const char *listen)
{
	if (!strncmp(listen, "unix:", 5))
		return listen + 5;
	if (!strncmp(listen, "local:", 6))
		return listen + 6;
	if (listen[0] == '/')
		return listen;
	return NULL;
}

/* lg_socket_prepare - give the socket to the run-as user with the configured mode */
int lg_socket_prepare(const char *listen, const char *user, mode_t mode, char *err, size_t errlen)
{
	const char *path = socket_path(listen);
	if (!path)
		return 0;
	if (geteuid() == 0 && user && *user) {
		struct passwd *pw = getpwnam(user);
		if (!pw) {
			snprintf(err, errlen, "user '%s' does not exist", user);
			return -1;
		}
		if (chown(path, pw->pw_uid, pw->pw_gid) < 0) {
			snprintf(err, errlen, "chown %s: %s", path, strerror(errno));
			return -1;
		}
	}
	if (chmod(path, mode) < 0) {
		snprintf(err, errlen, "chmod %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* lg_drop_privileges - setgid, initgroups, setuid to user; verify root cannot be regained */
int lg_drop_privileges(const char *user, char *err, size_t errlen)
{
	if (geteuid() != 0)
		return 0;
	if (!user || !*user || !strcmp(user, "root")) {
		snprintf(err, errlen, "refusing to run as root: set 'user' in the config or -u");
		return -1;
	}
	struct passwd *pw = getpwnam(user);
	if (!pw) {
		snprintf(err, errlen, "user '%s' does not exist (create it, e.g. adduser --system "
				      "--group %s)", user, user);
		return -1;
	}
	if (setgid(pw->pw_gid) < 0 || initgroups(pw->pw_name, pw->pw_gid) < 0 ||
	    setuid(pw->pw_uid) < 0) {
		snprintf(err, errlen, "cannot become %s: %s", user, strerror(errno));
		return -1;
	}
	if (setuid(0) == 0) {
		snprintf(err, errlen, "could regain root after dropping privileges");
		return -1;
	}
	return 0;
}
