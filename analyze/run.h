/* run.h - the state of one analysis, shared by analyze.c (orchestration, tally) and scan.c
 * (what each part and archive member holds). Internal to analyze/. */
#ifndef LG_RUN_H
#define LG_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze/analyze.h"
#include "content/mime.h"
#include "content/sniff.h"
#include "lg_buf.h"
#include "lg_strset.h"

struct lg_analyzer {
	struct lg_sniffer *sniffer;
	lg_dump_fn dump;	/* --dump-parts hook, or NULL */
	void *dump_arg;
};

/* One validated match, kept until the sender's own values are known. */
struct hit {
	unsigned det;
	enum lg_conf conf;
	char *value;
	size_t unit;		/* record unit: a table row or a text line, unique per message */
	size_t part;		/* index of the part it was found in */
	unsigned long row;	/* table row (1-based) or 0 */
	unsigned long line;	/* line of the part's running text (1-based) or 0 */
	unsigned column;	/* table column (1-based) or 0 */
};

struct run {
	const struct lg_config *cfg;
	struct lg_analyzer *an;
	struct lg_report *rep;
	struct hit *hits;
	size_t nhits, caphits;
	size_t next_unit;
	size_t text_total;	/* extracted text bytes so far (limit text_size) */
	size_t decoded_total;	/* decoded bytes of parts and members so far (limit decoded_size) */
	int64_t deadline_ms;	/* limit time_budget, CLOCK_MONOTONIC */
	struct lg_strset own;	/* values that are the sender's or recipients' own */
	unsigned sig_values;	/* values excused by the signature so far */
	const char *sender;	/* normalised sender address (envelope, else From) */
	const struct lg_mime_addrs *addrs;	/* the outermost message's, filled before any leaf */
	bool seen_top_body;
	/* where the MIME walk currently is: "" for the message, "data.zip/mail.eml/" inside */
	const char *prefix;
	unsigned nest;		/* archive and attached-message nesting above the current walk */
	/* per-part scratch for the detector callback (saved and restored around members) */
	size_t part_index;
	unsigned long line_base;	/* lines of running text of this part before this block */
	unsigned long table_row;	/* row in the current table (0 outside tables) */
	struct lg_header *header;	/* the current table's header row, or NULL */
	size_t unit_base;
	const size_t *line_starts;
	size_t nlines;
	size_t sig_start, sig_end;
	bool has_sig;
	struct lg_buf dump_text;	/* extracted text of the current part, when dumping */
	char err[256];
	bool failed;
};

/* lg_scan_leaf - the MIME walk's callback: one leaf part into the report and the detectors */
int lg_scan_leaf(void *arg, const struct lg_mime_leaf *leaf);

#endif
