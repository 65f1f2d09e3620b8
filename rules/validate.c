/* validate.c - the table of validators rule files may name, and helpers they share. */
#include "rules/validate.h"

#include <string.h>

/* Indexed by name; the names are part of the rule-file language. */
static const struct {
	const char *name;
	lg_validator_fn fn;
} validators[] = {
	{ "phone_jp", lg_v_phone_jp },
	{ "email", lg_v_email },
};

/* lg_validator_lookup - the validator with this name, or NULL */
lg_validator_fn lg_validator_lookup(const char *name)
{
	for (size_t i = 0; name && i < sizeof validators / sizeof validators[0]; i++)
		if (strcmp(validators[i].name, name) == 0)
			return validators[i].fn;
	return NULL;
}

/* lg_validator_names - "phone_jp, email, ..." */
const char *lg_validator_names(void)
{
	return "phone_jp, email";
}
