/* bcc.c - the bcc action's header plan: To and Cc parsed with GMime's address parser (folded
 * values, RFC 2047 display names, groups), external addresses taken out, internal ones kept only
 * with bcc.keep_internal; the envelope is never touched, so everybody still gets the message. */
#include "milter/bcc.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "analyze/recipients.h"
#include "lg_alloc.h"
#include "lg_buf.h"

#define UNDISCLOSED "undisclosed-recipients:;"
#define FOLD_AT 76		/* fold a rewritten list before a line grows past this */
#define MAX_GROUP_DEPTH 4	/* groups cannot nest in RFC 5322; a hostile value may try */

/* One rewritten header occurrence. */
struct filtered {
	unsigned removed;	/* mailboxes (or unparseable text) taken out */
	unsigned kept;
	char *value;		/* the kept mailboxes as a header value, NULL when none */
};

/* lg_vis_hdrs_add - keep the value of a To or Cc header, count a Bcc header */
void lg_vis_hdrs_add(struct lg_vis_hdrs *h, const char *name, const char *value)
{
	char ***v;
	size_t *n;
	if (!strcasecmp(name, "To")) {
		v = &h->to;
		n = &h->nto;
	} else if (!strcasecmp(name, "Cc")) {
		v = &h->cc;
		n = &h->ncc;
	} else {
		if (!strcasecmp(name, "Bcc"))
			h->nbcc++;
		return;
	}
	*v = lg_realloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = lg_strdup(value ? value : "");
}

/* lg_vis_hdrs_free - forget the headers */
void lg_vis_hdrs_free(struct lg_vis_hdrs *h)
{
	for (size_t i = 0; i < h->nto; i++)
		free(h->to[i]);
	for (size_t i = 0; i < h->ncc; i++)
		free(h->cc[i]);
	free(h->to);
	free(h->cc);
	*h = (struct lg_vis_hdrs){0};
}

/* keep_mailboxes - walk a parsed list (groups flattened); add the mailboxes to keep to out */
static void keep_mailboxes(const struct lg_config *cfg, const char *sdom, InternetAddressList *l,
			   InternetAddressList *out, struct filtered *f, unsigned depth)
{
	int n = l ? internet_address_list_length(l) : 0;
	for (int i = 0; i < n; i++) {
		InternetAddress *ia = internet_address_list_get_address(l, i);
		if (INTERNET_ADDRESS_IS_GROUP(ia)) {
			InternetAddressList *m =
				internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia));
			if (depth < MAX_GROUP_DEPTH)
				keep_mailboxes(cfg, sdom, m, out, f, depth + 1);
			else
				f->removed += (unsigned)internet_address_list_length(m);
			continue;
		}
		const char *addr = INTERNET_ADDRESS_IS_MAILBOX(ia)
			? internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia)) : NULL;
		if (addr && *addr && cfg->bcc.keep_internal &&
		    lg_domain_internal(cfg, sdom, lg_addr_domain(addr))) {
			internet_address_list_add(out, ia);
			f->kept++;
		} else {
			f->removed++;
		}
	}
}

/* list_value - the mailboxes of l as a header value, folded with "\n\t" between addresses */
static char *list_value(InternetAddressList *l)
{
	struct lg_buf b = LG_BUF_INIT;
	size_t line = 4;	/* "To: " */
	int n = internet_address_list_length(l);
	for (int i = 0; i < n; i++) {
		char *s = internet_address_to_string(internet_address_list_get_address(l, i), NULL,
						     TRUE);
		size_t len = strlen(s);
		if (i > 0) {
			lg_buf_putc(&b, ',');
			if (line + 2 + len > FOLD_AT) {
				lg_buf_puts(&b, "\n\t");
				line = 1;
			} else {
				lg_buf_putc(&b, ' ');
				line += 2;
			}
		}
		lg_buf_puts(&b, s);
		line += len;
		g_free(s);
	}
	char *v = lg_strdup(lg_buf_cstr(&b));
	lg_buf_free(&b);
	return v;
}

/* blank - only white space (an empty To is not an unparseable one) */
static bool blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return false;
	return true;
}

/* filter_value - one header value with the addresses that must not stay visible taken out */
static void filter_value(const struct lg_config *cfg, const char *sdom, const char *value,
			 struct filtered *f)
{
	*f = (struct filtered){0};
	InternetAddressList *l = internet_address_list_parse(NULL, value);
	InternetAddressList *out = internet_address_list_new();
	keep_mailboxes(cfg, sdom, l, out, f, 0);
	/* text GMime could not read as any address is hidden too: it may be one */
	if ((!l || internet_address_list_length(l) == 0) && !blank(value))
		f->removed++;
	if (f->kept)
		f->value = list_value(out);
	g_object_unref(out);
	if (l)
		g_object_unref(l);
}

/* add_edit - append one edit to the plan */
static void add_edit(struct lg_bcc_plan *p, const char *name, int index, enum lg_hdr_op op,
		     const char *value)
{
	p->edits = lg_realloc(p->edits, (p->nedits + 1) * sizeof *p->edits);
	p->edits[p->nedits++] = (struct lg_hdr_edit){ name, index, op,
						       value ? lg_strdup(value) : NULL };
}

/* sender_domain - the envelope sender's domain, lower case, newly allocated */
static char *sender_domain(const char *sender)
{
	char *d = lg_strdup(lg_addr_domain(sender ? sender : ""));
	size_t n = strlen(d);
	if (n && d[n - 1] == '>')
		d[n - 1] = '\0';
	for (char *p = d; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return d;
}

/* lg_bcc_plan - see bcc.h */
void lg_bcc_plan(const struct lg_config *cfg, const char *sender, const struct lg_vis_hdrs *h,
		 struct lg_bcc_plan *out)
{
	*out = (struct lg_bcc_plan){0};
	char *sdom = sender_domain(sender);
	struct filtered *to = lg_calloc(h->nto + 1, sizeof *to);
	struct filtered *cc = lg_calloc(h->ncc + 1, sizeof *cc);
	bool to_left = false;
	for (size_t i = 0; i < h->nto; i++) {
		filter_value(cfg, sdom, h->to[i], &to[i]);
		if (to[i].removed == 0 || to[i].kept)
			to_left = true;
	}
	for (size_t i = 0; i < h->ncc; i++)
		filter_value(cfg, sdom, h->cc[i], &cc[i]);

	for (size_t i = h->nto; i-- > 0;) {
		out->hidden += to[i].removed;
		out->kept += to[i].kept;
		if (to[i].removed == 0)
			continue;
		if (to[i].kept)
			add_edit(out, "To", (int)i + 1, LG_HDR_CHANGE, to[i].value);
		else if (i == 0 && !to_left)
			add_edit(out, "To", 1, LG_HDR_CHANGE, UNDISCLOSED);
		else
			add_edit(out, "To", (int)i + 1, LG_HDR_DELETE, NULL);
	}
	if (h->nto == 0 && !to_left)
		add_edit(out, "To", 0, LG_HDR_ADD, UNDISCLOSED);
	for (size_t i = h->ncc; i-- > 0;) {
		out->hidden += cc[i].removed;
		out->kept += cc[i].kept;
		if (cc[i].removed == 0)
			continue;
		if (cc[i].kept)
			add_edit(out, "Cc", (int)i + 1, LG_HDR_CHANGE, cc[i].value);
		else
			add_edit(out, "Cc", (int)i + 1, LG_HDR_DELETE, NULL);
	}
	for (size_t i = h->nbcc; i > 0; i--)
		add_edit(out, "Bcc", (int)i, LG_HDR_DELETE, NULL);

	for (size_t i = 0; i < h->nto; i++)
		free(to[i].value);
	for (size_t i = 0; i < h->ncc; i++)
		free(cc[i].value);
	free(to);
	free(cc);
	free(sdom);
}

/* lg_bcc_plan_free - release the edits */
void lg_bcc_plan_free(struct lg_bcc_plan *p)
{
	for (size_t i = 0; i < p->nedits; i++)
		free(p->edits[i].value);
	free(p->edits);
	*p = (struct lg_bcc_plan){0};
}
