/* hold.h - hold_mode store: a held message goes into the quarantine store (quarantine/), durably,
 * before the milter answers discard; any failure means tempfail, never a lost message. */
#ifndef LG_HOLD_H
#define LG_HOLD_H

#include <stddef.h>

#include "quarantine/quarantine.h"

struct lg_config;
struct lg_report;

/* What is held: the verdict's report, the envelope and the bytes as received. */
struct lg_held {
	const struct lg_report *rep;
	const char *sender;		/* envelope sender without <>, "" for the null sender */
	char *const *rcpts;		/* envelope recipients without <> */
	size_t nrcpts;
	const char *queue_id;		/* the MTA's queue id, or NULL */
	const char *msg;		/* header fields as received, blank line, body */
	size_t len;
};

/* lg_hold_store - put a held message into the store at cfg's quarantine.url over this thread's
 * connection (opened on first use, reopened after an error or when the url changes), with the
 * notices cfg's notices: section asks for in the same transaction; the new id in id.
 * Returns only once the entry is committed and synced: 0, or -1 with err. */
int lg_hold_store(const struct lg_config *cfg, const struct lg_held *h, char id[LG_Q_ID_LEN + 1],
		  char *err, size_t errlen);

#endif
