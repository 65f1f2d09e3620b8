/* template.c - notice templates: plain-text files an administrator can edit, one per kind and
 * language (held.ja.txt ...): a "Subject:" line, a blank line, the body, with {placeholders}.
 * Parsed and checked whole at configuration load (an unknown placeholder, a missing file or a
 * broken one is an error at file:line:column), then rendered without any further failure. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "content/utf8.h"
#include "lg_alloc.h"
#include "lg_buf.h"
#include "lg_log.h"
#include "notice/notice.h"

/* One piece of a template: literal text, or a placeholder to replace. */
struct segment {
	bool placeholder;
	char *text;		/* the literal text, or the placeholder's name */
};

/* A parsed template: the subject line and the body, each a list of segments. */
struct lg_notice_template {
	struct segment *subj, *body;
	size_t nsubj, nbody;
};

/* Every template a configuration loaded, by kind and language. */
struct lg_notice_templates {
	struct lg_notice_template *t[LG_N_KINDS][LG_NL_COUNT];
};

static const char *const kind_names[LG_N_KINDS] = { "held", "released", "deleted", "compliance",
						    "digest" };
static const char *const lang_names[LG_NL_COUNT] = { "ja", "en" };

/* The placeholders each kind knows (a template using another one is refused). */
static const char *const held_vars[] = { "id", "subject", "sender", "recipients",
					 "recipient_count", "time", "contact", "why", "reason",
					 NULL };
static const char *const review_vars[] = { "id", "subject", "sender", "recipients",
					   "recipient_count", "time", "contact", "reviewer",
					   "review_reason", "decided_time", NULL };
static const char *const compliance_vars[] = { "id", "subject", "sender", "recipients",
					       "recipient_count", "time", "why", "reason", "rules",
					       "counts", "samples", "parts", "show_command",
					       "queue_id", "relay", "size", NULL };
static const char *const digest_vars[] = { "period_start", "period_end", "hold_count", "holds",
					   "list_command", NULL };

/* kind_vars - the placeholder names of a kind */
static const char *const *kind_vars(enum lg_notice_kind k)
{
	switch (k) {
	case LG_N_HELD: return held_vars;
	case LG_N_RELEASED:
	case LG_N_DELETED: return review_vars;
	case LG_N_COMPLIANCE: return compliance_vars;
	default: return digest_vars;
	}
}

/* lg_notice_kind_name - the kind's word (also its template file name) */
const char *lg_notice_kind_name(enum lg_notice_kind k)
{
	return k < LG_N_KINDS ? kind_names[k] : "?";
}

/* add_segment - append one segment (text copied) */
static void add_segment(struct segment **v, size_t *n, bool ph, const char *s, size_t len)
{
	if (!ph && !len)
		return;
	*v = lg_realloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = (struct segment){ ph, lg_strndup(s, len) };
}

/* Where parsing is, for messages. */
struct tparse {
	const char *name;
	enum lg_notice_kind kind;
	struct lg_buf *errors;
	size_t nerrors;
};

/* terror - one problem at line:column of the template */
__attribute__((format(printf, 4, 5))) static void terror(struct tparse *tp, int line, int col,
							    const char *fmt, ...)
{
	va_list ap;
	lg_buf_printf(tp->errors, "%s:%d:%d: error: ", tp->name, line, col);
	va_start(ap, fmt);
	lg_buf_vprintf(tp->errors, fmt, ap);
	va_end(ap);
	lg_buf_putc(tp->errors, '\n');
	tp->nerrors++;
}

/* known_var - is name a placeholder of the kind */
static bool known_var(enum lg_notice_kind k, const char *name, size_t len)
{
	for (const char *const *v = kind_vars(k); *v; v++)
		if (strlen(*v) == len && !memcmp(*v, name, len))
			return true;
	return false;
}

/* parse_text - split one piece of the template (the subject, or the body starting at line)
 * into segments; {name} placeholders, {{ and }} literal braces */
static void parse_text(struct tparse *tp, const char *s, size_t len, int line, int col,
		       struct segment **out, size_t *n)
{
	struct lg_buf lit = LG_BUF_INIT;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '\n') {
			line++;
			col = 0;
			lg_buf_putc(&lit, c);
			continue;
		}
		col++;
		if (c == '{' && i + 1 < len && s[i + 1] == '{') {
			lg_buf_putc(&lit, '{');
			i++, col++;
			continue;
		}
		if (c == '}' && i + 1 < len && s[i + 1] == '}') {
			lg_buf_putc(&lit, '}');
			i++, col++;
			continue;
		}
		if (c == '}') {
			terror(tp, line, col, "a lone '}' (write '}}' for a brace)");
			continue;
		}
		if (c != '{') {
			lg_buf_putc(&lit, c);
			continue;
		}
		size_t j = i + 1;
		while (j < len && j - i - 1 <= LG_NOTICE_PLACEHOLDER_MAX &&
		       ((s[j] >= 'a' && s[j] <= 'z') || s[j] == '_' || (s[j] >= '0' && s[j] <= '9')))
			j++;
		if (j >= len || s[j] != '}' || j == i + 1) {
			terror(tp, line, col, "'{' does not start a placeholder {name} (write '{{' "
					      "for a brace)");
			continue;
		}
		size_t nlen = j - i - 1;
		if (!known_var(tp->kind, s + i + 1, nlen)) {
			struct lg_buf known = LG_BUF_INIT;
			for (const char *const *v = kind_vars(tp->kind); *v; v++)
				lg_buf_printf(&known, "%s{%s}", v == kind_vars(tp->kind) ? "" : " ",
					      *v);
			terror(tp, line, col, "unknown placeholder {%.*s} in a %s notice (known: %s)",
			       (int)nlen, s + i + 1, kind_names[tp->kind], lg_buf_cstr(&known));
			lg_buf_free(&known);
		} else {
			add_segment(out, n, false, lit.data, lit.len);
			lg_buf_reset(&lit);
			add_segment(out, n, true, s + i + 1, nlen);
		}
		col += (int)(j - i);
		i = j;
	}
	add_segment(out, n, false, lit.data, lit.len);
	lg_buf_free(&lit);
}

/* lg_notice_template_parse - check and split one template */
size_t lg_notice_template_parse(const char *name, const char *text, size_t len,
				enum lg_notice_kind kind, struct lg_notice_template **out,
				struct lg_buf *errors)
{
	struct tparse tp = { name, kind, errors, 0 };
	*out = NULL;
	if (len > LG_NOTICE_TEMPLATE_MAX) {
		terror(&tp, 1, 1, "the template is larger than %u bytes", LG_NOTICE_TEMPLATE_MAX);
		return tp.nerrors;
	}
	size_t valid = lg_utf8_valid_prefix(text, len);
	if (valid < len || memchr(text, '\0', len)) {
		int line = 1, col = 1;
		size_t bad = valid < len ? valid : (size_t)((const char *)memchr(text, '\0', len) - text);
		for (size_t i = 0; i < bad; i++, col++)
			if (text[i] == '\n')
				line++, col = 0;
		terror(&tp, line, col, "the template is not UTF-8 text");
		return tp.nerrors;
	}
	/* CRLF files are fine: work on a copy without the CRs */
	struct lg_buf b = LG_BUF_INIT;
	for (size_t i = 0; i < len; i++)
		if (!(text[i] == '\r' && i + 1 < len && text[i + 1] == '\n'))
			lg_buf_putc(&b, text[i]);
	const char *s = lg_buf_cstr(&b);
	const char *nl = strchr(s, '\n');
	size_t l1 = nl ? (size_t)(nl - s) : strlen(s);
	struct lg_notice_template *t = lg_calloc(1, sizeof *t);
	if (l1 < 8 || strncmp(s, "Subject:", 8)) {
		terror(&tp, 1, 1, "the first line must be 'Subject: ...'");
	} else {
		size_t off = 8;
		while (off < l1 && s[off] == ' ')
			off++;
		if (off == l1)
			terror(&tp, 1, 9, "the subject is empty");
		parse_text(&tp, s + off, l1 - off, 1, (int)off, &t->subj, &t->nsubj);
	}
	if (nl) {
		const char *body = nl + 1;
		const char *nl2 = strchr(body, '\n');
		if (*body && *body != '\n')
			terror(&tp, 2, 1, "the second line must be empty (it ends the subject)");
		else if (nl2)
			parse_text(&tp, nl2 + 1, strlen(nl2 + 1), 3, 0, &t->body, &t->nbody);
	}
	if (!t->nbody && !tp.nerrors)
		terror(&tp, 3, 1, "the body is empty");
	lg_buf_free(&b);
	if (tp.nerrors) {
		lg_notice_template_free(t);
		return tp.nerrors;
	}
	*out = t;
	return 0;
}

/* free_segments - release a segment list */
static void free_segments(struct segment *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].text);
	free(v);
}

/* lg_notice_template_free - release a template */
void lg_notice_template_free(struct lg_notice_template *t)
{
	if (!t)
		return;
	free_segments(t->subj, t->nsubj);
	free_segments(t->body, t->nbody);
	free(t);
}

/* read_template - a template file's text; false with an error line when it cannot be read */
static bool read_template(const char *path, struct lg_buf *text, struct lg_buf *errors)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		lg_buf_printf(errors, "%s:0:0: error: cannot read the notice template: %s\n", path,
			      strerror(errno));
		return false;
	}
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 &&
	       text->len <= LG_NOTICE_TEMPLATE_MAX)
		lg_buf_append(text, chunk, n);
	bool ok = !ferror(f);
	fclose(f);
	if (!ok)
		lg_buf_printf(errors, "%s:0:0: error: cannot read the notice template\n", path);
	return ok;
}

/* builtin_text - the built-in template of this file name, or NULL */
static const char *builtin_text(const char *file)
{
	for (size_t i = 0; lg_builtin_notice_names[i]; i++)
		if (!strcmp(lg_builtin_notice_names[i], file))
			return lg_builtin_notice_texts[i];
	return NULL;
}

/* lang_mask - the template languages a language setting needs */
static unsigned lang_mask(const char *language)
{
	if (!language)
		return 0;
	if (!strcmp(language, "ja"))
		return 1u << LG_NL_JA;
	if (!strcmp(language, "en"))
		return 1u << LG_NL_EN;
	return (1u << LG_NL_JA) | (1u << LG_NL_EN);
}

/* lg_notice_templates_load - the templates of every kind and language in use */
size_t lg_notice_templates_load(const struct lg_ncfg *nc, struct lg_notice_templates **out,
				struct lg_buf *errors)
{
	unsigned sender = lang_mask(nc->language);
	for (size_t i = 0; i < nc->nlangs; i++)
		sender |= lang_mask(nc->langs[i].language);
	unsigned compliance = lang_mask(nc->compliance.language ? nc->compliance.language
								: nc->language);
	struct lg_notice_templates *ts = lg_calloc(1, sizeof *ts);
	size_t problems = 0;
	for (int k = 0; k < LG_N_KINDS; k++) {
		bool for_staff = k == LG_N_COMPLIANCE || k == LG_N_DIGEST;
		unsigned need = for_staff ? compliance : sender;
		if (for_staff && !strcmp(nc->compliance.mode, "none"))
			need = 0;
		for (int l = 0; l < LG_NL_COUNT; l++) {
			if (!(need & (1u << l)))
				continue;
			char file[64];
			snprintf(file, sizeof file, "%s.%s.txt", kind_names[k], lang_names[l]);
			struct lg_buf text = LG_BUF_INIT;
			char *name;
			if (nc->templates) {
				name = lg_asprintf("%s/%s", nc->templates, file);
				if (!read_template(name, &text, errors)) {
					problems++;
					free(name);
					lg_buf_free(&text);
					continue;
				}
			} else {
				name = lg_asprintf("<built-in>/%s", file);
				const char *bt = builtin_text(file);
				if (!bt)
					lg_panic("no built-in notice template %s", file);
				lg_buf_puts(&text, bt);
			}
			problems += lg_notice_template_parse(name, text.data ? text.data : "",
							     text.len, (enum lg_notice_kind)k,
							     &ts->t[k][l], errors);
			free(name);
			lg_buf_free(&text);
		}
	}
	if (problems) {
		lg_notice_templates_free(ts);
		ts = NULL;
	}
	*out = ts;
	return problems;
}

/* lg_notice_templates_free - release every template */
void lg_notice_templates_free(struct lg_notice_templates *ts)
{
	if (!ts)
		return;
	for (int k = 0; k < LG_N_KINDS; k++)
		for (int l = 0; l < LG_NL_COUNT; l++)
			lg_notice_template_free(ts->t[k][l]);
	free(ts);
}

/* lg_notice_templates_get - one loaded template */
const struct lg_notice_template *lg_notice_templates_get(const struct lg_notice_templates *ts,
							  enum lg_notice_kind kind,
							  enum lg_notice_lang lang)
{
	return ts && kind < LG_N_KINDS && lang < LG_NL_COUNT ? ts->t[kind][lang] : NULL;
}

/* render_segments - segments with their placeholders' values */
static void render_segments(const struct segment *v, size_t n, const struct lg_notice_var *vars,
			    size_t nvars, struct lg_buf *out)
{
	for (size_t i = 0; i < n; i++) {
		if (!v[i].placeholder) {
			lg_buf_puts(out, v[i].text);
			continue;
		}
		for (size_t j = 0; j < nvars; j++)
			if (!strcmp(vars[j].name, v[i].text)) {
				lg_buf_puts(out, vars[j].value ? vars[j].value : "");
				break;
			}
	}
}

/* lg_notice_render - subject and body with the placeholders' values */
void lg_notice_render(const struct lg_notice_template *t, const struct lg_notice_var *vars,
		      size_t nvars, struct lg_buf *subject, struct lg_buf *body)
{
	render_segments(t->subj, t->nsubj, vars, nvars, subject);
	render_segments(t->body, t->nbody, vars, nvars, body);
	lg_buf_cstr(subject);
	lg_buf_cstr(body);
}
