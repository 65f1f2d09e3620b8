/* notice_thread.h - the daemon's notice sender: a thread of its own that passes over the notice
 * outbox every notices.interval seconds (lg_notice_run), with its own store connection and its
 * own copy of the configuration, so that the milter callbacks never wait for it. */
#ifndef LG_NOTICE_THREAD_H
#define LG_NOTICE_THREAD_H

struct lg_config;

/* lg_notice_thread_start - start the thread with cfg (owned from now on; NULL: idle until a
 * configuration comes) */
void lg_notice_thread_start(struct lg_config *cfg);
/* lg_notice_thread_set_config - a reloaded configuration (owned from now on), taken up at the
 * thread's next pass; it also wakes the thread */
void lg_notice_thread_set_config(struct lg_config *cfg);
/* lg_notice_thread_stop - ask the thread to stop (after the notice it is sending) and join it */
void lg_notice_thread_stop(void);

#endif
