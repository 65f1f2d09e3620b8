/* leakguardctl.c - the administrator's tool: scan a saved message with the milter's own analysis and
 * policy (same verdict as the milter), check a configuration, review the quarantine
 * (tools/quarantine_cmd.c), measure analyze() (tools/bench_cmd.c). */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analyze/analyze.h"
#include "config/config.h"
#include "lg_alloc.h"
#include "lg_buf.h"
#include "lg_json.h"
#include "lg_log.h"
#include "tools/ctl.h"

/* usage - print the commands and exit */
static void usage(int status)
{
	fprintf(status ? stderr : stdout,
		"usage: leakguardctl scan [-c CONFIG] [-f SENDER] [-r RCPT]...\n"
		"                         [--json | --findings | --explain] [--dump-parts DIR] FILE|-\n"
		"       leakguardctl check-config [-c CONFIG]\n"
		"       leakguardctl quarantine list|show|delete|purge|audit|put ... (--help)\n"
		"       leakguardctl bench [-c CONFIG] [-n ROUNDS] [-t SECONDS] [-v] FILE|DIR...\n"
		"       leakguardctl --version\n");
	exit(status);
}

/* read_all - the whole file (or stdin for "-") into memory */
int read_all(const char *path, struct lg_buf *out)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f) {
		fprintf(stderr, "leakguardctl: %s: %s\n", path, strerror(errno));
		return -1;
	}
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		lg_buf_append(out, chunk, n);
	int bad = ferror(f);
	if (f != stdin)
		fclose(f);
	if (bad) {
		fprintf(stderr, "leakguardctl: %s: read error\n", path);
		return -1;
	}
	lg_buf_cstr(out);
	return 0;
}

/* load_config - the config, or its errors on stderr and exit with status */
struct lg_config *load_config(const char *path, int status)
{
	struct lg_buf errs = LG_BUF_INIT;
	struct lg_config *cfg = lg_config_load(path, &errs);
	if (!cfg) {
		fputs(lg_buf_cstr(&errs), stderr);
		fprintf(stderr, "leakguardctl: configuration %s has errors\n",
			path ? path : "<built-in>");
		lg_buf_free(&errs);
		exit(status);
	}
	lg_buf_free(&errs);
	return cfg;
}

/* print_human - the report for a person at a terminal */
static void print_human(const struct lg_report *r)
{
	printf("action:     %s\n", lg_action_name(r->verdict.action));
	printf("rules:      ");
	for (size_t i = 0; i < r->verdict.nrules; i++)
		printf("%s%s", i ? ", " : "", r->verdict.rules[i]);
	printf("%s\n", r->verdict.nrules ? "" : "(none matched)");
	if (r->verdict.reason)
		printf("reason:     %s\n", r->verdict.reason);
	printf("recipients: %u total, %u external, %u visible external, %u external domains\n",
	       r->recipients.total, r->recipients.external, r->recipients.visible_external,
	       r->recipients.external_domains);
	printf("findings:  ");
	bool any = false;
	for (size_t d = 0; d < r->ndets; d++) {
		const struct lg_det_tally *t = &r->dets[d];
		if (!t->any)
			continue;
		any = true;
		printf(" %s=%u", t->id, t->counted);
		if (t->high || t->any > t->counted)
			printf(" [%u high%s", t->high, t->any > t->counted ? "" : "]");
		if (t->any > t->counted)
			printf("%s%u low]", t->high ? ", " : " [", t->any - t->counted);
		for (int i = 0; i < LG_REPORT_SAMPLES && t->samples[i]; i++)
			printf("%s%s", i ? ", " : " (", t->samples[i]);
		if (t->samples[0])
			printf(")");
	}
	if (!any)
		printf(" none");
	printf("\nrecords:    %u (values not counted as the sender's or recipients' own: %u)\n",
	       r->records, r->excluded);
	if (r->error)
		printf("error:      %s\n", r->error);
	printf("parts:\n");
	for (size_t i = 0; i < r->nparts; i++) {
		const struct lg_part *p = &r->parts[i];
		printf("  %-6s %-10s %s (detected %s) %zu bytes%s%s%s: %s%s%s, %u matches\n", p->path,
		       p->attachment ? "attachment" : "body", p->declared_type,
		       p->detected_type ? p->detected_type : "-", p->size, p->filename ? " \"" : "",
		       p->filename ? p->filename : "", p->filename ? "\"" : "",
		       p->scanned ? "scanned" : "NOT scanned", p->reason ? ": " : "",
		       p->reason ? p->reason : "", p->findings);
		if (p->ambiguous)
			printf("         AMBIGUOUS (%s): mail clients may show other bytes\n",
			       p->ambiguous);
	}
}

/* print_findings - every distinct finding, unredacted, one per line (for testing rules):
 * DETECTOR TAB CONFIDENCE TAB VALUE TAB PATH TAB row:R:C or line:L TAB OCCURRENCES */
static void print_findings(const struct lg_report *r)
{
	for (size_t i = 0; i < r->nitems; i++) {
		const struct lg_item *it = &r->items[i];
		printf("%s\t%s\t%s\t%s\t", r->dets[it->det].id, lg_conf_name(it->conf), it->value,
		       it->path);
		if (it->row)
			printf("row:%lu:%u", it->row, it->column);
		else
			printf("line:%lu", it->line);
		printf("\t%u\n", it->occurrences);
	}
}

/* What --dump-parts wrote, to list in the manifest. */
struct dump_ctx {
	const char *dir;
	size_t n;		/* files written so far (numbers the next data file) */
	struct dump_entry {
		char *path;
		char *data_file;
		char *text_file;
	} *e;
	size_t ne;
	int failed;
};

/* write_file - DIR/NAME with the bytes; 0 or -1 (message printed) */
static int write_file(const char *dir, const char *name, const char *data, size_t len)
{
	char *path = lg_asprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	int rc = 0;
	if (!f || (len && fwrite(data, 1, len, f) != len) || fclose(f) != 0) {
		fprintf(stderr, "leakguardctl: cannot write %s: %s\n", path, strerror(errno));
		rc = -1;
	}
	free(path);
	return rc;
}

/* on_dump - the analysis hook: decoded bytes and extracted text of each part to files */
static void on_dump(void *arg, const struct lg_part *part, const char *kind, const char *data,
		    size_t len)
{
	struct dump_ctx *d = arg;
	if (!strcmp(kind, "data")) {
		char *name = lg_asprintf("%03zu.data", ++d->n);
		d->e = lg_realloc(d->e, (d->ne + 1) * sizeof *d->e);
		d->e[d->ne++] = (struct dump_entry){ lg_strdup(part->path), name, NULL };
		if (write_file(d->dir, name, data, len) < 0)
			d->failed = 1;
		return;
	}
	/* text follows the data of the same part */
	if (!d->ne || strcmp(d->e[d->ne - 1].path, part->path) != 0)
		return;
	struct dump_entry *e = &d->e[d->ne - 1];
	e->text_file = lg_asprintf("%03zu.txt", d->n);
	if (write_file(d->dir, e->text_file, data, len) < 0)
		d->failed = 1;
}

/* write_manifest - DIR/manifest.json: every part with the files holding what was seen */
static int write_manifest(struct dump_ctx *d, const struct lg_report *r)
{
	struct lg_buf b = LG_BUF_INIT;
	lg_buf_puts(&b, "[\n");
	for (size_t i = 0; i < r->nparts; i++) {
		const struct lg_part *p = &r->parts[i];
		const struct dump_entry *e = NULL;
		for (size_t k = 0; k < d->ne && !e; k++)
			if (!strcmp(d->e[k].path, p->path))
				e = &d->e[k];
		lg_buf_puts(&b, i ? ",\n {\"path\":" : " {\"path\":");
		lg_json_str(&b, p->path);
		lg_buf_puts(&b, ",\"detected_type\":");
		lg_json_str(&b, p->detected_type);
		lg_buf_printf(&b, ",\"scanned\":%s,\"reason\":", p->scanned ? "true" : "false");
		lg_json_str(&b, p->reason);
		lg_buf_puts(&b, ",\"data_file\":");
		lg_json_str(&b, e ? e->data_file : NULL);
		lg_buf_puts(&b, ",\"text_file\":");
		lg_json_str(&b, e ? e->text_file : NULL);
		lg_buf_putc(&b, '}');
	}
	lg_buf_puts(&b, "\n]\n");
	int rc = write_file(d->dir, "manifest.json", b.data, b.len);
	lg_buf_free(&b);
	return rc;
}

/* dump_free - forget the dump entries */
static void dump_free(struct dump_ctx *d)
{
	for (size_t i = 0; i < d->ne; i++) {
		free(d->e[i].path);
		free(d->e[i].data_file);
		free(d->e[i].text_file);
	}
	free(d->e);
}

/* print_explain - the policy's evaluation of the report, rule by rule, then the verdict;
 * -1 if it disagrees with the verdict the analysis reached (a bug) */
static int print_explain(const struct lg_config *cfg, const struct lg_report *r)
{
	struct lg_buf trace = LG_BUF_INIT;
	struct lg_verdict v;
	const struct lg_recipients *rc = &r->recipients;
	printf("sender: %s\n", rc->sender && *rc->sender ? rc->sender : "<>");
	printf("recipients: %u (%u external, %u external domains, %u external visible in To/Cc)\n",
	       rc->total, rc->external, rc->external_domains, rc->visible_external);
	printf("policy: %zu rules%s%s, default_action %s\n", cfg->policy.nrules,
	       cfg->policy.allow_senders || cfg->policy.allow_domains ? ", allow lists" : "",
	       cfg->policy.monitor ? ", monitor" : "", lg_action_name(cfg->policy.default_action));
	lg_policy_explain(&cfg->policy, r, &v, &trace);
	fputs(lg_buf_cstr(&trace), stdout);
	int same = v.action == r->verdict.action && v.nrules == r->verdict.nrules;
	lg_verdict_free(&v);
	lg_buf_free(&trace);
	if (!same) {
		fprintf(stderr, "leakguardctl: internal error: --explain disagrees with the verdict\n");
		return -1;
	}
	return 0;
}

/* cmd_scan - leakguardctl scan */
static int cmd_scan(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "findings", no_argument, NULL, 'F' },
		{ "explain", no_argument, NULL, 'E' },
		{ "dump-parts", required_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cfgpath = NULL, *sender = NULL;
	const char **rcpts = NULL;
	size_t nrcpts = 0;
	int json = 0, findings = 0, explain = 0, ch;
	struct dump_ctx dump = {0};
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:f:r:jh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': cfgpath = optarg; break;
		case 'f': sender = optarg; break;
		case 'r':
			rcpts = lg_realloc(rcpts, (nrcpts + 1) * sizeof *rcpts);
			rcpts[nrcpts++] = optarg;
			break;
		case 'j': json = 1; break;
		case 'F': findings = 1; break;
		case 'E': explain = 1; break;
		case 'd': dump.dir = optarg; break;
		case 'h': usage(0); break;
		default: usage(EX_USAGE_);
		}
	}
	if (optind != argc - 1 || json + findings + explain > 1)
		usage(EX_USAGE_);
	struct lg_config *cfg = load_config(cfgpath, EX_CONFIG_);
	lg_library_init();
	struct lg_buf msg = LG_BUF_INIT;
	if (read_all(argv[optind], &msg) < 0) {
		free(rcpts);
		lg_config_free(cfg);
		return 1;
	}
	char err[256];
	struct lg_analyzer *an = lg_analyzer_new(err, sizeof err);
	if (!an) {
		fprintf(stderr, "leakguardctl: %s\n", err);
		lg_buf_free(&msg);
		free(rcpts);
		lg_config_free(cfg);
		return 1;
	}
	if (dump.dir) {
		if (mkdir(dump.dir, 0700) < 0 && errno != EEXIST) {
			fprintf(stderr, "leakguardctl: cannot create %s: %s\n", dump.dir,
				strerror(errno));
			return 1;
		}
		lg_analyzer_set_dump(an, on_dump, &dump);
	}
	struct lg_envelope env = { sender, rcpts, nrcpts };
	struct lg_report rep;
	int rc = lg_analyze(an, cfg, (sender || nrcpts) ? &env : NULL, msg.data, msg.len, &rep, err,
			    sizeof err);
	if (rc < 0) {
		fprintf(stderr, "leakguardctl: %s: analysis failed: %s\n", argv[optind], err);
	} else {
		if (json) {
			struct lg_buf out = LG_BUF_INIT;
			lg_report_json(&rep, &out);
			printf("%s\n", lg_buf_cstr(&out));
			lg_buf_free(&out);
		} else if (findings) {
			print_findings(&rep);
		} else if (explain) {
			if (print_explain(cfg, &rep) < 0)
				rc = -1;
		} else {
			print_human(&rep);
		}
		if (dump.dir && (write_manifest(&dump, &rep) < 0 || dump.failed))
			rc = -1;
		lg_report_free(&rep);
	}
	lg_analyzer_free(an);
	dump_free(&dump);
	lg_buf_free(&msg);
	free(rcpts);
	lg_config_free(cfg);
	return rc < 0 ? 1 : 0;
}

/* cmd_check_config - leakguardctl check-config */
static int cmd_check_config(int argc, char **argv)
{
	const char *cfgpath = NULL;
	int ch;
	optind = 1;
	while ((ch = getopt(argc, argv, "c:h")) != -1) {
		switch (ch) {
		case 'c': cfgpath = optarg; break;
		case 'h': usage(0); break;
		default: usage(EX_USAGE_);
		}
	}
	struct lg_config *cfg = load_config(cfgpath, 1);	/* check-config: 0 valid, 1 not */
	printf("%s: configuration OK (%zu policy rules, %zu lists and groups)\n", cfg->source,
	       cfg->policy.nrules, cfg->policy.sets.n);
	lg_config_free(cfg);
	return 0;
}

int main(int argc, char **argv)
{
	lg_log_open("leakguardctl", LG_LOG_STDERR, 0);
	lg_alloc_keep_large();	/* scan and bench analyse like a worker does */
	if (argc < 2)
		usage(EX_USAGE_);
	if (!strcmp(argv[1], "--version")) {
		printf("leakguardctl %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		usage(0);
	if (!strcmp(argv[1], "scan"))
		return cmd_scan(argc - 1, argv + 1);
	if (!strcmp(argv[1], "quarantine"))
		return cmd_quarantine(argc - 1, argv + 1);
	if (!strcmp(argv[1], "check-config"))
		return cmd_check_config(argc - 1, argv + 1);
	if (!strcmp(argv[1], "bench"))
		return cmd_bench(argc - 1, argv + 1);
	fprintf(stderr, "leakguardctl: unknown command '%s'\n", argv[1]);
	usage(EX_USAGE_);
}
