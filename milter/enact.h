/* enact.h - carry out a verdict through the milter protocol. */
#ifndef LG_ENACT_H
#define LG_ENACT_H

#include <libmilter/mfapi.h>

#include "analyze/report.h"

/* Counts of visible-recipient headers seen, needed to rewrite them for the bcc action. */
struct lg_hdr_counts {
	int to;
	int cc;
};

/* lg_smtp_text - the part of a reason fit for an SMTP reply or header: printable ASCII up to the
 * first non-ASCII character (reasons are written "English / 日本語"), newly allocated. */
char *lg_smtp_text(const char *reason, const char *fallback);

/* lg_enact - apply r->verdict to the message; returns the sfsistat for end-of-message */
sfsistat lg_enact(SMFICTX *ctx, const struct lg_report *r, const struct lg_hdr_counts *hc);

#endif
