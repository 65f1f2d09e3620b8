/* archive_precheck.c - a look at an archive's directory before libarchive reads it, for the two
 * readers that load a whole directory before returning the first member: zip (the seekable
 * reader loads every central directory record) and 7z (the header, with an entry per file).
 * Our per-member limits only act once members come out, so without this a small file with a
 * million entries costs hundreds of megabytes first.
 *
 * Only what libarchive cannot tell us in advance is read here, and as libarchive reads it
 * (3.6.2): the same end record, the same start of the central directory, the same record
 * lengths. Anything this code does not understand passes: a damaged directory is libarchive's to
 * report, and the check must never make an ordinary archive unreadable. No allocation.
 *
 * Not covered (yet): a 7z header's counts. libarchive allocates about 100 bytes per file and per
 * unpack stream the header declares (up to 100,000,000 each) whatever the header's size, so a
 * 66-byte 7z declaring 5,000,000 files still costs 470 MB. Bounding that needs the counts: a
 * parse of the header's streams info up to the file count, after decoding it (LZMA) when it is
 * encoded. Nor: a 7z behind an SFX stub, the ISO 9660 and xar readers (they also read a whole
 * directory first), and formats other than tar that may hold a stored zip at their very end. */
#include "content/archive_precheck.h"

#include <string.h>

/* The end of central directory record is 22 bytes plus a comment of at most 65535. */
#define ZIP_EOCD_LEN 22
#define ZIP_EOCD_WINDOW (ZIP_EOCD_LEN + 65535)
#define ZIP_CDH_LEN 46		/* central directory file header without its variable fields */
#define ZIP64_LOCATOR_LEN 20
#define ZIP64_EOCD_LEN 56
#define ZIP64_EOCD_MAX 16384	/* libarchive ignores a ZIP64 end record claiming more */

/* 7z: the signature header, and the property ids of the encoded header's streams info. */
#define SZ_SIGNATURE_LEN 32
#define SZ_END 0x00
#define SZ_HEADER 0x01
#define SZ_PACK_INFO 0x06
#define SZ_UNPACK_INFO 0x07
#define SZ_SIZE 0x09
#define SZ_CRC 0x0A
#define SZ_FOLDER 0x0B
#define SZ_CODERS_UNPACK_SIZE 0x0C
#define SZ_ENCODED_HEADER 0x17
#define SZ_MAX_CODERS 4		/* libarchive refuses a folder with more */
#define SZ_MAX_OUT 16		/* out streams of the header's folder we follow (BCJ2 has 4) */
#define SZ_AES 0x06F10701	/* an encrypted header: libarchive stops before decoding it */
#define SZ_MAX_STREAMS 100000000	/* libarchive's UMAX_ENTRY: a coder's in or out streams */

/* le16 / le32 / le64 - little-endian integers at p */
static uint32_t le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
	return le16(p) | le16(p + 2) << 16;
}

static uint64_t le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* lg_precheck_entry_cap - the most directory entries libarchive may load for these limits */
uint64_t lg_precheck_entry_cap(const struct lg_ex_limits *lim)
{
	return (uint64_t)lim->members * LG_PRECHECK_ENTRIES_PER_MEMBER;
}

/* ---- zip ---------------------------------------------------------------------------------- */

/* zip_find_eocd - offset of the last "PK\5\6" that leaves room for a whole end record, searched
 * in the last 64 KiB + 22 bytes (libarchive 3.6.2 searches 16 KiB; a comment may be longer), or
 * -1. Like libarchive, the last one is taken even if an earlier one would make more sense. */
static long zip_find_eocd(const unsigned char *p, size_t len)
{
	if (len < ZIP_EOCD_LEN)
		return -1;
	size_t low = len > ZIP_EOCD_WINDOW ? len - ZIP_EOCD_WINDOW : 0;
	for (size_t i = len - ZIP_EOCD_LEN + 1; i-- > low;)
		if (p[i] == 'P' && p[i + 1] == 'K' && p[i + 2] == 5 && p[i + 3] == 6)
			return (long)i;
	return -1;
}

/* zip64_cd_start - the central directory offset from the ZIP64 end record that the locator just
 * before the end record at eocd points to, with libarchive's sanity checks; false if there is
 * none or libarchive would not use it. *declared gets its entry count. */
static bool zip64_cd_start(const unsigned char *p, size_t len, size_t eocd, uint64_t *start,
			   uint64_t *declared)
{
	if (eocd < ZIP64_LOCATOR_LEN)
		return false;
	const unsigned char *loc = p + eocd - ZIP64_LOCATOR_LEN;
	if (memcmp(loc, "PK\6\7", 4) != 0 || le32(loc + 4) != 0 || le32(loc + 16) != 1)
		return false;
	uint64_t off = le64(loc + 8);
	if (off > len || len - off < ZIP64_EOCD_LEN)
		return false;
	const unsigned char *rec = p + off;	/* libarchive does not check its signature */
	uint64_t size = le64(rec + 4) + 12;
	if (size < ZIP64_EOCD_LEN || size > ZIP64_EOCD_MAX || size > len - off)
		return false;
	if (le32(rec + 16) != 0 || le32(rec + 20) != 0 || le64(rec + 24) != le64(rec + 32))
		return false;
	*start = le64(rec + 48);
	*declared = le64(rec + 32);
	return true;
}

/* zip_is_sig - whether a central directory signature ("PK\1\2", "PK\5\6", "PK\6\6") is at p */
static bool zip_is_sig(const unsigned char *p)
{
	return p[0] == 'P' && p[1] == 'K' &&
	       ((p[2] == 1 && p[3] == 2) || (p[2] == 5 && p[3] == 6) || (p[2] == 6 && p[3] == 6));
}

/* zip_count_records - central directory records from start the way libarchive's seekable reader
 * walks them (first signature at or after start, then record after record until an end record
 * or something else), counting no further than stop */
static uint64_t zip_count_records(const unsigned char *p, size_t len, uint64_t start,
				  uint64_t stop)
{
	uint64_t n = 0;
	size_t pos = (size_t)start;

	while (pos + 4 <= len && !zip_is_sig(p + pos))
		pos++;
	while (n < stop && pos + 4 <= len && memcmp(p + pos, "PK\1\2", 4) == 0) {
		if (len - pos < ZIP_CDH_LEN)
			break;	/* truncated: libarchive fails here */
		n++;		/* libarchive has allocated this one */
		size_t vars = (size_t)le16(p + pos + 28) + le16(p + pos + 30) + le16(p + pos + 32);
		if (len - pos - ZIP_CDH_LEN < vars)
			break;
		pos += ZIP_CDH_LEN + vars;
	}
	return n;
}

/* lg_precheck_zip - refuse a central directory with more records than the entry cap */
bool lg_precheck_zip(const char *data, size_t len, const struct lg_ex_limits *lim,
		     struct lg_ex_result *r)
{
	const unsigned char *p = (const unsigned char *)data;
	long at = data ? zip_find_eocd(p, len) : -1;

	if (at < 0)
		return true;	/* no end record: the streaming reader, one entry at a time */
	size_t eocd = (size_t)at;
	const unsigned char *e = p + eocd;
	uint32_t cd_size = le32(e + 12), cd_off = le32(e + 16);
	uint64_t start = 0, declared = le16(e + 10);
	/* libarchive's checks on the end record: one volume, the directory before the record */
	bool classic = le16(e + 4) == 0 && le16(e + 6) == 0 && le16(e + 8) == le16(e + 10) &&
		       (uint64_t)cd_off + cd_size <= eocd;
	if (classic)
		start = eocd - cd_size;	/* libarchive's start, allowing for data prepended */
	bool zip64 = zip64_cd_start(p, len, eocd, &start, &declared);
	if ((!classic && !zip64) || start >= len)
		return true;	/* libarchive will not (or cannot) read this central directory */

	uint64_t cap = lg_precheck_entry_cap(lim);
	uint64_t n = zip_count_records(p, len, start, cap + 1);
	if (n <= cap)
		return true;
	lg_ex_set(r, LG_EX_LIMIT, "limit:archive_members",
		  "zip central directory with more than %llu entries (declared %llu; "
		  "archive_members %u allows %u entries a member)",
		  (unsigned long long)cap, (unsigned long long)declared, lim->members,
		  LG_PRECHECK_ENTRIES_PER_MEMBER);
	return false;
}

/* ---- 7z ----------------------------------------------------------------------------------- */

/* A cursor over the encoded header's streams info. */
struct sz {
	const unsigned char *p;
	size_t len, pos;
	bool bad;		/* ran out of bytes or met something libarchive refuses */
};

/* sz_byte - the next byte (0 and bad set at the end) */
static unsigned sz_byte(struct sz *s)
{
	if (s->pos >= s->len) {
		s->bad = true;
		return 0;
	}
	return s->p[s->pos++];
}

/* sz_skip - step over n bytes */
static void sz_skip(struct sz *s, uint64_t n)
{
	if (n > s->len - s->pos)
		s->bad = true;
	else
		s->pos += (size_t)n;
}

/* sz_number - a 7z NUMBER: the first byte's leading one bits count the bytes that follow */
static uint64_t sz_number(struct sz *s)
{
	unsigned first = sz_byte(s), mask = 0x80;
	uint64_t v = 0;

	for (int i = 0; i < 8; i++, mask >>= 1) {
		if (!(first & mask))
			return v + ((uint64_t)(first & (mask - 1)) << (8 * i));
		v |= (uint64_t)sz_byte(s) << (8 * i);
	}
	return v;
}

/* sz_crc32 - CRC-32 (IEEE) of n bytes, bit by bit: only the 20 bytes of the start header */
static uint32_t sz_crc32(const unsigned char *p, size_t n)
{
	uint32_t c = 0xFFFFFFFFu;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0xEDB88320u : c >> 1;
	}
	return ~c;
}

/* sz_digests - step over n digests: all-defined flag or a bit vector, 4 bytes for each defined */
static void sz_digests(struct sz *s, uint64_t n)
{
	uint64_t defined = n;
	if (sz_byte(s) == 0) {
		defined = 0;
		for (uint64_t i = 0; i < n && !s->bad; i += 8) {
			unsigned bits = sz_byte(s);
			for (uint64_t k = i; k < i + 8 && k < n; k++, bits <<= 1)
				defined += (bits & 0x80) != 0;
		}
	}
	if (!s->bad && defined > (s->len - s->pos) / 4)
		s->bad = true;
	else
		sz_skip(s, defined * 4);
}

/* The header folder: its out streams' sizes and which are bound to another coder's input. */
struct sz_folder {
	uint64_t nout;
	uint64_t size[SZ_MAX_OUT];
	bool bound[SZ_MAX_OUT];
	bool aes;
};

/* sz_read_folder - one folder (coders, bind pairs, packed streams); into f when f is not NULL */
static void sz_read_folder(struct sz *s, struct sz_folder *f)
{
	uint64_t ncoders = sz_number(s), nin = 0, nout = 0;

	if (ncoders > SZ_MAX_CODERS)
		s->bad = true;
	for (uint64_t i = 0; i < ncoders && !s->bad; i++) {
		unsigned flag = sz_byte(s);
		if (flag & 0x80) {
			s->bad = true;
			break;
		}
		uint64_t id = 0;
		for (unsigned k = 0; k < (flag & 0x0F); k++)
			id = id << 8 | sz_byte(s);
		if (f && id == SZ_AES)
			f->aes = true;
		uint64_t in = 1, out = 1;
		if (flag & 0x10) {
			in = sz_number(s);
			out = sz_number(s);
		}
		if (flag & 0x20)
			sz_skip(s, sz_number(s));
		if (in > SZ_MAX_STREAMS || out > SZ_MAX_STREAMS)
			s->bad = true;
		nin += in;
		nout += out;
	}
	if (s->bad || nout == 0 || nin < nout - 1) {
		s->bad = true;
		return;
	}
	if (f) {
		if (nout > SZ_MAX_OUT) {
			s->bad = true;	/* not a header 7-Zip or libarchive writes: leave it */
			return;
		}
		f->nout = nout;
	}
	for (uint64_t i = 0; i + 1 < nout && !s->bad; i++) {	/* bind pairs: in, out */
		sz_number(s);
		uint64_t out = sz_number(s);
		if (f && out < SZ_MAX_OUT)
			f->bound[out] = true;
	}
	uint64_t npacked = nin - (nout - 1);
	if (npacked > 1)
		for (uint64_t i = 0; i < npacked && !s->bad; i++)
			sz_number(s);
}

/* sz_encoded_size - the unpacked size of an encoded header (s just past kEncodedHeader), read
 * from its streams info as libarchive reads it: folder 0's final out stream. 0 when it cannot be
 * told or libarchive would not decode it (malformed, encrypted). */
static uint64_t sz_encoded_size(struct sz *s)
{
	struct sz_folder f = { 0 };
	uint64_t npack = 0, nfolders = 0;
	unsigned id = sz_byte(s);

	if (id == SZ_PACK_INFO) {
		sz_number(s);	/* pack position */
		npack = sz_number(s);
		if (sz_byte(s) != SZ_SIZE)
			return 0;	/* sizes are required */
		for (uint64_t i = 0; i < npack && !s->bad; i++)
			sz_number(s);
		id = sz_byte(s);
		if (id == SZ_SIZE) {	/* sic: libarchive 3.6.2 takes the digests after kSize */
			sz_digests(s, npack);
			id = sz_byte(s);
		}
		if (id != SZ_END)
			return 0;
		id = sz_byte(s);
	}
	if (id == SZ_UNPACK_INFO) {
		if (sz_byte(s) != SZ_FOLDER)
			return 0;
		nfolders = sz_number(s);
		if (sz_byte(s) != 0)
			return 0;	/* "external" folders: libarchive fails on them */
		for (uint64_t i = 0; i < nfolders && !s->bad; i++)
			sz_read_folder(s, i == 0 ? &f : NULL);
		if (s->bad || sz_byte(s) != SZ_CODERS_UNPACK_SIZE)
			return 0;
		/* the out streams of every folder, in order; only folder 0 decodes the header */
		for (uint64_t i = 0; i < f.nout && !s->bad; i++)
			f.size[i] = sz_number(s);
	}
	if (s->bad || npack == 0 || nfolders == 0 || f.aes)
		return 0;
	for (uint64_t n = f.nout; n-- > 0;)	/* libarchive's folder_uncompressed_size */
		if (!f.bound[n])
			return f.size[n];
	return 0;
}

/* lg_precheck_7z - refuse a 7z header too large for the entry cap */
bool lg_precheck_7z(const char *data, size_t len, const struct lg_ex_limits *lim,
		    struct lg_ex_result *r)
{
	static const unsigned char magic[6] = { '7', 'z', 0xBC, 0xAF, 0x27, 0x1C };
	const unsigned char *p = (const unsigned char *)data;

	if (!data || len < SZ_SIGNATURE_LEN || memcmp(p, magic, sizeof magic) != 0)
		return true;
	if (sz_crc32(p + 12, 20) != le32(p + 8))
		return true;	/* libarchive: "Header CRC error" */
	uint64_t off = le64(p + 12), size = le64(p + 20);
	if (size == 0 || off > len - SZ_SIGNATURE_LEN || size > len - SZ_SIGNATURE_LEN - off)
		return true;	/* empty, or the header is not in the file: libarchive fails */
	struct sz s = { p + SZ_SIGNATURE_LEN + off, (size_t)size, 0, false };
	unsigned kind = sz_byte(&s);
	uint64_t header;
	if (kind == SZ_HEADER)
		header = size;
	else if (kind == SZ_ENCODED_HEADER)
		header = sz_encoded_size(&s);
	else
		return true;	/* libarchive: "Unexpected Property ID" */

	uint64_t cap = lg_precheck_entry_cap(lim);
	uint64_t most = cap > UINT64_MAX / LG_PRECHECK_7Z_HEADER_BYTES_PER_ENTRY
				? UINT64_MAX
				: cap * LG_PRECHECK_7Z_HEADER_BYTES_PER_ENTRY;
	if (header <= most)
		return true;
	lg_ex_set(r, LG_EX_LIMIT, "limit:archive_members",
		  "7z %sheader of %llu bytes, more than %llu (%u bytes for each of %llu entries)",
		  kind == SZ_ENCODED_HEADER ? "encoded " : "", (unsigned long long)header,
		  (unsigned long long)most, LG_PRECHECK_7Z_HEADER_BYTES_PER_ENTRY,
		  (unsigned long long)cap);
	return false;
}

/* ---- dispatch ----------------------------------------------------------------------------- */

/* tar_claims - whether the data starts with a tar header whose checksum is right: libarchive's
 * tar reader then outbids the seekable zip reader, so an end record near the end belongs to a
 * zip stored inside, not to the data */
static bool tar_claims(const unsigned char *p, size_t len)
{
	if (len < 512)
		return false;
	uint64_t want = 0, sum = 0;
	size_t i = 148;
	while (i < 156 && p[i] == ' ')
		i++;
	for (; i < 156 && p[i] >= '0' && p[i] <= '7'; i++)
		want = want * 8 + (uint64_t)(p[i] - '0');
	for (i = 0; i < 512; i++)
		sum += i >= 148 && i < 156 ? ' ' : p[i];
	return sum == want;
}

/* lg_archive_precheck - the check for the format libarchive will take data for */
bool lg_archive_precheck(const char *data, size_t len, const struct lg_ex_limits *lim,
			 struct lg_ex_result *r)
{
	if (!data || len < SZ_SIGNATURE_LEN)
		return true;
	if (memcmp(data, "7z\xBC\xAF\x27\x1C", 6) == 0)
		return lg_precheck_7z(data, len, lim, r);
	if (tar_claims((const unsigned char *)data, len))
		return true;
	return lg_precheck_zip(data, len, lim, r);
}
