/* release.h - re-submit a held message over SMTP (libcurl) to the release relay: an MTA listener
 * that does not pass mail through leakguard again (quarantine.release in leakguard.yaml). */
#ifndef LG_RELEASE_H
#define LG_RELEASE_H

#include <stddef.h>

struct lg_relcfg;

/* lg_q_send - one SMTP transaction to rc->url: MAIL FROM sender ("" for <>), RCPT TO every
 * recipient (all must be accepted), DATA the bytes as stored (libcurl dot-stuffs them).
 * 0 once the relay accepted the message with 250, else -1 with err. */
int lg_q_send(const struct lg_relcfg *rc, const char *sender, char *const *rcpts, size_t nrcpts,
	      const char *msg, size_t len, char *err, size_t errlen);

#endif
