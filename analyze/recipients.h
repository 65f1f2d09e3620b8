/* recipients.h - who a message goes to: internal or external, visible or not. */
#ifndef LG_RECIPIENTS_H
#define LG_RECIPIENTS_H

#include <stdbool.h>
#include <stddef.h>

#include "analyze/report.h"
#include "config/config.h"

/* lg_addr_domain - the domain part of an address ("" when there is none) */
const char *lg_addr_domain(const char *addr);
/* lg_domain_internal - is domain (or a parent of it) internal? With no internal_domains
 * configured, the sender's domain and its subdomains are internal. */
bool lg_domain_internal(const struct lg_config *cfg, const char *sender_domain, const char *domain);
/* lg_recipients_count - fill the recipient facts from the envelope and the visible To/Cc */
void lg_recipients_count(const struct lg_config *cfg, const char *sender, const char *const *rcpts,
			 size_t nrcpts, char *const *visible, size_t nvisible, struct lg_recipients *out);
/* lg_recipients_free - release the sender and recipient lists (lg_report_free calls it) */
void lg_recipients_free(struct lg_recipients *rc);

#endif
