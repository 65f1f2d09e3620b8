/* test_archive_precheck.c - the directory pre-check (content/archive_precheck.c) on zips and 7z
 * headers built byte by byte here: counts that tell the truth or lie, ZIP64 end records, comments
 * at the end, prepended data, truncation, encoded 7z headers; 7z headers declaring counts
 * (files, unpack streams, folders, packed streams), plain and encoded here with liblzma's raw
 * encoder, cut at every length; 7z archives written by libarchive; then every archive and
 * office fixture, which must all pass under the default limits (so libarchive reads them as
 * before). */
#include <lzma.h>
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

#define SZ_START 32	/* the signature header */

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

/* build_7z_packed - a signature header pointing at the header bytes hdr, after the packed data
 * packed (pad bytes; NULL: filler); size_extra makes NextHeaderSize claim more than is there;
 * bad_crc spoils its CRC */
static void build_7z_packed(struct lg_buf *b, const unsigned char *hdr, size_t hlen,
			    const unsigned char *packed, size_t pad, uint64_t size_extra,
			    bool bad_crc)
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
		lg_buf_putc(b, packed ? (char)packed[i] : 'p');
	lg_buf_append(b, hdr, hlen);
	lg_buf_free(&start);
}

/* build_7z - as build_7z_packed, with pad filler bytes as the packed data */
static void build_7z(struct lg_buf *b, const unsigned char *hdr, size_t hlen, size_t pad,
		     uint64_t size_extra, bool bad_crc)
{
	build_7z_packed(b, hdr, hlen, NULL, pad, size_extra, bad_crc);
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
	bool foreign;	/* refused as unsupported: coders leakguard cannot decode to count */
};

static const struct sz_spec sz_cases[] = {
	{ "plain header of 100 bytes", NULL, 100, 0, 0, false, true, false },
	{ "plain header of 2048 bytes (the bound)", NULL, 2048, 16, 0, false, true, false },
	{ "plain header of 3000 bytes", NULL, 3000, 16, 0, false, false, false },
	{ "plain header of 3000 bytes, start header CRC wrong", NULL, 3000, 0, 0, true, true, false },
	{ "header size past the end of the file", NULL, 100, 0, 1, false, true, false },
	{ "encoded header, LZMA, unpacks to 2000", enc_lzma_2000, sizeof enc_lzma_2000, 10, 0, false,
	  true, false },
	{ "encoded header, LZMA, unpacks to 3000", enc_lzma_3000, sizeof enc_lzma_3000, 10, 0, false,
	  false, false },
	{ "encoded header, BCJ+LZMA, final stream 3000", enc_bcj_3000_small,
	  sizeof enc_bcj_3000_small, 10, 0, false, false, false },
	/* BCJ bound to LZMA in a layout 7-Zip does not write: its entries cannot be counted */
	{ "encoded header, BCJ+LZMA, inner stream 3000, final 10", enc_bcj_small_3000,
	  sizeof enc_bcj_small_3000, 10, 0, false, false, true },
	{ "encoded header, AES", enc_aes_3000, sizeof enc_aes_3000, 10, 0, false, true, false },
	{ "encoded header cut short", enc_lzma_3000, 24, 10, 0, false, true, false },
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
		if (!c->want_ok && c->foreign)
			tap_ok(r.status == LG_EX_UNSUPPORTED && !strcmp(r.reason, "unsupported"),
			       "7z %s: unsupported (%s)", c->name, r.detail);
		else if (!c->want_ok)
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

/* ---- 7z headers declaring counts ---------------------------------------------------------- */

/* put_num - append a 7z NUMBER: leading one bits in the first byte count the bytes after it */
static void put_num(struct lg_buf *b, uint64_t v)
{
	int n = 0;
	while (n < 8 && v >> (8 * n) >= (1u << (7 - n)))
		n++;
	unsigned first = n == 8 ? 0xFF : ((0xFF00u >> n) & 0xFF) | (unsigned)(v >> (8 * n));
	lg_buf_putc(b, (char)first);
	for (int i = 0; i < n; i++)
		lg_buf_putc(b, (char)(v >> (8 * i) & 0xFF));
}

/* What a plain header declares (every folder and packed size written out). */
struct sz_counts {
	uint64_t packed, folders, streams, files;	/* streams: unpack streams per folder */
	bool props;		/* archive properties first (one with a value) */
};

/* counts_header - a plain header (kHeader) declaring c: stored folders, their unpack streams
 * without sizes or digests, then FilesInfo with no properties */
static void counts_header(struct lg_buf *b, const struct sz_counts *c)
{
	lg_buf_reset(b);
	lg_buf_putc(b, 0x01);
	if (c->props)
		lg_buf_append(b, "\x02\x19\x01\x00\x00", 5);	/* kDummy, 1 byte of value, kEnd */
	lg_buf_putc(b, 0x04);
	lg_buf_putc(b, 0x06);	/* pack info: position 0, the sizes */
	put_num(b, 0);
	put_num(b, c->packed);
	lg_buf_putc(b, 0x09);
	for (uint64_t i = 0; i < c->packed; i++)
		put_num(b, 0);
	lg_buf_putc(b, 0x00);
	lg_buf_append(b, "\x07\x0B", 2);	/* unpack info: folders of one stored coder */
	put_num(b, c->folders);
	lg_buf_putc(b, 0x00);
	for (uint64_t i = 0; i < c->folders; i++)
		lg_buf_append(b, "\x01\x01\x00", 3);
	lg_buf_putc(b, 0x0C);
	for (uint64_t i = 0; i < c->folders; i++)
		put_num(b, 0);
	lg_buf_putc(b, 0x00);
	lg_buf_append(b, "\x08\x0D", 2);	/* substreams: unpack streams per folder */
	for (uint64_t i = 0; i < c->folders; i++)
		put_num(b, c->streams);
	lg_buf_append(b, "\x00\x00", 2);	/* end of substreams, of streams info */
	lg_buf_putc(b, 0x05);
	put_num(b, c->files);
	lg_buf_append(b, "\x00\x00", 2);	/* no file properties; end of header */
}

/* How a header is stored: plain, or encoded with one of these coders. */
enum sz_enc { ENC_PLAIN, ENC_LZMA, ENC_LZMA2, ENC_COPY, ENC_BCJ_LZMA, ENC_LZMA_HUGE_DICT,
	      ENC_AES, ENC_BZIP2 };

/* lzma_raw - raw-encode in with the filter chain f into out; false on failure */
static bool lzma_raw(const struct lg_buf *in, const lzma_filter *f, struct lg_buf *out)
{
	size_t cap = in->len + in->len / 2 + 1024, pos = 0;
	unsigned char *buf = malloc(cap);
	bool ok = buf && lzma_raw_buffer_encode(f, NULL, (const uint8_t *)in->data, in->len, buf,
						&pos, cap) == LZMA_OK;
	lg_buf_reset(out);
	if (ok)
		lg_buf_append(out, (const char *)buf, pos);
	free(buf);
	return ok;
}

/* build_counts_7z - a 7z whose header declares c, stored as enc */
static void build_counts_7z(struct lg_buf *b, const struct sz_counts *c, enum sz_enc enc)
{
	struct lg_buf h = LG_BUF_INIT, packed = LG_BUF_INIT, env = LG_BUF_INIT;
	lzma_options_lzma opt;

	counts_header(&h, c);
	if (enc == ENC_PLAIN) {
		build_7z(b, (const unsigned char *)h.data, h.len, 0, 0, false);
		goto out;
	}
	lzma_lzma_preset(&opt, 6);
	opt.dict_size = 1u << 16;
	lzma_filter lz1[] = { { LZMA_FILTER_LZMA1, &opt }, { LZMA_VLI_UNKNOWN, NULL } };
	lzma_filter lz2[] = { { LZMA_FILTER_LZMA2, &opt }, { LZMA_VLI_UNKNOWN, NULL } };
	lzma_filter bcj[] = { { LZMA_FILTER_X86, NULL }, { LZMA_FILTER_LZMA1, &opt },
			      { LZMA_VLI_UNKNOWN, NULL } };
	bool ok = true;
	switch (enc) {
	case ENC_LZMA2:
		ok = lzma_raw(&h, lz2, &packed);
		break;
	case ENC_BCJ_LZMA:
		ok = lzma_raw(&h, bcj, &packed);
		break;
	case ENC_COPY:
	case ENC_AES:
	case ENC_BZIP2:
		lg_buf_append(&packed, h.data, h.len);	/* not really encrypted or compressed */
		break;
	default:
		ok = lzma_raw(&h, lz1, &packed);
		break;
	}
	if (!ok)
		tap_ok(0, "liblzma's raw encoder");
	/* the encoded header: pack info, one folder with its coders, the unpacked size */
	lg_buf_append(&env, "\x17\x06\x00\x01\x09", 5);
	put_num(&env, packed.len);
	lg_buf_append(&env, "\x00\x07\x0B\x01\x00", 5);
	static const char lzma_props[] = "\x5D\x00\x00\x01\x00";	/* lc 3 lp 0 pb 2, 64 KiB */
	switch (enc) {
	case ENC_LZMA2:
		lg_buf_append(&env, "\x01\x21\x21\x01\x10", 5);	/* 64 KiB */
		break;
	case ENC_COPY:
		lg_buf_append(&env, "\x01\x01\x00", 3);
		break;
	case ENC_BCJ_LZMA:	/* BCJ (in 0) fed by LZMA's out 1: bind pair 0, 1 */
		lg_buf_append(&env, "\x02\x04\x03\x03\x01\x03\x23\x03\x01\x01\x05", 11);
		lg_buf_append(&env, lzma_props, 5);
		lg_buf_append(&env, "\x00\x01", 2);
		break;
	case ENC_LZMA_HUGE_DICT:	/* a 4 GiB - 1 dictionary: never allocated */
		lg_buf_append(&env, "\x01\x23\x03\x01\x01\x05\x5D\xFF\xFF\xFF\xFF", 11);
		break;
	case ENC_AES:
		lg_buf_append(&env, "\x01\x24\x06\xF1\x07\x01\x01\x00", 8);
		break;
	case ENC_BZIP2:
		lg_buf_append(&env, "\x01\x03\x04\x02\x02", 5);
		break;
	default:
		lg_buf_append(&env, "\x01\x23\x03\x01\x01\x05", 6);
		lg_buf_append(&env, lzma_props, 5);
		break;
	}
	lg_buf_putc(&env, 0x0C);
	if (enc == ENC_BCJ_LZMA)
		put_num(&env, h.len);	/* BCJ's out 0: the header */
	put_num(&env, h.len);
	lg_buf_append(&env, "\x00\x00", 2);
	build_7z_packed(b, (const unsigned char *)env.data, env.len,
			(const unsigned char *)packed.data, packed.len, 0, false);
out:
	lg_buf_free(&h);
	lg_buf_free(&packed);
	lg_buf_free(&env);
}

static const char *const enc_names[] = { "plain", "LZMA", "LZMA2", "stored", "BCJ+LZMA",
					 "LZMA, 4 GiB dictionary", "AES", "bzip2" };

/* One header's counts, and what the pre-check must say at archive_members 1000 (cap 4000). */
struct sz_count_case {
	const char *name;
	struct sz_counts c;
	const char *over;	/* NULL: passes; else refused naming this count */
};

static const struct sz_count_case count_cases[] = {
	{ "5,000,000 files in 5,000,000 unpack streams", { 1, 1, 5000000, 5000000, false },
	  "5000000 unpack streams" },
	{ "5,000,000 files, one unpack stream", { 1, 1, 1, 5000000, false }, "5000000 files" },
	{ "4,001 folders", { 1, 4001, 1, 4001, false }, "4001 folders" },
	{ "16,001 packed streams", { 16001, 1, 1, 1, false }, "16001 packed streams" },
	{ "16,000 packed streams, 4,000 folders", { 16000, 4000, 1, 4000, false }, NULL },
	{ "4,000 files and streams (the cap)", { 1, 1, 4000, 4000, false }, NULL },
	{ "4,001 files", { 1, 1, 1, 4001, false }, "4001 files" },
	{ "4,001 unpack streams", { 1, 1, 4001, 1, false }, "4001 unpack streams" },
	{ "16 folders, 16 packed streams, 3 streams each, 48 files", { 16, 16, 3, 48, false },
	  NULL },
	{ "5,000,000 files after archive properties", { 1, 1, 1, 5000000, true },
	  "5000000 files" },
	{ "1,000 files after archive properties", { 1, 1, 1000, 1000, true }, NULL },
};

/* test_7z_counts - every count case in every encoding */
static void test_7z_counts(void)
{
	struct lg_buf b = LG_BUF_INIT;

	for (size_t i = 0; i < sizeof count_cases / sizeof count_cases[0]; i++) {
		const struct sz_count_case *c = &count_cases[i];
		for (int enc = ENC_PLAIN; enc <= ENC_BZIP2; enc++) {
			struct lg_ex_limits lim = ex_default_limits();
			struct lg_ex_result r = { 0 };
			lim.members = 1000;
			build_counts_7z(&b, &c->c, (enum sz_enc)enc);
			bool ok = lg_archive_precheck(b.data, b.len, &lim, &r);
			/* AES: libarchive stops at it; bzip2: cannot be counted, never read */
			bool foreign = enc == ENC_BZIP2;
			bool want_ok = !foreign && (!c->over || enc == ENC_AES);
			bool as_wanted =
				want_ok ? r.status == LG_EX_OK
				: foreign ? r.status == LG_EX_UNSUPPORTED && !strcmp(r.reason, "unsupported")
					  : r.status == LG_EX_LIMIT &&
						    !strcmp(r.reason, "limit:archive_members") &&
						    strstr(r.detail, c->over) != NULL;
			tap_ok(ok == want_ok && as_wanted, "7z %s, %s header: %s (%s)", c->name,
			       enc_names[enc], want_ok ? "passes" : foreign ? "unsupported" : "refused",
			       want_ok ? "" : r.detail);
		}
	}
	lg_buf_free(&b);
}

/* test_7z_cut_everywhere - the 5,000,000-file header, plain and LZMA-encoded, cut at every
 * length (NextHeaderSize, or the packed stream): no crash, and it passes until the cut keeps
 * all the counts (a plain header: all but its last two bytes, which are not needed); every
 * byte changed in turn: no crash */
static void test_7z_cut_everywhere(void)
{
	static const struct sz_counts hostile = { 1, 1, 5000000, 5000000, false };
	struct lg_buf b = LG_BUF_INIT, cut = LG_BUF_INIT;
	struct lg_ex_limits lim = ex_default_limits();
	lim.members = 1000;

	for (int enc = ENC_PLAIN; enc <= ENC_LZMA2; enc++) {
		build_counts_7z(&b, &hostile, (enum sz_enc)enc);
		size_t hoff = (size_t)((unsigned char)b.data[12] | (unsigned char)b.data[13] << 8);
		size_t hlen = b.len - SZ_START - hoff;
		unsigned lengths = 0;
		size_t first = 0;	/* the shortest cut refused */
		bool monotone = true;
		/* the header cut short; a plain one is refused from the file count on */
		for (size_t n = 1; n < hlen; n++, lengths++) {
			struct lg_ex_result r = { 0 };
			build_7z_packed(&cut, (const unsigned char *)b.data + SZ_START + hoff, n,
					(const unsigned char *)b.data + SZ_START, hoff, 0, false);
			bool refused = !lg_archive_precheck(cut.data, cut.len, &lim, &r);
			if (refused && !first)
				first = n;
			monotone &= refused == (first && n >= first);
		}
		if (enc == ENC_PLAIN)
			tap_ok(monotone && first == hlen - 2,
			       "7z plain header cut at each of %u lengths: passes while it ends before "
			       "the file count (refused from %zu of %zu bytes)",
			       lengths, first, hlen);
		else
			tap_ok(first == 0, "7z %s encoded header cut at each of %u lengths: passes",
			       enc_names[enc], lengths);
		/* the packed header cut short (encoded): what decodes from the prefix decides */
		lengths = 0;
		first = 0;
		monotone = true;
		for (size_t n = 0; enc != ENC_PLAIN && n < hoff; n++, lengths++) {
			struct lg_ex_result r = { 0 };
			build_7z_packed(&cut, (const unsigned char *)b.data + SZ_START + hoff, hlen,
					(const unsigned char *)b.data + SZ_START, n, 0, false);
			bool refused = !lg_archive_precheck(cut.data, cut.len, &lim, &r);
			if (refused && !first)
				first = n;
			monotone &= refused == (first && n >= first);
		}
		if (enc != ENC_PLAIN)
			tap_ok(monotone && first > hoff / 2,
			       "7z %s packed header cut at each of %u lengths: passes until the prefix "
			       "decodes past the file count (refused from %zu of %zu bytes)",
			       enc_names[enc], lengths, first, hoff);
		/* every byte of the file flipped in turn: no crash (ASan), any answer */
		lengths = 0;
		for (size_t i = SZ_START; i < b.len; i++, lengths++) {
			struct lg_ex_result r = { 0 };
			lg_buf_reset(&cut);
			lg_buf_append(&cut, b.data, b.len);
			cut.data[i] ^= (char)0xA5;
			lg_archive_precheck(cut.data, cut.len, &lim, &r);
		}
		tap_ok(lengths > 0, "7z %s header: each of %u bytes changed, no crash", enc_names[enc],
		       lengths);
		struct lg_ex_result r = { 0 };
		tap_ok(!lg_archive_precheck(b.data, b.len, &lim, &r), "the whole %s one is refused",
		       enc_names[enc]);
	}
	lg_buf_free(&b);
	lg_buf_free(&cut);
}

/* write_7z - n files of size bytes each through libarchive's 7z writer (compression as the
 * option string says), into b */
static void write_7z(struct lg_buf *b, unsigned n, size_t size, const char *options)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	size_t cap = 1u << 20, used = 0;
	char *mem = malloc(cap), name[32], data[64];

	memset(data, 'x', sizeof data);
	archive_write_set_format_7zip(a);
	archive_write_set_options(a, options);
	archive_write_open_memory(a, mem, cap, &used);
	for (unsigned i = 0; i < n; i++) {
		snprintf(name, sizeof name, "dir/file%u.txt", i);
		archive_entry_clear(e);
		archive_entry_set_pathname(e, name);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)size);
		archive_write_header(a, e);
		archive_write_data(a, data, size);
	}
	archive_write_close(a);
	archive_write_free(a);
	archive_entry_free(e);
	lg_buf_reset(b);
	lg_buf_append(b, mem, used);
	free(mem);
}

/* test_7z_written - honest 7z archives from libarchive's writer (LZMA1 or LZMA2 headers): they
 * pass at the cap and are refused just over it, which shows their headers were decoded and
 * read to the counts */
static void test_7z_written(void)
{
	static const struct {
		unsigned n;
		size_t size;
		const char *options;
		const char *over;	/* at archive_members 2 (cap 8) */
	} cases[] = {
		{ 8, 10, "7zip:compression=lzma1", NULL },
		{ 9, 10, "7zip:compression=lzma1", "9 unpack streams" },
		{ 9, 0, "7zip:compression=lzma1", "9 files" },
		{ 8, 10, "7zip:compression=lzma2", NULL },
		{ 9, 10, "7zip:compression=lzma2", "9 unpack streams" },
		{ 9, 10, "7zip:compression=store", "9 folders" },	/* plain; a folder a file */
		{ 9, 10, "7zip:compression=bzip2", "9 unpack streams" },
	};
	struct lg_buf b = LG_BUF_INIT;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct lg_ex_limits lim = ex_default_limits();
		struct lg_ex_result r = { 0 };
		lim.members = 2;
		write_7z(&b, cases[i].n, cases[i].size, cases[i].options);
		bool ok = lg_precheck_7z(b.data, b.len, &lim, &r);
		tap_ok(cases[i].over ? !ok && strstr(r.detail, cases[i].over) : ok && r.status == 0,
		       "libarchive's 7z of %u files of %zu bytes (%s) at archive_members 2: %s (%s)",
		       cases[i].n, cases[i].size, cases[i].options,
		       cases[i].over ? "refused" : "passes", r.detail);
	}
	lg_buf_free(&b);
}

/* count_member - lg_archive_walk callback: count the members libarchive hands out */
static int count_member(void *arg, const struct lg_ex_member *m)
{
	(void)m;
	(*(unsigned *)arg)++;
	return 0;
}

/* sfx_wrap - a 7z behind a stub: stub's bytes, zero filler up to offset at, then z; with decoy
 * non-zero, a signature header with a wrong CRC (z's first 32 bytes, one changed) there */
static void sfx_wrap(struct lg_buf *b, const char *stub, size_t stub_len, size_t at,
		     size_t decoy, const struct lg_buf *z)
{
	lg_buf_reset(b);
	lg_buf_append(b, stub, stub_len);
	while (b->len < at)
		lg_buf_append(b, "\0", 1);
	lg_buf_append(b, z->data, z->len);
	if (decoy) {
		memcpy(b->data + decoy, z->data, 32);
		b->data[decoy + 20] ^= 1;	/* NextHeaderSize: the CRC no longer matches */
	}
}

/* test_7z_sfx - a 7z behind a self-extracting stub (MZ or ELF): libarchive's 7z reader looks
 * for the signature from offset 0x27000 on. Whatever libarchive itself makes of each file (the
 * members it hands out with the limits open) decides what the pre-check must say at
 * archive_members 2: refused when libarchive reads the 7z's 9 files, untouched otherwise. */
static void test_7z_sfx(void)
{
	static const struct {
		const char *label, *stub;
		size_t stub_len, at, decoy;
		bool read;	/* libarchive reads the 7z (its 9 files) */
	} cases[] = {
		{ "MZ", "MZ\x90\0", 4, 0x27000, 0, true },
		{ "ELF", "\x7F" "ELF\2\1\1", 7, 0x27000, 0, true },
		{ "ELF", "\x7F" "ELF\2\1\1", 7, 0x3A1F3, 0, true },	/* any byte offset */
		{ "MZ", "MZ\x90\0", 4, 0x5F000, 0, true },
		{ "MZ", "MZ\x90\0", 4, 0x61000, 0, true },	/* past libarchive's SFX_MAX_ADDR,
							 * but in memory its scan runs on */
		{ "MZ", "MZ\x90\0", 4, 0x28000, 0x27010, true },	/* a bad signature first */
		{ "MZ", "MZ\x90\0", 4, 0x26FFF, 0, false },	/* before 0x27000: never looked at */
		{ "MZ", "MZ\x90\0", 4, 0x1000, 0, false },
		{ "a shell script", "#!/bin/sh\n", 10, 0x27000, 0, false },	/* no SFX search */
		{ "\\x7FELX", "\x7F" "ELX", 4, 0x27000, 0, false },
	};
	struct lg_buf z = LG_BUF_INIT, b = LG_BUF_INIT;

	write_7z(&z, 9, 10, "7zip:compression=lzma2");
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct lg_ex_limits open = ex_default_limits(), lim = ex_default_limits();
		struct lg_ex_result r0 = { 0 }, r = { 0 };
		unsigned members = 0;
		sfx_wrap(&b, cases[i].stub, cases[i].stub_len, cases[i].at, cases[i].decoy, &z);
		open.members = 1000;
		lg_archive_walk(b.data, b.len, &open, count_member, &members, &r0);
		tap_ok(cases[i].read ? members == 9 && r0.status == LG_EX_OK : members == 0,
		       "7z behind %s at 0x%zx: libarchive %s (%u members, %s)", cases[i].label,
		       cases[i].at,
		       cases[i].read ? "reads it" : "does not read it", members, r0.reason);
		lim.members = 2;
		bool ok = lg_archive_precheck(b.data, b.len, &lim, &r);
		tap_ok(cases[i].read ? !ok && r.status == LG_EX_LIMIT &&
					      !strcmp(r.reason, "limit:archive_members") &&
					      strstr(r.detail, "9 unpack streams")
				     : ok && r.status == LG_EX_OK,
		       "7z behind %s at 0x%zx, archive_members 2: %s (%s)", cases[i].label,
		       cases[i].at,
		       cases[i].read ? "refused" : "passes", r.detail);
	}
	lg_buf_free(&z);
	lg_buf_free(&b);
}

/* write_iso - an ISO 9660 image (libarchive's writer: Rock Ridge and Joliet, as it defaults) of
 * n files of 10 bytes, per_dir to a directory (d0/, d1/, ...; 0: all in the root), into b */
static void write_iso(struct lg_buf *b, unsigned n, unsigned per_dir)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	size_t cap = 64u << 20, used = 0;
	char *mem = malloc(cap), name[48];

	archive_write_set_format_iso9660(a);
	archive_write_open_memory(a, mem, cap, &used);
	for (unsigned i = 0; i < n; i++) {
		if (per_dir)
			snprintf(name, sizeof name, "d%u/f%u.txt", i / per_dir, i);
		else
			snprintf(name, sizeof name, "f%u.txt", i);
		archive_entry_clear(e);
		archive_entry_set_pathname(e, name);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, 10);
		archive_write_header(a, e);
		archive_write_data(a, "0123456789", 10);
	}
	archive_write_close(a);
	archive_write_free(a);
	archive_entry_free(e);
	lg_buf_reset(b);
	lg_buf_append(b, mem, used);
	free(mem);
}

/* test_iso - ISO 9660 images from libarchive's writer: libarchive reads every file (with the
 * limits open), and the pre-check refuses one whose records (files, and directories in the
 * walk) are over the entry cap, passes one at it; then a hostile image whose directory is its
 * own subdirectory (a loop) and one cut at every 4 KB: refused or passed, no crash */
static void test_iso(void)
{
	static const struct {
		unsigned n, per_dir, members;	/* members: archive_members for the check */
		bool refused;
	} cases[] = {
		{ 8, 0, 2, false },	/* 8 records, cap 8 */
		{ 9, 0, 2, true },	/* 9 records */
		{ 7, 0, 2, false },
		{ 3000, 0, 750, false },	/* 3000 records, cap 3000 */
		{ 3001, 0, 750, true },
		{ 6, 3, 2, false },	/* 2 directories + 6 files = 8 records */
		{ 7, 3, 2, true },	/* 3 directories + 7 files = 10 */
		{ 3000, 100, 1000, false },	/* 30 directories + 3000 files, cap 4000 */
		{ 3000, 100, 757, true },	/* cap 3028 */
	};
	struct lg_buf b = LG_BUF_INIT;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct lg_ex_limits open = ex_default_limits(), lim = ex_default_limits();
		struct lg_ex_result r0 = { 0 }, r = { 0 };
		unsigned members = 0;
		bool refused = cases[i].refused;
		write_iso(&b, cases[i].n, cases[i].per_dir);
		open.members = 100000;
		lg_archive_walk(b.data, b.len, &open, count_member, &members, &r0);
		tap_ok(members == cases[i].n && r0.status == LG_EX_OK,
		       "ISO of %u files (%u a directory): libarchive reads %u (%s)", cases[i].n,
		       cases[i].per_dir, members, r0.detail);
		lim.members = cases[i].members;
		bool ok = lg_archive_precheck(b.data, b.len, &lim, &r);
		tap_ok(refused ? !ok && r.status == LG_EX_LIMIT &&
					 !strcmp(r.reason, "limit:archive_members") &&
					 strstr(r.detail, "ISO 9660")
			       : ok && r.status == LG_EX_OK,
		       "ISO of %u files (%u a directory) at archive_members %u: %s (%s)", cases[i].n,
		       cases[i].per_dir, lim.members, refused ? "refused" : "passes", r.detail);
	}

	/* every directory record of a 2-file image made to point at the root: a loop */
	write_iso(&b, 2, 1);
	struct lg_ex_limits lim = ex_default_limits();
	struct lg_ex_result r = { 0 };
	const unsigned char *p = (const unsigned char *)b.data;
	uint32_t root = (uint32_t)p[32768 + 156 + 2] | (uint32_t)p[32768 + 156 + 3] << 8 |
			(uint32_t)p[32768 + 156 + 4] << 16 | (uint32_t)p[32768 + 156 + 5] << 24;
	unsigned patched = 0;
	for (size_t at = (size_t)root * 2048, end = at + 2048; at < end && p[at];) {
		unsigned char *dr = (unsigned char *)b.data + at;
		if (dr[25] & 2 && !(dr[32] == 1 && dr[33] <= 1)) {
			memcpy(dr + 2, p + 32768 + 156 + 2, 8);	/* extent and size, both ends */
			patched++;
		}
		at += dr[0];
	}
	lim.members = 100;
	tap_ok(patched == 2 && !lg_precheck_iso(b.data, b.len, &lim, &r) &&
		       !strcmp(r.reason, "limit:archive_members"),
	       "ISO whose %u directories are its root: refused (%s)", patched, r.detail);
	/* cut everywhere on 4 KB steps: no crash */
	write_iso(&b, 50, 10);
	unsigned cuts = 0;
	for (size_t n = 0; n < b.len; n += 4096, cuts++) {
		struct lg_ex_result rc = { 0 };
		lim.members = 1;
		lg_archive_precheck(b.data, n, &lim, &rc);
	}
	tap_ok(cuts > 0, "ISO cut at each of %u lengths: no crash", cuts);
	lg_buf_free(&b);
}

/* compress - in as one stream through libarchive's filter (its "raw" writer), into out */
static void compress(const struct lg_buf *in, int filter, struct lg_buf *out)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	size_t cap = in->len * 2 + 65536, used = 0;
	char *mem = malloc(cap);

	archive_write_add_filter(a, filter);
	archive_write_set_format_raw(a);
	archive_write_open_memory(a, mem, cap, &used);
	archive_entry_set_pathname(e, "data");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_size(e, (la_int64_t)in->len);
	archive_write_header(a, e);
	archive_write_data(a, in->data, in->len);
	archive_write_close(a);
	archive_write_free(a);
	archive_entry_free(e);
	lg_buf_reset(out);
	lg_buf_append(out, mem, used);
	free(mem);
}

/* Members handed out by a walk: how many, and the first one's bytes. */
struct first_member {
	unsigned n;
	struct lg_buf data;
};

/* keep_first - lg_archive_walk callback: count members, keep the first one's bytes */
static int keep_first(void *arg, const struct lg_ex_member *m)
{
	struct first_member *f = arg;
	if (f->n++ == 0 && m->data)
		lg_buf_append(&f->data, m->data, m->len);
	return 0;
}

/* test_compressed_whole_dir - a 7z, a self-extracting 7z or an ISO behind gzip, bzip2, xz or
 * zstd: the pre-check cannot see into the stream, so libarchive must not read the archive
 * through it (it would load the whole directory first: a 77-byte gzip of a 7z declaring
 * 5,000,000 files cost 460 MB). The walk hands out the decompressed stream as one member
 * instead, and the pre-check refuses that member when it is walked in turn. A tar behind gzip is
 * still read as a tar. xar is not read at all, plain or compressed. */
static void test_compressed_whole_dir(void)
{
	static const struct {
		int code;
		const char *name;
	} filters[] = {
		{ ARCHIVE_FILTER_GZIP, "gzip" },
		{ ARCHIVE_FILTER_BZIP2, "bzip2" },
		{ ARCHIVE_FILTER_XZ, "xz" },
		{ ARCHIVE_FILTER_ZSTD, "zstd" },
	};
	struct lg_buf inner[3] = { LG_BUF_INIT, LG_BUF_INIT, LG_BUF_INIT }, z = LG_BUF_INIT,
		      c = LG_BUF_INIT;
	static const char *const inner_name[] = { "7z", "self-extracting 7z", "ISO" };

	write_7z(&inner[0], 9, 10, "7zip:compression=lzma2");
	sfx_wrap(&inner[1], "MZ", 2, 0x27000, 0, &inner[0]);
	write_iso(&inner[2], 9, 0);
	for (size_t f = 0; f < sizeof filters / sizeof filters[0]; f++) {
		for (size_t k = 0; k < 3; k++) {
			struct lg_ex_limits lim = ex_default_limits();
			struct lg_ex_result r = { 0 }, r2 = { 0 };
			struct first_member m = { 0, LG_BUF_INIT };
			compress(&inner[k], filters[f].code, &c);
			lim.members = 2;
			lg_archive_walk(c.data, c.len, &lim, keep_first, &m, &r);
			bool whole = m.n == 1 && r.status == LG_EX_OK && m.data.len == inner[k].len &&
				     memcmp(m.data.data, inner[k].data, m.data.len) == 0;
			tap_ok(whole, "%s %s: one member, the decompressed archive (%u members, %s)",
			       filters[f].name, inner_name[k], m.n, r.reason);
			tap_ok(whole && !lg_archive_precheck(m.data.data, m.data.len, &lim, &r2) &&
				       !strcmp(r2.reason, "limit:archive_members"),
			       "%s %s: that member is refused by the pre-check (%s)", filters[f].name,
			       inner_name[k], r2.detail);
			lg_buf_free(&m.data);
		}
	}

	/* a tar behind gzip is read through the filter as before, also when its first name begins
	 * like an executable (a ustar header outbids libarchive's SFX search) */
	for (int mz = 0; mz <= 1; mz++) {
		struct archive *a = archive_write_new();
		struct archive_entry *e = archive_entry_new();
		size_t cap = 1u << 20, used = 0;
		char *mem = malloc(cap), name[16];
		archive_write_set_format_pax_restricted(a);
		archive_write_open_memory(a, mem, cap, &used);
		for (int i = 0; i < 3; i++) {
			snprintf(name, sizeof name, "%s%d.txt", mz ? "MZ" : "t", i);
			archive_entry_clear(e);
			archive_entry_set_pathname(e, name);
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_perm(e, 0644);
			archive_entry_set_size(e, 3);
			archive_write_header(a, e);
			archive_write_data(a, "abc", 3);
		}
		archive_write_close(a);
		archive_write_free(a);
		archive_entry_free(e);
		lg_buf_reset(&z);
		lg_buf_append(&z, mem, used);
		free(mem);
		compress(&z, ARCHIVE_FILTER_GZIP, &c);
		struct lg_ex_limits lim = ex_default_limits();
		struct lg_ex_result r = { 0 };
		struct first_member m = { 0, LG_BUF_INIT };
		lg_archive_walk(c.data, c.len, &lim, keep_first, &m, &r);
		tap_ok(m.n == 3 && r.status == LG_EX_OK, "gzip tar%s: its 3 members (%u, %s)",
		       mz ? " whose first name begins with MZ" : "", m.n, r.reason);
		lg_buf_free(&m.data);
	}

	/* xar, plain and gzipped: never read as xar */
	{
		struct archive *a = archive_write_new();
		struct archive_entry *e = archive_entry_new();
		size_t cap = 1u << 20, used = 0;
		char *mem = malloc(cap);
		bool made = archive_write_set_format_xar(a) == ARCHIVE_OK;
		archive_write_open_memory(a, mem, cap, &used);
		archive_entry_set_pathname(e, "x.txt");
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, 3);
		archive_write_header(a, e);
		archive_write_data(a, "abc", 3);
		archive_write_close(a);
		archive_write_free(a);
		archive_entry_free(e);
		lg_buf_reset(&z);
		lg_buf_append(&z, mem, used);
		free(mem);
		struct lg_ex_limits lim = ex_default_limits();
		struct lg_ex_result r = { 0 };
		struct first_member m = { 0, LG_BUF_INIT };
		lg_archive_walk(z.data, z.len, &lim, keep_first, &m, &r);
		tap_ok(made && z.len > 4 && !memcmp(z.data, "xar!", 4) && m.n == 0 &&
			       r.status == LG_EX_UNSUPPORTED,
		       "xar: not read, unsupported (%s)", r.detail);
		compress(&z, ARCHIVE_FILTER_GZIP, &c);
		memset(&r, 0, sizeof r);
		lg_buf_reset(&m.data);
		m.n = 0;
		lg_archive_walk(c.data, c.len, &lim, keep_first, &m, &r);
		tap_ok(m.n == 1 && m.data.len == z.len && r.status == LG_EX_OK,
		       "gzip xar: one member, the xar itself (%u members, %s)", m.n, r.reason);
		lg_buf_free(&m.data);
	}
	for (size_t k = 0; k < 3; k++)
		lg_buf_free(&inner[k]);
	lg_buf_free(&z);
	lg_buf_free(&c);
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
	test_7z_counts();
	test_7z_cut_everywhere();
	test_7z_written();
	test_7z_sfx();
	test_iso();
	test_compressed_whole_dir();
	test_small_inputs();
	test_fixtures();
	return tap_done();
}
