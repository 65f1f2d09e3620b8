/* config.c - leakguard.yaml: one table of known keys (type, default, validator), parsed with
 * libfyaml and validated whole. Every problem in the file is reported, each as
 * "FILE:LINE:COLUMN: error: MESSAGE" (1-based), before the load is refused. */
#include "config/config.h"

#include <errno.h>
#include <glob.h>
#include <libfyaml.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lg_alloc.h"
#include "lg_buf.h"
#include "lg_strdist.h"
#include "lg_log.h"
#include "notice/notice.h"
#include "quarantine/quarantine.h"
#include "rules/detect.h"
#include "rules/validate.h"

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>

#define NO_OFF ((size_t)-1)
#define CONFIG_FILE_MAX (16u << 20)	/* larger files are refused */
#define RULE_NAME_MAX 64
#define SIZE_LIMIT (1ULL << 40)		/* largest size setting: 1T */

/* A position in the file, 1-based; line 0 means unknown. */
struct pos {
	int line;
	int col;
};

/* One problem found in the file; all are collected, then written in file order. */
struct problem {
	struct pos at;
	char *text;		/* the message, then any excerpt lines (each ending in '\n') */
};

/* The state of one load: the problems found and what the failing validator said. */
struct loader {
	const char *name;	/* file name used in messages */
	const char *text;	/* the YAML source */
	size_t len;
	struct problem *problems;
	size_t nerrors;
	struct lg_buf diag_out;	/* libfyaml output that was not collected as an error */
	size_t yaml_seen;	/* libfyaml's collected diagnostics already reported */
	char msg[512];		/* message of the last failing validator */
	size_t msg_off;		/* offset of the problem within the value, or NO_OFF */
	bool rules_given;	/* the file has policy.rules (possibly an empty list) */
	const struct lg_detectors *dets;	/* the detector set conditions may name */
	struct pos discard_at[8];	/* rules using discard (checked against allow_discard) */
	size_t ndiscard;
	struct lg_buf rule_errors;	/* problems in rule files, already formatted */
	size_t nrule_errors;
	const struct lg_sets *sets;	/* the lists and groups conditions may name */
	const struct lg_policy *prior;	/* rules loaded before this file's (names must differ) */
	char **includes;		/* policy.include patterns, read after the policy */
	struct pos *include_at;
	size_t nincludes;
};

struct key;
/* A validator: parse text v for key k into the struct at base; 0 ok, -1 with ld->msg set. */
typedef int (*parse_fn)(struct loader *ld, const struct key *k, void *base, const char *v);

enum key_kind {
	K_SCALAR,	/* one value, checked and stored by parse */
	K_MAPPING,	/* a nested mapping described by its own table (sub) */
	K_DOMAINS,	/* internal_domains: a sequence of domain names (base: struct lg_config) */
	K_RULES,	/* policy.rules: a sequence of rule mappings (base is struct lg_policy) */
	K_STRLIST,	/* a sequence of non-empty one-line strings: NULL-terminated char ** */
	K_EARLY,	/* detectors: read before the rest of the file (conditions name them) */
	K_SETS,		/* lists, groups: read early too (base: struct lg_config) */
	K_REASON,	/* a rule's reason: a text, or a mapping of en and ja (base: struct lg_rule) */
	K_ALLOW,	/* policy.allow: senders and sender_domains (base: struct lg_policy) */
	K_INCLUDE,	/* policy.include: rule files, read after the policy */
	K_NLANGS,	/* notices.languages: a sequence of {match, language} (base: struct lg_ncfg) */
};

/* One known key: the table below is the whole configuration language. */
struct key {
	const char *name;
	enum key_kind kind;
	size_t offset;		/* of the field within the struct the table describes */
	const char *def;	/* default, written as in the file; NULL: none (or null) */
	parse_fn parse;		/* K_SCALAR */
	const char *type;	/* what the value must be, for messages */
	bool nullable;		/* null is accepted and means "none" */
	bool required;
	unsigned long long min, max;	/* range of numbers and sizes */
	const struct key *sub;	/* K_MAPPING */
};

#define FIELD(base, k, T) ((T *)(void *)((char *)(base) + (k)->offset))

/* ---- errors ------------------------------------------------------------------------------ */

/* verror_at - record a problem: a message, and excerpt lines (or NULL) to print after it */
__attribute__((format(printf, 4, 0))) static void verror_at(struct loader *ld, struct pos at,
							       const char *excerpt, const char *fmt,
							       va_list ap)
{
	struct lg_buf b = LG_BUF_INIT;
	lg_buf_vprintf(&b, fmt, ap);
	lg_buf_putc(&b, '\n');
	if (excerpt)
		lg_buf_puts(&b, excerpt);
	ld->problems = lg_realloc(ld->problems, (ld->nerrors + 1) * sizeof *ld->problems);
	ld->problems[ld->nerrors++] = (struct problem){ at, lg_buf_steal(&b, NULL) };
}

/* error_at - record a problem at a position */
__attribute__((format(printf, 3, 4))) static void error_at(struct loader *ld, struct pos at,
							      const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	verror_at(ld, at, NULL, fmt, ap);
	va_end(ap);
}

/* excerpt_error_at - record a problem followed by excerpt lines */
__attribute__((format(printf, 4, 5))) static void excerpt_error_at(struct loader *ld, struct pos at,
								      const char *excerpt,
								      const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	verror_at(ld, at, excerpt, fmt, ap);
	va_end(ap);
}

/* comes_before - does problem a come before b in the file (problems without a line go last) */
static bool comes_before(const struct problem *a, const struct problem *b)
{
	if ((a->at.line > 0) != (b->at.line > 0))
		return a->at.line > 0;
	if (a->at.line != b->at.line)
		return a->at.line < b->at.line;
	return a->at.col < b->at.col;
}

/* flush_problems - write the problems in file order as "FILE:LINE:COL: error: MESSAGE" */
static void flush_problems(struct loader *ld, struct lg_buf *out)
{
	/* insertion sort: stable, and there are few */
	for (size_t i = 1; i < ld->nerrors; i++) {
		struct problem p = ld->problems[i];
		size_t j = i;
		for (; j > 0 && comes_before(&p, &ld->problems[j - 1]); j--)
			ld->problems[j] = ld->problems[j - 1];
		ld->problems[j] = p;
	}
	for (size_t i = 0; i < ld->nerrors; i++) {
		struct problem *p = &ld->problems[i];
		if (out && p->at.line > 0)
			lg_buf_printf(out, "%s:%d:%d: error: %s", ld->name, p->at.line, p->at.col,
				      p->text);
		else if (out)
			lg_buf_printf(out, "%s: error: %s", ld->name, p->text);
		free(p->text);
	}
	free(ld->problems);
	ld->problems = NULL;
}

/* fail - a validator's error: remember the message for the caller to place; returns -1 */
__attribute__((format(printf, 2, 3))) static int fail(struct loader *ld, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ld->msg, sizeof ld->msg, fmt, ap);
	va_end(ap);
	return -1;
}

/* diag_output - libfyaml output that is not a collected error; kept for a last-resort message */
static void diag_output(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
	struct loader *ld = user;
	(void)diag;
	lg_buf_append(&ld->diag_out, buf, len);
}

/* discard_output - libfyaml output nobody needs (position probes) */
static void discard_output(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
	(void)diag, (void)user, (void)buf, (void)len;
}

/* ---- nodes ------------------------------------------------------------------------------- */

/* node_pos - where a node starts; fallback when libfyaml knows no position for it */
static struct pos node_pos(struct fy_node *n, struct pos fallback)
{
	if (!n)
		return fallback;
	if (fy_node_get_type(n) == FYNT_SCALAR) {
		struct fy_token *t = fy_node_get_scalar_token(n);
		const struct fy_mark *m = t ? fy_token_start_mark(t) : NULL;
		return m ? (struct pos){ m->line + 1, m->column + 1 } : fallback;
	}
	/* libfyaml 0.7 has no start mark accessor for collections, but its node report knows the
	 * position: let it report into a private collecting diag and read the position back. */
	struct fy_diag_cfg dcfg;
	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;
	dcfg.output_fn = discard_output;
	dcfg.colorize = false;
	struct fy_diag *diag = fy_diag_create(&dcfg);
	if (!diag)
		return fallback;
	fy_diag_set_collect_errors(diag, true);
	fy_diag_node_report(diag, n, FYET_ERROR, "position");
	struct pos p = fallback;
	void *it = NULL;
	struct fy_diag_error *e;
	while ((e = fy_diag_errors_iterate(diag, &it)) != NULL)
		if (e->line > 0)
			p = (struct pos){ e->line, e->column };
	fy_diag_destroy(diag);
	return p;
}

/* kind_name - how a node's kind is named in messages */
static const char *kind_name(struct fy_node *n)
{
	switch (fy_node_get_type(n)) {
	case FYNT_MAPPING:
		return "a mapping";
	case FYNT_SEQUENCE:
		return "a sequence";
	default:
		return "a scalar";
	}
}

/* is_null - an absent value, or a plain null ("", "~", "null") */
static bool is_null(struct fy_node *n)
{
	if (!n || fy_node_is_null(n))
		return true;
	if (fy_node_get_type(n) != FYNT_SCALAR || fy_node_get_style(n) != FYNS_PLAIN)
		return false;
	size_t len;
	const char *s = fy_node_get_scalar(n, &len);
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	for (size_t i = 0; i < sizeof nulls / sizeof nulls[0]; i++)
		if (s && strlen(nulls[i]) == len && memcmp(nulls[i], s, len) == 0)
			return true;
	return !s;
}

/* scalar_dup - a NUL-terminated copy of a scalar's text; NULL if it holds a NUL byte */
static char *scalar_dup(struct fy_node *n)
{
	size_t len;
	const char *s = fy_node_get_scalar(n, &len);
	if (!s)
		return lg_strdup("");
	if (memchr(s, '\0', len))
		return NULL;
	return lg_strndup(s, len);
}

/* find_value - the value of a key in a mapping node (plain key text), or NULL */
static struct fy_node *find_value(struct fy_node *map, const char *key, struct fy_node **keynode)
{
	void *it = NULL;
	struct fy_node_pair *pair;
	while ((pair = fy_node_mapping_iterate(map, &it)) != NULL) {
		struct fy_node *k = fy_node_pair_key(pair);
		size_t len;
		const char *s;
		if (k && fy_node_get_type(k) == FYNT_SCALAR && (s = fy_node_get_scalar(k, &len)) &&
		    len == strlen(key) && memcmp(s, key, len) == 0) {
			if (keynode)
				*keynode = k;
			return fy_node_pair_value(pair);
		}
	}
	return NULL;
}

/* utf8_chars - characters (not bytes) in the first n bytes of s */
static size_t utf8_chars(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n && s[i]; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

/* block_pos - the position of byte off of a block scalar's text ('|' or '>'): its lines are
 * the file's lines, indented by the spaces found at the scalar's mark. A folded scalar's
 * lines are joined, so only its first line can be mapped. */
static struct pos block_pos(struct loader *ld, const struct fy_mark *sm, enum fy_node_style style,
			    const char *text, size_t off, struct pos fallback)
{
	int indent = 0;
	for (size_t i = sm->input_pos; i < ld->len && ld->text[i] == ' '; i++)
		indent++;
	if (style == FYNS_FOLDED) {
		size_t eol = sm->input_pos + (size_t)indent;
		while (eol < ld->len && ld->text[eol] != '\n')
			eol++;
		if (off >= eol - sm->input_pos - (size_t)indent)
			return fallback;
	}
	int line = sm->line + 1;
	size_t bol = 0;
	for (size_t i = 0; i < off; i++)
		if (text[i] == '\n') {
			if (style == FYNS_FOLDED)
				return fallback;
			line++;
			bol = i + 1;
		}
	int col = sm->column + indent + 1;	/* every line of the block has this indentation */
	return (struct pos){ line, col + (int)utf8_chars(text + bol, off - bol) };
}

/* value_error - report a validator's message at a value; when the message points inside the
 * value (a condition), the column is moved onto the spot and an excerpt with a caret follows */
static void value_error(struct loader *ld, struct fy_node *v, struct pos at, const char *text)
{
	if (ld->msg_off == NO_OFF || !text) {
		error_at(ld, at, "%s", ld->msg);
		return;
	}
	size_t off = ld->msg_off;
	size_t tlen = strlen(text);
	if (off > tlen)
		off = tlen;
	struct fy_token *t = fy_node_get_scalar_token(v);
	const struct fy_mark *sm = t ? fy_token_start_mark(t) : NULL;
	const struct fy_mark *em = t ? fy_token_end_mark(t) : NULL;
	enum fy_node_style style = fy_node_get_style(v);
	bool one_line = sm && em && sm->line == em->line;
	if (one_line && style == FYNS_PLAIN)
		at.col += (int)utf8_chars(text, off);
	else if (one_line && (style == FYNS_SINGLE_QUOTED || style == FYNS_DOUBLE_QUOTED))
		/* libfyaml 0.7.12 marks the first character inside the quotes; step over the quote
		 * only if the mark is on it (as other versions may have it) */
		at.col += (sm->input_pos < ld->len && (ld->text[sm->input_pos] == '"' ||
						       ld->text[sm->input_pos] == '\'')) +
			  (int)utf8_chars(text, off);
	else if (sm && (style == FYNS_LITERAL || style == FYNS_FOLDED))
		at = block_pos(ld, sm, style, text, off, at);

	/* the excerpt: the condition on one line, then a caret under the spot */
	struct lg_buf ex = LG_BUF_INIT;
	lg_buf_puts(&ex, "    ");
	while (tlen && (text[tlen - 1] == '\n' || text[tlen - 1] == '\r'))
		tlen--;
	for (size_t i = 0; i < tlen; i++)
		lg_buf_putc(&ex, text[i] == '\n' || text[i] == '\r' ? ' ' : text[i]);
	lg_buf_puts(&ex, "\n    ");
	for (size_t i = 0; i < off; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '\t')
			lg_buf_putc(&ex, '\t');
		else if ((c & 0xc0) != 0x80)
			lg_buf_putc(&ex, ' ');
	}
	lg_buf_puts(&ex, "^\n");
	excerpt_error_at(ld, at, lg_buf_cstr(&ex), "%s", ld->msg);
	lg_buf_free(&ex);
}

/* ---- validators -------------------------------------------------------------------------- */

/* set_string - replace a string field */
static void set_string(char **field, const char *v)
{
	free(*field);
	*field = v ? lg_strdup(v) : NULL;
}

/* has_control - does the text hold a control character */
static bool has_control(const char *v)
{
	for (; *v; v++)
		if ((unsigned char)*v < 0x20 || *v == 0x7f)
			return true;
	return false;
}

/* parse_string - any non-empty one-line text */
static int parse_string(struct loader *ld, const struct key *k, void *base, const char *v)
{
	if (!*v)
		return fail(ld, "%s must not be empty", k->name);
	if (has_control(v))
		return fail(ld, "%s must be one line without control characters", k->name);
	set_string(FIELD(base, k, char *), v);
	return 0;
}

/* parse_path - an absolute file or directory name */
static int parse_path(struct loader *ld, const struct key *k, void *base, const char *v)
{
	if (v[0] != '/')
		return fail(ld, "%s must be an absolute path (starting with '/'), not '%s'",
			    k->name, v);
	return parse_string(ld, k, base, v);
}

/* valid_port - a decimal TCP port 1..65535 of exactly n bytes */
static bool valid_port(const char *s, size_t n)
{
	unsigned long port = 0;
	if (n == 0 || n > 5)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		port = port * 10 + (unsigned long)(s[i] - '0');
	}
	return port >= 1 && port <= 65535;
}

/* valid_host - a host name or address literal: letters, digits, '-', '.', (inet6: ':'),
 * optionally in brackets */
static bool valid_host(const char *s, bool inet6)
{
	size_t n = strlen(s);
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']')
		s++, n -= 2;
	if (n == 0 || n > 253)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '-' || c == '.' ||
			  (inet6 && (c == ':' || c == '%'));
		if (!ok)
			return false;
	}
	return true;
}

/* parse_listen - the milter socket: "unix:/path", "inet:PORT[@HOST]" or "inet6:PORT[@HOST]" */
static int parse_listen(struct loader *ld, const struct key *k, void *base, const char *v)
{
	const char *shape = "expected 'unix:/path', 'inet:PORT@HOST' or 'inet6:PORT@HOST'";

	if (strncmp(v, "unix:", 5) == 0 || strncmp(v, "local:", 6) == 0) {
		const char *path = strchr(v, ':') + 1;
		if (path[0] != '/')
			return fail(ld, "bad listen address '%s': the socket path must be absolute",
				    v);
		if (has_control(path))
			return fail(ld, "bad listen address: control character in the socket path");
	} else if (strncmp(v, "inet:", 5) == 0 || strncmp(v, "inet6:", 6) == 0) {
		bool inet6 = v[4] == '6';
		const char *port = strchr(v, ':') + 1;
		const char *at = strchr(port, '@');
		size_t plen = at ? (size_t)(at - port) : strlen(port);
		if (!valid_port(port, plen))
			return fail(ld, "bad listen address '%s': the port must be a number from 1 "
					"to 65535 (%s)",
				    v, shape);
		if (at && !valid_host(at + 1, inet6))
			return fail(ld, "bad listen address '%s': bad host '%s'", v, at + 1);
	} else {
		return fail(ld, "bad listen address '%s' (%s)", v, shape);
	}
	set_string(FIELD(base, k, char *), v);
	return 0;
}

/* parse_mode - unix permissions, always read as octal: "0660", "660", "0o660" */
static int parse_mode(struct loader *ld, const struct key *k, void *base, const char *v)
{
	static const char bad_mode[] = "bad %s '%s' (expected octal permissions such as '0660')";
	const char *s = v;
	unsigned long m = 0;

	if (s[0] == '0' && (s[1] == 'o' || s[1] == 'O'))
		s += 2;
	if (!*s)
		return fail(ld, bad_mode, k->name, v);
	for (; *s; s++) {
		if (*s < '0' || *s > '7' || m > 0777)
			return fail(ld, bad_mode, k->name, v);
		m = m * 8 + (unsigned long)(*s - '0');
	}
	if (m > 0777)
		return fail(ld, "bad %s '%s' (at most 0777)", k->name, v);
	*FIELD(base, k, mode_t) = (mode_t)m;
	return 0;
}

/* parse_facility - a syslog facility: mail, daemon, local0 .. local7 */
static int parse_facility(struct loader *ld, const struct key *k, void *base, const char *v)
{
	static const char *const names[] = { "mail",	"daemon", "local0", "local1", "local2",
					     "local3", "local4", "local5", "local6", "local7" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcasecmp(v, names[i]) == 0) {
			set_string(FIELD(base, k, char *), names[i]);
			return 0;
		}
	return fail(ld, "unknown %s '%s' (expected mail, daemon or local0 to local7)", k->name, v);
}

/* parse_qurl - the quarantine store: "sqlite:/absolute/path" or "postgresql://..." */
static int parse_qurl(struct loader *ld, const struct key *k, void *base, const char *v)
{
	if (!strncmp(v, "sqlite:", 7)) {
		const char *path = v + 7;
		if (path[0] == '/' && path[1] == '/')
			path += 2;
		if (path[0] != '/' || !path[1])
			return fail(ld, "bad %s '%s': the SQLite database path must be absolute "
					"(sqlite:/var/lib/leakguard/quarantine.db)", k->name, v);
	} else if (strncmp(v, "postgresql://", 13) && strncmp(v, "postgres://", 11)) {
		return fail(ld, "bad %s '%s' (expected sqlite:/path or postgresql://...)", k->name,
			    v);
	}
	return parse_string(ld, k, base, v);
}

/* parse_hold_mode - store or mta */
static int parse_hold_mode(struct loader *ld, const struct key *k, void *base, const char *v)
{
	if (strcmp(v, "store") && strcmp(v, "mta"))
		return fail(ld, "unknown %s '%s' (expected store or mta)", k->name, v);
	set_string(FIELD(base, k, char *), v);
	return 0;
}

/* parse_relay_url - the release relay: "smtp://host[:port]" or "smtps://host[:port]" */
static int parse_relay_url(struct loader *ld, const struct key *k, void *base, const char *v)
{
	const char *host = !strncmp(v, "smtp://", 7) ? v + 7 : !strncmp(v, "smtps://", 8) ? v + 8 : NULL;
	if (!host)
		return fail(ld, "bad %s '%s' (expected smtp://host:port or smtps://host:port)",
			    k->name, v);
	if (!*host || *host == ':' || *host == '/')
		return fail(ld, "bad %s '%s': no host (smtp://127.0.0.1:10026)", k->name, v);
	return parse_string(ld, k, base, v);
}

/* ---- notices validators ---- */

/* parse_nlanguage - a notice language: ja, en, or ja+en (both, Japanese first) */
static int parse_nlanguage(struct loader *ld, const struct key *k, void *base, const char *v)
{
	if (strcmp(v, "ja") && strcmp(v, "en") && strcmp(v, "ja+en"))
		return fail(ld, "unknown %s '%s' (expected ja, en or ja+en)", k->name, v);
	set_string(FIELD(base, k, char *), v);
	return 0;
}

/* parse_cmode - how compliance staff hear of holds: each, digest or none */
static int parse_cmode(struct loader *ld, const struct key *k, void *base, const char *v)
{
	if (strcmp(v, "each") && strcmp(v, "digest") && strcmp(v, "none"))
		return fail(ld, "unknown %s '%s' (expected each, digest or none)", k->name, v);
	set_string(FIELD(base, k, char *), v);
	return 0;
}

/* parse_duration - seconds, or a number with s, m, h or d, within the key's range */
static int parse_duration(struct loader *ld, const struct key *k, void *base, const char *v)
{
	int64_t n = lg_q_parse_age(v);
	if (n < 0)
		return fail(ld, "bad %s '%s' (expected seconds or a number with s, m, h or d, e.g. "
				"'1d', '90m')", k->name, v);
	if ((unsigned long long)n < k->min || (unsigned long long)n > k->max)
		return fail(ld, "%s '%s' is out of range (%llu to %llu seconds)", k->name, v, k->min,
			    k->max);
	*FIELD(base, k, unsigned) = (unsigned)n;
	return 0;
}

/* parse_mailbox - a bare address local@domain (no display name, no spaces or brackets) */
static int parse_mailbox(struct loader *ld, const struct key *k, void *base, const char *v)
{
	const char *at = strrchr(v, '@');
	if (!at || at == v || !at[1] || strlen(v) > 254 || strpbrk(v, " <>,;\"()") ||
	    has_control(v))
		return fail(ld, "%s must be an address such as leakguard@example.lg.jp, not '%s'",
			    k->name, v);
	set_string(FIELD(base, k, char *), v);
	return 0;
}

/* parse_number - a decimal with an optional k/M/G (1024-based) suffix when sizes is set */
static int parse_number(const char *v, bool sizes, unsigned long long *out)
{
	unsigned long long n = 0;
	const char *s = v;

	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		unsigned d = (unsigned)(*s - '0');
		if (n > (ULLONG_MAX - d) / 10)
			return -2;
		n = n * 10 + d;
	}
	unsigned shift = 0;
	if (sizes) {
		switch (*s) {
		case 'k': case 'K': shift = 10; s++; break;
		case 'm': case 'M': shift = 20; s++; break;
		case 'g': case 'G': shift = 30; s++; break;
		}
	}
	if (*s)
		return -1;
	if (shift && n > (ULLONG_MAX >> shift))
		return -2;
	*out = n << shift;
	return 0;
}

/* size_text - a byte count written the short way ("50M") into buf */
static const char *size_text(unsigned long long n, char *buf, size_t len)
{
	const char *suffix = "KMGT";
	int i = -1;
	while (n && n % 1024 == 0 && i < 3)
		n /= 1024, i++;
	if (i >= 0)
		snprintf(buf, len, "%llu%c", n, suffix[i]);
	else
		snprintf(buf, len, "%llu", n);
	return buf;
}

/* parse_size - a byte count: 1048576, "1M", "512k", "2G" */
static int parse_size(struct loader *ld, const struct key *k, void *base, const char *v)
{
	unsigned long long n;
	char lo[32], hi[32];
	unsigned long long max = k->max < (unsigned long long)SIZE_MAX ? k->max : SIZE_MAX;

	int rc = parse_number(v, true, &n);
	if (rc == -1)
		return fail(ld, "bad size '%s' for %s (expected bytes, or a number with k, M or G, "
				"e.g. '512k', '50M')",
			    v, k->name);
	if (rc == -2 || n < k->min || n > max)
		return fail(ld, "%s '%s' is out of range (%s to %s)", k->name, v,
			    size_text(k->min, lo, sizeof lo), size_text(max, hi, sizeof hi));
	*FIELD(base, k, size_t) = (size_t)n;
	return 0;
}

/* parse_uint - a whole number within the key's range */
static int parse_uint(struct loader *ld, const struct key *k, void *base, const char *v)
{
	unsigned long long n;
	if (parse_number(v, false, &n) != 0 || n < k->min || n > k->max)
		return fail(ld, "%s must be a whole number from %llu to %llu, not '%s'", k->name,
			    k->min, k->max, v);
	*FIELD(base, k, unsigned) = (unsigned)n;
	return 0;
}

/* parse_bool - true or false */
static int parse_bool(struct loader *ld, const struct key *k, void *base, const char *v)
{
	if (!strcmp(v, "true") || !strcmp(v, "True") || !strcmp(v, "TRUE"))
		*FIELD(base, k, bool) = true;
	else if (!strcmp(v, "false") || !strcmp(v, "False") || !strcmp(v, "FALSE"))
		*FIELD(base, k, bool) = false;
	else
		return fail(ld, "%s must be true or false, not '%s'", k->name, v);
	return 0;
}

/* parse_action - accept, tag, bcc, hold, discard, tempfail or reject */
static int parse_action(struct loader *ld, const struct key *k, void *base, const char *v)
{
	if (lg_action_parse(v, FIELD(base, k, enum lg_action)) != 0)
		return fail(ld,
			    "unknown %s '%s' (expected accept, tag, bcc, hold, discard, tempfail or "
			    "reject)",
			    k->name, v);
	return 0;
}

/* parse_rule_name - a short name for logs and headers: letters, digits, '.', '_', '-' */
static int parse_rule_name(struct loader *ld, const struct key *k, void *base, const char *v)
{
	size_t n = strlen(v);
	if (n == 0 || n > RULE_NAME_MAX)
		return fail(ld, "a rule name must have 1 to %d characters", RULE_NAME_MAX);
	for (size_t i = 0; i < n; i++) {
		char c = v[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return fail(ld, "bad rule name '%s' (letters, digits, '.', '_', '-' only)",
				    v);
	}
	set_string(FIELD(base, k, char *), v);
	return 0;
}

/* compile_condition - a rule's condition (when or unless), compiled now so that a bad one is
 * refused at load; the source and the compiled form replace what the fields held */
static int compile_condition(struct loader *ld, const char *v, char **src, struct lg_expr **expr)
{
	char err[256];
	size_t off = 0;
	struct lg_expr *e = lg_expr_compile(v, ld->dets, ld->sets, &off, err, sizeof err);
	if (!e) {
		ld->msg_off = off;
		return fail(ld, "%s", err);
	}
	set_string(src, v);
	lg_expr_free(*expr);
	*expr = e;
	return 0;
}

/* parse_when - a rule's condition */
static int parse_when(struct loader *ld, const struct key *k, void *base, const char *v)
{
	struct lg_rule *rule = base;
	(void)k;
	return compile_condition(ld, v, &rule->when_src, &rule->when);
}

/* parse_unless - a rule's exception, a condition like 'when' */
static int parse_unless(struct loader *ld, const struct key *k, void *base, const char *v)
{
	struct lg_rule *rule = base;
	(void)k;
	return compile_condition(ld, v, &rule->unless_src, &rule->unless);
}

/* parse_notify - who is told about a match: sender, none, or a list or group of addresses */
static int parse_notify(struct loader *ld, const struct key *k, void *base, const char *v)
{
	char **field = FIELD(base, k, char *);
	bool group = !strncmp(v, "group:", 6);
	if (!strcmp(v, "none")) {
		set_string(field, NULL);
		return 0;
	}
	if (!strcmp(v, "sender")) {
		set_string(field, v);
		return 0;
	}
	if (group || !strncmp(v, "list:", 5)) {
		const char *name = v + (group ? 6 : 5);
		if (!lg_sets_find(ld->sets, group, name, strlen(name)))
			return fail(ld, "notify: unknown %s '%s' (define it under '%s:')",
				    group ? "group" : "list", name, group ? "groups" : "lists");
		set_string(field, v);
		return 0;
	}
	return fail(ld, "notify must be sender, none, list:NAME or group:NAME, not '%s'", v);
}

/* parse_reason - the text given to the sender: one line, trailing blanks dropped */
static int parse_reason(struct loader *ld, const struct key *k, void *base, const char *v)
{
	size_t n = strlen(v);
	while (n && (v[n - 1] == '\n' || v[n - 1] == '\r' || v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	char *s = lg_strndup(v, n);
	if (has_control(s)) {
		free(s);
		return fail(ld,
			    "%s must be one line of text (it goes into SMTP replies and headers)",
			    k->name);
	}
	char **field = FIELD(base, k, char *);
	free(*field);
	*field = s;
	return 0;
}

/* combine_reason - reason from reason_en and reason_ja ("en / ja"), or split a plain reason
 * written "English / 日本語" into the two */
static void combine_reason(struct lg_rule *rule)
{
	if (rule->reason_en || rule->reason_ja) {
		free(rule->reason);
		if (rule->reason_en && rule->reason_ja)
			rule->reason = lg_asprintf("%s / %s", rule->reason_en, rule->reason_ja);
		else
			rule->reason = lg_strdup(rule->reason_en ? rule->reason_en : rule->reason_ja);
		return;
	}
	const char *sep = rule->reason ? strstr(rule->reason, " / ") : NULL;
	if (sep) {
		rule->reason_en = lg_strndup(rule->reason, (size_t)(sep - rule->reason));
		rule->reason_ja = lg_strdup(sep + 3);
	} else if (rule->reason) {
		rule->reason_en = lg_strdup(rule->reason);
	}
}

/* domain_normalise - check a domain name and return its canonical form (lower case, no "*."
 * or "." in front, no trailing dot), or NULL if it is not a domain name */
static char *domain_normalise(const char *v)
{
	if (strncmp(v, "*.", 2) == 0)
		v += 2;
	else if (v[0] == '.')
		v++;
	size_t n = strlen(v);
	if (n && v[n - 1] == '.')
		n--;
	if (n == 0 || n > 253)
		return NULL;
	char *d = lg_strndup(v, n);
	size_t label = 0;
	for (size_t i = 0; i <= n; i++) {
		char c = d[i];
		if (c == '.' || c == '\0') {
			if (label == 0 || label > 63 || d[i - 1] == '-' || d[i - label] == '-') {
				free(d);
				return NULL;
			}
			label = 0;
			continue;
		}
		if (c >= 'A' && c <= 'Z')
			d[i] = (char)(c - 'A' + 'a');
		else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
			free(d);
			return NULL;
		}
		label++;
	}
	return d;
}

/* ---- rule files (detectors) -------------------------------------------------------------- */

/* parse_detid - a detector id: [a-z][a-z0-9_]*, at most 32, not a word facts use */
static int parse_detid(struct loader *ld, const struct key *k, void *base, const char *v)
{
	size_t n = strlen(v);
	bool ok = n >= 1 && n <= 32 && v[0] >= 'a' && v[0] <= 'z';
	for (size_t i = 1; ok && i < n; i++)
		ok = (v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') || v[i] == '_';
	if (!ok)
		return fail(ld, "%s must be a lower-case word ([a-z][a-z0-9_]*, at most 32), "
			    "as it is used in facts such as findings.<id>", k->name);
	if (!strcmp(v, "total") || !strcmp(v, "high") || !strcmp(v, "any"))
		return fail(ld, "'%s' cannot be a detector id: findings.%s means something else", v,
			    v);
	set_string(FIELD(base, k, char *), v);
	return 0;
}

/* parse_conf - low, medium or high */
static int parse_conf(struct loader *ld, const struct key *k, void *base, const char *v)
{
	static const char *const names[] = { "low", "medium", "high" };
	for (int i = 0; i < 3; i++)
		if (!strcmp(v, names[i])) {
			*FIELD(base, k, enum lg_conf) = (enum lg_conf)(LG_CONF_LOW + i);
			return 0;
		}
	return fail(ld, "%s must be low, medium or high", k->name);
}

/* parse_redact - how values are shown in logs and notices */
static int parse_redact(struct loader *ld, const struct key *k, void *base, const char *v)
{
	static const struct {
		const char *name;
		enum lg_redact_style style;
	} styles[] = { { "text", LG_REDACT_TEXT },	   { "phone", LG_REDACT_PHONE },
		       { "email", LG_REDACT_EMAIL },	   { "digits", LG_REDACT_DIGITS },
		       { "postal", LG_REDACT_POSTAL } };
	for (size_t i = 0; i < sizeof styles / sizeof styles[0]; i++)
		if (!strcmp(v, styles[i].name)) {
			*FIELD(base, k, enum lg_redact_style) = styles[i].style;
			return 0;
		}
	return fail(ld, "%s must be one of text, phone, email, digits, postal", k->name);
}

/* parse_validator - a validator name leakguard knows */
static int parse_validator(struct loader *ld, const struct key *k, void *base, const char *v)
{
	if (!lg_validator_lookup(v))
		return fail(ld, "unknown validator '%s' (known: %s)", v, lg_validator_names());
	set_string(FIELD(base, k, char *), v);
	return 0;
}

/* parse_pattern - a pcre2 pattern, compiled now (as the detector set will: UTF, wrapped in a
 * group with a callout after it) so that a bad one is an error at its place in the file */
static int parse_pattern(struct loader *ld, const struct key *k, void *base, const char *v)
{
	char *src = lg_asprintf("(?:%s\n)(?C1)", v);
	int ecode;
	PCRE2_SIZE eoff;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED,
				       PCRE2_UTF | PCRE2_USE_OFFSET_LIMIT, &ecode, &eoff, NULL);
	free(src);
	if (!re) {
		char msg[256];
		if (pcre2_get_error_message(ecode, (PCRE2_UCHAR *)msg, sizeof msg) < 0)
			snprintf(msg, sizeof msg, "pcre2 error %d", ecode);
		/* point at the pattern's last character rather than past a block's last line */
		size_t off = eoff >= 3 ? (size_t)eoff - 3 : 0, n = strlen(v);
		while (n > 0 && (v[n - 1] == '\n' || v[n - 1] == ' '))
			n--;
		ld->msg_off = off < n ? off : n ? n - 1 : 0;
		return fail(ld, "bad pattern: %s", msg);
	}
	pcre2_code_free(re);
	set_string(FIELD(base, k, char *), v);
	return 0;
}

/* parse_reach_chars - a prefilter's reach_chars: ASCII characters and ranges (rules/prefilter.c) */
static int parse_reach_chars(struct loader *ld, const struct key *k, void *base, const char *v)
{
	unsigned char ok[256];
	char why[128];
	if (!lg_reach_chars_parse(v, ok, why, sizeof why))
		return fail(ld, "%s", why);
	set_string(FIELD(base, k, char *), v);
	return 0;
}

/* ---- the table --------------------------------------------------------------------------- */

static const struct key prefilter_keys[] = {
	{ .name = "digits", .offset = offsetof(struct lg_detdef, prefilter.digits), .def = "0",
	  .parse = parse_uint, .type = "a whole number of digits", .min = 0, .max = 64 },
	{ .name = "literals", .kind = K_STRLIST, .offset = offsetof(struct lg_detdef,
								  prefilter.literals),
	  .type = "a sequence of strings" },
	{ .name = "reach", .offset = offsetof(struct lg_detdef, prefilter.reach), .def = "8",
	  .parse = parse_uint, .type = "a whole number of characters", .min = 0, .max = 1000 },
	{ .name = "reach_chars", .offset = offsetof(struct lg_detdef, prefilter.reach_chars),
	  .parse = parse_reach_chars, .type = "ASCII characters and ranges (\"-A-Za-z0-9_\")" },
	{ .name = NULL },
};

static const struct key context_keys[] = {
	{ .name = "keywords", .kind = K_STRLIST, .offset = offsetof(struct lg_detdef,
								  context.keywords),
	  .type = "a sequence of words" },
	{ .name = "window", .offset = offsetof(struct lg_detdef, context.window), .def = "20",
	  .parse = parse_uint, .type = "a whole number of characters", .min = 1, .max = 1000 },
	{ .name = "required", .offset = offsetof(struct lg_detdef, context.required),
	  .def = "false", .parse = parse_bool, .type = "true or false" },
	{ .name = "confidence", .offset = offsetof(struct lg_detdef, context.confidence),
	  .def = "high", .parse = parse_conf, .type = "low, medium or high" },
	{ .name = NULL },
};

static const struct key exclude_keys[] = {
	{ .name = "keywords", .kind = K_STRLIST, .offset = offsetof(struct lg_detdef,
								  exclude.keywords),
	  .type = "a sequence of words" },
	{ .name = "window", .offset = offsetof(struct lg_detdef, exclude.window), .def = "12",
	  .parse = parse_uint, .type = "a whole number of characters", .min = 1, .max = 1000 },
	{ .name = NULL },
};

/* The rule-file language: one detector. (struct lg_detdef; nested mappings use offsets within
 * it, so their tables are applied to the detdef itself.) */
static const struct key detdef_keys[] = {
	{ .name = "id", .offset = offsetof(struct lg_detdef, id), .parse = parse_detid,
	  .type = "a lower-case word", .required = true },
	{ .name = "description", .offset = offsetof(struct lg_detdef, description),
	  .parse = parse_reason, .type = "a text", .nullable = true },
	{ .name = "group", .offset = offsetof(struct lg_detdef, group), .def = "personal",
	  .parse = parse_rule_name, .type = "a name" },
	{ .name = "personal", .offset = offsetof(struct lg_detdef, personal), .def = "true",
	  .parse = parse_bool, .type = "true or false" },
	{ .name = "pattern", .offset = offsetof(struct lg_detdef, pattern), .parse = parse_pattern,
	  .type = "a pcre2 pattern" },
	{ .name = "validator", .offset = offsetof(struct lg_detdef, validator),
	  .parse = parse_validator, .type = "a validator name", .nullable = true },
	{ .name = "prefilter", .kind = K_MAPPING, .offset = 0, .sub = prefilter_keys,
	  .type = "a mapping" },
	{ .name = "context", .kind = K_MAPPING, .offset = 0, .sub = context_keys,
	  .type = "a mapping" },
	{ .name = "exclude", .kind = K_MAPPING, .offset = 0, .sub = exclude_keys,
	  .type = "a mapping" },
	{ .name = "confidence", .offset = offsetof(struct lg_detdef, confidence), .def = "medium",
	  .parse = parse_conf, .type = "low, medium or high" },
	{ .name = "columns", .kind = K_STRLIST, .offset = offsetof(struct lg_detdef, columns),
	  .type = "a sequence of header words" },
	{ .name = "not_columns", .kind = K_STRLIST,
	  .offset = offsetof(struct lg_detdef, not_columns), .type = "a sequence of header words" },
	{ .name = "redact", .offset = offsetof(struct lg_detdef, redact), .def = "text",
	  .parse = parse_redact, .type = "text, phone, email, digits or postal" },
	{ .name = NULL },
};

static const struct key detcfg_keys[] = {
	{ .name = "builtin", .offset = offsetof(struct lg_detcfg, builtin), .def = "true",
	  .parse = parse_bool, .type = "true or false" },
	{ .name = "disable", .kind = K_STRLIST, .offset = offsetof(struct lg_detcfg, disable),
	  .type = "a sequence of detector ids" },
	{ .name = "files", .kind = K_STRLIST, .offset = offsetof(struct lg_detcfg, files),
	  .type = "a sequence of file names or glob patterns" },
	{ .name = NULL },
};

static const struct key limits_keys[] = {
	{ .name = "spool_memory", .offset = offsetof(struct lg_limits, spool_memory), .def = "1M",
	  .parse = parse_size, .type = "a size such as 1M", .min = 0, .max = SIZE_LIMIT },
	{ .name = "message_size", .offset = offsetof(struct lg_limits, message_size), .def = "50M",
	  .parse = parse_size, .type = "a size such as 50M", .min = 1, .max = SIZE_LIMIT },
	{ .name = "depth", .offset = offsetof(struct lg_limits, depth), .def = "20",
	  .parse = parse_uint, .type = "a whole number", .min = 1, .max = 100 },
	{ .name = "parts", .offset = offsetof(struct lg_limits, parts), .def = "1000",
	  .parse = parse_uint, .type = "a whole number", .min = 1, .max = 100000 },
	{ .name = "part_size", .offset = offsetof(struct lg_limits, part_size), .def = "25M",
	  .parse = parse_size, .type = "a size such as 25M", .min = 1, .max = SIZE_LIMIT },
	{ .name = "text_size", .offset = offsetof(struct lg_limits, text_size), .def = "20M",
	  .parse = parse_size, .type = "a size such as 20M", .min = 1, .max = SIZE_LIMIT },
	{ .name = "decoded_size", .offset = offsetof(struct lg_limits, decoded_size), .def = "200M",
	  .parse = parse_size, .type = "a size such as 100M", .min = 1, .max = SIZE_LIMIT },
	{ .name = "member_size", .offset = offsetof(struct lg_limits, member_size), .def = "100M",
	  .parse = parse_size, .type = "a size such as 25M", .min = 1, .max = SIZE_LIMIT },
	{ .name = "archive_members", .offset = offsetof(struct lg_limits, archive_members),
	  .def = "1000", .parse = parse_uint, .type = "a whole number", .min = 1, .max = 100000 },
	{ .name = "archive_ratio", .offset = offsetof(struct lg_limits, archive_ratio), .def = "100",
	  .parse = parse_uint, .type = "a whole number", .min = 2, .max = 100000 },
	{ .name = "time_budget", .offset = offsetof(struct lg_limits, time_budget), .def = "30",
	  .parse = parse_uint, .type = "a whole number of seconds", .min = 1, .max = 3600 },
	{ .name = NULL },
};

static const struct key rule_keys[] = {
	{ .name = "name", .offset = offsetof(struct lg_rule, name), .parse = parse_rule_name,
	  .type = "a name", .required = true },
	{ .name = "when", .offset = offsetof(struct lg_rule, when_src), .parse = parse_when,
	  .type = "a condition such as 'findings.total >= 10'", .required = true },
	{ .name = "unless", .offset = offsetof(struct lg_rule, unless_src), .parse = parse_unless,
	  .type = "a condition such as 'sender in group:NAME'", .nullable = true },
	{ .name = "action", .offset = offsetof(struct lg_rule, action), .parse = parse_action,
	  .type = "an action", .required = true },
	{ .name = "reason", .kind = K_REASON, .offset = offsetof(struct lg_rule, reason),
	  .parse = parse_reason, .type = "a text, or a mapping of en and ja", .nullable = true },
	{ .name = "notify", .offset = offsetof(struct lg_rule, notify), .parse = parse_notify,
	  .type = "sender, none, list:NAME or group:NAME", .nullable = true },
	{ .name = "stop", .offset = offsetof(struct lg_rule, stop), .def = "true",
	  .parse = parse_bool, .type = "true or false" },
	{ .name = "monitor", .offset = offsetof(struct lg_rule, monitor), .def = "false",
	  .parse = parse_bool, .type = "true or false" },
	{ .name = NULL },
};

static const struct key reason_keys[] = {
	{ .name = "en", .offset = offsetof(struct lg_rule, reason_en), .parse = parse_reason,
	  .type = "a text in English (ASCII: SMTP replies carry it)" },
	{ .name = "ja", .offset = offsetof(struct lg_rule, reason_ja), .parse = parse_reason,
	  .type = "a text in Japanese" },
	{ .name = NULL },
};

static const struct key allow_keys[] = {
	{ .name = "senders", .type = "a sequence of addresses, domains, list:NAME or group:NAME" },
	{ .name = "sender_domains", .type = "a sequence of domains or list:NAME" },
	{ .name = NULL },
};

static const struct key policy_keys[] = {
	{ .name = "default_action", .offset = offsetof(struct lg_policy, default_action),
	  .def = "accept", .parse = parse_action, .type = "an action" },
	{ .name = "monitor", .offset = offsetof(struct lg_policy, monitor), .def = "false",
	  .parse = parse_bool, .type = "true or false" },
	{ .name = "allow_discard", .offset = offsetof(struct lg_policy, allow_discard),
	  .def = "false", .parse = parse_bool, .type = "true or false" },
	{ .name = "rules", .kind = K_RULES, .type = "a sequence of rules" },
	{ .name = "allow", .kind = K_ALLOW, .type = "a mapping of senders and sender_domains" },
	{ .name = "include", .kind = K_INCLUDE, .type = "a sequence of rule files" },
	{ .name = NULL },
};

static const struct key bcc_keys[] = {
	{ .name = "keep_internal", .offset = offsetof(struct lg_bcc, keep_internal),
	  .def = "false", .parse = parse_bool, .type = "true or false" },
	{ .name = NULL },
};

static const struct key release_keys[] = {
	{ .name = "url", .offset = offsetof(struct lg_relcfg, url), .def = NULL,
	  .parse = parse_relay_url, .type = "smtp://host:port or smtps://host:port",
	  .nullable = true },
	{ .name = "helo", .offset = offsetof(struct lg_relcfg, helo), .def = NULL,
	  .parse = parse_string, .type = "a host name", .nullable = true },
	{ .name = "timeout", .offset = offsetof(struct lg_relcfg, timeout), .def = "60",
	  .parse = parse_uint, .min = 1, .max = 3600, .type = "seconds (1 to 3600)" },
	{ .name = NULL },
};

static const struct key quarantine_keys[] = {
	{ .name = "url", .offset = offsetof(struct lg_qcfg, url),
	  .def = "sqlite:/var/lib/leakguard/quarantine.db", .parse = parse_qurl,
	  .type = "sqlite:/path or postgresql://..." },
	{ .name = "hold_mode", .offset = offsetof(struct lg_qcfg, hold_mode), .def = "mta",
	  .parse = parse_hold_mode, .type = "store or mta" },
	{ .name = "release", .kind = K_MAPPING, .offset = offsetof(struct lg_qcfg, release),
	  .sub = release_keys, .type = "a mapping" },
	{ .name = NULL },
};

static const struct key workers_keys[] = {
	{ .name = "count", .offset = offsetof(struct lg_wcfg, count), .def = "2",
	  .parse = parse_uint, .type = "a whole number (0: no worker processes)", .min = 0,
	  .max = 256 },
	{ .name = "max_messages", .offset = offsetof(struct lg_wcfg, max_messages), .def = "500",
	  .parse = parse_uint, .type = "a whole number", .min = 1, .max = 1000000 },
	{ .name = "memory", .offset = offsetof(struct lg_wcfg, memory), .def = "2G",
	  .parse = parse_size, .type = "a size such as 2G", .min = 64 << 20, .max = SIZE_LIMIT },
	{ .name = "cpu_seconds", .offset = offsetof(struct lg_wcfg, cpu_seconds), .def = "60",
	  .parse = parse_uint, .type = "a whole number of seconds", .min = 1, .max = 86400 },
	{ .name = "timeout", .offset = offsetof(struct lg_wcfg, timeout), .def = "0",
	  .parse = parse_uint, .type = "a whole number of seconds (0: limits.time_budget + 30)",
	  .min = 0, .max = 3600 },
	{ .name = "seccomp", .offset = offsetof(struct lg_wcfg, seccomp), .def = "true",
	  .parse = parse_bool, .type = "true or false" },
	{ .name = NULL },
};

static const struct key nlang_keys[] = {
	{ .name = "match", .offset = offsetof(struct lg_nlang, match), .parse = parse_string,
	  .type = "an address, a domain, or *.domain", .required = true },
	{ .name = "language", .offset = offsetof(struct lg_nlang, language),
	  .parse = parse_nlanguage, .type = "ja, en or ja+en", .required = true },
	{ .name = NULL },
};

static const struct key compliance_keys[] = {
	{ .name = "to", .kind = K_STRLIST, .offset = offsetof(struct lg_ncompliance, to),
	  .type = "a sequence of addresses" },
	{ .name = "mode", .offset = offsetof(struct lg_ncompliance, mode), .def = "each",
	  .parse = parse_cmode, .type = "each, digest or none" },
	{ .name = "digest_interval", .offset = offsetof(struct lg_ncompliance, digest_interval),
	  .def = "1d", .parse = parse_duration, .min = 60, .max = 31 * 86400,
	  .type = "a duration such as 1d or 12h" },
	{ .name = "language", .offset = offsetof(struct lg_ncompliance, language), .def = NULL,
	  .parse = parse_nlanguage, .type = "ja, en or ja+en", .nullable = true },
	{ .name = NULL },
};

static const struct key notices_keys[] = {
	{ .name = "enabled", .offset = offsetof(struct lg_ncfg, enabled), .def = "false",
	  .parse = parse_bool, .type = "true or false" },
	{ .name = "from", .offset = offsetof(struct lg_ncfg, from), .def = NULL,
	  .parse = parse_mailbox, .type = "an address", .nullable = true },
	{ .name = "language", .offset = offsetof(struct lg_ncfg, language), .def = "ja",
	  .parse = parse_nlanguage, .type = "ja, en or ja+en" },
	{ .name = "languages", .kind = K_NLANGS,
	  .type = "a sequence of {match: ADDRESS-OR-DOMAIN, language: ja|en|ja+en}" },
	{ .name = "templates", .offset = offsetof(struct lg_ncfg, templates), .def = NULL,
	  .parse = parse_path, .type = "a directory or null", .nullable = true },
	{ .name = "contact", .offset = offsetof(struct lg_ncfg, contact), .def = NULL,
	  .parse = parse_string, .type = "a line of text", .nullable = true },
	{ .name = "interval", .offset = offsetof(struct lg_ncfg, interval), .def = "30",
	  .parse = parse_uint, .min = 1, .max = 3600, .type = "seconds (1 to 3600)" },
	{ .name = "give_up", .offset = offsetof(struct lg_ncfg, give_up), .def = "2d",
	  .parse = parse_duration, .min = 60, .max = 90 * 86400,
	  .type = "a duration such as 2d" },
	{ .name = "retry", .kind = K_STRLIST, .offset = offsetof(struct lg_ncfg, retry_src),
	  .type = "a sequence of durations such as [1m, 5m, 15m, 1h]" },
	{ .name = "compliance", .kind = K_MAPPING, .offset = offsetof(struct lg_ncfg, compliance),
	  .sub = compliance_keys, .type = "a mapping" },
	{ .name = NULL },
};

static const struct key config_keys[] = {
	{ .name = "listen", .offset = offsetof(struct lg_config, listen),
	  .def = "unix:/run/leakguard/leakguard.sock", .parse = parse_listen,
	  .type = "a socket address" },
	{ .name = "user", .offset = offsetof(struct lg_config, user), .def = "leakguard",
	  .parse = parse_string, .type = "a user name" },
	{ .name = "socket_mode", .offset = offsetof(struct lg_config, socket_mode), .def = "0660",
	  .parse = parse_mode, .type = "octal permissions such as 0660" },
	{ .name = "pidfile", .offset = offsetof(struct lg_config, pidfile), .def = NULL,
	  .parse = parse_path, .type = "a path or null", .nullable = true },
	{ .name = "spool_dir", .offset = offsetof(struct lg_config, spool_dir), .def = "/var/tmp",
	  .parse = parse_path, .type = "a directory" },
	{ .name = "log_facility", .offset = offsetof(struct lg_config, log_facility), .def = "mail",
	  .parse = parse_facility, .type = "a syslog facility" },
	{ .name = "internal_domains", .kind = K_DOMAINS, .type = "a sequence of domain names" },
	{ .name = "limits", .kind = K_MAPPING, .offset = offsetof(struct lg_config, limits),
	  .sub = limits_keys, .type = "a mapping" },
	{ .name = "policy", .kind = K_MAPPING, .offset = offsetof(struct lg_config, policy),
	  .sub = policy_keys, .type = "a mapping" },
	{ .name = "bcc", .kind = K_MAPPING, .offset = offsetof(struct lg_config, bcc),
	  .sub = bcc_keys, .type = "a mapping" },
	{ .name = "quarantine", .kind = K_MAPPING, .offset = offsetof(struct lg_config, quarantine),
	  .sub = quarantine_keys, .type = "a mapping" },
	{ .name = "workers", .kind = K_MAPPING, .offset = offsetof(struct lg_config, workers),
	  .sub = workers_keys, .type = "a mapping" },
	{ .name = "notices", .kind = K_MAPPING, .offset = offsetof(struct lg_config, notices),
	  .sub = notices_keys, .type = "a mapping" },
	{ .name = "detectors", .kind = K_EARLY, .offset = offsetof(struct lg_config, detcfg),
	  .sub = detcfg_keys, .type = "a mapping" },
	{ .name = "lists", .kind = K_SETS, .type = "a mapping of list names to entries" },
	{ .name = "groups", .kind = K_SETS, .type = "a mapping of group names to addresses" },
	{ .name = NULL },
};

/* ---- walking the document ---------------------------------------------------------------- */

/* apply_defaults - set every key of a table that has a default */
static void apply_defaults(const struct key *keys, void *base)
{
	struct loader scratch = { .name = "<defaults>" };
	for (const struct key *k = keys; k->name; k++) {
		if (k->kind == K_MAPPING || k->kind == K_EARLY)
			apply_defaults(k->sub, FIELD(base, k, char));
		else if (k->kind == K_SCALAR && k->def && k->parse(&scratch, k, base, k->def) != 0)
			lg_panic("config: bad built-in default for %s: %s", k->name, scratch.msg);
	}
}

static void load_mapping(struct loader *ld, struct fy_node *map, const struct key *keys, void *base,
			 const char *where, struct pos at);
static void unknown_key(struct loader *ld, const struct key *keys, const char *name,
			const char *where, struct pos at);
static bool read_file(const char *path, struct lg_buf *text, struct lg_buf *errors);
static void load_rules(struct loader *ld, const struct key *k, struct fy_node *seq,
		       struct lg_policy *pol, struct pos at);

/* load_scalar - check and store one scalar value */
static void load_scalar(struct loader *ld, const struct key *k, struct fy_node *v, void *base,
			struct pos at)
{
	if (is_null(v)) {
		if (k->nullable)
			set_string(FIELD(base, k, char *), NULL);
		else
			error_at(ld, at, "%s needs a value (%s)", k->name, k->type);
		return;
	}
	if (fy_node_get_type(v) != FYNT_SCALAR) {
		error_at(ld, at, "%s must be %s, not %s", k->name, k->type, kind_name(v));
		return;
	}
	char *text = scalar_dup(v);
	if (!text) {
		error_at(ld, at, "%s must not contain a NUL character", k->name);
		return;
	}
	ld->msg_off = NO_OFF;
	if (k->parse(ld, k, base, text) != 0)
		value_error(ld, v, at, text);
	free(text);
}

/* value_of_kind - is the key's value there and of this kind? An absent or null value is not (and
 * is no error); one of another kind is not, and is reported at its place */
static bool value_of_kind(struct loader *ld, const struct key *k, struct fy_node *v,
			  enum fy_node_type want, struct pos at)
{
	if (is_null(v))
		return false;
	if (fy_node_get_type(v) != want) {
		error_at(ld, at, "%s must be %s, not %s", k->name, k->type, kind_name(v));
		return false;
	}
	return true;
}

/* load_domains - internal_domains: a sequence of domain names, normalised and de-duplicated */
static void load_domains(struct loader *ld, const struct key *k, struct fy_node *seq,
			 struct lg_config *cfg, struct pos at)
{
	if (!value_of_kind(ld, k, seq, FYNT_SEQUENCE, at))
		return;
	void *it = NULL;
	struct fy_node *item;
	while ((item = fy_node_sequence_iterate(seq, &it)) != NULL) {
		struct pos ip = node_pos(item, at);
		char *text = fy_node_get_type(item) == FYNT_SCALAR && !fy_node_is_alias(item)
				     ? scalar_dup(item)
				     : NULL;
		char *d = text ? domain_normalise(text) : NULL;
		if (!d) {
			if (text)
				error_at(ld, ip,
					 "bad domain name '%.260s' in %s (letters, digits, '-' and "
					 "'.' only; write international names in their xn-- form)",
					 text, k->name);
			else
				error_at(ld, ip, "each entry of %s must be a domain name, not %s",
					 k->name, kind_name(item));
			free(text);
			continue;
		}
		free(text);
		bool dup = false;
		for (size_t i = 0; i < cfg->n_internal_domains && !dup; i++)
			dup = strcmp(cfg->internal_domains[i], d) == 0;
		if (dup) {
			free(d);
			continue;
		}
		cfg->internal_domains = lg_realloc(cfg->internal_domains,
						   (cfg->n_internal_domains + 1) * sizeof(char *));
		cfg->internal_domains[cfg->n_internal_domains++] = d;
	}
}

/* load_strlist - a sequence of non-empty one-line strings into a NULL-terminated list */
static void load_strlist(struct loader *ld, const struct key *k, struct fy_node *seq, void *base,
			 struct pos at)
{
	char ***field = FIELD(base, k, char **);
	if (!value_of_kind(ld, k, seq, FYNT_SEQUENCE, at))
		return;
	size_t n = (size_t)fy_node_sequence_item_count(seq), k2 = 0;
	for (size_t i = 0; *field && (*field)[i]; i++)
		free((*field)[i]);
	free(*field);
	*field = lg_calloc(n + 1, sizeof **field);
	void *it = NULL;
	struct fy_node *item;
	while ((item = fy_node_sequence_iterate(seq, &it)) != NULL && k2 < n) {
		struct pos ip = node_pos(item, at);
		char *text = fy_node_get_type(item) == FYNT_SCALAR && !fy_node_is_alias(item)
				     ? scalar_dup(item)
				     : NULL;
		if (!text || !*text || has_control(text) || strlen(text) > 256) {
			error_at(ld, ip, "each entry of %s must be a one-line string of 1-256 bytes",
				 k->name);
			free(text);
			continue;
		}
		(*field)[k2++] = text;
	}
}

/* load_rules - policy.rules: each a mapping of rule_keys; names must be unique */
static void load_rules(struct loader *ld, const struct key *k, struct fy_node *seq,
		       struct lg_policy *pol, struct pos at)
{
	if (!value_of_kind(ld, k, seq, FYNT_SEQUENCE, at))
		return;
	size_t n = (size_t)fy_node_sequence_item_count(seq);
	pol->rules = lg_calloc(n, sizeof *pol->rules);
	int *name_line = lg_calloc(n, sizeof *name_line);
	void *it = NULL;
	struct fy_node *item;
	while ((item = fy_node_sequence_iterate(seq, &it)) != NULL && pol->nrules < n) {
		size_t idx = pol->nrules++;
		struct lg_rule *rule = &pol->rules[idx];
		struct pos ip = node_pos(item, at);
		apply_defaults(rule_keys, rule);
		if (fy_node_get_type(item) != FYNT_MAPPING) {
			error_at(ld, ip,
				 "rule #%zu must be a mapping with name, when and action, not %s",
				 idx + 1, kind_name(item));
			continue;
		}
		/* name the rule in messages by its name when it has a usable one */
		char where[RULE_NAME_MAX + 16];
		struct fy_node *namekey = NULL;
		struct fy_node *namev = find_value(item, "name", &namekey);
		char *name = namev && fy_node_get_type(namev) == FYNT_SCALAR ? scalar_dup(namev)
									     : NULL;
		if (name && *name && strlen(name) <= RULE_NAME_MAX && !has_control(name))
			snprintf(where, sizeof where, "rule '%s'", name);
		else
			snprintf(where, sizeof where, "rule #%zu", idx + 1);
		free(name);
		load_mapping(ld, item, rule_keys, rule, where, ip);
		combine_reason(rule);
		rule->source = lg_asprintf("%s:%d", ld->name, ip.line);
		if (rule->action == LG_ACT_DISCARD && ld->ndiscard < 8) {
			struct fy_node *ak = NULL, *av = find_value(item, "action", &ak);
			ld->discard_at[ld->ndiscard++] = node_pos(av, node_pos(ak, ip));
		}
		if (!rule->name)
			continue;
		struct pos np = node_pos(namev, node_pos(namekey, ip));
		name_line[idx] = np.line;
		bool dup = false;
		for (size_t j = 0; j < idx && !dup; j++)
			if (pol->rules[j].name && strcmp(pol->rules[j].name, rule->name) == 0) {
				error_at(ld, np, "duplicate rule name '%s' (first used on line %d)",
					 rule->name, name_line[j]);
				dup = true;
			}
		for (size_t j = 0; ld->prior && j < ld->prior->nrules && !dup; j++)
			if (ld->prior->rules[j].name && !strcmp(ld->prior->rules[j].name, rule->name)) {
				error_at(ld, np, "duplicate rule name '%s' (first used in %s)",
					 rule->name, ld->prior->rules[j].source);
				dup = true;
			}
	}
	free(name_line);
}

/* scalar_text - a scalar item's text (NULL for anything else, or with a NUL byte) */
static char *scalar_text(struct fy_node *n)
{
	return n && fy_node_get_type(n) == FYNT_SCALAR && !fy_node_is_alias(n) ? scalar_dup(n)
									      : NULL;
}

/* set_ref - the named list or group an entry "list:NAME" / "group:NAME" refers to; *is_ref
 * says whether the entry was written as a reference at all */
static const struct lg_set *set_ref(struct loader *ld, const char *v, bool *is_ref)
{
	bool group = !strncmp(v, "group:", 6);
	*is_ref = group || !strncmp(v, "list:", 5);
	if (!*is_ref)
		return NULL;
	const char *name = v + (group ? 6 : 5);
	return lg_sets_find(ld->sets, group, name, strlen(name));
}

/* allow_entry - add one entry of an allow list (or every entry of a list it names) */
static void allow_entry(struct loader *ld, struct lg_set *set, const char *what,
			enum lg_vkind kind, const char *v, struct pos at)
{
	bool is_ref;
	const struct lg_set *ref = set_ref(ld, v, &is_ref);
	char err[200];
	if (is_ref && !ref) {
		error_at(ld, at, "allow.%s: unknown %s", what, v);
		return;
	}
	if (ref && ref->group && kind == LG_VK_DOMAIN) {
		error_at(ld, at, "allow.%s: %s holds addresses, not domains", what, v);
		return;
	}
	size_t n = ref ? ref->n : 1;
	for (size_t i = 0; i < n; i++) {
		const char *e = ref ? ref->entries[i] : v;
		if (!lg_set_entry_fits(e, kind)) {
			error_at(ld, at, "allow.%s: '%.80s'%s%s is not %s", what, e,
				 ref ? " in " : "", ref ? v : "",
				 kind == LG_VK_DOMAIN ? "a domain" : "an address or a domain");
			return;
		}
		if (lg_set_add(set, e, err, sizeof err) != 0) {
			error_at(ld, at, "allow.%s: %s", what, err);
			return;
		}
	}
}

/* load_allow - policy.allow: senders and sender_domains accepted before any rule; each a
 * sequence of entries (addresses, domains, list:NAME, group:NAME) or one such reference */
static void load_allow(struct loader *ld, const struct key *k, struct fy_node *map,
		       struct lg_policy *pol, struct pos at)
{
	if (!value_of_kind(ld, k, map, FYNT_MAPPING, at))
		return;
	void *it = NULL;
	struct fy_node_pair *pair;
	while ((pair = fy_node_mapping_iterate(map, &it)) != NULL) {
		struct fy_node *kn = fy_node_pair_key(pair), *vn = fy_node_pair_value(pair);
		struct pos kp = node_pos(kn, at), vp = node_pos(vn, kp);
		char *name = scalar_text(kn);
		bool senders = name && !strcmp(name, "senders");
		if (!senders && !(name && !strcmp(name, "sender_domains"))) {
			unknown_key(ld, allow_keys, name ? name : "", "allow", kp);
			free(name);
			continue;
		}
		free(name);
		const char *what = senders ? "senders" : "sender_domains";
		enum lg_vkind kind = senders ? LG_VK_ADDRESS : LG_VK_DOMAIN;
		struct lg_set **field = senders ? &pol->allow_senders : &pol->allow_domains;
		lg_set_free(*field);
		*field = lg_set_new(senders ? LG_ALLOW_SENDERS : LG_ALLOW_SENDER_DOMAINS, false);
		if (is_null(vn))
			continue;
		if (fy_node_get_type(vn) == FYNT_SCALAR) {
			char *v = scalar_text(vn);
			bool is_ref;
			if (v && (set_ref(ld, v, &is_ref) || is_ref))
				allow_entry(ld, *field, what, kind, v, vp);
			else
				error_at(ld, vp, "allow.%s must be a sequence or list:NAME / group:NAME",
					 what);
			free(v);
			continue;
		}
		if (fy_node_get_type(vn) != FYNT_SEQUENCE) {
			error_at(ld, vp, "allow.%s must be a sequence, not %s", what, kind_name(vn));
			continue;
		}
		void *it2 = NULL;
		struct fy_node *item;
		while ((item = fy_node_sequence_iterate(vn, &it2)) != NULL) {
			struct pos ip = node_pos(item, vp);
			char *v = scalar_text(item);
			if (!v)
				error_at(ld, ip, "each entry of allow.%s must be a string", what);
			else
				allow_entry(ld, *field, what, kind, v, ip);
			free(v);
		}
	}
}

/* load_include - policy.include: rule files (glob patterns) to read once the policy is loaded */
static void load_include(struct loader *ld, const struct key *k, struct fy_node *v, struct pos at)
{
	if (is_null(v))
		return;
	bool seq = fy_node_get_type(v) == FYNT_SEQUENCE;
	if (!seq && fy_node_get_type(v) != FYNT_SCALAR) {
		error_at(ld, at, "%s must be %s, not %s", k->name, k->type, kind_name(v));
		return;
	}
	void *it = NULL;
	struct fy_node *item = seq ? fy_node_sequence_iterate(v, &it) : v;
	for (; item; item = seq ? fy_node_sequence_iterate(v, &it) : NULL) {
		struct pos ip = node_pos(item, at);
		char *text = scalar_text(item);
		if (!text || !*text || has_control(text)) {
			error_at(ld, ip, "each entry of include must be a file name or glob pattern");
			free(text);
			continue;
		}
		ld->includes = lg_realloc(ld->includes, (ld->nincludes + 1) * sizeof *ld->includes);
		ld->include_at = lg_realloc(ld->include_at,
					    (ld->nincludes + 1) * sizeof *ld->include_at);
		ld->include_at[ld->nincludes] = ip;
		ld->includes[ld->nincludes++] = text;
	}
}

/* load_nlangs - notices.languages: a sequence of {match, language}, first match wins */
static void load_nlangs(struct loader *ld, const struct key *k, struct fy_node *seq,
			struct lg_ncfg *nc, struct pos at)
{
	if (!value_of_kind(ld, k, seq, FYNT_SEQUENCE, at))
		return;
	void *it = NULL;
	struct fy_node *item;
	while ((item = fy_node_sequence_iterate(seq, &it)) != NULL) {
		struct pos ip = node_pos(item, at);
		if (fy_node_get_type(item) != FYNT_MAPPING) {
			error_at(ld, ip, "each entry of languages must be a mapping {match: ..., "
					 "language: ...}, not %s", kind_name(item));
			continue;
		}
		struct lg_nlang l = {0};
		size_t before = ld->nerrors;
		load_mapping(ld, item, nlang_keys, &l, "languages", ip);
		char err[200];
		if (ld->nerrors == before && l.match) {
			l.set = lg_set_new("notices.languages", false);
			if (!lg_set_entry_fits(l.match, LG_VK_ADDRESS) ||
			    lg_set_add(l.set, l.match, err, sizeof err) != 0)
				error_at(ld, ip, "languages: match '%.80s' is not an address, a domain "
						 "or *.domain", l.match);
		}
		nc->langs = lg_realloc(nc->langs, (nc->nlangs + 1) * sizeof *nc->langs);
		nc->langs[nc->nlangs++] = l;
	}
}

/* check_notices - what enabled notices need: a sender address, the store, a relay, reviewers,
 * and templates that load (their problems are reported at the template's file:line) */
static void check_notices(struct loader *ld, struct fy_node *root, struct lg_config *cfg,
			  struct pos at)
{
	struct lg_ncfg *nc = &cfg->notices;
	struct fy_node *nk = NULL, *nv = find_value(root, "notices", &nk);
	struct pos np = node_pos(nk, at);
	(void)nv;
	static const unsigned retry_default[] = { 60, 300, 900, 3600 };
	nc->nretry = 0;
	for (size_t i = 0; nc->retry_src && nc->retry_src[i]; i++) {
		int64_t w = lg_q_parse_age(nc->retry_src[i]);
		if (w < 1 || w > 86400)
			error_at(ld, np, "notices: retry: '%.40s' is not a duration from 1s to 1d "
					 "(e.g. 5m)", nc->retry_src[i]);
		else if (nc->nretry >= LG_NOTICE_RETRY_MAX)
			error_at(ld, np, "notices: retry: at most %d waits (the last one repeats)",
				 LG_NOTICE_RETRY_MAX);
		else
			nc->retry[nc->nretry++] = (unsigned)w;
	}
	if (!nc->nretry) {
		memcpy(nc->retry, retry_default, sizeof retry_default);
		nc->nretry = sizeof retry_default / sizeof retry_default[0];
	}
	if (!nc->enabled || ld->nerrors)
		return;	/* a bad value of these keys is already reported where it is */
	if (!nc->from)
		error_at(ld, np, "notices: enabled needs 'from' (the address notices come from)");
	if (!cfg->quarantine.hold_mode || strcmp(cfg->quarantine.hold_mode, "store"))
		error_at(ld, np, "notices: enabled needs quarantine.hold_mode: store (a notice "
				 "names the quarantine entry, which Postfix's hold queue does not "
				 "have)");
	if (!cfg->quarantine.release.url)
		error_at(ld, np, "notices: enabled needs quarantine.release.url (notices are sent "
				 "through the release relay)");
	if (strcmp(nc->compliance.mode, "none") && !(nc->compliance.to && nc->compliance.to[0]))
		error_at(ld, np, "notices: compliance.mode %s needs compliance.to (the reviewers' "
				 "addresses)", nc->compliance.mode);
	for (size_t i = 0; nc->compliance.to && nc->compliance.to[i]; i++) {
		const char *a = nc->compliance.to[i], *atp = strrchr(a, '@');
		if (!atp || atp == a || !atp[1] || strpbrk(a, " <>,;\"()"))
			error_at(ld, np, "notices: compliance.to: '%.80s' is not an address", a);
	}
	if (ld->nerrors == 0)
		ld->nrule_errors += lg_notice_templates_load(nc, &nc->tpl, &ld->rule_errors);
}

/* load_value - one key's value, by the key's kind */
static void load_value(struct loader *ld, const struct key *k, struct fy_node *v, void *base,
		       struct pos at)
{
	if (v && fy_node_is_alias(v)) {
		error_at(ld, at,
			 "YAML aliases (*name) are not supported; write the value of %s in full",
			 k->name);
		return;
	}
	switch (k->kind) {
	case K_SCALAR:
		load_scalar(ld, k, v, base, at);
		break;
	case K_MAPPING:
		if (is_null(v))
			break;
		if (fy_node_get_type(v) != FYNT_MAPPING)
			error_at(ld, at, "%s must be a mapping, not %s", k->name, kind_name(v));
		else
			load_mapping(ld, v, k->sub, FIELD(base, k, char), k->name, at);
		break;
	case K_DOMAINS:
		load_domains(ld, k, v, base, at);
		break;
	case K_RULES:
		ld->rules_given = true;
		load_rules(ld, k, v, base, at);
		break;
	case K_STRLIST:
		load_strlist(ld, k, v, base, at);
		break;
	case K_EARLY:
	case K_SETS:
		break;	/* read by config_root before the rest */
	case K_REASON:
		if (!is_null(v) && fy_node_get_type(v) == FYNT_MAPPING) {
			size_t before = ld->nerrors;
			load_mapping(ld, v, reason_keys, base, "reason", at);
			struct lg_rule *rule = base;
			if (ld->nerrors == before && !rule->reason_en && !rule->reason_ja)
				error_at(ld, at, "reason needs 'en' or 'ja' (or both)");
		} else {
			load_scalar(ld, k, v, base, at);
		}
		break;
	case K_ALLOW:
		load_allow(ld, k, v, base, at);
		break;
	case K_INCLUDE:
		ld->rules_given = true;
		load_include(ld, k, v, at);
		break;
	case K_NLANGS:
		load_nlangs(ld, k, v, base, at);
		break;
	}
}

/* unknown_key - report a key that the table does not know, with a suggestion or the list */
static void unknown_key(struct loader *ld, const struct key *keys, const char *name,
			const char *where, struct pos at)
{
	const char *best = NULL;
	size_t best_d = SIZE_MAX;
	for (const struct key *k = keys; k->name; k++) {
		size_t d = lg_edit_distance(name, strlen(name), k->name, strlen(k->name));
		if (d < best_d)
			best_d = d, best = k->name;
	}
	char in[RULE_NAME_MAX + 32] = "";
	if (where)
		snprintf(in, sizeof in, " in %s", where);
	size_t n = strlen(name);
	if (best && (best_d <= 2 || best_d * 3 <= n)) {
		error_at(ld, at, "unknown key '%.64s'%s (did you mean '%s'?)", name, in, best);
		return;
	}
	struct lg_buf known = LG_BUF_INIT;
	for (const struct key *k = keys; k->name; k++)
		lg_buf_printf(&known, "%s%s", k == keys ? "" : ", ", k->name);
	error_at(ld, at, "unknown key '%.64s'%s (known keys: %s)", name, in, lg_buf_cstr(&known));
	lg_buf_free(&known);
}

/* load_mapping - apply a mapping node to the struct at base as its key table says */
static void load_mapping(struct loader *ld, struct fy_node *map, const struct key *keys, void *base,
			 const char *where, struct pos at)
{
	bool seen[16] = { false };
	void *it = NULL;
	struct fy_node_pair *pair;

	while ((pair = fy_node_mapping_iterate(map, &it)) != NULL) {
		struct fy_node *kn = fy_node_pair_key(pair);
		struct fy_node *vn = fy_node_pair_value(pair);
		struct pos kp = node_pos(kn, at);
		if (!kn || fy_node_get_type(kn) != FYNT_SCALAR || fy_node_is_alias(kn)) {
			error_at(ld, kp, "keys must be plain words, not %s",
				 kn ? kind_name(kn) : "null");
			continue;
		}
		char *name = scalar_dup(kn);
		const struct key *k = NULL;
		size_t i = 0;
		for (; name && keys[i].name; i++)
			if (strcmp(keys[i].name, name) == 0) {
				k = &keys[i];
				break;
			}
		if (!k) {
			unknown_key(ld, keys, name ? name : "", where, kp);
			free(name);
			continue;
		}
		free(name);
		if (i < sizeof seen / sizeof seen[0])
			seen[i] = true;
		load_value(ld, k, vn, base, node_pos(vn, kp));
	}
	for (size_t i = 0; keys[i].name && i < sizeof seen / sizeof seen[0]; i++)
		if (keys[i].required && !seen[i])
			error_at(ld, at, "%s has no '%s' (%s)", where ? where : "the configuration",
				 keys[i].name, keys[i].type);
}

/* only_comments - is the text empty apart from blanks and comments */
static bool only_comments(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		if (s[i] == '#') {
			while (i < len && s[i] != '\n')
				i++;
		} else if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n') {
			i++;
		} else {
			return false;
		}
	}
	return true;
}

/* report_yaml_errors - turn libfyaml's collected diagnostics not yet seen into our errors */
static void report_yaml_errors(struct loader *ld, struct fy_diag *diag)
{
	void *it = NULL;
	struct fy_diag_error *e;
	size_t i = 0;
	while ((e = fy_diag_errors_iterate(diag, &it)) != NULL)
		if (i++ >= ld->yaml_seen && e->type >= FYET_ERROR) {
			const char *msg = e->msg ? e->msg : "YAML syntax error";
			/* libfyaml names an unclosed quote by its effect on the next line */
			bool quote = strstr(msg, "quoted scalar") && !strstr(msg, "closing quote");
			error_at(ld, (struct pos){ e->line, e->column }, "%s%s", msg,
				 quote ? " (is a closing quote missing?)" : "");
		}
	ld->yaml_seen = i;
}

/* diag_text - libfyaml's uncollected output as one line, for a last-resort message */
static const char *diag_text(struct loader *ld)
{
	if (!ld->diag_out.len)
		return "unknown error";
	while (ld->diag_out.len && (ld->diag_out.data[ld->diag_out.len - 1] == '\n'))
		ld->diag_out.data[--ld->diag_out.len] = '\0';
	for (size_t i = 0; i < ld->diag_out.len; i++)
		if (ld->diag_out.data[i] == '\n')
			ld->diag_out.data[i] = ' ';
	return lg_buf_cstr(&ld->diag_out);
}

/* What a document's root goes to: the configuration, or a rule file. */
struct root_handler {
	const char *empty_msg;
	void (*load)(struct loader *ld, struct fy_node *root, struct pos at, void *arg);
	void *arg;
};

/* load_document - parse the YAML and hand its root to the handler */
static void load_document(struct loader *ld, const struct root_handler *h)
{
	const char *empty_msg = h->empty_msg;
	struct fy_diag_cfg dcfg;
	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;
	dcfg.output_fn = diag_output;
	dcfg.user = ld;
	dcfg.colorize = false;
	struct fy_diag *diag = fy_diag_create(&dcfg);
	if (!diag)
		lg_fatal("config: cannot create a libfyaml diagnostic object");
	fy_diag_set_collect_errors(diag, true);

	struct fy_parse_cfg pcfg = { .flags = FYPCF_QUIET, .diag = diag };
	struct fy_parser *fyp = fy_parser_create(&pcfg);
	if (!fyp)
		lg_fatal("config: cannot create a libfyaml parser");
	struct fy_document *doc = NULL;
	if (fy_parser_set_string(fyp, ld->text, ld->len) == 0)
		doc = fy_parse_load_document(fyp);
	size_t before = ld->nerrors;
	report_yaml_errors(ld, diag);
	struct pos start = { 1, 1 };

	if (ld->nerrors == before && !doc) {
		if (only_comments(ld->text, ld->len) || !fy_diag_got_error(diag))
			error_at(ld, start, "%s", empty_msg);
		else
			error_at(ld, start, "cannot parse the YAML: %s", diag_text(ld));
	} else if (doc) {
		struct fy_node *root = fy_document_root(doc);
		if (!root || is_null(root))
			error_at(ld, node_pos(root, start), "%s", empty_msg);
		else
			h->load(ld, root, node_pos(root, start), h->arg);

		struct fy_document *more = fy_parse_load_document(fyp);
		before = ld->nerrors;
		report_yaml_errors(ld, diag);	/* anything new from the rest of the stream */
		if (more && ld->nerrors == before) {
			const struct fy_mark *m =
				fy_document_state_start_mark(fy_document_get_document_state(more));
			struct pos p2 = m ? (struct pos){ m->line + 1, m->column + 1 } : start;
			error_at(ld, node_pos(fy_document_root(more), p2),
				 "a second YAML document ('---'); the file must be one document");
		}
		if (more)
			fy_parse_document_destroy(fyp, more);
		fy_parse_document_destroy(fyp, doc);
	}
	fy_parser_destroy(fyp);
	fy_diag_destroy(diag);
}

/* ---- public interface -------------------------------------------------------------------- */

/* refuse_directives - a line starting with '%' is a YAML directive: leakguard.yaml needs none,
 * and libfyaml 0.7.12 can loop for ever on a malformed one (found by fuzz_config; fuzz_rules
 * found "\r%\x89": a lone CR ends a line for libfyaml too, and so does a byte order mark at the
 * start), so they are refused before parsing; true when there was one */
static bool refuse_directives(struct loader *ld)
{
	const char *t = ld->text;
	bool found = false;
	size_t line = 1;
	for (size_t i = 0; i < ld->len; i++) {
		bool line_start = i == 0 || t[i - 1] == '\n' || t[i - 1] == '\r' ||
				  (i == 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0);
		if (line_start && t[i] == '%') {
			error_at(ld, (struct pos){ (int)line, 1 },
				 "YAML directives ('%%...') are not supported in this file");
			found = true;
		}
		if (t[i] == '\n' || (t[i] == '\r' && (i + 1 == ld->len || t[i + 1] != '\n')))
			line++;
	}
	return found;
}

/* use_builtin_rules - a file that says nothing about policy.rules gets the built-in rules: a
 * configuration that only sets the socket must not silently turn the guard off. An explicit
 * "rules: []" still means no rules. */
static size_t use_builtin_rules(struct lg_config *cfg, struct lg_buf *errors)
{
	size_t problems = 0;
	struct lg_config *def = lg_config_load_string("<built-in>", lg_default_config_yaml,
						      strlen(lg_default_config_yaml), NULL);
	if (!def)
		lg_panic("the built-in configuration does not load");
	/* take the rules only: this file's default action, lists and allow lists stay */
	cfg->policy.rules = def->policy.rules;
	cfg->policy.nrules = def->policy.nrules;
	def->policy.rules = NULL;
	def->policy.nrules = 0;
	lg_config_free(def);
	/* the built-in conditions were compiled against the built-in detectors; compile them
	 * again against this configuration's set (which may leave some out) */
	for (size_t i = 0; i < cfg->policy.nrules; i++) {
		struct lg_rule *rule = &cfg->policy.rules[i];
		char err[256];
		size_t off;
		struct lg_expr *e = lg_expr_compile(rule->when_src, cfg->detectors,
						    &cfg->policy.sets, &off, err, sizeof err);
		if (!e) {
			/* a detector the built-in rules name was disabled: say so, not crash */
			if (errors)
				lg_buf_printf(errors,
					      "%s: error: the built-in rule '%s' cannot be used with "
					      "these detectors (%s); write your own policy.rules\n",
					      cfg->source, rule->name, err);
			problems++;
			continue;
		}
		lg_expr_free(rule->when);
		rule->when = e;
	}
	return problems;
}

/* ---- rule files -------------------------------------------------------------------------- */

/* The definitions being collected from rule files. */
struct defs {
	struct lg_detdef *v;
	size_t n;
};

/* load_one_def - one detector mapping of a rule file */
static void load_one_def(struct loader *ld, struct fy_node *map, struct pos at, struct defs *out)
{
	if (fy_node_get_type(map) != FYNT_MAPPING) {
		error_at(ld, at, "a detector must be a mapping with id and pattern (or columns), not %s",
			 kind_name(map));
		return;
	}
	struct lg_detdef def = {0};
	apply_defaults(detdef_keys, &def);
	apply_defaults(prefilter_keys, &def);
	apply_defaults(context_keys, &def);
	apply_defaults(exclude_keys, &def);
	size_t before = ld->nerrors;
	char where[64];
	struct fy_node *idv = find_value(map, "id", NULL);
	char *id = idv && fy_node_get_type(idv) == FYNT_SCALAR ? scalar_dup(idv) : NULL;
	snprintf(where, sizeof where, "detector '%.32s'", id && *id ? id : "?");
	free(id);
	load_mapping(ld, map, detdef_keys, &def, where, at);
	if (ld->nerrors == before && !def.pattern && !def.columns)
		error_at(ld, at, "%s has neither a pattern nor columns", where);
	if (ld->nerrors == before && def.pattern && def.columns)
		error_at(ld, at, "%s has both a pattern and columns (make two detectors)", where);
	if (ld->nerrors == before && def.prefilter.digits && def.prefilter.literals)
		error_at(ld, at, "%s: a prefilter has digits or literals, not both", where);
	if (ld->nerrors == before && !def.pattern && def.validator)
		error_at(ld, at, "%s: a validator needs a pattern", where);
	if (ld->nerrors != before) {
		lg_detdef_free(&def);
		return;
	}
	def.file = lg_strdup(ld->name);
	def.line = at.line;
	out->v = lg_realloc(out->v, (out->n + 1) * sizeof *out->v);
	out->v[out->n++] = def;
}

/* rules_root - a rule file's root: one detector mapping or a sequence of them */
static void rules_root(struct loader *ld, struct fy_node *root, struct pos at, void *arg)
{
	if (fy_node_get_type(root) != FYNT_SEQUENCE) {
		load_one_def(ld, root, at, arg);
		return;
	}
	void *it = NULL;
	struct fy_node *item;
	while ((item = fy_node_sequence_iterate(root, &it)) != NULL)
		load_one_def(ld, item, node_pos(item, at), arg);
}

/* lg_rules_load_string - parse one rule file into definitions */
size_t lg_rules_load_string(const char *name, const char *yaml, size_t len, struct lg_detdef **defs,
			    size_t *ndefs, struct lg_buf *errors)
{
	struct loader ld = { .name = name ? name : "<rules>", .text = yaml ? yaml : "",
			     .len = yaml ? len : 0 };
	struct defs out = { *defs, *ndefs };
	struct root_handler h = { "the rule file is empty (expected a detector: 'id: ...')",
				  rules_root, &out };
	if (!refuse_directives(&ld))
		load_document(&ld, &h);
	lg_buf_free(&ld.diag_out);
	size_t n = ld.nerrors;
	flush_problems(&ld, errors);
	*defs = out.v;
	*ndefs = out.n;
	return n;
}

/* read_file - a whole small file into buf; false with errors appended when it cannot be read */
static bool read_file(const char *path, struct lg_buf *text, struct lg_buf *errors)
{
	FILE *fp = fopen(path, "r");
	if (!fp) {
		if (errors)
			lg_buf_printf(errors, "%s: error: cannot open: %s\n", path,
				      strerror(errno));
		return false;
	}
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0 && text->len <= CONFIG_FILE_MAX)
		lg_buf_append(text, chunk, n);
	int failed = ferror(fp);
	int saved = errno;
	fclose(fp);
	if (failed || text->len > CONFIG_FILE_MAX) {
		if (errors)
			lg_buf_printf(errors, "%s: error: %s\n", path,
				      failed ? strerror(saved) : "file too large");
		return false;
	}
	return true;
}

/* free_defs - release collected definitions */
static void free_defs(struct defs *d)
{
	for (size_t i = 0; i < d->n; i++)
		lg_detdef_free(&d->v[i]);
	free(d->v);
	d->v = NULL;
	d->n = 0;
}

/* add_builtin_defs - the built-in rule files' definitions, except the disabled ones */
static size_t add_builtin_defs(struct defs *d, char *const *disable, struct lg_buf *errors)
{
	size_t problems = 0;
	for (size_t i = 0; lg_builtin_rule_names[i]; i++) {
		char *name = lg_asprintf("<built-in>/%s", lg_builtin_rule_names[i]);
		size_t first = d->n;
		problems += lg_rules_load_string(name, lg_builtin_rule_texts[i],
						 strlen(lg_builtin_rule_texts[i]), &d->v, &d->n,
						 errors);
		free(name);
		for (size_t k = first; k < d->n;) {
			bool off = false;
			for (size_t j = 0; disable && disable[j]; j++)
				off = off || !strcmp(disable[j], d->v[k].id);
			if (off) {
				lg_detdef_free(&d->v[k]);
				memmove(&d->v[k], &d->v[k + 1], (d->n - k - 1) * sizeof *d->v);
				d->n--;
			} else {
				k++;
			}
		}
	}
	return problems;
}

/* lg_detectors_builtin - the built-in detector set */
struct lg_detectors *lg_detectors_builtin(char *err, size_t errlen)
{
	struct defs d = {0};
	struct lg_buf errors = LG_BUF_INIT;
	struct lg_detectors *dets = NULL;
	if (add_builtin_defs(&d, NULL, &errors) == 0)
		dets = lg_detectors_build(d.v, d.n, err, errlen);
	else
		snprintf(err, errlen, "%s", lg_buf_cstr(&errors));
	free_defs(&d);
	lg_buf_free(&errors);
	return dets;
}

/* replace_or_add - a definition from an administrator's file: replaces one with the same id */
static void replace_or_add(struct defs *d, struct lg_detdef *def)
{
	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(d->v[i].id, def->id)) {
			lg_detdef_free(&d->v[i]);
			d->v[i] = *def;
			return;
		}
	d->v = lg_realloc(d->v, (d->n + 1) * sizeof *d->v);
	d->v[d->n++] = *def;
}

/* build_detectors - the configuration's detector set: built-in rules (minus disabled ones) and
 * the rule files named in detectors.files; problems go to ld (counted) */
static void build_detectors(struct loader *ld, struct lg_config *cfg, struct pos at)
{
	const struct lg_detcfg *dc = &cfg->detcfg;
	struct defs d = {0};
	size_t problems = 0;
	if (dc->builtin)
		problems += add_builtin_defs(&d, dc->disable, &ld->rule_errors);
	for (size_t i = 0; dc->disable && dc->disable[i]; i++) {
		bool known = false;
		for (size_t k = 0; lg_builtin_rule_names[k] && !known; k++) {
			size_t n = strlen(dc->disable[i]);
			known = !strncmp(lg_builtin_rule_names[k], dc->disable[i], n) &&
				!strcmp(lg_builtin_rule_names[k] + n, ".yaml");
		}
		if (!known)
			error_at(ld, at, "detectors.disable: no built-in detector '%s'",
				 dc->disable[i]);
	}
	for (size_t i = 0; dc->files && dc->files[i]; i++) {
		glob_t g;
		int rc = glob(dc->files[i], GLOB_ERR, NULL, &g);
		if (rc == GLOB_NOMATCH && !strpbrk(dc->files[i], "*?[")) {
			error_at(ld, at, "detectors.files: %s: no such file", dc->files[i]);
			continue;
		}
		if (rc != 0 && rc != GLOB_NOMATCH) {
			error_at(ld, at, "detectors.files: cannot read %s", dc->files[i]);
			continue;
		}
		for (size_t k = 0; rc == 0 && k < g.gl_pathc; k++) {
			struct lg_buf text = LG_BUF_INIT;
			struct defs one = {0};
			if (!read_file(g.gl_pathv[k], &text, &ld->rule_errors)) {
				problems++;
			} else {
				problems += lg_rules_load_string(g.gl_pathv[k], lg_buf_cstr(&text),
								 text.len, &one.v, &one.n,
								 &ld->rule_errors);
				for (size_t j = 0; j < one.n; j++)
					replace_or_add(&d, &one.v[j]);
				free(one.v);
			}
			lg_buf_free(&text);
		}
		if (rc == 0)
			globfree(&g);
	}
	ld->nrule_errors += problems;
	if (problems == 0) {
		char err[512] = "";
		cfg->detectors = lg_detectors_build(d.v, d.n, err, sizeof err);
		if (!cfg->detectors) {
			lg_buf_printf(&ld->rule_errors, "%s\n", err);
			ld->nrule_errors++;
		}
	}
	free_defs(&d);
}

/* ---- lists, groups and included policy files ---------------------------------------------- */

static const struct key setfile_keys[] = {
	{ .name = "file", .type = "a file with one entry a line" },
	{ .name = NULL },
};

/* valid_set_name - a list or group name: like a rule name */
static bool valid_set_name(const char *v)
{
	size_t n = strlen(v);
	if (n == 0 || n > RULE_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = v[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

/* load_set_file - the entries of a list or group from a file: one a line, blank lines and
 * comments ('#' at the start or after a blank) ignored; a bad entry is an error at the file's
 * line and column, a file that cannot be read one at the config's 'file:' value */
static void load_set_file(struct loader *ld, struct lg_set *set, const char *path, struct pos at)
{
	const char *what = set->group ? "group" : "list";
	struct lg_buf text = LG_BUF_INIT, rerr = LG_BUF_INIT;
	FILE *fp = fopen(path, "r");
	if (!fp) {
		error_at(ld, at, "%s '%s': cannot open %s: %s", what, set->name, path,
			 strerror(errno));
		return;
	}
	fclose(fp);
	if (!read_file(path, &text, &rerr)) {
		error_at(ld, at, "%s '%s': cannot read %s", what, set->name, path);
		lg_buf_free(&text);
		lg_buf_free(&rerr);
		return;
	}
	const char *t = lg_buf_cstr(&text);
	int line = 0;
	for (size_t i = 0; i < text.len;) {
		size_t eol = i;
		while (eol < text.len && t[eol] != '\n')
			eol++;
		line++;
		char *l = lg_strndup(t + i, eol - i);
		i = eol + 1;
		size_t col = 0;
		while (l[col] == ' ' || l[col] == '\t')
			col++;
		char *c = l + col;
		for (char *h = c; *h; h++)
			if (*h == '#' && (h == c || h[-1] == ' ' || h[-1] == '\t')) {
				*h = '\0';
				break;
			}
		size_t n = strlen(c);
		while (n && (c[n - 1] == ' ' || c[n - 1] == '\t' || c[n - 1] == '\r'))
			c[--n] = '\0';
		char err[200];
		if (n && lg_set_add(set, c, err, sizeof err) != 0) {
			lg_buf_printf(&ld->rule_errors, "%s:%d:%zu: error: %s '%s': %s\n", path, line,
				      utf8_chars(l, col) + 1, what, set->name, err);
			ld->nrule_errors++;
		}
		free(l);
	}
	lg_buf_free(&text);
	lg_buf_free(&rerr);
}

/* load_sets - lists or groups: NAME: [entries] or NAME: {file: PATH}, into sets */
static void load_sets(struct loader *ld, struct fy_node *map, bool group, struct lg_sets *sets,
		      struct pos at)
{
	const char *what = group ? "group" : "list";
	if (is_null(map))
		return;
	if (fy_node_is_alias(map) || fy_node_get_type(map) != FYNT_MAPPING) {
		error_at(ld, at, "%s must be a mapping of names to entries, not %s",
			 group ? "groups" : "lists", fy_node_is_alias(map) ? "an alias" : kind_name(map));
		return;
	}
	void *it = NULL;
	struct fy_node_pair *pair;
	while ((pair = fy_node_mapping_iterate(map, &it)) != NULL) {
		struct fy_node *kn = fy_node_pair_key(pair), *vn = fy_node_pair_value(pair);
		struct pos kp = node_pos(kn, at), vp = node_pos(vn, kp);
		char *name = scalar_text(kn);
		if (!name || !valid_set_name(name)) {
			error_at(ld, kp, "bad %s name '%.64s' (1 to %d letters, digits, '.', '_', '-')",
				 what, name ? name : "", RULE_NAME_MAX);
			free(name);
			continue;
		}
		if (lg_sets_find(sets, group, name, strlen(name))) {
			error_at(ld, kp, "duplicate %s name '%s'", what, name);
			free(name);
			continue;
		}
		struct lg_set *set = lg_set_new(name, group);
		free(name);
		lg_sets_add(sets, set);
		if (!is_null(vn) && !fy_node_is_alias(vn) && fy_node_get_type(vn) == FYNT_SEQUENCE) {
			void *it2 = NULL;
			struct fy_node *item;
			while ((item = fy_node_sequence_iterate(vn, &it2)) != NULL) {
				struct pos ip = node_pos(item, vp);
				char *v = scalar_text(item);
				char err[200] = "an entry must be a string";
				if (!v || lg_set_add(set, v, err, sizeof err) != 0)
					error_at(ld, ip, "%s '%s': %s", what, set->name, err);
				free(v);
			}
		} else if (!is_null(vn) && !fy_node_is_alias(vn) &&
			   fy_node_get_type(vn) == FYNT_MAPPING) {
			void *it2 = NULL;
			struct fy_node_pair *fp;
			bool file = false;
			size_t before = ld->nerrors;
			char where[RULE_NAME_MAX + 16];
			snprintf(where, sizeof where, "%s '%s'", what, set->name);
			while ((fp = fy_node_mapping_iterate(vn, &it2)) != NULL) {
				struct fy_node *fk = fy_node_pair_key(fp), *fv = fy_node_pair_value(fp);
				struct pos fkp = node_pos(fk, vp), fvp = node_pos(fv, fkp);
				char *key = scalar_text(fk);
				if (!key || strcmp(key, "file")) {
					unknown_key(ld, setfile_keys, key ? key : "", where, fkp);
				} else {
					char *path = scalar_text(fv);
					file = true;
					if (!path || !*path || has_control(path))
						error_at(ld, fvp, "%s '%s': file must be a file name",
							 what, set->name);
					else
						load_set_file(ld, set, path, fvp);
					free(path);
				}
				free(key);
			}
			if (!file && ld->nerrors == before)
				error_at(ld, vp, "%s '%s' has no 'file'", what, set->name);
		} else {
			error_at(ld, vp, "%s '%s' must be a sequence of entries or {file: PATH}", what,
				 set->name);
		}
	}
}

/* include_root - an included policy file's root: a sequence of rules */
static void include_root(struct loader *ld, struct fy_node *root, struct pos at, void *arg)
{
	const struct key *k = policy_keys;
	while (strcmp(k->name, "rules"))
		k++;
	if (fy_node_get_type(root) != FYNT_SEQUENCE) {
		error_at(ld, at, "an included policy file must be a sequence of rules ('- name: ...'), "
				 "not %s", kind_name(root));
		return;
	}
	load_rules(ld, k, root, arg, at);
}

/* load_one_include - the rules of one included file, appended to the policy's; problems are
 * reported at that file's lines and counted with the rule files' */
static void load_one_include(struct loader *ld, struct lg_config *cfg, const char *path)
{
	struct lg_buf text = LG_BUF_INIT;
	if (!read_file(path, &text, &ld->rule_errors)) {
		ld->nrule_errors++;
		lg_buf_free(&text);
		return;
	}
	struct loader sub = { .name = path, .text = lg_buf_cstr(&text), .len = text.len,
			      .dets = ld->dets, .sets = ld->sets, .prior = &cfg->policy };
	struct lg_policy part = { 0 };
	struct root_handler h = { "the included policy file is empty (expected '- name: ...')",
				  include_root, &part };
	if (!refuse_directives(&sub))
		load_document(&sub, &h);
	for (size_t i = 0; !cfg->policy.allow_discard && i < sub.ndiscard; i++)
		error_at(&sub, sub.discard_at[i],
			 "action discard needs 'allow_discard: true' in policy (discarded mail is "
			 "lost without a word to anyone)");
	lg_buf_free(&sub.diag_out);
	ld->nrule_errors += sub.nerrors;
	flush_problems(&sub, &ld->rule_errors);
	cfg->policy.rules = lg_realloc(cfg->policy.rules, (cfg->policy.nrules + part.nrules + 1) *
								  sizeof *cfg->policy.rules);
	memcpy(cfg->policy.rules + cfg->policy.nrules, part.rules,
	       part.nrules * sizeof *part.rules);
	cfg->policy.nrules += part.nrules;
	free(part.rules);
	lg_buf_free(&text);
}

/* load_includes - policy.include: each pattern's files in order, their rules after the
 * policy's own */
static void load_includes(struct loader *ld, struct lg_config *cfg)
{
	for (size_t i = 0; i < ld->nincludes; i++) {
		glob_t g;
		int rc = glob(ld->includes[i], GLOB_ERR, NULL, &g);
		if (rc == GLOB_NOMATCH && !strpbrk(ld->includes[i], "*?[")) {
			error_at(ld, ld->include_at[i], "include: %s: no such file", ld->includes[i]);
			continue;
		}
		if (rc != 0 && rc != GLOB_NOMATCH) {
			error_at(ld, ld->include_at[i], "include: cannot read %s", ld->includes[i]);
			continue;
		}
		for (size_t k = 0; rc == 0 && k < g.gl_pathc; k++)
			load_one_include(ld, cfg, g.gl_pathv[k]);
		if (rc == 0)
			globfree(&g);
	}
}

/* config_root - the configuration's root: detectors first (conditions name them), then the rest */
static void config_root(struct loader *ld, struct fy_node *root, struct pos at, void *arg)
{
	struct lg_config *cfg = arg;
	if (fy_node_get_type(root) != FYNT_MAPPING) {
		error_at(ld, at,
			 "the configuration must be a mapping of keys (e.g. 'listen: ...'), not %s",
			 kind_name(root));
		return;
	}
	struct fy_node *dk = NULL;
	struct fy_node *dv = find_value(root, "detectors", &dk);
	struct pos dp = at;
	if (dv) {
		const struct key *k = NULL;
		for (k = config_keys; k->name && strcmp(k->name, "detectors"); k++)
			;
		dp = node_pos(dv, node_pos(dk, at));
		if (fy_node_is_alias(dv))
			error_at(ld, dp, "YAML aliases (*name) are not supported");
		else if (!is_null(dv) && fy_node_get_type(dv) != FYNT_MAPPING)
			error_at(ld, dp, "detectors must be a mapping, not %s", kind_name(dv));
		else if (!is_null(dv))
			load_mapping(ld, dv, k->sub, FIELD(cfg, k, char), "detectors", dp);
	}
	if (ld->nerrors == 0)
		build_detectors(ld, cfg, dp);
	ld->dets = cfg->detectors;
	/* lists and groups next: conditions name them too */
	ld->sets = &cfg->policy.sets;
	for (int group = 0; group < 2; group++) {
		struct fy_node *sk = NULL;
		struct fy_node *sv = find_value(root, group ? "groups" : "lists", &sk);
		if (sv || sk)
			load_sets(ld, sv, group, &cfg->policy.sets, node_pos(sv, node_pos(sk, at)));
	}
	if (cfg->detectors) {	/* else only the detector problems: conditions would all fail */
		load_mapping(ld, root, config_keys, cfg, NULL, at);
		load_includes(ld, cfg);
		check_notices(ld, root, cfg, at);
	}
	/* discard drops mail without a word to anyone: only where the policy says it may */
	bool discard_default = cfg->policy.default_action == LG_ACT_DISCARD;
	if (!cfg->policy.allow_discard && discard_default)
		error_at(ld, at,
			 "default_action discard needs 'allow_discard: true' in policy (discarded "
			 "mail is lost without a word to anyone)");
	for (size_t i = 0; !cfg->policy.allow_discard && i < ld->ndiscard; i++)
		error_at(ld, ld->discard_at[i],
			 "action discard needs 'allow_discard: true' in policy (discarded mail is "
			 "lost without a word to anyone)");
}

/* ---- public interface -------------------------------------------------------------------- */

/* lg_config_load_string - parse and validate a configuration held in memory */
struct lg_config *lg_config_load_string(const char *name, const char *yaml, size_t len,
					struct lg_buf *errors)
{
	struct loader ld = { .name = name ? name : "<config>", .text = yaml ? yaml : "",
			     .len = yaml ? len : 0 };
	struct lg_config *cfg = lg_calloc(1, sizeof *cfg);
	struct root_handler h = {
		"the configuration is empty (expected a mapping of keys, e.g. 'listen: ...')",
		config_root, cfg
	};

	cfg->source = lg_strdup(ld.name);
	apply_defaults(config_keys, cfg);
	if (!refuse_directives(&ld))
		load_document(&ld, &h);
	lg_buf_free(&ld.diag_out);
	if (ld.nerrors == 0 && ld.nrule_errors == 0 && !ld.rules_given &&
	    yaml != lg_default_config_yaml)
		ld.nrule_errors += use_builtin_rules(cfg, &ld.rule_errors);
	bool failed = ld.nerrors > 0 || ld.nrule_errors > 0;
	if (errors)
		lg_buf_append(errors, ld.rule_errors.data ? ld.rule_errors.data : "",
			      ld.rule_errors.len);
	lg_buf_free(&ld.rule_errors);
	flush_problems(&ld, errors);
	for (size_t i = 0; i < ld.nincludes; i++)
		free(ld.includes[i]);
	free(ld.includes);
	free(ld.include_at);
	if (failed) {
		lg_config_free(cfg);
		return NULL;
	}
	return cfg;
}

/* lg_config_load - read a configuration file, or the built-in one when path is NULL */
struct lg_config *lg_config_load(const char *path, struct lg_buf *errors)
{
	if (!path)
		return lg_config_load_string("<built-in>", lg_default_config_yaml,
					     strlen(lg_default_config_yaml), errors);

	struct lg_buf text = LG_BUF_INIT;
	if (!read_file(path, &text, errors)) {
		lg_buf_free(&text);
		return NULL;
	}
	struct lg_config *cfg = lg_config_load_string(path, lg_buf_cstr(&text), text.len, errors);
	lg_buf_free(&text);
	return cfg;
}

/* lg_config_free - release a configuration and everything it owns */
void lg_config_free(struct lg_config *c)
{
	if (!c)
		return;
	free(c->source);
	free(c->listen);
	free(c->user);
	free(c->pidfile);
	free(c->spool_dir);
	free(c->log_facility);
	free(c->quarantine.url);
	free(c->quarantine.hold_mode);
	free(c->quarantine.release.url);
	free(c->quarantine.release.helo);
	free(c->notices.from);
	free(c->notices.language);
	for (size_t i = 0; i < c->notices.nlangs; i++) {
		free(c->notices.langs[i].match);
		free(c->notices.langs[i].language);
		lg_set_free(c->notices.langs[i].set);
	}
	free(c->notices.langs);
	free(c->notices.templates);
	free(c->notices.contact);
	for (char **v = c->notices.retry_src; v && *v; v++)
		free(*v);
	free(c->notices.retry_src);
	for (char **v = c->notices.compliance.to; v && *v; v++)
		free(*v);
	free(c->notices.compliance.to);
	free(c->notices.compliance.mode);
	free(c->notices.compliance.language);
	lg_notice_templates_free(c->notices.tpl);
	for (size_t i = 0; i < c->n_internal_domains; i++)
		free(c->internal_domains[i]);
	free(c->internal_domains);
	lg_policy_free(&c->policy);
	for (char **v = c->detcfg.disable; v && *v; v++)
		free(*v);
	free(c->detcfg.disable);
	for (char **v = c->detcfg.files; v && *v; v++)
		free(*v);
	free(c->detcfg.files);
	if (c->detectors)
		lg_detectors_free(c->detectors);
	free(c);
}
