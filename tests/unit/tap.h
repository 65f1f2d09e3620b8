/* tap.h - a minimal Test Anything Protocol emitter for the unit tests (one header, no library). */
#ifndef LG_TAP_H
#define LG_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

/* tap_ok - report one test point; returns cond */
__attribute__((format(printf, 2, 3), unused)) static int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;
	printf("%s %d - ", cond ? "ok" : "not ok", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		tap_failed++;
	return cond;
}

/* tap_diag - a diagnostic line */
__attribute__((format(printf, 1, 2), unused)) static void tap_diag(const char *fmt, ...)
{
	va_list ap;
	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* tap_is_str - compare strings, showing both on failure */
__attribute__((unused)) static int tap_is_str(const char *got, const char *want, const char *name)
{
	int ok = got && want ? strcmp(got, want) == 0 : got == want;
	tap_ok(ok, "%s", name);
	if (!ok)
		tap_diag("got [%s], want [%s]", got ? got : "(null)", want ? want : "(null)");
	return ok;
}

/* tap_is_long - compare integers, showing both on failure */
__attribute__((unused)) static int tap_is_long(long got, long want, const char *name)
{
	int ok = got == want;
	tap_ok(ok, "%s", name);
	if (!ok)
		tap_diag("got %ld, want %ld", got, want);
	return ok;
}

/* tap_done - print the plan; exit status is non-zero when anything failed */
static int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
