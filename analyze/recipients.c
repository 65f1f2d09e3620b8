/* recipients.c - recipient facts: total, external, visible external, external domains. */
#include "analyze/recipients.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "lg_strset.h"
#include "lg_alloc.h"

#include <stdlib.h>

/* lg_addr_domain - text after the last '@' */
const char *lg_addr_domain(const char *addr)
{
	const char *at = strrchr(addr, '@');
	return at ? at + 1 : "";
}

/* domain_under - domain equals parent or is a subdomain of it (case-insensitive) */
static bool domain_under(const char *domain, const char *parent)
{
	size_t dl = strlen(domain), pl = strlen(parent);
	if (!pl || dl < pl)
		return false;
	if (strcasecmp(domain + dl - pl, parent) != 0)
		return false;
	return dl == pl || domain[dl - pl - 1] == '.';
}

/* lg_domain_internal - internal per config, or per the sender's domain when none configured */
bool lg_domain_internal(const struct lg_config *cfg, const char *sender_domain, const char *domain)
{
	if (!*domain)
		return true;	/* a local user without a domain never leaves the MTA */
	if (cfg->n_internal_domains == 0)
		return sender_domain && *sender_domain && domain_under(domain, sender_domain);
	for (size_t i = 0; i < cfg->n_internal_domains; i++)
		if (domain_under(domain, cfg->internal_domains[i]))
			return true;
	return false;
}

/* bare_lower - an address without angle brackets, domain lower-cased, for comparisons */
static char *bare_lower(const char *a)
{
	size_t n = strlen(a);
	if (n >= 2 && a[0] == '<' && a[n - 1] == '>')
		a++, n -= 2;
	char *s = lg_strndup(a, n);
	char *at = strrchr(s, '@');
	for (char *p = at ? at : s + n; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

/* lg_recipients_count - count recipients by kind */
void lg_recipients_count(const struct lg_config *cfg, const char *sender, const char *const *rcpts,
			 size_t nrcpts, char *const *visible, size_t nvisible, struct lg_recipients *out)
{
	char *snd = bare_lower(sender ? sender : "");
	const char *sdom = lg_addr_domain(snd);
	struct lg_strset domains, vis;
	lg_strset_init(&domains);
	lg_strset_init(&vis);
	*out = (struct lg_recipients){ .total = (unsigned)nrcpts };
	for (size_t i = 0; i < nrcpts; i++) {
		char *r = bare_lower(rcpts[i]);
		const char *d = lg_addr_domain(r);
		if (!lg_domain_internal(cfg, sdom, d)) {
			out->external++;
			lg_strset_add(&domains, d);
		}
		free(r);
	}
	for (size_t i = 0; i < nvisible; i++) {
		char *r = bare_lower(visible[i]);
		const char *d = lg_addr_domain(r);
		if (!lg_domain_internal(cfg, sdom, d))
			lg_strset_add(&vis, r);
		free(r);
	}
	out->external_domains = (unsigned)domains.count;
	out->visible_external = (unsigned)vis.count;
	lg_strset_free(&domains);
	lg_strset_free(&vis);
	free(snd);
}
