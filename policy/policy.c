/* policy.c - actions, and the ordered rules that turn a message's facts into one verdict. */
#include "policy/policy.h"

#include <stdlib.h>
#include <string.h>

#include "lg_alloc.h"

/* Indexed by enum lg_action, weakest first; the names are part of the configuration. */
static const char *const action_names[] = {
	[LG_ACT_ACCEPT] = "accept",
	[LG_ACT_TAG] = "tag",
	[LG_ACT_BCC] = "bcc",
	[LG_ACT_HOLD] = "hold",
	[LG_ACT_DISCARD] = "discard",
	[LG_ACT_TEMPFAIL] = "tempfail",
	[LG_ACT_REJECT] = "reject",
};

#define N_ACTIONS (sizeof action_names / sizeof action_names[0])

/* lg_action_name - the configuration name of an action */
const char *lg_action_name(enum lg_action a)
{
	if ((unsigned)a >= N_ACTIONS)
		return "?";
	return action_names[a];
}

/* lg_action_parse - the action with this name; 0 ok, -1 unknown */
int lg_action_parse(const char *s, enum lg_action *out)
{
	for (size_t i = 0; i < N_ACTIONS; i++)
		if (strcmp(s, action_names[i]) == 0) {
			*out = (enum lg_action)i;
			return 0;
		}
	return -1;
}

/* verdict_add_rule - record the name of a matching rule */
static void verdict_add_rule(struct lg_verdict *v, const char *name)
{
	v->rules = lg_realloc(v->rules, (v->nrules + 1) * sizeof *v->rules);
	v->rules[v->nrules++] = lg_strdup(name);
}

/* lg_policy_eval - walk the rules in order and decide. *out is overwritten (not freed first).
 * A matching rule is listed in out->rules. The first matching rule with stop decides the action
 * and reason. Otherwise the strongest action among the matching non-stopping rules and the
 * default action wins; on a tie the earliest rule (before the default) gives the reason. */
void lg_policy_eval(const struct lg_policy *p, const struct lg_report *r, struct lg_verdict *out)
{
	const struct lg_rule *decider = NULL;	/* strongest matching non-stopping rule */

	*out = (struct lg_verdict){ .action = p->default_action };
	for (size_t i = 0; i < p->nrules; i++) {
		const struct lg_rule *rule = &p->rules[i];
		if (!rule->when || !lg_expr_eval(rule->when, r))
			continue;
		verdict_add_rule(out, rule->name);
		if (rule->stop) {
			decider = rule;
			out->action = rule->action;
			break;
		}
		if (decider ? rule->action > decider->action : rule->action >= out->action) {
			decider = rule;
			out->action = rule->action;
		}
	}
	if (decider && decider->reason)
		out->reason = lg_strdup(decider->reason);
	out->monitor = p->monitor || (decider && decider->monitor);
}

/* lg_verdict_free - release what a verdict owns and clear it */
void lg_verdict_free(struct lg_verdict *v)
{
	for (size_t i = 0; i < v->nrules; i++)
		free(v->rules[i]);
	free(v->rules);
	free(v->reason);
	*v = (struct lg_verdict){ 0 };
}

/* lg_policy_free - release the rules and clear the policy */
void lg_policy_free(struct lg_policy *p)
{
	for (size_t i = 0; i < p->nrules; i++) {
		struct lg_rule *rule = &p->rules[i];
		free(rule->name);
		free(rule->when_src);
		lg_expr_free(rule->when);
		free(rule->reason);
	}
	free(p->rules);
	*p = (struct lg_policy){ 0 };
}
