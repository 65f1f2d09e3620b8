/* facts.h - the named facts about a message that policy conditions can test. */
#ifndef LG_FACTS_H
#define LG_FACTS_H

enum lg_fact {
	LG_FACT_RECORDS,			/* records */
	LG_FACT_FINDINGS_TOTAL,			/* findings.total: distinct personal items */
	LG_FACT_FINDINGS_PHONE_JP,		/* findings.phone_jp */
	LG_FACT_FINDINGS_EMAIL,			/* findings.email */
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

/* lg_fact_lookup - the fact with this dotted name, or -1 */
int lg_fact_lookup(const char *name);
const char *lg_fact_name(enum lg_fact f);

/* The value of a fact for one analysed message; implemented by the report (analyze/). */
struct lg_report;
long lg_report_fact(const struct lg_report *r, enum lg_fact f);

#endif
