/* report.c - the analysis report: fact values for policy, JSON output, log summary. */
#include "analyze/report.h"
#include "analyze/recipients.h"

#include <stdlib.h>
#include <string.h>

#include "lg_alloc.h"
#include "lg_buf.h"
#include "lg_json.h"

/* lg_report_fact - the value of one named fact for this message */
long lg_report_fact(const struct lg_report *r, int f)
{
	if (f >= LG_FACT__COUNT) {
		size_t d = (size_t)(f - LG_FACT__COUNT) / 3;
		if (d >= r->ndets)
			return 0;
		switch ((f - LG_FACT__COUNT) % 3) {
		case LG_LEVEL_COUNTED:
			return r->dets[d].counted;
		case LG_LEVEL_HIGH:
			return r->dets[d].high;
		default:
			return r->dets[d].any;
		}
	}
	switch ((enum lg_fact)f) {
	case LG_FACT_RECORDS:
		return r->records;
	case LG_FACT_FINDINGS_TOTAL: {
		long t = 0;
		for (size_t i = 0; i < r->ndets; i++)
			if (r->dets[i].personal)
				t += r->dets[i].counted;
		return t;
	}
	case LG_FACT_RECIPIENTS_TOTAL:
		return r->recipients.total;
	case LG_FACT_RECIPIENTS_EXTERNAL:
		return r->recipients.external;
	case LG_FACT_RECIPIENTS_VISIBLE_EXTERNAL:
		return r->recipients.visible_external;
	case LG_FACT_RECIPIENTS_EXTERNAL_DOMAINS:
		return r->recipients.external_domains;
	case LG_FACT_RECIPIENTS_VISIBLE_EXTERNAL_DOMAINS:
		return r->recipients.visible_external_domains;
	case LG_FACT_ATTACHMENTS_COUNT: {
		long n = 0;
		for (size_t i = 0; i < r->nparts; i++)
			n += r->parts[i].attachment;
		return n;
	}
	case LG_FACT_ATTACHMENTS_UNSCANNABLE:
		return r->unscannable;
	case LG_FACT_ATTACHMENTS_AMBIGUOUS: {
		long n = 0;
		for (size_t i = 0; i < r->nparts; i++)
			n += r->parts[i].ambiguous != NULL;
		return n;
	}
	case LG_FACT_ATTACHMENTS_TYPE_MISMATCH: {
		long n = 0;
		for (size_t i = 0; i < r->nparts; i++)
			n += r->parts[i].type_mismatch;
		return n;
	}
	case LG_FACT_MESSAGE_SIZE:
		return (long)r->message_size;
	case LG_FACT__COUNT:
		break;
	}
	return 0;
}

/* lg_report_init_dets - one zeroed tally per detector, in the set's order */
void lg_report_init_dets(struct lg_report *r, const struct lg_detectors *d)
{
	r->ndets = lg_detector_count(d);
	r->dets = lg_calloc(r->ndets ? r->ndets : 1, sizeof *r->dets);
	for (size_t i = 0; i < r->ndets; i++) {
		const struct lg_detdef *def = lg_detector_def(d, (unsigned)i);
		r->dets[i].id = lg_strdup(def->id);
		r->dets[i].personal = def->personal;
	}
}

/* lg_report_nvalues - slots of value fact f (policy/facts.h): recipients from the lists that
 * lg_recipients_count made, attachments from the parts */
size_t lg_report_nvalues(const struct lg_report *r, int f)
{
	const struct lg_recipients *rc = &r->recipients;
	switch ((enum lg_vfact)f) {
	case LG_VFACT_SENDER:
	case LG_VFACT_SENDER_DOMAIN:
		return 1;
	case LG_VFACT_RECIPIENTS:
		return rc->naddrs;
	case LG_VFACT_RECIPIENT_DOMAINS:
		return rc->ndomains;
	case LG_VFACT_EXTERNAL_RECIPIENTS:
		return rc->next_addrs;
	case LG_VFACT_EXTERNAL_DOMAINS:
		return rc->next_domains;
	case LG_VFACT_ATTACHMENT_TYPES:
	case LG_VFACT_ATTACHMENT_NAMES:
		return r->nparts;
	case LG_VFACT__COUNT:
		break;
	}
	return 0;
}

/* lg_report_value - slot i of value fact f, or NULL when the slot holds no value (the null
 * sender, a part that is no attachment or has no name) */
const char *lg_report_value(const struct lg_report *r, int f, size_t i)
{
	const struct lg_recipients *rc = &r->recipients;
	const char *at;
	if (i >= lg_report_nvalues(r, f))
		return NULL;
	switch ((enum lg_vfact)f) {
	case LG_VFACT_SENDER:
		return rc->sender && *rc->sender ? rc->sender : NULL;
	case LG_VFACT_SENDER_DOMAIN:
		at = rc->sender ? strrchr(rc->sender, '@') : NULL;
		return at && at[1] ? at + 1 : NULL;
	case LG_VFACT_RECIPIENTS:
		return rc->addrs[i];
	case LG_VFACT_RECIPIENT_DOMAINS:
		return rc->domains[i];
	case LG_VFACT_EXTERNAL_RECIPIENTS:
		return rc->ext_addrs[i];
	case LG_VFACT_EXTERNAL_DOMAINS:
		return rc->ext_domains[i];
	case LG_VFACT_ATTACHMENT_TYPES:
		if (!r->parts[i].attachment)
			return NULL;
		return r->parts[i].detected_type ? r->parts[i].detected_type
						 : r->parts[i].declared_type;
	case LG_VFACT_ATTACHMENT_NAMES:
		return r->parts[i].attachment ? r->parts[i].filename : NULL;
	case LG_VFACT__COUNT:
		break;
	}
	return NULL;
}

/* lg_report_free - release everything the report owns */
void lg_report_free(struct lg_report *r)
{
	for (size_t d = 0; d < r->ndets; d++) {
		free(r->dets[d].id);
		for (int i = 0; i < LG_REPORT_SAMPLES; i++)
			free(r->dets[d].samples[i]);
	}
	free(r->dets);
	for (size_t i = 0; i < r->nitems; i++) {
		free(r->items[i].value);
		free(r->items[i].sample);
		free(r->items[i].path);
	}
	free(r->items);
	for (size_t i = 0; i < r->nparts; i++) {
		struct lg_part *p = &r->parts[i];
		free(p->path);
		free(p->filename);
		free(p->declared_type);
		free(p->detected_type);
		free(p->charset);
		free(p->reason);
		free(p->mime_path);
		free(p->sha256);
		free(p->detail);
		free(p->ambiguous);
	}
	free(r->parts);
	free(r->error);
	lg_recipients_free(&r->recipients);
	lg_verdict_free(&r->verdict);
	*r = (struct lg_report){0};
}

/* json_part - one part object */
static void json_part(struct lg_buf *b, const struct lg_part *p)
{
	lg_buf_puts(b, "{\"path\":");
	lg_json_str(b, p->path);
	lg_buf_puts(b, ",\"mime_path\":");
	lg_json_str(b, p->mime_path);
	lg_buf_puts(b, ",\"filename\":");
	lg_json_str(b, p->filename);
	lg_buf_puts(b, ",\"declared_type\":");
	lg_json_str(b, p->declared_type);
	lg_buf_puts(b, ",\"detected_type\":");
	lg_json_str(b, p->detected_type);
	lg_buf_printf(b, ",\"type_mismatch\":%s,\"charset\":", p->type_mismatch ? "true" : "false");
	lg_json_str(b, p->charset);
	lg_buf_printf(b, ",\"size\":%zu,\"sha256\":", p->size);
	lg_json_str(b, p->sha256);
	lg_buf_printf(b, ",\"scanned\":%s,\"reason\":", p->scanned ? "true" : "false");
	lg_json_str(b, p->reason);
	lg_buf_puts(b, ",\"detail\":");
	lg_json_str(b, p->detail);
	lg_buf_puts(b, ",\"ambiguous\":");
	lg_json_str(b, p->ambiguous);
	lg_buf_printf(b, ",\"text_bytes\":%llu,\"rows\":%llu,\"findings\":%u}",
		      (unsigned long long)p->text_bytes, (unsigned long long)p->rows, p->findings);
}

/* lg_report_json - the public JSON form of a report (documented in the README; keep stable) */
void lg_report_json(const struct lg_report *r, struct lg_buf *b)
{
	lg_buf_puts(b, "{\"action\":");
	lg_json_str(b, lg_action_name(r->verdict.action));
	lg_buf_printf(b, ",\"monitor\":%s", r->verdict.monitor ? "true" : "false");
	lg_buf_puts(b, ",\"rules\":[");
	for (size_t i = 0; i < r->verdict.nrules; i++) {
		if (i)
			lg_buf_putc(b, ',');
		lg_json_str(b, r->verdict.rules[i]);
	}
	lg_buf_puts(b, "],\"reason\":");
	lg_json_str(b, r->verdict.reason);
	lg_buf_printf(b,
		      ",\"recipients\":{\"total\":%u,\"external\":%u,\"visible_external\":%u,"
		      "\"external_domains\":%u}",
		      r->recipients.total, r->recipients.external, r->recipients.visible_external,
		      r->recipients.external_domains);
	lg_buf_puts(b, ",\"findings\":{");
	for (size_t d = 0; d < r->ndets; d++) {
		lg_buf_printf(b, "%s", d ? "," : "");
		lg_json_str(b, r->dets[d].id);
		lg_buf_printf(b, ":%u", r->dets[d].counted);
	}
	lg_buf_puts(b, "},\"confidence\":{");
	for (size_t d = 0; d < r->ndets; d++) {
		lg_buf_printf(b, "%s", d ? "," : "");
		lg_json_str(b, r->dets[d].id);
		lg_buf_printf(b, ":{\"high\":%u,\"any\":%u}", r->dets[d].high, r->dets[d].any);
	}
	lg_buf_puts(b, "},\"samples\":{");
	for (size_t d = 0; d < r->ndets; d++) {
		lg_buf_printf(b, "%s", d ? "," : "");
		lg_json_str(b, r->dets[d].id);
		lg_buf_putc(b, ':');
		lg_buf_putc(b, '[');
		for (int i = 0; i < LG_REPORT_SAMPLES && r->dets[d].samples[i]; i++) {
			if (i)
				lg_buf_putc(b, ',');
			lg_json_str(b, r->dets[d].samples[i]);
		}
		lg_buf_putc(b, ']');
	}
	lg_buf_puts(b, "},\"items\":[");
	for (size_t i = 0; i < r->nitems && i < LG_REPORT_ITEMS; i++) {
		const struct lg_item *it = &r->items[i];
		lg_buf_puts(b, i ? ",{\"type\":" : "{\"type\":");
		lg_json_str(b, r->dets[it->det].id);
		lg_buf_printf(b, ",\"confidence\":\"%s\",\"sample\":", lg_conf_name(it->conf));
		lg_json_str(b, it->sample);
		lg_buf_puts(b, ",\"path\":");
		lg_json_str(b, it->path);
		if (it->row)
			lg_buf_printf(b, ",\"row\":%lu,\"column\":%u", it->row, it->column);
		else
			lg_buf_printf(b, ",\"line\":%lu", it->line);
		lg_buf_printf(b, ",\"occurrences\":%u}", it->occurrences);
	}
	lg_buf_printf(b, "],\"items_total\":%zu", r->nitems);
	lg_buf_printf(b, ",\"records\":%u,\"excluded_own\":%u,\"message_size\":%zu,\"error\":",
		      r->records, r->excluded, r->message_size);
	lg_json_str(b, r->error);
	lg_buf_printf(b, ",\"unscannable\":%u,\"attachments\":[", r->unscannable);
	int first = 1;
	for (size_t i = 0; i < r->nparts; i++) {
		if (!r->parts[i].attachment)
			continue;
		if (!first)
			lg_buf_putc(b, ',');
		first = 0;
		json_part(b, &r->parts[i]);
	}
	lg_buf_puts(b, "],\"parts\":[");
	for (size_t i = 0; i < r->nparts; i++) {
		if (i)
			lg_buf_putc(b, ',');
		json_part(b, &r->parts[i]);
	}
	lg_buf_puts(b, "]}");
}

/* lg_report_summary - the facts part of the one log line per message */
void lg_report_summary(const struct lg_report *r, struct lg_buf *b)
{
	lg_buf_printf(b, "action=%s%s rules=", lg_action_name(r->verdict.action),
		      r->verdict.monitor ? " monitor=yes" : "");
	if (!r->verdict.nrules)
		lg_buf_putc(b, '-');
	for (size_t i = 0; i < r->verdict.nrules; i++)
		lg_buf_printf(b, "%s%s", i ? "," : "", r->verdict.rules[i]);
	if (r->verdict.notify)	/* the deciding rule's notify (notices themselves: a later step) */
		lg_buf_printf(b, " notify=%s", r->verdict.notify);
	lg_buf_printf(b, " rcpts=%u external=%u visible_external=%u external_domains=%u findings=",
		      r->recipients.total, r->recipients.external, r->recipients.visible_external,
		      r->recipients.external_domains);
	bool any = false;
	for (size_t d = 0; d < r->ndets; d++)
		if (r->dets[d].any) {
			lg_buf_printf(b, "%s%s:%u", any ? "," : "", r->dets[d].id, r->dets[d].counted);
			if (r->dets[d].any != r->dets[d].counted)
				lg_buf_printf(b, "(+%u low)", r->dets[d].any - r->dets[d].counted);
			any = true;
		}
	if (!any)
		lg_buf_putc(b, '-');
	lg_buf_printf(b, " records=%u unscannable=%u size=%zu", r->records, r->unscannable,
		      r->message_size);
	if (r->error)
		lg_buf_printf(b, " error=%s", r->error);
	if (r->timed)
		lg_buf_printf(b, " time_ms=%.3f", r->verdict_ms);
	const char *sep = " samples=";
	for (size_t d = 0; d < r->ndets; d++)
		for (int i = 0; i < LG_REPORT_SAMPLES && r->dets[d].samples[i]; i++) {
			lg_buf_printf(b, "%s%s", sep, r->dets[d].samples[i]);
			sep = ",";
		}
}
