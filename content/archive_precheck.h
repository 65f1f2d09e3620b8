/* archive_precheck.h - what libarchive cannot tell us before it reads a whole directory: the
 * number of records in a zip's central directory (the seekable zip reader loads all of them
 * before it returns the first member), the size of a 7z header and the counts it declares
 * (read whole, with an entry allocated per file and per unpack stream, before the first
 * member), and the number of directory records of an ISO 9660 image. Refusing such archives up front keeps memory
 * bounded by archive_members instead of by the input. */
#ifndef LG_ARCHIVE_PRECHECK_H
#define LG_ARCHIVE_PRECHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "content/extract.h"

/* Directory entries allowed per archive_members: the walk counts regular files only, but
 * libarchive loads directories, links and the files past the member limit too. Four per member
 * leaves room for a directory beside every file and for an archive twice over the limit (still
 * read in part, its first archive_members files scanned); beyond that it is refused whole. */
#define LG_PRECHECK_ENTRIES_PER_MEMBER 4
/* Decoded 7z header bytes allowed per allowed entry: a name of up to ~230 UTF-16 characters,
 * three times, attributes, size and CRC. 7-Zip writes about 30 + 2 * name length. */
#define LG_PRECHECK_7Z_HEADER_BYTES_PER_ENTRY 512

/* lg_precheck_entry_cap - the most directory entries libarchive may load for these limits */
uint64_t lg_precheck_entry_cap(const struct lg_ex_limits *lim);

/* lg_precheck_zip - false (r set to LG_EX_LIMIT, "limit:archive_members") when the zip's central
 * directory, as libarchive's seekable reader would load it, holds more than the entry cap. True
 * for anything else: no end record, one libarchive would not use, a truncated or damaged
 * directory (libarchive stops there itself). */
bool lg_precheck_zip(const char *data, size_t len, const struct lg_ex_limits *lim,
		     struct lg_ex_result *r);

/* lg_precheck_7z - false (r set as above) when a 7z's header, plain or encoded (then its
 * declared unpacked size), is larger than the entry cap times the bytes one entry needs, or
 * declares more files, folders or unpack streams than the entry cap (packed streams: four
 * times that), read from the header after decoding it (LZMA/LZMA2, liblzma) when encoded. True
 * for anything else, including a header libarchive would refuse (bad CRC, outside the file) or
 * one encoded with coders not decoded here. */
bool lg_precheck_7z(const char *data, size_t len, const struct lg_ex_limits *lim,
		    struct lg_ex_result *r);

/* lg_precheck_iso - false (r set as above) when an ISO 9660 image's directory records, counted
 * from the root of each volume descriptor (primary and supplementary: libarchive reads one of
 * them, Joliet's when there is one) through every subdirectory, are more than the entry cap.
 * libarchive reads every directory before the first member whose data lies beyond them, with an
 * entry of a few hundred bytes per record. True for anything else (no "CD001", damaged records:
 * libarchive stops at those itself). */
bool lg_precheck_iso(const char *data, size_t len, const struct lg_ex_limits *lim,
		     struct lg_ex_result *r);

/* lg_precheck_tar_claims - whether p starts with a tar header whose checksum is right (libarchive's
 * tar reader then bids 48, more with a ustar or GNU magic) */
bool lg_precheck_tar_claims(const unsigned char *p, size_t len);

/* lg_archive_precheck - the checks that apply to data as lg_archive_walk opens it: 7z by its
 * signature (at the start, or behind an executable stub where libarchive looks for it), ISO 9660
 * by its first volume descriptor, zip unless a tar header claims the data first; true when
 * libarchive may read it */
bool lg_archive_precheck(const char *data, size_t len, const struct lg_ex_limits *lim,
			 struct lg_ex_result *r);

#endif
