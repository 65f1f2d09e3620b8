/* enact.c - verdict to milter actions: accept, tag (headers), bcc (To/Cc rewrite), hold
 * (smfi_quarantine: Postfix's hold queue), discard, reject (5.7.1 with text), tempfail (4.7.1).
 * A monitor verdict changes nothing: it is only logged. */
#include "milter/enact.h"

#include <stdlib.h>
#include <string.h>

#include "lg_alloc.h"
#include "lg_buf.h"
#include "lg_log.h"

/* lg_smtp_text - printable ASCII prefix of a reason, trimmed of a trailing " /" */
char *lg_smtp_text(const char *reason, const char *fallback)
{
	if (!reason)
		return lg_strdup(fallback);
	size_t n = 0;
	while (n < LG_SMTP_TEXT_MAX && reason[n] && (unsigned char)reason[n] >= 0x20 &&
	       (unsigned char)reason[n] < 0x7f)
		n++;
	while (n > 0 && (reason[n - 1] == ' ' || reason[n - 1] == '/'))
		n--;
	if (n == 0)
		return lg_strdup(fallback);
	char *s = lg_strndup(reason, n);
	/* '%' has a meaning in smfi_setreply texts */
	for (char *p = s; *p; p++)
		if (*p == '%')
			*p = ' ';
	return s;
}

/* rules_list - comma-separated rule names */
static void rules_list(const struct lg_report *r, struct lg_buf *b)
{
	for (size_t i = 0; i < r->verdict.nrules; i++)
		lg_buf_printf(b, "%s%s", i ? ", " : "", r->verdict.rules[i]);
	if (!r->verdict.nrules)
		lg_buf_puts(b, "none");
}

/* add_tags - X-Leakguard-Verdict and X-Leakguard-Rules headers */
static int add_tags(SMFICTX *ctx, const struct lg_report *r)
{
	struct lg_buf v = LG_BUF_INIT, rl = LG_BUF_INIT;
	long total = lg_report_fact(r, LG_FACT_FINDINGS_TOTAL);
	lg_buf_printf(&v, "%s; findings=%ld; records=%u", lg_action_name(r->verdict.action), total,
		      r->records);
	rules_list(r, &rl);
	int rc = smfi_addheader(ctx, "X-Leakguard-Verdict", (char *)lg_buf_cstr(&v));
	if (rc == MI_SUCCESS)
		rc = smfi_addheader(ctx, "X-Leakguard-Rules", (char *)lg_buf_cstr(&rl));
	lg_buf_free(&v);
	lg_buf_free(&rl);
	return rc;
}

/* apply_bcc - carry out the header plan of the bcc action; the envelope is not touched (leakguard
 * does not even negotiate SMFIF_ADDRCPT or SMFIF_DELRCPT), so every recipient still gets it. */
static int apply_bcc(SMFICTX *ctx, const struct lg_bcc_plan *plan)
{
	int rc = MI_SUCCESS;
	for (size_t i = 0; i < plan->nedits && rc == MI_SUCCESS; i++) {
		const struct lg_hdr_edit *e = &plan->edits[i];
		if (e->op == LG_HDR_ADD)
			rc = smfi_addheader(ctx, (char *)e->name, e->value);
		else
			rc = smfi_chgheader(ctx, (char *)e->name, e->index,
					    e->op == LG_HDR_DELETE ? NULL : e->value);
	}
	return rc;
}

/* lg_enact - see enact.h */
sfsistat lg_enact(SMFICTX *ctx, const struct lg_report *r, const struct lg_bcc_plan *plan)
{
	char *text = NULL;
	sfsistat st = SMFIS_CONTINUE;
	int rc = MI_SUCCESS;
	if (r->verdict.monitor)
		return SMFIS_CONTINUE;	/* monitor mode: logged as what would happen, delivered */
	switch (r->verdict.action) {
	case LG_ACT_ACCEPT:
		break;
	case LG_ACT_TAG:
		rc = add_tags(ctx, r);
		break;
	case LG_ACT_BCC:
		rc = plan ? apply_bcc(ctx, plan) : MI_FAILURE;
		if (rc == MI_SUCCESS)
			rc = add_tags(ctx, r);
		break;
	case LG_ACT_HOLD: {
		struct lg_buf q = LG_BUF_INIT;
		text = lg_smtp_text(r->verdict.reason, "held by leakguard policy");
		lg_buf_printf(&q, "leakguard: ");
		rules_list(r, &q);
		lg_buf_printf(&q, ": %s", text);
		rc = add_tags(ctx, r);
		if (rc == MI_SUCCESS)
			rc = smfi_quarantine(ctx, (char *)lg_buf_cstr(&q));
		lg_buf_free(&q);
		break;
	}
	case LG_ACT_DISCARD:
		st = SMFIS_DISCARD;
		break;
	case LG_ACT_REJECT:
		text = lg_smtp_text(r->verdict.reason, "Message refused by data-leak policy");
		rc = smfi_setreply(ctx, "550", "5.7.1", text);
		st = SMFIS_REJECT;
		break;
	case LG_ACT_TEMPFAIL:
		text = lg_smtp_text(r->verdict.reason, "Message deferred by data-leak policy");
		rc = smfi_setreply(ctx, "451", "4.7.1", text);
		st = SMFIS_TEMPFAIL;
		break;
	}
	free(text);
	if (rc != MI_SUCCESS) {
		/* The MTA refused a modification (not negotiated, or a protocol error): never accept
		 * a message whose verdict could not be carried out. */
		lg_error("cannot carry out action %s; answering tempfail",
			 lg_action_name(r->verdict.action));
		return SMFIS_TEMPFAIL;
	}
	return st;
}
