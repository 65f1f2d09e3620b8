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
