/* archive_precheck.c - a look at an archive's directory before libarchive reads it, for the two
 * readers that load a whole directory before returning the first member: zip (the seekable
 * reader loads every central directory record) and 7z (the header, with an entry per file).
 * Our per-member limits only act once members come out, so without this a small file with a
 * million entries costs hundreds of megabytes first.
 *
 * Only what libarchive cannot tell us in advance is read here, and as libarchive reads it
 * (3.6.2): the same end record, the same start of the central directory, the same record
 * lengths; for 7z the same walk through the header's streams info (pack info, folders,
 * substreams) up to FilesInfo's NumFiles. Anything this code does not understand passes: a
 * damaged directory is libarchive's to report, and the check must never make an ordinary
 * archive unreadable. A count over its bound refuses as soon as it is read.
 *
 * 7z: libarchive allocates about 100 bytes per file and per unpack stream the header declares
 * (up to 100,000,000 each) whatever the header's size, so a 66-byte 7z declaring 5,000,000 files
 * cost 470 MB. The header's size is bounded first (plain, or an encoded header's unpacked size),
 * then its counts: packed streams, folders, unpack streams and files. An encoded header is
 * decoded with liblzma (LZMA, LZMA2, stored, or BCJ/Delta fed by LZMA), only as far as the
 * counts need, into memory bounded by the header size bound; the dictionary allocated is never
 * larger than the header. The only allocation is that buffer and liblzma's state.
 *
 * An encoded header whose coders liblzma does not decode (bzip2, deflate, PPMd, BCJ2: 7-Zip and
 * libarchive write LZMA or LZMA2 headers) is refused as "unsupported": its counts cannot be
 * checked, and a 120-byte 7z with a bzip2-encoded header declaring 5,000,000 files cost 470 MB
 * in libarchive. An AES-encrypted header passes (libarchive stops at it). A 7z behind a
 * self-extracting stub is found where libarchive finds it and checked the same way.
 *
 * ISO 9660: every directory is read before the first member, an entry per record; the records
 * are counted (see lg_precheck_iso). xar is not read at all (content/archive.c), and neither
 * is a 7z or an ISO behind a decompression filter, where this check cannot see it: such a stream
 * is taken as one compressed member, which is checked when it is walked in turn. Not covered:
 * formats other than tar that may hold a stored zip at their very end. */
#include "content/archive_precheck.h"

#include <lzma.h>
#include <stdlib.h>
#include <string.h>

#include "lg_alloc.h"

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
#define SZ_ARCHIVE_PROPERTIES 0x02
#define SZ_MAIN_STREAMS_INFO 0x04
#define SZ_FILES_INFO 0x05
#define SZ_SUBSTREAMS_INFO 0x08
#define SZ_NUM_UNPACK_STREAM 0x0D
#define SZ_MAX_CODERS 4		/* libarchive refuses a folder with more */
#define SZ_MAX_OUT 16		/* out streams of the header's folder we follow (BCJ2 has 4) */
#define SZ_AES 0x06F10701	/* an encrypted header: libarchive stops before decoding it */
/* coders of an encoded header that liblzma decodes (7z method ids) */
#define SZ_COPY 0x00
#define SZ_LZMA 0x030101
#define SZ_LZMA2 0x21
#define SZ_DELTA 0x03
#define SZ_BCJ_X86 0x03030103
#define SZ_BCJ_PPC 0x03030205
#define SZ_BCJ_IA64 0x03030401
#define SZ_BCJ_ARM 0x03030501
#define SZ_BCJ_ARMT 0x03030701
#define SZ_BCJ_SPARC 0x03030805
#define SZ_PACKED_PER_FOLDER 4	/* packed streams a folder has at most in practice (BCJ2) */
#define SZ_DECODE_FIRST 65536	/* encoded header bytes decoded first; doubled while needed */
#define SZ_MAX_STREAMS 100000000	/* libarchive's UMAX_ENTRY: a coder's in or out streams */
/* A self-extracting 7z: libarchive's 7z reader searches data that begins like an executable (MZ
 * or ELF) for a signature header from SFX_MIN_ADDR on; in memory its scan runs to the end (its
 * SFX_MAX_ADDR only bounds where a read-ahead window may begin), and shorter data is not
 * searched at all. */
#define SZ_SFX_MIN 0x27000
#define SZ_SFX_MIN_LEN (SZ_SFX_MIN + 0x40)	/* its smallest read-ahead window past SZ_SFX_MIN */

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

/* A cursor over header bytes (the encoded header's streams info, or a plain header). */
struct sz {
	const unsigned char *p;
	size_t len, pos;
	bool bad;		/* ran out of bytes or met something libarchive refuses */
	bool more;		/* bad because the bytes ran out: more decoded header may help */
};

/* sz_byte - the next byte (0 and bad set at the end) */
static unsigned sz_byte(struct sz *s)
{
	if (s->pos >= s->len) {
		s->bad = s->more = true;
		return 0;
	}
	return s->p[s->pos++];
}

/* sz_skip - step over n bytes */
static void sz_skip(struct sz *s, uint64_t n)
{
	if (n > s->len - s->pos)
		s->bad = s->more = true;
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

/* Which of n digests are defined: none (no digests), all, or those set in a bit vector. */
struct sz_defined {
	bool present, all;
	size_t bits;		/* offset of the bit vector in the cursor's bytes */
};

/* sz_is_defined - whether digest i is defined (i is below the n the vector was read for) */
static bool sz_is_defined(const struct sz *s, const struct sz_defined *d, uint64_t i)
{
	if (!d->present || d->all)
		return d->present;
	return (s->p[d->bits + i / 8] & (0x80u >> (i % 8))) != 0;
}

/* sz_digests - step over n digests: all-defined flag or a bit vector, 4 bytes for each defined
 * (libarchive refuses n = 0); where they are in d when d is not NULL */
static void sz_digests(struct sz *s, uint64_t n, struct sz_defined *d)
{
	uint64_t defined = n;
	struct sz_defined here = { .present = true, .all = true };

	if (n == 0) {
		s->bad = true;
		return;
	}
	if (sz_byte(s) == 0) {
		here.all = false;
		here.bits = s->pos;
		defined = 0;
		for (uint64_t i = 0; i < n && !s->bad; i += 8) {
			unsigned bits = sz_byte(s);
			for (uint64_t k = i; k < i + 8 && k < n; k++, bits <<= 1)
				defined += (bits & 0x80) != 0;
		}
	}
	if (s->bad)
		return;
	if (defined > (s->len - s->pos) / 4)
		s->bad = s->more = true;
	else
		sz_skip(s, defined * 4);
	if (d && !s->bad)
		*d = here;
}

/* The header folder: its coders, out streams' sizes and which are bound to another coder's
 * input, as far as decoding the header needs them. */
struct sz_folder {
	uint64_t ncoders, nout, nbind, npacked;
	uint64_t id[SZ_MAX_CODERS];
	bool simple[SZ_MAX_CODERS];			/* one in and one out stream */
	const unsigned char *props[SZ_MAX_CODERS];	/* coder properties, in the header */
	size_t nprops[SZ_MAX_CODERS];
	uint64_t bind_in, bind_out;			/* the first bind pair */
	uint64_t size[SZ_MAX_OUT];
	bool bound[SZ_MAX_OUT];
	bool aes;
};

/* What the pre-check learns from a streams info and a header: the counts libarchive allocates
 * by (the first one over its bound is kept; it refuses the archive only if the rest parses
 * too, as libarchive would then load it), and folder 0 of an encoded header. */
struct sz_info {
	uint64_t cap;			/* the entry cap */
	const char *over;		/* the count over its bound: "files", "folders", ... or NULL */
	uint64_t over_n, over_max;
	uint64_t pack_pos, npacked, pack0;	/* pack0: size of packed stream 0 */
	uint64_t nfolders, unpack_streams, files;
	struct sz_folder f0;
	struct sz_defined folder_crcs;
	bool parsed;			/* read to the end of what is needed without a failure */
};

/* sz_count - note a count; false (and info->over set, unless already) when it is over max */
static bool sz_count(struct sz_info *info, const char *what, uint64_t n, uint64_t max)
{
	if (n <= max)
		return true;
	if (info->over)
		return false;
	info->over = what;
	info->over_n = n;
	info->over_max = max;
	return false;
}

/* sz_read_folder - one folder (coders, bind pairs, packed streams); into f when f is not NULL.
 * Returns its number of out streams (0 when bad). */
static uint64_t sz_read_folder(struct sz *s, struct sz_folder *f)
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
		uint64_t in = 1, out = 1;
		if (flag & 0x10) {
			in = sz_number(s);
			out = sz_number(s);
		}
		uint64_t nprops = flag & 0x20 ? sz_number(s) : 0;
		const unsigned char *at = s->p + s->pos;
		sz_skip(s, nprops);
		if (in > SZ_MAX_STREAMS || out > SZ_MAX_STREAMS)
			s->bad = true;
		if (f) {
			f->id[i] = id;
			f->simple[i] = !(flag & 0x10) || (in == 1 && out == 1);
			f->props[i] = at;
			f->nprops[i] = (size_t)nprops;	/* checked by sz_skip */
			f->aes |= id == SZ_AES;
		}
		nin += in;
		nout += out;
	}
	if (s->bad || nout == 0 || nin < nout - 1) {
		s->bad = true;
		return 0;
	}
	if (f) {
		if (nout > SZ_MAX_OUT) {
			s->bad = true;	/* not a header 7-Zip or libarchive writes: leave it */
			return 0;
		}
		f->ncoders = ncoders;
		f->nout = nout;
		f->nbind = nout - 1;
		f->npacked = nin - (nout - 1);
	}
	for (uint64_t i = 0; i + 1 < nout && !s->bad; i++) {	/* bind pairs: in, out */
		uint64_t in = sz_number(s), out = sz_number(s);
		if (f && out < SZ_MAX_OUT)
			f->bound[out] = true;
		if (f && i == 0) {
			f->bind_in = in;
			f->bind_out = out;
		}
	}
	uint64_t npacked = nin - (nout - 1);
	if (npacked > 1)
		for (uint64_t i = 0; i < npacked && !s->bad; i++)
			sz_number(s);
	return s->bad ? 0 : nout;
}

/* sz_pack_info - PackInfo (s just past its id) as libarchive 3.6.2 reads it */
static void sz_pack_info(struct sz *s, struct sz_info *info)
{
	info->pack_pos = sz_number(s);
	info->npacked = sz_number(s);
	if (s->bad || info->npacked == 0) {
		s->bad = true;
		return;
	}
	sz_count(info, "packed streams", info->npacked, info->cap * SZ_PACKED_PER_FOLDER);
	if (sz_byte(s) != SZ_SIZE) {
		s->bad = true;	/* sizes are required */
		return;
	}
	for (uint64_t i = 0; i < info->npacked && !s->bad; i++) {
		uint64_t n = sz_number(s);
		if (i == 0)
			info->pack0 = n;
	}
	unsigned id = sz_byte(s);
	if (id == SZ_SIZE) {	/* sic: libarchive 3.6.2 takes the digests after kSize */
		sz_digests(s, info->npacked, NULL);
		id = sz_byte(s);
	}
	if (id != SZ_END)
		s->bad = true;
}

/* sz_unpack_info - CodersInfo (s just past kUnPackInfo): the folders, folder 0 kept */
static void sz_unpack_info(struct sz *s, struct sz_info *info)
{
	if (sz_byte(s) != SZ_FOLDER) {
		s->bad = true;
		return;
	}
	info->nfolders = sz_number(s);
	sz_count(info, "folders", info->nfolders, info->cap);
	unsigned external = sz_byte(s);
	if (external == 1) {	/* libarchive reads the index, and fails unless no folders */
		sz_number(s);
		if (info->nfolders > 0)
			s->bad = true;
	} else if (external != 0) {
		s->bad = true;
	}
	if (s->bad)
		return;
	uint64_t nout = 0;	/* out streams of all folders; at most 4 * 100,000,000 each */
	for (uint64_t i = 0; i < info->nfolders && !s->bad; i++)
		nout += sz_read_folder(s, i == 0 ? &info->f0 : NULL);
	if (s->bad || sz_byte(s) != SZ_CODERS_UNPACK_SIZE) {
		s->bad = true;
		return;
	}
	/* the out streams of every folder, in order; folder 0's are kept */
	for (uint64_t i = 0; i < nout && !s->bad; i++) {
		uint64_t n = sz_number(s);
		if (i < info->f0.nout)
			info->f0.size[i] = n;
	}
	unsigned id = sz_byte(s);
	if (id == SZ_CRC) {
		sz_digests(s, info->nfolders, &info->folder_crcs);
		id = sz_byte(s);
	}
	if (id != SZ_END)
		s->bad = true;
}

/* sz_substreams_info - SubStreamsInfo (s just past its id) as libarchive 3.6.2 reads it: the
 * unpack streams per folder (their sum is counted), their sizes and digests */
static void sz_substreams_info(struct sz *s, struct sz_info *info)
{
	uint64_t sum = 0, nonempty = 0, digests = 0;
	unsigned type = sz_byte(s);

	if (type == SZ_NUM_UNPACK_STREAM) {
		for (uint64_t i = 0; i < info->nfolders && !s->bad; i++) {
			uint64_t n = sz_number(s);
			sum = n > UINT64_MAX - sum ? UINT64_MAX : sum + n;
			nonempty += n > 0;
			if (n != 1 || !sz_is_defined(s, &info->folder_crcs, i))
				digests = n > UINT64_MAX - digests ? UINT64_MAX : digests + n;
		}
		type = sz_byte(s);
	} else {
		sum = nonempty = info->nfolders;
		for (uint64_t i = 0; i < info->nfolders; i++)
			digests += !sz_is_defined(s, &info->folder_crcs, i);
	}
	info->unpack_streams = sum;
	sz_count(info, "unpack streams", sum, info->cap);
	if (s->bad)
		return;
	if (type == SZ_SIZE) {	/* every stream's size but each folder's last */
		for (uint64_t i = 0; i < sum - nonempty && !s->bad; i++)
			sz_number(s);
		type = sz_byte(s);
	}
	if (type == SZ_CRC) {
		sz_digests(s, digests, NULL);
		type = sz_byte(s);
	}
	if (type != SZ_END)
		s->bad = true;
}

/* sz_streams_info - a StreamsInfo (s just past its id): pack info, coders, substreams, kEnd */
static void sz_streams_info(struct sz *s, struct sz_info *info)
{
	unsigned id = sz_byte(s);

	if (id == SZ_PACK_INFO) {
		sz_pack_info(s, info);
		if (s->bad)
			return;
		id = sz_byte(s);
	}
	if (id == SZ_UNPACK_INFO) {
		sz_unpack_info(s, info);
		if (s->bad)
			return;
		id = sz_byte(s);
	}
	if (id == SZ_SUBSTREAMS_INFO) {
		sz_substreams_info(s, info);
		if (s->bad)
			return;
		id = sz_byte(s);
	}
	if (id != SZ_END)
		s->bad = true;
}

/* sz_header_counts - a plain header (s at kHeader) as far as FilesInfo's NumFiles, as
 * libarchive's read_Header walks it: archive properties (3.6.2 reads each one's size but not
 * its bytes; later versions skip them: skip_props), the main streams info (no additional
 * streams), then the file count */
static void sz_header_counts(struct sz *s, struct sz_info *info, bool skip_props)
{
	if (sz_byte(s) != SZ_HEADER) {
		s->bad = true;
		return;
	}
	unsigned id = sz_byte(s);
	if (id == SZ_ARCHIVE_PROPERTIES) {
		while (!s->bad && sz_byte(s) != SZ_END) {
			uint64_t n = sz_number(s);
			if (skip_props)
				sz_skip(s, n);
		}
		id = sz_byte(s);
	}
	if (id == SZ_MAIN_STREAMS_INFO) {
		sz_streams_info(s, info);
		if (s->bad)
			return;
		id = sz_byte(s);
	}
	if (s->bad || id == SZ_END)
		return;
	if (id != SZ_FILES_INFO) {
		s->bad = true;
		return;
	}
	info->files = sz_number(s);
	if (!s->bad)
		sz_count(info, "files", info->files, info->cap);
}

/* sz_counts - the counts of the plain header in p[0..len) into info, read as libarchive 3.6.2
 * reads it and, when it has archive properties, also as later versions do (the first reading
 * that parses and is over the cap is kept); *more set when a reading ran out of bytes */
static void sz_counts(const unsigned char *p, size_t len, uint64_t cap, struct sz_info *info,
		      bool *more)
{
	for (int skip = 0; skip < 2; skip++) {
		struct sz s = { p, len, 0, false, false };
		*info = (struct sz_info){ .cap = cap };
		sz_header_counts(&s, info, skip == 1);
		*more |= s.bad && s.more;
		info->parsed = !s.bad;
		if ((info->parsed && info->over) || len < 2 || p[1] != SZ_ARCHIVE_PROPERTIES)
			return;
	}
}

/* sz_encoded_size - the unpacked size of an encoded header (s just past kEncodedHeader), its
 * streams info read into env as libarchive reads it: folder 0's final out stream. 0 when it
 * cannot be told or libarchive would not decode it (malformed, encrypted, a count over). */
static uint64_t sz_encoded_size(struct sz *s, struct sz_info *env)
{
	const struct sz_folder *f = &env->f0;

	sz_streams_info(s, env);
	if (s->bad || env->npacked == 0 || env->nfolders == 0 || f->aes)
		return 0;
	for (uint64_t n = f->nout; n-- > 0;)	/* libarchive's folder_uncompressed_size */
		if (!f->bound[n])
			return f->size[n];
	return 0;
}

/* sz_lzma_filter - the liblzma filter for a 7z coder id that liblzma decodes, or
 * LZMA_VLI_UNKNOWN */
static lzma_vli sz_lzma_filter(uint64_t id)
{
	switch (id) {
	case SZ_LZMA:
		return LZMA_FILTER_LZMA1;
	case SZ_LZMA2:
		return LZMA_FILTER_LZMA2;
	case SZ_DELTA:
		return LZMA_FILTER_DELTA;
	case SZ_BCJ_X86:
		return LZMA_FILTER_X86;
	case SZ_BCJ_PPC:
		return LZMA_FILTER_POWERPC;
	case SZ_BCJ_IA64:
		return LZMA_FILTER_IA64;
	case SZ_BCJ_ARM:
		return LZMA_FILTER_ARM;
	case SZ_BCJ_ARMT:
		return LZMA_FILTER_ARMTHUMB;
	case SZ_BCJ_SPARC:
		return LZMA_FILTER_SPARC;
	default:
		return LZMA_VLI_UNKNOWN;
	}
}

/* Decoding an encoded header: liblzma's raw decoder over the packed stream in memory, into a
 * buffer grown only as far as the parse asks, never past the header's unpacked size. */
struct sz_decoder {
	lzma_stream z;
	lzma_filter filters[3];
	bool started;		/* z and filters hold memory */
	unsigned char *buf;	/* what was decoded (NULL for a stored header) */
	const unsigned char *out;	/* the header bytes: buf, or the stored bytes in the file */
	size_t len, total;	/* decoded so far; the unpacked size */
	bool done;		/* no more will come (the end, or an error) */
};

/* sz_decoder_start - set up d for folder 0 of env (the header's size total, already bounded);
 * false when it cannot: *foreign is set when that is because the coders are ones liblzma does not
 * decode (bzip2, deflate, PPMd, BCJ2), whose counts therefore cannot be checked */
static bool sz_decoder_start(struct sz_decoder *d, const unsigned char *p, size_t len,
			     const struct sz_info *env, uint64_t total, bool *foreign)
{
	const struct sz_folder *f = &env->f0;
	size_t nf = 0;

	if (env->pack_pos > len - SZ_SIGNATURE_LEN ||
	    env->pack0 > len - SZ_SIGNATURE_LEN - env->pack_pos || total == 0 || f->npacked != 1)
		return false;	/* the packed header is not in the file: libarchive fails */
	/* one LZMA, LZMA2 or stored coder; or a filter fed by LZMA/LZMA2 (in 0 <- out 1), the
	 * way 7-Zip chains BCJ or Delta; anything else (BCJ2, PPMd, bzip2, deflate) passes */
	if (f->ncoders == 1 && f->simple[0]) {
		nf = 1;
	} else if (f->ncoders == 2 && f->simple[0] && f->simple[1] && f->bind_in == 0 &&
		   f->bind_out == 1 && (f->id[1] == SZ_LZMA || f->id[1] == SZ_LZMA2)) {
		nf = 2;
	} else {
		*foreign = true;
		return false;
	}
	for (size_t i = 0; i < nf; i++)
		if (f->id[i] != SZ_COPY && sz_lzma_filter(f->id[i]) == LZMA_VLI_UNKNOWN) {
			*foreign = true;
			return false;
		}
	const unsigned char *packed = p + SZ_SIGNATURE_LEN + env->pack_pos;
	d->total = (size_t)total;
	if (nf == 1 && f->id[0] == SZ_COPY) {	/* stored: the packed bytes are the header */
		d->out = packed;
		d->len = env->pack0 < total ? (size_t)env->pack0 : d->total;
		d->done = true;
		return true;
	}
	for (size_t i = 0; i < nf; i++) {
		d->filters[i].id = sz_lzma_filter(f->id[i]);
		if (d->filters[i].id == LZMA_VLI_UNKNOWN ||
		    (i + 1 < nf) == (f->id[i] == SZ_LZMA || f->id[i] == SZ_LZMA2) ||
		    lzma_properties_decode(&d->filters[i], NULL, f->props[i], f->nprops[i]) !=
			    LZMA_OK) {
			for (size_t k = 0; k < i; k++)
				free(d->filters[k].options);
			d->filters[i].options = NULL;
			return false;
		}
	}
	d->filters[nf].id = LZMA_VLI_UNKNOWN;
	/* a dictionary larger than all the output is never used: allocate no more than that */
	lzma_options_lzma *o = d->filters[nf - 1].options;
	if (o->dict_size > total)
		o->dict_size = total < LZMA_DICT_SIZE_MIN ? LZMA_DICT_SIZE_MIN : (uint32_t)total;
	if (lzma_raw_decoder(&d->z, d->filters) != LZMA_OK) {
		for (size_t k = 0; k < nf; k++)
			free(d->filters[k].options);
		return false;
	}
	d->started = true;
	d->z.next_in = packed;
	d->z.avail_in = (size_t)env->pack0;
	return true;
}

/* sz_decoder_fill - decode until want bytes (at most the unpacked size) are there or no more
 * come */
static void sz_decoder_fill(struct sz_decoder *d, size_t want)
{
	if (want > d->total)
		want = d->total;
	if (d->done || d->len >= want)
		return;
	d->out = d->buf = lg_realloc(d->buf, want);
	while (d->len < want) {
		d->z.next_out = d->buf + d->len;
		d->z.avail_out = want - d->len;
		size_t in = d->z.avail_in;
		lzma_ret ret = lzma_code(&d->z, LZMA_RUN);
		size_t got = want - d->len - d->z.avail_out;
		d->len += got;
		if (ret != LZMA_OK || (got == 0 && in == d->z.avail_in)) {
			d->done = true;	/* the end, damaged data or truncated input */
			break;
		}
	}
	if (d->len >= d->total)
		d->done = true;
}

/* sz_decoder_end - free what d holds */
static void sz_decoder_end(struct sz_decoder *d)
{
	if (!d->started)
		return;
	lzma_end(&d->z);
	for (size_t i = 0; d->filters[i].id != LZMA_VLI_UNKNOWN; i++)
		free(d->filters[i].options);
	free(d->buf);
}

/* sz_encoded_counts - decode the encoded header described by env (total bytes unpacked) as far
 * as sz_header_counts needs, doubling what is decoded each time it runs out, into info */
static void sz_encoded_counts(const unsigned char *p, size_t len, const struct sz_info *env,
			      uint64_t total, struct sz_info *info, bool *foreign)
{
	struct sz_decoder d = { .z = LZMA_STREAM_INIT, .filters = { { .id = LZMA_VLI_UNKNOWN } } };
	size_t want = SZ_DECODE_FIRST;

	if (!sz_decoder_start(&d, p, len, env, total, foreign))
		return;
	for (;;) {
		bool more = false;
		sz_decoder_fill(&d, want);
		sz_counts(d.out, d.len, env->cap, info, &more);
		if ((info->parsed && info->over) || !more || d.done)
			break;
		want = want > SIZE_MAX / 2 ? SIZE_MAX : want * 2;
	}
	sz_decoder_end(&d);
}

/* lg_precheck_7z - refuse a 7z header too large for the entry cap, or declaring more files,
 * folders, unpack or packed streams than it allows */
bool lg_precheck_7z(const char *data, size_t len, const struct lg_ex_limits *lim,
		    struct lg_ex_result *r)
{
	static const unsigned char magic[6] = { '7', 'z', 0xBC, 0xAF, 0x27, 0x1C };
	const unsigned char *p = (const unsigned char *)data;

	if (!data || len < SZ_SIGNATURE_LEN || memcmp(p, magic, sizeof magic) != 0)
		return true;
	if (lzma_crc32(p + 12, 20, 0) != le32(p + 8))
		return true;	/* libarchive: "Header CRC error" */
	uint64_t off = le64(p + 12), size = le64(p + 20);
	if (size == 0 || off > len - SZ_SIGNATURE_LEN || size > len - SZ_SIGNATURE_LEN - off)
		return true;	/* empty, or the header is not in the file: libarchive fails */
	uint64_t cap = lg_precheck_entry_cap(lim);
	struct sz s = { p + SZ_SIGNATURE_LEN + off, (size_t)size, 0, false, false };
	struct sz_info env = { .cap = cap }, info = { .cap = cap };
	unsigned kind = sz_byte(&s);
	uint64_t header;
	if (kind == SZ_HEADER)
		header = size;
	else if (kind == SZ_ENCODED_HEADER)
		header = sz_encoded_size(&s, &env);
	else
		return true;	/* libarchive: "Unexpected Property ID" */

	uint64_t most = cap > UINT64_MAX / LG_PRECHECK_7Z_HEADER_BYTES_PER_ENTRY
				? UINT64_MAX
				: cap * LG_PRECHECK_7Z_HEADER_BYTES_PER_ENTRY;
	if (header > most) {
		lg_ex_set(r, LG_EX_LIMIT, "limit:archive_members",
			  "7z %sheader of %llu bytes, more than %llu (%u bytes for each of %llu "
			  "entries)",
			  kind == SZ_ENCODED_HEADER ? "encoded " : "", (unsigned long long)header,
			  (unsigned long long)most, LG_PRECHECK_7Z_HEADER_BYTES_PER_ENTRY,
			  (unsigned long long)cap);
		return false;
	}
	env.parsed = kind == SZ_ENCODED_HEADER && !s.bad;
	bool foreign = false;
	if (kind == SZ_HEADER) {
		bool more = false;
		sz_counts(s.p, s.len, cap, &info, &more);
	} else if (!env.over && header > 0) {
		sz_encoded_counts(p, len, &env, header, &info, &foreign);
	}
	if (foreign) {
		/* 7-Zip and libarchive write LZMA or LZMA2 headers; one in another method may
		 * declare any number of entries, and libarchive would allocate for all of them
		 * before the first: not read (reported, so that policy can hold it) */
		lg_ex_set(r, LG_EX_UNSUPPORTED, "unsupported",
			  "7z header encoded with a method other than LZMA/LZMA2 (bzip2, deflate, "
			  "PPMd, BCJ2): its entries cannot be counted before reading, so it is not "
			  "read");
		return false;
	}
	const struct sz_info *over = env.over ? &env : &info;
	if (!over->over || !over->parsed)
		return true;	/* within the cap, or libarchive fails before it allocates */
	lg_ex_set(r, LG_EX_LIMIT, "limit:archive_members",
		  "7z %sheader declaring %llu %s, more than %llu (archive_members %u allows %u "
		  "entries a member)",
		  kind == SZ_ENCODED_HEADER ? "encoded " : "", (unsigned long long)over->over_n,
		  over->over, (unsigned long long)over->over_max, lim->members,
		  LG_PRECHECK_ENTRIES_PER_MEMBER);
	return false;
}

/* sz_sfx_find - where libarchive's 7z reader finds a 7z behind an executable stub: the first
 * signature header with a right CRC at SZ_SFX_MIN or later with 32 bytes after its start; 0 for
 * none (or no stub) */
static size_t sz_sfx_find(const unsigned char *p, size_t len)
{
	static const unsigned char magic[6] = { '7', 'z', 0xBC, 0xAF, 0x27, 0x1C };

	if (len < SZ_SFX_MIN_LEN || !((p[0] == 'M' && p[1] == 'Z') || memcmp(p, "\x7F" "ELF", 4) == 0))
		return 0;
	for (size_t i = SZ_SFX_MIN; i + SZ_SIGNATURE_LEN < len; i++) {
		const unsigned char *q = memmem(p + i, len - i, magic, sizeof magic);
		if (!q)
			return 0;
		i = (size_t)(q - p);
		if (i + SZ_SIGNATURE_LEN < len && lzma_crc32(q + 12, 20, 0) == le32(q + 8))
			return i;
	}
	return 0;
}

/* ---- ISO 9660 ------------------------------------------------------------------------------ */

/* libarchive's ISO 9660 reader (3.6.2) reads the root directory of the volume it chooses, then
 * each subdirectory as its turn comes in disk order, keeping an entry (about 370 bytes) per
 * record: an image whose directories come first costs that for every record before the first
 * member (a 13 MB image of 300,000 empty files: 111 MB). Records are counted here the same way,
 * in every volume's tree, visiting each directory as often as a record points at it. A loop, or
 * directories that share their extents, is counted as over the cap once more directory bytes
 * have been read than the image holds, so the work stays within the image's size. */
#define ISO_SECTOR 2048
#define ISO_VD_START (16 * ISO_SECTOR)	/* after the 32 KB system area */
#define ISO_VD_MAX 64		/* volume descriptors looked at before the terminator */
#define ISO_VD_PRIMARY 1
#define ISO_VD_SUPPLEMENTARY 2
#define ISO_VD_TERMINATOR 255
#define ISO_ROOT_AT 156		/* the root directory record in a volume descriptor */
#define ISO_BLOCK_SIZE_AT 128	/* logical block size (both-endian, little first) */
#define ISO_DR_MIN 34		/* a directory record: 33 bytes and a name of at least one */
#define ISO_DR_EXTENT 2
#define ISO_DR_SIZE 10
#define ISO_DR_FLAGS 25
#define ISO_DR_NAME_LEN 32
#define ISO_FLAG_DIR 0x02

/* A directory still to be read: its extent's offset in the image and its size. */
struct iso_dir {
	uint64_t off, size;
};

/* iso_count_tree - directory records under the root record at root (block size bs), "." and
 * ".." left out; stops as soon as the count passes cap (cap + 1 when the directories read add up
 * to more than the image) */
static uint64_t iso_count_tree(const unsigned char *p, size_t len, const unsigned char *root,
			       uint32_t bs, uint64_t cap)
{
	struct iso_dir *queue = lg_malloc(sizeof *queue);
	size_t head = 0, tail = 0, qcap = 1;
	uint64_t n = 0, read = 0;

	queue[tail++] = (struct iso_dir){ (uint64_t)le32(root + ISO_DR_EXTENT) * bs,
					  le32(root + ISO_DR_SIZE) };
	while (head < tail && n <= cap) {
		struct iso_dir d = queue[head++];
		if (d.off >= len)
			continue;	/* outside the image: libarchive fails there */
		uint64_t end = d.size > len - d.off ? len : d.off + d.size;
		read += end - d.off;
		if (read > len) {
			n = cap + 1;	/* a directory read twice: a loop or shared extents */
			break;
		}
		for (uint64_t at = d.off; at < end && n <= cap;) {
			unsigned rl = p[at];
			if (rl == 0) {	/* the rest of this block is padding */
				at = (at / bs + 1) * bs;
				continue;
			}
			if (rl < ISO_DR_MIN || at + rl > end)
				break;	/* libarchive: "Invalid length of directory record" */
			const unsigned char *dr = p + at;
			at += rl;
			unsigned nl = dr[ISO_DR_NAME_LEN];
			if (nl == 1 && dr[33] <= 1)
				continue;	/* "." and ".." */
			n++;
			if (!(dr[ISO_DR_FLAGS] & ISO_FLAG_DIR))
				continue;
			if (tail == qcap) {
				qcap *= 2;
				queue = lg_realloc(queue, qcap * sizeof *queue);
			}
			queue[tail++] = (struct iso_dir){ (uint64_t)le32(dr + ISO_DR_EXTENT) * bs,
							  le32(dr + ISO_DR_SIZE) };
		}
	}
	free(queue);
	return n;
}

/* lg_precheck_iso - refuse an image with more directory records than the entry cap */
bool lg_precheck_iso(const char *data, size_t len, const struct lg_ex_limits *lim,
		     struct lg_ex_result *r)
{
	const unsigned char *p = (const unsigned char *)data;
	uint64_t cap = lg_precheck_entry_cap(lim);

	if (!data || len < ISO_VD_START + ISO_SECTOR || memcmp(p + ISO_VD_START + 1, "CD001", 5))
		return true;
	for (size_t i = 0; i < ISO_VD_MAX; i++) {
		size_t at = ISO_VD_START + i * ISO_SECTOR;
		if (at + ISO_SECTOR > len || memcmp(p + at + 1, "CD001", 5) != 0 ||
		    p[at] == ISO_VD_TERMINATOR)
			break;
		if (p[at] != ISO_VD_PRIMARY && p[at] != ISO_VD_SUPPLEMENTARY)
			continue;	/* boot record, partition descriptor */
		uint32_t bs = le16(p + at + ISO_BLOCK_SIZE_AT);
		if (bs == 0)
			continue;	/* libarchive refuses the volume */
		uint64_t n = iso_count_tree(p, len, p + at + ISO_ROOT_AT, bs, cap);
		if (n > cap) {
			lg_ex_set(r, LG_EX_LIMIT, "limit:archive_members",
				  "ISO 9660 directories with more than %llu records (archive_members "
				  "%u allows %u entries a member)",
				  (unsigned long long)cap, lim->members, LG_PRECHECK_ENTRIES_PER_MEMBER);
			return false;
		}
	}
	return true;
}

/* ---- dispatch ----------------------------------------------------------------------------- */

/* lg_precheck_tar_claims - whether the data starts with a tar header whose checksum is right: libarchive's
 * tar reader then outbids the seekable zip reader, so an end record near the end belongs to a
 * zip stored inside, not to the data */
bool lg_precheck_tar_claims(const unsigned char *p, size_t len)
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
	/* a self-extracting 7z: its offsets count from its signature header (libarchive's
	 * seek_base); the zip check still follows, for an SFX zip holding it */
	size_t sfx = sz_sfx_find((const unsigned char *)data, len);
	if (sfx && !lg_precheck_7z(data + sfx, len - sfx, lim, r))
		return false;
	if (!lg_precheck_iso(data, len, lim, r))
		return false;
	if (lg_precheck_tar_claims((const unsigned char *)data, len))
		return true;
	return lg_precheck_zip(data, len, lim, r);
}
