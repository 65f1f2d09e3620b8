/* sets.h - lists and groups of addresses, domains or texts that conditions test values
 * against ("sender in group:payroll", "recipient_domains all in list:partners"). */
#ifndef LG_SETS_H
#define LG_SETS_H

#include <stdbool.h>
#include <stddef.h>

#include "lg_strset.h"
#include "policy/facts.h"

/* One set: a named list or group of the configuration, or an inline [a, b] in a condition.
 * Entries are kept as written (for messages and --explain) and, normalised, in hash sets. */
struct lg_set {
	char *name;		/* "partners"; NULL for an inline set */
	bool group;		/* a group: addresses only */
	char **entries;		/* as written (trimmed) */
	size_t n;
	struct lg_strset addrs;		/* local@domain, domain lower-cased */
	struct lg_strset domains;	/* example.com: that domain only */
	struct lg_strset parents;	/* .example.com / *.example.com: its subdomains */
	struct lg_strset texts;		/* every entry lower-cased, for type and file name values */
	char **globs;		/* entries holding '*' or '?' (lower-cased), for texts */
	size_t nglobs;
};

/* The named sets of a policy: lists and groups (one name space each). */
struct lg_sets {
	struct lg_set **v;
	size_t n;
};

/* lg_set_new - an empty set; name NULL for an inline one */
struct lg_set *lg_set_new(const char *name, bool group);
/* lg_set_add - add one entry (blanks around it dropped); 0, or -1 with why it is bad in err.
 * A group takes addresses only; a list addresses, domains (.example.com or *.example.com for
 * the subdomains) or any other one-line text (types, file names, with * and ? wildcards). */
int lg_set_add(struct lg_set *s, const char *entry, char *err, size_t errlen);
/* lg_set_match - does a value of this kind match an entry of the set */
bool lg_set_match(const struct lg_set *s, enum lg_vkind kind, const char *value);
/* lg_set_entry_fits - can this entry ever match a value of this kind (an address or domain
 * entry for addresses, a domain for domains, anything for texts) */
bool lg_set_entry_fits(const char *entry, enum lg_vkind kind);
void lg_set_free(struct lg_set *s);

/* lg_sets_find - the list (group false) or group (group true) of this name, or NULL */
const struct lg_set *lg_sets_find(const struct lg_sets *sets, bool group, const char *name,
				  size_t len);
/* lg_sets_add - take ownership of a set */
void lg_sets_add(struct lg_sets *sets, struct lg_set *s);
void lg_sets_free(struct lg_sets *sets);

#endif
