/* email.c - the email validator: the rule file's pattern (rules/builtin/email.yaml) takes a
 * practical RFC 5321 shape (dot-atom local part, dotted domain with a letter or xn-- TLD) and the
 * "(at)" / "[at]" spellings people use to dodge harvesters; this gives the canonical value. */
#include <stdbool.h>
#include <string.h>

#include "rules/rules_int.h"
#include "rules/validate.h"

/* at_sign - where the separator of a candidate address is: '@', or "(at)" / "[at]" with an
 * optional space on each side; *sep_end is set after it. -1 when there is none. */
static long at_sign(const char *s, size_t n, size_t *sep_end)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '@') {
			*sep_end = i + 1;
			return (long)i;
		}
		if ((s[i] == '(' || s[i] == '[') && i + 3 < n && (s[i + 1] | 0x20) == 'a' &&
		    (s[i + 2] | 0x20) == 't' && (s[i + 3] == ')' || s[i + 3] == ']')) {
			size_t a = i, b = i + 4;
			if (a > 0 && s[a - 1] == ' ')
				a--;
			if (b < n && s[b] == ' ')
				b++;
			*sep_end = b;
			return (long)a;
		}
	}
	return -1;
}

/* lg_v_email - validator "email": the candidate (matched by the email pattern, which already
 * checks the shape and the boundaries) as local@domain with the domain lower-cased */
bool lg_v_email(const char *text, size_t len, size_t start, size_t end, char value[LG_VALUE_MAX])
{
	(void)len;
	const char *s = text + start;
	size_t n = end - start, sep_end;
	long at = end > start ? at_sign(s, n, &sep_end) : -1;
	if (at <= 0 || sep_end >= n || n >= LG_VALUE_MAX)
		return false;
	size_t k = 0;
	memcpy(value, s, (size_t)at);
	k = (size_t)at;
	value[k++] = '@';
	for (size_t i = sep_end; i < n; i++) {
		char c = s[i];
		value[k++] = c >= 'A' && c <= 'Z' ? (char)(c + ('a' - 'A')) : c;
	}
	value[k] = '\0';
	return true;
}
