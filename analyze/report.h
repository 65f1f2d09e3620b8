/* report.h - what analyze() found out about one message, and its JSON form (public interface). */
#ifndef LG_REPORT_H
#define LG_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "policy/policy.h"
#include "rules/detect.h"

struct lg_buf;

#define LG_REPORT_SAMPLES 3	/* redacted samples kept per detector */

/* One leaf MIME part (body text or attachment). */
struct lg_part {
	char *path;		/* MIME path, "1", "2.1", ... */
	char *filename;		/* decoded file name (UTF-8) or NULL */
	char *declared_type;	/* Content-Type as declared, lower case */
	char *detected_type;	/* libmagic's type of the decoded bytes, or NULL */
	char *charset;		/* charset used to decode text, or NULL */
	size_t size;		/* decoded bytes */
	bool attachment;	/* has a file name or Content-Disposition: attachment */
	bool scanned;		/* its text reached the detectors */
	char *reason;		/* why not scanned ("unsupported", "limit:part_size", ...), or NULL */
	unsigned findings;	/* validated matches in this part (before de-duplication) */
};

struct lg_recipients {
	unsigned total;			/* envelope recipients */
	unsigned external;		/* envelope recipients outside the internal domains */
	unsigned visible_external;	/* distinct external addresses visible in To and Cc */
	unsigned external_domains;	/* distinct domains of external envelope recipients */
};

struct lg_report {
	size_t message_size;
	struct lg_recipients recipients;
	unsigned findings[LG_DET__COUNT];	/* distinct values per detector */
	unsigned excluded;			/* values not counted: the sender's own */
	unsigned records;			/* personal records (rows or lines with findings) */
	char *samples[LG_DET__COUNT][LG_REPORT_SAMPLES];
	struct lg_part *parts;
	size_t nparts;
	unsigned unscannable;			/* parts not scanned */
	char *error;				/* analysis-wide problem (limit:message_size...), or NULL */
	struct lg_verdict verdict;
};

void lg_report_json(const struct lg_report *r, struct lg_buf *out);
void lg_report_summary(const struct lg_report *r, struct lg_buf *out);	/* one log-line fragment */
void lg_report_free(struct lg_report *r);

#endif
