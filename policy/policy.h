/* policy.h - ordered rules (condition -> action) evaluated over a message's facts. */
#ifndef LG_POLICY_H
#define LG_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "facts.h"

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
 * only). On error returns NULL, sets *err_off to the byte offset of the problem within src and
 * writes a message to err. */
struct lg_detectors;
struct lg_expr *lg_expr_compile(const char *src, const struct lg_detectors *dets, size_t *err_off,
				char *err, size_t errlen);
long lg_expr_eval(const struct lg_expr *e, const struct lg_report *r);
void lg_expr_free(struct lg_expr *e);

struct lg_rule {
	char *name;
	char *when_src;		/* the condition as written */
	struct lg_expr *when;
	enum lg_action action;
	char *reason;		/* text shown to the sender (reject reply, hold reason), may be NULL */
	bool stop;		/* first match wins (default); false: record the match and go on */
	bool monitor;		/* decide and log only: the message goes on unchanged */
};

struct lg_policy {
	struct lg_rule *rules;
	size_t nrules;
	enum lg_action default_action;	/* when no rule stops: accept */
	bool monitor;			/* every rule decides and logs only (roll-out) */
	bool allow_discard;		/* rules may use the discard action */
};

/* The outcome of policy evaluation. */
struct lg_verdict {
	enum lg_action action;
	char **rules;		/* names of the rules that matched, in order */
	size_t nrules;
	char *reason;		/* reason of the deciding rule, or NULL */
	bool monitor;		/* the action is what would happen: log it, deliver unchanged */
};

void lg_policy_eval(const struct lg_policy *p, const struct lg_report *r, struct lg_verdict *out);
void lg_verdict_free(struct lg_verdict *v);
void lg_policy_free(struct lg_policy *p);

#endif
