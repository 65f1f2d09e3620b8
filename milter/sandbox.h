/* sandbox.h - confinement of an analysis worker: resource limits, then a seccomp filter (libseccomp)
 * that allows only what analysis of an already-received message needs. */
#ifndef LG_SANDBOX_H
#define LG_SANDBOX_H

#include <stddef.h>

/* The limits a worker runs under (config workers:). */
struct lg_sandbox_limits {
	size_t memory;		/* RLIMIT_AS in bytes; 0: none (always none under AddressSanitizer) */
	unsigned open_files;	/* RLIMIT_NOFILE */
};

/* lg_sandbox_prepare - what must happen before the filter: load the gconv modules of the
 * charsets analysis converts from (glibc opens them lazily), the time zone (syslog) */
void lg_sandbox_prepare(void);
/* lg_sandbox_limits - apply the resource limits (and no core dumps); -1 with err on failure */
int lg_sandbox_limits(const struct lg_sandbox_limits *l, char *err, size_t errlen);
/* lg_sandbox_cpu - allow the next message cpu_seconds of CPU time beyond what the process used so
 * far (RLIMIT_CPU counts the whole life of a process): SIGXCPU past it; 0: no limit */
void lg_sandbox_cpu(unsigned cpu_seconds);
/* lg_sandbox_seccomp - no new privileges, then the filter: memory, time, I/O on descriptors
 * already open; opening files fails with EACCES; anything else (sockets, exec, fork, ptrace,
 * kill...) kills the process (SIGSYS). -1 with err when it cannot be installed. */
int lg_sandbox_seccomp(char *err, size_t errlen);

#endif
