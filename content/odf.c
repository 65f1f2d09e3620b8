/* odf.c - OpenDocument text (placeholder until the extractor lands). */
#include "content/extract.h"

/* lg_odf_extract - not yet: reported unsupported */
void lg_odf_extract(const char *data, size_t len, const struct lg_ex_limits *lim,
		      const struct lg_ex_out *out, struct lg_ex_result *r)
{
	(void)data, (void)len, (void)lim, (void)out;
	lg_ex_set(r, LG_EX_UNSUPPORTED, "unsupported", "ODF extraction not built yet");
}
