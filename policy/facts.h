/* facts.h - the named facts about a message that policy conditions can test. */
#ifndef LG_FACTS_H
#define LG_FACTS_H

#include <stddef.h>

enum lg_fact {
	LG_FACT_RECORDS,			/* records */
	LG_FACT_FINDINGS_TOTAL,			/* findings.total: distinct personal values of
						   medium or high confidence */
	LG_FACT_RECIPIENTS_TOTAL,		/* recipients.total */
	LG_FACT_RECIPIENTS_EXTERNAL,		/* recipients.external */
	LG_FACT_RECIPIENTS_VISIBLE_EXTERNAL,	/* recipients.visible_external */
	LG_FACT_RECIPIENTS_EXTERNAL_DOMAINS,	/* recipients.external_domains */
	LG_FACT_ATTACHMENTS_COUNT,		/* attachments.count */
	LG_FACT_ATTACHMENTS_UNSCANNABLE,	/* attachments.unscannable: parts not scanned */
	LG_FACT_ATTACHMENTS_AMBIGUOUS,		/* attachments.ambiguous: parts mail clients may
						   read differently (broken MIME) */
	LG_FACT_ATTACHMENTS_TYPE_MISMATCH,	/* attachments.type_mismatch: declared type is not
						   what the bytes are */
	LG_FACT_MESSAGE_SIZE,			/* message.size: bytes */
	LG_FACT__COUNT
};

/* Each detector adds three facts after the fixed ones: findings.<id> (distinct values of medium
 * or high confidence), findings.<id>.high and findings.<id>.any (low too). Fact numbers from
 * LG_FACT__COUNT on are LG_FACT__COUNT + 3 * detector + level. */
enum lg_fact_level { LG_LEVEL_COUNTED = 0, LG_LEVEL_HIGH = 1, LG_LEVEL_ANY = 2 };

struct lg_detectors;

/* lg_fact_lookup - the fact with this dotted name, or -1 (dets may be NULL: fixed facts only) */
int lg_fact_lookup(const struct lg_detectors *dets, const char *name);
/* lg_fact_count - how many facts there are with this detector set */
int lg_fact_count(const struct lg_detectors *dets);
/* lg_fact_name - the dotted name of fact f into buf ("?" when out of range); returns buf */
const char *lg_fact_name(const struct lg_detectors *dets, int f, char *buf, size_t n);

/* The value of a fact for one analysed message; implemented by the report (analyze/). */
struct lg_report;
long lg_report_fact(const struct lg_report *r, int f);

#endif
