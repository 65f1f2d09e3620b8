/* callbacks.h - the libmilter callback table and the configuration it works with. */
#ifndef LG_CALLBACKS_H
#define LG_CALLBACKS_H

#include <libmilter/mfapi.h>

#include "config/config.h"

extern struct smfiDesc lg_milter_desc;

/* lg_callbacks_set_config - make cfg (owned from now on) the configuration of every message that
 * starts (MAIL FROM) from now on. Messages in flight finish under the one they started with;
 * the previous configuration is freed when the last of them ends. NULL drops the current one
 * (at shutdown). Returns the new configuration's generation: 1 at start, +1 per reload. */
unsigned long lg_callbacks_set_config(struct lg_config *cfg);

#endif
