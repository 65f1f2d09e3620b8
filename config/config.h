/* config.h - leakguard.yaml: loaded once, validated whole (file:line:column errors). */
#ifndef LG_CONFIG_H
#define LG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "policy/policy.h"

struct lg_buf;
struct lg_detectors;
struct lg_detdef;

/* Named limits of message analysis; hitting one is reported as reason "limit:<name>". */
struct lg_limits {
	size_t spool_memory;	 /* spool_memory: bytes of a message held in memory before a temp file */
	size_t message_size;	 /* message_size: larger messages are not analysed at all */
	unsigned depth;		 /* depth: MIME nesting (multipart and message/rfc822) */
	unsigned parts;		 /* parts: MIME parts per message */
	size_t part_size;	 /* part_size: decoded bytes per part */
	size_t text_size;	 /* text_size: extracted text per message */
	size_t decoded_size;	 /* decoded_size: decoded bytes of all parts and members together */
	size_t member_size;	 /* member_size: decompressed bytes of one archive member or zip part */
	unsigned archive_members; /* archive_members: members read per archive */
	unsigned archive_ratio;	 /* archive_ratio: most decompressed bytes per compressed byte */
	unsigned time_budget;	 /* time_budget: seconds of analysis per message */
};

/* detectors: which rule files make the detector set. */
struct lg_detcfg {
	bool builtin;		/* builtin: the rules shipped with leakguard (default true) */
	char **disable;		/* disable: ids of built-in detectors to leave out */
	char **files;		/* files: more rule files (glob patterns); an id already defined
				   replaces the earlier definition */
};

/* bcc: how the bcc action rewrites the visible recipients. */
struct lg_bcc {
	bool keep_internal;	/* keep_internal: internal addresses stay visible in To and Cc */
};

/* quarantine.release: where "leakguardctl quarantine release" re-submits a held message. */
struct lg_relcfg {
	char *url;		/* url: "smtp://host:port" or "smtps://host:port", an MTA listener that
				   does not pass mail through leakguard again; NULL: not configured */
	char *helo;		/* helo: the name given in EHLO, NULL for libcurl's default */
	unsigned timeout;	/* timeout: seconds for the whole SMTP transaction */
};

/* quarantine: where held messages are kept (quarantine/quarantine.h). */
struct lg_qcfg {
	char *url;		/* url: "sqlite:/path" or "postgresql://..." */
	char *hold_mode;	/* hold_mode: "mta" (Postfix's hold queue) or "store" (the milter
				   stores the message here and answers discard) */
	struct lg_relcfg release;
};

/* workers: analysis in separate, confined processes (milter/workers.c). */
struct lg_wcfg {
	unsigned count;		/* count: worker processes; 0 analyses in the milter's own threads */
	unsigned max_messages;	/* max_messages: a worker is replaced after this many messages */
	size_t memory;		/* memory: RLIMIT_AS of a worker */
	unsigned cpu_seconds;	/* cpu_seconds: CPU time of one message in a worker
				   (RLIMIT_CPU, raised by this much before each message) */
	unsigned timeout;	/* timeout: seconds a message may take in a worker; 0: limits.time_budget
				   plus 30 */
	bool seccomp;		/* seccomp: confine workers with a seccomp filter */
};

/* ---- notices (notice/notice.h) ---- */
struct lg_set;
struct lg_notice_templates;

#define LG_NOTICE_RETRY_MAX 8	/* waits in notices.retry */

/* notices.languages: one override of the notice language, first match wins. */
struct lg_nlang {
	char *match;		/* match: an address, a domain, or *.domain / .domain (subdomains) */
	char *language;		/* language: ja, en or ja+en */
	struct lg_set *set;	/* match, compiled */
};

/* notices.compliance: who reviews, and how they hear of holds. */
struct lg_ncompliance {
	char **to;		/* to: addresses (NULL-terminated); needed unless mode is none */
	char *mode;		/* mode: each (a notice per held mail), digest, none */
	unsigned digest_interval; /* digest_interval: seconds of one digest period */
	char *language;		/* language: ja, en or ja+en (default: notices.language) */
};

/* notices: what senders and compliance staff are told (needs quarantine.hold_mode store). */
struct lg_ncfg {
	bool enabled;		/* enabled: false (default) sends and enqueues nothing */
	char *from;		/* from: the From and MAIL FROM address of every notice */
	char *language;		/* language: ja, en or ja+en (both, Japanese first) */
	struct lg_nlang *langs;	/* languages: per sender or sender domain */
	size_t nlangs;
	char *templates;	/* templates: a directory of KIND.LANG.txt files, NULL: built-in */
	char *contact;		/* contact: whom senders may ask (a line of text), or NULL */
	unsigned interval;	/* interval: seconds between the daemon's passes over the outbox */
	unsigned give_up;	/* give_up: seconds after which an unsent notice is given up */
	char **retry_src;	/* retry: waits after the 1st, 2nd ... failure ("1m", ...); the
				   last one repeats */
	unsigned retry[LG_NOTICE_RETRY_MAX];	/* ... in seconds */
	size_t nretry;
	struct lg_ncompliance compliance;
	struct lg_notice_templates *tpl;	/* loaded and checked at load when enabled */
};

struct lg_config {
	char *source;		/* file the config came from, or "<built-in>" */
	char *listen;		/* listen: "unix:/path" or "inet:port@host" */
	char *user;		/* user: run-as user when started as root */
	mode_t socket_mode;	/* socket_mode: permissions of a unix socket, e.g. 0660 */
	char *pidfile;		/* pidfile: NULL for none */
	char *spool_dir;	/* spool_dir: where large messages are spooled */
	char *log_facility;	/* log_facility: syslog facility name, "mail" by default */
	unsigned milter_timeout; /* not yet used by libmilter calls; reserved */
	char **internal_domains; /* internal_domains: empty means "the sender's domain" */
	size_t n_internal_domains;
	struct lg_limits limits;
	struct lg_policy policy;
	struct lg_detcfg detcfg;
	struct lg_bcc bcc;
	struct lg_qcfg quarantine;
	struct lg_wcfg workers;
	struct lg_ncfg notices;
	struct lg_detectors *detectors; /* compiled at load */
};

/* The built-in configuration, used when no file is given (and documented in the README). */
extern const char lg_default_config_yaml[];

/* lg_config_load - read and validate a YAML file; NULL on error with one or more lines
 * "file:line:column: error: what" appended to errors. path NULL loads the built-in default. */
struct lg_config *lg_config_load(const char *path, struct lg_buf *errors);
/* lg_config_load_string - the same from memory; name is used in error messages */
struct lg_config *lg_config_load_string(const char *name, const char *yaml, size_t len,
					struct lg_buf *errors);
void lg_config_free(struct lg_config *c);

/* lg_rules_load_string - parse one rule file (a detector mapping, or a sequence of them) into
 * definitions appended to *defs; problems appended to errors as "file:line:col: error: ...".
 * Returns the number of problems (0: all good). */
size_t lg_rules_load_string(const char *name, const char *yaml, size_t len, struct lg_detdef **defs,
			    size_t *ndefs, struct lg_buf *errors);
/* lg_detectors_builtin - the built-in detector set (rules/builtin/NAME.yaml); NULL with err set */
struct lg_detectors *lg_detectors_builtin(char *err, size_t errlen);

#endif
