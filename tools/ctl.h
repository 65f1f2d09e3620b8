/* ctl.h - what leakguardctl's command files share. */
#ifndef LG_CTL_H
#define LG_CTL_H

struct lg_buf;
struct lg_config;

#define EX_USAGE_ 64
#define EX_CONFIG_ 78

/* read_all - the whole file (or stdin for "-") into memory; 0 or -1 (message printed) */
int read_all(const char *path, struct lg_buf *out);
/* load_config - the config, or its errors on stderr and exit with status */
struct lg_config *load_config(const char *path, int status);
/* cmd_quarantine - leakguardctl quarantine SUBCOMMAND ... (tools/quarantine_cmd.c) */
int cmd_quarantine(int argc, char **argv);
/* cmd_bench - leakguardctl bench [-c CONFIG] [-n ROUNDS] [-t SECONDS] [-v] FILE|DIR...
 * (tools/bench_cmd.c) */
int cmd_bench(int argc, char **argv);

#endif
