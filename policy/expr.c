/* expr.c - policy conditions: a tokenizer, a recursive-descent parser building a typed AST,
 * and its evaluation over a message's facts.
 *
 * Grammar (keywords are lower case; '&&' '||' '!' are synonyms of and, or, not):
 *   expr    := or
 *   or      := and ('or' and)*
 *   and     := not ('and' not)*
 *   not     := 'not' not | cmp
 *   cmp     := primary (('>=' | '>' | '<=' | '<' | '==' | '!=') primary)?
 *   primary := INTEGER [kKmMgG] | FACT | 'true' | 'false' | '(' expr ')'
 *
 * Every node is typed: a number (integers, facts) or a boolean (comparisons, true/false,
 * and/or/not). and/or/not take booleans; comparisons take numbers; the whole condition must
 * be a boolean. Nesting of parentheses and 'not' is limited to LG_EXPR_MAX_DEPTH, so neither
 * the parser nor the evaluator can exhaust the stack; chains of and/or are kept flat. */
#include "policy/policy.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lg_alloc.h"
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
	N_FACT,		/* a fact of the message */
	N_NOT,
	N_AND,		/* kids[0] and kids[1] and ... */
	N_OR,
	N_CMP,		/* kids[0] op kids[1] */
};

enum cmp_op { CMP_GE, CMP_GT, CMP_LE, CMP_LT, CMP_EQ, CMP_NE };

struct lg_expr {
	enum node_kind kind;
	bool boolean;		/* yields a truth value (else a number) */
	size_t off;		/* where the node starts in the source */
	long value;		/* N_INT, N_BOOL */
	int fact;		/* N_FACT: enum lg_fact, or a detector's fact (facts.h) */
	enum cmp_op op;		/* N_CMP */
	struct lg_expr **kids;
	size_t nkids;
};

struct parser {
	const char *src;
	const struct lg_detectors *dets;	/* whose findings.<id> facts exist (may be NULL) */
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
		{ "true", T_TRUE }, { "false", T_FALSE },
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
		p->pos = end;
	} else {
		static const struct {
			const char *op;
			enum tok_kind kind;
		} ops[] = {
			{ ">=", T_GE },  { "<=", T_LE },    { "==", T_EQ },    { "!=", T_NE },
			{ "&&", T_AND }, { "||", T_OR },    { ">", T_GT },     { "<", T_LT },
			{ "!", T_NOT },  { "(", T_LPAREN }, { ")", T_RPAREN },
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

/* node_new - a fresh AST node of this kind starting at off */
static struct lg_expr *node_new(enum node_kind kind, bool boolean, size_t off)
{
	struct lg_expr *e = lg_calloc(1, sizeof *e);
	e->kind = kind;
	e->boolean = boolean;
	e->off = off;
	return e;
}

/* node_add - append a child */
static void node_add(struct lg_expr *e, struct lg_expr *kid)
{
	e->kids = lg_realloc(e->kids, (e->nkids + 1) * sizeof *e->kids);
	e->kids[e->nkids++] = kid;
}

/* lg_expr_free - release a condition and all its nodes */
void lg_expr_free(struct lg_expr *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->nkids; i++)
		lg_expr_free(e->kids[i]);
	free(e->kids);
	free(e);
}

/* need_bool - check that a node yields a truth value; false (with the error set) if not */
static bool need_bool(struct parser *p, const struct lg_expr *e)
{
	if (e->boolean)
		return true;
	fail(p, e->off, "%s", expect_cmp_msg);
	return false;
}

/* suggest_fact - the fact a misspelt name most likely meant, into best; NULL when none is close */
static const char *suggest_fact(const struct parser *p, const char *s, size_t n, char *best,
				size_t bestlen)
{
	size_t best_d = SIZE_MAX;
	char name[160];

	for (int f = 0; f < lg_fact_count(p->dets); f++) {
		lg_fact_name(p->dets, f, name, sizeof name);
		size_t len = strlen(name);
		const char *dot = strchr(name, '.');
		/* "external" for "recipients.external", "findings" for "findings.total" */
		if (dot && strlen(dot + 1) == n && memcmp(dot + 1, s, n) == 0) {
			snprintf(best, bestlen, "%s", name);
			return best;
		}
		size_t d = lg_edit_distance(s, n, name, len);
		if (dot && (size_t)(dot - name) == n && memcmp(name, s, n) == 0 && d > 1)
			d = 1;	/* the first fact of that group */
		if (d < best_d) {
			best_d = d;
			snprintf(best, bestlen, "%s", name);
		}
	}
	if (best_d != SIZE_MAX && (best_d <= 2 || best_d * 3 <= n))
		return best;
	return NULL;
}

/* keyword_ci - the keyword an identifier spells in the wrong case ("AND"), or NULL */
static const char *keyword_ci(const char *s, size_t n)
{
	static const char *const words[] = { "and", "or", "not", "true", "false" };
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
		e = node_new(N_INT, false, t.off);
		e->value = t.value;
		advance(p);
		return e;
	case T_TRUE:
	case T_FALSE:
		e = node_new(N_BOOL, true, t.off);
		e->value = t.kind == T_TRUE;
		advance(p);
		return e;
	case T_IDENT: {
		char name[LG_EXPR_QUOTE_MAX + 1];
		int f = -1;
		if (t.len <= LG_EXPR_QUOTE_MAX) {
			memcpy(name, p->src + t.off, t.len);
			name[t.len] = '\0';
			f = lg_fact_lookup(p->dets, name);
		}
		if (f < 0) {
			unknown_ident(p, &t);
			return NULL;
		}
		e = node_new(N_FACT, false, t.off);
		e->fact = f;
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

/* parse_cmp - a primary, optionally compared with another; both sides must be numbers */
static struct lg_expr *parse_cmp(struct parser *p)
{
	struct lg_expr *left = parse_primary(p);
	enum cmp_op op;

	if (!left)
		return NULL;
	if (!cmp_op_of(p->tok.kind, &op))
		return left;
	struct tok optok = p->tok;
	advance(p);
	struct lg_expr *right = parse_primary(p);
	if (!right) {
		lg_expr_free(left);
		return NULL;
	}
	struct lg_expr *e = node_new(N_CMP, true, left->off);
	e->op = op;
	node_add(e, left);
	node_add(e, right);
	if (left->boolean && right->boolean) {
		fail(p, optok.off,
		     "cannot compare two conditions with '%.*s'; use 'and', 'or', 'not'",
		     (int)optok.len, p->src + optok.off);
	} else if (left->boolean || right->boolean) {
		const struct lg_expr *b = left->boolean ? left : right;
		fail(p, b->off, "a boolean (a condition) cannot be compared with a number");
	} else if (cmp_op_of(p->tok.kind, &op)) {
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
	struct lg_expr *e = node_new(N_NOT, true, off);
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
	struct lg_expr *e = node_new(kind, true, first->off);
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
struct lg_expr *lg_expr_compile(const char *src, const struct lg_detectors *dets, size_t *err_off,
			       char *err, size_t errlen)
{
	struct parser p = {
		.src = src ? src : "", .dets = dets, .err_off = err_off, .err = err, .errlen = errlen
	};
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
	}
	return 0;
}
