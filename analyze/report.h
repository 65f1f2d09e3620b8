/* report.h - what analyze() found out about one message, and its JSON form (public interface). */
#ifndef LG_REPORT_H
#define LG_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/policy.h"
#include "rules/detect.h"

struct lg_buf;

#define LG_REPORT_SAMPLES 3	/* redacted samples kept per detector */
#define LG_REPORT_ITEMS 200	/* distinct findings listed in the JSON report */

/* One leaf MIME part (body text or attachment), or one member of an archive. */
struct lg_part {
	char *path;		/* where it is, as a person would say: "参加者名簿.csv",
				   "data.zip/inner.zip/list.xlsx"; a part without a name by its
				   MIME number ("1", "2.1") */
	char *mime_path;	/* MIME part number of the part (of the enclosing part for members) */
	char *filename;		/* decoded file name (UTF-8) or NULL */
	char *declared_type;	/* Content-Type as declared, lower case */
	char *detected_type;	/* libmagic's type of the decoded bytes, or NULL */
	char *charset;		/* charset used to decode text, or NULL */
	size_t size;		/* decoded bytes */
	char *sha256;		/* of the decoded bytes, hex; NULL when there were none */
	bool attachment;	/* a file: named, Content-Disposition: attachment, not text, or a
				   member of an archive */
	bool type_mismatch;	/* declared and detected types disagree (image/png that is a CSV) */
	bool scanned;		/* its content reached the detectors (for an archive: it was read) */
	char *reason;		/* why not scanned ("unsupported", "encrypted", "limit:part_size"...) */
	char *detail;		/* the library's own words on a failure, or NULL */
	char *ambiguous;	/* why mail clients may show other bytes than were scanned
				   ("cte-conflict", "base64-junk", "boundary"... see content/mime.h),
				   or NULL */
	uint64_t text_bytes;	/* extracted text handed to the detectors */
	uint64_t rows;		/* table rows among it */
	unsigned findings;	/* validated matches in this part (before de-duplication) */
};

struct lg_recipients {
	unsigned total;			/* envelope recipients */
	unsigned external;		/* envelope recipients outside the internal domains */
	unsigned visible_external;	/* distinct external addresses visible in To and Cc */
	unsigned external_domains;	/* distinct domains of external envelope recipients */
	/* Added for the policy's set-valued facts (sender, recipients, recipient_domains ...):
	 * filled by lg_recipients_count, freed by lg_report_free. Addresses are bare (no angle
	 * brackets) with the domain lower-cased; the lists are in envelope order. */
	unsigned visible_external_domains;	/* distinct domains of the visible external
						   addresses */
	char *sender;			/* envelope sender (else the first From); "" for <> */
	char **addrs;			/* envelope recipients */
	size_t naddrs;
	char **ext_addrs;		/* those outside the internal domains */
	size_t next_addrs;
	char **domains;			/* distinct domains of the envelope recipients */
	size_t ndomains;
	char **ext_domains;		/* distinct domains of the external ones */
	size_t next_domains;
};

/* What one detector found in the message, de-duplicated by canonical value. */
struct lg_det_tally {
	char *id;		/* the detector's id ("phone_jp") */
	bool personal;		/* counts towards records and findings.total */
	unsigned counted;	/* distinct values of medium or high confidence: findings.<id> */
	unsigned high;		/* ... of high confidence: findings.<id>.high */
	unsigned any;		/* all distinct values, low too: findings.<id>.any */
	char *samples[LG_REPORT_SAMPLES];	/* redacted, of counted values first */
};

/* One distinct finding and where it was first seen. */
struct lg_item {
	unsigned det;		/* index into lg_report.dets */
	char *value;		/* canonical value: NOT for logs (leakguardctl scan --findings) */
	char *sample;		/* redacted */
	enum lg_conf conf;	/* the highest confidence it was found with */
	char *path;		/* the part's path ("参加者名簿.csv", "1") */
	unsigned long row;	/* table row (1-based) when tabular, else 0 */
	unsigned long line;	/* line of running text (1-based) when not tabular, else 0 */
	unsigned column;	/* table column (1-based) or 0 */
	unsigned occurrences;
};

struct lg_report {
	size_t message_size;
	struct lg_recipients recipients;
	struct lg_det_tally *dets;		/* per detector of the configuration, in its order */
	size_t ndets;
	struct lg_item *items;			/* distinct findings, by detector then value */
	size_t nitems;
	unsigned excluded;			/* values not counted: the sender's own */
	unsigned records;			/* personal records (rows or lines with findings) */
	struct lg_part *parts;
	size_t nparts;
	unsigned unscannable;			/* parts not scanned */
	char *error;				/* analysis-wide problem (limit:message_size...), or NULL */
	struct lg_verdict verdict;
	bool timed;				/* the milter measured verdict_ms */
	double verdict_ms;			/* end of data to verdict (analysis and enact), ms:
						   "time_ms=" in the log line */
};

/* lg_report_init_dets - one zeroed tally per detector of the set, in its order (ids copied) */
void lg_report_init_dets(struct lg_report *r, const struct lg_detectors *d);
void lg_report_json(const struct lg_report *r, struct lg_buf *out);
void lg_report_summary(const struct lg_report *r, struct lg_buf *out);	/* one log-line fragment */
void lg_report_free(struct lg_report *r);

#endif
