/* test_sniff.c - type sniffing: libmagic's answers through both cookies (plain text without soft
 * magic, everything else with it) are the types the analysis relies on. */
#include <stdlib.h>
#include <string.h>

#include "content/sniff.h"
#include "tap.h"

int main(void)
{
	static const struct {
		const char *name, *data;
		size_t len;	/* 0: strlen */
		const char *want;
	} cases[] = {
		{ "ISO-2022-JP prose ('<' inside kanji bytes)",
		  "\x1b$B;22C<TL>Jm$r<h$j$^$H$a$^$7$?\x1b(B\r\nyoroshiku\r\n", 0, "text/plain" },
		{ "CP932 CSV", "\x8e\x81\x96\xbc,\x93\x64\x98\x62\r\n\x8e\x52\x93\x63,090-1234-5678\r\n"
			       "\x97\xe9\x96\xd8,080-2345-6789\r\n\x8d\xb2\x93\xa1,070-3456-7890\r\n",
		  0, "text/csv" },
		{ "HTML after a line of text", "Dear all,\n<html><body><p>hi</p></body></html>\n", 0,
		  "text/html" },
		{ "HTML", "<!DOCTYPE html>\n<html><head><title>t</title></head><body>x</body></html>", 0,
		  "text/html" },
		{ "BinHex", "(This file must be converted with BinHex 4.0)\r\n:!!!!\r\n", 0,
		  "application/mac-binhex40" },
		{ "PDF", "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", 0, "application/pdf" },
		{ "PNG", "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0", 29,
		  "image/png" },
		{ "zip (one member a.txt)",
		  "\x50\x4b\x03\x04\x14\x00\x00\x00\x00\x00\x58\x06\x7b\x5d\xac\x2a\x93\xd8\x02\x00\x00\x00\x02\x00\x00\x00\x05\x00\x00\x00\x61\x2e\x74\x78\x74\x68\x69\x50\x4b\x01\x02\x14\x03\x14\x00\x00\x00\x00\x00\x58\x06\x7b\x5d\xac\x2a\x93\xd8\x02\x00\x00\x00\x02\x00\x00"
		  "\x00\x05\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x01\x00\x00\x00\x00\x61\x2e\x74\x78\x74\x50\x4b\x05\x06\x00\x00\x00\x00\x01\x00\x01\x00\x33\x00\x00\x00\x25\x00\x00\x00\x00\x00",
		  110, "application/zip" },
		{ "empty", "", 0, "application/x-empty" },
	};
	char err[256];
	struct lg_sniffer *s = lg_sniffer_new(err, sizeof err);
	if (!tap_ok(s != NULL, "libmagic loads (%s)", s ? "ok" : err))
		return tap_done();
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].data);
		char *t = lg_sniff(s, cases[i].data, len);
		tap_is_str(t, cases[i].want, cases[i].name);
		free(t);
	}
	lg_sniffer_free(s);
	return tap_done();
}
