/* panic.c - stop the machine after an unrecoverable kernel error, saying why and where. */
#include "arch.h"
#include "printk.h"
#include "x86.h"

__noreturn void panic(const char *fmt, ...)
{
    cli();
    __atomic_store_n(&panicking, true, __ATOMIC_RELAXED); /* print, whatever locks are held */
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printk(KERN_EMERG "\nnest: kernel panic: %s\n", buf);
    printk(KERN_EMERG "called from:\n");
    backtrace_from((uint64_t)__builtin_frame_address(0));
    printk(KERN_EMERG "nest: system halted\n");
    for (;;)
        hlt();
}
