/* callbacks.h - the libmilter callback table and the configuration it works with. */
#ifndef LG_CALLBACKS_H
#define LG_CALLBACKS_H

#include <libmilter/mfapi.h>

#include "config/config.h"

extern struct smfiDesc lg_milter_desc;

/* lg_callbacks_set_config - the config the callbacks use (loaded before smfi_main) */
void lg_callbacks_set_config(const struct lg_config *cfg);

#endif
