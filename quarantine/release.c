/* release.c - SMTP submission of a released message with libcurl: the original envelope, the
 * stored bytes as the DATA, the relay's verdict as the result. */
#include "quarantine/release.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "lg_alloc.h"
#include "lg_log.h"

/* The upload: the stored message and how much of it was handed to libcurl. */
struct upload {
	const char *data;
	size_t len, off;
};

/* upload_read - libcurl's read callback: the next piece of the message */
static size_t upload_read(char *buf, size_t size, size_t nitems, void *arg)
{
	struct upload *u = arg;
	size_t n = size * nitems, left = u->len - u->off;
	if (n > left)
		n = left;
	memcpy(buf, u->data + u->off, n);
	u->off += n;
	return n;
}

/* relay_url - the url with the EHLO name as its path (libcurl takes it from there) */
static char *relay_url(const struct lg_relcfg *rc)
{
	const char *host = strstr(rc->url, "://");
	host = host ? host + 3 : rc->url;
	const char *slash = strchr(host, '/');
	size_t base = slash ? (size_t)(slash - rc->url) : strlen(rc->url);
	if (!rc->helo)
		return lg_strdup(rc->url);
	return lg_asprintf("%.*s/%s", (int)base, rc->url, rc->helo);
}

/* lg_q_send - see release.h */
int lg_q_send(const struct lg_relcfg *rc, const char *sender, char *const *rcpts, size_t nrcpts,
	      const char *msg, size_t len, char *err, size_t errlen)
{
	if (!rc->url) {
		snprintf(err, errlen, "no release relay configured (quarantine.release.url)");
		return -1;
	}
	if (!nrcpts) {
		snprintf(err, errlen, "the entry has no envelope recipients");
		return -1;
	}
	CURL *curl = curl_easy_init();
	if (!curl) {
		snprintf(err, errlen, "curl_easy_init failed");
		return -1;
	}
	struct curl_slist *to = NULL;
	for (size_t i = 0; i < nrcpts; i++) {
		struct curl_slist *n = curl_slist_append(to, rcpts[i]);
		if (!n)
			lg_fatal("out of memory");
		to = n;
	}
	char *url = relay_url(rc), *from = lg_asprintf("<%s>", sender ? sender : "");
	char ebuf[CURL_ERROR_SIZE] = "";
	struct upload u = { msg, len, 0 };
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, to);
	curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(curl, CURLOPT_READFUNCTION, upload_read);
	curl_easy_setopt(curl, CURLOPT_READDATA, &u);
	curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)rc->timeout);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, ebuf);
	if (!strncmp(rc->url, "smtps://", 8))
		curl_easy_setopt(curl, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	CURLcode res = curl_easy_perform(curl);
	int rc_ = 0;
	if (res != CURLE_OK) {
		long code = 0;
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
		if (code)
			snprintf(err, errlen, "%s: %s (last reply %ld)", url,
				 *ebuf ? ebuf : curl_easy_strerror(res), code);
		else
			snprintf(err, errlen, "%s: %s", url, *ebuf ? ebuf : curl_easy_strerror(res));
		rc_ = -1;
	}
	curl_slist_free_all(to);
	curl_easy_cleanup(curl);
	free(url);
	free(from);
	return rc_;
}
