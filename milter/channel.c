/* channel.c - length-prefixed frames over a unix stream socket, with descriptor passing. A
 * descriptor travels with the first byte of its frame; a receiver that accepts none gives no
 * room for it, and the kernel then drops it. */
#include "milter/channel.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lg_buf.h"

/* now_ms - CLOCK_MONOTONIC in milliseconds */
static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* lg_chan_send - see channel.h */
int lg_chan_send(int sock, const void *data, size_t len, int passfd)
{
	unsigned char hdr[4] = { (unsigned char)len, (unsigned char)(len >> 8),
				 (unsigned char)(len >> 16), (unsigned char)(len >> 24) };
	if (len > UINT32_MAX) {
		errno = EMSGSIZE;
		return LG_CHAN_ERROR;
	}
	struct iovec iov[2] = { { hdr, 4 }, { (void *)data, len } };
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} cm;
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	if (passfd >= 0) {
		memset(&cm, 0, sizeof cm);
		mh.msg_control = cm.b;
		mh.msg_controllen = sizeof cm.b;
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &passfd, sizeof(int));
	}
	size_t total = 4 + len, sent = 0;
	while (sent < total) {
		ssize_t w = sendmsg(sock, &mh, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return LG_CHAN_ERROR;
		}
		sent += (size_t)w;
		mh.msg_control = NULL;	/* the descriptor went with the first byte */
		mh.msg_controllen = 0;
		size_t skip = (size_t)w;
		while (mh.msg_iovlen && skip >= mh.msg_iov[0].iov_len) {
			skip -= mh.msg_iov[0].iov_len;
			mh.msg_iov++;
			mh.msg_iovlen--;
		}
		if (mh.msg_iovlen) {
			mh.msg_iov[0].iov_base = (char *)mh.msg_iov[0].iov_base + skip;
			mh.msg_iov[0].iov_len -= skip;
		}
	}
	return LG_CHAN_OK;
}

/* wait_readable - poll until readable or the deadline; LG_CHAN_OK, LG_CHAN_TIMEOUT, LG_CHAN_ERROR */
static int wait_readable(int sock, int64_t deadline_ms)
{
	for (;;) {
		int ms = -1;
		if (deadline_ms >= 0) {
			int64_t left = deadline_ms - now_ms();
			if (left <= 0)
				return LG_CHAN_TIMEOUT;
			ms = left > 60000 ? 60000 : (int)left;
		}
		struct pollfd p = { .fd = sock, .events = POLLIN };
		int n = poll(&p, 1, ms);
		if (n < 0 && errno != EINTR)
			return LG_CHAN_ERROR;
		if (n > 0)
			return LG_CHAN_OK;
	}
}

/* read_some - up to n bytes at p once readable; taking a passed descriptor when fd is not NULL.
 * Returns bytes read, 0 at end of file, or a negative LG_CHAN_ code. */
static ssize_t read_some(int sock, void *p, size_t n, int *fd, int64_t deadline_ms)
{
	int rc = wait_readable(sock, deadline_ms);
	if (rc != LG_CHAN_OK)
		return rc;
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} cm;
	struct iovec iov = { p, n };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (fd) {
		mh.msg_control = cm.b;
		mh.msg_controllen = sizeof cm.b;
	}
	ssize_t r;
	do
		r = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (r < 0 && (errno == EINTR || errno == EAGAIN));
	if (r < 0)
		return LG_CHAN_ERROR;
	if (fd && mh.msg_controllen) {
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
			    c->cmsg_len == CMSG_LEN(sizeof(int))) {
				int got;
				memcpy(&got, CMSG_DATA(c), sizeof got);
				if (*fd >= 0)
					close(got);	/* one descriptor per frame */
				else
					*fd = got;
			}
	}
	return r;
}

/* read_exact - n bytes or an error; at_start: end of file before the first byte is LG_CHAN_EOF */
static int read_exact(int sock, void *p, size_t n, int *fd, int64_t deadline_ms, bool at_start,
		      char *err, size_t errlen)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = read_some(sock, (char *)p + got, n - got, fd, deadline_ms);
		if (r == LG_CHAN_TIMEOUT) {
			snprintf(err, errlen, "timed out");
			return LG_CHAN_TIMEOUT;
		}
		if (r < 0) {
			snprintf(err, errlen, "read: %s", strerror(errno));
			return LG_CHAN_ERROR;
		}
		if (r == 0) {
			snprintf(err, errlen, "connection closed%s", at_start && !got ? "" : " mid-frame");
			return at_start && !got ? LG_CHAN_EOF : LG_CHAN_ERROR;
		}
		got += (size_t)r;
	}
	return LG_CHAN_OK;
}

/* lg_chan_recv - see channel.h */
int lg_chan_recv(int sock, struct lg_buf *buf, size_t max, int *passfd, int64_t deadline_ms,
		 char *err, size_t errlen)
{
	lg_buf_reset(buf);
	if (passfd)
		*passfd = -1;
	unsigned char hdr[4];
	int rc = read_exact(sock, hdr, 4, passfd, deadline_ms, true, err, errlen);
	if (rc != LG_CHAN_OK)
		goto fail;
	size_t len = (size_t)hdr[0] | (size_t)hdr[1] << 8 | (size_t)hdr[2] << 16 |
		     (size_t)hdr[3] << 24;
	if (len > max) {
		snprintf(err, errlen, "frame of %zu bytes over the limit of %zu", len, max);
		rc = LG_CHAN_ERROR;
		goto fail;
	}
	lg_buf_reserve(buf, len + 1);
	rc = read_exact(sock, buf->data, len, passfd, deadline_ms, false, err, errlen);
	if (rc != LG_CHAN_OK)
		goto fail;
	buf->len = len;
	buf->data[len] = '\0';
	return LG_CHAN_OK;
fail:
	if (passfd && *passfd >= 0) {
		close(*passfd);
		*passfd = -1;
	}
	return rc;
}
