/* bench_cmd.c - leakguardctl bench: the speed of analyze() alone, on one core, over saved messages
 * (files, or directories searched recursively): messages/s and MB/s, per-message p50/p99, and
 * the detectors' MB/s over the text analyze() handed them. The figures are CPU time of the one
 * analysing thread (portable between loaded and idle machines); wall-clock time is shown beside. */
#include "config.h"

#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "analyze/analyze.h"
#include "config/config.h"
#include "lg_alloc.h"
#include "lg_buf.h"
#include "rules/detect.h"
#include "tools/ctl.h"

/* Named limits: what one run loads and measures. */
#define BENCH_MAX_FILES 100000			/* messages loaded */
#define BENCH_MAX_BYTES (4ULL << 30)		/* bytes of all messages together */
#define BENCH_MAX_SAMPLES 20000000		/* per-message timings kept */
#define BENCH_MAX_ROUNDS 1000000

/* One loaded message and its timings. */
struct bench_msg {
	char *path;
	struct lg_buf data;
	double cpu_sum;		/* CPU seconds over all rounds */
};

/* What the run loads and collects. */
struct bench {
	struct bench_msg *m;
	size_t n;
	unsigned long long bytes;
	struct lg_buf text;	/* every text handed to the detectors (one pass), one after another */
	size_t *text_len;	/* the length of each (a text may hold NUL bytes) */
	size_t ntexts;
	int failed;
};

static struct bench *walk_bench;	/* nftw has no user argument */

/* thread_cpu - CPU seconds of the calling thread */
static double thread_cpu(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* wall - monotonic seconds */
static double wall(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* add_file - load one message; 0, or -1 with a message printed */
static int add_file(struct bench *b, const char *path)
{
	if (b->n >= BENCH_MAX_FILES) {
		fprintf(stderr, "leakguardctl bench: more than %d files (limit)\n", BENCH_MAX_FILES);
		return -1;
	}
	b->m = lg_realloc(b->m, (b->n + 1) * sizeof *b->m);
	struct bench_msg *m = &b->m[b->n];
	*m = (struct bench_msg){ .path = lg_strdup(path), .data = LG_BUF_INIT };
	if (read_all(path, &m->data) < 0) {
		free(m->path);
		lg_buf_free(&m->data);
		return -1;
	}
	b->bytes += m->data.len;
	b->n++;
	if (b->bytes > BENCH_MAX_BYTES) {
		fprintf(stderr, "leakguardctl bench: more than %llu bytes of messages (limit)\n",
			BENCH_MAX_BYTES);
		return -1;
	}
	return 0;
}

/* walk_one - nftw callback: load each regular file */
static int walk_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_F && add_file(walk_bench, path) < 0)
		return 1;
	if (type == FTW_DNR || type == FTW_NS) {
		fprintf(stderr, "leakguardctl bench: cannot read %s\n", path);
		return 1;
	}
	return 0;
}

/* load - the files and the regular files under the directories, sorted by path per directory */
static int load(struct bench *b, char **paths, int n)
{
	walk_bench = b;
	for (int i = 0; i < n; i++) {
		struct stat st;
		if (stat(paths[i], &st) < 0) {
			fprintf(stderr, "leakguardctl bench: %s: %s\n", paths[i], strerror(errno));
			return -1;
		}
		if (S_ISDIR(st.st_mode)) {
			if (nftw(paths[i], walk_one, 32, FTW_PHYS) != 0)
				return -1;
		} else if (add_file(b, paths[i]) < 0) {
			return -1;
		}
	}
	return 0;
}

/* on_text - the dump hook of the first pass: keep the text handed to the detectors */
static void on_text(void *arg, const struct lg_part *part, const char *kind, const char *data,
		    size_t len)
{
	struct bench *b = arg;
	(void)part;
	if (strcmp(kind, "text") != 0 || len == 0)
		return;
	lg_buf_append(&b->text, data, len);
	b->text_len = lg_realloc(b->text_len, (b->ntexts + 1) * sizeof *b->text_len);
	b->text_len[b->ntexts++] = len;
}

/* cmp_double - qsort order */
static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* pct - the p-th percentile (nearest rank) of n sorted values */
static double pct(const double *v, size_t n, double p)
{
	if (n == 0)
		return NAN;
	size_t k = (size_t)ceil(p / 100.0 * (double)n);
	return v[k ? k - 1 : 0];
}

/* count_match - the detectors' callback: count */
static void count_match(void *arg, const struct lg_match *m)
{
	(void)m;
	++*(unsigned long *)arg;
}

/* detect_pass - every collected text through the detector set once; CPU seconds, or -1 */
static double detect_pass(const struct lg_detectors *d, const struct bench *b, unsigned long *hits)
{
	char err[256];
	double c0 = thread_cpu();
	for (size_t i = 0, off = 0; i < b->ntexts; off += b->text_len[i++]) {
		if (lg_detect(d, b->text.data + off, b->text_len[i], NULL, count_match, hits, err,
			      sizeof err) == -1) {
			fprintf(stderr, "leakguardctl bench: detectors: %s\n", err);
			return -1;
		}
	}
	return thread_cpu() - c0;
}

/* pin_one_cpu - keep this process on the CPU it runs on; the CPU number, or -1 */
static int pin_one_cpu(void)
{
	int cpu = sched_getcpu();
	if (cpu < 0)
		return -1;
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof set, &set) == 0 ? cpu : -1;
}

/* bench_usage - the command's synopsis */
static void bench_usage(FILE *f)
{
	fprintf(f, "usage: leakguardctl bench [-c CONFIG] [-n ROUNDS] [-t SECONDS] [-v] FILE|DIR...\n"
		   "  analyze() alone on one core: messages/s, MB/s, per-message p50/p99 (CPU time),\n"
		   "  and the detectors' MB/s; -v adds each file's mean time\n");
}

/* cmd_bench - leakguardctl bench */
int cmd_bench(int argc, char **argv)
{
	const char *cfgpath = NULL;
	long rounds = 0;
	double seconds = 3.0;
	int verbose = 0, ch;
	char *end;
	optind = 1;
	while ((ch = getopt(argc, argv, "c:n:t:vh")) != -1) {
		switch (ch) {
		case 'c': cfgpath = optarg; break;
		case 'n':
			errno = 0;
			rounds = strtol(optarg, &end, 10);
			if (errno || *end || rounds < 1 || rounds > BENCH_MAX_ROUNDS) {
				fprintf(stderr, "leakguardctl bench: -n takes 1 to %d\n", BENCH_MAX_ROUNDS);
				return EX_USAGE_;
			}
			break;
		case 't':
			errno = 0;
			seconds = strtod(optarg, &end);
			if (errno || *end || !(seconds > 0 && seconds <= 86400)) {
				fprintf(stderr, "leakguardctl bench: -t takes seconds, more than 0\n");
				return EX_USAGE_;
			}
			break;
		case 'v': verbose = 1; break;
		case 'h': bench_usage(stdout); return 0;
		default: bench_usage(stderr); return EX_USAGE_;
		}
	}
	if (optind >= argc) {
		bench_usage(stderr);
		return EX_USAGE_;
	}
	struct lg_config *cfg = load_config(cfgpath, EX_CONFIG_);
	struct bench b = { .text = LG_BUF_INIT };
	int rc = 1;
	double *samples = NULL;
	char err[256];
	struct lg_analyzer *an = NULL;
	if (load(&b, argv + optind, argc - optind) < 0)
		goto out;
	if (b.n == 0) {
		fprintf(stderr, "leakguardctl bench: no files\n");
		goto out;
	}
	int cpu = pin_one_cpu();
	lg_library_init();
	an = lg_analyzer_new(err, sizeof err);
	if (!an) {
		fprintf(stderr, "leakguardctl bench: %s\n", err);
		goto out;
	}

	/* warm-up pass (not timed): caches, lazy initialisation, and the detectors' texts */
	lg_analyzer_set_dump(an, on_text, &b);
	unsigned long verdicts[LG_ACT_REJECT + 1] = { 0 };
	for (size_t i = 0; i < b.n; i++) {
		struct lg_report rep;
		if (lg_analyze(an, cfg, NULL, b.m[i].data.data ? b.m[i].data.data : "",
			       b.m[i].data.len, &rep, err, sizeof err) < 0) {
			fprintf(stderr, "leakguardctl bench: %s: analysis failed: %s\n", b.m[i].path, err);
			goto out;
		}
		if ((unsigned)rep.verdict.action <= LG_ACT_REJECT)
			verdicts[rep.verdict.action]++;
		lg_report_free(&rep);
	}
	lg_analyzer_set_dump(an, NULL, NULL);

	/* timed rounds: -n ROUNDS, else until -t SECONDS of CPU time (at least one round; on a
	 * machine so busy that this thread gets little of its CPU, at most ten times that in wall
	 * time) */
	size_t cap = b.n * (size_t)(rounds ? rounds : 16), ns = 0;
	if (cap > BENCH_MAX_SAMPLES)
		cap = BENCH_MAX_SAMPLES;
	samples = lg_calloc(cap, sizeof *samples);
	double cpu_total = 0, w0 = wall();
	long done = 0;
	while (rounds ? done < rounds
		      : (done == 0 || (cpu_total < seconds && wall() - w0 < 10 * seconds))) {
		for (size_t i = 0; i < b.n; i++) {
			struct lg_report rep;
			double c0 = thread_cpu();
			int r = lg_analyze(an, cfg, NULL, b.m[i].data.data ? b.m[i].data.data : "",
					   b.m[i].data.len, &rep, err, sizeof err);
			double dc = thread_cpu() - c0;
			if (r < 0) {
				fprintf(stderr, "leakguardctl bench: %s: analysis failed: %s\n",
					b.m[i].path, err);
				goto out;
			}
			lg_report_free(&rep);
			cpu_total += dc;
			b.m[i].cpu_sum += dc;
			if (ns == cap && cap < BENCH_MAX_SAMPLES) {
				cap = cap * 2 < BENCH_MAX_SAMPLES ? cap * 2 : BENCH_MAX_SAMPLES;
				samples = lg_realloc(samples, cap * sizeof *samples);
			}
			if (ns < cap)
				samples[ns++] = dc;
		}
		done++;
		if (done >= BENCH_MAX_ROUNDS)
			break;
	}
	double wall_total = wall() - w0;
	qsort(samples, ns, sizeof *samples, cmp_double);

	double mb = (double)b.bytes / 1e6, msgs = (double)b.n * (double)done;
	printf("leakguardctl bench: %zu messages, %.2f MB, %ld rounds, one thread%s", b.n, mb, done,
	       cpu >= 0 ? "" : " (not pinned)");
	if (cpu >= 0)
		printf(" on CPU %d", cpu);
	printf("\nverdicts:     accept %lu, tag %lu, bcc %lu, hold %lu, discard %lu, tempfail %lu, "
	       "reject %lu\n", verdicts[LG_ACT_ACCEPT], verdicts[LG_ACT_TAG], verdicts[LG_ACT_BCC],
	       verdicts[LG_ACT_HOLD], verdicts[LG_ACT_DISCARD], verdicts[LG_ACT_TEMPFAIL],
	       verdicts[LG_ACT_REJECT]);
	printf("analyze():    %.1f messages/s, %.2f MB/s (CPU time %.3f s; wall %.3f s: %.1f "
	       "messages/s)\n", msgs / cpu_total, mb * (double)done / cpu_total, cpu_total,
	       wall_total, msgs / wall_total);
	printf("per message:  mean %.3f ms, p50 %.3f ms, p99 %.3f ms, max %.3f ms (CPU time, %zu "
	       "samples)\n", cpu_total / msgs * 1e3, pct(samples, ns, 50) * 1e3,
	       pct(samples, ns, 99) * 1e3, ns ? samples[ns - 1] * 1e3 : NAN, ns);

	/* the detectors alone over the texts of the warm-up pass, as often as analyze() ran */
	if (b.text.len > 0) {
		unsigned long hits = 0;
		double dt = 0;
		long passes = 0;
		do {
			double t = detect_pass(cfg->detectors, &b, &hits);
			if (t < 0)
				goto out;
			dt += t;
			passes++;
		} while (passes < done && dt < seconds);
		double tmb = (double)b.text.len / 1e6;
		printf("detectors:    %.2f MB/s over %.2f MB of extracted text in %zu texts (%lu "
		       "matches per pass, %ld passes, CPU time)\n", tmb * (double)passes / dt, tmb,
		       b.ntexts, hits / (unsigned long)passes, passes);
	} else {
		printf("detectors:    no text was handed to the detectors\n");
	}
	if (verbose)
		for (size_t i = 0; i < b.n; i++)
			printf("  %10.3f ms  %10zu bytes  %s\n", b.m[i].cpu_sum / (double)done * 1e3,
			       b.m[i].data.len, b.m[i].path);
	rc = 0;
out:
	lg_analyzer_free(an);
	free(samples);
	for (size_t i = 0; i < b.n; i++) {
		free(b.m[i].path);
		lg_buf_free(&b.m[i].data);
	}
	free(b.m);
	lg_buf_free(&b.text);
	free(b.text_len);
	lg_config_free(cfg);
	return rc;
}
