/* facts.c - the names of the facts that policy conditions may use (see facts.h): a fixed table,
 * and three facts per detector of the loaded set. */
#include "policy/facts.h"

#include <stdio.h>
#include <string.h>

#include "rules/detect.h"

/* Indexed by enum lg_fact; the names are part of the configuration language. */
static const char *const fact_names[LG_FACT__COUNT] = {
	[LG_FACT_RECORDS] = "records",
	[LG_FACT_FINDINGS_TOTAL] = "findings.total",
	[LG_FACT_RECIPIENTS_TOTAL] = "recipients.total",
	[LG_FACT_RECIPIENTS_EXTERNAL] = "recipients.external",
	[LG_FACT_RECIPIENTS_VISIBLE_EXTERNAL] = "recipients.visible_external",
	[LG_FACT_RECIPIENTS_EXTERNAL_DOMAINS] = "recipients.external_domains",
	[LG_FACT_RECIPIENTS_VISIBLE_EXTERNAL_DOMAINS] = "recipients.visible_external_domains",
	[LG_FACT_ATTACHMENTS_COUNT] = "attachments.count",
	[LG_FACT_ATTACHMENTS_UNSCANNABLE] = "attachments.unscannable",
	[LG_FACT_ATTACHMENTS_AMBIGUOUS] = "attachments.ambiguous",
	[LG_FACT_ATTACHMENTS_TYPE_MISMATCH] = "attachments.type_mismatch",
	[LG_FACT_MESSAGE_SIZE] = "message.size",
};

static const char *const level_suffix[3] = { "", ".high", ".any" };

/* lg_fact_count - fixed facts plus three per detector */
int lg_fact_count(const struct lg_detectors *dets)
{
	return LG_FACT__COUNT + 3 * (int)lg_detector_count(dets);
}

/* lg_fact_name - the dotted name of a fact */
const char *lg_fact_name(const struct lg_detectors *dets, int f, char *buf, size_t n)
{
	if (f >= 0 && f < LG_FACT__COUNT)
		snprintf(buf, n, "%s", fact_names[f]);
	else if (f >= LG_FACT__COUNT && f < lg_fact_count(dets))
		snprintf(buf, n, "findings.%s%s",
			 lg_detector_id(dets, (unsigned)(f - LG_FACT__COUNT) / 3),
			 level_suffix[(f - LG_FACT__COUNT) % 3]);
	else
		snprintf(buf, n, "?");
	return buf;
}

/* lg_fact_lookup - the fact with this dotted name, or -1 */
int lg_fact_lookup(const struct lg_detectors *dets, const char *name)
{
	char buf[160];
	int n = lg_fact_count(dets);
	for (int f = 0; f < n; f++)
		if (strcmp(lg_fact_name(dets, f, buf, sizeof buf), name) == 0)
			return f;
	return -1;
}

/* The value facts, indexed by enum lg_vfact; the names are part of the configuration language. */
static const struct {
	const char *name;
	bool single;
	enum lg_vkind kind;
	int number;	/* the fact counting them, suggested when one is compared with a number */
} vfacts[LG_VFACT__COUNT] = {
	[LG_VFACT_SENDER] = { "sender", true, LG_VK_ADDRESS, -1 },
	[LG_VFACT_SENDER_DOMAIN] = { "sender_domain", true, LG_VK_DOMAIN, -1 },
	[LG_VFACT_RECIPIENTS] = { "recipients", false, LG_VK_ADDRESS, LG_FACT_RECIPIENTS_TOTAL },
	[LG_VFACT_RECIPIENT_DOMAINS] = { "recipient_domains", false, LG_VK_DOMAIN, -1 },
	[LG_VFACT_EXTERNAL_RECIPIENTS] = { "external_recipients", false, LG_VK_ADDRESS,
					   LG_FACT_RECIPIENTS_EXTERNAL },
	[LG_VFACT_EXTERNAL_DOMAINS] = { "external_domains", false, LG_VK_DOMAIN,
					LG_FACT_RECIPIENTS_EXTERNAL_DOMAINS },
	[LG_VFACT_ATTACHMENT_TYPES] = { "attachment.types", false, LG_VK_TEXT, -1 },
	[LG_VFACT_ATTACHMENT_NAMES] = { "attachment.names", false, LG_VK_TEXT, -1 },
};

/* lg_vfact_lookup - the value fact with this name, or -1 */
int lg_vfact_lookup(const char *name)
{
	for (int f = 0; f < LG_VFACT__COUNT; f++)
		if (strcmp(vfacts[f].name, name) == 0)
			return f;
	return -1;
}

/* lg_vfact_name - the name of a value fact */
const char *lg_vfact_name(int f)
{
	return f >= 0 && f < LG_VFACT__COUNT ? vfacts[f].name : "?";
}

/* lg_vfact_single - is it one value (sender) rather than a set (recipients) */
bool lg_vfact_single(int f)
{
	return f >= 0 && f < LG_VFACT__COUNT && vfacts[f].single;
}

/* lg_vfact_kind - how the fact's values are matched against list entries */
enum lg_vkind lg_vfact_kind(int f)
{
	return f >= 0 && f < LG_VFACT__COUNT ? vfacts[f].kind : LG_VK_TEXT;
}

/* lg_vfact_number - the number fact that counts the same values, or -1 */
int lg_vfact_number(int f)
{
	return f >= 0 && f < LG_VFACT__COUNT ? vfacts[f].number : -1;
}
