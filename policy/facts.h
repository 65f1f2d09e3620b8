/* facts.h - the named facts about a message that policy conditions can test. */
#ifndef LG_FACTS_H
#define LG_FACTS_H

#include <stdbool.h>
#include <stddef.h>

enum lg_fact {
	LG_FACT_RECORDS,			/* records */
	LG_FACT_FINDINGS_TOTAL,			/* findings.total: distinct personal values of
						   medium or high confidence */
	LG_FACT_RECIPIENTS_TOTAL,		/* recipients.total */
	LG_FACT_RECIPIENTS_EXTERNAL,		/* recipients.external */
	LG_FACT_RECIPIENTS_VISIBLE_EXTERNAL,	/* recipients.visible_external */
	LG_FACT_RECIPIENTS_EXTERNAL_DOMAINS,	/* recipients.external_domains */
	LG_FACT_RECIPIENTS_VISIBLE_EXTERNAL_DOMAINS, /* recipients.visible_external_domains */
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

/* Value facts: addresses, domains or texts rather than numbers, tested with 'in' (one value:
 * sender, sender_domain) or 'any in' / 'all in' / 'none in' (a set of values). */
enum lg_vfact {
	LG_VFACT_SENDER,		/* sender: envelope sender address (else From) */
	LG_VFACT_SENDER_DOMAIN,		/* sender_domain */
	LG_VFACT_RECIPIENTS,		/* recipients: envelope recipient addresses */
	LG_VFACT_RECIPIENT_DOMAINS,	/* recipient_domains: their distinct domains */
	LG_VFACT_EXTERNAL_RECIPIENTS,	/* external_recipients: those outside the internal domains */
	LG_VFACT_EXTERNAL_DOMAINS,	/* external_domains: their distinct domains */
	LG_VFACT_ATTACHMENT_TYPES,	/* attachment.types: detected (else declared) type of each
					   attachment */
	LG_VFACT_ATTACHMENT_NAMES,	/* attachment.names: file name of each named attachment */
	LG_VFACT__COUNT
};

/* How a value is matched against a list entry. */
enum lg_vkind {
	LG_VK_ADDRESS,	/* local@domain: an address entry, or a domain entry for its domain */
	LG_VK_DOMAIN,	/* a domain: domain entries only */
	LG_VK_TEXT,	/* a type or file name: case-insensitive, '*' and '?' wildcards */
};

/* lg_vfact_lookup - the value fact with this name, or -1 */
int lg_vfact_lookup(const char *name);
/* lg_vfact_name - its name ("?" when out of range) */
const char *lg_vfact_name(int f);
/* lg_vfact_single - one value (tested with 'in') rather than a set ('any in' ...) */
bool lg_vfact_single(int f);
/* lg_vfact_kind - how its values are matched */
enum lg_vkind lg_vfact_kind(int f);
/* lg_vfact_number - the number fact counting the same thing, for hints (-1: none) */
int lg_vfact_number(int f);

/* lg_report_nvalues, lg_report_value - the values of value fact f for one message: slots
 * 0 .. nvalues-1, where a slot may be NULL (no value there: skip it). Implemented by the
 * report (analyze/report.c). */
size_t lg_report_nvalues(const struct lg_report *r, int f);
const char *lg_report_value(const struct lg_report *r, int f, size_t i);

#endif
