/* enact.h - carry out a verdict through the milter protocol. */
#ifndef LG_ENACT_H
#define LG_ENACT_H

#include <libmilter/mfapi.h>

#include "analyze/report.h"
#include "milter/bcc.h"

/* Longest reply text: an SMTP reply line is at most 512 octets with code and enhanced code
 * (RFC 5321 4.5.3.1.5), so the text stays on one line and no multi-line reply is needed. */
#define LG_SMTP_TEXT_MAX 400

/* lg_smtp_text - the part of a reason fit for an SMTP reply or header: printable ASCII up to the
 * first non-ASCII character (reasons are written "English / 日本語"), newly allocated. */
char *lg_smtp_text(const char *reason, const char *fallback);

/* lg_enact - apply r->verdict to the message (plan: the header edits of a bcc verdict, else
 * NULL); returns the sfsistat for end-of-message. A monitor verdict changes nothing. */
sfsistat lg_enact(SMFICTX *ctx, const struct lg_report *r, const struct lg_bcc_plan *plan);

#endif
