/* privs.h - dropping root, and the unix socket's ownership and mode. */
#ifndef LG_PRIVS_H
#define LG_PRIVS_H

#include <sys/types.h>

/* lg_socket_prepare - chown a "unix:/path" socket to user and chmod it; no-op for inet */
int lg_socket_prepare(const char *listen, const char *user, mode_t mode, char *err, size_t errlen);
/* lg_drop_privileges - when running as root, become user (and its groups); -1 with err */
int lg_drop_privileges(const char *user, char *err, size_t errlen);

#endif
