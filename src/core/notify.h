/* Telling a service manager how the service is doing: systemd's sd_notify
 * protocol (sd_notify(3)), written here rather than linking libsystemd. When
 * the environment names a socket in NOTIFY_SOCKET (a path, or "@name" in the
 * abstract namespace), each state is one datagram to it; otherwise nothing
 * happens. Best effort: a manager that does not listen changes nothing. */
#ifndef GH_CORE_NOTIFY_H
#define GH_CORE_NOTIFY_H

/* Sends state ("READY=1", "STOPPING=1", "RELOADING=1", "STATUS=…", several
 * separated by newlines) to $NOTIFY_SOCKET, if set. */
void notify_service(const char *state);

#endif
