/* sandbox.c - confine an analysis worker: resource limits (address space, CPU time, open files,
 * no core), then a seccomp filter built with libseccomp. The allowed set was found by running the
 * test corpus (tests/fixtures, tests/eval/messages) through workers under the filter; see
 * tests/unit/test_workers.c, which runs it again on every make check. */
#include "milter/sandbox.h"

#include <errno.h>
#include <iconv.h>
#include <locale.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "lg_sha256.h"

/* Charsets the analysis may convert from (content/charset.c's table, what uchardet names, what
 * RTF code pages and zip names use). glibc loads a gconv module at the first iconv_open of a
 * charset and may unload it after the last iconv_close, so the handles stay open for the life
 * of the worker. A charset not in this list that needs a module of its own cannot be loaded
 * under the filter (open fails with EACCES): content/charset.c then falls back as it does when
 * glibc lacks a charset (guessing, else the valid UTF-8 kept), and the part's charset says so. */
static const char *const preload_charsets[] = {
	"CP932", "SHIFT_JIS", "EUC-JP", "EUC-JP-MS", "ISO-2022-JP", "ISO-2022-JP-2",
	"ISO-2022-JP-3", "CP949", "EUC-KR", "ISO-2022-KR", "GB18030", "GB2312", "GBK",
	"ISO-2022-CN", "BIG5", "BIG5-HKSCS", "EUC-TW", "UTF-16", "UTF-16LE", "UTF-16BE", "UTF-32",
	"UTF-32LE", "UTF-32BE", "UCS-2", "UTF-7", "CP1250", "CP1251", "CP1252", "CP1253", "CP1254",
	"CP1255", "CP1256", "CP1257", "CP1258", "ISO-8859-1", "ISO-8859-2", "ISO-8859-3",
	"ISO-8859-4", "ISO-8859-5", "ISO-8859-6", "ISO-8859-7", "ISO-8859-8", "ISO-8859-9",
	"ISO-8859-10", "ISO-8859-11", "ISO-8859-13", "ISO-8859-14", "ISO-8859-15", "ISO-8859-16",
	"KOI8-R", "KOI8-U", "IBM866", "IBM437", "IBM850", "IBM852", "IBM855", "CP874", "TIS-620",
	"VISCII", "MAC-CYRILLIC", "MACINTOSH", "ASCII",
};
static iconv_t preloaded[sizeof preload_charsets / sizeof preload_charsets[0]][2];

/* lg_sandbox_prepare - see sandbox.h */
void lg_sandbox_prepare(void)
{
	for (size_t i = 0; i < sizeof preload_charsets / sizeof preload_charsets[0]; i++) {
		preloaded[i][0] = iconv_open("UTF-8", preload_charsets[i]);
		preloaded[i][1] = iconv_open(preload_charsets[i], "UTF-8");
	}
	/* content/archive.c reads archives in C.UTF-8 (newlocale on first use): glibc keeps a
	 * locale's data once loaded, so loading it here spares the open under the filter */
	static locale_t utf8;
	if (!utf8)
		utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	/* libcrypto reads its configuration file and probes the CPU at its first digest */
	lg_sha256_prepare();
	/* the time zone, should anything format a local time (syslog() did, before a worker's
	 * log lines went to the front): read the zone file now */
	tzset();
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
}

/* set_limit - one resource limit */
static int set_limit(int res, rlim_t soft, rlim_t hard, const char *name, char *err, size_t errlen)
{
	struct rlimit rl = { soft, hard };
	if (setrlimit(res, &rl) < 0) {
		snprintf(err, errlen, "setrlimit %s: %s", name, strerror(errno));
		return -1;
	}
	return 0;
}

/* lg_sandbox_limits - see sandbox.h */
int lg_sandbox_limits(const struct lg_sandbox_limits *l, char *err, size_t errlen)
{
	if (set_limit(RLIMIT_CORE, 0, 0, "RLIMIT_CORE", err, errlen) < 0)
		return -1;
#if !defined(__SANITIZE_ADDRESS__)
	/* AddressSanitizer reserves terabytes of shadow address space: under it, no RLIMIT_AS */
	if (l->memory && set_limit(RLIMIT_AS, l->memory, l->memory, "RLIMIT_AS", err, errlen) < 0)
		return -1;
#endif
	if (l->open_files &&
	    set_limit(RLIMIT_NOFILE, l->open_files, l->open_files, "RLIMIT_NOFILE", err, errlen) < 0)
		return -1;
	return 0;
}

/* lg_sandbox_cpu - see sandbox.h */
void lg_sandbox_cpu(unsigned cpu_seconds)
{
	struct rusage ru;
	struct rlimit rl;
	if (!cpu_seconds || getrusage(RUSAGE_SELF, &ru) < 0 || getrlimit(RLIMIT_CPU, &rl) < 0)
		return;
	rlim_t used = (rlim_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + 1;
	rl.rlim_cur = used + cpu_seconds;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_cur > rl.rlim_max)
		rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_CPU, &rl);
}

/* What analysis does after set-up: memory, time, I/O on the descriptors it was given, its own
 * signals (abort). A worker's log lines, and GLib's, go to the front over its socket with
 * sendmsg (milter/channel.c, milter/worker.c): no send()/sendto(), which only syslog() needed. */
static const int allowed_syscalls[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev), SCMP_SYS(pread64),
	SCMP_SYS(lseek), SCMP_SYS(close), SCMP_SYS(fstat), SCMP_SYS(newfstatat),
	SCMP_SYS(fcntl), SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mprotect), SCMP_SYS(mremap),
	SCMP_SYS(brk), SCMP_SYS(madvise), SCMP_SYS(futex), SCMP_SYS(clock_gettime),
	SCMP_SYS(clock_getres), SCMP_SYS(gettimeofday), SCMP_SYS(time), SCMP_SYS(getpid),
	SCMP_SYS(gettid), SCMP_SYS(getrandom), SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(rt_sigaction), SCMP_SYS(sigaltstack), SCMP_SYS(exit),
	SCMP_SYS(exit_group), SCMP_SYS(recvmsg), SCMP_SYS(sendmsg),
	SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(sched_yield), SCMP_SYS(getrusage),
	SCMP_SYS(prlimit64), SCMP_SYS(sched_getaffinity), SCMP_SYS(getcwd),
};

/* Calls that look at or open files: refused with an error the libraries handle. */
static const int refused_syscalls[] = {
	SCMP_SYS(open), SCMP_SYS(openat), SCMP_SYS(openat2), SCMP_SYS(creat), SCMP_SYS(stat),
	SCMP_SYS(lstat), SCMP_SYS(access), SCMP_SYS(faccessat), SCMP_SYS(faccessat2),
	SCMP_SYS(readlink), SCMP_SYS(readlinkat), SCMP_SYS(statfs), SCMP_SYS(fstatfs),
	SCMP_SYS(statx), SCMP_SYS(ioctl), SCMP_SYS(getdents64),
};

/* lg_sandbox_seccomp - see sandbox.h */
int lg_sandbox_seccomp(char *err, size_t errlen)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		snprintf(err, errlen, "prctl(PR_SET_NO_NEW_PRIVS): %s", strerror(errno));
		return -1;
	}
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!ctx) {
		snprintf(err, errlen, "seccomp_init failed");
		return -1;
	}
	int rc = 0;
	const char *what = "seccomp_rule_add";
	for (size_t i = 0; rc == 0 && i < sizeof allowed_syscalls / sizeof allowed_syscalls[0]; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed_syscalls[i], 0);
	for (size_t i = 0; rc == 0 && i < sizeof refused_syscalls / sizeof refused_syscalls[0]; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), refused_syscalls[i], 0);
	/* abort() and raise() signal the process itself, and nothing else */
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
				      (struct scmp_arg_cmp){ .arg = 0, .op = SCMP_CMP_EQ,
							     .datum_a = (scmp_datum_t)getpid(),
							     .datum_b = 0 });
	if (rc == 0) {
		what = "seccomp_load";
		rc = seccomp_load(ctx);
	}
	seccomp_release(ctx);
	if (rc < 0) {
		snprintf(err, errlen, "%s: %s", what, strerror(-rc));
		return -1;
	}
	return 0;
}
