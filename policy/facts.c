/* facts.c - the table of fact names that policy conditions may use (see facts.h). */
#include "policy/facts.h"

#include <string.h>

/* Indexed by enum lg_fact; the names are part of the configuration language. */
static const char *const fact_names[LG_FACT__COUNT] = {
	[LG_FACT_RECORDS] = "records",
	[LG_FACT_FINDINGS_TOTAL] = "findings.total",
	[LG_FACT_FINDINGS_PHONE_JP] = "findings.phone_jp",
	[LG_FACT_FINDINGS_EMAIL] = "findings.email",
	[LG_FACT_RECIPIENTS_TOTAL] = "recipients.total",
	[LG_FACT_RECIPIENTS_EXTERNAL] = "recipients.external",
	[LG_FACT_RECIPIENTS_VISIBLE_EXTERNAL] = "recipients.visible_external",
	[LG_FACT_RECIPIENTS_EXTERNAL_DOMAINS] = "recipients.external_domains",
	[LG_FACT_ATTACHMENTS_COUNT] = "attachments.count",
	[LG_FACT_ATTACHMENTS_UNSCANNABLE] = "attachments.unscannable",
	[LG_FACT_ATTACHMENTS_AMBIGUOUS] = "attachments.ambiguous",
	[LG_FACT_ATTACHMENTS_TYPE_MISMATCH] = "attachments.type_mismatch",
	[LG_FACT_MESSAGE_SIZE] = "message.size",
};

/* lg_fact_lookup - the fact with this dotted name, or -1 */
int lg_fact_lookup(const char *name)
{
	for (int f = 0; f < LG_FACT__COUNT; f++)
		if (strcmp(fact_names[f], name) == 0)
			return f;
	return -1;
}

/* lg_fact_name - the dotted name of a fact ("?" for an out-of-range value) */
const char *lg_fact_name(enum lg_fact f)
{
	if ((int)f < 0 || f >= LG_FACT__COUNT)
		return "?";
	return fact_names[f];
}
