/* test_policy.c - actions and the evaluation of ordered rules: order, stop, non-stopping rules
 * combined with the default action, and which reason is given. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/report.h"
#include "config/config.h"
#include "lg_alloc.h"
#include "lg_buf.h"
#include "policy/policy.h"
#include "tap.h"

/* One rule as written in a test. */
struct rule_spec {
	const char *name;
	const char *when;
	enum lg_action action;
	const char *reason;
	bool stop;
};

/* One scenario: rules, default action, and the expected verdict. */
struct policy_case {
	const char *label;
	struct rule_spec rules[4];
	enum lg_action default_action;
	enum lg_action want_action;
	const char *want_rules;		/* matched rule names joined by ',' */
	const char *want_reason;	/* NULL: none */
};

#define T true
#define F false

static struct lg_detectors *dets;	/* the built-in set: findings.<id> facts */
static const struct lg_sets *sets;	/* no lists or groups in these rules */

/* The report below has records == 3, findings.total == 11, recipients.external == 2. */
static const struct policy_case cases[] = {
	{ .label = "no rules: the default action", .default_action = LG_ACT_ACCEPT,
	  .want_action = LG_ACT_ACCEPT, .want_rules = "" },
	{ .label = "no rules, default hold", .default_action = LG_ACT_HOLD,
	  .want_action = LG_ACT_HOLD, .want_rules = "" },
	{ "no rule matches",
	  { { "a", "records > 100", LG_ACT_REJECT, "A", T } },
	  LG_ACT_ACCEPT, LG_ACT_ACCEPT, "", NULL },
	{ "first matching stopping rule wins, later ones are not evaluated",
	  { { "a", "records > 100", LG_ACT_REJECT, "A", T },
	    { "b", "records >= 3", LG_ACT_TAG, "B", T },
	    { "c", "records >= 1", LG_ACT_REJECT, "C", T } },
	  LG_ACT_ACCEPT, LG_ACT_TAG, "b", "B" },
	{ "order decides, not strength",
	  { { "weak", "true", LG_ACT_ACCEPT, "allowed", T },
	    { "strong", "true", LG_ACT_REJECT, "no", T } },
	  LG_ACT_HOLD, LG_ACT_ACCEPT, "weak", "allowed" },
	{ "non-stopping rules accumulate: the strongest wins",
	  { { "t", "records >= 1", LG_ACT_TAG, "T", F },
	    { "b", "findings.total >= 10", LG_ACT_BCC, "B", F },
	    { "h", "records > 100", LG_ACT_HOLD, "H", F } },
	  LG_ACT_ACCEPT, LG_ACT_BCC, "t,b", "B" },
	{ "strongest first, weaker later: still the strongest",
	  { { "h", "true", LG_ACT_HOLD, "H", F }, { "t", "true", LG_ACT_TAG, "T", F } },
	  LG_ACT_ACCEPT, LG_ACT_HOLD, "h,t", "H" },
	{ "a tie among non-stopping rules: the earliest gives the reason",
	  { { "h1", "true", LG_ACT_HOLD, "first", F }, { "h2", "true", LG_ACT_HOLD, "second", F } },
	  LG_ACT_ACCEPT, LG_ACT_HOLD, "h1,h2", "first" },
	{ "default stronger than the matched non-stopping rules: default, no reason",
	  { { "t", "true", LG_ACT_TAG, "T", F } },
	  LG_ACT_HOLD, LG_ACT_HOLD, "t", NULL },
	{ "non-stopping rule equal to the default gives its reason",
	  { { "t", "true", LG_ACT_TAG, "T", F } },
	  LG_ACT_TAG, LG_ACT_TAG, "t", "T" },
	{ "a stronger non-stopping rule without a reason: no reason",
	  { { "t", "true", LG_ACT_TAG, "T", F }, { "r", "true", LG_ACT_REJECT, NULL, F } },
	  LG_ACT_ACCEPT, LG_ACT_REJECT, "t,r", NULL },
	{ "a stopping rule after non-stopping ones decides, even if weaker",
	  { { "h", "true", LG_ACT_HOLD, "H", F }, { "ok", "records == 3", LG_ACT_ACCEPT, "OK", T },
	    { "r", "true", LG_ACT_REJECT, "R", T } },
	  LG_ACT_ACCEPT, LG_ACT_ACCEPT, "h,ok", "OK" },
	{ "a stopping rule after non-stopping ones, stronger",
	  { { "t", "true", LG_ACT_TAG, "T", F }, { "tf", "true", LG_ACT_TEMPFAIL, "busy", T } },
	  LG_ACT_ACCEPT, LG_ACT_TEMPFAIL, "t,tf", "busy" },
	{ "a stopping rule without a reason",
	  { { "t", "true", LG_ACT_TAG, "T", F }, { "r", "true", LG_ACT_REJECT, NULL, T } },
	  LG_ACT_ACCEPT, LG_ACT_REJECT, "t,r", NULL },
	{ "non-matching rules are not listed",
	  { { "a", "false", LG_ACT_REJECT, "A", F },
	    { "b", "recipients.external == 2", LG_ACT_BCC, "B", F },
	    { "c", "not true", LG_ACT_HOLD, "C", T } },
	  LG_ACT_ACCEPT, LG_ACT_BCC, "b", "B" },
};

/* build_policy - compile a test's rules into a policy */
static int build_policy(const struct policy_case *c, struct lg_policy *p)
{
	size_t n = 0;
	while (n < 4 && c->rules[n].name)
		n++;
	*p = (struct lg_policy){ .default_action = c->default_action };
	p->rules = lg_calloc(n ? n : 1, sizeof *p->rules);
	for (size_t i = 0; i < n; i++) {
		const struct rule_spec *s = &c->rules[i];
		struct lg_rule *r = &p->rules[p->nrules++];
		char err[200];
		size_t off;
		r->name = lg_strdup(s->name);
		r->when_src = lg_strdup(s->when);
		r->when = lg_expr_compile(s->when, dets, sets, &off, err, sizeof err);
		r->action = s->action;
		r->reason = s->reason ? lg_strdup(s->reason) : NULL;
		r->stop = s->stop;
		if (!r->when) {
			tap_diag("%s: %s", s->when, err);
			return -1;
		}
	}
	return 0;
}

/* set_found - the report's per-detector counts: phone_jp and email distinct values */
static void set_found(struct lg_report *r, unsigned phone, unsigned email)
{
	if (!r->dets)
		lg_report_init_dets(r, dets);
	struct lg_det_tally *p = &r->dets[lg_detector_find(dets, "phone_jp")];
	struct lg_det_tally *e = &r->dets[lg_detector_find(dets, "email")];
	p->counted = p->any = phone;
	e->counted = e->any = email;
}

/* joined - the matched rule names of a verdict joined by ',' */
static char *joined(const struct lg_verdict *v)
{
	struct lg_buf b = LG_BUF_INIT;
	for (size_t i = 0; i < v->nrules; i++)
		lg_buf_printf(&b, "%s%s", i ? "," : "", v->rules[i]);
	return lg_buf_steal(&b, NULL);
}

/* test_actions - names, parsing and the order of strength */
static void test_actions(void)
{
	static const char *const names[] = { "accept", "tag",	   "bcc",   "hold",
					     "discard", "tempfail", "reject" };
	int ok = 1;
	for (int a = LG_ACT_ACCEPT; a <= LG_ACT_REJECT; a++) {
		enum lg_action got;
		if (strcmp(lg_action_name((enum lg_action)a), names[a]) != 0 ||
		    lg_action_parse(names[a], &got) != 0 || got != (enum lg_action)a)
			ok = 0;
	}
	tap_ok(ok, "action names round-trip, weakest first");
	enum lg_action got = LG_ACT_TAG;
	tap_is_long(lg_action_parse("quarantine", &got), -1, "unknown action refused");
	tap_is_long(lg_action_parse("Reject", &got), -1, "action names are lower case");
	tap_is_long(got, LG_ACT_TAG, "a refused name leaves the output alone");
	tap_ok(LG_ACT_ACCEPT < LG_ACT_TAG && LG_ACT_TAG < LG_ACT_BCC && LG_ACT_BCC < LG_ACT_HOLD &&
		       LG_ACT_HOLD < LG_ACT_DISCARD && LG_ACT_DISCARD < LG_ACT_TEMPFAIL &&
		       LG_ACT_TEMPFAIL < LG_ACT_REJECT,
	       "strength order accept < tag < bcc < hold < discard < tempfail < reject");
}

/* test_builtin - the shipped default policy over two messages */
static void test_builtin(void)
{
	struct lg_buf errors = LG_BUF_INIT;
	struct lg_config *cfg = lg_config_load(NULL, &errors);
	if (!tap_ok(cfg != NULL, "built-in config loads")) {
		tap_diag("%s", lg_buf_cstr(&errors));
		lg_buf_free(&errors);
		return;
	}
	struct lg_report r = { 0 };
	struct lg_verdict v;
	set_found(&r, 6, 4);
	r.recipients.total = r.recipients.external = 1;
	lg_policy_eval(&cfg->policy, &r, &v);
	tap_is_str(lg_action_name(v.action), "hold", "built-in: 10 findings to an outsider are held");
	tap_ok(v.nrules == 1 && strcmp(v.rules[0], "personal-data-external") == 0,
	       "built-in: the rule is named in the verdict");
	tap_ok(v.reason && strstr(v.reason, "personal data") && strstr(v.reason, "個人情報"),
	       "built-in: the reason is given in English and Japanese");
	lg_verdict_free(&v);

	set_found(&r, 6, 3);
	lg_policy_eval(&cfg->policy, &r, &v);
	tap_is_str(lg_action_name(v.action), "accept", "built-in: 9 findings pass");
	tap_ok(v.nrules == 0 && v.reason == NULL, "built-in: no rule, no reason");
	lg_verdict_free(&v);

	set_found(&r, 6, 40);
	r.recipients.external = 0;
	r.records = 40;
	r.dets[lg_detector_find(dets, "my_number")].high = 3;
	r.dets[lg_detector_find(dets, "payment_card")].counted = 9;
	r.unscannable = 2;
	r.recipients.visible_external = 30;
	r.recipients.visible_external_domains = 5;
	lg_policy_eval(&cfg->policy, &r, &v);
	tap_is_str(lg_action_name(v.action), "accept",
		   "built-in: internal mail passes, whatever it carries");
	lg_verdict_free(&v);

	/* each of the other built-in rules alone, to one outsider */
	static const struct {
		const char *label, *rule, *action;
		unsigned records, contacts, my_high, my_medium, cards, unscannable, visible, vdomains;
	} alone[] = {
		{ "10 records", "personal-data-external", "hold", 10, 0, 0, 0, 0, 0, 0, 0 },
		{ "9 records", NULL, "accept", 9, 0, 0, 0, 0, 0, 0, 0 },
		{ "a My Number of high confidence", "my-number-external", "hold", 1, 0, 1, 1, 0, 0, 0, 0 },
		{ "a My Number of medium confidence only", NULL, "accept", 1, 0, 0, 1, 0, 0, 0, 0 },
		{ "5 card numbers", "payment-cards-external", "hold", 5, 0, 0, 0, 5, 0, 0, 0 },
		{ "4 card numbers", NULL, "accept", 4, 0, 0, 0, 4, 0, 0, 0 },
		{ "an unscannable attachment", "unscannable-external", "hold", 0, 0, 0, 0, 0, 1, 0, 0 },
		{ "10 visible outsiders of 2 domains", "visible-recipients-bcc", "bcc", 0, 0, 0, 0, 0, 0, 10, 2 },
		{ "10 visible outsiders of 1 domain", NULL, "accept", 0, 0, 0, 0, 0, 0, 10, 1 },
		{ "9 visible outsiders of 2 domains", NULL, "accept", 0, 0, 0, 0, 0, 0, 9, 2 },
		{ "personal data and visible outsiders: hold", "personal-data-external", "hold", 0, 10, 0,
		  0, 0, 0, 30, 5 },
	};
	for (size_t i = 0; i < sizeof alone / sizeof alone[0]; i++) {
		struct lg_report one = { 0 };
		set_found(&one, alone[i].contacts, 0);
		one.records = alone[i].records;
		one.dets[lg_detector_find(dets, "my_number")].high = alone[i].my_high;
		one.dets[lg_detector_find(dets, "my_number")].counted = alone[i].my_medium;
		one.dets[lg_detector_find(dets, "payment_card")].counted = alone[i].cards;
		one.unscannable = alone[i].unscannable;
		one.recipients.total = one.recipients.external = 1;
		one.recipients.visible_external = alone[i].visible;
		one.recipients.visible_external_domains = alone[i].vdomains;
		lg_policy_eval(&cfg->policy, &one, &v);
		if (!tap_ok(!strcmp(lg_action_name(v.action), alone[i].action), "built-in: %s: %s",
			    alone[i].label, alone[i].action))
			tap_diag("got %s", lg_action_name(v.action));
		tap_is_str(v.nrules ? v.rules[0] : NULL, alone[i].rule, "  the rule");
		tap_ok(!alone[i].rule || (v.reason && strstr(v.reason, " / ")), "  a reason in two languages");
		lg_verdict_free(&v);
		lg_report_free(&one);
	}
	lg_report_free(&r);
	lg_config_free(cfg);
	lg_buf_free(&errors);
}

int main(void)
{
	char err[256];
	dets = lg_detectors_builtin(err, sizeof err);
	if (!tap_ok(dets != NULL, "built-in detectors (%s)", err))
		return tap_done();
	struct lg_report r = { 0 };
	r.records = 3;
	set_found(&r, 11, 0);
	r.recipients.total = 3;
	r.recipients.external = 2;

	test_actions();
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct policy_case *c = &cases[i];
		struct lg_policy p;
		struct lg_verdict v;
		if (!tap_ok(build_policy(c, &p) == 0, "%s: rules compile", c->label)) {
			lg_policy_free(&p);
			continue;
		}
		lg_policy_eval(&p, &r, &v);
		tap_is_str(lg_action_name(v.action), lg_action_name(c->want_action), "  action");
		char *names = joined(&v);
		tap_is_str(names, c->want_rules, "  matched rules");
		free(names);
		tap_is_str(v.reason, c->want_reason, "  reason");
		lg_verdict_free(&v);
		tap_ok(v.rules == NULL && v.nrules == 0 && v.reason == NULL, "  verdict cleared by free");
		lg_policy_free(&p);
	}

	/* the verdict owns copies: it outlives the policy (a config reload) */
	struct lg_policy p;
	struct lg_verdict v;
	build_policy(&cases[3], &p);
	lg_policy_eval(&p, &r, &v);
	lg_policy_free(&p);
	tap_is_str(v.nrules ? v.rules[0] : NULL, "b", "verdict outlives its policy: rule name");
	tap_is_str(v.reason, "B", "verdict outlives its policy: reason");
	lg_verdict_free(&v);
	tap_ok(p.rules == NULL && p.nrules == 0, "policy cleared by free");

	test_builtin();

	/* the log line names the deciding rule's notify (sending notices is a later step) */
	struct lg_report lr = { 0 };
	lr.verdict.action = LG_ACT_HOLD;
	lr.verdict.rules = lg_calloc(1, sizeof *lr.verdict.rules);
	lr.verdict.rules[lr.verdict.nrules++] = lg_strdup("x");
	lr.verdict.notify = lg_strdup("group:admins");
	struct lg_buf line = LG_BUF_INIT;
	lg_report_summary(&lr, &line);
	tap_ok(strstr(lg_buf_cstr(&line), "action=hold rules=x notify=group:admins rcpts=") != NULL,
	       "log line: notify after the rules");
	tap_ok(strstr(lg_buf_cstr(&line), "time_ms=") == NULL, "log line: no time_ms unless timed");
	lg_buf_free(&line);
	lr.timed = true;
	lr.verdict_ms = 12.3456;
	lg_report_summary(&lr, &line);
	tap_ok(strstr(lg_buf_cstr(&line), " size=0 time_ms=12.346") != NULL,
	       "log line: time_ms (end of data to verdict) after size");
	lg_buf_free(&line);
	lg_report_free(&lr);
	lg_report_free(&r);
	lg_detectors_free(dets);
	return tap_done();
}
