/* smp.h - the CPUs: which there are, which are online, which run processes
 * (kernel/arch/x86_64/smp.c starts them).
 *
 * A CPU is known by its index (0 is the boot CPU; %gs's struct cpu has it) and by its local
 * APIC id, the hardware's name for it. A CPU mask has bit i for CPU index i.
 */
#ifndef NEST_SMP_H
#define NEST_SMP_H

#include "types.h"

#define MAX_CPUS 64 /* CPUs nest can start; a CPU mask is one uint64_t */

struct boot_info;
struct cpu;

/* Written only by the boot CPU while it starts the others (each AP sets nothing itself but
 * its struct cpu's online flag), before any process exists; they only grow, and are
 * read-only once smp_init has returned. */
extern int cpu_count;                 /* CPUs online, the boot CPU included */
extern struct cpu *cpus[MAX_CPUS];    /* each online CPU's per-CPU area, by index */
extern uint64_t cpus_scheduling_mask; /* the CPUs that run processes */

/* Start the application processors the MADT lists, at most max_cpus CPUs in all (0: all). */
void smp_init(const struct boot_info *bi, int max_cpus);
/* Interrupt CPU index cpu so that it looks at its need_resched (it may be halted, idle). */
void smp_reschedule(int cpu);

#endif
