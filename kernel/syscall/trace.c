/* trace.c - trace(mask), nest's own system call (number 1000; docs/labs/syscall.md): the
 * kernel prints "PID: syscall NAME -> RESULT" for each of the calling process's system calls
 * that the mask selects, and for its children's, which inherit the mask over fork and keep it
 * over execve. PID is the process's number in its own PID namespace.
 */
#include "pid.h"
#include "printk.h"
#include "proc.h"
#include "syscall.h"

/* Bit n of a mask selects system call n; bit 63 selects every call numbered 63 or more. */
#define TRACE_HIGH_BIT 63

long sys_trace(uint64_t mask)
{
    /* LAB syscall: begin */
    current_proc()->trace_mask = mask;
    return 0;
    /* LAB syscall: stub
    return -ENOSYS; // lab syscall: trace is not implemented
       LAB syscall: end */
}

/* Called by the dispatcher after every system call but exit: report it if it is traced. */
__hot void trace_report(uint64_t nr, long result)
{
    /* LAB syscall: begin */
    struct proc *p = current_proc();
    uint64_t bit = nr < TRACE_HIGH_BIT ? nr : TRACE_HIGH_BIT;
    if (!(p->trace_mask & (1UL << bit)))
        return;
    printk("%d: syscall %s -> %ld\n", proc_nr_in(p, proc_pid_ns(p)), syscall_name(nr), result);
    /* LAB syscall: end */
}
