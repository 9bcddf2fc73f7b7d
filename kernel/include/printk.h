/* printk.h - kernel formatted output with log levels (vsnprintf and the console sinks in
 * kernel/lib/printk.c, printk and the kernel log in kernel/lib/log.c).
 *
 * A message may start with a level marker, as in Linux: printk(KERN_WARN "disk on fire\n").
 * Messages above the current log level (loglevel= on the command line) are not shown.
 */
#ifndef NEST_PRINTK_H
#define NEST_PRINTK_H

#include "types.h"

#define KERN_EMERG "\0010"
#define KERN_ERR "\0013"
#define KERN_WARN "\0014"
#define KERN_NOTICE "\0015"
#define KERN_INFO "\0016"
#define KERN_DEBUG "\0017"

#define LOGLEVEL_DEFAULT 6 /* show everything up to KERN_INFO */

#define pr_err(...) printk(KERN_ERR __VA_ARGS__)
#define pr_warn(...) printk(KERN_WARN __VA_ARGS__)
#define pr_notice(...) printk(KERN_NOTICE __VA_ARGS__)
#define pr_info(...) printk(KERN_INFO __VA_ARGS__)
#define pr_debug(...) printk(KERN_DEBUG __VA_ARGS__)

extern int console_loglevel;

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int console_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Where printk's text goes: every registered sink gets every shown message. */
typedef void (*console_sink_fn)(const char *text, size_t len);
void console_register_sink(console_sink_fn sink);
void console_write_all(const char *text, size_t len);
extern bool panicking; /* panic() has begun: printing takes no lock */

__noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
