/* channel.h - frames on a unix stream socket between the milter front and a worker: a u32 length
 * and that many bytes, optionally with one file descriptor passed along (SCM_RIGHTS). */
#ifndef LG_CHANNEL_H
#define LG_CHANNEL_H

#include <stddef.h>
#include <stdint.h>

struct lg_buf;

enum {
	LG_CHAN_OK = 0,
	LG_CHAN_EOF = 1,	/* the peer closed the socket before a frame began */
	LG_CHAN_ERROR = -1,	/* I/O error, a frame cut short or over the limit (err says which) */
	LG_CHAN_TIMEOUT = -2,	/* the deadline passed */
};

/* lg_chan_send - one frame; passfd >= 0 is passed along. LG_CHAN_OK or LG_CHAN_ERROR (errno). */
int lg_chan_send(int sock, const void *data, size_t len, int passfd);
/* lg_chan_recv - one frame into buf (reset first) of at most max bytes. passfd NULL: no
 * descriptor accepted; else it gets the one passed, or -1. deadline_ms: CLOCK_MONOTONIC
 * milliseconds (lg_ex_now_ms), or < 0 to wait for ever. */
int lg_chan_recv(int sock, struct lg_buf *buf, size_t max, int *passfd, int64_t deadline_ms,
		 char *err, size_t errlen);

#endif
