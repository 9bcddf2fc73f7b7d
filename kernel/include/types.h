/* types.h - the fixed-width types and small helpers every kernel file uses.
 * The kernel is freestanding: <stdint.h>, <stddef.h>, <stdbool.h> and <stdarg.h> come from
 * the compiler, nothing from a libc.
 */
#ifndef NEST_TYPES_H
#define NEST_TYPES_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t ssize_t;
typedef int64_t off_t;
typedef int32_t pid_t;
typedef uint32_t mode_t;

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

#define __noreturn __attribute__((noreturn))
#define __packed __attribute__((packed))
#define __unused __attribute__((unused))
/* The code every system call, context switch, sleep and wake-up runs, and the pipe path:
 * kept together in .text.hot (linker.ld) so that it spans a few pages, not a dozen. Under
 * QEMU's TCG that counts: translated blocks are chained directly only within a page, and a
 * context switch empties the software TLB, so each page touched after it is looked up
 * again (docs/performance.md). On hardware it would matter much less. */
#define __hot __attribute__((section(".text.hot")))

#endif
