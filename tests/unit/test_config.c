/* test_config.c - leakguard.yaml loading: good configurations give the expected values (and the
 * built-in default, the sample file and the key table agree); bad ones are refused with
 * "file:line:column: error: message" lines, all of them, in file order. Lists and groups
 * (inline and from files), included policy files, unless, notify, reason maps and allow
 * lists are loaded and checked the same way. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze/report.h"
#include "config/config.h"
#include "lg_alloc.h"
#include "lg_buf.h"
#include "policy/policy.h"
#include "tap.h"

/* srcdir_path - a file under the source tree ($top_srcdir, as make check sets it, or ".") */
static char *srcdir_path(const char *rel)
{
	const char *top = getenv("top_srcdir");
	return lg_asprintf("%s/%s", top && *top ? top : ".", rel);
}

/* fixture - the path of a file in tests/fixtures/config */
static char *fixture(const char *name)
{
	char *rel = lg_asprintf("tests/fixtures/config/%s", name);
	char *p = srcdir_path(rel);
	free(rel);
	return p;
}

/* load_str - load a configuration from a string named "bad.yaml" or "good.yaml" */
static struct lg_config *load_str(const char *name, const char *yaml, struct lg_buf *errors)
{
	lg_buf_reset(errors);
	return lg_config_load_string(name, yaml, strlen(yaml), errors);
}

/* first_line - a copy of the first line of the errors */
static char *first_line(struct lg_buf *errors)
{
	const char *s = lg_buf_cstr(errors);
	return lg_strndup(s, strcspn(s, "\n"));
}

/* count_errors - number of "name:...: error:" lines (excerpt lines do not count) */
static int count_errors(struct lg_buf *errors, const char *name)
{
	int n = 0;
	size_t len = strlen(name);
	for (const char *s = lg_buf_cstr(errors); *s;) {
		if (strncmp(s, name, len) == 0 && s[len] == ':' && strstr(s, ": error: "))
			n++;
		const char *nl = strchr(s, '\n');
		s = nl ? nl + 1 : s + strlen(s);
	}
	return n;
}

/* check_refused - the load failed; the first error line starts with prefix and has msg */
static void check_refused(const char *label, struct lg_config *cfg, struct lg_buf *errors,
			  const char *prefix, const char *msg)
{
	char *line = first_line(errors);
	tap_ok(cfg == NULL, "bad %s: refused", label);
	if (!tap_ok(strncmp(line, prefix, strlen(prefix)) == 0, "  position %s", prefix))
		tap_diag("got: %s", line);
	if (!tap_ok(strstr(line, msg) != NULL, "  message has \"%s\"", msg))
		tap_diag("got: %s", line);
	lg_config_free(cfg);
	free(line);
}

/* A bad configuration given inline: where the first error is and part of what it says. */
struct bad_case {
	const char *label;
	const char *yaml;
	const char *pos;	/* "LINE:COL" */
	const char *msg;
};

static const struct bad_case bad[] = {
	{ "unknown top-level key", "user: x\nlisen: \"unix:/x\"\n", "2:1",
	  "unknown key 'lisen' (did you mean 'listen'?)" },
	{ "YAML directive refused (libfyaml can loop on bad ones)", "%YAML 1.2\n---\nlisten: \"unix:/x\"\n",
	  "1:1", "YAML directives ('%...') are not supported" },
	{ "malformed directive among comments", "# c\n%  # spool_dir\nlisten: \"unix:/x\"\n", "2:1",
	  "YAML directives" },
	{ "directive after a lone CR (fuzz_rules: libfyaml looped on it)", "listen: \"unix:/x\"\r%\x89\n",
	  "2:1", "YAML directives" },
	{ "directive after a byte order mark (libfyaml looped on it)", "\xEF\xBB\xBF%\x89\n", "1:1",
	  "YAML directives" },
	{ "unknown key far from any", "frobnicate: 1\n", "1:1", "unknown key 'frobnicate' (known keys: listen, user," },
	{ "unknown key in limits", "limits:\n  depth: 3\n  message_sise: 1M\n", "3:3",
	  "unknown key 'message_sise' in limits (did you mean 'message_size'?)" },
	{ "unknown key in policy", "policy:\n  default: hold\n", "2:3", "unknown key 'default' in policy" },
	{ "unknown key in a rule",
	  "policy:\n  rules:\n    - name: a\n      when: records > 1\n      action: tag\n      colour: red\n",
	  "6:7", "unknown key 'colour' in rule 'a'" },
	{ "listen: unknown scheme", "listen: tcp:25\n", "1:9", "bad listen address 'tcp:25'" },
	{ "quarantine.url: unknown scheme", "quarantine:\n  url: mysql://db/q\n", "2:8",
	  "bad url 'mysql://db/q' (expected sqlite:/path or postgresql://...)" },
	{ "quarantine.url: relative SQLite path", "quarantine:\n  url: sqlite:q.db\n", "2:8",
	  "the SQLite database path must be absolute" },
	{ "quarantine.hold_mode: unknown", "quarantine:\n  hold_mode: queue\n", "2:14",
	  "unknown hold_mode 'queue' (expected store or mta)" },
	{ "quarantine.release.url: not smtp", "quarantine:\n  release:\n    url: http://127.0.0.1:10026\n",
	  "3:10", "bad url 'http://127.0.0.1:10026' (expected smtp://host:port or smtps://host:port)" },
	{ "quarantine.release.url: no host", "quarantine:\n  release:\n    url: smtp://:25\n",
	  "3:10", "bad url 'smtp://:25': no host" },
	{ "quarantine.release.timeout: zero", "quarantine:\n  release:\n    timeout: 0\n",
	  "3:14", "timeout must be a whole number from 1 to 3600, not '0'" },
	{ "quarantine.release: unknown key", "quarantine:\n  release:\n    port: 25\n",
	  "3:5", "unknown key 'port'" },
	{ "listen: port out of range", "listen: inet:99999@localhost\n", "1:9",
	  "port must be a number from 1 to 65535" },
	{ "listen: port missing", "listen: \"inet:@localhost\"\n", "1:10", "port must be a number" },
	{ "listen: relative unix path", "listen: unix:run/x.sock\n", "1:9", "must be absolute" },
	{ "listen: bad host", "listen: \"inet:25@a b\"\n", "1:10", "bad host 'a b'" },
	{ "listen: a sequence", "listen: [a, b]\n", "1:9", "listen must be a socket address, not a sequence" },
	{ "socket_mode: not octal", "socket_mode: \"0999\"\n", "1:15", "bad socket_mode '0999'" },
	{ "socket_mode: too large", "socket_mode: 17777\n", "1:14", "bad socket_mode '17777'" },
	{ "socket_mode: a word", "socket_mode: rw\n", "1:14", "expected octal permissions" },
	{ "user: empty string", "user: \"\"\n", "1:8", "user must not be empty" },
	{ "user: no value", "user:\nspool_dir: /tmp\n", "1:1", "user needs a value" },
	{ "user: a mapping", "user: {name: x}\n", "1:7", "user must be a user name, not a mapping" },
	{ "pidfile: relative", "pidfile: leakguard.pid\n", "1:10", "pidfile must be an absolute path" },
	{ "spool_dir: relative", "spool_dir: tmp\n", "1:12", "spool_dir must be an absolute path" },
	{ "spool_dir: null", "spool_dir: ~\n", "1:12", "spool_dir needs a value" },
	{ "log_facility: unknown", "log_facility: kern\n", "1:15",
	  "unknown log_facility 'kern' (expected mail, daemon or local0 to local7)" },
	{ "internal_domains: a string", "internal_domains: example.com\n", "1:19",
	  "internal_domains must be a sequence of domain names, not a scalar" },
	{ "internal_domains: bad name", "internal_domains:\n  - example.com\n  - \"exa mple.com\"\n", "3:6",
	  "bad domain name 'exa mple.com'" },
	{ "internal_domains: empty label", "internal_domains: [a..b]\n", "1:20", "bad domain name 'a..b'" },
	{ "internal_domains: non-ASCII", "internal_domains: [例え.jp]\n", "1:20", "xn-- form" },
	{ "internal_domains: nested list", "internal_domains: [[a]]\n", "1:20",
	  "each entry of internal_domains must be a domain name, not a sequence" },
	{ "size with a bad suffix", "limits:\n  message_size: 12Q\n", "2:17",
	  "bad size '12Q' for message_size" },
	{ "size too large", "limits:\n  part_size: 99999999999G\n", "2:14", "part_size '99999999999G' is out of range" },
	{ "negative size", "limits:\n  text_size: -1\n", "2:14", "bad size '-1'" },
	{ "zero message_size", "limits:\n  message_size: 0\n", "2:17", "out of range (1 to" },
	{ "negative depth", "limits:\n  depth: -3\n", "2:10",
	  "depth must be a whole number from 1 to 100, not '-3'" },
	{ "depth zero", "limits: {depth: 0}\n", "1:17", "from 1 to 100, not '0'" },
	{ "parts too many", "limits:\n  parts: 1000000\n", "2:10", "parts must be a whole number from 1 to 100000" },
	{ "limits: a scalar", "limits: big\n", "1:9", "limits must be a mapping, not a scalar" },
	{ "workers.count too many", "workers:\n  count: 1000\n", "2:10",
	  "count must be a whole number from 0 to 256, not '1000'" },
	{ "workers.memory too small", "workers: {memory: 1M}\n", "1:19", "memory '1M' is out of range" },
	{ "workers.seccomp not a boolean", "workers:\n  seccomp: maybe\n", "2:12",
	  "seccomp must be true or false, not 'maybe'" },
	{ "workers: unknown key", "workers:\n  cout: 2\n", "2:3", "unknown key 'cout'" },
	{ "policy: a sequence", "policy: [a]\n", "1:9", "policy must be a mapping, not a sequence" },
	{ "default_action: unknown", "policy:\n  default_action: quarantine\n", "2:19",
	  "unknown default_action 'quarantine' (expected accept, tag, bcc, hold, discard, tempfail or reject)" },
	{ "rules: a mapping", "policy:\n  rules: {a: b}\n", "2:10", "rules must be a sequence of rules, not a mapping" },
	{ "rule: not a mapping", "policy:\n  rules:\n    - just-a-name\n", "3:7",
	  "rule #1 must be a mapping with name, when and action, not a scalar" },
	{ "rule: duplicate name",
	  "policy:\n  rules:\n    - name: a\n      when: records > 1\n      action: tag\n"
	  "    - name: a\n      when: records > 2\n      action: hold\n",
	  "6:13", "duplicate rule name 'a' (first used on line 3)" },
	{ "rule: missing when", "policy:\n  rules:\n    - name: b\n      action: hold\n", "3:7",
	  "rule 'b' has no 'when'" },
	{ "rule: missing name", "policy:\n  rules:\n    - when: records > 1\n      action: hold\n", "3:7",
	  "rule #1 has no 'name'" },
	{ "rule: missing action", "policy:\n  rules:\n    - name: c\n      when: records > 1\n", "3:7",
	  "rule 'c' has no 'action'" },
	{ "rule: bad action",
	  "policy:\n  rules:\n    - name: a\n      when: records > 1\n      action: quarantine\n", "5:15",
	  "unknown action 'quarantine'" },
	{ "rule: bad name", "policy:\n  rules:\n    - name: 'a b'\n      when: true\n      action: tag\n",
	  "3:14", "bad rule name 'a b'" },
	{ "rule: stop not a bool",
	  "policy:\n  rules:\n    - name: a\n      when: true\n      action: tag\n      stop: maybe\n",
	  "6:13", "stop must be true or false, not 'maybe'" },
	{ "rule: reason on two lines",
	  "policy:\n  rules:\n    - name: a\n      when: true\n      action: tag\n      reason: \"x\\ny\"\n",
	  "6:16", "reason must be one line" },
	{ "rule: plain condition, column inside it",
	  "policy:\n  rules:\n    - name: a\n      when: records >= 1 and  y\n      action: tag\n", "4:31",
	  "unknown fact 'y'" },
	{ "rule: single-quoted condition, column inside it",
	  "policy:\n  rules:\n    - name: a\n      when: 'records >= 1 and (x'\n      action: tag\n", "4:32",
	  "unknown fact 'x'" },
	{ "rule: block condition, column inside it",
	  "policy:\n  rules:\n    - name: a\n      when: |\n        records >= 1 and\n          nope > 1\n"
	  "      action: tag\n",
	  "6:11", "unknown fact 'nope'" },
	{ "rule: condition missing an operand",
	  "policy:\n  rules:\n    - name: a\n      when: \"records >=\"\n      action: tag\n", "4:24",
	  "missing operand after '>='" },
	{ "rule: boolean compared with a number",
	  "policy:\n  rules:\n    - name: a\n      when: (records > 1) == 1\n      action: tag\n", "4:13",
	  "cannot be compared with a number" },
	{ "YAML: duplicate key", "user: a\nuser: b\n", "2:1", "duplicate key" },
	{ "YAML: alias", "user: &u x\nspool_dir: *u\n", "2:13", "aliases" },
	{ "YAML: unclosed flow sequence", "internal_domains: [a.jp, b.jp\nuser: x\n", "3:1",
	  "without a closing bracket" },
	{ "YAML: second document", "user: a\n---\nuser: b\n", "3:1", "a second YAML document" },
	{ "empty", "", "1:1", "the configuration is empty" },
	{ "only comments", "# nothing here\n\n   # really\n", "1:1", "the configuration is empty" },
	{ "root is a list", "- a\n- b\n", "1:1", "must be a mapping of keys (e.g. 'listen: ...'), not a sequence" },
	{ "root is a scalar", "\n\nhello\n", "3:1", "not a scalar" },
};

/* A bad configuration file from tests/fixtures/config. */
struct bad_file {
	const char *file;
	const char *pos;
	const char *msg;
};

static const struct bad_file bad_files[] = {
	{ "unclosed-quote.yaml", "3:12", "double-quoted scalar (is a closing quote missing?)" },
	{ "bad-indent.yaml", "4:2", "invalid indentation" },
	{ "empty.yaml", "1:1", "the configuration is empty" },
	{ "root-list.yaml", "2:1", "must be a mapping of keys" },
	{ "bad-condition.yaml", "5:39", "unknown fact 'recipient.external' (did you mean 'recipients.external'?)" },
};

/* test_bad - every bad configuration is refused with the right position and message */
static void test_bad(void)
{
	struct lg_buf errors = LG_BUF_INIT;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct lg_config *cfg = load_str("bad.yaml", bad[i].yaml, &errors);
		char *prefix = lg_asprintf("bad.yaml:%s: error: ", bad[i].pos);
		check_refused(bad[i].label, cfg, &errors, prefix, bad[i].msg);
		free(prefix);
	}
	for (size_t i = 0; i < sizeof bad_files / sizeof bad_files[0]; i++) {
		char *path = fixture(bad_files[i].file);
		lg_buf_reset(&errors);
		struct lg_config *cfg = lg_config_load(path, &errors);
		char *prefix = lg_asprintf("%s:%s: error: ", path, bad_files[i].pos);
		check_refused(bad_files[i].file, cfg, &errors, prefix, bad_files[i].msg);
		tap_is_long(count_errors(&errors, path), 1, "  exactly one error");
		free(prefix);
		free(path);
	}

	/* the bad condition, exactly: column on the token, the condition, a caret under it */
	char *path = fixture("bad-condition.yaml");
	lg_buf_reset(&errors);
	lg_config_free(lg_config_load(path, &errors));
	char *want = lg_asprintf(
		"%s:5:39: error: unknown fact 'recipient.external' (did you mean 'recipients.external'?)\n"
		"    findings.total >= 10 and recipient.external >= 1\n"
		"                             ^\n",
		path);
	tap_is_str(lg_buf_cstr(&errors), want, "bad condition: message, excerpt and caret");
	free(want);
	free(path);

	/* several problems: all reported, in file order */
	static const char *const several[] = {
		"2:10: error: bad listen address 'tcp:25'",
		"4:10: error: depth must be a whole number from 1 to 100, not '-1'",
		"5:17: error: bad size '12Q'",
		"6:3: error: unknown key 'colour' in limits",
		"10:31: error: unknown fact 'attachment.count' (did you mean 'attachments.count'?)",
		"12:7: error: rule 'a' has no 'when'",
		"12:13: error: duplicate rule name 'a' (first used on line 9)",
		"13:15: error: unknown action 'bounce'",
	};
	path = fixture("several-errors.yaml");
	lg_buf_reset(&errors);
	struct lg_config *cfg = lg_config_load(path, &errors);
	tap_ok(cfg == NULL, "several errors: refused");
	tap_is_long(count_errors(&errors, path), sizeof several / sizeof several[0],
		    "several errors: every one reported");
	const char *at = lg_buf_cstr(&errors);
	for (size_t i = 0; i < sizeof several / sizeof several[0]; i++) {
		char *line = lg_asprintf("%s:%s", path, several[i]);
		const char *hit = strstr(at, line);
		if (!tap_ok(hit != NULL, "several errors: %s (in order)", several[i]))
			tap_diag("errors:\n%s", lg_buf_cstr(&errors));
		else
			at = hit + strlen(line);
		free(line);
	}
	lg_config_free(cfg);
	free(path);

	/* several problems inline, including a type error next to good keys */
	cfg = load_str("multi.yaml", "user: [x]\nlisten: \"unix:/ok\"\nspool_dir: rel\nbogus: 1\n", &errors);
	tap_ok(cfg == NULL && count_errors(&errors, "multi.yaml") == 3, "three errors in a small file");

	/* I/O problems */
	lg_buf_reset(&errors);
	tap_ok(lg_config_load("/nonexistent/leakguard.yaml", &errors) == NULL, "missing file refused");
	tap_is_str(lg_buf_cstr(&errors),
		   "/nonexistent/leakguard.yaml: error: cannot open: No such file or directory\n",
		   "missing file: message");
	tap_ok(lg_config_load_string("x.yaml", "lisen: 1\n", 9, NULL) == NULL,
	       "errors may be discarded (NULL buffer)");
	lg_buf_free(&errors);
}

/* same_policy - two policies have the same rules (names, conditions, actions, reasons, stop) */
static bool same_policy(const struct lg_policy *a, const struct lg_policy *b)
{
	if (a->default_action != b->default_action || a->nrules != b->nrules)
		return false;
	for (size_t i = 0; i < a->nrules; i++) {
		const struct lg_rule *x = &a->rules[i], *y = &b->rules[i];
		if (strcmp(x->name, y->name) || strcmp(x->when_src, y->when_src) || x->action != y->action ||
		    x->stop != y->stop || (x->reason == NULL) != (y->reason == NULL) ||
		    (x->reason && strcmp(x->reason, y->reason)) ||
		    (x->unless_src == NULL) != (y->unless_src == NULL) ||
		    (x->unless_src && strcmp(x->unless_src, y->unless_src)) ||
		    (x->notify == NULL) != (y->notify == NULL) ||
		    (x->notify && strcmp(x->notify, y->notify)))
			return false;
	}
	return true;
}

/* same_str - equal strings, or both NULL */
static bool same_str(const char *a, const char *b)
{
	return a && b ? strcmp(a, b) == 0 : a == b;
}

/* check_same_settings - everything outside the policy agrees */
static void check_same_settings(const char *label, const struct lg_config *a, const struct lg_config *b)
{
	bool domains = a->n_internal_domains == b->n_internal_domains;
	for (size_t i = 0; domains && i < a->n_internal_domains; i++)
		domains = strcmp(a->internal_domains[i], b->internal_domains[i]) == 0;
	tap_ok(same_str(a->listen, b->listen) && same_str(a->user, b->user) &&
		       a->socket_mode == b->socket_mode && same_str(a->pidfile, b->pidfile) &&
		       same_str(a->spool_dir, b->spool_dir) && same_str(a->log_facility, b->log_facility) &&
		       domains,
	       "%s: same daemon settings", label);
	tap_ok(same_str(a->quarantine.url, b->quarantine.url) &&
		       same_str(a->quarantine.hold_mode, b->quarantine.hold_mode),
	       "%s: same quarantine settings", label);
	const struct lg_limits *x = &a->limits, *y = &b->limits;
	tap_ok(x->spool_memory == y->spool_memory && x->message_size == y->message_size &&
		       x->depth == y->depth && x->parts == y->parts && x->part_size == y->part_size &&
		       x->text_size == y->text_size && x->decoded_size == y->decoded_size &&
		       x->member_size == y->member_size && x->archive_members == y->archive_members &&
		       x->archive_ratio == y->archive_ratio && x->time_budget == y->time_budget,
	       "%s: same limits", label);
	const struct lg_wcfg *v = &a->workers, *w = &b->workers;
	tap_ok(v->count == w->count && v->max_messages == w->max_messages && v->memory == w->memory &&
		       v->cpu_seconds == w->cpu_seconds && v->timeout == w->timeout &&
		       v->seccomp == w->seccomp,
	       "%s: same workers settings", label);
}

/* test_good - the built-in default, the sample, a minimal file and the ways of writing values */
static void test_good(void)
{
	struct lg_buf errors = LG_BUF_INIT;

	struct lg_config *builtin = lg_config_load(NULL, &errors);
	if (!tap_ok(builtin != NULL, "built-in configuration loads"))
		tap_diag("%s", lg_buf_cstr(&errors));
	if (!builtin)
		return;
	tap_is_str(builtin->source, "<built-in>", "built-in: source name");
	tap_is_str(builtin->listen, "unix:/run/leakguard/leakguard.sock", "built-in: listen");
	tap_is_str(builtin->user, "leakguard", "built-in: user");
	tap_is_long(builtin->socket_mode, 0660, "built-in: socket_mode");
	tap_is_str(builtin->pidfile, NULL, "built-in: no pidfile");
	tap_is_str(builtin->spool_dir, "/var/tmp", "built-in: spool_dir");
	tap_is_str(builtin->log_facility, "mail", "built-in: log_facility");
	tap_is_long((long)builtin->n_internal_domains, 0, "built-in: no internal domains");
	tap_is_long((long)builtin->limits.spool_memory, 1L << 20, "built-in: spool_memory 1M");
	tap_is_long((long)builtin->limits.message_size, 50L << 20, "built-in: message_size 50M");
	tap_is_long(builtin->limits.depth, 20, "built-in: depth 20");
	tap_is_long(builtin->limits.parts, 1000, "built-in: parts 1000");
	tap_is_long((long)builtin->limits.part_size, 25L << 20, "built-in: part_size 25M");
	tap_is_long((long)builtin->limits.text_size, 20L << 20, "built-in: text_size 20M");
	tap_is_str(lg_action_name(builtin->policy.default_action), "accept", "built-in: default accept");
	/* the shipped default policy (README, leakguard.yaml(5), contrib/leakguard.yaml) */
	static const struct {
		const char *name, *when, *action, *en, *ja;
	} want_rules[] = {
		{ "personal-data-external",
		  "(records >= 10 or findings.phone_jp + findings.phone_intl + findings.email >= 10) "
		  "and recipients.external >= 1",
		  "hold", "addressed outside the organisation", "外部宛てのメールに個人情報" },
		{ "my-number-external", "findings.my_number.high >= 1 and recipients.external >= 1",
		  "hold", "My Number", "マイナンバー" },
		{ "payment-cards-external", "findings.payment_card >= 5 and recipients.external >= 1",
		  "hold", "payment card numbers", "クレジットカード番号" },
		{ "unscannable-external", "attachments.unscannable >= 1 and recipients.external >= 1",
		  "hold", "could not be checked", "確認できない添付ファイル" },
		{ "visible-recipients-bcc",
		  "recipients.visible_external >= 10 and recipients.visible_external_domains >= 2 and "
		  "recipients.external >= 1",
		  "bcc", "moved to Bcc", "Bcc" },
	};
	size_t nwant = sizeof want_rules / sizeof want_rules[0];
	tap_is_long((long)builtin->policy.nrules, (long)nwant, "built-in: five rules");
	for (size_t i = 0; i < nwant && i < builtin->policy.nrules; i++) {
		const struct lg_rule *r = &builtin->policy.rules[i];
		tap_ok(!strcmp(r->name, want_rules[i].name), "built-in rule %zu: %s", i + 1,
		       want_rules[i].name);
		tap_is_str(r->when_src, want_rules[i].when, "  condition");
		tap_ok(r->when != NULL && r->unless == NULL && r->notify == NULL, "  compiled, no unless or notify");
		tap_is_str(lg_action_name(r->action), want_rules[i].action, "  action");
		tap_ok(r->stop, "  stop");
		tap_ok(r->reason_en && strstr(r->reason_en, want_rules[i].en) && r->reason_ja &&
			       strstr(r->reason_ja, want_rules[i].ja),
		       "  reason in English and Japanese");
		char *both = lg_asprintf("%s / %s", r->reason_en ? r->reason_en : "",
					 r->reason_ja ? r->reason_ja : "");
		tap_is_str(r->reason, both, "  reason is \"English / 日本語\"");
		free(both);
	}
	tap_ok(builtin->policy.sets.n == 0 && !builtin->policy.allow_senders &&
		       !builtin->policy.allow_domains,
	       "built-in: no lists, groups or allow lists");
	tap_ok(builtin->detectors != NULL, "built-in: detectors compiled");

	/* the installed sample says the same as the built-in default */
	char *sample_path = srcdir_path("contrib/leakguard.yaml");
	lg_buf_reset(&errors);
	struct lg_config *sample = lg_config_load(sample_path, &errors);
	if (!tap_ok(sample != NULL, "contrib/leakguard.yaml loads"))
		tap_diag("%s", lg_buf_cstr(&errors));
	if (sample) {
		check_same_settings("sample vs built-in", sample, builtin);
		tap_ok(same_policy(&sample->policy, &builtin->policy), "sample vs built-in: same policy");
		tap_is_str(sample->source, sample_path, "sample: source name");
	}
	lg_config_free(sample);
	free(sample_path);

	/* the key table's defaults are the built-in file's values */
	struct lg_config *bare = load_str("bare.yaml", "{}\n", &errors);
	tap_ok(bare != NULL, "an empty mapping is a valid configuration");
	if (bare) {
		check_same_settings("table defaults vs built-in", bare, builtin);
		tap_ok(same_policy(&bare->policy, &builtin->policy),
		       "a file without policy.rules gets the built-in rules (never fails open)");
	}
	lg_config_free(bare);

	/* an explicit empty rule list is taken at its word */
	struct lg_config *norules = load_str("norules.yaml", "policy:\n  rules: []\n", &errors);
	tap_ok(norules && norules->policy.nrules == 0 &&
		       norules->policy.default_action == LG_ACT_ACCEPT,
	       "explicit 'rules: []' means no rules, accept");
	lg_config_free(norules);

	/* null sections keep their defaults */
	struct lg_config *nulls = load_str("nulls.yaml", "limits:\npolicy:\ninternal_domains:\npidfile: ~\n", &errors);
	tap_ok(nulls != NULL, "null sections are accepted");
	if (nulls)
		check_same_settings("null sections vs built-in", nulls, builtin);
	lg_config_free(nulls);

	/* minimal.yaml: a TCP socket, domains normalised and de-duplicated, a non-stopping rule */
	char *path = fixture("minimal.yaml");
	lg_buf_reset(&errors);
	struct lg_config *c = lg_config_load(path, &errors);
	if (!tap_ok(c != NULL, "minimal.yaml loads"))
		tap_diag("%s", lg_buf_cstr(&errors));
	if (c) {
		tap_is_str(c->listen, "inet:8891@127.0.0.1", "minimal: listen");
		tap_is_long((long)c->n_internal_domains, 3, "minimal: three distinct domains");
		tap_is_str(c->n_internal_domains > 0 ? c->internal_domains[0] : NULL, "example.co.jp",
			   "minimal: domain lower-cased");
		tap_is_str(c->n_internal_domains > 1 ? c->internal_domains[1] : NULL, "example.com",
			   "minimal: '*.' stripped");
		tap_is_str(c->n_internal_domains > 2 ? c->internal_domains[2] : NULL, "example.net",
			   "minimal: '.' stripped");
		tap_ok(c->policy.nrules == 1 && !c->policy.rules[0].stop && c->policy.rules[0].reason == NULL,
		       "minimal: rule with stop false and no reason");
		tap_is_str(c->user, "leakguard", "minimal: user defaulted");
		tap_is_long((long)c->limits.message_size, 50L << 20, "minimal: limits defaulted");
	}
	lg_config_free(c);
	free(path);

	/* sizes.yaml: every way of writing sizes */
	path = fixture("sizes.yaml");
	lg_buf_reset(&errors);
	c = lg_config_load(path, &errors);
	if (!tap_ok(c != NULL, "sizes.yaml loads"))
		tap_diag("%s", lg_buf_cstr(&errors));
	if (c) {
		tap_is_long((long)c->limits.spool_memory, 512L * 1024, "sizes: 512k");
		tap_is_long((long)c->limits.message_size, 1L << 20, "sizes: \"1M\"");
		tap_is_long((long)c->limits.part_size, 1048576, "sizes: plain bytes");
		tap_is_long((long)c->limits.text_size, 2L << 30, "sizes: 2G");
		tap_is_long(c->limits.depth, 5, "sizes: depth");
		tap_is_long(c->limits.parts, 10, "sizes: parts");
		tap_is_long(c->socket_mode, 0600, "sizes: socket_mode 0600 read as octal");
		tap_is_str(c->pidfile, "/run/leakguard/leakguard.pid", "sizes: pidfile");
		tap_is_str(c->log_facility, "local3", "sizes: facility lower-cased");
	}
	lg_config_free(c);
	free(path);

	/* small variations, one value each */
	static const struct {
		const char *yaml;
		const char *listen;
		long mode;
	} forms[] = {
		{ "socket_mode: \"660\"\n", NULL, 0660 },
		{ "socket_mode: 0o640\n", NULL, 0640 },
		{ "socket_mode: 0\n", NULL, 0 },
		{ "listen: \"inet6:8891@::1\"\n", "inet6:8891@::1", 0660 },
		{ "listen: inet:8891\n", "inet:8891", 0660 },
		{ "listen: \"inet:8891@[192.0.2.1]\"\n", "inet:8891@[192.0.2.1]", 0660 },
		{ "listen: local:/var/run/lg.sock\n", "local:/var/run/lg.sock", 0660 },
	};
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		c = load_str("form.yaml", forms[i].yaml, &errors);
		if (!tap_ok(c != NULL, "accepted: %.*s", (int)strcspn(forms[i].yaml, "\n"), forms[i].yaml)) {
			tap_diag("%s", lg_buf_cstr(&errors));
			continue;
		}
		tap_is_long(c->socket_mode, forms[i].mode, "  socket_mode");
		tap_is_str(c->listen, forms[i].listen ? forms[i].listen : builtin->listen, "  listen");
		lg_config_free(c);
	}

	/* conditions in every scalar style compile to the same rule */
	c = load_str("styles.yaml",
		     "policy:\n  default_action: tag\n  rules:\n"
		     "    - {name: p, when: records >= 1, action: hold, stop: false}\n"
		     "    - name: q\n      when: 'records >= 1'\n      action: bcc\n      reason: >\n"
		     "        folded reason\n      stop: False\n"
		     "    - name: r\n      when: |\n        records >= 1\n      action: reject\n",
		     &errors);
	if (!tap_ok(c != NULL, "flow mapping, quoted and block scalars accepted"))
		tap_diag("%s", lg_buf_cstr(&errors));
	if (c) {
		tap_is_long((long)c->policy.nrules, 3, "styles: three rules");
		tap_is_str(lg_action_name(c->policy.default_action), "tag", "styles: default_action");
		tap_is_str(c->policy.rules[1].reason, "folded reason", "styles: folded reason, newline dropped");
		tap_ok(!c->policy.rules[0].stop && !c->policy.rules[1].stop && c->policy.rules[2].stop,
		       "styles: stop values");
	}
	lg_config_free(c);

	lg_config_free(builtin);
	lg_buf_free(&errors);
}

/* write_file - a file in dir with this text; returns its path */
static char *write_file(const char *dir, const char *name, const char *text)
{
	char *path = lg_asprintf("%s/%s", dir, name);
	FILE *fp = fopen(path, "w");
	if (fp) {
		fputs(text, fp);
		fclose(fp);
	}
	return path;
}

/* eval_with - the verdict of a policy for a sender, envelope recipients and a My Number count */
static void eval_with(const struct lg_config *c, const char *sender, const char *const *rcpts,
		      size_t n, unsigned my_number_high, struct lg_verdict *v, struct lg_buf *trace)
{
	struct lg_report r = { 0 };
	struct lg_recipients *rc = &r.recipients;
	lg_report_init_dets(&r, c->detectors);
	r.dets[lg_detector_find(c->detectors, "my_number")].high = my_number_high;
	r.records = 20;
	rc->sender = lg_strdup(sender);
	rc->total = rc->external = (unsigned)n;
	rc->addrs = lg_calloc(n + 1, sizeof *rc->addrs);
	rc->ext_addrs = lg_calloc(n + 1, sizeof *rc->ext_addrs);
	rc->domains = lg_calloc(n + 1, sizeof *rc->domains);
	rc->ext_domains = lg_calloc(n + 1, sizeof *rc->ext_domains);
	for (size_t i = 0; i < n; i++) {
		rc->addrs[rc->naddrs++] = lg_strdup(rcpts[i]);
		rc->ext_addrs[rc->next_addrs++] = lg_strdup(rcpts[i]);
		rc->domains[rc->ndomains++] = lg_strdup(strchr(rcpts[i], '@') + 1);
		rc->ext_domains[rc->next_domains++] = lg_strdup(strchr(rcpts[i], '@') + 1);
	}
	if (trace)
		lg_policy_explain(&c->policy, &r, v, trace);
	else
		lg_policy_eval(&c->policy, &r, v);
	lg_report_free(&r);
}

/* joined_rules - a verdict's rule names joined by ',' */
static char *joined_rules(const struct lg_verdict *v)
{
	struct lg_buf b = LG_BUF_INIT;
	for (size_t i = 0; i < v->nrules; i++)
		lg_buf_printf(&b, "%s%s", i ? "," : "", v->rules[i]);
	return lg_buf_steal(&b, NULL);
}

/* check_verdict - one evaluation: action, rules and reason */
static void check_verdict(const struct lg_config *c, const char *label, const char *sender,
			  const char *const *rcpts, size_t n, unsigned mn, const char *action,
			  const char *rules, const char *notify)
{
	struct lg_verdict v;
	eval_with(c, sender, rcpts, n, mn, &v, NULL);
	if (!tap_ok(!strcmp(lg_action_name(v.action), action), "%s: %s", label, action))
		tap_diag("got %s", lg_action_name(v.action));
	char *names = joined_rules(&v);
	tap_is_str(names, rules, "  rules");
	tap_is_str(v.notify, notify, "  notify");
	free(names);
	lg_verdict_free(&v);
}

/* test_lists_and_includes - lists and groups from files, includes, unless, reason maps,
 * notify and allow lists: loaded, evaluated, and refused with file:line:column when bad */
static void test_lists_and_includes(void)
{
	char tmpl[] = "/tmp/lg-config-XXXXXX";
	const char *tmpdir = getenv("TMPDIR");
	char *dir_t = lg_asprintf("%s/lg-config-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	char *dir = mkdtemp(dir_t);
	(void)tmpl;
	if (!tap_ok(dir != NULL, "temporary directory")) {
		free(dir_t);
		return;
	}
	char *partners = write_file(dir, "partners.txt",
				    "# partners, one a line\n\npartner.example\n"
				    "  .group.example   # and its subdomains\nx@other.example\n");
	char *payroll = write_file(dir, "payroll.txt", "kyuyo@corp.example\r\njinji@corp.example\n");
	char *badgroup = write_file(dir, "bad-group.txt", "kyuyo@corp.example\n\n  not-an-address\n");
	char *inc = write_file(dir, "extra.yaml",
			       "# more rules\n- name: extra\n  when: \"sender in group:payroll\"\n"
			       "  action: tag\n  stop: false\n");
	char *incbad = write_file(dir, "bad-rules.yaml",
				  "- name: fine\n  when: records >= 1\n  action: tag\n"
				  "- name: broken\n  when: \"recipient_domains all in list:partner\"\n"
				  "  action: hold\n");
	char *incdup = write_file(dir, "dup-rules.yaml",
				  "- name: many\n  when: records >= 1\n  action: tag\n");
	struct lg_buf errors = LG_BUF_INIT;

	char *yaml = lg_asprintf(
		"lists:\n"
		"  partners: {file: %s}\n"
		"  inline: [a.example, \"b@c.example\"]\n"
		"groups:\n"
		"  payroll: {file: %s}\n"
		"policy:\n"
		"  allow:\n"
		"    senders: [boss@corp.example, list:inline]\n"
		"    sender_domains: [backup.corp.example]\n"
		"  include: [%s]\n"
		"  rules:\n"
		"    - name: partners-ok\n"
		"      when: \"recipient_domains all in list:partners\"\n"
		"      unless: \"findings.my_number.high >= 1 or sender in group:payroll\"\n"
		"      action: accept\n"
		"      notify: group:payroll\n"
		"      reason: {en: \"Partners only\", ja: \"取引先のみ\"}\n"
		"    - name: many\n"
		"      when: \"records >= 10\"\n"
		"      action: hold\n"
		"      reason: \"Too many / 多すぎます\"\n"
		"      notify: sender\n",
		partners, payroll, inc);
	struct lg_config *c = load_str("lists.yaml", yaml, &errors);
	if (!tap_ok(c != NULL, "lists, groups, allow, include, unless, notify, reason map: loads"))
		tap_diag("%s", lg_buf_cstr(&errors));
	if (c) {
		const struct lg_policy *p = &c->policy;
		tap_is_long((long)p->sets.n, 3, "three lists and groups");
		const struct lg_set *s = lg_sets_find(&p->sets, false, "partners", 8);
		tap_ok(s && s->n == 3 && !strcmp(s->entries[1], ".group.example"),
		       "list file: comments and blank lines skipped, entries trimmed");
		s = lg_sets_find(&p->sets, true, "payroll", 7);
		tap_ok(s && s->n == 2 && !strcmp(s->entries[0], "kyuyo@corp.example"),
		       "group file with CRLF lines");
		tap_is_long((long)p->nrules, 3, "two rules and one included after them");
		const struct lg_rule *r = &p->rules[0];
		tap_ok(r->unless != NULL, "unless compiled");
		tap_is_str(r->reason, "Partners only / 取引先のみ", "reason map: combined");
		tap_is_str(r->reason_en, "Partners only", "reason map: en");
		tap_is_str(r->reason_ja, "取引先のみ", "reason map: ja");
		tap_is_str(r->notify, "group:payroll", "notify: a group");
		tap_is_str(r->source, "lists.yaml:12", "rule source");
		tap_is_str(p->rules[1].reason_en, "Too many", "plain reason split: en");
		tap_is_str(p->rules[1].reason_ja, "多すぎます", "plain reason split: ja");
		tap_is_str(p->rules[1].notify, "sender", "notify: sender");
		tap_is_str(p->rules[2].name, "extra", "included rule");
		char *src = lg_asprintf("%s:2", inc);
		tap_is_str(p->rules[2].source, src, "included rule's source: its file and line");
		free(src);

		static const char *const to_partners[] = { "a@partner.example", "b@x.group.example" };
		static const char *const to_mixed[] = { "a@partner.example", "b@evil.example" };
		static const char *const to_addr[] = { "x@other.example" };
		check_verdict(c, "allowed sender", "boss@corp.example", to_mixed, 2, 0, "accept",
			      "allow:senders", NULL);
		check_verdict(c, "allowed by a list reference", "b@c.example", to_mixed, 2, 0, "accept",
			      "allow:senders", NULL);
		check_verdict(c, "allowed sender domain (not its subdomains)", "x@backup.corp.example",
			      to_mixed, 2, 0, "accept", "allow:sender_domains", NULL);
		check_verdict(c, "partners only", "clerk@corp.example", to_partners, 2, 0, "accept",
			      "partners-ok", "group:payroll");
		check_verdict(c, "partners, but unless a My Number", "clerk@corp.example", to_partners, 2,
			      1, "hold", "many", "sender");
		check_verdict(c, "partners, but unless the payroll staff", "kyuyo@corp.example",
			      to_partners, 2, 0, "hold", "many", "sender");
		check_verdict(c, "one outsider among partners", "clerk@corp.example", to_mixed, 2, 0,
			      "hold", "many", "sender");
		check_verdict(c, "an address entry does not make its domain a partner",
			      "clerk@corp.example", to_addr, 1, 0, "hold", "many", "sender");

		struct lg_verdict v;
		struct lg_buf trace = LG_BUF_INIT;
		eval_with(c, "kyuyo@corp.example", to_partners, 2, 0, &v, &trace);
		const char *want =
			"rule 1: partners-ok (accept, stop, lists.yaml:12)\n"
			"  when:\n"
			"    recipient_domains all in list:partners: [partner.example, x.group.example]: true\n"
			"  unless:\n"
			"    or: true\n"
			"      findings.my_number.high >= 1: 0 >= 1: false\n"
			"      sender in group:payroll: kyuyo@corp.example: true\n"
			"  => no match\n"
			"rule 2: many (hold, stop, lists.yaml:18)\n"
			"  when:\n"
			"    records >= 10: 20 >= 10: true\n"
			"  => match, stop\n"
			"verdict: hold by many\n"
			"reason: Too many / 多すぎます\n"
			"notify: sender\n";
		tap_is_str(lg_buf_cstr(&trace), want, "explain: when, unless, match, stop, verdict");
		lg_verdict_free(&v);
		lg_buf_free(&trace);
	}
	lg_config_free(c);
	free(yaml);

	/* problems, each at its file, line and column */
	struct {
		const char *label;
		char *yaml;
		char *prefix;	/* of the first error line */
		const char *msg;
	} bad_cases[] = {
		{ "list file missing", lg_strdup("lists:\n  p: {file: /nonexistent/p.txt}\n"),
		  lg_strdup("x.yaml:2:13: error: "),
		  "list 'p': cannot open /nonexistent/p.txt: No such file or directory" },
		{ "bad entry in a group file", lg_asprintf("groups:\n  g: {file: %s}\n", badgroup),
		  lg_asprintf("%s:3:3: error: ", badgroup),
		  "group 'g': 'not-an-address' is not an address (a group holds addresses only)" },
		{ "bad inline group entry", lg_strdup("groups:\n  g: [a@b.example, nope]\n"),
		  lg_strdup("x.yaml:2:20: error: "),
		  "group 'g': 'nope' is not an address (a group holds addresses only)" },
		{ "bad inline list entry", lg_strdup("lists:\n  l: [\"a@\"]\n"),
		  lg_strdup("x.yaml:2:8: error: "), "list 'l': bad address 'a@'" },
		{ "bad list name", lg_strdup("lists:\n  'a b': [x.example]\n"),
		  lg_strdup("x.yaml:2:4: error: "), "bad list name 'a b'" },
		{ "list neither sequence nor file", lg_strdup("lists:\n  l: x.example\n"),
		  lg_strdup("x.yaml:2:6: error: "), "list 'l' must be a sequence of entries or {file: PATH}" },
		{ "unknown key of a list", lg_strdup("lists:\n  l: {path: x}\n"),
		  lg_strdup("x.yaml:2:7: error: "), "unknown key 'path' in list 'l' (known keys: file)" },
		{ "unknown list in a condition, caret column",
		  lg_strdup("lists:\n  partners: [a.example]\npolicy:\n  rules:\n    - name: r\n"
			    "      when: \"recipient_domains all in list:partner\"\n      action: hold\n"),
		  lg_strdup("x.yaml:6:39: error: "),
		  "unknown list 'partner' (did you mean 'list:partners'?)" },
		{ "bad unless",
		  lg_strdup("policy:\n  rules:\n    - name: r\n      when: records > 1\n"
			    "      unless: sender >= 3\n      action: hold\n"),
		  lg_strdup("x.yaml:5:15: error: "), "'sender' is an address, not a number" },
		{ "reason map: unknown language",
		  lg_strdup("policy:\n  rules:\n    - name: r\n      when: records > 1\n"
			    "      action: hold\n      reason: {en: x, fr: y}\n"),
		  lg_strdup("x.yaml:6:23: error: "), "unknown key 'fr' in reason" },
		{ "reason map: empty",
		  lg_strdup("policy:\n  rules:\n    - name: r\n      when: records > 1\n"
			    "      action: hold\n      reason: {}\n"),
		  lg_strdup("x.yaml:6:15: error: "), "reason needs 'en' or 'ja' (or both)" },
		{ "notify: bad",
		  lg_strdup("policy:\n  rules:\n    - name: r\n      when: records > 1\n"
			    "      action: hold\n      notify: boss\n"),
		  lg_strdup("x.yaml:6:15: error: "),
		  "notify must be sender, none, list:NAME or group:NAME, not 'boss'" },
		{ "notify: unknown group",
		  lg_strdup("policy:\n  rules:\n    - name: r\n      when: records > 1\n"
			    "      action: hold\n      notify: group:admins\n"),
		  lg_strdup("x.yaml:6:15: error: "), "notify: unknown group 'admins' (define it under 'groups:')" },
		{ "allow: unknown key", lg_strdup("policy:\n  allow: {sender: [a@b.example]}\n"),
		  lg_strdup("x.yaml:2:11: error: "), "unknown key 'sender' in allow (did you mean 'senders'?)" },
		{ "allow: an address as a domain",
		  lg_strdup("policy:\n  allow:\n    sender_domains: [a@b.example]\n"),
		  lg_strdup("x.yaml:3:22: error: "), "allow.sender_domains: 'a@b.example' is not a domain" },
		{ "allow: unknown list", lg_strdup("policy:\n  allow:\n    senders: list:nope\n"),
		  lg_strdup("x.yaml:3:14: error: "), "allow.senders: unknown list:nope" },
		{ "allow: a group as domains",
		  lg_strdup("groups:\n  g: [a@b.example]\npolicy:\n  allow:\n    sender_domains: [group:g]\n"),
		  lg_strdup("x.yaml:5:22: error: "), "allow.sender_domains: group:g holds addresses, not domains" },
		{ "include: no such file", lg_strdup("policy:\n  include: [/nonexistent/x.yaml]\n"),
		  lg_strdup("x.yaml:2:13: error: "), "include: /nonexistent/x.yaml: no such file" },
		{ "include: a bad condition at the included file's line and column",
		  lg_asprintf("lists:\n  partners: [a.example]\npolicy:\n  include: [%s]\n", incbad),
		  lg_asprintf("%s:5:35: error: ", incbad),
		  "unknown list 'partner' (did you mean 'list:partners'?)" },
		{ "include: a rule name used already",
		  lg_asprintf("policy:\n  include: %s\n  rules:\n    - name: many\n"
			      "      when: records > 1\n      action: hold\n", incdup),
		  lg_asprintf("%s:1:9: error: ", incdup),
		  "duplicate rule name 'many' (first used in x.yaml:4)" },
	};
	for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
		c = load_str("x.yaml", bad_cases[i].yaml, &errors);
		check_refused(bad_cases[i].label, c, &errors, bad_cases[i].prefix, bad_cases[i].msg);
		free(bad_cases[i].yaml);
		free(bad_cases[i].prefix);
	}

	/* the built-in rules need their detectors: a clear error, not a crash */
	c = load_str("x.yaml", "detectors:\n  disable: [email]\n", &errors);
	tap_ok(c == NULL && strstr(lg_buf_cstr(&errors),
				   "x.yaml: error: the built-in rule 'personal-data-external' cannot "
				   "be used with these detectors (unknown fact 'findings.email'"),
	       "built-in rules with a detector they name disabled: refused, saying why");
	lg_config_free(c);
	c = load_str("x.yaml", "detectors:\n  disable: [email]\npolicy:\n  rules: []\n", &errors);
	tap_ok(c != NULL, "... and fine with rules of one's own");
	lg_config_free(c);

	const char *files[] = { partners, payroll, badgroup, inc, incbad, incdup };
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		unlink(files[i]);
		free((char *)files[i]);
	}
	rmdir(dir);
	free(dir_t);
	lg_buf_free(&errors);
}

int main(void)
{
	test_good();
	test_bad();
	test_lists_and_includes();
	return tap_done();
}
