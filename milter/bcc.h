/* bcc.h - the bcc action's rewrite of the visible recipients: which To, Cc and Bcc header
 * occurrences change, to what, and which go. Pure (no milter calls), so it is tested alone. */
#ifndef LG_BCC_H
#define LG_BCC_H

#include <stddef.h>

#include "config/config.h"

/* The visible-recipient headers of a message as the MTA passed them, in order of arrival. */
struct lg_vis_hdrs {
	char **to;		/* values of every To header */
	size_t nto;
	char **cc;		/* values of every Cc header */
	size_t ncc;
	size_t nbcc;		/* Bcc headers (a client that left them in) */
};

enum lg_hdr_op { LG_HDR_CHANGE, LG_HDR_DELETE, LG_HDR_ADD };

/* One header edit; index counts occurrences of that name from 1, as smfi_chgheader does. */
struct lg_hdr_edit {
	const char *name;	/* "To", "Cc" or "Bcc" */
	int index;
	enum lg_hdr_op op;
	char *value;		/* new value for CHANGE and ADD (may be folded with "\n\t") */
};

/* The edits in the order they must be made (per name from the last occurrence to the first, so
 * that deleting one never renumbers another still to be edited), and what they do. */
struct lg_bcc_plan {
	struct lg_hdr_edit *edits;
	size_t nedits;
	unsigned hidden;	/* addresses taken out of To and Cc (and unparseable entries) */
	unsigned kept;		/* addresses left visible (internal ones, with keep_internal) */
};

/* lg_vis_hdrs_add - remember one header if it is To, Cc or Bcc */
void lg_vis_hdrs_add(struct lg_vis_hdrs *h, const char *name, const char *value);
void lg_vis_hdrs_free(struct lg_vis_hdrs *h);

/* lg_bcc_plan - the edits that hide every external address of To and Cc (and every address
 * when cfg->bcc.keep_internal is false), delete Bcc headers, and leave
 * "To: undisclosed-recipients:;" when no To address stays visible. Internal or external is
 * decided by lg_domain_internal() with the envelope sender's domain, as the analysis does. */
void lg_bcc_plan(const struct lg_config *cfg, const char *sender, const struct lg_vis_hdrs *h,
		 struct lg_bcc_plan *out);
void lg_bcc_plan_free(struct lg_bcc_plan *p);

#endif
