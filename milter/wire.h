/* wire.h - what the milter front and an analysis worker say to each other: the request (message
 * size, envelope, queue id; the message itself travels as a file descriptor) and the report back,
 * as compact, versioned, length-checked byte strings. Every parser has named limits and returns an
 * error with a message; nothing here trusts its input. */
#ifndef LG_WIRE_H
#define LG_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "analyze/report.h"

struct lg_buf;

#define LG_WIRE_VERSION 1u
#define LG_WIRE_MAX_FRAME (256u << 20)	/* bytes of one request or report */
#define LG_WIRE_MAX_STRING (1u << 20)	/* bytes of one string (a path, a value, a reason) */
#define LG_WIRE_MAX_COUNT (1u << 22)	/* entries of one list (parts, items, rules, addresses) */
#define LG_WIRE_MAX_RCPTS 100000u	/* envelope recipients of one request */

/* A request to analyse one message (the bytes are passed beside it as a file descriptor). */
struct lg_wire_request {
	uint64_t size;		/* bytes of the message behind the descriptor */
	char *queue_id;		/* for the worker's log lines; may be "" */
	char *sender;		/* envelope sender without <>, "" for the null sender */
	char **rcpts;		/* envelope recipients */
	size_t nrcpts;
};

/* lg_wire_put_request - append the encoded request to out */
void lg_wire_put_request(struct lg_buf *out, uint64_t size, const char *queue_id,
			 const char *sender, const char *const *rcpts, size_t nrcpts);
/* lg_wire_get_request - decode a request; 0, or -1 with err (nothing to free then) */
int lg_wire_get_request(const void *data, size_t len, struct lg_wire_request *out, char *err,
			size_t errlen);
void lg_wire_request_free(struct lg_wire_request *r);

/* lg_wire_put_report - append the encoded report (every field of struct lg_report) to out */
void lg_wire_put_report(struct lg_buf *out, const struct lg_report *r);
/* lg_wire_get_report - decode a report into *out (free with lg_report_free); 0, or -1 with err
 * (and *out zeroed, nothing to free) on truncated, oversized or malformed input */
int lg_wire_get_report(const void *data, size_t len, struct lg_report *out, char *err,
		       size_t errlen);

#endif
