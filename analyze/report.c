/* report.c - the analysis report: fact values for policy, JSON output, log summary. */
#include "analyze/report.h"

#include <stdlib.h>

#include "lg_buf.h"
#include "lg_json.h"

/* lg_report_fact - the value of one named fact for this message */
long lg_report_fact(const struct lg_report *r, enum lg_fact f)
{
	switch (f) {
	case LG_FACT_RECORDS:
		return r->records;
	case LG_FACT_FINDINGS_TOTAL: {
		long t = 0;
		for (int i = 0; i < LG_DET__COUNT; i++)
			t += r->findings[i];
		return t;
	}
	case LG_FACT_FINDINGS_PHONE_JP:
		return r->findings[LG_DET_PHONE_JP];
	case LG_FACT_FINDINGS_EMAIL:
		return r->findings[LG_DET_EMAIL];
	case LG_FACT_RECIPIENTS_TOTAL:
		return r->recipients.total;
	case LG_FACT_RECIPIENTS_EXTERNAL:
		return r->recipients.external;
	case LG_FACT_RECIPIENTS_VISIBLE_EXTERNAL:
		return r->recipients.visible_external;
	case LG_FACT_RECIPIENTS_EXTERNAL_DOMAINS:
		return r->recipients.external_domains;
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

/* lg_report_free - release everything the report owns */
void lg_report_free(struct lg_report *r)
{
	for (int d = 0; d < LG_DET__COUNT; d++)
		for (int i = 0; i < LG_REPORT_SAMPLES; i++)
			free(r->samples[d][i]);
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
	for (int d = 0; d < LG_DET__COUNT; d++)
		lg_buf_printf(b, "%s\"%s\":%u", d ? "," : "", lg_detector_name((enum lg_detector)d),
			      r->findings[d]);
	lg_buf_puts(b, "},\"samples\":{");
	for (int d = 0; d < LG_DET__COUNT; d++) {
		lg_buf_printf(b, "%s\"%s\":[", d ? "," : "", lg_detector_name((enum lg_detector)d));
		for (int i = 0; i < LG_REPORT_SAMPLES && r->samples[d][i]; i++) {
			if (i)
				lg_buf_putc(b, ',');
			lg_json_str(b, r->samples[d][i]);
		}
		lg_buf_putc(b, ']');
	}
	lg_buf_printf(b, "},\"records\":%u,\"excluded_own\":%u,\"message_size\":%zu,\"error\":",
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
	lg_buf_printf(b, "action=%s rules=", lg_action_name(r->verdict.action));
	if (!r->verdict.nrules)
		lg_buf_putc(b, '-');
	for (size_t i = 0; i < r->verdict.nrules; i++)
		lg_buf_printf(b, "%s%s", i ? "," : "", r->verdict.rules[i]);
	lg_buf_printf(b, " rcpts=%u external=%u visible_external=%u external_domains=%u findings=",
		      r->recipients.total, r->recipients.external, r->recipients.visible_external,
		      r->recipients.external_domains);
	for (int d = 0; d < LG_DET__COUNT; d++)
		lg_buf_printf(b, "%s%s:%u", d ? "," : "", lg_detector_name((enum lg_detector)d),
			      r->findings[d]);
	lg_buf_printf(b, " records=%u unscannable=%u size=%zu", r->records, r->unscannable,
		      r->message_size);
	if (r->error)
		lg_buf_printf(b, " error=%s", r->error);
	const char *sep = " samples=";
	for (int d = 0; d < LG_DET__COUNT; d++)
		for (int i = 0; i < LG_REPORT_SAMPLES && r->samples[d][i]; i++) {
			lg_buf_printf(b, "%s%s", sep, r->samples[d][i]);
			sep = ",";
		}
}
