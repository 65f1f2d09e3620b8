/* policy.c - actions, and the ordered rules (after the allow lists) that turn a message's facts
 * into one verdict; the same walk with a trace for leakguardctl scan --explain. */
#include "policy/policy.h"

#include <stdlib.h>
#include <string.h>

#include "lg_alloc.h"
#include "lg_buf.h"

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

/* allowed - the allow-list entry name that lets this message's sender through, or NULL */
static const char *allowed(const struct lg_policy *p, const struct lg_report *r)
{
	const char *sender = lg_report_value(r, LG_VFACT_SENDER, 0);
	const char *domain = lg_report_value(r, LG_VFACT_SENDER_DOMAIN, 0);
	if (p->allow_senders && lg_set_match(p->allow_senders, LG_VK_ADDRESS, sender))
		return LG_ALLOW_SENDERS;
	if (p->allow_domains && lg_set_match(p->allow_domains, LG_VK_DOMAIN, domain))
		return LG_ALLOW_SENDER_DOMAINS;
	return NULL;
}

/* rule_matches - 'when' holds and 'unless' does not; with a trace, both written as trees */
static bool rule_matches(const struct lg_rule *rule, const struct lg_report *r,
			 struct lg_buf *trace)
{
	if (!rule->when)
		return false;
	if (!trace)
		return lg_expr_eval(rule->when, r) && !(rule->unless && lg_expr_eval(rule->unless, r));
	lg_buf_puts(trace, "  when:\n");
	bool when = lg_expr_explain(rule->when, rule->when_src, r, 4, trace) != 0;
	bool unless = false;
	if (rule->unless) {
		lg_buf_puts(trace, "  unless:\n");
		unless = lg_expr_explain(rule->unless, rule->unless_src, r, 4, trace) != 0;
	}
	return when && !unless;
}

/* policy_walk - the evaluation behind lg_policy_eval and lg_policy_explain (trace may be
 * NULL). *out is overwritten (not freed first). A sender on an allow list is accepted before
 * any rule, with the allow list as the verdict's rule. Otherwise a matching rule is listed in
 * out->rules; the first matching rule with stop decides the action and reason; without one the
 * strongest action among the matching non-stopping rules and the default action wins, and on a
 * tie the earliest rule (before the default) gives the reason. */
static void policy_walk(const struct lg_policy *p, const struct lg_report *r,
			struct lg_verdict *out, struct lg_buf *trace)
{
	const struct lg_rule *decider = NULL;	/* strongest matching non-stopping rule */

	*out = (struct lg_verdict){ .action = p->default_action };
	const char *allow = allowed(p, r);
	if (allow) {
		out->action = LG_ACT_ACCEPT;
		verdict_add_rule(out, allow);
		out->monitor = p->monitor;
		if (trace)
			lg_buf_printf(trace, "%s: the sender %s is allowed: accepted before any rule\n",
				      allow, lg_report_value(r, LG_VFACT_SENDER, 0));
		return;
	}
	for (size_t i = 0; i < p->nrules; i++) {
		const struct lg_rule *rule = &p->rules[i];
		if (trace)
			lg_buf_printf(trace, "rule %zu: %s (%s%s%s%s%s)\n", i + 1, rule->name,
				      lg_action_name(rule->action), rule->stop ? ", stop" : "",
				      rule->monitor ? ", monitor" : "",
				      rule->source ? ", " : "", rule->source ? rule->source : "");
		bool match = rule_matches(rule, r, trace);
		if (trace)
			lg_buf_printf(trace, "  => %s\n",
				      !match ? "no match" : rule->stop ? "match, stop" : "match, go on");
		if (!match)
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
	if (decider && decider->notify)
		out->notify = lg_strdup(decider->notify);
	out->monitor = p->monitor || (decider && decider->monitor);
}

/* lg_policy_eval - walk the rules in order and decide (see policy_walk) */
void lg_policy_eval(const struct lg_policy *p, const struct lg_report *r, struct lg_verdict *out)
{
	policy_walk(p, r, out, NULL);
}

/* lg_policy_explain - lg_policy_eval with each step written to trace, then the verdict */
void lg_policy_explain(const struct lg_policy *p, const struct lg_report *r,
		       struct lg_verdict *out, struct lg_buf *trace)
{
	policy_walk(p, r, out, trace);
	lg_buf_printf(trace, "verdict: %s%s", lg_action_name(out->action),
		      out->monitor ? " (monitor: logged only, delivered unchanged)" : "");
	if (out->nrules) {
		lg_buf_puts(trace, " by ");
		for (size_t i = 0; i < out->nrules; i++)
			lg_buf_printf(trace, "%s%s", i ? ", " : "", out->rules[i]);
	} else {
		lg_buf_puts(trace, " (no rule matched: default_action)");
	}
	lg_buf_putc(trace, '\n');
	if (out->reason)
		lg_buf_printf(trace, "reason: %s\n", out->reason);
	if (out->notify)
		lg_buf_printf(trace, "notify: %s\n", out->notify);
}

/* lg_verdict_free - release what a verdict owns and clear it */
void lg_verdict_free(struct lg_verdict *v)
{
	for (size_t i = 0; i < v->nrules; i++)
		free(v->rules[i]);
	free(v->rules);
	free(v->reason);
	free(v->notify);
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
		free(rule->unless_src);
		lg_expr_free(rule->unless);
		free(rule->reason);
		free(rule->reason_en);
		free(rule->reason_ja);
		free(rule->notify);
		free(rule->source);
	}
	free(p->rules);
	lg_sets_free(&p->sets);
	lg_set_free(p->allow_senders);
	lg_set_free(p->allow_domains);
	*p = (struct lg_policy){ 0 };
}
