/* policy.h - ordered rules (condition -> action) evaluated over a message's facts. */
#ifndef LG_POLICY_H
#define LG_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "facts.h"
#include "sets.h"

struct lg_buf;

/* Actions, weakest first (the order is used to combine non-stopping rules). */
enum lg_action {
	LG_ACT_ACCEPT = 0,
	LG_ACT_TAG,
	LG_ACT_BCC,
	LG_ACT_HOLD,
	LG_ACT_DISCARD,		/* accepted and dropped: only where policy.allow_discard says so */
	LG_ACT_TEMPFAIL,
	LG_ACT_REJECT,
};

const char *lg_action_name(enum lg_action a);
int lg_action_parse(const char *s, enum lg_action *out);	/* 0 ok, -1 unknown */

/* A compiled condition ("findings.total >= 10 and recipients.external >= 1"). */
struct lg_expr;

/* lg_expr_compile - parse a condition; dets gives the findings.<id> facts (NULL: fixed facts
 * only), sets the lists and groups it may name (NULL: none). On error returns NULL, sets
 * *err_off to the byte offset of the problem within src and writes a message to err. */
struct lg_detectors;
struct lg_expr *lg_expr_compile(const char *src, const struct lg_detectors *dets,
				const struct lg_sets *sets, size_t *err_off, char *err,
				size_t errlen);
long lg_expr_eval(const struct lg_expr *e, const struct lg_report *r);
/* lg_expr_explain - evaluate like lg_expr_eval and write the condition as an indented tree,
 * one node a line with its value (both sides of each comparison), into out; src is the text
 * it was compiled from. Returns the value. For leakguardctl scan --explain only. */
long lg_expr_explain(const struct lg_expr *e, const char *src, const struct lg_report *r,
		     int indent, struct lg_buf *out);
void lg_expr_free(struct lg_expr *e);

struct lg_rule {
	char *name;
	char *when_src;		/* the condition as written */
	struct lg_expr *when;
	char *unless_src;	/* unless: an exception; the rule matches when 'when' holds and
				   'unless' does not (NULL: none) */
	struct lg_expr *unless;
	enum lg_action action;
	char *reason;		/* text shown to the sender (reject reply, hold reason), may be NULL:
				   "English / 日本語" when given per language */
	char *reason_en;	/* reason: {en: ..., ja: ...} kept apart too (NULL when not given) */
	char *reason_ja;
	char *notify;		/* notify: "sender", "list:NAME" or "group:NAME"; NULL for none
				   (parsed and logged; sending notices is a later step) */
	char *source;		/* "file:line" where the rule was written */
	bool stop;		/* first match wins (default); false: record the match and go on */
	bool monitor;		/* decide and log only: the message goes on unchanged */
};

struct lg_policy {
	struct lg_rule *rules;
	size_t nrules;
	enum lg_action default_action;	/* when no rule stops: accept */
	bool monitor;			/* every rule decides and logs only (roll-out) */
	bool allow_discard;		/* rules may use the discard action */
	struct lg_sets sets;		/* lists and groups conditions name (config 'lists', 'groups') */
	struct lg_set *allow_senders;	/* policy.allow.senders: accepted before any rule (or NULL) */
	struct lg_set *allow_domains;	/* policy.allow.sender_domains */
};

/* The outcome of policy evaluation. */
struct lg_verdict {
	enum lg_action action;
	char **rules;		/* names of the rules that matched, in order */
	size_t nrules;
	char *reason;		/* reason of the deciding rule, or NULL */
	char *notify;		/* notify of the deciding rule, or NULL */
	bool monitor;		/* the action is what would happen: log it, deliver unchanged */
};

/* Verdict rule names of the global allow lists: a message from an allowed sender is accepted
 * before any rule is tried. */
#define LG_ALLOW_SENDERS "allow:senders"
#define LG_ALLOW_SENDER_DOMAINS "allow:sender_domains"

void lg_policy_eval(const struct lg_policy *p, const struct lg_report *r, struct lg_verdict *out);
/* lg_policy_explain - lg_policy_eval, writing each rule's evaluation (conditions as trees with
 * their values, matched or not, stopped or not) and then the verdict into trace */
void lg_policy_explain(const struct lg_policy *p, const struct lg_report *r,
		       struct lg_verdict *out, struct lg_buf *trace);
void lg_verdict_free(struct lg_verdict *v);
void lg_policy_free(struct lg_policy *p);

#endif
