/* notice.h - notices about held mail: to the sender (held, released, deleted) and to compliance
 * staff (one per held mail, or a periodic digest). Rendered from administrator-editable
 * templates (notice/template.c; the values: notice/compose.c) into MIME messages
 * (notice/mime.c), queued in the quarantine store's outbox and sent through the release relay
 * with retries (notice/outbox.c). */
#ifndef LG_NOTICE_H
#define LG_NOTICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quarantine/quarantine.h"

struct lg_buf;
struct lg_config;
struct lg_ncfg;
struct lg_report;

/* What a notice is about; one template per kind and language. */
enum lg_notice_kind {
	LG_N_HELD,		/* to the sender: your mail was held */
	LG_N_RELEASED,		/* to the sender: a reviewer released it */
	LG_N_DELETED,		/* to the sender: a reviewer deleted it */
	LG_N_COMPLIANCE,	/* to compliance staff: one held mail */
	LG_N_DIGEST,		/* to compliance staff: the holds of a period */
	LG_N_KINDS
};

/* Languages a template exists in (a "ja+en" notice is both, Japanese first). */
enum lg_notice_lang { LG_NL_JA, LG_NL_EN, LG_NL_COUNT };

#define LG_NOTICE_TEMPLATE_MAX (64u * 1024)	/* bytes of one template file */
#define LG_NOTICE_PLACEHOLDER_MAX 32		/* characters of a placeholder name */
#define LG_NOTICE_LIST_MAX 20			/* recipients, samples, lines listed in a notice */
#define LG_NOTICE_SAMPLES 3			/* redacted samples per detector in a notice */
#define LG_NOTICE_DIGEST_MAX 500		/* holds listed in one digest */
#define LG_NOTICE_LEASE 600			/* seconds a sender keeps a claimed notice */
#define LG_NOTICE_BATCH 20			/* notices claimed at once */

struct lg_notice_template;
struct lg_notice_templates;

/* The built-in templates (data/notices/KIND.LANG.txt, compiled in by rules/embed.awk):
 * NULL-terminated arrays of file names and texts. */
extern const char *const lg_builtin_notice_names[];
extern const char *const lg_builtin_notice_texts[];

/* lg_notice_kind_name - "held", "released", "deleted", "compliance", "digest" */
const char *lg_notice_kind_name(enum lg_notice_kind k);

/* ---- templates (template.c) --------------------------------------------------------------- */

/* lg_notice_template_parse - one template: a "Subject: ..." first line, a blank line, then the
 * body; placeholders {name} (the kind's own set; {{ and }} are literal braces). Problems are
 * appended to errors as "name:line:column: error: ..."; returns their number (0: *out is set) */
size_t lg_notice_template_parse(const char *name, const char *text, size_t len,
				enum lg_notice_kind kind, struct lg_notice_template **out,
				struct lg_buf *errors);
void lg_notice_template_free(struct lg_notice_template *t);
/* lg_notice_templates_load - every template the configuration needs (the kinds of sender
 * notices in each sender language, of compliance notices in the compliance language), from
 * nc->templates (KIND.LANG.txt) or the built-in ones; problems as above, their number returned */
size_t lg_notice_templates_load(const struct lg_ncfg *nc, struct lg_notice_templates **out,
				struct lg_buf *errors);
void lg_notice_templates_free(struct lg_notice_templates *t);
/* lg_notice_templates_get - the template of a kind and language, or NULL when not loaded */
const struct lg_notice_template *lg_notice_templates_get(const struct lg_notice_templates *t,
							  enum lg_notice_kind kind,
							  enum lg_notice_lang lang);

/* A placeholder's value: looked up by name while rendering. */
struct lg_notice_var {
	const char *name;
	const char *value;
};

/* lg_notice_render - the template with every placeholder replaced: the subject (one line) and
 * the body (LF line ends) into the buffers */
void lg_notice_render(const struct lg_notice_template *t, const struct lg_notice_var *vars,
		      size_t nvars, struct lg_buf *subject, struct lg_buf *body);

/* ---- composing notices (compose.c) -------------------------------------------------------- */

/* lg_notice_language - the language of notices to this address: the first notices.languages
 * entry that matches it, else notices.language */
const char *lg_notice_language(const struct lg_ncfg *nc, const char *addr);

/* lg_notice_mime - a notice as a MIME message (UTF-8 text/plain, base64, RFC 2047 subject, Date,
 * Message-ID, Auto-Submitted: auto-generated, X-Leakguard-Notice: KIND ID), CRLF line ends */
char *lg_notice_mime(const char *from, char *const *to, size_t nto, const char *subject,
		     const char *body, const char *kind, const char *qid, size_t *len);

/* lg_notice_for_hold - the notices of a new hold of entry rec (id set): the sender's (by the
 * deciding rule's notify, in each recipient's language) and, with compliance mode each, the
 * reviewers'. Appended to *out / *n (free with lg_q_notices_free). */
void lg_notice_for_hold(const struct lg_config *cfg, const struct lg_q_record *rec,
			const struct lg_report *rep, const char *msg, size_t len,
			struct lg_q_notice **out, size_t *n);

/* lg_notice_for_review - the outcome notices of a release or delete: one to the recipients of
 * each held notice of the entry, in its language, with the reviewer's name and reason.
 * held notices as listed from the outbox; appended to *out / *n. */
void lg_notice_for_review(const struct lg_config *cfg, const struct lg_q_record *rec,
			  const char *msg, size_t len, enum lg_notice_kind kind,
			  const char *reviewer, const char *reason, const struct lg_q_notice *held,
			  size_t nheld, struct lg_q_notice **out, size_t *n);

/* lg_notice_digest - a digest notice of the holds recs (created in [start, end)) */
void lg_notice_digest(const struct lg_config *cfg, const struct lg_q_record *recs, size_t nrecs,
		      int64_t start, int64_t end, struct lg_q_notice *out);

/* ---- the outbox (outbox.c) --------------------------------------------------------------- */

/* lg_notice_put_held - store a held message with its notices in one transaction (the id is made
 * first: the notices name it); 0, or -1 with err (nothing stored) */
int lg_notice_put_held(struct lg_qstore *q, const struct lg_config *cfg, struct lg_q_record *rec,
		       const struct lg_report *rep, const char *msg, size_t len, char *err,
		       size_t errlen);

/* lg_notice_review - enqueue the outcome notices of a release or delete of entry id and try to
 * send them at once (a failure leaves them queued for the daemon); the number enqueued or -1 */
long lg_notice_review(struct lg_qstore *q, const struct lg_config *cfg, const char *id,
		      enum lg_notice_kind kind, const char *reviewer, const char *reason,
		      char *err, size_t errlen);

/* What one pass over the outbox did. */
struct lg_notice_stats {
	unsigned sent, deferred, failed, digests;
};

/* lg_notice_backoff - seconds before the next attempt after attempts failures: notices.retry
 * (default 1 min, 5, 15, 60), its last wait repeating */
int64_t lg_notice_backoff(const struct lg_ncfg *nc, unsigned attempts);

/* lg_notice_run - one pass: make the digest that is due (compliance mode digest), then claim
 * and send every due notice; a failure is logged with the relay's error and retried after
 * lg_notice_backoff, or given up (status failed) once older than notices.give_up.
 * 0, or -1 with err when the store failed. */
int lg_notice_run(struct lg_qstore *q, const struct lg_config *cfg, int64_t now,
		  struct lg_notice_stats *st, char *err, size_t errlen);

#endif
