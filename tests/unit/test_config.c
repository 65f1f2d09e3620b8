/* test_config.c - leakguard.yaml loading: good configurations give the expected values (and the
 * built-in default, the sample file and the key table agree); bad ones are refused with
 * "file:line:column: error: message" lines, all of them, in file order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	{ "unknown key far from any", "frobnicate: 1\n", "1:1", "unknown key 'frobnicate' (known keys: listen, user," },
	{ "unknown key in limits", "limits:\n  depth: 3\n  message_sise: 1M\n", "3:3",
	  "unknown key 'message_sise' in limits (did you mean 'message_size'?)" },
	{ "unknown key in policy", "policy:\n  default: hold\n", "2:3", "unknown key 'default' in policy" },
	{ "unknown key in a rule",
	  "policy:\n  rules:\n    - name: a\n      when: records > 1\n      action: tag\n      colour: red\n",
	  "6:7", "unknown key 'colour' in rule 'a'" },
	{ "listen: unknown scheme", "listen: tcp:25\n", "1:9", "bad listen address 'tcp:25'" },
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
		    (x->reason && strcmp(x->reason, y->reason)))
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
	const struct lg_limits *x = &a->limits, *y = &b->limits;
	tap_ok(x->spool_memory == y->spool_memory && x->message_size == y->message_size &&
		       x->depth == y->depth && x->parts == y->parts && x->part_size == y->part_size &&
		       x->text_size == y->text_size && x->decoded_size == y->decoded_size &&
		       x->member_size == y->member_size && x->archive_members == y->archive_members &&
		       x->archive_ratio == y->archive_ratio && x->time_budget == y->time_budget,
	       "%s: same limits", label);
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
	tap_is_long((long)builtin->policy.nrules, 1, "built-in: one rule");
	const struct lg_rule *r = &builtin->policy.rules[0];
	tap_is_str(r->name, "personal-data-external", "built-in: rule name");
	tap_is_str(r->when_src, "findings.total >= 10 and recipients.external >= 1", "built-in: condition");
	tap_ok(r->when != NULL, "built-in: condition compiled");
	tap_is_str(lg_action_name(r->action), "hold", "built-in: action hold");
	tap_ok(r->stop, "built-in: stop");
	tap_ok(r->reason && strstr(r->reason, "addressed outside the organisation") &&
		       strstr(r->reason, "外部宛てのメール"),
	       "built-in: reason in English and Japanese");
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

int main(void)
{
	test_good();
	test_bad();
	return tap_done();
}
