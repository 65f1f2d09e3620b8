/* test_archive_precheck.c - the directory pre-check (content/archive_precheck.c) on zips and 7z
 * headers built byte by byte here: counts that tell the truth or lie, ZIP64 end records, comments
 * at the end, prepended data, truncation, encoded 7z headers; then every archive and office
 * fixture, which must all pass under the default limits (so libarchive reads them as before). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content/archive_precheck.h"
#include "lg_buf.h"
#include "tests/unit/ex_collect.h"
#include "tests/unit/tap.h"

/* ---- writing little-endian fields ------------------------------------------------------------ */

/* put16 / put32 / put64 - append a little-endian integer */
static void put16(struct lg_buf *b, uint32_t v)
{
	lg_buf_putc(b, (char)(v & 0xFF));
	lg_buf_putc(b, (char)(v >> 8 & 0xFF));
}

static void put32(struct lg_buf *b, uint32_t v)
{
	put16(b, v & 0xFFFF);
	put16(b, v >> 16);
}

static void put64(struct lg_buf *b, uint64_t v)
{
	put32(b, (uint32_t)v);
	put32(b, (uint32_t)(v >> 32));
}

/* ---- zips ------------------------------------------------------------------------------------ */

/* How to build one zip: n empty stored members named "m<i>", then what to get wrong. */
struct zip_spec {
	const char *name;
	unsigned members;	/* the limit: archive_members */
	unsigned n;		/* central directory records written */
	bool want_ok;		/* the pre-check lets it through */
	long declared;		/* entry count in the end record(s), -1: n */
	size_t prefix;		/* junk bytes before the zip (offsets not adjusted, as in an SFX) */
	size_t comment;		/* bytes of archive comment after the end record */
	bool zip64;		/* ZIP64 record and locator, 0xFFFF/0xFFFFFFFF in the end record */
	long cd_size;		/* central directory size in the end record, -1: the real one */
	size_t cut;		/* bytes cut off the end (0: none) */
	bool fake_eocd;		/* a "PK\5\6" that fails libarchive's checks, in the comment */
	bool tar_first;		/* a tar header in front (lg_archive_precheck leaves it to tar) */
};

/* tar_header - a 512-byte ustar header with a right checksum */
static void tar_header(struct lg_buf *b)
{
	char h[512] = { 0 };
	strcpy(h, "inner.zip");
	memcpy(h + 100, "0000644", 7);
	memcpy(h + 124, "00000000000", 11);
	memcpy(h + 257, "ustar", 5);
	memset(h + 148, ' ', 8);
	unsigned sum = 0;
	for (size_t i = 0; i < sizeof h; i++)
		sum += (unsigned char)h[i];
	snprintf(h + 148, 8, "%06o", sum);
	lg_buf_append(b, h, sizeof h);
}

/* build_zip - the zip that spec describes, into b */
static void build_zip(const struct zip_spec *z, struct lg_buf *b)
{
	char name[16];

	lg_buf_reset(b);
	if (z->tar_first)
		tar_header(b);
	for (size_t i = 0; i < z->prefix; i++)
		lg_buf_putc(b, 'x');
	size_t base = b->len;
	for (unsigned i = 0; i < z->n; i++) {	/* local headers */
		int nl = snprintf(name, sizeof name, "m%u", i);
		put32(b, 0x04034B50);
		put16(b, 20);
		for (int k = 0; k < 4; k++)
			put16(b, 0);	/* flags, method, time, date */
		put32(b, 0);
		put32(b, 0);
		put32(b, 0);
		put16(b, (uint32_t)nl);
		put16(b, 0);
		lg_buf_append(b, name, (size_t)nl);
	}
	size_t cd = b->len;
	size_t off = 0;
	for (unsigned i = 0; i < z->n; i++) {	/* central directory */
		int nl = snprintf(name, sizeof name, "m%u", i);
		put32(b, 0x02014B50);
		put16(b, 20);
		put16(b, 20);
		for (int k = 0; k < 4; k++)
			put16(b, 0);
		put32(b, 0);
		put32(b, 0);
		put32(b, 0);
		put16(b, (uint32_t)nl);
		for (int k = 0; k < 4; k++)
			put16(b, 0);	/* extra, comment, disk, internal attributes */
		put32(b, 0);
		put32(b, (uint32_t)off);
		lg_buf_append(b, name, (size_t)nl);
		off += 30 + (size_t)nl;
	}
	uint64_t cd_size = b->len - cd, cd_off = cd - base;
	uint64_t declared = z->declared < 0 ? z->n : (uint64_t)z->declared;
	if (z->zip64) {
		size_t rec = b->len - base;
		put32(b, 0x06064B50);
		put64(b, 44);
		put16(b, 45);
		put16(b, 45);
		put32(b, 0);
		put32(b, 0);
		put64(b, declared);
		put64(b, declared);
		put64(b, cd_size);
		put64(b, cd_off);
		put32(b, 0x07064B50);
		put32(b, 0);
		put64(b, rec);
		put32(b, 1);
	}
	if (z->cd_size >= 0)
		cd_size = (uint64_t)z->cd_size;
	put32(b, 0x06054B50);
	put16(b, 0);
	put16(b, 0);
	put16(b, z->zip64 ? 0xFFFF : (uint32_t)declared);
	put16(b, z->zip64 ? 0xFFFF : (uint32_t)declared);
	put32(b, (uint32_t)cd_size);
	put32(b, z->zip64 ? 0xFFFFFFFFu : (uint32_t)cd_off);
	put16(b, (uint32_t)z->comment);
	for (size_t i = 0; i < z->comment; i++) {
		if (z->fake_eocd && i == z->comment - 30) {
			lg_buf_append(b, "PK\5\6\1\0", 6);	/* disk 1: libarchive gives up */
			i += 5;
			continue;
		}
		lg_buf_putc(b, 'c');
	}
	if (z->cut && z->cut < b->len)
		b->len -= z->cut;
}

static const struct zip_spec zip_cases[] = {
	{ .name = "2 records, members 1 (cap 4)", .members = 1, .n = 2, .want_ok = true, .declared = -1,
	  .cd_size = -1 },
	{ .name = "4 records: exactly the cap", .members = 1, .n = 4, .want_ok = true, .declared = -1,
	  .cd_size = -1 },
	{ .name = "5 records: over the cap", .members = 1, .n = 5, .want_ok = false, .declared = -1,
	  .cd_size = -1 },
	{ .name = "9 records, members 2 (cap 8)", .members = 2, .n = 9, .want_ok = false,
	  .declared = -1, .cd_size = -1 },
	{ .name = "no records", .members = 1, .n = 0, .want_ok = true, .declared = -1, .cd_size = -1 },
	{ .name = "5 records, end record behind a 65535-byte comment", .members = 1, .n = 5,
	  .want_ok = false, .declared = -1, .comment = 65535, .cd_size = -1 },
	{ .name = "5 records, a bogus end record in the comment (libarchive streams it)",
	  .members = 1, .n = 5, .want_ok = true, .declared = -1, .comment = 200, .fake_eocd = true,
	  .cd_size = -1 },
	{ .name = "ZIP64: 3 records", .members = 1, .n = 3, .want_ok = true, .declared = -1,
	  .zip64 = true, .cd_size = -1 },
	{ .name = "ZIP64: 5 records", .members = 1, .n = 5, .want_ok = false, .declared = -1,
	  .zip64 = true, .cd_size = -1 },
	{ .name = "ZIP64: 5 records declared as 1", .members = 1, .n = 5, .want_ok = false,
	  .declared = 1, .zip64 = true, .cd_size = -1 },
	{ .name = "count lies low: 5 records declared as 1", .members = 1, .n = 5, .want_ok = false,
	  .declared = 1, .cd_size = -1 },
	{ .name = "count lies high: 2 records declared as 60000", .members = 1, .n = 2,
	  .want_ok = true, .declared = 60000, .cd_size = -1 },
	{ .name = "directory size lies low (0): libarchive reads no record", .members = 1, .n = 5,
	  .want_ok = true, .declared = -1, .cd_size = 0 },
	{ .name = "directory size lies high (with data in front, so libarchive still takes it): "
		  "it searches forward to the records",
	  .members = 1, .n = 5, .want_ok = false, .declared = -1, .prefix = 1000, .cd_size = 300 },
	{ .name = "directory size past the start: libarchive ignores the end record",
	  .members = 1, .n = 5, .want_ok = true, .declared = -1, .cd_size = 100000 },
	{ .name = "5 records after 1000 bytes of prepended data", .members = 1, .n = 5,
	  .want_ok = false, .declared = -1, .prefix = 1000, .cd_size = -1 },
	{ .name = "truncated: end record cut off", .members = 1, .n = 5, .want_ok = true,
	  .declared = -1, .cd_size = -1, .cut = 10 },
	{ .name = "tar in front: left to the tar reader", .members = 1, .n = 5, .want_ok = true,
	  .declared = -1, .cd_size = -1, .tar_first = true },
};

/* test_zip_cases - the table above through lg_archive_precheck (and lg_precheck_zip) */
static void test_zip_cases(void)
{
	struct lg_buf b = LG_BUF_INIT;

	for (size_t i = 0; i < sizeof zip_cases / sizeof zip_cases[0]; i++) {
		const struct zip_spec *z = &zip_cases[i];
		struct lg_ex_limits lim = ex_default_limits();
		struct lg_ex_result r = { 0 };
		lim.members = z->members;
		build_zip(z, &b);
		bool ok = lg_archive_precheck(b.data, b.len, &lim, &r);
		tap_ok(ok == z->want_ok, "zip %s: %s", z->name, z->want_ok ? "passes" : "refused");
		if (!z->want_ok)
			tap_ok(r.status == LG_EX_LIMIT && !strcmp(r.reason, "limit:archive_members") &&
				       strstr(r.detail, "more than"),
			       "zip %s: limit:archive_members (%s)", z->name, r.detail);
		else
			tap_ok(r.status == LG_EX_OK, "zip %s: result untouched", z->name);
		if (z->tar_first) {	/* the zip check alone does see the stored zip */
			memset(&r, 0, sizeof r);
			tap_ok(!lg_precheck_zip(b.data, b.len, &lim, &r),
			       "zip %s: lg_precheck_zip alone refuses the zip inside", z->name);
		}
	}
	lg_buf_free(&b);
}

/* test_zip_cut_everywhere - a refused zip cut at every length never crashes and, once the end
 * record is gone, passes */
static void test_zip_cut_everywhere(void)
{
	struct zip_spec z = { .members = 1, .n = 5, .declared = -1, .cd_size = -1 };
	struct lg_buf b = LG_BUF_INIT;
	struct lg_ex_limits lim = ex_default_limits();
	bool fine = true;

	lim.members = 1;
	build_zip(&z, &b);
	for (size_t len = 0; len < b.len - 22; len++) {
		struct lg_ex_result r = { 0 };
		if (!lg_precheck_zip(b.data, len, &lim, &r))
			fine = false;
	}
	tap_ok(fine, "zip cut anywhere before its end record: passes (%zu lengths)", b.len - 22);
	struct lg_ex_result r = { 0 };
	tap_ok(!lg_precheck_zip(b.data, b.len, &lim, &r), "the whole zip is refused");
	lg_buf_free(&b);
}

/* ---- 7z -------------------------------------------------------------------------------------- */

/* crc32 - CRC-32 (IEEE), for the signature headers written here */
static uint32_t crc32(const unsigned char *p, size_t n)
{
	uint32_t c = 0xFFFFFFFFu;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0xEDB88320u : c >> 1;
	}
	return ~c;
}

/* build_7z - a signature header pointing at the header bytes hdr (after pad bytes of packed
 * data); size_extra makes NextHeaderSize claim more than is there; bad_crc spoils its CRC */
static void build_7z(struct lg_buf *b, const unsigned char *hdr, size_t hlen, size_t pad,
		     uint64_t size_extra, bool bad_crc)
{
	struct lg_buf start = LG_BUF_INIT;
	put64(&start, pad);
	put64(&start, hlen + size_extra);
	put32(&start, 0);	/* next header CRC: the pre-check does not need it */
	lg_buf_reset(b);
	lg_buf_append(b, "7z\xBC\xAF\x27\x1C\0\4", 8);
	put32(b, crc32((const unsigned char *)start.data, start.len) ^ (bad_crc ? 1u : 0u));
	lg_buf_append(b, start.data, start.len);
	for (size_t i = 0; i < pad; i++)
		lg_buf_putc(b, 'p');
	lg_buf_append(b, hdr, hlen);
	lg_buf_free(&start);
}

/* Encoded headers: streams info of one packed stream and one folder. NUMBER 0x8B 0xB8 is 3000
 * (0xB8 + (0x0B << 8)), 0x87 0xD0 is 2000. */
static const unsigned char enc_lzma_3000[] = {
	0x17, 0x06, 0x00, 0x01, 0x09, 0x0A, 0x00,	/* pack info: pos 0, 1 stream of 10 */
	0x07, 0x0B, 0x01, 0x00,				/* unpack info: 1 folder, not external */
	0x01, 0x23, 0x03, 0x01, 0x01, 0x05, 0x5D, 0x00, 0x00, 0x10, 0x00,	/* LZMA, 5 props */
	0x0C, 0x8B, 0xB8, 0x00, 0x00,			/* unpack size 3000, end, end */
};
static const unsigned char enc_lzma_2000[] = {
	0x17, 0x06, 0x00, 0x01, 0x09, 0x0A, 0x00, 0x07, 0x0B, 0x01, 0x00,
	0x01, 0x23, 0x03, 0x01, 0x01, 0x05, 0x5D, 0x00, 0x00, 0x10, 0x00,
	0x0C, 0x87, 0xD0, 0x00, 0x00,
};
/* BCJ then LZMA: out stream 1 (LZMA's) is bound to BCJ's input, so the header is out stream 0 */
static const unsigned char enc_bcj_3000_small[] = {
	0x17, 0x06, 0x00, 0x01, 0x09, 0x0A, 0x00, 0x07, 0x0B, 0x01, 0x00,
	0x02, 0x04, 0x03, 0x03, 0x01, 0x03,		/* 2 coders: BCJ x86 */
	0x23, 0x03, 0x01, 0x01, 0x05, 0x5D, 0x00, 0x00, 0x10, 0x00,	/* LZMA */
	0x01, 0x01,					/* bind pair: in 1 <- out 1 */
	0x0C, 0x8B, 0xB8, 0x0A, 0x00, 0x00,		/* sizes: out 0 3000, out 1 10 */
};
static const unsigned char enc_bcj_small_3000[] = {
	0x17, 0x06, 0x00, 0x01, 0x09, 0x0A, 0x00, 0x07, 0x0B, 0x01, 0x00,
	0x02, 0x04, 0x03, 0x03, 0x01, 0x03,
	0x23, 0x03, 0x01, 0x01, 0x05, 0x5D, 0x00, 0x00, 0x10, 0x00,
	0x01, 0x01,
	0x0C, 0x0A, 0x8B, 0xB8, 0x00, 0x00,		/* out 0 10, out 1 3000 */
};
/* AES-256 + SHA-256 then LZMA: libarchive stops at "the archive header is encrypted" */
static const unsigned char enc_aes_3000[] = {
	0x17, 0x06, 0x00, 0x01, 0x09, 0x0A, 0x00, 0x07, 0x0B, 0x01, 0x00,
	0x01, 0x24, 0x06, 0xF1, 0x07, 0x01, 0x01, 0x00,	/* AES, 1 property byte */
	0x0C, 0x8B, 0xB8, 0x00, 0x00,
};

/* How to build one 7z, and what the pre-check must say at archive_members 1 (3000 > 4 * 512) */
struct sz_spec {
	const char *name;
	const unsigned char *hdr;	/* NULL: a plain header (kHeader) of plain bytes */
	size_t hlen;
	size_t pad;
	uint64_t size_extra;
	bool bad_crc;
	bool want_ok;
};

static const struct sz_spec sz_cases[] = {
	{ "plain header of 100 bytes", NULL, 100, 0, 0, false, true },
	{ "plain header of 2048 bytes (the bound)", NULL, 2048, 16, 0, false, true },
	{ "plain header of 3000 bytes", NULL, 3000, 16, 0, false, false },
	{ "plain header of 3000 bytes, start header CRC wrong", NULL, 3000, 0, 0, true, true },
	{ "header size past the end of the file", NULL, 100, 0, 1, false, true },
	{ "encoded header, LZMA, unpacks to 2000", enc_lzma_2000, sizeof enc_lzma_2000, 10, 0, false,
	  true },
	{ "encoded header, LZMA, unpacks to 3000", enc_lzma_3000, sizeof enc_lzma_3000, 10, 0, false,
	  false },
	{ "encoded header, BCJ+LZMA, final stream 3000", enc_bcj_3000_small,
	  sizeof enc_bcj_3000_small, 10, 0, false, false },
	{ "encoded header, BCJ+LZMA, inner stream 3000, final 10", enc_bcj_small_3000,
	  sizeof enc_bcj_small_3000, 10, 0, false, true },
	{ "encoded header, AES", enc_aes_3000, sizeof enc_aes_3000, 10, 0, false, true },
	{ "encoded header cut short", enc_lzma_3000, 24, 10, 0, false, true },
};

/* test_7z_cases - the table above through lg_archive_precheck */
static void test_7z_cases(void)
{
	struct lg_buf b = LG_BUF_INIT;
	unsigned char plain[3000];

	memset(plain, 0, sizeof plain);
	plain[0] = 0x01;	/* kHeader */
	for (size_t i = 0; i < sizeof sz_cases / sizeof sz_cases[0]; i++) {
		const struct sz_spec *c = &sz_cases[i];
		struct lg_ex_limits lim = ex_default_limits();
		struct lg_ex_result r = { 0 };
		lim.members = 1;
		build_7z(&b, c->hdr ? c->hdr : plain, c->hlen, c->pad, c->size_extra, c->bad_crc);
		bool ok = lg_archive_precheck(b.data, b.len, &lim, &r);
		tap_ok(ok == c->want_ok, "7z %s: %s", c->name, c->want_ok ? "passes" : "refused");
		if (!c->want_ok)
			tap_ok(r.status == LG_EX_LIMIT && !strcmp(r.reason, "limit:archive_members") &&
				       strstr(r.detail, "3000 bytes"),
			       "7z %s: limit:archive_members (%s)", c->name, r.detail);
	}
	/* the same 3000-byte header is fine once archive_members allows 2 (8 * 512 bytes) */
	struct lg_ex_limits lim = ex_default_limits();
	struct lg_ex_result r = { 0 };
	lim.members = 2;
	build_7z(&b, enc_lzma_3000, sizeof enc_lzma_3000, 10, 0, false);
	tap_ok(lg_precheck_7z(b.data, b.len, &lim, &r), "7z 3000-byte header at archive_members 2");
	lg_buf_free(&b);
}

/* test_small_inputs - empty, short and non-archive input passes */
static void test_small_inputs(void)
{
	struct lg_ex_limits lim = ex_default_limits();
	struct lg_ex_result r = { 0 };

	lim.members = 1;
	tap_ok(lg_archive_precheck(NULL, 0, &lim, &r), "NULL input passes");
	tap_ok(lg_archive_precheck("", 0, &lim, &r), "empty input passes");
	tap_ok(lg_precheck_zip("PK\5\6", 4, &lim, &r), "a bare zip signature passes");
	tap_ok(lg_precheck_7z("7z\xBC\xAF\x27\x1C", 6, &lim, &r), "a bare 7z signature passes");
	tap_ok(lg_archive_precheck("hello, world: no archive at all, only text.", 43, &lim, &r),
	       "text passes");
	tap_ok(r.status == LG_EX_OK, "and none of them touched the result");
	tap_is_long((long)lg_precheck_entry_cap(&lim), LG_PRECHECK_ENTRIES_PER_MEMBER,
		    "entry cap is archive_members times the margin");
}

/* test_fixtures - every archive and office fixture passes under the default limits */
static void test_fixtures(void)
{
	static const char *const archive[] = {
		"aes-headers.7z", "aes.7z", "aes.zip", "badcrc.zip", "bomb.zip", "contacts.7z",
		"contacts.csv.bz2", "contacts.csv.gz", "contacts.csv.xz", "contacts.tar",
		"contacts.tar.gz", "contacts.tar.xz", "contacts.zip", "cp932-names.zip",
		"encrypted.xlsx", "nested.zip", "note.doc", "plain.xlsx", "truncated.zip",
		"zipcrypto.zip",
	};
	static const char *const office[] = {
		"contacts.ods", "contacts.xlsx", "corrupt.xlsx", "memo.docx", "memo.odt",
		"not-office.zip", "slides.odp", "slides.pptx",
	};
	struct lg_buf b = LG_BUF_INIT;
	struct lg_ex_limits lim = ex_default_limits();

	lim.members = 1000;	/* the default archive_members */
	for (size_t i = 0; i < sizeof archive / sizeof archive[0] + sizeof office / sizeof office[0];
	     i++) {
		bool arc = i < sizeof archive / sizeof archive[0];
		const char *name = arc ? archive[i] : office[i - sizeof archive / sizeof archive[0]];
		struct lg_ex_result r = { 0 };
		if (ex_slurp(arc ? "archive" : "office", name, &b) < 0) {
			tap_ok(0, "fixture %s readable", name);
			continue;
		}
		tap_ok(lg_archive_precheck(b.data, b.len, &lim, &r) &&
			       lg_precheck_zip(b.data, b.len, &lim, &r) && r.status == LG_EX_OK,
		       "fixture %s passes the pre-check", name);
	}
	lg_buf_free(&b);
}

int main(void)
{
	test_zip_cases();
	test_zip_cut_everywhere();
	test_7z_cases();
	test_small_inputs();
	test_fixtures();
	return tap_done();
}
