/* archive.c - archives held in memory, read with libarchive: zip, 7z, tar (plain or compressed),
 * the other formats libarchive knows, and a single gzip/bzip2/xz/... stream as a one-member
 * archive. Each regular member is read whole (up to member_size) and handed to the caller, who
 * analyses it like an attachment and may walk it again if it is an archive itself: this file
 * does not recurse. Also the test for a password-protected Office file (an OLE2 compound file
 * holding an "EncryptedPackage" stream).
 *
 * Limits are checked while the data streams out of libarchive, never after: member_size for one
 * member (no more than member_size + 1 bytes are ever allocated for it), archive_ratio for all
 * decompressed bytes against the archive's size, archive_members, and the time budget. The rest
 * of a member that is over member_size is read and thrown away under the same checks rather than
 * left to libarchive's skip, which for a compressed tar, a 7z or a streamed zip decompresses the
 * rest without any limit. Before libarchive sees the data, archive_precheck.c refuses a zip or 7z
 * whose directory alone would cost more memory than archive_members allows (libarchive reads
 * those whole before the first member). No mutable statics: one libarchive handle per call. */
#include "content/extract.h"

#include <archive.h>
#include <archive_entry.h>
#include <locale.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "content/archive_precheck.h"
#include "content/charset.h"
#include "content/utf8.h"
#include "lg_alloc.h"
#include "lg_buf.h"
#include "lg_log.h"

/* Decompressed bytes an archive may always reach before archive_ratio applies: small archives of
 * text legitimately compress better than 100:1 (the OOXML reader uses the same floor). */
#define LG_ARCHIVE_RATIO_FLOOR (1u << 20)
/* Bytes asked of libarchive per read, so the limits and the clock are checked this often. */
#define LG_ARCHIVE_CHUNK (256u * 1024)
/* First allocation for a member's data; it doubles from there up to member_size + 1. */
#define LG_ARCHIVE_FIRST_ALLOC (64u * 1024)
/* An ISO 9660 image's first volume descriptor: "CD001" after the 32 KB system area and a type
 * byte; the decompressed bytes looked at to tell a compressed 7z or ISO (compressed_whole_dir). */
#define LG_ISO_MAGIC_AT 32769
#define LG_ARCHIVE_PEEK (LG_ISO_MAGIC_AT + 5)
/* Warnings from one member's reads before it counts as damaged (guards against a loop). */
#define LG_ARCHIVE_MAX_WARNINGS 16

/* One walk over one archive. */
struct walk {
	struct archive *a;
	const struct lg_ex_limits *lim;
	lg_ex_member_fn fn;
	void *arg;
	uint64_t total;		/* decompressed bytes read so far, all members */
	uint64_t budget;	/* most decompressed bytes allowed (archive_ratio) */
	unsigned members;	/* regular members seen */
	unsigned encrypted;	/* of them encrypted */
	struct lg_ex_result stop;	/* why the walk stopped or what went wrong, first problem */
	const char *limit;	/* the limit that stopped a member's read, as a static string */
	bool stopped;		/* the callback asked to stop */
	char *buf;		/* the current member's data */
	size_t cap;
	char *scratch;		/* LG_ARCHIVE_CHUNK bytes for data that is thrown away */
	struct lg_buf name;
	locale_t caller;	/* the thread's locale outside libarchive calls, or 0 */
};

static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;
static locale_t utf8_loc;	/* C.UTF-8 for this thread while libarchive reads, or 0 */

/* make_utf8_locale - once per process */
static void make_utf8_locale(void)
{
	utf8_loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

/* enter_utf8 - libarchive converts entry names between their charset (UTF-8 for a zip with
 * the UTF-8 flag) and the locale's; under the "C" locale a Japanese name fails to convert and is
 * lost (ARCHIVE_WARN, no pathname at all). So this thread reads archives in C.UTF-8 (uselocale:
 * nothing else in the process changes); returns the locale to go back to, or 0. */
static locale_t enter_utf8(void)
{
	pthread_once(&utf8_once, make_utf8_locale);
	return utf8_loc ? uselocale(utf8_loc) : (locale_t)0;
}

/* How reading one member's data ended. */
enum member_end {
	MEMBER_OK,		/* all of it in w->buf */
	MEMBER_TOO_BIG,		/* over member_size (the rest read and dropped) */
	MEMBER_ENCRYPTED,	/* libarchive wants a passphrase */
	MEMBER_DAMAGED,		/* libarchive failed; w->stop says why */
	MEMBER_LIMIT		/* archive_ratio or the time budget: w->stop set, stop the walk */
};

/* reader_new - a libarchive reader for data: the archive formats, or (raw) only the "raw"
 * format that makes a single compressed stream a one-member archive. Filters that would run an
 * external program (lrzip, lzop, grzip: archive_read_support_filter_all enables them) are left
 * out, and so is uudecode (a text file quoting a uuencoded block is still a text file; the MIME
 * layer decodes uuencoded bodies). xar (the macOS installer format) is not read: its table of
 * contents is zlib-compressed XML that libarchive parses whole, allocating per file, before the
 * first member (a 5 MB xar of 1,000,000 files cost 450 MB, a 115 KB gzip of it the same), and no
 * mail needs it read; a xar attachment is reported unsupported. NULL when libarchive does not
 * take it. */
static struct archive *reader_new(const char *data, size_t len, bool raw)
{
	struct archive *a = archive_read_new();

	if (!a)
		lg_fatal("libarchive: out of memory");
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_bzip2(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_lzma(a);
	archive_read_support_filter_lzip(a);
	archive_read_support_filter_compress(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_filter_lz4(a);
	archive_read_support_filter_rpm(a);
	if (raw) {
		archive_read_support_format_raw(a);
	} else {
		/* archive_read_support_format_all without mtree (a text format: a file whose
		 * first line is "#mtree" would be taken for a list of empty members), "empty"
		 * and xar */
		archive_read_support_format_7zip(a);
		archive_read_support_format_ar(a);
		archive_read_support_format_cab(a);
		archive_read_support_format_cpio(a);
		archive_read_support_format_iso9660(a);
		archive_read_support_format_lha(a);
		archive_read_support_format_rar(a);
		archive_read_support_format_rar5(a);
		archive_read_support_format_tar(a);
		archive_read_support_format_warc(a);
		archive_read_support_format_zip(a);
	}
	if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
		archive_read_free(a);
		return NULL;
	}
	/* "raw" takes any bytes: only a stream that went through a real decompressor counts */
	if (raw && archive_filter_code(a, 0) == ARCHIVE_FILTER_NONE) {
		archive_read_free(a);
		return NULL;
	}
	return a;
}

/* compressed_whole_dir - whether data is a compressed stream (gzip, xz, ...) holding a format
 * whose reader loads a whole directory before the first member: a 7z, an executable that may be
 * a self-extracting 7z, an ISO 9660 image. archive_precheck.c bounds those directories only in
 * data it can see; read through the filter, libarchive would load them unchecked (a 77-byte
 * gzip of a 7z declaring 5,000,000 files cost 460 MB). Such a stream is taken as one compressed
 * member instead, and that member, walked in its turn, is checked. Only the first
 * LG_ARCHIVE_PEEK bytes are decompressed to tell. */
static bool compressed_whole_dir(const char *data, size_t len)
{
	struct archive *a = reader_new(data, len, true);
	struct archive_entry *e;
	bool hit = false;

	if (!a)
		return false;	/* no filter applies */
	if (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		char *head = lg_malloc(LG_ARCHIVE_PEEK);
		size_t n = 0;
		la_ssize_t got;
		while (n < LG_ARCHIVE_PEEK &&
		       (got = archive_read_data(a, head + n, LG_ARCHIVE_PEEK - n)) > 0)
			n += (size_t)got;
		/* a ustar header with a right checksum outbids libarchive's 7z SFX search (48): a
		 * tar whose first name begins with "MZ" is read as a tar */
		bool exe = ((n >= 2 && head[0] == 'M' && head[1] == 'Z') ||
			    (n >= 4 && memcmp(head, "\x7F" "ELF", 4) == 0)) &&
			   !(n >= 512 && memcmp(head + 257, "ustar", 5) == 0 &&
			     lg_precheck_tar_claims((const unsigned char *)head, n));
		hit = exe || (n >= 6 && memcmp(head, "7z\xBC\xAF\x27\x1C", 6) == 0) ||
		      (n >= LG_ARCHIVE_PEEK && memcmp(head + LG_ISO_MAGIC_AT, "CD001", 5) == 0);
		free(head);
	}
	archive_read_free(a);
	return hit;
}

/* is_encryption_error - whether libarchive's message means "needs a password" */
static bool is_encryption_error(const char *msg)
{
	/* "Passphrase required for this entry" (zip), "The file content is encrypted, but
	 * currently not supported" and "The archive header is encrypted, ..." (7z),
	 * "RAR encryption support unavailable." */
	return msg && (strstr(msg, "assphrase") || strstr(msg, "ncrypt"));
}

/* member_name - the entry's path as valid UTF-8 in w->name: libarchive's UTF-8 form, else the
 * raw bytes if they are UTF-8, else the raw bytes read as CP932 (Windows zips without the UTF-8
 * flag) */
static const char *member_name(struct walk *w, struct archive_entry *e)
{
	const char *s = archive_entry_pathname_utf8(e);

	lg_buf_reset(&w->name);
	lg_buf_reserve(&w->name, 0);	/* "" even when there is no name at all */
	if (s && lg_utf8_is_valid(s, strlen(s))) {
		lg_buf_puts(&w->name, s);
		return w->name.data;
	}
	s = archive_entry_pathname(e);
	if (!s)
		return w->name.data;
	size_t len = strlen(s);
	if (lg_utf8_is_valid(s, len)) {
		lg_buf_append(&w->name, s, len);
		return w->name.data;
	}
	size_t outlen;
	char *u = lg_to_utf8(s, len, "CP932", &outlen, NULL, 0);
	lg_buf_append(&w->name, u, outlen);
	free(u);
	return w->name.data;
}

/* count_bytes - charge n decompressed bytes against archive_ratio and check the clock; false
 * (w->stop set) when the walk must stop */
static bool count_bytes(struct walk *w, size_t n, const char *name)
{
	w->total += n;
	if (w->total > w->budget) {
		w->limit = "limit:archive_ratio";
		lg_ex_set(&w->stop, LG_EX_LIMIT, w->limit,
			  "%s: over %llu bytes decompressed (%u times the archive's size)", name,
			  (unsigned long long)w->budget, w->lim->ratio);
		return false;
	}
	if (lg_ex_late(w->lim, &w->stop)) {
		w->limit = "limit:time";
		return false;
	}
	return true;
}

/* read_error - classify a failed read of member name (w->stop set when it is damage) */
static enum member_end read_error(struct walk *w, struct archive_entry *e, const char *name)
{
	const char *msg = archive_error_string(w->a);

	if (archive_entry_is_encrypted(e) > 0 || is_encryption_error(msg))
		return MEMBER_ENCRYPTED;
	lg_ex_set(&w->stop, LG_EX_CORRUPT, "corrupt", "%s: %s", name, msg ? msg : "unreadable");
	return MEMBER_DAMAGED;
}

/* read_member - the current entry's data into w->buf (*got bytes), growing the buffer as data
 * arrives but never beyond member_size + 1 bytes */
static enum member_end read_member(struct walk *w, struct archive_entry *e, const char *name,
				   size_t *got)
{
	size_t max = w->lim->member_size;
	size_t len = 0;
	unsigned warnings = 0;

	if (max > SIZE_MAX / 2)
		max = SIZE_MAX / 2;
	if (!w->buf)
		w->buf = lg_malloc(1);	/* room for the NUL even when member_size is 0 */

	for (;;) {
		if (len == w->cap && len < max) {
			size_t cap = w->cap ? w->cap * 2 : LG_ARCHIVE_FIRST_ALLOC;
			if (cap > max || cap < w->cap)
				cap = max;
			w->buf = lg_realloc(w->buf, cap + 1);
			w->cap = cap;
		}
		if (len == max)
			break;	/* full: any further byte makes it too big */
		size_t want = w->cap - len;
		if (want > LG_ARCHIVE_CHUNK)
			want = LG_ARCHIVE_CHUNK;
		la_ssize_t n = archive_read_data(w->a, w->buf + len, want);
		/* "ZIP bad CRC" comes as ARCHIVE_WARN before the entry's bytes, which the next
		 * call hands out (unzip extracts such a member too, with a warning) */
		if (n == ARCHIVE_WARN && ++warnings <= LG_ARCHIVE_MAX_WARNINGS)
			continue;
		if (n < 0)
			return read_error(w, e, name);
		if (n == 0) {
			*got = len;
			w->buf[len] = '\0';
			return MEMBER_OK;
		}
		len += (size_t)n;
		if (!count_bytes(w, (size_t)n, name))
			return MEMBER_LIMIT;
	}
	/* member_size reached: is there more? read the rest and drop it, under the limits */
	bool more = false;
	for (;;) {
		la_ssize_t n = archive_read_data(w->a, w->scratch, LG_ARCHIVE_CHUNK);
		if (n == ARCHIVE_WARN && ++warnings <= LG_ARCHIVE_MAX_WARNINGS)
			continue;
		if (n < 0) {
			if (!more)
				return read_error(w, e, name);
			break;	/* too big anyway; the damage will show at the next header */
		}
		if (n == 0)
			break;
		more = true;
		if (!count_bytes(w, (size_t)n, name))
			return MEMBER_LIMIT;
	}
	if (!more) {
		*got = len;
		w->buf[len] = '\0';
		return MEMBER_OK;
	}
	return MEMBER_TOO_BIG;
}

/* deliver - hand one member to the callback; false when it asked to stop */
static bool deliver(struct walk *w, const struct lg_ex_member *m)
{
	/* the caller's code (which may walk nested archives) runs in the caller's locale */
	if (w->caller)
		uselocale(w->caller);
	int rc = w->fn ? w->fn(w->arg, m) : 0;
	if (w->caller)
		uselocale(utf8_loc);
	if (rc != 0) {
		w->stopped = true;
		return false;
	}
	return true;
}

/* walk_entry - one regular member: read it and hand it over; false when the walk must stop */
static bool walk_entry(struct walk *w, struct archive_entry *e)
{
	struct lg_ex_member m = { 0 };

	m.name = member_name(w, e);
	if (archive_entry_size_is_set(e) && archive_entry_size(e) > 0)
		m.declared_size = (uint64_t)archive_entry_size(e);
	if (archive_entry_is_encrypted(e) > 0) {
		m.encrypted = true;
		m.reason = "encrypted";
		w->encrypted++;
		return deliver(w, &m);
	}
	size_t got = 0;
	switch (read_member(w, e, m.name, &got)) {
	case MEMBER_OK:
		m.data = w->buf;
		m.len = got;
		return deliver(w, &m);
	case MEMBER_TOO_BIG:
		lg_ex_set(&w->stop, LG_EX_LIMIT, "limit:member_size", "%s: more than %zu bytes",
			  m.name, w->lim->member_size);
		m.reason = "limit:member_size";
		return deliver(w, &m);
	case MEMBER_ENCRYPTED:
		m.encrypted = true;
		m.reason = "encrypted";
		w->encrypted++;
		return deliver(w, &m);
	case MEMBER_DAMAGED:
		/* listed; the walk goes on if libarchive can (after a fatal error the next header
		 * fails and ends it) */
		m.reason = "corrupt";
		return deliver(w, &m);
	case MEMBER_LIMIT:
		m.reason = w->limit;
		if (w->fn)	/* listed; the walk ends on the limit whatever the callback says */
			w->fn(w->arg, &m);
		return false;
	}
	return false;
}

/* walk_entries - read headers until the end, a limit, damage or the callback's stop */
static void walk_entries(struct walk *w)
{
	for (;;) {
		struct archive_entry *e;

		if (lg_ex_late(w->lim, &w->stop))
			return;
		int rc = archive_read_next_header(w->a, &e);
		if (rc == ARCHIVE_EOF)
			return;
		if (rc < ARCHIVE_WARN) {
			const char *msg = archive_error_string(w->a);
			if (is_encryption_error(msg)) {	/* 7z with encrypted names */
				w->encrypted++;
				lg_ex_set(&w->stop, LG_EX_ENCRYPTED, "encrypted", "%s", msg);
			} else {
				lg_ex_set(&w->stop, LG_EX_CORRUPT, "corrupt", "%s",
					  msg ? msg : "unreadable archive");
			}
			return;
		}
		/* directories, links, devices: nothing to read (a hard link's data is elsewhere) */
		if (archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e))
			continue;
		if (w->members >= w->lim->members) {
			lg_ex_set(&w->stop, LG_EX_LIMIT, "limit:archive_members",
				  "more than %u members", w->lim->members);
			return;
		}
		w->members++;
		if (!walk_entry(w, e))
			return;
	}
}

/* settle - the walk's outcome in r: the callback's stop, else "encrypted" if any member was,
 * else the first problem met */
static void settle(struct walk *w, struct lg_ex_result *r)
{
	if (w->stopped)
		lg_ex_set(r, LG_EX_STOPPED, "stopped", NULL);
	else if (w->stop.status == LG_EX_ENCRYPTED)	/* the names are encrypted too */
		lg_ex_set(r, LG_EX_ENCRYPTED, "encrypted", "%s", w->stop.detail);
	else if (w->encrypted)
		lg_ex_set(r, LG_EX_ENCRYPTED, "encrypted", "%u of %u members encrypted%s%s",
			  w->encrypted, w->members, w->stop.status == LG_EX_OK ? "" : "; ",
			  w->stop.status == LG_EX_OK ? "" : w->stop.reason);
	else if (w->stop.status != LG_EX_OK)
		lg_ex_set(r, w->stop.status, w->stop.reason, "%s", w->stop.detail);
}

/* lg_archive_walk - hand every regular member of the archive in data to fn */
void lg_archive_walk(const char *data, size_t len, const struct lg_ex_limits *lim,
		     lg_ex_member_fn fn, void *arg, struct lg_ex_result *r)
{
	if (!data || len == 0) {
		lg_ex_set(r, LG_EX_UNSUPPORTED, "unsupported", "empty input");
		return;
	}
	/* a zip's central directory, a 7z's header or an ISO's directories are read whole before
	 * the first member: refuse one larger than archive_members allows before libarchive
	 * loads it */
	if (!lg_archive_precheck(data, len, lim, r))
		return;
	locale_t caller = enter_utf8();
	/* an archive format first (unless the pre-check could not see it: compressed_whole_dir);
	 * only then a lone compressed stream */
	struct archive *a = compressed_whole_dir(data, len) ? NULL : reader_new(data, len, false);
	if (!a)
		a = reader_new(data, len, true);
	if (!a) {
		if (caller)
			uselocale(caller);
		lg_ex_set(r, LG_EX_UNSUPPORTED, "unsupported", "not an archive or compressed file");
		return;
	}
	struct walk w = { .a = a, .lim = lim, .fn = fn, .arg = arg, .name = LG_BUF_INIT,
			  .caller = caller };
	uint64_t ratio = lim->ratio;
	w.budget = len > UINT64_MAX / (ratio ? ratio : 1) ? UINT64_MAX : ratio * len;
	if (w.budget < LG_ARCHIVE_RATIO_FLOOR)
		w.budget = LG_ARCHIVE_RATIO_FLOOR;
	w.scratch = lg_malloc(LG_ARCHIVE_CHUNK);
	walk_entries(&w);
	settle(&w, r);
	archive_read_free(a);
	if (caller)
		uselocale(caller);
	free(w.buf);
	free(w.scratch);
	lg_buf_free(&w.name);
}

/* ---- OLE2 compound files ----------------------------------------------------------------- */

/* Most directory sectors followed, and most DIFAT sectors, before giving up (a sane Office file
 * has a handful; a loop in the chain must not run forever). */
#define LG_OLE_MAX_DIR_SECTORS 4096
#define LG_OLE_MAX_DIFAT_SECTORS 1024
#define LG_OLE_HEADER_DIFAT 109		/* FAT sector numbers held in the header itself */
#define LG_OLE_ENDOFCHAIN 0xFFFFFFFEu
#define LG_OLE_MAXREGSECT 0xFFFFFFFAu

/* An OLE2 file in memory. */
struct ole {
	const unsigned char *p;
	size_t len;
	unsigned shift;		/* sector size is 1 << shift (512 or 4096) */
};

/* le16 - a little-endian 16-bit integer at p */
static uint32_t le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

/* le32 - a little-endian 32-bit integer at p */
static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ole_sector - the bytes of sector n, or NULL when it lies outside the file */
static const unsigned char *ole_sector(const struct ole *o, uint32_t n)
{
	if (n > LG_OLE_MAXREGSECT)
		return NULL;
	uint64_t off = ((uint64_t)n + 1) << o->shift;
	uint64_t size = (uint64_t)1 << o->shift;
	if (off > o->len || size > o->len - off)
		return NULL;
	return o->p + off;
}

/* ole_fat_sector - the sector number of the k-th FAT sector (header DIFAT, then the DIFAT
 * chain), or ENDOFCHAIN */
static uint32_t ole_fat_sector(const struct ole *o, uint32_t k)
{
	if (k < LG_OLE_HEADER_DIFAT)
		return le32(o->p + 0x4C + 4 * k);
	uint32_t per = ((uint32_t)1 << o->shift) / 4 - 1;	/* last slot links to the next */
	uint32_t idx = k - LG_OLE_HEADER_DIFAT;
	uint32_t sect = le32(o->p + 0x44);
	for (unsigned hops = 0; hops < LG_OLE_MAX_DIFAT_SECTORS; hops++) {
		const unsigned char *s = ole_sector(o, sect);
		if (!s)
			return LG_OLE_ENDOFCHAIN;
		if (idx < per)
			return le32(s + 4 * idx);
		idx -= per;
		sect = le32(s + 4 * per);
	}
	return LG_OLE_ENDOFCHAIN;
}

/* ole_next - the sector after n in its chain (the FAT entry for n), or ENDOFCHAIN */
static uint32_t ole_next(const struct ole *o, uint32_t n)
{
	uint32_t per = ((uint32_t)1 << o->shift) / 4;
	const unsigned char *fat = ole_sector(o, ole_fat_sector(o, n / per));
	return fat ? le32(fat + 4 * (n % per)) : LG_OLE_ENDOFCHAIN;
}

/* ole_is_encrypted_package - whether the 128-byte directory entry d is the stream
 * "EncryptedPackage" (names are UTF-16LE with their length in bytes, NUL included) */
static bool ole_is_encrypted_package(const unsigned char *d)
{
	static const char want[] = "EncryptedPackage";
	size_t n = sizeof want - 1;

	if (d[0x42] != 2 || le16(d + 0x40) != 2 * (n + 1))	/* 2: a stream object */
		return false;
	for (size_t i = 0; i < n; i++)
		if (d[2 * i] != (unsigned char)want[i] || d[2 * i + 1] != 0)
			return false;
	return true;
}

/* lg_ex_is_encrypted_office - follow the directory chain of an OLE2 file looking for a stream
 * called "EncryptedPackage": how Office (and LibreOffice) store a password-protected
 * xlsx/docx/pptx. A malformed file is not one (Office could not open it either). */
bool lg_ex_is_encrypted_office(const char *data, size_t len)
{
	static const unsigned char magic[8] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };
	struct ole o = { (const unsigned char *)data, len, 0 };

	if (!data || len < 512 || memcmp(data, magic, sizeof magic) != 0)
		return false;
	o.shift = le16(o.p + 0x1E);
	if (o.shift != 9 && o.shift != 12)
		return false;
	uint32_t sect = le32(o.p + 0x30);	/* first directory sector */
	size_t per = ((size_t)1 << o.shift) / 128;
	for (unsigned hops = 0; hops < LG_OLE_MAX_DIR_SECTORS && sect != LG_OLE_ENDOFCHAIN; hops++) {
		const unsigned char *s = ole_sector(&o, sect);
		if (!s)
			return false;
		for (size_t i = 0; i < per; i++)
			if (ole_is_encrypted_package(s + 128 * i))
				return true;
		sect = ole_next(&o, sect);
	}
	return false;
}
