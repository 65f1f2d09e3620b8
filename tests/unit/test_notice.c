/* test_notice.c - notices rendered and composed: template parsing (table: good ones, and each
 * kind of broken one refused at file:line:column), every kind in every language from the
 * built-in templates (the incident mail analysed for real; the MIME parsed back with GMime: the
 * Japanese subject round-trips through RFC 2047, the base64 body decodes to the expected lines),
 * who is told (notify, null sender, external recipients, per-address languages), and the
 * notices: configuration checks. */
#include "config.h"

#include <gmime/gmime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyze/analyze.h"
#include "config/config.h"
#include "lg_alloc.h"
#include "lg_buf.h"
#include "notice/notice.h"
#include "tap.h"

/* srcdir_path - a file of the source tree */
static char *srcdir_path(const char *rel)
{
	const char *top = getenv("top_srcdir");
	return lg_asprintf("%s/%s", top && *top ? top : ".", rel);
}

/* read_whole - a file's bytes (NUL-terminated), or NULL */
static char *read_whole(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct lg_buf b = LG_BUF_INIT;
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		lg_buf_append(&b, chunk, n);
	fclose(f);
	lg_buf_cstr(&b);
	return lg_buf_steal(&b, len);
}

/* ---- templates ---------------------------------------------------------------------------- */

static const struct {
	const char *name;
	enum lg_notice_kind kind;
	const char *text;
	const char *error;	/* expected in the errors, NULL: must parse */
	const char *subject, *body;	/* rendered with id=ID subject=S why=W */
} tcases[] = {
	{ "good", LG_N_HELD, "Subject: 保留 {subject}\n\n{id}: {why}\n", NULL, "保留 S", "ID: W\n" },
	{ "crlf", LG_N_HELD, "Subject: x {id}\r\n\r\nbody {{literal}} {id}\r\n", NULL, "x ID",
	  "body {literal} ID\n" },
	{ "unknown", LG_N_HELD, "Subject: x\n\nline two\n  {nosuch} here\n",
	  "unknown:4:3: error: unknown placeholder {nosuch} in a held notice", NULL, NULL },
	{ "wrong-kind", LG_N_HELD, "Subject: x\n\n{reviewer}\n",
	  "wrong-kind:3:1: error: unknown placeholder {reviewer}", NULL, NULL },
	{ "review-kind", LG_N_DELETED, "Subject: x\n\n{reviewer} {review_reason}\n", NULL, "x",
	  " \n" },
	{ "unknown-in-subject", LG_N_DIGEST, "Subject: {id}\n\nx\n",
	  "unknown-in-subject:1:10: error: unknown placeholder {id} in a digest notice", NULL, NULL },
	{ "lone-brace", LG_N_HELD, "Subject: x\n\na } b\n", "lone-brace:3:3: error: a lone '}'",
	  NULL, NULL },
	{ "open-brace", LG_N_HELD, "Subject: x\n\na { b\n", "open-brace:3:3: error: '{' does not",
	  NULL, NULL },
	{ "no-subject", LG_N_HELD, "Hello\n\nbody\n",
	  "no-subject:1:1: error: the first line must be 'Subject: ...'", NULL, NULL },
	{ "no-blank", LG_N_HELD, "Subject: x\nbody\n",
	  "no-blank:2:1: error: the second line must be empty", NULL, NULL },
	{ "empty-body", LG_N_HELD, "Subject: x\n\n", "empty-body:3:1: error: the body is empty",
	  NULL, NULL },
	{ "not-utf8", LG_N_HELD, "Subject: x\n\n\x82\xa0\n",
	  "not-utf8:3:1: error: the template is not UTF-8 text", NULL, NULL },
};

/* test_templates - each case parses, or is refused with its message */
static void test_templates(void)
{
	struct lg_notice_var vars[] = { { "id", "ID" }, { "subject", "S" }, { "why", "W" } };
	for (size_t i = 0; i < sizeof tcases / sizeof tcases[0]; i++) {
		struct lg_buf errs = LG_BUF_INIT;
		struct lg_notice_template *t;
		size_t n = lg_notice_template_parse(tcases[i].name, tcases[i].text,
						    strlen(tcases[i].text), tcases[i].kind, &t,
						    &errs);
		if (!tcases[i].error) {
			if (!tap_ok(n == 0 && t, "template %s parses", tcases[i].name))
				tap_diag("%s", lg_buf_cstr(&errs));
			if (!t)
				continue;
			struct lg_buf s = LG_BUF_INIT, b = LG_BUF_INIT;
			lg_notice_render(t, vars, 3, &s, &b);
			tap_is_str(lg_buf_cstr(&s), tcases[i].subject, "its subject renders");
			tap_is_str(lg_buf_cstr(&b), tcases[i].body, "its body renders");
			lg_buf_free(&s);
			lg_buf_free(&b);
			lg_notice_template_free(t);
		} else {
			bool ok = n > 0 && !t && strstr(lg_buf_cstr(&errs), tcases[i].error);
			if (!tap_ok(ok, "template %s refused: %s", tcases[i].name, tcases[i].error))
				tap_diag("got: %s", lg_buf_cstr(&errs));
		}
		lg_buf_free(&errs);
	}
}

/* ---- composing ------------------------------------------------------------------------------ */

static const char base_yaml[] =
	"internal_domains: [pref.example.lg.jp]\n"
	"lists:\n"
	"  bosses: [kacho@pref.example.lg.jp, outside1@example.com, example.org]\n"
	"policy:\n"
	"  rules:\n"
	"    - name: personal-data-external\n"
	"      when: \"findings.phone_jp >= 10 and recipients.external >= 1\"\n"
	"      action: hold\n"
	"      notify: %s\n"
	"      reason: {en: \"Personal data to outside addresses.\", ja: \"外部宛てのメールに個人情報が含まれています。\"}\n"
	"quarantine:\n"
	"  url: \"sqlite:/nonexistent/q.db\"\n"
	"  hold_mode: store\n"
	"  release: {url: \"smtp://127.0.0.1:1\"}\n"
	"notices:\n"
	"  enabled: true\n"
	"  from: leakguard@pref.example.lg.jp\n"
	"  language: %s\n"
	"  contact: \"情報政策課 (内線 1234)\"\n"
	"  languages:\n"
	"    - {match: eigo.taro@pref.example.lg.jp, language: en}\n"
	"    - {match: \"*.example.lg.jp\", language: ja}\n"
	"  compliance: {to: [compliance@pref.example.lg.jp], mode: each, language: %s}\n";

/* load_cfg - the configuration above with a notify, a language and a compliance language */
static struct lg_config *load_cfg(const char *notify, const char *lang, const char *clang)
{
	char *y = lg_asprintf(base_yaml, notify, lang, clang);
	struct lg_buf errs = LG_BUF_INIT;
	struct lg_config *c = lg_config_load_string("test.yaml", y, strlen(y), &errs);
	if (!c)
		tap_diag("config: %s", lg_buf_cstr(&errs));
	lg_buf_free(&errs);
	free(y);
	return c;
}

/* rfc2047_decode - an independent decoder of "=?UTF-8?B?...?=" words as RFC 2047 says: each
 * word decoded on its own, white space between adjacent words dropped (NULL if malformed) */
static char *rfc2047_decode(const char *raw)
{
	struct lg_buf b = LG_BUF_INIT;
	const char *p = raw;
	bool prev_word = false;
	while (*p) {
		const char *ws = p;
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		bool bword = !strncasecmp(p, "=?utf-8?b?", 10);
		if (bword || !strncasecmp(p, "=?utf-8?q?", 10)) {
			const char *e = strstr(p + 10, "?=");
			if (!e || e - p + 2 > 75) {
				lg_buf_free(&b);
				return NULL;
			}
			char *chunk = lg_strndup(p + 10, (size_t)(e - p - 10));
			if (!prev_word && p > ws && b.len)
				lg_buf_putc(&b, ' ');
			if (bword) {
				gsize n = 0;
				guchar *d = g_base64_decode(chunk, &n);
				lg_buf_append(&b, d, n);
				g_free(d);
			} else {
				for (const char *q = chunk; *q; q++) {
					if (*q == '_') {
						lg_buf_putc(&b, ' ');
					} else if (*q == '=' && q[1] && q[2]) {
						char hex[3] = { q[1], q[2], 0 };
						lg_buf_putc(&b, (char)strtol(hex, NULL, 16));
						q += 2;
					} else {
						lg_buf_putc(&b, *q);
					}
				}
			}
			free(chunk);
			p = e + 2;
			prev_word = true;
		} else {
			if (!*p)
				break;
			if (p > ws && b.len)
				lg_buf_putc(&b, ' ');
			while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
				lg_buf_putc(&b, *p++);
			prev_word = false;
		}
	}
	lg_buf_cstr(&b);
	return lg_buf_steal(&b, NULL);
}

/* A parsed notice: the decoded subject, the decoded body text, the headers wanted. */
struct parsed {
	char *subject, *gmime_subject, *body, *raw_subject, *auto_submitted, *ctype, *cte, *to,
		*tag;
};

/* parse_notice - a notice message read back with GMime */
static bool parse_notice(const struct lg_q_notice *n, struct parsed *p)
{
	memset(p, 0, sizeof *p);
	GMimeStream *st = g_mime_stream_mem_new_with_buffer(n->message, n->len);
	GMimeParser *ps = g_mime_parser_new_with_stream(st);
	GMimeMessage *m = g_mime_parser_construct_message(ps, NULL);
	g_object_unref(ps);
	g_object_unref(st);
	if (!m)
		return false;
	GMimeObject *mo = GMIME_OBJECT(m);
	p->gmime_subject = lg_strdup(g_mime_message_get_subject(m) ? g_mime_message_get_subject(m)
								    : "");
	GMimeHeaderList *hl = g_mime_object_get_header_list(mo);
	GMimeHeader *h = g_mime_header_list_get_header(hl, "Subject");
	p->raw_subject = lg_strdup(h ? g_mime_header_get_raw_value(h) : "");
	p->subject = rfc2047_decode(p->raw_subject);
	if (!p->subject)
		p->subject = lg_strdup("(malformed encoded word)");
	const char *v = g_mime_object_get_header(mo, "Auto-Submitted");
	p->auto_submitted = lg_strdup(v ? v : "");
	v = g_mime_object_get_header(mo, "X-Leakguard-Notice");
	p->tag = lg_strdup(v ? v : "");
	InternetAddressList *to = g_mime_message_get_to(m);
	char *tos = internet_address_list_to_string(to, NULL, FALSE);
	p->to = lg_strdup(tos ? tos : "");
	g_free(tos);
	GMimeObject *body = g_mime_message_get_mime_part(m);
	if (body && GMIME_IS_TEXT_PART(body)) {
		char *t = g_mime_text_part_get_text(GMIME_TEXT_PART(body));
		p->body = lg_strdup(t ? t : "");
		g_free(t);
		GMimeContentType *ct = g_mime_object_get_content_type(body);
		char *cts = g_mime_content_type_get_mime_type(ct);
		const char *cs = g_mime_object_get_content_type_parameter(body, "charset");
		p->ctype = lg_asprintf("%s; charset=%s", cts, cs ? cs : "-");
		g_free(cts);
		p->cte = lg_strdup(g_mime_content_encoding_to_string(
			g_mime_part_get_content_encoding(GMIME_PART(body))));
	}
	g_object_unref(m);
	return p->body != NULL;
}

/* parsed_free - release a parsed notice */
static void parsed_free(struct parsed *p)
{
	free(p->subject);
	free(p->gmime_subject);
	free(p->body);
	free(p->raw_subject);
	free(p->auto_submitted);
	free(p->ctype);
	free(p->cte);
	free(p->to);
	free(p->tag);
}

#define SUBJ "【事務連絡】令和6年度 地域防災研修会の参加者名簿について"

/* What each kind says in each language: the subject, and lines the body must hold. */
static const struct {
	enum lg_notice_kind kind;
	const char *lang;
	const char *subject;
	const char *lines[3];
} kcases[] = {
	{ LG_N_HELD, "ja", "【送信保留】メールの送信を一時停止しました: " SUBJ,
	  { "・添付ファイル「参加者名簿.csv」に電話番号 49 件、メールアドレス 49 件",
	    "外部宛てのメールに個人情報が含まれています。", "受付番号: " } },
	{ LG_N_HELD, "en", "Your mail is on hold: " SUBJ,
	  { "- in the attachment \"参加者名簿.csv\": 49 phone numbers, 49 e-mail addresses",
	    "Personal data to outside addresses.", "Reference: " } },
	{ LG_N_COMPLIANCE, "ja", "[leakguard] 保留 @ID@: hanako.yamada@pref.example.lg.jp (144 宛先) " SUBJ,
	  { "phone_jp           070-****-7644          参加者名簿.csv 10 行 5 列",
	    "leakguardctl quarantine show ", "・添付ファイル「参加者名簿.csv」に電話番号 49 件" } },
	{ LG_N_COMPLIANCE, "en", "[leakguard] held @ID@: hanako.yamada@pref.example.lg.jp (144 recipients) " SUBJ,
	  { "phone_jp           070-****-7644          参加者名簿.csv row 10, column 5",
	    "leakguardctl quarantine show ", "Personal data to outside addresses." } },
	{ LG_N_RELEASED, "ja", "【送信しました】確認の結果、メールを送信しました: " SUBJ,
	  { "確認した担当者: suzuki", "担当者のコメント: 業務上必要な送付と確認", "受付番号: " } },
	{ LG_N_RELEASED, "en", "Your mail has been sent after review: " SUBJ,
	  { "Reviewed by: suzuki", "Reviewer's comment: 業務上必要な送付と確認", "Reference: " } },
	{ LG_N_DELETED, "ja", "【送信中止】確認の結果、メールは送信されませんでした: " SUBJ,
	  { "確認した担当者: suzuki", "送信せずに削除しました", "受付番号: " } },
	{ LG_N_DELETED, "en", "Your mail was not sent: " SUBJ,
	  { "Reviewed by: suzuki", "was deleted without being sent", "Reference: " } },
};

static struct lg_analyzer *an;
static char *incident;
static size_t incident_len;

/* analyse_incident - the incident mail analysed under cfg, as a record with an id */
static bool analyse_incident(const struct lg_config *cfg, const char *sender,
			     struct lg_report *rep, struct lg_q_record *rec)
{
	char err[256];
	if (lg_analyze(an, cfg, NULL, incident, incident_len, rep, err, sizeof err) < 0) {
		tap_diag("analyze: %s", err);
		return false;
	}
	lg_q_record_from_report(rec, rep, "QID1", "relay1");
	free(rec->sender);
	rec->sender = lg_strdup(sender);
	rec->created = 1795000000;
	return lg_q_id_new(rec->id) == 0;
}

/* find_kind - the first notice of a kind */
static const struct lg_q_notice *find_kind(const struct lg_q_notice *ns, size_t n, const char *k)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(ns[i].kind, k))
			return &ns[i];
	return NULL;
}

/* test_kinds - every kind in both languages, parsed back */
static void test_kinds(void)
{
	for (size_t i = 0; i < sizeof kcases / sizeof kcases[0]; i++) {
		const char *lang = kcases[i].lang;
		struct lg_config *cfg = load_cfg("sender", lang, lang);
		if (!tap_ok(cfg != NULL, "%s/%s: configuration loads", lg_notice_kind_name(kcases[i].kind), lang))
			continue;
		struct lg_report rep;
		struct lg_q_record rec;
		/* *.example.lg.jp is Japanese; eigo.taro@ is English (notices.languages) */
		const char *sender = !strcmp(lang, "en") && kcases[i].kind != LG_N_COMPLIANCE
					     ? "eigo.taro@pref.example.lg.jp"
					     : "hanako.yamada@pref.example.lg.jp";
		if (!analyse_incident(cfg, sender, &rep, &rec)) {
			tap_ok(0, "analysis");
			lg_config_free(cfg);
			continue;
		}
		struct lg_q_notice *ns = NULL;
		size_t n = 0;
		lg_notice_for_hold(cfg, &rec, &rep, incident, incident_len, &ns, &n);
		const struct lg_q_notice *x = NULL;
		struct lg_q_notice *rv = NULL;
		size_t nrv = 0;
		enum lg_notice_kind k = kcases[i].kind;
		if (k == LG_N_HELD || k == LG_N_COMPLIANCE) {
			x = find_kind(ns, n, lg_notice_kind_name(k));
		} else {
			rec.changed = rec.created + 3600;
			lg_notice_for_review(cfg, &rec, incident, incident_len, k, "suzuki",
					     "業務上必要な送付と確認", ns, n, &rv, &nrv);
			x = nrv == 1 ? &rv[0] : NULL;
		}
		const char *kn = lg_notice_kind_name(k);
		struct parsed p;
		if (!tap_ok(x && parse_notice(x, &p), "%s/%s: a notice was made and parses", kn,
			    lang)) {
			lg_q_notices_free(ns, n);
			lg_q_notices_free(rv, nrv);
			lg_q_record_free(&rec);
			lg_report_free(&rep);
			lg_config_free(cfg);
			continue;
		}
		struct lg_buf wb = LG_BUF_INIT;
		const char *ws = kcases[i].subject, *at = strstr(ws, "@ID@");
		if (at) {
			lg_buf_append(&wb, ws, (size_t)(at - ws));
			lg_buf_puts(&wb, rec.id);
			lg_buf_puts(&wb, at + 4);
		} else {
			lg_buf_puts(&wb, ws);
		}
		char *want = lg_buf_steal(&wb, NULL);
		tap_is_str(p.subject, want, "subject decoded from RFC 2047 (word by word)");
		if (!tap_is_str(p.gmime_subject, want, "subject decoded by GMime too (no padded "
						       "word before another)"))
			tap_diag("raw: %s", p.raw_subject);
		tap_is_str(x->subject, want, "subject kept in the outbox row");
		free(want);
		bool words_ok = strstr(p.raw_subject, "=?UTF-8?B?") || strstr(p.raw_subject, "=?UTF-8?Q?");
		for (const char *w = p.raw_subject; (w = strstr(w, "=?")) != NULL; w += 2) {
			const char *e = strstr(w + 2, "?=");
			words_ok &= e && e - w + 2 <= 75;
			if (e)
				w = e;
		}
		tap_ok(words_ok, "%s/%s: the raw subject is RFC 2047 UTF-8 words of at most 75 "
			         "characters", kn, lang);
		tap_is_str(p.ctype, "text/plain; charset=utf-8", "text/plain; charset=utf-8");
		tap_is_str(p.cte, "base64", "base64 body");
		tap_is_str(p.auto_submitted, "auto-generated", "Auto-Submitted: auto-generated");
		char *tag = lg_asprintf("%s %s", kn, rec.id);
		tap_is_str(p.tag, tag, "X-Leakguard-Notice names the kind and the entry");
		free(tag);
		for (int l = 0; l < 3 && kcases[i].lines[l]; l++)
			if (!tap_ok(strstr(p.body, kcases[i].lines[l]) != NULL, "%s/%s: body has '%s'",
				    kn, lang, kcases[i].lines[l]))
				tap_diag("body:\n%s", p.body);
		tap_ok(strstr(p.body, "{") == NULL, "%s/%s: no placeholder left", kn, lang);
		if (k == LG_N_COMPLIANCE)
			tap_is_str(x->rcpts[0], "compliance@pref.example.lg.jp", "to the reviewers");
		else
			tap_is_str(x->rcpts[0], sender, "to the sender");
		tap_is_str(x->language, lang, "language recorded");
		parsed_free(&p);
		lg_q_notices_free(ns, n);
		lg_q_notices_free(rv, nrv);
		lg_q_record_free(&rec);
		lg_report_free(&rep);
		lg_config_free(cfg);
	}
}

/* test_who - notify decides who is told; never <>, never an external recipient; languages */
static void test_who(void)
{
	struct lg_report rep;
	struct lg_q_record rec;
	struct lg_q_notice *ns = NULL;
	size_t n = 0;

	struct lg_config *cfg = load_cfg("none", "ja", "ja");
	if (cfg && analyse_incident(cfg, "hanako.yamada@pref.example.lg.jp", &rep, &rec)) {
		lg_notice_for_hold(cfg, &rec, &rep, incident, incident_len, &ns, &n);
		tap_ok(n == 1 && !strcmp(ns[0].kind, "compliance"),
		       "notify none: the reviewers' notice only");
		lg_q_notices_free(ns, n);
		ns = NULL, n = 0;
		lg_q_record_free(&rec);
		lg_report_free(&rep);
	}
	lg_config_free(cfg);

	cfg = load_cfg("sender", "ja", "ja");
	if (cfg && analyse_incident(cfg, "", &rep, &rec)) {
		lg_notice_for_hold(cfg, &rec, &rep, incident, incident_len, &ns, &n);
		tap_ok(n == 1 && !strcmp(ns[0].kind, "compliance"),
		       "the null sender <> gets no notice");
		lg_q_notices_free(ns, n);
		ns = NULL, n = 0;
		lg_q_record_free(&rec);
		lg_report_free(&rep);
	}
	if (cfg && analyse_incident(cfg, "eigo.taro@pref.example.lg.jp", &rep, &rec)) {
		lg_notice_for_hold(cfg, &rec, &rep, incident, incident_len, &ns, &n);
		const struct lg_q_notice *h = find_kind(ns, n, "held");
		tap_ok(h && !strcmp(h->language, "en"),
		       "languages: the first matching entry decides (the address: en)");
		lg_q_notices_free(ns, n);
		ns = NULL, n = 0;
		lg_q_record_free(&rec);
		lg_report_free(&rep);
	}
	lg_config_free(cfg);

	cfg = load_cfg("list:bosses", "en", "en");
	if (cfg && analyse_incident(cfg, "hanako.yamada@pref.example.lg.jp", &rep, &rec)) {
		/* make outside1@example.com an external recipient of the held mail */
		free(rep.recipients.ext_addrs[0]);
		rep.recipients.ext_addrs[0] = lg_strdup("outside1@example.com");
		lg_notice_for_hold(cfg, &rec, &rep, incident, incident_len, &ns, &n);
		size_t held = 0, to_sender = 0, to_boss = 0, to_outside = 0, ja = 0;
		for (size_t i = 0; i < n; i++) {
			if (strcmp(ns[i].kind, "held"))
				continue;
			held++;
			ja += !strcmp(ns[i].language, "ja");
			for (size_t j = 0; j < ns[i].nrcpts; j++) {
				to_sender += !strcmp(ns[i].rcpts[j], "hanako.yamada@pref.example.lg.jp");
				to_boss += !strcmp(ns[i].rcpts[j], "kacho@pref.example.lg.jp");
				to_outside += !strcmp(ns[i].rcpts[j], "outside1@example.com");
			}
		}
		tap_ok(to_sender == 1 && to_boss == 1,
		       "notify list:bosses: the sender and the list's addresses are told");
		tap_ok(to_outside == 0, "an external recipient of the held mail is never told");
		tap_ok(held == 1 && ja == 1,
		       "both match *.example.lg.jp (ja): one notice in Japanese to both");
		lg_q_notices_free(ns, n);
		lg_q_record_free(&rec);
		lg_report_free(&rep);
	}
	lg_config_free(cfg);

	cfg = load_cfg("sender", "ja+en", "ja+en");
	if (cfg && analyse_incident(cfg, "someone@other.example.com", &rep, &rec)) {
		ns = NULL, n = 0;
		lg_notice_for_hold(cfg, &rec, &rep, incident, incident_len, &ns, &n);
		const struct lg_q_notice *h = find_kind(ns, n, "held");
		struct parsed p;
		if (tap_ok(h && parse_notice(h, &p), "ja+en: a notice")) {
			const char *ja = strstr(p.body, "・添付ファイル「参加者名簿.csv」");
			const char *en = strstr(p.body, "- in the attachment \"参加者名簿.csv\"");
			tap_ok(ja && en && ja < en, "ja+en: Japanese first, then English");
			tap_ok(!strncmp(p.subject, "【送信保留】", strlen("【送信保留】")) &&
				       strstr(p.subject, " / Your mail is on hold: "),
			       "ja+en: both subjects, Japanese first");
			parsed_free(&p);
		}
		lg_q_notices_free(ns, n);
		lg_q_record_free(&rec);
		lg_report_free(&rep);
	}
	lg_config_free(cfg);
}

/* test_hostile - what a sender wrote (an encoded subject with a line break and a header in it)
 * cannot add a header or a line to a notice */
static void test_hostile(void)
{
	struct lg_config *cfg = load_cfg("sender", "ja", "ja");
	if (!cfg)
		return;
	/* "x\r\nBcc: evil@example.com" as an encoded word */
	const char *subj = "Subject: =?UTF-8?B?eA0KQmNjOiBldmlsQGV4YW1wbGUuY29t?=\r\n";
	struct lg_buf m = LG_BUF_INIT;
	const char *s = strstr(incident, "\nSubject:");
	const char *e = s ? strchr(s + 1, '\n') : NULL;
	while (e && (e[1] == ' ' || e[1] == '\t'))
		e = strchr(e + 1, '\n');
	if (!s || !e) {
		tap_ok(0, "incident.eml has a Subject");
		lg_config_free(cfg);
		return;
	}
	lg_buf_append(&m, incident, (size_t)(s - incident) + 1);
	lg_buf_puts(&m, subj);
	lg_buf_puts(&m, e + 1);
	struct lg_report rep;
	struct lg_q_record rec;
	char err[256];
	if (lg_analyze(an, cfg, NULL, m.data, m.len, &rep, err, sizeof err) == 0) {
		lg_q_record_from_report(&rec, &rep, "Q", "r");
		lg_q_id_new(rec.id);
		struct lg_q_notice *ns = NULL;
		size_t n = 0;
		lg_notice_for_hold(cfg, &rec, &rep, m.data, m.len, &ns, &n);
		const struct lg_q_notice *h = find_kind(ns, n, "held");
		bool no_bcc = h && !strstr(h->message, "\nBcc:") && !strstr(h->message, "\nbcc:");
		struct parsed p;
		bool parsed = h && parse_notice(h, &p);
		tap_ok(no_bcc && parsed && !strchr(p.subject, '\n') && !strchr(p.subject, '\r') &&
			       strstr(p.subject, "x  Bcc: evil@example.com"),
		       "a line break in the held mail's subject becomes a space: no header is added");
		if (parsed)
			parsed_free(&p);
		lg_q_notices_free(ns, n);
		lg_q_record_free(&rec);
		lg_report_free(&rep);
	} else {
		tap_ok(0, "analysis: %s", err);
	}
	lg_buf_free(&m);
	lg_config_free(cfg);
}

/* test_digest - the digest lists the period's holds */
static void test_digest(void)
{
	struct lg_config *cfg = load_cfg("sender", "en", "ja");
	struct lg_report rep;
	struct lg_q_record recs[2];
	if (!cfg || !analyse_incident(cfg, "hanako.yamada@pref.example.lg.jp", &rep, &recs[0]))
		return;
	lg_report_free(&rep);
	if (!analyse_incident(cfg, "taro@pref.example.lg.jp", &rep, &recs[1]))
		return;
	lg_report_free(&rep);
	struct lg_q_notice d;
	lg_notice_digest(cfg, recs, 2, 1794960000, 1795046400, &d);
	struct parsed p;
	if (tap_ok(parse_notice(&d, &p), "digest: parses")) {
		tap_ok(strstr(p.subject, "[leakguard] 保留メールのまとめ") && strstr(p.subject, "(2 件)"),
		       "digest: subject in Japanese with the count");
		tap_ok(strstr(p.body, recs[0].id) && strstr(p.body, recs[1].id) &&
			       strstr(p.body, "phone_jp:49"),
		       "digest: a line per hold with its id and counts");
		tap_ok(strstr(p.body, "leakguardctl quarantine list --since ") != NULL,
		       "digest: the command to list them");
		parsed_free(&p);
	}
	tap_is_str(d.dedup, "digest:1795046400", "digest: dedup key names the period's end");
	lg_q_notice_clear(&d);
	lg_q_record_free(&recs[0]);
	lg_q_record_free(&recs[1]);
	lg_config_free(cfg);
}

/* ---- configuration ------------------------------------------------------------------------ */

/* load_errors - the errors of loading yaml (NULL when it loads) */
static char *load_errors(const char *yaml)
{
	struct lg_buf errs = LG_BUF_INIT;
	struct lg_config *c = lg_config_load_string("n.yaml", yaml, strlen(yaml), &errs);
	lg_config_free(c);
	if (c) {
		lg_buf_free(&errs);
		return NULL;
	}
	lg_buf_cstr(&errs);
	return lg_buf_steal(&errs, NULL);
}

/* test_config - notices: keys checked at load, templates from a directory checked whole */
static void test_config(void)
{
	static const char store[] = "quarantine: {url: \"sqlite:/x/q.db\", hold_mode: store, "
				    "release: {url: \"smtp://127.0.0.1:25\"}}\n";
	char dir[] = "/tmp/lg-ntest.XXXXXX";
	if (!mkdtemp(dir)) {
		tap_ok(0, "mkdtemp");
		return;
	}
	static const struct {
		const char *yaml;
		const char *error;
	} cc[] = {
		{ "notices: {enabled: true, from: a@b.jp, compliance: {mode: none}}\n", NULL },
		{ "notices: {enabled: true, compliance: {mode: none}}\n",
		  "n.yaml:2:1: error: notices: enabled needs 'from'" },
		{ "notices: {enabled: true, from: \"Notices <a@b.jp>\", compliance: {mode: none}}\n",
		  "n.yaml:2:33: error: from must be an address" },
		{ "notices: {enabled: true, from: a@b.jp, language: fr, compliance: {mode: none}}\n",
		  "error: unknown language 'fr' (expected ja, en or ja+en)" },
		{ "notices: {enabled: true, from: a@b.jp, compliance: {mode: each}}\n",
		  "error: notices: compliance.mode each needs compliance.to" },
		{ "notices: {enabled: true, from: a@b.jp, compliance: {mode: weekly}}\n",
		  "error: unknown mode 'weekly' (expected each, digest or none)" },
		{ "notices: {enabled: true, from: a@b.jp, give_up: 2x, compliance: {mode: none}}\n",
		  "error: bad give_up '2x'" },
		{ "notices: {enabled: true, from: a@b.jp, languages: [{match: \"a b\", language: en}], "
		  "compliance: {mode: none}}\n",
		  "error: languages: match 'a b' is not an address" },
		{ "notices: {enabled: true, from: a@b.jp, colour: red, compliance: {mode: none}}\n",
		  "error: unknown key 'colour' in notices" },
	};
	for (size_t i = 0; i < sizeof cc / sizeof cc[0]; i++) {
		char *y = lg_asprintf("%s%s", store, cc[i].yaml);
		char *e = load_errors(y);
		if (!cc[i].error)
			tap_ok(e == NULL, "notices config #%zu loads", i);
		else if (!tap_ok(e && strstr(e, cc[i].error), "notices config #%zu refused: %s", i,
				 cc[i].error))
			tap_diag("got: %s", e ? e : "(loaded)");
		free(e);
		free(y);
	}
	char *e = load_errors("quarantine: {hold_mode: mta, release: {url: \"smtp://h:25\"}}\n"
			      "notices: {enabled: true, from: a@b.jp, compliance: {mode: none}}\n");
	tap_ok(e && strstr(e, "notices: enabled needs quarantine.hold_mode: store"),
	       "notices need hold_mode store");
	free(e);
	/* a templates directory: every file in use must be there and good */
	char *y = lg_asprintf("%snotices: {enabled: true, from: a@b.jp, language: ja, templates: %s, "
			      "compliance: {mode: none}}\n", store, dir);
	e = load_errors(y);
	char *want = lg_asprintf("%s/held.ja.txt:0:0: error: cannot read the notice template", dir);
	tap_ok(e && strstr(e, want) && strstr(e, "released.ja.txt") && strstr(e, "deleted.ja.txt") &&
		       !strstr(e, "held.en.txt") && !strstr(e, "compliance.ja.txt"),
	       "a missing template is an error naming its file (only the languages and kinds in use)");
	free(want);
	free(e);
	const char *files[][2] = {
		{ "held.ja.txt", "Subject: 保留 {subject}\n\n{why}\n受付番号 {id}\n" },
		{ "released.ja.txt", "Subject: 送信 {subject}\n\n{reviewer}\n" },
		{ "deleted.ja.txt", "Subject: 削除 {subject}\n\n{reviewer}\n\n  {reason}\n" },
	};
	for (size_t i = 0; i < 3; i++) {
		char *p = lg_asprintf("%s/%s", dir, files[i][0]);
		FILE *f = fopen(p, "w");
		if (f) {
			fputs(files[i][1], f);
			fclose(f);
		}
		free(p);
	}
	e = load_errors(y);
	want = lg_asprintf("%s/deleted.ja.txt:5:3: error: unknown placeholder {reason} in a deleted "
			   "notice", dir);
	if (!tap_ok(e && strstr(e, want) && !strstr(e, "held.ja.txt"),
		    "an unknown placeholder in an administrator's template: file:line:column"))
		tap_diag("got: %s", e ? e : "(loaded)");
	free(want);
	free(e);
	char *p = lg_asprintf("%s/deleted.ja.txt", dir);
	FILE *f = fopen(p, "w");
	if (f) {
		fputs("Subject: 削除 {subject}\n\n{reviewer}: {review_reason}\n", f);
		fclose(f);
	}
	free(p);
	struct lg_buf errs = LG_BUF_INIT;
	struct lg_config *c = lg_config_load_string("n.yaml", y, strlen(y), &errs);
	tap_ok(c && c->notices.tpl && lg_notice_templates_get(c->notices.tpl, LG_N_DELETED, LG_NL_JA),
	       "once fixed, the directory's templates load");
	tap_ok(c && !lg_notice_templates_get(c->notices.tpl, LG_N_HELD, LG_NL_EN),
	       "templates of a language not in use are not loaded");
	lg_config_free(c);
	lg_buf_free(&errs);
	free(y);
	char *cmd = lg_asprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		tap_diag("could not remove %s", dir);
	free(cmd);
}

int main(void)
{
	lg_library_init();
	char err[256];
	an = lg_analyzer_new(err, sizeof err);
	char *path = srcdir_path("tests/fixtures/incident.eml");
	incident = read_whole(path, &incident_len);
	free(path);
	if (!an || !incident) {
		printf("Bail out! %s\n", an ? "tests/fixtures/incident.eml not readable" : err);
		return 1;
	}
	setenv("TZ", "UTC", 1);
	test_templates();
	test_kinds();
	test_who();
	test_hostile();
	test_digest();
	test_config();
	lg_analyzer_free(an);
	free(incident);
	return tap_done();
}
