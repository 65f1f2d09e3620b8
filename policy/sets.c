/* sets.c - lists and groups for conditions: entries checked when they are added, normalised
 * into hash sets, and matched against a message's addresses, domains, types and file names.
 *
 * Matching (documented in leakguard.yaml(5)):
 *   address value  - an address entry: same local part (exactly) and domain (any case);
 *                    a domain entry: the address's domain matches it (below)
 *   domain value   - "example.com" matches example.com only; ".example.com" and
 *                    "*.example.com" match its subdomains (a.example.com, b.a.example.com),
 *                    not example.com itself; address entries never match a domain
 *   text value     - any case; '*' matches any run of characters, '?' one byte */
#include "policy/sets.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lg_alloc.h"

/* Longest entry (bytes); longer ones are refused. */
#define LG_SET_ENTRY_MAX 256

/* lower_dup - a copy with ASCII letters lower-cased */
static char *lower_dup(const char *s, size_t n)
{
	char *d = lg_strndup(s, n);
	for (char *p = d; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return d;
}

/* valid_domain - letters, digits, '-' in dot-separated non-empty labels (any case) */
static bool valid_domain(const char *s, size_t n)
{
	if (n == 0 || n > 253 || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '.' && s[i + 1] == '.')
			return false;
		if (!isalnum(c) && c != '-' && c != '.')
			return false;
	}
	return true;
}

/* valid_address - a non-empty local part without blanks, '@' and a valid domain */
static bool valid_address(const char *s)
{
	const char *at = strrchr(s, '@');
	if (!at || at == s)
		return false;
	for (const char *p = s; p < at; p++)
		if ((unsigned char)*p <= ' ' || *p == '@' || *p == '<' || *p == '>' || *p == 0x7f)
			return false;
	return valid_domain(at + 1, strlen(at + 1));
}

/* parent_pattern - the domain after a leading "." or "*.", or NULL when it has neither */
static const char *parent_pattern(const char *s)
{
	if (s[0] == '.')
		return s + 1;
	if (s[0] == '*' && s[1] == '.')
		return s + 2;
	return NULL;
}

/* lg_set_entry_fits - can the entry match values of this kind */
bool lg_set_entry_fits(const char *e, enum lg_vkind kind)
{
	const char *parent = parent_pattern(e);
	bool domain = parent ? valid_domain(parent, strlen(parent)) : valid_domain(e, strlen(e));
	switch (kind) {
	case LG_VK_ADDRESS:
		return domain || valid_address(e);
	case LG_VK_DOMAIN:
		return domain;
	case LG_VK_TEXT:
		break;
	}
	return true;
}

/* lg_set_new - an empty set */
struct lg_set *lg_set_new(const char *name, bool group)
{
	struct lg_set *s = lg_calloc(1, sizeof *s);
	s->name = name ? lg_strdup(name) : NULL;
	s->group = group;
	lg_strset_init(&s->addrs);
	lg_strset_init(&s->domains);
	lg_strset_init(&s->parents);
	lg_strset_init(&s->texts);
	return s;
}

/* lg_set_add - check one entry and add it to the hash sets its form belongs in */
int lg_set_add(struct lg_set *s, const char *entry, char *err, size_t errlen)
{
	size_t n = strlen(entry);
	while (n && (entry[0] == ' ' || entry[0] == '\t'))
		entry++, n--;
	while (n && (entry[n - 1] == ' ' || entry[n - 1] == '\t' || entry[n - 1] == '\r'))
		n--;
	if (n == 0) {
		snprintf(err, errlen, "empty entry");
		return -1;
	}
	if (n > LG_SET_ENTRY_MAX) {
		snprintf(err, errlen, "entry longer than %d bytes", LG_SET_ENTRY_MAX);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)entry[i] < 0x20 || entry[i] == 0x7f) {
			snprintf(err, errlen, "control character in entry");
			return -1;
		}
	char *e = lg_strndup(entry, n);
	const char *parent = parent_pattern(e);
	const char *at = strrchr(e, '@');
	if (s->group && !valid_address(e)) {
		snprintf(err, errlen, "'%.*s' is not an address (a group holds addresses only)",
			 (int)(n > 80 ? 80 : n), e);
		free(e);
		return -1;
	}
	if (at && !valid_address(e)) {
		snprintf(err, errlen, "bad address '%.*s'", (int)(n > 80 ? 80 : n), e);
		free(e);
		return -1;
	}
	if (parent && !at && !valid_domain(parent, strlen(parent)) && e[0] == '.') {
		snprintf(err, errlen, "bad domain '%.*s'", (int)(n > 80 ? 80 : n), e);
		free(e);
		return -1;
	}
	if (at) {
		/* local part as written, domain lower-cased */
		char *a = lg_strdup(e);
		for (char *p = a + (at - e); *p; p++)
			*p = (char)tolower((unsigned char)*p);
		lg_strset_add(&s->addrs, a);
		free(a);
	} else if (parent && valid_domain(parent, strlen(parent))) {
		char *d = lower_dup(parent, strlen(parent));
		lg_strset_add(&s->parents, d);
		free(d);
	} else if (valid_domain(e, n)) {
		char *d = lower_dup(e, n);
		lg_strset_add(&s->domains, d);
		free(d);
	}
	char *t = lower_dup(e, n);
	if (strpbrk(t, "*?")) {
		s->globs = lg_realloc(s->globs, (s->nglobs + 1) * sizeof *s->globs);
		s->globs[s->nglobs++] = t;
	} else {
		lg_strset_add(&s->texts, t);
		free(t);
	}
	s->entries = lg_realloc(s->entries, (s->n + 1) * sizeof *s->entries);
	s->entries[s->n++] = e;
	return 0;
}

/* glob_match - does lower-cased text t match pattern p ('*' any run, '?' one byte) */
static bool glob_match(const char *p, const char *t)
{
	const char *star = NULL, *resume = NULL;
	while (*t) {
		if (*p == '?' || (*p && *p != '*' && *p == (char)tolower((unsigned char)*t))) {
			p++, t++;
		} else if (*p == '*') {
			star = p++;
			resume = t;
		} else if (star) {
			p = star + 1;
			t = ++resume;
		} else {
			return false;
		}
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

/* domain_match - the domain (lower case) is listed, or is under a listed parent */
static bool domain_match(const struct lg_set *s, const char *d)
{
	if (!*d)
		return false;
	if (lg_strset_has(&s->domains, d))
		return true;
	for (const char *p = strchr(d, '.'); p; p = strchr(p + 1, '.'))
		if (lg_strset_has(&s->parents, p + 1))
			return true;
	return false;
}

/* lg_set_match - does the value match an entry */
bool lg_set_match(const struct lg_set *s, enum lg_vkind kind, const char *value)
{
	if (!value || !*value)
		return false;
	char *v = NULL;
	bool hit = false;
	const char *at;
	switch (kind) {
	case LG_VK_ADDRESS:
		at = strrchr(value, '@');
		if (!at)
			return false;
		v = lg_strdup(value);
		for (char *p = v + (at - value); *p; p++)
			*p = (char)tolower((unsigned char)*p);
		hit = lg_strset_has(&s->addrs, v) || domain_match(s, v + (at - value) + 1);
		break;
	case LG_VK_DOMAIN:
		v = lower_dup(value, strlen(value));
		hit = domain_match(s, v);
		break;
	case LG_VK_TEXT:
		v = lower_dup(value, strlen(value));
		hit = lg_strset_has(&s->texts, v);
		for (size_t i = 0; !hit && i < s->nglobs; i++)
			hit = glob_match(s->globs[i], v);
		break;
	}
	free(v);
	return hit;
}

/* lg_set_free - release a set */
void lg_set_free(struct lg_set *s)
{
	if (!s)
		return;
	free(s->name);
	for (size_t i = 0; i < s->n; i++)
		free(s->entries[i]);
	free(s->entries);
	for (size_t i = 0; i < s->nglobs; i++)
		free(s->globs[i]);
	free(s->globs);
	lg_strset_free(&s->addrs);
	lg_strset_free(&s->domains);
	lg_strset_free(&s->parents);
	lg_strset_free(&s->texts);
	free(s);
}

/* lg_sets_find - a named list or group */
const struct lg_set *lg_sets_find(const struct lg_sets *sets, bool group, const char *name,
				  size_t len)
{
	for (size_t i = 0; sets && i < sets->n; i++)
		if (sets->v[i]->group == group && strlen(sets->v[i]->name) == len &&
		    memcmp(sets->v[i]->name, name, len) == 0)
			return sets->v[i];
	return NULL;
}

/* lg_sets_add - append a set, owned from now on */
void lg_sets_add(struct lg_sets *sets, struct lg_set *s)
{
	sets->v = lg_realloc(sets->v, (sets->n + 1) * sizeof *sets->v);
	sets->v[sets->n++] = s;
}

/* lg_sets_free - release every set */
void lg_sets_free(struct lg_sets *sets)
{
	for (size_t i = 0; i < sets->n; i++)
		lg_set_free(sets->v[i]);
	free(sets->v);
	*sets = (struct lg_sets){ 0 };
}
