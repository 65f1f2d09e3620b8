/* expr.c - policy conditions: a tokenizer, a recursive-descent parser building a typed AST,
 * its evaluation over a message's facts, and an explaining evaluation (--explain).
 *
 * Grammar (keywords are lower case; '&&' '||' '!' are synonyms of and, or, not):
 *   expr    := or
 *   or      := and ('or' and)*
 *   and     := not ('and' not)*
 *   not     := 'not' not | cmp
 *   cmp     := sum (('>=' | '>' | '<=' | '<' | '==' | '!=') sum
 *                  | ['not'] 'in' set | ('any' | 'all' | 'none') 'in' set)?
 *   sum     := primary ('+' primary)*
 *   primary := INTEGER [kKmMgG] | FACT | VALUEFACT | 'true' | 'false' | '(' expr ')'
 *   set     := 'list:' NAME | 'group:' NAME | '[' [item (',' item)*] ']'
 *   item    := a run of characters other than blanks, ',', '[', ']', '"' | '"' text '"'
 *
 * Every node is typed: a number (integers, facts, sums), a boolean (comparisons, 'in' tests,
 * true/false, and/or/not), one value (sender, sender_domain) or a set of values (recipients,
 * attachment.names ...). and/or/not take booleans; comparisons and '+' take numbers; 'in'
 * takes one value, 'any in' / 'all in' / 'none in' a set; the whole condition must be a
 * boolean. Nesting of parentheses and 'not' is limited to LG_EXPR_MAX_DEPTH, so neither the
 * parser nor the evaluator can exhaust the stack; chains of and/or/+ are kept flat. */
#include "policy/policy.h"

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

/* Deepest nesting of '(' and 'not' a condition may have. */
#define LG_EXPR_MAX_DEPTH 64

/* Longest identifier quoted back in an error message. */
#define LG_EXPR_QUOTE_MAX 64

enum tok_kind {
	T_END,
	T_INT,
	T_IDENT,
	T_AND,
	T_OR,
	T_NOT,
	T_TRUE,
	T_FALSE,
	T_LPAREN,
	T_RPAREN,
	T_GE,
	T_GT,
	T_LE,
	T_LT,
	T_EQ,
	T_NE,
	T_PLUS,
	T_IN,
	T_ANY,
	T_ALL,
	T_NONE,
	T_SETREF,	/* list:NAME or group:NAME */
	T_LBRACK,	/* '[' of an inline set */
	T_BAD,
};

struct tok {
	enum tok_kind kind;
	size_t off;	/* byte offset in the source */
	size_t len;	/* bytes of source text */
	long value;	/* T_INT */
};

enum node_kind {
	N_INT,		/* a literal number */
	N_BOOL,		/* true / false */
	N_FACT,		/* a number fact of the message */
	N_VFACT,	/* a value fact: sender, recipients ... (only as the left side of 'in') */
	N_SUM,		/* kids[0] + kids[1] + ... */
	N_NOT,
	N_AND,		/* kids[0] and kids[1] and ... */
	N_OR,
	N_CMP,		/* kids[0] op kids[1] */
	N_IN,		/* kids[0] (a value fact) [quantifier] in set */
};

/* What a node yields. */
enum node_type {
	TY_NUM,		/* a number */
	TY_BOOL,	/* a truth value */
	TY_VALUE,	/* one value: sender, sender_domain */
	TY_VALUES,	/* a set of values: recipients, attachment.names ... */
};

enum cmp_op { CMP_GE, CMP_GT, CMP_LE, CMP_LT, CMP_EQ, CMP_NE };

/* How an 'in' test treats the values of its fact. */
enum quant {
	Q_IN,		/* sender in S */
	Q_NOT_IN,	/* sender not in S */
	Q_ANY,		/* at least one value is in S */
	Q_ALL,		/* there is a value, and every one is in S */
	Q_NONE,		/* no value is in S (true without values) */
};

struct lg_expr {
	enum node_kind kind;
	enum node_type type;
	size_t off;		/* where the node starts in the source */
	size_t end;		/* where it ends (one past its last byte) */
	long value;		/* N_INT, N_BOOL */
	int fact;		/* N_FACT: enum lg_fact or a detector's fact; N_VFACT: lg_vfact */
	bool some;		/* N_VFACT written in the singular (attachment.type): 'in' is 'any in' */
	enum cmp_op op;		/* N_CMP */
	enum quant quant;	/* N_IN */
	const struct lg_set *set;	/* N_IN: the set (a policy's named one, or own_set) */
	struct lg_set *own_set;		/* N_IN: an inline set, owned by the node */
	struct lg_expr **kids;
	size_t nkids;
};

struct parser {
	const char *src;
	const struct lg_detectors *dets;	/* whose findings.<id> facts exist (may be NULL) */
	const struct lg_sets *sets;		/* lists and groups that may be named (may be NULL) */
	size_t pos;		/* next byte to tokenize */
	struct tok tok;		/* current token */
	struct tok prev;	/* the token before it (kind T_END at the start) */
	unsigned depth;		/* current nesting of '(' and 'not' */
	bool failed;
	size_t *err_off;
	char *err;
	size_t errlen;
};

static const char expect_cmp_msg[] = "expected a comparison, e.g. 'records >= 10'";

/* fail - record the first error: its offset and message */
__attribute__((format(printf, 3, 4))) static void fail(struct parser *p, size_t off,
						       const char *fmt, ...)
{
	if (p->failed)
		return;
	p->failed = true;
	if (p->err_off)
		*p->err_off = off;
	if (p->err && p->errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(p->err, p->errlen, fmt, ap);
		va_end(ap);
	}
}

/* is_ident_start - may an identifier begin with this byte */
static bool is_ident_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

/* is_ident_char - may an identifier (a dotted fact name) continue with this byte */
static bool is_ident_char(unsigned char c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9') || c == '.';
}

/* is_name_char - may a list or group name continue with this byte */
static bool is_name_char(unsigned char c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

/* utf8_len - bytes of the UTF-8 sequence starting with c (1 for anything odd) */
static size_t utf8_len(unsigned char c)
{
	if (c >= 0xf0 && c <= 0xf4)
		return 4;
	if (c >= 0xe0)
		return c <= 0xef ? 3 : 1;
	if (c >= 0xc2)
		return 2;
	return 1;
}

/* char_count - UTF-8 characters in the first n bytes of s */
static size_t char_count(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

/* tok_text - how a token is quoted in messages: its source text, or a description */
static void tok_text(const struct parser *p, const struct tok *t, const char **s, int *n)
{
	if (t->kind == T_END) {
		*s = "end of condition";
		*n = (int)strlen(*s);
		return;
	}
	*s = p->src + t->off;
	*n = t->len > LG_EXPR_QUOTE_MAX ? LG_EXPR_QUOTE_MAX : (int)t->len;
}

/* lex_number - an unsigned decimal with an optional k/M/G (1024-based) suffix */
static void lex_number(struct parser *p, struct tok *t)
{
	const char *s = p->src;
	size_t i = t->off;
	long v = 0;
	bool overflow = false;

	while (s[i] >= '0' && s[i] <= '9') {
		int d = s[i] - '0';
		if (v > (LONG_MAX - d) / 10)
			overflow = true;
		else
			v = v * 10 + d;
		i++;
	}
	int shift = 0;
	switch (s[i]) {
	case 'k': case 'K': shift = 10; i++; break;
	case 'm': case 'M': shift = 20; i++; break;
	case 'g': case 'G': shift = 30; i++; break;
	}
	size_t end = i;
	while (is_ident_char((unsigned char)s[end]))
		end++;
	t->len = end - t->off;
	p->pos = end;
	if (end != i) {
		fail(p, t->off, "bad number '%.*s' (a number may end in k, M or G, e.g. '10M')",
		     t->len > LG_EXPR_QUOTE_MAX ? LG_EXPR_QUOTE_MAX : (int)t->len, s + t->off);
		t->kind = T_BAD;
		return;
	}
	if (!overflow && shift && v > (LONG_MAX >> shift))
		overflow = true;
	if (overflow) {
		fail(p, t->off, "number '%.*s' is too large",
		     t->len > LG_EXPR_QUOTE_MAX ? LG_EXPR_QUOTE_MAX : (int)t->len, s + t->off);
		t->kind = T_BAD;
		return;
	}
	t->kind = T_INT;
	t->value = v << shift;
}

/* keyword - the keyword token an identifier spells, or T_IDENT */
static enum tok_kind keyword(const char *s, size_t n)
{
	static const struct {
		const char *word;
		enum tok_kind kind;
	} kw[] = {
		{ "and", T_AND },   { "or", T_OR },      { "not", T_NOT },
		{ "true", T_TRUE }, { "false", T_FALSE }, { "in", T_IN },
		{ "any", T_ANY },   { "all", T_ALL },    { "none", T_NONE },
	};
	for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++)
		if (strlen(kw[i].word) == n && memcmp(kw[i].word, s, n) == 0)
			return kw[i].kind;
	return T_IDENT;
}

/* advance - move to the next token (T_BAD, with the error recorded, on a lexical error) */
static void advance(struct parser *p)
{
	const char *s = p->src;
	size_t i = p->pos;

	p->prev = p->tok;
	while (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f' ||
	       s[i] == '\v')
		i++;
	struct tok t = { .kind = T_END, .off = i, .len = 0 };
	unsigned char c = (unsigned char)s[i];
	unsigned char c2 = c ? (unsigned char)s[i + 1] : 0;

	if (c == '\0') {
		p->pos = i;
	} else if (c >= '0' && c <= '9') {
		lex_number(p, &t);
	} else if (is_ident_start(c)) {
		size_t end = i;
		while (is_ident_char((unsigned char)s[end]))
			end++;
		t.len = end - i;
		t.kind = keyword(s + i, t.len);
		if (s[end] == ':' && ((t.len == 4 && !memcmp(s + i, "list", 4)) ||
				      (t.len == 5 && !memcmp(s + i, "group", 5)))) {
			end++;
			while (is_name_char((unsigned char)s[end]))
				end++;
			t.kind = T_SETREF;
			t.len = end - i;
			if (s[i + t.len - 1] == ':') {
				fail(p, end, "expected a name after '%.*s'", (int)t.len, s + i);
				t.kind = T_BAD;
			}
		}
		p->pos = end;
	} else {
		static const struct {
			const char *op;
			enum tok_kind kind;
		} ops[] = {
			{ ">=", T_GE },  { "<=", T_LE },    { "==", T_EQ },    { "!=", T_NE },
			{ "&&", T_AND }, { "||", T_OR },    { ">", T_GT },     { "<", T_LT },
			{ "!", T_NOT },  { "(", T_LPAREN }, { ")", T_RPAREN }, { "+", T_PLUS },
			{ "[", T_LBRACK },
		};
		t.kind = T_BAD;
		for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
			size_t n = strlen(ops[k].op);
			if ((unsigned char)ops[k].op[0] == c &&
			    (n == 1 || (unsigned char)ops[k].op[1] == c2)) {
				t.kind = ops[k].kind;
				t.len = n;
				break;
			}
		}
		if (t.kind == T_BAD) {
			size_t n = utf8_len(c);
			bool valid = n > 1;
			for (size_t k = 1; k < n && valid; k++)
				valid = ((unsigned char)s[i + k] & 0xc0) == 0x80;
			if (!valid)
				n = 1;
			t.len = n;
			if (c == '=')
				fail(p, i, "unexpected '=' (did you mean '=='?)");
			else if (c == '&')
				fail(p, i, "unexpected '&' (did you mean '&&' or 'and'?)");
			else if (c == '|')
				fail(p, i, "unexpected '|' (did you mean '||' or 'or'?)");
			else if (c == '-' && c2 >= '0' && c2 <= '9')
				fail(p, i, "unexpected '-' (numbers cannot be negative)");
			else if (c >= 0x20 && c < 0x7f)
				fail(p, i, "unexpected '%c'", c);
			else if (c < 0x80)
				fail(p, i, "unexpected control character 0x%02x", c);
			else if (valid)
				fail(p, i, "unexpected '%.*s'", (int)n, s + i);
			else
				fail(p, i, "unexpected byte 0x%02x (not UTF-8)", c);
		}
		p->pos = i + t.len;
	}
	p->tok = t;
}

/* node_new - a fresh AST node of this kind and type starting at off */
static struct lg_expr *node_new(enum node_kind kind, enum node_type type, size_t off)
{
	struct lg_expr *e = lg_calloc(1, sizeof *e);
	e->kind = kind;
	e->type = type;
	e->off = off;
	e->end = off;
	return e;
}

/* node_add - append a child; the node now ends where the child ends */
static void node_add(struct lg_expr *e, struct lg_expr *kid)
{
	e->kids = lg_realloc(e->kids, (e->nkids + 1) * sizeof *e->kids);
	e->kids[e->nkids++] = kid;
	if (kid->end > e->end)
		e->end = kid->end;
}

/* lg_expr_free - release a condition and all its nodes */
void lg_expr_free(struct lg_expr *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->nkids; i++)
		lg_expr_free(e->kids[i]);
	free(e->kids);
	lg_set_free(e->own_set);
	free(e);
}

/* vfact_what - how a value fact's values are named in messages */
static const char *vfact_what(int f)
{
	switch ((enum lg_vfact)f) {
	case LG_VFACT_SENDER: return "an address";
	case LG_VFACT_SENDER_DOMAIN: return "a domain";
	case LG_VFACT_RECIPIENTS:
	case LG_VFACT_EXTERNAL_RECIPIENTS: return "a set of addresses";
	case LG_VFACT_RECIPIENT_DOMAINS:
	case LG_VFACT_EXTERNAL_DOMAINS: return "a set of domains";
	case LG_VFACT_ATTACHMENT_TYPES: return "a set of types";
	case LG_VFACT_ATTACHMENT_NAMES: return "a set of file names";
	case LG_VFACT__COUNT: break;
	}
	return "a value";
}

/* value_hint - how a value fact is tested, for messages */
static const char *value_hint(const struct lg_expr *e)
{
	return e->type == TY_VALUE ? "test it with 'in', e.g. 'sender in list:NAME'"
				   : "test it with 'any in', 'all in' or 'none in', e.g. "
				     "'recipient_domains all in list:NAME'";
}

/* fail_value - the error for a value fact where a number or a condition was needed */
static void fail_value(struct parser *p, const struct lg_expr *e, const char *needed)
{
	char count[160] = "";
	int nf = lg_vfact_number(e->fact);
	if (nf >= 0) {
		char name[64];
		snprintf(count, sizeof count, "; to count them use '%s'",
			 lg_fact_name(p->dets, nf, name, sizeof name));
	}
	fail(p, e->off, "'%s' is %s, not %s (%s%s)", lg_vfact_name(e->fact), vfact_what(e->fact),
	     needed, value_hint(e), count);
}

/* need_bool - check that a node yields a truth value; false (with the error set) if not */
static bool need_bool(struct parser *p, const struct lg_expr *e)
{
	if (e->type == TY_BOOL)
		return true;
	if (e->type == TY_VALUE || e->type == TY_VALUES)
		fail_value(p, e, "a condition");
	else
		fail(p, e->off, "%s", expect_cmp_msg);
	return false;
}

/* need_num - check that an operand of a comparison or '+' is a number */
static bool need_num(struct parser *p, const struct lg_expr *e, const char *boolmsg)
{
	if (e->type == TY_NUM)
		return true;
	if (e->type == TY_BOOL)
		fail(p, e->off, "%s", boolmsg);
	else
		fail_value(p, e, "a number");
	return false;
}

/* suggest_name - keep name as the best suggestion when it is closer than the best so far;
 * true when it is an exact match of the part after the dot ("external") */
static bool suggest_name(const char *s, size_t n, const char *name, char *best, size_t bestlen,
			 size_t *best_d)
{
	size_t len = strlen(name);
	const char *dot = strchr(name, '.');
	/* "external" for "recipients.external", "findings" for "findings.total" */
	if (dot && strlen(dot + 1) == n && memcmp(dot + 1, s, n) == 0) {
		snprintf(best, bestlen, "%s", name);
		*best_d = 0;
		return true;
	}
	size_t d = lg_edit_distance(s, n, name, len);
	if (dot && (size_t)(dot - name) == n && memcmp(name, s, n) == 0 && d > 1)
		d = 1;	/* the first fact of that group */
	if (d < *best_d) {
		*best_d = d;
		snprintf(best, bestlen, "%s", name);
	}
	return false;
}

/* suggest_fact - the fact a misspelt name most likely meant, into best; NULL when none is close */
static const char *suggest_fact(const struct parser *p, const char *s, size_t n, char *best,
				size_t bestlen)
{
	size_t best_d = SIZE_MAX;
	char name[160];

	for (int f = 0; f < lg_fact_count(p->dets); f++)
		if (suggest_name(s, n, lg_fact_name(p->dets, f, name, sizeof name), best, bestlen,
				 &best_d))
			return best;
	for (int f = 0; f < LG_VFACT__COUNT; f++)
		if (suggest_name(s, n, lg_vfact_name(f), best, bestlen, &best_d))
			return best;
	if (best_d != SIZE_MAX && (best_d <= 2 || best_d * 3 <= n))
		return best;
	return NULL;
}

/* keyword_ci - the keyword an identifier spells in the wrong case ("AND"), or NULL */
static const char *keyword_ci(const char *s, size_t n)
{
	static const char *const words[] = { "and", "or",  "not", "true", "false",
					     "in",  "any", "all", "none" };
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strlen(words[i]) == n && strncasecmp(words[i], s, n) == 0)
			return words[i];
	return NULL;
}

/* unknown_ident - the error for an identifier that names no fact */
static void unknown_ident(struct parser *p, const struct tok *t)
{
	const char *s = p->src + t->off;
	int n = t->len > LG_EXPR_QUOTE_MAX ? LG_EXPR_QUOTE_MAX : (int)t->len;
	const char *kw = keyword_ci(s, t->len);

	if (kw) {
		fail(p, t->off, "unknown fact '%.*s' (keywords are lower case: '%s')", n, s, kw);
		return;
	}
	char buf[160];
	const char *hint = suggest_fact(p, s, t->len, buf, sizeof buf);
	if (hint)
		fail(p, t->off, "unknown fact '%.*s' (did you mean '%s'?)", n, s, hint);
	else
		fail(p, t->off, "unknown fact '%.*s'", n, s);
}

static struct lg_expr *parse_or(struct parser *p);

/* enter - one level deeper into '(' or 'not'; false (with the error set) past the limit */
static bool enter(struct parser *p)
{
	if (++p->depth > LG_EXPR_MAX_DEPTH) {
		fail(p, p->tok.off,
		     "condition nested too deeply (more than %d levels of '(' or 'not')",
		     LG_EXPR_MAX_DEPTH);
		return false;
	}
	return true;
}

/* parse_primary - a number, a fact, true/false or a parenthesised expression */
static struct lg_expr *parse_primary(struct parser *p)
{
	struct tok t = p->tok;
	struct lg_expr *e;
	const char *s;
	int n;

	switch (t.kind) {
	case T_INT:
		e = node_new(N_INT, TY_NUM, t.off);
		e->value = t.value;
		e->end = t.off + t.len;
		advance(p);
		return e;
	case T_TRUE:
	case T_FALSE:
		e = node_new(N_BOOL, TY_BOOL, t.off);
		e->value = t.kind == T_TRUE;
		e->end = t.off + t.len;
		advance(p);
		return e;
	case T_IDENT: {
		char name[LG_EXPR_QUOTE_MAX + 1];
		int f = -1, vf = -1;
		if (t.len <= LG_EXPR_QUOTE_MAX) {
			memcpy(name, p->src + t.off, t.len);
			name[t.len] = '\0';
			f = lg_fact_lookup(p->dets, name);
			vf = f < 0 ? lg_vfact_lookup(name) : -1;
		}
		/* "attachment.type in [...]": some attachment's type; likewise attachment.name */
		bool some = false;
		if (f < 0 && vf < 0 && t.len <= LG_EXPR_QUOTE_MAX &&
		    (!strcmp(name, "attachment.type") || !strcmp(name, "attachment.name"))) {
			strcat(name, "s");
			vf = lg_vfact_lookup(name);
			some = vf >= 0;
		}
		if (f < 0 && vf < 0) {
			unknown_ident(p, &t);
			return NULL;
		}
		if (f >= 0) {
			e = node_new(N_FACT, TY_NUM, t.off);
			e->fact = f;
		} else {
			e = node_new(N_VFACT, lg_vfact_single(vf) ? TY_VALUE : TY_VALUES, t.off);
			e->fact = vf;
			e->some = some;
		}
		e->end = t.off + t.len;
		advance(p);
		return e;
	}
	case T_LPAREN:
		if (!enter(p))
			return NULL;
		advance(p);
		e = parse_or(p);
		if (!e)
			return NULL;
		if (p->tok.kind != T_RPAREN) {
			if (!p->failed)
				fail(p, p->tok.off,
				     "expected ')' (to close the '(' at character %zu)",
				     char_count(p->src, t.off) + 1);
			lg_expr_free(e);
			return NULL;
		}
		p->depth--;
		e->off = t.off;	/* errors about the group point at its '(' */
		e->end = p->tok.off + 1;
		advance(p);
		return e;
	case T_BAD:
		return NULL;	/* already reported */
	case T_END:
		if (p->prev.kind == T_END) {
			fail(p, t.off, "empty condition");
		} else {
			tok_text(p, &p->prev, &s, &n);
			fail(p, t.off, "missing operand after '%.*s'", n, s);
		}
		return NULL;
	default:
		tok_text(p, &t, &s, &n);
		fail(p, t.off, "unexpected '%.*s' (expected a number, a fact or '(')", n, s);
		return NULL;
	}
}

/* parse_sum - primary ('+' primary)*: numbers added up (saturating at the largest long) */
static struct lg_expr *parse_sum(struct parser *p)
{
	static const char boolmsg[] = "'+' adds numbers, and a condition is not one";
	struct lg_expr *first = parse_primary(p);

	if (!first || p->tok.kind != T_PLUS)
		return first;
	if (!need_num(p, first, boolmsg)) {
		lg_expr_free(first);
		return NULL;
	}
	struct lg_expr *e = node_new(N_SUM, TY_NUM, first->off);
	node_add(e, first);
	while (p->tok.kind == T_PLUS) {
		advance(p);
		struct lg_expr *kid = parse_primary(p);
		if (!kid || !need_num(p, kid, boolmsg)) {
			lg_expr_free(kid);
			lg_expr_free(e);
			return NULL;
		}
		node_add(e, kid);
	}
	return e;
}

/* cmp_op_of - the comparison a token stands for; false if it is not one */
static bool cmp_op_of(enum tok_kind k, enum cmp_op *op)
{
	switch (k) {
	case T_GE: *op = CMP_GE; return true;
	case T_GT: *op = CMP_GT; return true;
	case T_LE: *op = CMP_LE; return true;
	case T_LT: *op = CMP_LT; return true;
	case T_EQ: *op = CMP_EQ; return true;
	case T_NE: *op = CMP_NE; return true;
	default: return false;
	}
}

/* item_end - where an unquoted item of an inline set ends */
static size_t item_end(const char *s, size_t i)
{
	while (s[i] && s[i] != ',' && s[i] != ']' && s[i] != '[' && s[i] != '"' && s[i] != ' ' &&
	       s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
		i++;
	return i;
}

/* parse_inline_set - '[' item (',' item)* ']' at the current token: a set of its own,
 * each entry checked for the kind of values it is matched against */
static struct lg_set *parse_inline_set(struct parser *p, enum lg_vkind kind, const char *fname,
				       size_t *end)
{
	const char *s = p->src;
	size_t open = p->tok.off, i = open + 1;
	struct lg_set *set = lg_set_new(NULL, false);
	struct lg_buf item = LG_BUF_INIT;

	for (;;) {
		while (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
			i++;
		if (s[i] == ']' && set->n == 0 && !item.len)
			break;	/* [] */
		size_t start = i;
		bool quoted = s[i] == '"';
		lg_buf_reset(&item);
		if (quoted) {
			for (i++; s[i] && s[i] != '"'; i++) {
				if (s[i] == '\\' && (s[i + 1] == '"' || s[i + 1] == '\\'))
					i++;
				lg_buf_putc(&item, s[i]);
			}
			if (s[i] != '"') {
				fail(p, start, "unterminated '\"' in a list");
				goto bad;
			}
			i++;
		} else {
			size_t stop = item_end(s, i);
			lg_buf_append(&item, s + i, stop - i);
			i = stop;
		}
		if (!item.len && !quoted) {
			if (!s[i])
				fail(p, open, "expected ']' (to close the '[' at character %zu)",
				     char_count(s, open) + 1);
			else
				fail(p, start, "expected a list entry, not '%c'", s[start]);
			goto bad;
		}
		char err[160];
		const char *text = lg_buf_cstr(&item);
		if (lg_set_add(set, text, err, sizeof err) != 0) {
			fail(p, start, "bad list entry: %s", err);
			goto bad;
		}
		if (!lg_set_entry_fits(text, kind)) {
			fail(p, start, "'%.*s' is not %s ('%s' %s)", (int)(item.len > 64 ? 64 : item.len),
			     text, kind == LG_VK_DOMAIN ? "a domain" : "an address or a domain",
			     fname, kind == LG_VK_DOMAIN ? "holds domains" : "holds addresses");
			goto bad;
		}
		while (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
			i++;
		if (s[i] == ',') {
			i++;
			continue;
		}
		if (s[i] == ']')
			break;
		if (!s[i])
			fail(p, open, "expected ']' (to close the '[' at character %zu)",
			     char_count(s, open) + 1);
		else
			fail(p, i, "expected ',' or ']' in a list");
		goto bad;
	}
	lg_buf_free(&item);
	p->pos = i + 1;
	*end = p->pos;
	advance(p);
	return set;
bad:
	lg_buf_free(&item);
	lg_set_free(set);
	return NULL;
}

/* parse_set_ref - list:NAME or group:NAME: a named set of the policy, checked against the
 * kind of values it is matched with */
static const struct lg_set *parse_set_ref(struct parser *p, enum lg_vkind kind, const char *fname)
{
	struct tok t = p->tok;
	bool group = p->src[t.off] == 'g';
	const char *name = p->src + t.off + (group ? 6 : 5);
	size_t len = t.len - (group ? 6 : 5);
	int qn = len > LG_EXPR_QUOTE_MAX ? LG_EXPR_QUOTE_MAX : (int)len;
	const struct lg_set *set = lg_sets_find(p->sets, group, name, len);

	if (!set) {
		char best[80] = "";
		size_t best_d = SIZE_MAX;
		for (size_t i = 0; p->sets && i < p->sets->n; i++) {
			const struct lg_set *o = p->sets->v[i];
			size_t d = lg_edit_distance(name, len, o->name, strlen(o->name));
			if (o->group == group && d < best_d && (d <= 2 || d * 3 <= len)) {
				best_d = d;
				snprintf(best, sizeof best, "%s", o->name);
			}
		}
		if (*best)
			fail(p, t.off, "unknown %s '%.*s' (did you mean '%s:%s'?)",
			     group ? "group" : "list", qn, name, group ? "group" : "list", best);
		else if (lg_sets_find(p->sets, !group, name, len))
			fail(p, t.off, "unknown %s '%.*s' (there is a %s of that name: '%s:%.*s')",
			     group ? "group" : "list", qn, name, group ? "list" : "group",
			     group ? "list" : "group", qn, name);
		else
			fail(p, t.off, "unknown %s '%.*s' (define it under '%s:' in the configuration)",
			     group ? "group" : "list", qn, name, group ? "groups" : "lists");
		return NULL;
	}
	if (group && kind == LG_VK_DOMAIN) {
		fail(p, t.off, "group '%.*s' holds addresses, and '%s' holds domains (use a list)",
		     qn, name, fname);
		return NULL;
	}
	/* a named list may mix addresses and domains (an address entry never matches a domain),
	 * but an entry that is neither cannot be meant for addresses or domains */
	for (size_t i = 0; kind != LG_VK_TEXT && i < set->n; i++)
		if (!lg_set_entry_fits(set->entries[i], LG_VK_ADDRESS)) {
			fail(p, t.off,
			     "list '%.*s' has '%.64s', which is neither an address nor a domain "
			     "('%s' %s)",
			     qn, name, set->entries[i], fname,
			     kind == LG_VK_DOMAIN ? "holds domains" : "holds addresses");
			return NULL;
		}
	advance(p);
	return set;
}

/* parse_in - the rest of "FACT [not|any|all|none] in SET" after the fact */
static struct lg_expr *parse_in(struct parser *p, struct lg_expr *left)
{
	struct tok qt = p->tok;
	enum quant q = Q_IN;
	const char *fname = left->kind == N_VFACT ? lg_vfact_name(left->fact) : "";
	int qn = (int)qt.len;

	if (left->type == TY_NUM || left->type == TY_BOOL) {
		if (left->kind == N_FACT) {
			char name[160];
			fail(p, left->off,
			     "'%s' is a number: '%.*s' tests values (sender, sender_domain, "
			     "recipients, recipient_domains, ...)",
			     lg_fact_name(p->dets, left->fact, name, sizeof name), qn,
			     p->src + qt.off);
		} else {
			fail(p, left->off, "only values (sender, recipients, ...) can be tested with '%.*s'",
			     qn, p->src + qt.off);
		}
		goto bad;
	}
	switch (qt.kind) {
	case T_NOT: q = Q_NOT_IN; break;
	case T_ANY: q = Q_ANY; break;
	case T_ALL: q = Q_ALL; break;
	case T_NONE: q = Q_NONE; break;
	default: break;
	}
	if (q != Q_IN) {
		advance(p);
		if (p->tok.kind != T_IN) {
			fail(p, p->tok.off, "expected 'in' after '%.*s'", qn, p->src + qt.off);
			goto bad;
		}
	}
	if (left->type == TY_VALUE && q != Q_IN && q != Q_NOT_IN) {
		fail(p, qt.off, "'%s' is one value: write '%s in' or '%s not in'", fname, fname, fname);
		goto bad;
	}
	if (left->kind == N_VFACT && left->some) {
		/* the singular names one attachment: in = some is, not in = none is */
		if (q != Q_IN && q != Q_NOT_IN) {
			fail(p, qt.off, "'%.*s' names one attachment: write 'in' or 'not in' (or use "
					"'%s' with any/all/none)",
			     (int)(left->end - left->off), p->src + left->off, fname);
			goto bad;
		}
		q = q == Q_IN ? Q_ANY : Q_NONE;
	} else if (left->type == TY_VALUES && (q == Q_IN || q == Q_NOT_IN)) {
		fail(p, qt.off,
		     "'%s' is %s: write '%s any in', '%s all in' or '%s none in'", fname,
		     vfact_what(left->fact), fname, fname, fname);
		goto bad;
	}
	advance(p);	/* over 'in' */
	enum lg_vkind kind = lg_vfact_kind(left->fact);
	struct lg_expr *e = node_new(N_IN, TY_BOOL, left->off);
	e->quant = q;
	node_add(e, left);
	if (p->tok.kind == T_SETREF) {
		e->end = p->tok.off + p->tok.len;
		e->set = parse_set_ref(p, kind, fname);
	} else if (p->tok.kind == T_LBRACK) {
		e->own_set = parse_inline_set(p, kind, fname, &e->end);
		e->set = e->own_set;
	} else if (p->tok.kind != T_BAD) {
		const char *s;
		int n;
		tok_text(p, &p->tok, &s, &n);
		fail(p, p->tok.off, "expected a list after 'in' (list:NAME, group:NAME or [a, b]), "
				    "not '%.*s'", n, s);
	}
	if (!e->set) {
		lg_expr_free(e);
		return NULL;
	}
	enum cmp_op op;
	if (cmp_op_of(p->tok.kind, &op) || p->tok.kind == T_IN) {
		fail(p, p->tok.off, "comparisons cannot be chained; join them with 'and'");
		lg_expr_free(e);
		return NULL;
	}
	return e;
bad:
	lg_expr_free(left);
	return NULL;
}

/* parse_cmp - a sum, optionally compared with another (both numbers) or tested with 'in' */
static struct lg_expr *parse_cmp(struct parser *p)
{
	struct lg_expr *left = parse_sum(p);
	enum cmp_op op;

	if (!left)
		return NULL;
	enum tok_kind k = p->tok.kind;
	if (k == T_IN || k == T_ANY || k == T_ALL || k == T_NONE ||
	    (k == T_NOT && (left->type == TY_VALUE || left->type == TY_VALUES)))
		return parse_in(p, left);
	if (!cmp_op_of(k, &op))
		return left;
	struct tok optok = p->tok;
	advance(p);
	struct lg_expr *right = parse_sum(p);
	if (!right) {
		lg_expr_free(left);
		return NULL;
	}
	struct lg_expr *e = node_new(N_CMP, TY_BOOL, left->off);
	e->op = op;
	node_add(e, left);
	node_add(e, right);
	static const char boolmsg[] = "a boolean (a condition) cannot be compared with a number";
	if (left->type == TY_BOOL && right->type == TY_BOOL) {
		fail(p, optok.off,
		     "cannot compare two conditions with '%.*s'; use 'and', 'or', 'not'",
		     (int)optok.len, p->src + optok.off);
	} else if (need_num(p, left, boolmsg) && need_num(p, right, boolmsg) &&
		   (cmp_op_of(p->tok.kind, &op) || p->tok.kind == T_IN)) {
		fail(p, p->tok.off, "comparisons cannot be chained; join them with 'and'");
	}
	if (p->failed) {
		lg_expr_free(e);
		return NULL;
	}
	return e;
}

/* parse_not - 'not' applied to a boolean, or a comparison */
static struct lg_expr *parse_not(struct parser *p)
{
	if (p->tok.kind != T_NOT)
		return parse_cmp(p);
	size_t off = p->tok.off;
	if (!enter(p))
		return NULL;
	advance(p);
	struct lg_expr *kid = parse_not(p);
	if (!kid)
		return NULL;
	p->depth--;
	if (!need_bool(p, kid)) {
		lg_expr_free(kid);
		return NULL;
	}
	struct lg_expr *e = node_new(N_NOT, TY_BOOL, off);
	node_add(e, kid);
	return e;
}

/* parse_chain - operands joined by one operator ('and' or 'or'), kept as one flat node */
static struct lg_expr *parse_chain(struct parser *p, enum tok_kind optok, enum node_kind kind,
				   struct lg_expr *(*operand)(struct parser *))
{
	struct lg_expr *first = operand(p);

	if (!first || p->tok.kind != optok)
		return first;
	if (!need_bool(p, first)) {
		lg_expr_free(first);
		return NULL;
	}
	struct lg_expr *e = node_new(kind, TY_BOOL, first->off);
	node_add(e, first);
	while (p->tok.kind == optok) {
		advance(p);
		struct lg_expr *kid = operand(p);
		if (!kid || !need_bool(p, kid)) {
			lg_expr_free(kid);
			lg_expr_free(e);
			return NULL;
		}
		node_add(e, kid);
	}
	return e;
}

/* parse_and - not ('and' not)* */
static struct lg_expr *parse_and(struct parser *p)
{
	return parse_chain(p, T_AND, N_AND, parse_not);
}

/* parse_or - and ('or' and)* */
static struct lg_expr *parse_or(struct parser *p)
{
	return parse_chain(p, T_OR, N_OR, parse_and);
}

/* lg_expr_compile - parse and type-check a condition (see the grammar above) */
struct lg_expr *lg_expr_compile(const char *src, const struct lg_detectors *dets,
				const struct lg_sets *sets, size_t *err_off, char *err,
				size_t errlen)
{
	struct parser p = { .src = src ? src : "", .dets = dets, .sets = sets,
			    .err_off = err_off, .err = err, .errlen = errlen };
	const char *s;
	int n;

	if (err && errlen)
		err[0] = '\0';
	p.tok.kind = T_END;
	advance(&p);
	struct lg_expr *e = p.failed ? NULL : parse_or(&p);
	if (e && !p.failed && need_bool(&p, e) && p.tok.kind != T_END) {
		if (p.tok.kind == T_RPAREN) {
			fail(&p, p.tok.off, "unbalanced ')' (no '(' to close)");
		} else if (p.tok.kind == T_IDENT && keyword_ci(p.src + p.tok.off, p.tok.len)) {
			fail(&p, p.tok.off, "trailing input '%.*s' (keywords are lower case: '%s')",
			     (int)p.tok.len, p.src + p.tok.off,
			     keyword_ci(p.src + p.tok.off, p.tok.len));
		} else {
			tok_text(&p, &p.tok, &s, &n);
			fail(&p, p.tok.off,
			     "trailing input '%.*s' (expected 'and', 'or' or the end)", n, s);
		}
	}
	if (!e && !p.failed)
		fail(&p, 0, "invalid condition");	/* not reached: every NULL sets an error */
	if (p.failed) {
		lg_expr_free(e);
		return NULL;
	}
	return e;
}

/* sum_add - a + b for non-negative numbers, saturating at LONG_MAX */
static long sum_add(long a, long b)
{
	return a > LONG_MAX - b ? LONG_MAX : a + b;
}

/* in_eval - an 'in' test; *witness (may be NULL) is the value that decided it early: the
 * first one in the set (any: true; none: false), or the first one not in it (all: false) */
static long in_eval(const struct lg_expr *e, const struct lg_report *r, const char **witness)
{
	int f = e->kids[0]->fact;
	enum lg_vkind kind = lg_vfact_kind(f);
	size_t n = lg_report_nvalues(r, f);
	bool seen = false;

	if (witness)
		*witness = NULL;
	for (size_t i = 0; i < n; i++) {
		const char *v = lg_report_value(r, f, i);
		if (!v)
			continue;
		seen = true;
		bool hit = lg_set_match(e->set, kind, v);
		bool early = e->quant == Q_IN || e->quant == Q_NOT_IN ||
			     (e->quant == Q_ALL ? !hit : hit);
		if (!early)
			continue;
		if (witness)
			*witness = v;
		switch (e->quant) {
		case Q_IN: return hit;
		case Q_NOT_IN: return !hit;
		case Q_ANY: return 1;
		case Q_NONE: return 0;
		case Q_ALL: return 0;
		}
	}
	switch (e->quant) {
	case Q_IN:
	case Q_ANY: return 0;
	case Q_NOT_IN:
	case Q_NONE: return 1;
	case Q_ALL: return seen;	/* false without values: nothing to vouch for */
	}
	return 0;
}

/* lg_expr_eval - the value of a condition (0 or 1) or of a number for this message */
long lg_expr_eval(const struct lg_expr *e, const struct lg_report *r)
{
	long a, b;

	switch (e->kind) {
	case N_INT:
	case N_BOOL:
		return e->value;
	case N_FACT:
		return lg_report_fact(r, e->fact);
	case N_VFACT:
		return 0;	/* only inside N_IN */
	case N_SUM:
		a = 0;
		for (size_t i = 0; i < e->nkids; i++)
			a = sum_add(a, lg_expr_eval(e->kids[i], r));
		return a;
	case N_NOT:
		return !lg_expr_eval(e->kids[0], r);
	case N_AND:
		for (size_t i = 0; i < e->nkids; i++)
			if (!lg_expr_eval(e->kids[i], r))
				return 0;
		return 1;
	case N_OR:
		for (size_t i = 0; i < e->nkids; i++)
			if (lg_expr_eval(e->kids[i], r))
				return 1;
		return 0;
	case N_CMP:
		a = lg_expr_eval(e->kids[0], r);
		b = lg_expr_eval(e->kids[1], r);
		switch (e->op) {
		case CMP_GE: return a >= b;
		case CMP_GT: return a > b;
		case CMP_LE: return a <= b;
		case CMP_LT: return a < b;
		case CMP_EQ: return a == b;
		case CMP_NE: return a != b;
		}
		break;
	case N_IN:
		return in_eval(e, r, NULL);
	}
	return 0;
}

/* ---- explaining ------------------------------------------------------------------------- */

/* Values of a set fact shown by --explain before "... (N in all)". */
#define LG_EXPLAIN_VALUES 5

static const char *const cmp_text[] = { ">=", ">", "<=", "<", "==", "!=" };

/* put_src - the source text of a node, blanks and newlines squeezed to one space */
static void put_src(struct lg_buf *out, const char *src, const struct lg_expr *e)
{
	bool blank = false;
	for (size_t i = e->off; i < e->end && src[i]; i++) {
		char c = src[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			blank = true;
			continue;
		}
		if (blank && i > e->off)
			lg_buf_putc(out, ' ');
		blank = false;
		lg_buf_putc(out, c);
	}
}

/* put_values - the values of a value fact: "taro@example.jp", or "[a, b, ... (9 in all)]" */
static void put_values(struct lg_buf *out, const struct lg_report *r, int f)
{
	size_t n = lg_report_nvalues(r, f), shown = 0, all = 0;
	if (lg_vfact_single(f)) {
		const char *v = lg_report_value(r, f, 0);
		lg_buf_puts(out, v ? v : "(none)");
		return;
	}
	lg_buf_putc(out, '[');
	for (size_t i = 0; i < n; i++) {
		const char *v = lg_report_value(r, f, i);
		if (!v)
			continue;
		if (all++ < LG_EXPLAIN_VALUES)
			lg_buf_printf(out, "%s%s", shown++ ? ", " : "", v);
	}
	if (all > shown)
		lg_buf_printf(out, ", ... (%zu in all)", all);
	lg_buf_putc(out, ']');
}

/* explain - evaluate e, writing one line per node (children indented below) */
static long explain(const struct lg_expr *e, const char *src, const struct lg_report *r,
		    int indent, struct lg_buf *out)
{
	long v = 0, a, b;
	const char *w;

	switch (e->kind) {
	case N_AND:
	case N_OR:
	case N_NOT: {
		/* the children first (into kids), then this node's line above them */
		struct lg_buf kids = LG_BUF_INIT;
		v = e->kind != N_OR;
		for (size_t i = 0; i < e->nkids; i++) {
			long k = explain(e->kids[i], src, r, indent + 2, &kids);
			v = e->kind == N_AND ? v && k : e->kind == N_OR ? v || k : !k;
		}
		lg_buf_printf(out, "%*s%s: %s\n", indent, "",
			      e->kind == N_AND ? "and" : e->kind == N_OR ? "or" : "not",
			      v ? "true" : "false");
		lg_buf_append(out, kids.data ? kids.data : "", kids.len);
		lg_buf_free(&kids);
		return v;
	}
	case N_CMP:
		a = lg_expr_eval(e->kids[0], r);
		b = lg_expr_eval(e->kids[1], r);
		v = lg_expr_eval(e, r);
		lg_buf_printf(out, "%*s", indent, "");
		put_src(out, src, e);
		lg_buf_printf(out, ": %ld %s %ld: %s\n", a, cmp_text[e->op], b, v ? "true" : "false");
		for (int k = 0; k < 2; k++)
			if (e->kids[k]->kind == N_SUM) {
				const struct lg_expr *s = e->kids[k];
				lg_buf_printf(out, "%*s", indent + 2, "");
				put_src(out, src, s);
				lg_buf_puts(out, " = ");
				for (size_t i = 0; i < s->nkids; i++)
					lg_buf_printf(out, "%s%ld", i ? " + " : "",
						      lg_expr_eval(s->kids[i], r));
				lg_buf_printf(out, " = %ld\n", lg_expr_eval(s, r));
			}
		return v;
	case N_IN:
		v = in_eval(e, r, &w);
		lg_buf_printf(out, "%*s", indent, "");
		put_src(out, src, e);
		lg_buf_puts(out, ": ");
		put_values(out, r, e->kids[0]->fact);
		lg_buf_printf(out, ": %s", v ? "true" : "false");
		if (w && e->quant != Q_IN && e->quant != Q_NOT_IN)
			lg_buf_printf(out, " (%s %s in it)", w,
				      e->quant == Q_ALL ? "is not" : "is");
		lg_buf_putc(out, '\n');
		return v;
	default:
		v = lg_expr_eval(e, r);
		lg_buf_printf(out, "%*s", indent, "");
		put_src(out, src, e);
		if (e->type == TY_BOOL)
			lg_buf_printf(out, ": %s\n", v ? "true" : "false");
		else
			lg_buf_printf(out, ": %ld\n", v);
		return v;
	}
}

/* lg_expr_explain - evaluate with a trace (see policy.h) */
long lg_expr_explain(const struct lg_expr *e, const char *src, const struct lg_report *r,
		     int indent, struct lg_buf *out)
{
	return explain(e, src ? src : "", r, indent, out);
}
