/* detect.h - personal data detectors: find validated values in normalised UTF-8 text. Each
 * detector is described by a rule file (rules/builtin/NAME.yaml, or an administrator's own): a
 * pcre2 pattern that proposes candidates, a validator that decides, context keywords that raise
 * the confidence, and a cheap prefilter that keeps the pattern off text that cannot match. */
#ifndef LG_DETECT_H
#define LG_DETECT_H

#include <stdbool.h>
#include <stddef.h>

/* How sure a finding is. Only medium and high count as personal data in records and totals;
 * low findings are reported (findings.<id>.any) but decide nothing by default. */
enum lg_conf {
	LG_CONF_NONE = 0,
	LG_CONF_LOW,
	LG_CONF_MEDIUM,
	LG_CONF_HIGH,
};

/* How a value is shown in logs and notices. */
enum lg_redact_style {
	LG_REDACT_TEXT = 0,	/* first character, then **** ("山****") */
	LG_REDACT_PHONE,	/* "090-****-5678" */
	LG_REDACT_EMAIL,	/* "t****@example.jp" */
	LG_REDACT_DIGITS,	/* "********9012": the last 4 digits */
	LG_REDACT_POSTAL,	/* "100-**** 東京都千代田区": the area, not the street */
};

/* One detector as a rule file defines it (see leakguard-rules(5) in the README). Strings are
 * owned; lists are NULL-terminated. */
struct lg_detdef {
	char *id;		/* [a-z][a-z0-9_]*: the name in reports and facts (findings.<id>) */
	char *description;
	char *group;		/* free label ("contact", "identity", "financial", "corporate") */
	bool personal;		/* counts towards records and findings.total */
	char *pattern;		/* pcre2 (UTF); NULL for a column rule */
	char *validator;	/* validator name (rules/validate.h) or NULL */
	struct {
		unsigned digits;	/* every match has this many ASCII digits close together */
		char **literals;	/* ... or contains one of these (ASCII case-insensitive) */
		unsigned reach;		/* characters a match may begin before its first trigger */
		char *reach_chars;	/* ... all of them among these ASCII characters and ranges
					 * ("-A-Za-z0-9_%+. "); NULL: any character */
	} prefilter;
	struct {
		char **keywords;	/* near the match, or in its table column's header */
		unsigned window;	/* characters on each side searched for a keyword */
		bool required;		/* no keyword, no finding */
		enum lg_conf confidence;	/* the confidence with a keyword */
	} context;
	struct {
		char **keywords;	/* a match with one of these just before it is not one */
		unsigned window;	/* characters before the match searched */
	} exclude;
	enum lg_conf confidence;	/* the confidence without a keyword */
	char **columns;		/* column rule: a header containing one of these marks the column */
	char **not_columns;	/* ... unless it contains one of these ("会社名", "file name") */
	enum lg_redact_style redact;
	char *file;		/* where it was defined, for messages */
	int line;
};

void lg_detdef_free(struct lg_detdef *d);

/* The compiled detector set: built once at config load, shared read-only by all threads. */
struct lg_detectors;

/* One finding handed to the caller. value is the canonical form (NUL-terminated): phone_jp
 * national digits with the leading 0, email local@domain with the domain lower-cased, ...;
 * start/end are byte offsets in the scanned text; column is 1-based in a table row, else 0. */
struct lg_match {
	unsigned det;		/* index of the detector (lg_detector_id) */
	const char *value;
	size_t start, end;
	enum lg_conf conf;
	unsigned column;
};
typedef void (*lg_match_fn)(void *arg, const struct lg_match *m);

/* A table row being scanned: where each cell starts in the text (cells joined by one
 * separator), and the header of the table it belongs to (NULL when it has none). */
struct lg_row_ctx {
	const size_t *cell_start;	/* n offsets, ascending; cell i ends before cell_start[i+1] - 1 */
	const size_t *cell_len;
	size_t ncells;
	const struct lg_header *header;
};

/* A table header: per column, which detectors the header text names (by keyword or column
 * rule). Built by lg_header_new from the header row's (normalised) cells. */
struct lg_header;

/* lg_detectors_build - compile a detector set from definitions (ids unique; defs are copied).
 * NULL with err set ("file:line: what") on a bad pattern or an unknown validator. */
struct lg_detectors *lg_detectors_build(const struct lg_detdef *defs, size_t n, char *err,
					size_t errlen);
/* (The built-in set, rules/builtin/NAME.yaml compiled in, is lg_detectors_builtin in
 * config/config.h: rule files are YAML, read by the configuration loader.) */
void lg_detectors_free(struct lg_detectors *d);
/* lg_detectors_set_vectorscan - find the literal triggers and keywords of all detectors in one
 * Vectorscan pass (on, the default when leakguard is built with it and the CPU can run it), or
 * with one search per detector; the findings are the same. Returns whether the pass is used. */
bool lg_detectors_set_vectorscan(struct lg_detectors *d, bool on);

/* lg_builtin_rules - the built-in rule files: NULL-terminated arrays of names and texts */
extern const char *const lg_builtin_rule_names[];
extern const char *const lg_builtin_rule_texts[];

size_t lg_detector_count(const struct lg_detectors *d);
/* lg_detector_id - the public name of detector i ("phone_jp"), "unknown" when out of range */
const char *lg_detector_id(const struct lg_detectors *d, unsigned i);
const struct lg_detdef *lg_detector_def(const struct lg_detectors *d, unsigned i);
/* lg_detector_find - index of the detector with this id, or -1 */
int lg_detector_find(const struct lg_detectors *d, const char *id);

/* lg_detect - scan text (valid UTF-8, already NFKC-normalised) with every detector; row is NULL
 * for running text. Returns the number of findings reported; -2 when a pattern hit pcre2's
 * backtracking limit somewhere (hostile text: the findings elsewhere are still reported, err
 * names the detector; the text was not fully scanned); -1 on an internal error (message in
 * err). Thread-safe. */
int lg_detect(const struct lg_detectors *d, const char *text, size_t len,
	      const struct lg_row_ctx *row, lg_match_fn fn, void *arg, char *err, size_t errlen);

/* lg_header_new - decide whether a row is a table header (some cell names a detector's column
 * or context keyword) and, if so, remember per column what it names; NULL when it is not */
struct lg_header *lg_header_new(const struct lg_detectors *d, const char *const *cells,
				const size_t *lens, size_t ncells);
void lg_header_free(struct lg_header *h);

/* lg_reach_chars_parse - the set of a prefilter's reach_chars (ASCII characters, "a-z" ranges,
 * '-' itself first or last): ok[c] = 1 for each; false with err set when it is not such a text */
bool lg_reach_chars_parse(const char *spec, unsigned char ok[256], char *err, size_t errlen);

/* lg_phone_jp_valid - is this digit string (leading 0, no separators) a plausible Japanese
 * number under the national numbering plan? */
bool lg_phone_jp_valid(const char *digits, size_t n);

/* lg_redact - a redacted sample for logs and notices, newly allocated */
char *lg_redact(enum lg_redact_style style, const char *value);
/* lg_conf_name - "low", "medium", "high" ("none" for LG_CONF_NONE) */
const char *lg_conf_name(enum lg_conf c);

#endif
