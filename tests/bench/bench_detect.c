/* bench_detect.c - how fast the detectors are over decoded text: every built-in detector over
 * 100 MB (or BENCH_DETECT_MB) of generated mixed Japanese/English business text, twice: "dense"
 * (nearly every line has dates, times, amounts, document and part numbers: the stress case) and
 * "ordinary" (half the lines prose without digits), scanned in text blocks as analyze() hands
 * them over. Prints MB/s on one core (from the median CPU time of the passes, and from the best
 * wall time) and the matches per detector, then each detector alone.
 * Part of make bench, not of make check.
 * Environment: BENCH_DETECT_MB (size), BENCH_DETECT_REPS (3), BENCH_DETECT_ALONE=0 (skip the
 * per-detector passes, e.g. under callgrind), BENCH_DETECT_MIX=dense or ordinary (only that
 * mix). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/config.h"
#include "lg_buf.h"
#include "rules/detect.h"

#define BLOCK (64 * 1024)	/* text handed to the detectors at once, cut at a line end */

static uint64_t rng = 0x9E3779B97F4A7C15ull;

/* rnd - xorshift64*, deterministic so runs compare */
static unsigned rnd(unsigned n)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (unsigned)((rng * 0x2545F4914F6CDD1Dull) >> 33) % n;
}

static const char *const family[] = { "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本",
				       "中村", "小林", "加藤" };
static const char *const romaji[] = { "sato", "suzuki", "takahashi", "tanaka", "ito",
				      "watanabe", "yamamoto", "nakamura", "kobayashi", "kato" };

/* The kinds of line the generated text is made of. */
enum line_kind {
	L_MEETING,	/* Japanese: a date, a time, a room number */
	L_QUOTE,	/* Japanese: a quote number, an amount, a date */
	L_INVOICE,	/* English: invoice and part numbers, prices, a date */
	L_LOG,		/* a Postfix log line with an address */
	L_GREETING,	/* Japanese boilerplate, no digits */
	L_CODE,		/* a line of C */
	L_REVIEW,	/* English prose with figures */
	L_CONTACT,	/* a contact: phone number and address */
	L_POSTAL,	/* a postal address and a mobile number */
	L_PROSE_JA,	/* Japanese prose without digits, several sentences */
	L_PROSE_EN,	/* English prose without digits */
	L__COUNT
};

/* Percent of lines of each kind. dense: nearly every line has numbers (the stress case);
 * ordinary: half the lines are prose without digits, as in business mail with its attachments. */
static const unsigned mix_dense[L__COUNT] = { 22, 18, 15, 13, 12, 10, 6, 2, 2, 0, 0 };
static const unsigned mix_ordinary[L__COUNT] = { 12, 8, 6, 6, 20, 6, 6, 4, 2, 20, 10 };

static const char *const prose_ja[] = {
	"先日の打ち合わせでいただいたご意見を踏まえ、提案内容を見直しましたのでご確認ください。",
	"つきましては、関係各位にご周知いただきますよう、よろしくお願い申し上げます。",
	"ご不明な点がございましたら、担当までお気軽にお問い合わせください。",
	"今回の変更に伴い、手続きの流れが一部変わりますのでご注意ください。",
};
static const char *const prose_en[] = {
	"Please find attached the revised proposal reflecting the comments from our last meeting.",
	"We would appreciate it if you could share this with everyone concerned in your team.",
	"Let us know if anything is unclear; we are happy to walk you through the changes.",
};

/* one_line - one line of the given kind */
static void one_line(struct lg_buf *b, enum line_kind kind)
{
	unsigned f = rnd(10);
	switch (kind) {
	case L_MEETING:
		lg_buf_printf(b, "%u年%u月%u日 %02u:%02u から第%u会議室にて定例会議を開催します。資料は前日までに共有してください。\n",
			      2020 + rnd(7), 1 + rnd(12), 1 + rnd(28), 9 + rnd(9), rnd(4) * 15,
			      1 + rnd(9));
		break;
	case L_QUOTE:
		lg_buf_printf(b, "見積番号 Q-%u-%04u の合計金額は %u,%03u,%03u円(税込)、納期は%u月%u日を予定しております。\n",
			      2026, rnd(10000), rnd(10), rnd(1000), rnd(1000), 1 + rnd(12),
			      1 + rnd(28));
		break;
	case L_INVOICE:
		lg_buf_printf(b, "Invoice INV-%08u-%04u: %u units of part %u-%04u-%02u at $%u.%02u, total $%u,%03u.%02u due %u-%02u-%02u.\n",
			      20260000 + rnd(1231), rnd(10000), 1 + rnd(500), 100 + rnd(900),
			      rnd(10000), rnd(100), rnd(1000), rnd(100), rnd(100), rnd(1000),
			      rnd(100), 2026, 1 + rnd(12), 1 + rnd(28));
		break;
	case L_LOG:
		lg_buf_printf(b, "2026-11-%02uT%02u:%02u:%02u.%03uZ relay%u postfix/smtp[%u]: %08X: to=<user%u@example.net>, relay=mx%u.example.net[192.0.2.%u]:25, delay=%u.%u, status=sent (250 2.0.0 Ok)\n",
			      1 + rnd(28), rnd(24), rnd(60), rnd(60), rnd(1000), rnd(4), rnd(99999),
			      rnd(0x7fffffff), rnd(1000), rnd(3), rnd(255), rnd(9), rnd(99));
		break;
	case L_GREETING:
		lg_buf_printf(b, "平素より格別のご高配を賜り、厚く御礼申し上げます。本件につきましては、関係部署と調整のうえ改めてご連絡いたします。\n");
		break;
	case L_CODE:
		lg_buf_printf(b, "for (size_t i = 0; i < %u; i++) total += items[i].price * %u; /* ticket #%u, rev %u */\n",
			      rnd(1000), rnd(100), rnd(100000), rnd(10000));
		break;
	case L_REVIEW:
		lg_buf_printf(b, "The quarterly review on %s %u covered %u accounts; revenue grew %u.%u%% year on year and churn fell to %u.%u%%.\n",
			      rnd(2) ? "March" : "September", 1 + rnd(28), rnd(5000), rnd(30),
			      rnd(10), rnd(5), rnd(10));
		break;
	case L_CONTACT:
		lg_buf_printf(b, "担当: %s (TEL 0%u-%04u-%04u / %s@example.co.jp)\n", family[f],
			      3 + rnd(6), rnd(10000), rnd(10000), romaji[f]);
		break;
	case L_POSTAL:
		lg_buf_printf(b, "〒%03u-%04u 東京都千代田区霞が関%u-%u-%u 携帯 090-%04u-%04u\n",
			      100 + rnd(900), rnd(10000), 1 + rnd(3), 1 + rnd(9), 1 + rnd(20),
			      rnd(10000), rnd(10000));
		break;
	case L_PROSE_JA:
		lg_buf_printf(b, "%s%s\n", prose_ja[rnd(4)], prose_ja[rnd(4)]);
		break;
	case L_PROSE_EN:
		lg_buf_printf(b, "%s %s\n", prose_en[rnd(3)], prose_en[rnd(3)]);
		break;
	case L__COUNT:
		break;
	}
}

/* make_text - want bytes of lines drawn with the given percentages */
static void make_text(struct lg_buf *t, const unsigned mix[L__COUNT], size_t want)
{
	while (t->len < want) {
		unsigned k = rnd(100), kind = 0;
		while (kind < L__COUNT - 1 && k >= mix[kind])
			k -= mix[kind++];
		one_line(t, (enum line_kind)kind);
	}
}

static unsigned long counts[64];

/* on_match - count per detector */
static void on_match(void *arg, const struct lg_match *m)
{
	(void)arg;
	counts[m->det % 64]++;
}

/* now_s - monotonic seconds */
static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* cpu_s - CPU seconds (user + system) of this thread: less disturbed than wall time by other
 * work on a busy machine */
static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* dbl_cmp - order doubles */
static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* scan_all - every block of the text through one detector set; wall seconds (best of reps), or
 * -1; *cpu_median set to the median CPU seconds of the reps when not NULL */
static double scan_all(const struct lg_detectors *d, const char *t, size_t n, int reps,
		       double *cpu_median)
{
	char err[256];
	double best = 1e9;
	double cpu[64];
	if (reps < 1)
		reps = 1;
	if (reps > 64)
		reps = 64;
	for (int rep = 0; rep < reps; rep++) {
		memset(counts, 0, sizeof counts);
		double c0 = cpu_s();
		double t0 = now_s();
		for (size_t off = 0; off < n;) {
			size_t end = off + BLOCK < n ? off + BLOCK : n;
			const char *nl = end < n ? memchr(t + end, '\n', n - end) : NULL;
			end = nl ? (size_t)(nl - t) + 1 : n;
			if (lg_detect(d, t + off, end - off, NULL, on_match, NULL, err, sizeof err) < 0) {
				fprintf(stderr, "bench_detect: %s\n", err);
				return -1;
			}
			off = end;
		}
		double dt = now_s() - t0;
		cpu[rep] = cpu_s() - c0;
		if (dt < best)
			best = dt;
	}
	if (cpu_median) {
		qsort(cpu, (size_t)reps, sizeof cpu[0], dbl_cmp);
		*cpu_median = reps % 2 ? cpu[reps / 2] : (cpu[reps / 2 - 1] + cpu[reps / 2]) / 2;
	}
	return best;
}

int main(void)
{
	const char *mb_env = getenv("BENCH_DETECT_MB");
	size_t want = (size_t)(mb_env ? atoi(mb_env) : 100) << 20;
	const char *reps_env = getenv("BENCH_DETECT_REPS");
	int reps = reps_env ? atoi(reps_env) : 3;
	const char *alone = getenv("BENCH_DETECT_ALONE");	/* "0": the combined pass only */
	const char *only = getenv("BENCH_DETECT_MIX");	/* one mix by name */
	char err[256];
	struct lg_detectors *d = lg_detectors_builtin(err, sizeof err);
	if (!d) {
		fprintf(stderr, "bench_detect: %s\n", err);
		return 2;
	}
	static const struct {
		const char *name;
		const unsigned *mix;
	} mixes[] = { { "dense", mix_dense }, { "ordinary", mix_ordinary } };
	for (size_t m = 0; m < sizeof mixes / sizeof mixes[0]; m++) {
		if (only && *only && strcmp(only, mixes[m].name) != 0)
			continue;
		struct lg_buf text = LG_BUF_INIT;
		rng = 0x9E3779B97F4A7C15ull;
		make_text(&text, mixes[m].mix, want);
		const char *t = lg_buf_cstr(&text);
		size_t n = text.len;
		double cpu;
		double best = scan_all(d, t, n, reps, &cpu);
		if (best < 0)
			return 2;
		printf("detectors, %s text: %.1f MB: %.1f MB/s on one core (CPU time, median of %d: "
		       "%.3f s); wall %.3f s, %.1f MB/s (best); all %zu detectors\n", mixes[m].name,
		       (double)n / 1e6, (double)n / 1e6 / cpu, reps, cpu, best,
		       (double)n / 1e6 / best, lg_detector_count(d));
		unsigned long all[64];
		memcpy(all, counts, sizeof all);
		printf("  %-18s %10s %12s\n", "detector", "matches", "alone MB/s");
		for (unsigned det = 0; det < lg_detector_count(d) && det < 64; det++) {
			double dt = 0;
			if (!(alone && !strcmp(alone, "0"))) {
				struct lg_detectors *one =
					lg_detectors_build(lg_detector_def(d, det), 1, err, sizeof err);
				double c1 = 0;
				dt = one ? scan_all(one, t, n, 1, &c1) : -1;
				if (dt > 0)
					dt = c1;
				lg_detectors_free(one);
				if (dt < 0)
					return 2;
			}
			if (dt > 0)
				printf("  %-18s %10lu %12.1f\n", lg_detector_id(d, det), all[det],
				       (double)n / 1e6 / dt);
			else
				printf("  %-18s %10lu %12s\n", lg_detector_id(d, det), all[det], "-");
		}
		lg_buf_free(&text);
	}
	lg_detectors_free(d);
	return 0;
}
