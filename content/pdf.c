/* pdf.c - PDF text through poppler-glib: one text block per page. A PDF that opens with the
 * empty user password (encrypted only against editing or copying, an "owner password") is read;
 * only one that needs a password we do not have is "encrypted". Built without poppler-glib, every
 * PDF is "unsupported".
 *
 * poppler-glib routes poppler's error messages through g_log at INFO level in the "Poppler"
 * domain (GLib's default handler shows them only with G_MESSAGES_DEBUG), so nothing reaches
 * stderr and no handler of ours is needed. Each call opens its own document; poppler's global
 * parameters are reference-counted under poppler's own lock. No mutable statics here. */
#include "config.h"

#include "content/extract.h"

#ifdef HAVE_POPPLER

#include <poppler.h>
#include <string.h>

#include "content/utf8.h"
#include "lg_buf.h"

/* emit_page - hand one page's text on, repaired to valid UTF-8 if poppler gave anything else;
 * non-zero when extraction must stop */
static int emit_page(const struct lg_ex_out *out, const struct lg_ex_limits *lim,
		     struct lg_ex_result *r, const char *text, struct lg_buf *scratch)
{
	size_t len = strlen(text);

	if (lg_utf8_is_valid(text, len))
		return lg_ex_emit_text(out, lim, r, text, len);
	lg_buf_reset(scratch);
	lg_utf8_repair_append(scratch, text, len);
	return lg_ex_emit_text(out, lim, r, scratch->data, scratch->len);
}

/* lg_pdf_extract - the text of every page, one block each */
void lg_pdf_extract(const char *data, size_t len, const struct lg_ex_limits *lim,
		    const struct lg_ex_out *out, struct lg_ex_result *r)
{
	GError *err = NULL;

	if (!data || len == 0) {
		lg_ex_set(r, LG_EX_CORRUPT, "corrupt", "empty input");
		return;
	}
	if (lg_ex_late(lim, r))
		return;
	/* the document keeps a reference to the bytes; they are not copied, and the document is
	 * gone before we return */
	GBytes *bytes = g_bytes_new_static(data, len);
	PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &err);
	g_bytes_unref(bytes);
	if (!doc) {
		const char *msg = err && err->message ? err->message : "cannot open";
		if (g_error_matches(err, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED))
			lg_ex_set(r, LG_EX_ENCRYPTED, "encrypted", "%s", msg);
		else
			lg_ex_set(r, LG_EX_CORRUPT, "corrupt", "%s", msg);
		g_clear_error(&err);
		return;
	}
	struct lg_buf scratch = LG_BUF_INIT;
	int pages = poppler_document_get_n_pages(doc);
	for (int i = 0; i < pages; i++) {
		if (lg_ex_late(lim, r))
			break;
		PopplerPage *page = poppler_document_get_page(doc, i);
		if (!page) {
			lg_ex_set(r, LG_EX_CORRUPT, "corrupt", "page %d of %d cannot be read", i + 1,
				  pages);
			break;
		}
		char *text = poppler_page_get_text(page);
		int stop = text ? emit_page(out, lim, r, text, &scratch) : 0;
		g_free(text);
		g_object_unref(page);
		if (stop)
			break;
	}
	lg_buf_free(&scratch);
	g_object_unref(doc);
}

#else /* !HAVE_POPPLER */

/* lg_pdf_extract - without poppler-glib no PDF is read */
void lg_pdf_extract(const char *data, size_t len, const struct lg_ex_limits *lim,
		    const struct lg_ex_out *out, struct lg_ex_result *r)
{
	(void)data, (void)len, (void)lim, (void)out;
	lg_ex_set(r, LG_EX_UNSUPPORTED, "unsupported", "built without poppler-glib");
}

#endif
