/* bench_detect.c - how fast the detectors are over decoded text: every configured detector over
 * 100 MB (or BENCH_DETECT_MB) of generated mixed Japanese/English business text with a realistic
 * density of numbers (dates, times, amounts, document and part numbers, a contact line now and
 * then), scanned in text blocks as analyze() hands them over. Prints MB/s on one core and the
 * matches per detector, then each detector alone. Part of make bench, not of make check.
 * Environment: BENCH_DETECT_MB (size), BENCH_DETECT_REPS (3), BENCH_DETECT_ALONE=0 (skip the
 * per-detector passes, e.g. under callgrind). */
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

/* one_line - one line of the mix: prose with dates, amounts and codes; about one line in 25 a
 * contact with a phone number or address */
static void one_line(struct lg_buf *b)
{
	unsigned k = rnd(100), f = rnd(10);
	if (k < 22)
		lg_buf_printf(b, "%u年%u月%u日 %02u:%02u から第%u会議室にて定例会議を開催します。資料は前日までに共有してください。\n",
			      2020 + rnd(7), 1 + rnd(12), 1 + rnd(28), 9 + rnd(9), rnd(4) * 15,
			      1 + rnd(9));
	else if (k < 40)
		lg_buf_printf(b, "見積番号 Q-%u-%04u の合計金額は %u,%03u,%03u円(税込)、納期は%u月%u日を予定しております。\n",
			      2026, rnd(10000), rnd(10), rnd(1000), rnd(1000), 1 + rnd(12),
			      1 + rnd(28));
	else if (k < 55)
		lg_buf_printf(b, "Invoice INV-%08u-%04u: %u units of part %u-%04u-%02u at $%u.%02u, total $%u,%03u.%02u due %u-%02u-%02u.\n",
			      20260000 + rnd(1231), rnd(10000), 1 + rnd(500), 100 + rnd(900),
			      rnd(10000), rnd(100), rnd(1000), rnd(100), rnd(100), rnd(1000),
			      rnd(100), 2026, 1 + rnd(12), 1 + rnd(28));
	else if (k < 68)
		lg_buf_printf(b, "2026-11-%02uT%02u:%02u:%02u.%03uZ relay%u postfix/smtp[%u]: %08X: to=<user%u@example.net>, relay=mx%u.example.net[192.0.2.%u]:25, delay=%u.%u, status=sent (250 2.0.0 Ok)\n",
			      1 + rnd(28), rnd(24), rnd(60), rnd(60), rnd(1000), rnd(4), rnd(99999),
			      rnd(0x7fffffff), rnd(1000), rnd(3), rnd(255), rnd(9), rnd(99));
	else if (k < 80)
		lg_buf_printf(b, "平素より格別のご高配を賜り、厚く御礼申し上げます。本件につきましては、関係部署と調整のうえ改めてご連絡いたします。\n");
	else if (k < 90)
		lg_buf_printf(b, "for (size_t i = 0; i < %u; i++) total += items[i].price * %u; /* ticket #%u, rev %u */\n",
			      rnd(1000), rnd(100), rnd(100000), rnd(10000));
	else if (k < 96)
		lg_buf_printf(b, "The quarterly review on %s %u covered %u accounts; revenue grew %u.%u%% year on year and churn fell to %u.%u%%.\n",
			      rnd(2) ? "March" : "September", 1 + rnd(28), rnd(5000), rnd(30),
			      rnd(10), rnd(5), rnd(10));
	else if (k < 98)
		lg_buf_printf(b, "担当: %s (TEL 0%u-%04u-%04u / %s@example.co.jp)\n", family[f],
			      3 + rnd(6), rnd(10000), rnd(10000), romaji[f]);
	else
		lg_buf_printf(b, "〒%03u-%04u 東京都千代田区霞が関%u-%u-%u 携帯 090-%04u-%04u\n",
			      100 + rnd(900), rnd(10000), 1 + rnd(3), 1 + rnd(9), 1 + rnd(20),
			      rnd(10000), rnd(10000));
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

/* scan_all - every block of the text through one detector set; seconds (best of reps), or -1 */
static double scan_all(const struct lg_detectors *d, const char *t, size_t n, int reps)
{
	char err[256];
	double best = 1e9;
	for (int rep = 0; rep < reps; rep++) {
		memset(counts, 0, sizeof counts);
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
		if (dt < best)
			best = dt;
	}
	return best;
}

int main(void)
{
	const char *mb_env = getenv("BENCH_DETECT_MB");
	size_t want = (size_t)(mb_env ? atoi(mb_env) : 100) << 20;
	struct lg_buf text = LG_BUF_INIT;
	while (text.len < want)
		one_line(&text);

	char err[256];
	struct lg_detectors *d = lg_detectors_builtin(err, sizeof err);
	if (!d) {
		fprintf(stderr, "bench_detect: %s\n", err);
		return 2;
	}
	const char *t = lg_buf_cstr(&text);
	size_t n = text.len;
	const char *reps_env = getenv("BENCH_DETECT_REPS");
	double best = scan_all(d, t, n, reps_env ? atoi(reps_env) : 3);
	if (best < 0)
		return 2;
	printf("detectors: %.1f MB of mixed text in %.3f s: %.1f MB/s on one core (best of 3), "
	       "all %zu detectors\n", (double)n / 1e6, best, (double)n / 1e6 / best,
	       lg_detector_count(d));
	unsigned long all[64];
	memcpy(all, counts, sizeof all);
	printf("  %-18s %10s %12s\n", "detector", "matches", "alone MB/s");
	const char *alone = getenv("BENCH_DETECT_ALONE");	/* "0": the combined pass only */
	for (unsigned det = 0; det < lg_detector_count(d) && det < 64 && !(alone && !strcmp(alone, "0"));
	     det++) {
		struct lg_detectors *one = lg_detectors_build(lg_detector_def(d, det), 1, err,
							      sizeof err);
		double dt = one ? scan_all(one, t, n, 1) : -1;
		lg_detectors_free(one);
		if (dt < 0)
			return 2;
		printf("  %-18s %10lu %12.1f\n", lg_detector_id(d, det), all[det], (double)n / 1e6 / dt);
	}
	lg_detectors_free(d);
	lg_buf_free(&text);
	return 0;
}
