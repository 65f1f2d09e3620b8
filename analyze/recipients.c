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

/* push - append a copy of s to a string array */
static void push(char ***v, size_t *n, const char *s)
{
	*v = lg_realloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = lg_strdup(s);
}

/* lg_recipients_count - count recipients by kind; also keep the sender, the recipients and
 * their domains for the policy's set-valued facts (added for issue 5: the lists below) */
void lg_recipients_count(const struct lg_config *cfg, const char *sender, const char *const *rcpts,
			 size_t nrcpts, char *const *visible, size_t nvisible, struct lg_recipients *out)
{
	char *snd = bare_lower(sender ? sender : "");
	const char *sdom = lg_addr_domain(snd);
	struct lg_strset domains, vis, vis_domains, all_domains;
	lg_strset_init(&domains);
	lg_strset_init(&vis);
	lg_strset_init(&vis_domains);
	lg_strset_init(&all_domains);
	*out = (struct lg_recipients){ .total = (unsigned)nrcpts };
	for (size_t i = 0; i < nrcpts; i++) {
		char *r = bare_lower(rcpts[i]);
		const char *d = lg_addr_domain(r);
		bool external = !lg_domain_internal(cfg, sdom, d);
		push(&out->addrs, &out->naddrs, r);
		if (*d && lg_strset_add(&all_domains, d))
			push(&out->domains, &out->ndomains, d);
		if (external) {
			out->external++;
			push(&out->ext_addrs, &out->next_addrs, r);
			if (lg_strset_add(&domains, d))
				push(&out->ext_domains, &out->next_domains, d);
		}
		free(r);
	}
	for (size_t i = 0; i < nvisible; i++) {
		char *r = bare_lower(visible[i]);
		const char *d = lg_addr_domain(r);
		if (!lg_domain_internal(cfg, sdom, d)) {
			lg_strset_add(&vis, r);
			lg_strset_add(&vis_domains, d);
		}
		free(r);
	}
	out->external_domains = (unsigned)domains.count;
	out->visible_external = (unsigned)vis.count;
	out->visible_external_domains = (unsigned)vis_domains.count;
	out->sender = snd;
	lg_strset_free(&domains);
	lg_strset_free(&vis);
	lg_strset_free(&vis_domains);
	lg_strset_free(&all_domains);
}

/* lg_recipients_free - release the lists lg_recipients_count made (the counts stay) */
void lg_recipients_free(struct lg_recipients *rc)
{
	char **lists[] = { rc->addrs, rc->ext_addrs, rc->domains, rc->ext_domains };
	size_t counts[] = { rc->naddrs, rc->next_addrs, rc->ndomains, rc->next_domains };
	for (size_t l = 0; l < 4; l++) {
		for (size_t i = 0; i < counts[l]; i++)
			free(lists[l][i]);
		free(lists[l]);
	}
	free(rc->sender);
	rc->sender = NULL;
	rc->addrs = rc->ext_addrs = rc->domains = rc->ext_domains = NULL;
	rc->naddrs = rc->next_addrs = rc->ndomains = rc->next_domains = 0;
}
