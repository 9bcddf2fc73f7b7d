/* cmdline.h - the kernel command line (kernel/lib/cmdline.c), DESIGN.md §3.
 *
 * Space-separated key=value words: init=PATH, console=NAME, sched=POLICY, loglevel=N,
 * log_buf_len=SIZE (suffixes K, M, G as in Linux), maxcpus=N, quiet, and for the tests
 * lockcheck_selftest=TEST (lockcheck.h). Everything after "--" becomes init's arguments.
 * Unknown words are reported once.
 * Double quotes group a word with spaces: init=/sbin/init -- /bin/sh -c "echo hi".
 */
#ifndef NEST_CMDLINE_H
#define NEST_CMDLINE_H

#include "types.h"

#define CMDLINE_MAX_INIT_ARGS 16
#define CMDLINE_MAX_PROBLEMS 8

struct kernel_options {
    char init[128];     /* init=: the first program (default /sbin/init) */
    char console[32];   /* console=: accepted (ttyS0, tty0); the console is both anyway */
    char sched[16];     /* sched=: scheduler policy name (default rr) */
    int loglevel;       /* loglevel=: 0-7; quiet sets 4 */
    uint64_t log_buf_len; /* log_buf_len=: bytes for the kernel log, 0 for the default */
    int maxcpus;        /* maxcpus=: start at most this many CPUs; 0 (default): all */
    char lockcheck_selftest[16]; /* lockcheck_selftest=: break a locking rule at boot's end */
    int init_argc;      /* words after "--" */
    char *init_argv[CMDLINE_MAX_INIT_ARGS];
    int problem_count;  /* words that were not understood */
    char problems[CMDLINE_MAX_PROBLEMS][64];
    char buffer[512];   /* the command line, cut into words in place */
};

void cmdline_parse(const char *text, struct kernel_options *opts);

#endif
