/* test_bcc.c - the bcc action's header plan: external addresses leave To and Cc (all of them,
 * folded, with encoded display names, in groups), internal ones stay only with
 * bcc.keep_internal, "To: undisclosed-recipients:;" when no To address is left, Bcc goes. */
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "config/config.h"
#include "lg_buf.h"
#include "milter/bcc.h"
#include "tap.h"

/* load - a configuration from YAML text (the test stops if it is refused) */
static struct lg_config *load(const char *yaml)
{
	struct lg_buf err = LG_BUF_INIT;
	struct lg_config *c = lg_config_load_string("test.yaml", yaml, strlen(yaml), &err);
	if (!c) {
		tap_diag("config refused: %s", lg_buf_cstr(&err));
		exit(1);
	}
	lg_buf_free(&err);
	return c;
}

/* plan_text - the plan as one line: "To#1=value Cc#1=delete To+=value ..." */
static char *plan_text(const struct lg_bcc_plan *p)
{
	struct lg_buf b = LG_BUF_INIT;
	for (size_t i = 0; i < p->nedits; i++) {
		const struct lg_hdr_edit *e = &p->edits[i];
		if (i)
			lg_buf_putc(&b, ' ');
		if (e->op == LG_HDR_ADD)
			lg_buf_printf(&b, "%s+=%s", e->name, e->value);
		else if (e->op == LG_HDR_DELETE)
			lg_buf_printf(&b, "%s#%d=delete", e->name, e->index);
		else
			lg_buf_printf(&b, "%s#%d=%s", e->name, e->index, e->value);
	}
	lg_buf_printf(&b, " [hidden %u kept %u]", p->hidden, p->kept);
	char *s = strdup(lg_buf_cstr(&b));
	lg_buf_free(&b);
	return s;
}

/* check - headers "Name: value" (NULL-terminated) through the plan, compared with want */
static void check(const struct lg_config *cfg, const char *sender, const char *const *hdrs,
		  const char *want, const char *name)
{
	struct lg_vis_hdrs h = {0};
	for (size_t i = 0; hdrs[i]; i++) {
		const char *colon = strchr(hdrs[i], ':');
		char *n = strndup(hdrs[i], (size_t)(colon - hdrs[i]));
		lg_vis_hdrs_add(&h, n, colon + 2);
		free(n);
	}
	struct lg_bcc_plan p;
	lg_bcc_plan(cfg, sender, &h, &p);
	char *got = plan_text(&p);
	tap_is_str(got, want, name);
	free(got);
	lg_bcc_plan_free(&p);
	lg_vis_hdrs_free(&h);
}

#define H(...) ((const char *const[]){ __VA_ARGS__, NULL })

int main(void)
{
	lg_library_init();
	const char *snd = "hanako@pref.example.lg.jp";
	struct lg_config *hide = load("internal_domains: [pref.example.lg.jp]\n");
	struct lg_config *keep =
		load("internal_domains: [pref.example.lg.jp]\nbcc:\n  keep_internal: true\n");
	struct lg_config *bysender = load("bcc:\n  keep_internal: true\n");

	tap_ok(!hide->bcc.keep_internal && keep->bcc.keep_internal, "bcc.keep_internal defaults to false");

	const char *const *mixed = H("To: a@pref.example.lg.jp, x@example.com", "Cc: y@example.org");
	check(hide, snd, mixed, "To#1=undisclosed-recipients:; Cc#1=delete [hidden 3 kept 0]",
	      "keep_internal false: To becomes undisclosed-recipients:;, Cc goes");
	check(keep, snd, mixed, "To#1=a@pref.example.lg.jp Cc#1=delete [hidden 2 kept 1]",
	      "keep_internal true: the internal To address stays, the external ones go");
	check(keep, snd, H("To: a@pref.example.lg.jp, b@soumu.pref.example.lg.jp", "Cc: y@example.org"),
	      "Cc#1=delete [hidden 1 kept 2]",
	      "keep_internal true: a To of internal addresses (subdomain too) is left as it was");
	check(keep, snd, H("To: x@example.com", "Cc: y@example.org, c@pref.example.lg.jp"),
	      "To#1=undisclosed-recipients:; Cc#1=c@pref.example.lg.jp [hidden 2 kept 1]",
	      "keep_internal true: only Cc keeps an address: To still says undisclosed-recipients:;");
	check(keep, snd, H("To: x@example.com,\r\n\tb@pref.example.lg.jp,\r\n y@EXAMPLE.org"),
	      "To#1=b@pref.example.lg.jp [hidden 2 kept 1]", "a folded To is read whole");
	check(keep, snd,
	      H("To: =?UTF-8?B?5bGx55Sw5aSq6YOO?= <taro@pref.example.lg.jp>, "
		"=?ISO-2022-JP?B?GyRCOzNFRBsoQg==?= <z@example.com>"),
	      "To#1==?UTF-8?b?5bGx55Sw5aSq6YOO?= <taro@pref.example.lg.jp> [hidden 1 kept 1]",
	      "encoded display names: the external one goes, the internal one stays encoded");
	check(hide, snd,
	      H("To: =?UTF-8?B?5bGx55Sw5aSq6YOO?= <taro@pref.example.lg.jp>, "
		"=?ISO-2022-JP?B?GyRCOzNFRBsoQg==?= <z@example.com>"),
	      "To#1=undisclosed-recipients:; [hidden 2 kept 0]",
	      "encoded display names: keep_internal false hides both");
	check(hide, snd, H("To: x@example.com", "To: b@pref.example.lg.jp", "Cc: y@example.org",
			   "Cc: z@example.net"),
	      "To#2=delete To#1=undisclosed-recipients:; Cc#2=delete Cc#1=delete [hidden 4 kept 0]",
	      "every To and Cc occurrence, last first (deleting never renumbers what is left to do)");
	check(keep, snd, H("To: x@example.com", "To: b@pref.example.lg.jp"),
	      "To#1=delete [hidden 1 kept 1]",
	      "keep_internal true: a second To with an internal address is the To that is left");
	check(hide, snd, H("Cc: y@example.org"), "To+=undisclosed-recipients:; Cc#1=delete [hidden 1 kept 0]",
	      "no To at all: To: undisclosed-recipients:; is added");
	check(hide, snd, H("To: undisclosed-recipients:;", "Bcc: a@example.com", "Bcc: b@example.com"),
	      "Bcc#2=delete Bcc#1=delete [hidden 0 kept 0]",
	      "an empty group is left alone; Bcc headers a client left in are deleted");
	check(keep, snd, H("To: Team: a@example.com, b@pref.example.lg.jp;"),
	      "To#1=b@pref.example.lg.jp [hidden 1 kept 1]", "groups are opened, their members judged one by one");
	check(keep, snd, H("To: <<<@@@>>>"), "To#1=undisclosed-recipients:; [hidden 1 kept 0]",
	      "text that is no address is hidden too");
	check(bysender, "hanako@soumu.example.jp", H("To: a@soumu.example.jp, b@Sub.Soumu.Example.JP, x@example.jp"),
	      "To#1=a@soumu.example.jp, b@Sub.Soumu.Example.JP [hidden 1 kept 2]",
	      "no internal_domains: the envelope sender's domain and its subdomains are internal");

	/* a long kept list is folded */
	struct lg_buf to = LG_BUF_INIT;
	lg_buf_puts(&to, "To: ");
	for (int i = 0; i < 12; i++)
		lg_buf_printf(&to, "%suser%02d@pref.example.lg.jp, x%d@example.com", i ? ", " : "", i, i);
	struct lg_vis_hdrs h = {0};
	lg_vis_hdrs_add(&h, "To", lg_buf_cstr(&to) + 4);
	struct lg_bcc_plan p;
	lg_bcc_plan(keep, snd, &h, &p);
	int folded = p.nedits == 1 && strstr(p.edits[0].value, ",\n\tuser") && !strstr(p.edits[0].value, "example.com");
	size_t longest = 0, cur = 4;
	for (const char *c = p.nedits ? p.edits[0].value : ""; *c; c++) {
		cur = *c == '\n' ? 0 : cur + 1;
		if (cur > longest)
			longest = cur;
	}
	tap_ok(folded && longest <= 78 && p.kept == 12 && p.hidden == 12,
	       "a long list of kept addresses is folded (\\n\\t) under 78 columns");
	if (!folded || longest > 78)
		tap_diag("value: [%s]", p.nedits ? p.edits[0].value : "(none)");
	lg_bcc_plan_free(&p);
	lg_vis_hdrs_free(&h);
	lg_buf_free(&to);

	lg_config_free(hide);
	lg_config_free(keep);
	lg_config_free(bysender);
	return tap_done();
}
