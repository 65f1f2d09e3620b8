/* gen_many.c - writes the hostile archives of tests/scan/precheck.sh at run time (they are too
 * big to commit): a zip of N empty stored members with its central directory (ZIP64 end records
 * past 65535 entries), a 7z of N empty files (libarchive's 7z writer, header compressed), and an
 * outer zip (deflate) holding one given file, the way such a zip reaches us inside another.
 *
 * Also a hand-made 7z whose header declares N files in N unpack streams of one folder and
 * nothing else (about 66 bytes; libarchive allocates for every one), its header plain or LZMA
 * encoded (liblzma's raw encoder).
 *
 * An ISO 9660 image written by hand whose root directory holds N empty files (directory records
 * of 44 bytes; libarchive keeps an entry of about 370 bytes for each before the first member),
 * and a xar of N files (libarchive's xar writer). And an xlsx whose sharedStrings.xml holds N
 * empty strings (<si/>, two pseudo-random white-space characters after each so that it deflates
 * about 8:1, under archive_ratio), one sheet using the first.
 *
 * Usage: gen_many zip N OUT | gen_many 7z N OUT | gen_many nest FILE NAME OUT |
 *        gen_many 7zdeclare N plain|lzma OUT | gen_many iso N OUT | gen_many xar N OUT |
 *        gen_many sst N OUT */
#include <archive.h>
#include <archive_entry.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* put16 / put32 / put64 - little-endian integers onto f */
static void put16(FILE *f, uint32_t v)
{
	fputc((int)(v & 0xFF), f);
	fputc((int)(v >> 8 & 0xFF), f);
}

static void put32(FILE *f, uint32_t v)
{
	put16(f, v & 0xFFFF);
	put16(f, v >> 16);
}

static void put64(FILE *f, uint64_t v)
{
	put32(f, (uint32_t)(v & 0xFFFFFFFFu));
	put32(f, (uint32_t)(v >> 32));
}

/* write_zip - n empty stored members f0000000, f0000001, ... then the central directory and the
 * end records, written by hand (libarchive's writer adds extra fields and data descriptors) */
static int write_zip(unsigned long n, const char *out)
{
	FILE *f = fopen(out, "wb");
	char name[16];
	const uint32_t dostime = 10u << 11, dosdate = (44u << 9) | (11u << 5) | 12u;

	if (!f)
		return 1;
	for (unsigned long i = 0; i < n; i++) {	/* local headers: 30 bytes and the name */
		snprintf(name, sizeof name, "f%07lu", i % 10000000ul);
		put32(f, 0x04034B50);
		put16(f, 20);
		put16(f, 0);
		put16(f, 0);
		put16(f, dostime);
		put16(f, dosdate);
		put32(f, 0);
		put32(f, 0);
		put32(f, 0);
		put16(f, 8);
		put16(f, 0);
		fwrite(name, 1, 8, f);
	}
	uint64_t cd_off = (uint64_t)n * 38;
	if (cd_off > 0xFFFFFFFFu) {
		fclose(f);
		return 1;
	}
	for (unsigned long i = 0; i < n; i++) {	/* central directory: 46 bytes and the name */
		snprintf(name, sizeof name, "f%07lu", i % 10000000ul);
		put32(f, 0x02014B50);
		put16(f, 20);
		put16(f, 20);
		put16(f, 0);
		put16(f, 0);
		put16(f, dostime);
		put16(f, dosdate);
		put32(f, 0);
		put32(f, 0);
		put32(f, 0);
		put16(f, 8);
		put16(f, 0);
		put16(f, 0);
		put16(f, 0);
		put16(f, 0);
		put32(f, 0);
		put32(f, (uint32_t)(i * 38));
		fwrite(name, 1, 8, f);
	}
	uint64_t cd_size = (uint64_t)n * 54;
	bool zip64 = n > 0xFFFF;
	if (zip64) {
		put32(f, 0x06064B50);	/* ZIP64 end of central directory record */
		put64(f, 44);
		put16(f, 45);
		put16(f, 45);
		put32(f, 0);
		put32(f, 0);
		put64(f, n);
		put64(f, n);
		put64(f, cd_size);
		put64(f, cd_off);
		put32(f, 0x07064B50);	/* its locator */
		put32(f, 0);
		put64(f, cd_off + cd_size);
		put32(f, 1);
	}
	put32(f, 0x06054B50);		/* end of central directory record */
	put16(f, 0);
	put16(f, 0);
	put16(f, zip64 ? 0xFFFF : (uint32_t)n);
	put16(f, zip64 ? 0xFFFF : (uint32_t)n);
	put32(f, (uint32_t)cd_size);
	put32(f, (uint32_t)cd_off);
	put16(f, 0);
	return fclose(f) != 0;
}

/* fail - report libarchive's error */
static int fail(struct archive *a)
{
	fprintf(stderr, "gen_many: %s\n", archive_error_string(a));
	archive_write_free(a);
	return 1;
}

/* write_7z - n empty files through libarchive's 7z writer */
static int write_7z(unsigned long n, const char *out)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	char name[16];

	if (archive_write_set_format_7zip(a) != ARCHIVE_OK ||
	    archive_write_open_filename(a, out) != ARCHIVE_OK)
		return fail(a);
	for (unsigned long i = 0; i < n; i++) {
		archive_entry_clear(e);
		snprintf(name, sizeof name, "f%07lu", i % 10000000ul);
		archive_entry_set_pathname(e, name);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, 0);
		archive_entry_set_mtime(e, 1731405600, 0);
		if (archive_write_header(a, e) != ARCHIVE_OK)
			return fail(a);
	}
	archive_entry_free(e);
	if (archive_write_close(a) != ARCHIVE_OK)
		return fail(a);
	archive_write_free(a);
	return 0;
}

/* write_nest - a zip (deflate) holding the file in as member name */
static int write_nest(const char *in, const char *name, const char *out)
{
	FILE *f = fopen(in, "rb");
	if (!f)
		return 1;
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	rewind(f);
	char *buf = malloc(len > 0 ? (size_t)len : 1);
	if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) {
		fclose(f);
		free(buf);
		return 1;
	}
	fclose(f);

	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	if (archive_write_set_format_zip(a) != ARCHIVE_OK ||
	    archive_write_set_options(a, "zip:compression=deflate") != ARCHIVE_OK ||
	    archive_write_open_filename(a, out) != ARCHIVE_OK)
		return fail(a);
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, len);
	archive_entry_set_mtime(e, 1731405600, 0);
	if (archive_write_header(a, e) != ARCHIVE_OK ||
	    archive_write_data(a, buf, (size_t)len) != len || archive_write_close(a) != ARCHIVE_OK)
		return fail(a);
	archive_entry_free(e);
	archive_write_free(a);
	free(buf);
	return 0;
}

/* put_num - a 7z NUMBER into p (at most 9 bytes); its length */
static size_t put_num(unsigned char *p, uint64_t v)
{
	size_t n = 0;
	while (n < 8 && v >> (8 * n) >= (1u << (7 - n)))
		n++;
	p[0] = n == 8 ? 0xFF : (unsigned char)(((0xFF00u >> n) & 0xFF) | (unsigned)(v >> (8 * n)));
	for (size_t i = 0; i < n; i++)
		p[1 + i] = (unsigned char)(v >> (8 * i));
	return n + 1;
}

/* crc32 - CRC-32 (IEEE) of n bytes */
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

/* write_7z_declaring - a 7z whose header declares n files in n unpack streams of one stored
 * folder of one byte; with lzma, the header LZMA-encoded (an encoded header) */
static int write_7z_declaring(unsigned long n, bool lzma, const char *out)
{
	unsigned char h[64], env[64], packed[256], start[20];
	size_t hl = 0, el = 0, pl = 0;

	memcpy(h, "\x01\x04\x06\x00\x01\x09\x01\x00\x07\x0B\x01\x00\x01\x01\x00\x0C\x01\x00"
		  "\x08\x0D", 20);
	hl = 20;
	hl += put_num(h + hl, n);
	memcpy(h + hl, "\x00\x00\x05", 3);
	hl += 3;
	hl += put_num(h + hl, n);
	memcpy(h + hl, "\x00\x00", 2);
	hl += 2;
	packed[pl++] = 'x';	/* the folder's one byte */
	const unsigned char *hdr = h;
	size_t hdr_len = hl;
	if (lzma) {
		lzma_options_lzma opt;
		lzma_lzma_preset(&opt, 6);
		opt.dict_size = 1u << 16;
		lzma_filter f[] = { { LZMA_FILTER_LZMA1, &opt }, { LZMA_VLI_UNKNOWN, NULL } };
		if (lzma_raw_buffer_encode(f, NULL, h, hl, packed, &pl, sizeof packed) != LZMA_OK)
			return 1;	/* after the folder's byte: pl is where it starts */
		memcpy(env, "\x17\x06\x01\x01\x09", 5);	/* packed header after the folder's byte */
		el = 5;
		el += put_num(env + el, pl - 1);
		memcpy(env + el, "\x00\x07\x0B\x01\x00\x01\x23\x03\x01\x01\x05\x5D\x00\x00\x01\x00\x0C",
		       17);
		el += 17;
		el += put_num(env + el, hl);
		env[el++] = 0x0A;	/* the header's CRC */
		env[el++] = 0x01;
		uint32_t c = crc32(h, hl);
		for (int i = 0; i < 4; i++)
			env[el++] = (unsigned char)(c >> (8 * i));
		env[el++] = 0x00;
		env[el++] = 0x00;
		hdr = env;
		hdr_len = el;
	}
	uint32_t c = crc32(hdr, hdr_len);
	for (int i = 0; i < 8; i++) {
		start[i] = (unsigned char)((uint64_t)pl >> (8 * i));
		start[8 + i] = (unsigned char)((uint64_t)hdr_len >> (8 * i));
	}
	for (int i = 0; i < 4; i++)
		start[16 + i] = (unsigned char)(c >> (8 * i));
	FILE *f = fopen(out, "wb");
	if (!f)
		return 1;
	fwrite("7z\xBC\xAF\x27\x1C\x00\x04", 1, 8, f);
	put32(f, crc32(start, sizeof start));
	fwrite(start, 1, sizeof start, f);
	fwrite(packed, 1, pl, f);
	fwrite(hdr, 1, hdr_len, f);
	return fclose(f) != 0;
}

#define ISO_SECTOR 2048

/* iso_both - a both-endian field: little-endian, then big-endian */
static void iso_both32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++) {
		p[i] = (unsigned char)(v >> (8 * i));
		p[7 - i] = (unsigned char)(v >> (8 * i));
	}
}

static void iso_both16(unsigned char *p, uint32_t v)
{
	p[0] = p[3] = (unsigned char)(v & 0xFF);
	p[1] = p[2] = (unsigned char)(v >> 8 & 0xFF);
}

/* iso_record - a directory record at p for name (nlen bytes); its length */
static size_t iso_record(unsigned char *p, uint32_t extent, uint32_t size, bool dir,
			 const char *name, size_t nlen)
{
	size_t len = 33 + nlen + (nlen % 2 == 0);
	memset(p, 0, len);
	p[0] = (unsigned char)len;
	iso_both32(p + 2, extent);
	iso_both32(p + 10, size);
	p[25] = dir ? 2 : 0;
	iso_both16(p + 28, 1);
	p[32] = (unsigned char)nlen;
	memcpy(p + 33, name, nlen);
	return len;
}

/* write_iso - a primary volume whose root directory (from sector 20) holds n empty files, no
 * record crossing a sector */
static int write_iso(unsigned long n, const char *out)
{
	const uint32_t root = 20;
	size_t rec = 33 + 11 + 0, per = ISO_SECTOR / rec;	/* "F0000000.;1": 11 bytes, odd */
	uint32_t dsectors = (uint32_t)((n + 2 + per - 1) / per);
	uint32_t dsize = dsectors * ISO_SECTOR;
	unsigned char s[ISO_SECTOR], *dir = calloc(dsectors, ISO_SECTOR);
	char name[16];
	FILE *f = fopen(out, "wb");

	if (!f || !dir)
		return 1;
	memset(s, 0, sizeof s);
	for (int i = 0; i < 16; i++)	/* system area */
		fwrite(s, 1, sizeof s, f);
	s[0] = 1;	/* primary volume descriptor */
	memcpy(s + 1, "CD001", 5);
	s[6] = 1;
	memset(s + 8, ' ', 64);
	iso_both32(s + 80, root + dsectors);
	iso_both16(s + 120, 1);
	iso_both16(s + 124, 1);
	iso_both16(s + 128, ISO_SECTOR);
	iso_both32(s + 132, 10);
	s[140] = 18;	/* path tables at sector 18 (little-endian) and 19 (big-endian) */
	s[151] = 19;
	iso_record(s + 156, root, dsize, true, "", 1);
	s[881] = 1;
	fwrite(s, 1, sizeof s, f);
	memset(s, 0, sizeof s);	/* terminator */
	s[0] = 255;
	memcpy(s + 1, "CD001", 5);
	s[6] = 1;
	fwrite(s, 1, sizeof s, f);
	for (int k = 0; k < 2; k++) {	/* path tables: the root alone */
		memset(s, 0, sizeof s);
		s[0] = 1;
		s[2 + (k ? 3 : 0)] = (unsigned char)root;
		s[6 + (k ? 1 : 0)] = 1;
		fwrite(s, 1, sizeof s, f);
	}
	size_t at = 0;
	at += iso_record(dir + at, root, dsize, true, "\0", 1);
	at += iso_record(dir + at, root, dsize, true, "\1", 1);
	for (unsigned long i = 0; i < n; i++) {
		if (at % ISO_SECTOR + rec > ISO_SECTOR)
			at = (at / ISO_SECTOR + 1) * ISO_SECTOR;
		snprintf(name, sizeof name, "F%07lu.;1", i % 10000000ul);
		at += iso_record(dir + at, 18, 0, false, name, strlen(name));
	}
	fwrite(dir, ISO_SECTOR, dsectors, f);
	free(dir);
	return fclose(f) != 0;
}

/* write_xar - n files of 3 bytes through libarchive's xar writer */
static int write_xar(unsigned long n, const char *out)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	char name[16];

	if (archive_write_set_format_xar(a) != ARCHIVE_OK ||
	    archive_write_open_filename(a, out) != ARCHIVE_OK)
		return fail(a);
	for (unsigned long i = 0; i < n; i++) {
		archive_entry_clear(e);
		snprintf(name, sizeof name, "f%07lu", i % 10000000ul);
		archive_entry_set_pathname(e, name);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, 3);
		if (archive_write_header(a, e) != ARCHIVE_OK || archive_write_data(a, "abc", 3) != 3)
			return fail(a);
	}
	archive_entry_free(e);
	if (archive_write_close(a) != ARCHIVE_OK)
		return fail(a);
	archive_write_free(a);
	return 0;
}

#define SS_NS "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

/* zip_add - one deflated member of a zip being written */
static bool zip_add(struct archive *a, struct archive_entry *e, const char *name, const char *data,
		    size_t len)
{
	archive_entry_clear(e);
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)len);
	archive_entry_set_mtime(e, 1731405600, 0);
	return archive_write_header(a, e) == ARCHIVE_OK &&
	       archive_write_data(a, data, len) == (la_ssize_t)len;
}

/* write_sst - an xlsx whose shared strings table is "first" and n empty strings */
static int write_sst(unsigned long n, const char *out)
{
	static const char ws[4] = { ' ', '\t', '\n', '\r' };
	static const char *const parts[][2] = {
		{ "[Content_Types].xml",
		  "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
		  "<Default Extension=\"xml\" ContentType=\"application/xml\"/><Override "
		  "PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-"
		  "officedocument.spreadsheetml.sheet.main+xml\"/></Types>" },
		{ "_rels/.rels",
		  "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/"
		  "relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats."
		  "org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"
		  "</Relationships>" },
		{ "xl/workbook.xml", "<workbook xmlns=\"" SS_NS "\"/>" },
		{ "xl/worksheets/sheet1.xml",
		  "<worksheet xmlns=\"" SS_NS "\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\">"
		  "<v>0</v></c></row></sheetData></worksheet>" },
	};
	static const char head[] = "<sst xmlns=\"" SS_NS "\"><si><t>first</t></si>";
	size_t len = sizeof head - 1 + 7 * (size_t)n + 6;
	char *sst = malloc(len), *p = sst;
	uint32_t x = 2463534242u;	/* xorshift32 */

	if (!sst)
		return 1;
	memcpy(p, head, sizeof head - 1);
	p += sizeof head - 1;
	for (unsigned long i = 0; i < n; i++) {
		memcpy(p, "<si/>", 5);
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[5] = ws[x & 3];
		p[6] = ws[x >> 2 & 3];
		p += 7;
	}
	memcpy(p, "</sst>", 6);
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	if (archive_write_set_format_zip(a) != ARCHIVE_OK ||
	    archive_write_set_options(a, "zip:compression=deflate") != ARCHIVE_OK ||
	    archive_write_open_filename(a, out) != ARCHIVE_OK)
		return fail(a);
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
		if (!zip_add(a, e, parts[i][0], parts[i][1], strlen(parts[i][1])))
			return fail(a);
	if (!zip_add(a, e, "xl/sharedStrings.xml", sst, len) || archive_write_close(a) != ARCHIVE_OK)
		return fail(a);
	archive_entry_free(e);
	archive_write_free(a);
	free(sst);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "zip"))
		return write_zip(strtoul(argv[2], NULL, 10), argv[3]);
	if (argc == 4 && !strcmp(argv[1], "7z"))
		return write_7z(strtoul(argv[2], NULL, 10), argv[3]);
	if (argc == 5 && !strcmp(argv[1], "nest"))
		return write_nest(argv[2], argv[3], argv[4]);
	if (argc == 4 && !strcmp(argv[1], "iso"))
		return write_iso(strtoul(argv[2], NULL, 10), argv[3]);
	if (argc == 4 && !strcmp(argv[1], "sst"))
		return write_sst(strtoul(argv[2], NULL, 10), argv[3]);
	if (argc == 4 && !strcmp(argv[1], "xar"))
		return write_xar(strtoul(argv[2], NULL, 10), argv[3]);
	if (argc == 5 && !strcmp(argv[1], "7zdeclare"))
		return write_7z_declaring(strtoul(argv[2], NULL, 10), !strcmp(argv[3], "lzma"),
					  argv[4]);
	fprintf(stderr, "usage: gen_many zip N OUT | gen_many 7z N OUT | gen_many nest FILE NAME OUT "
		"| gen_many 7zdeclare N plain|lzma OUT\n");
	return 2;
}
