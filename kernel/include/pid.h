/* pid.h - process numbers and PID namespaces (kernel/proc/pid.c), with Linux's rules.
 *
 * A process has one struct pid. A struct pid holds one number per namespace level, from the
 * root namespace (numbers[0]) down to the namespace the process lives in (numbers[level]).
 * Every PID that crosses the system-call boundary is translated with pid_nr_ns() (kernel to
 * user) or find_pid_ns() (user to kernel) in the caller's namespace.
 */
#ifndef NEST_PID_H
#define NEST_PID_H

#include "types.h"

#define PID_NS_MAX_LEVEL 32 /* levels below the root; creating level 33 fails with ENOSPC */
#define PID_MAX_DEFAULT 32768
#define RESERVED_PIDS 300 /* a namespace's cursor, once past it, wraps to here (Linux) */

struct proc;
struct pid_ns;

/* One number of a struct pid: nr as seen in ns. */
struct upid {
    int nr;
    struct pid_ns *ns;
    struct upid *hash_next; /* chain in the (ns, nr) lookup table */
};

struct pid {
    int refcount;       /* processes using it as their pid, process group or session */
    int level;          /* depth of the namespace the process lives in; root is 0 */
    struct proc *proc;  /* the process that owns this pid, or NULL once it is reaped */
    struct upid numbers[PID_NS_MAX_LEVEL + 1]; /* [0] root .. [level] own namespace */
};

struct pid_ns {
    int refcount;               /* pids allocated in it, child namespaces, holders */
    int level;                  /* 0 for the root namespace */
    struct pid_ns *parent;      /* NULL for the root */
    struct proc *child_reaper;  /* the namespace's init (PID 1); adopts its orphans */
    int last_pid;               /* the cyclic allocator's cursor (ns_last_pid) */
    int pid_max;                /* numbers are below this */
    int pid_count;              /* numbers in use */
    bool accepting;             /* false once init has exited: forks fail with ENOMEM */
    bool has_init;              /* PID 1 has been handed out */
    uint64_t inum;              /* identity shown as pid:[inum] in /proc/PID/ns/pid */
};

extern struct pid_ns root_pid_ns;

void pid_init(void);
struct pid_ns *pid_ns_create(struct pid_ns *parent, int *error);
uint64_t ns_inum_alloc(void); /* for any kind of namespace */
void pid_ns_get(struct pid_ns *ns);
void pid_ns_put(struct pid_ns *ns);
struct pid *alloc_pid(struct pid_ns *ns, int *error);
void pid_get(struct pid *pid);
void pid_put(struct pid *pid);
struct pid *find_pid_ns(int nr, struct pid_ns *ns);
int pid_nr_ns(const struct pid *pid, const struct pid_ns *ns);
struct pid_ns *pid_ns_of(const struct pid *pid);
bool pid_ns_is_ancestor(const struct pid_ns *ancestor, const struct pid_ns *ns);

#endif
