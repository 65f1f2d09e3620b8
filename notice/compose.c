/* compose.c - what each notice says and to whom: the placeholder values (the held mail's subject,
 * recipients and time, what was found where in plain words, the rule's reason in the reader's
 * language) and the recipients (the deciding rule's notify; never the null sender, never an
 * external recipient of the held mail); the message itself is made by mime.c. */
#include "config.h"

#include <gmime/gmime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "analyze/report.h"
#include "config/config.h"
#include "lg_alloc.h"
#include "lg_buf.h"
#include "lg_log.h"
#include "notice/notice.h"
#include "policy/sets.h"

/* A detector's name as a sender reads it. */
struct det_words {
	const char *id;
	const char *ja;
	const char *en_one, *en_many;
};

static const struct det_words det_words[] = {
	{ "phone_jp", "電話番号", "phone number", "phone numbers" },
	{ "phone_intl", "海外の電話番号", "international phone number",
	  "international phone numbers" },
	{ "email", "メールアドレス", "e-mail address", "e-mail addresses" },
	{ "my_number", "マイナンバー(個人番号)", "My Number (individual number)",
	  "My Numbers (individual numbers)" },
	{ "payment_card", "クレジットカード番号", "payment card number", "payment card numbers" },
	{ "postal_jp", "住所", "postal address", "postal addresses" },
	{ "bank_account_jp", "銀行口座番号", "bank account number", "bank account numbers" },
	{ "name", "氏名", "name", "names" },
	{ "corporate_number", "法人番号", "corporate number", "corporate numbers" },
};

/* det_name - a detector's name in a language, for n values */
static const char *det_name(const char *id, enum lg_notice_lang l, unsigned n)
{
	for (size_t i = 0; i < sizeof det_words / sizeof det_words[0]; i++)
		if (!strcmp(det_words[i].id, id))
			return l == LG_NL_JA ? det_words[i].ja
					     : n == 1 ? det_words[i].en_one : det_words[i].en_many;
	return id;	/* an administrator's own detector: its id */
}

/* reason_words - why a part could not be checked, in plain words */
static const char *reason_words(const char *reason, enum lg_notice_lang l)
{
	static const struct { const char *r, *ja, *en; } tab[] = {
		{ "encrypted", "暗号化またはパスワード付きのため", "it is encrypted or password-protected" },
		{ "corrupt", "ファイルが壊れているため", "the file is damaged" },
		{ "unsupported", "対応していない形式のため", "its format is not supported" },
	};
	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (!strcmp(reason, tab[i].r))
			return l == LG_NL_JA ? tab[i].ja : tab[i].en;
	if (!strncmp(reason, "limit:", 6))
		return l == LG_NL_JA ? "大きさや数の上限を超えたため" : "it is over a size or count limit";
	return l == LG_NL_JA ? "読み取れなかったため" : "it could not be read";
}

/* lg_notice_language - the language of notices to an address */
const char *lg_notice_language(const struct lg_ncfg *nc, const char *addr)
{
	for (size_t i = 0; addr && *addr && i < nc->nlangs; i++)
		if (nc->langs[i].set && lg_set_match(nc->langs[i].set, LG_VK_ADDRESS, addr))
			return nc->langs[i].language;
	return nc->language ? nc->language : "ja";
}

/* one_line - text with every control character (line breaks, tabs, escapes) made a space: what
 * a sender wrote (a subject, a file name) cannot add lines or headers to a notice */
static char *one_line(const char *s)
{
	char *d = lg_strdup(s ? s : "");
	for (char *p = d; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return d;
}

/* orig_subject - the held mail's Subject decoded to UTF-8 (GMime reads the header section) */
static char *orig_subject(const char *msg, size_t len)
{
	if (!msg || !len)
		return lg_strdup("");
	const char *end = NULL;
	for (size_t i = 0; i + 1 < len && !end; i++)
		if (msg[i] == '\n' && (msg[i + 1] == '\n' ||
				       (msg[i + 1] == '\r' && i + 2 < len && msg[i + 2] == '\n')))
			end = msg + i + 1;
	size_t hlen = end ? (size_t)(end - msg) : len;
	struct lg_buf h = LG_BUF_INIT;
	lg_buf_append(&h, msg, hlen);
	lg_buf_puts(&h, "\r\n\r\n");
	GMimeStream *st = g_mime_stream_mem_new_with_buffer(h.data, h.len);
	GMimeParser *p = g_mime_parser_new_with_stream(st);
	GMimeMessage *m = g_mime_parser_construct_message(p, NULL);
	const char *s = m ? g_mime_message_get_subject(m) : NULL;
	char *out = one_line(s && g_utf8_validate(s, -1, NULL) ? s : "");
	if (m)
		g_object_unref(m);
	g_object_unref(p);
	g_object_unref(st);
	lg_buf_free(&h);
	return out;
}

/* fmt_time - local time as people write it: 2026-11-27 14:05 JST */
static char *fmt_time(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char buf[64];
	localtime_r(&tt, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%d %H:%M %Z", &tm);
	return lg_strdup(buf);
}

/* rcpt_list - the recipients one per line (indented), the first LG_NOTICE_LIST_MAX of them */
static char *rcpt_list(char *const *rcpts, size_t n, enum lg_notice_lang l)
{
	struct lg_buf b = LG_BUF_INIT;
	for (size_t i = 0; i < n && i < LG_NOTICE_LIST_MAX; i++)
		lg_buf_printf(&b, "%s  %s", i ? "\n" : "", rcpts[i]);
	if (n > LG_NOTICE_LIST_MAX)
		lg_buf_printf(&b, l == LG_NL_JA ? "\n  ほか %zu 件" : "\n  and %zu more",
			      n - LG_NOTICE_LIST_MAX);
	if (!n)
		lg_buf_puts(&b, l == LG_NL_JA ? "  (なし)" : "  (none)");
	lg_buf_cstr(&b);
	return lg_buf_steal(&b, NULL);
}

/* find_part - the report's part at a path, or NULL */
static const struct lg_part *find_part(const struct lg_report *rep, const char *path)
{
	for (size_t i = 0; path && i < rep->nparts; i++)
		if (rep->parts[i].path && !strcmp(rep->parts[i].path, path))
			return &rep->parts[i];
	return NULL;
}

/* counted_item - does an item count (a personal detector, medium or high confidence) */
static bool counted_item(const struct lg_report *rep, const struct lg_item *it)
{
	return it->det < rep->ndets && rep->dets[it->det].personal && it->conf >= LG_CONF_MEDIUM;
}

/* why_lines - what was found where, one line per part: "添付ファイル「参加者名簿.csv」に電話番号
 * 49 件、メールアドレス 49 件"; then the parts that could not be checked */
static char *why_lines(const struct lg_report *rep, enum lg_notice_lang l)
{
	struct lg_buf b = LG_BUF_INIT;
	size_t nd = rep->ndets ? rep->ndets : 1;
	unsigned *cnt = lg_calloc(nd, sizeof *cnt);
	char **seen = NULL;
	size_t nseen = 0;
	for (size_t i = 0; i < rep->nitems; i++) {
		const struct lg_item *it = &rep->items[i];
		const char *path = it->path ? it->path : "";
		if (!counted_item(rep, it))
			continue;
		bool done = false;
		for (size_t s = 0; s < nseen && !done; s++)
			done = !strcmp(seen[s], path);
		if (done)
			continue;
		seen = lg_realloc(seen, (nseen + 1) * sizeof *seen);
		seen[nseen++] = (char *)path;
		memset(cnt, 0, nd * sizeof *cnt);
		for (size_t j = i; j < rep->nitems; j++)
			if (counted_item(rep, &rep->items[j]) && rep->items[j].path &&
			    !strcmp(rep->items[j].path, path))
				cnt[rep->items[j].det]++;
		const struct lg_part *p = find_part(rep, path);
		bool attachment = p ? p->attachment : strchr(path, '.') != NULL;
		char *name = one_line(path);
		if (b.len)
			lg_buf_putc(&b, '\n');
		if (l == LG_NL_JA) {
			if (attachment)
				lg_buf_printf(&b, "・添付ファイル「%s」に", name);
			else
				lg_buf_puts(&b, "・本文に");
		} else {
			if (attachment)
				lg_buf_printf(&b, "- in the attachment \"%s\": ", name);
			else
				lg_buf_puts(&b, "- in the text of the mail: ");
		}
		free(name);
		bool first = true;
		for (size_t d = 0; d < rep->ndets; d++) {
			if (!cnt[d])
				continue;
			const char *w = det_name(rep->dets[d].id, l, cnt[d]);
			if (l == LG_NL_JA)
				lg_buf_printf(&b, "%s%s %u 件", first ? "" : "、", w, cnt[d]);
			else
				lg_buf_printf(&b, "%s%u %s", first ? "" : ", ", cnt[d], w);
			first = false;
		}
	}
	for (size_t i = 0; i < rep->nparts; i++) {
		const struct lg_part *p = &rep->parts[i];
		if (p->scanned || !p->reason || !strcmp(p->reason, "no-text"))
			continue;
		if (b.len)
			lg_buf_putc(&b, '\n');
		char *name = one_line(p->path);
		if (l == LG_NL_JA)
			lg_buf_printf(&b, "・添付ファイル「%s」は、%s中身を確認できませんでした", name,
				      reason_words(p->reason, l));
		else
			lg_buf_printf(&b, "- the attachment \"%s\" could not be checked: %s", name,
				      reason_words(p->reason, l));
		free(name);
	}
	if (!b.len)
		lg_buf_puts(&b, l == LG_NL_JA ? "・(本文・添付ファイルからの検出はありません)"
					     : "- (nothing was found in the text or the attachments)");
	free(seen);
	free(cnt);
	lg_buf_cstr(&b);
	return lg_buf_steal(&b, NULL);
}

/* deciding_rule - the policy rule whose reason the verdict carries (else the last matched) */
static const struct lg_rule *deciding_rule(const struct lg_config *cfg, char *const *rules,
					   size_t nrules, const char *reason)
{
	const struct lg_rule *last = NULL;
	for (size_t i = 0; i < nrules; i++)
		for (size_t j = 0; j < cfg->policy.nrules; j++) {
			const struct lg_rule *r = &cfg->policy.rules[j];
			if (!r->name || strcmp(r->name, rules[i]))
				continue;
			if (reason && r->reason && !strcmp(r->reason, reason))
				return r;
			last = r;
		}
	return last;
}

/* reason_in - the deciding rule's reason in a language (the combined text when not given) */
static const char *reason_in(const struct lg_rule *r, const char *combined, enum lg_notice_lang l)
{
	if (r && l == LG_NL_JA && r->reason_ja)
		return r->reason_ja;
	if (r && l == LG_NL_EN && r->reason_en)
		return r->reason_en;
	if (combined)
		return combined;
	return l == LG_NL_JA ? "(理由の記載はありません)" : "(no reason given)";
}

/* Placeholder values of one notice, built per language. */
struct vars {
	struct lg_notice_var v[24];
	size_t n;
	char *own[24];		/* values this struct allocated */
	size_t nown;
};

/* var_set - a value (copied when own) */
static void var_set(struct vars *vs, const char *name, const char *value, bool own)
{
	if (vs->n >= sizeof vs->v / sizeof vs->v[0])
		lg_panic("notice: too many placeholders");
	const char *v = value;
	if (own) {
		vs->own[vs->nown++] = (char *)value;
	}
	vs->v[vs->n++] = (struct lg_notice_var){ name, v };
}

/* vars_free - release what the values own */
static void vars_free(struct vars *vs)
{
	for (size_t i = 0; i < vs->nown; i++)
		free(vs->own[i]);
	vs->n = vs->nown = 0;
}

/* lang_list - the template languages of a setting, in order (ja+en: ja then en) */
static size_t lang_list(const char *language, enum lg_notice_lang out[2])
{
	if (language && !strcmp(language, "en")) {
		out[0] = LG_NL_EN;
		return 1;
	}
	out[0] = LG_NL_JA;
	if (language && !strcmp(language, "ja+en")) {
		out[1] = LG_NL_EN;
		return 2;
	}
	return 1;
}

/* The facts every notice about one entry draws on. */
struct about {
	const struct lg_config *cfg;
	const struct lg_q_record *rec;
	const struct lg_report *rep;	/* at hold time; NULL later */
	char *subject;			/* the held mail's, decoded */
	const char *reviewer, *review_reason;
	int64_t decided;
};

/* fill_vars - the placeholder values of a kind in a language */
static void fill_vars(const struct about *a, enum lg_notice_kind kind, enum lg_notice_lang l,
		      struct vars *vs)
{
	const struct lg_q_record *rec = a->rec;
	const struct lg_ncfg *nc = &a->cfg->notices;
	var_set(vs, "id", rec->id, false);
	var_set(vs, "subject", *a->subject ? a->subject : l == LG_NL_JA ? "(件名なし)" : "(no subject)",
		false);
	var_set(vs, "sender", *rec->sender ? rec->sender : "<>", false);
	var_set(vs, "recipients", rcpt_list(rec->rcpts, rec->nrcpts, l), true);
	var_set(vs, "recipient_count", lg_asprintf("%zu", rec->nrcpts), true);
	var_set(vs, "time", fmt_time(rec->created), true);
	var_set(vs, "contact", nc->contact ? nc->contact
					   : l == LG_NL_JA ? "システム管理者" : "your mail administrator",
		false);
	const struct lg_rule *rule = deciding_rule(a->cfg, rec->rules, rec->nrules, rec->reason);
	if (kind == LG_N_HELD || kind == LG_N_COMPLIANCE) {
		var_set(vs, "why", a->rep ? why_lines(a->rep, l) : lg_strdup("-"), true);
		var_set(vs, "reason", reason_in(rule, rec->reason, l), false);
	}
	if (kind == LG_N_RELEASED || kind == LG_N_DELETED) {
		var_set(vs, "reviewer", a->reviewer ? a->reviewer : "?", false);
		var_set(vs, "review_reason", a->review_reason && *a->review_reason
			? a->review_reason : l == LG_NL_JA ? "(記載なし)" : "(none given)", false);
		var_set(vs, "decided_time", fmt_time(a->decided), true);
	}
	if (kind != LG_N_COMPLIANCE)
		return;
	var_set(vs, "rules", lg_q_join(rec->rules, rec->nrules, ',', false), true);
	struct lg_buf b = LG_BUF_INIT;
	for (size_t i = 0; i < rec->ntallies; i++) {
		const struct lg_q_tally *t = &rec->tallies[i];
		lg_buf_printf(&b, "%s  %-18s %u (%s %u, %s %u)", i ? "\n" : "", t->detector,
			      t->counted, l == LG_NL_JA ? "高信頼" : "high", t->high,
			      l == LG_NL_JA ? "低信頼を含む全件" : "low included", t->any);
	}
	if (!b.len)
		lg_buf_puts(&b, "  -");
	var_set(vs, "counts", lg_buf_steal(&b, NULL), true);
	size_t shown = 0, same = 0;
	for (size_t i = 0; i < rec->nfindings && shown < LG_NOTICE_LIST_MAX; i++) {
		const struct lg_q_finding *f = &rec->findings[i];
		/* a few of each detector (the findings come grouped by detector) */
		same = i && !strcmp(rec->findings[i - 1].detector, f->detector) ? same + 1 : 0;
		if (same >= LG_NOTICE_SAMPLES)
			continue;
		char *fp = one_line(f->path ? f->path : "-");
		lg_buf_printf(&b, "%s  %-18s %-22s %s", shown > 1 ? "\n" : "", f->detector,
			      f->sample ? f->sample : "-", fp);
		free(fp);
		if (f->row)
			lg_buf_printf(&b, l == LG_NL_JA ? " %lu 行 %u 列" : " row %lu, column %u",
				      f->row, f->column);
		else if (f->line)
			lg_buf_printf(&b, l == LG_NL_JA ? " %lu 行目" : " line %lu", f->line);
	}
	if (rec->nfindings > shown)
		lg_buf_printf(&b, l == LG_NL_JA ? "\n  (全 %zu 件: %s で一覧)" : "\n  (%zu in all: see %s)",
			      rec->nfindings, "leakguardctl quarantine show");
	if (!b.len)
		lg_buf_puts(&b, "  -");
	var_set(vs, "samples", lg_buf_steal(&b, NULL), true);
	for (size_t i = 0; i < rec->nparts; i++) {
		const struct lg_q_part *p = &rec->parts[i];
		char *pp = one_line(p->path ? p->path : "-");
		lg_buf_printf(&b, "%s  %s %s (%s, %llu bytes)%s%s", i ? "\n" : "",
			      p->attachment ? (l == LG_NL_JA ? "添付" : "attachment")
					    : (l == LG_NL_JA ? "本文" : "text"),
			      pp, p->type ? p->type : "-",
			      (unsigned long long)p->size, p->scanned ? "" : " NOT scanned: ",
			      p->scanned ? "" : (p->reason ? p->reason : "?"));
		free(pp);
	}
	if (!b.len)
		lg_buf_puts(&b, "  -");
	var_set(vs, "parts", lg_buf_steal(&b, NULL), true);
	var_set(vs, "show_command", lg_asprintf("leakguardctl quarantine show %s", rec->id), true);
	var_set(vs, "queue_id", rec->queue_id ? rec->queue_id : "-", false);
	var_set(vs, "relay", rec->relay ? rec->relay : "-", false);
	var_set(vs, "size", lg_asprintf("%llu", (unsigned long long)rec->size), true);
}

/* render - one notice of a kind to rcpts in a language setting (ja+en: both, Japanese first) */
static void render(const struct about *a, enum lg_notice_kind kind, const char *language,
		   char *const *rcpts, size_t nrcpts, struct lg_q_notice *out)
{
	const struct lg_ncfg *nc = &a->cfg->notices;
	enum lg_notice_lang langs[2];
	size_t nl = lang_list(language, langs);
	struct lg_buf subj = LG_BUF_INIT, body = LG_BUF_INIT;
	for (size_t i = 0; i < nl; i++) {
		const struct lg_notice_template *t = lg_notice_templates_get(nc->tpl, kind,
									      langs[i]);
		if (!t)
			lg_panic("notice template %s.%s not loaded", lg_notice_kind_name(kind),
				 langs[i] == LG_NL_JA ? "ja" : "en");
		struct vars vs = {0};
		if (kind == LG_N_DIGEST)
			lg_panic("render: digest has its own values");
		fill_vars(a, kind, langs[i], &vs);
		struct lg_buf s1 = LG_BUF_INIT, b1 = LG_BUF_INIT;
		lg_notice_render(t, vs.v, vs.n, &s1, &b1);
		if (i) {
			lg_buf_puts(&subj, " / ");
			lg_buf_puts(&body, "\n--------------------------------------------------\n\n");
		}
		char *one = one_line(lg_buf_cstr(&s1));
		lg_buf_puts(&subj, one);
		free(one);
		lg_buf_puts(&body, lg_buf_cstr(&b1));
		lg_buf_free(&s1);
		lg_buf_free(&b1);
		vars_free(&vs);
	}
	memset(out, 0, sizeof *out);
	out->kind = lg_strdup(lg_notice_kind_name(kind));
	out->qid = lg_strdup(a->rec->id);
	out->from = lg_strdup(nc->from);
	out->nrcpts = nrcpts;
	out->rcpts = lg_calloc(nrcpts ? nrcpts : 1, sizeof *out->rcpts);
	for (size_t i = 0; i < nrcpts; i++)
		out->rcpts[i] = lg_strdup(rcpts[i]);
	out->language = lg_strdup(language);
	out->subject = lg_strdup(lg_buf_cstr(&subj));
	out->message = lg_notice_mime(nc->from, rcpts, nrcpts, out->subject, lg_buf_cstr(&body),
				      out->kind, a->rec->id, &out->len);
	lg_buf_free(&subj);
	lg_buf_free(&body);
}

/* push - append a notice to the caller's array */
static struct lg_q_notice *push(struct lg_q_notice **out, size_t *n)
{
	*out = lg_realloc(*out, (*n + 1) * sizeof **out);
	return &(*out)[(*n)++];
}

/* has_addr - is a (case-insensitively) in v */
static bool has_addr(char *const *v, size_t n, const char *a)
{
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(v[i], a))
			return true;
	return false;
}

/* add_rcpt - one notice recipient: an address, not the null sender, not an external recipient
 * of the held mail, not twice */
static void add_rcpt(const struct lg_report *rep, char ***v, size_t *n, const char *a)
{
	if (!a || !*a || !strchr(a, '@') || *a == '*' || *a == '.' || has_addr(*v, *n, a))
		return;
	if (has_addr(rep->recipients.ext_addrs, rep->recipients.next_addrs, a))
		return;
	*v = lg_realloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = lg_strdup(a);
}

/* free_strv - free n strings and the array */
static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* lg_notice_for_hold - the sender's and the reviewers' notices of a new hold */
void lg_notice_for_hold(const struct lg_config *cfg, const struct lg_q_record *rec,
			const struct lg_report *rep, const char *msg, size_t len,
			struct lg_q_notice **out, size_t *n)
{
	const struct lg_ncfg *nc = &cfg->notices;
	if (!nc->enabled || !nc->tpl)
		return;
	struct about a = { cfg, rec, rep, orig_subject(msg, len), NULL, NULL, 0 };
	/* who hears of it: the deciding rule's notify */
	char **who = NULL;
	size_t nwho = 0;
	const char *notify = rep->verdict.notify;
	if (notify) {
		add_rcpt(rep, &who, &nwho, rec->sender);
		bool group = !strncmp(notify, "group:", 6);
		if (group || !strncmp(notify, "list:", 5)) {
			const char *name = notify + (group ? 6 : 5);
			const struct lg_set *s = lg_sets_find(&cfg->policy.sets, group, name,
							      strlen(name));
			for (size_t i = 0; s && i < s->n; i++)
				add_rcpt(rep, &who, &nwho, s->entries[i]);
		}
	}
	/* one notice per language among them, in the order first met */
	bool *done = lg_calloc(nwho ? nwho : 1, sizeof *done);
	for (size_t i = 0; i < nwho; i++) {
		if (done[i])
			continue;
		const char *lang = lg_notice_language(nc, who[i]);
		char **grp = NULL;
		size_t ng = 0;
		for (size_t j = i; j < nwho; j++)
			if (!done[j] && !strcmp(lg_notice_language(nc, who[j]), lang)) {
				done[j] = true;
				grp = lg_realloc(grp, (ng + 1) * sizeof *grp);
				grp[ng++] = who[j];
			}
		render(&a, LG_N_HELD, lang, grp, ng, push(out, n));
		free(grp);
	}
	free(done);
	free_strv(who, nwho);
	if (!strcmp(nc->compliance.mode, "each") && nc->compliance.to) {
		size_t nto = 0;
		while (nc->compliance.to[nto])
			nto++;
		render(&a, LG_N_COMPLIANCE,
		       nc->compliance.language ? nc->compliance.language : nc->language,
		       nc->compliance.to, nto, push(out, n));
	}
	free(a.subject);
}

/* lg_notice_for_review - the outcome notices of a release or delete */
void lg_notice_for_review(const struct lg_config *cfg, const struct lg_q_record *rec,
			  const char *msg, size_t len, enum lg_notice_kind kind,
			  const char *reviewer, const char *reason, const struct lg_q_notice *held,
			  size_t nheld, struct lg_q_notice **out, size_t *n)
{
	const struct lg_ncfg *nc = &cfg->notices;
	if (!nc->enabled || !nc->tpl)
		return;
	struct about a = { cfg, rec, NULL, orig_subject(msg, len), reviewer, reason,
			   rec->changed ? rec->changed : (int64_t)time(NULL) };
	for (size_t i = 0; i < nheld; i++) {
		if (strcmp(held[i].kind, "held") || !held[i].nrcpts)
			continue;
		const char *lang = held[i].language && *held[i].language ? held[i].language
									 : nc->language;
		/* a language the configuration no longer loads: its default instead */
		enum lg_notice_lang ls[2];
		size_t nl = lang_list(lang, ls);
		for (size_t k = 0; k < nl; k++)
			if (!lg_notice_templates_get(nc->tpl, kind, ls[k]))
				lang = nc->language;
		render(&a, kind, lang, held[i].rcpts, held[i].nrcpts, push(out, n));
	}
	free(a.subject);
}

/* lg_notice_digest - one digest of the period's holds */
void lg_notice_digest(const struct lg_config *cfg, const struct lg_q_record *recs, size_t nrecs,
		      int64_t start, int64_t end, struct lg_q_notice *out)
{
	const struct lg_ncfg *nc = &cfg->notices;
	const char *language = nc->compliance.language ? nc->compliance.language : nc->language;
	enum lg_notice_lang langs[2];
	size_t nl = lang_list(language, langs);
	struct lg_buf subj = LG_BUF_INIT, body = LG_BUF_INIT;
	char *ps = fmt_time(start), *pe = fmt_time(end);
	for (size_t li = 0; li < nl; li++) {
		enum lg_notice_lang l = langs[li];
		const struct lg_notice_template *t = lg_notice_templates_get(nc->tpl, LG_N_DIGEST, l);
		if (!t)
			lg_panic("notice template digest not loaded");
		struct lg_buf tab = LG_BUF_INIT;
		lg_buf_puts(&tab, l == LG_NL_JA
				  ? "保留日時              ID                                送信者 / 宛先数 / ルール / 検出\n"
				  : "held at               id                                sender / recipients / rules / findings\n");
		for (size_t i = 0; i < nrecs && i < LG_NOTICE_DIGEST_MAX; i++) {
			const struct lg_q_record *r = &recs[i];
			char *when = fmt_time(r->created);
			char *rules = lg_q_join(r->rules, r->nrules, ',', false);
			lg_buf_printf(&tab, "%-21s %s  %s / %zu / %s / ", when, r->id,
				      *r->sender ? r->sender : "<>", r->nrcpts, rules);
			for (size_t k = 0; k < r->ntallies; k++)
				lg_buf_printf(&tab, "%s%s:%u", k ? "," : "", r->tallies[k].detector,
					      r->tallies[k].counted);
			if (!r->ntallies)
				lg_buf_putc(&tab, '-');
			lg_buf_printf(&tab, " [%s]\n", lg_q_status_name(r->status));
			free(when);
			free(rules);
		}
		if (nrecs > LG_NOTICE_DIGEST_MAX)
			lg_buf_printf(&tab, l == LG_NL_JA ? "ほか %zu 件\n" : "and %zu more\n",
				      nrecs - LG_NOTICE_DIGEST_MAX);
		struct tm tm;
		time_t ts = (time_t)start;
		char since[32];
		localtime_r(&ts, &tm);
		strftime(since, sizeof since, "%Y-%m-%dT%H:%M", &tm);
		struct vars vs = {0};
		var_set(&vs, "period_start", ps, false);
		var_set(&vs, "period_end", pe, false);
		var_set(&vs, "hold_count", lg_asprintf("%zu", nrecs), true);
		var_set(&vs, "holds", lg_buf_steal(&tab, NULL), true);
		var_set(&vs, "list_command",
			lg_asprintf("leakguardctl quarantine list --since %s", since), true);
		struct lg_buf s1 = LG_BUF_INIT, b1 = LG_BUF_INIT;
		lg_notice_render(t, vs.v, vs.n, &s1, &b1);
		if (li) {
			lg_buf_puts(&subj, " / ");
			lg_buf_puts(&body, "\n--------------------------------------------------\n\n");
		}
		char *one = one_line(lg_buf_cstr(&s1));
		lg_buf_puts(&subj, one);
		free(one);
		lg_buf_puts(&body, lg_buf_cstr(&b1));
		lg_buf_free(&s1);
		lg_buf_free(&b1);
		vars_free(&vs);
	}
	memset(out, 0, sizeof *out);
	size_t nto = 0;
	while (nc->compliance.to && nc->compliance.to[nto])
		nto++;
	out->kind = lg_strdup("digest");
	out->from = lg_strdup(nc->from);
	out->nrcpts = nto;
	out->rcpts = lg_calloc(nto ? nto : 1, sizeof *out->rcpts);
	for (size_t i = 0; i < nto; i++)
		out->rcpts[i] = lg_strdup(nc->compliance.to[i]);
	out->language = lg_strdup(language);
	out->subject = lg_strdup(lg_buf_cstr(&subj));
	out->message = lg_notice_mime(nc->from, nc->compliance.to, nto, out->subject,
				      lg_buf_cstr(&body), "digest", NULL, &out->len);
	out->dedup = lg_asprintf("digest:%lld", (long long)end);
	free(ps);
	free(pe);
	lg_buf_free(&subj);
	lg_buf_free(&body);
}
