/* procfs.c - /proc: files generated from the kernel's own tables each time they are read.
 *
 * Nothing is stored: a lookup makes a fresh inode (a struct proc_node says what it shows),
 * and a read formats the text anew. /proc always shows the READER's PID namespace (nest
 * has no mounts, so this is Linux's "unshare -p -f --mount-proc"): a process is listed
 * under its number there, and one without a number there does not exist. Formats follow
 * Linux's so that ps, pstree and the student's eye can read them.
 */
#include "arch.h"
#include "fs.h"
#include "mm.h"
#include "pid.h"
#include "printk.h"
#include "proc.h"
#include "string.h"
#include "uaccess.h"

/* Inode numbers: fixed files are PROCFS_INO + kind; a process's files add its root-namespace
 * number times NODE_KINDS. Starting at 2^32 keeps them apart from ramfs's small numbers. */
#define PROCFS_INO (1ULL << 32)
#define PID_POSITION 1000 /* readdir of /proc: positions from here on are 1000 + PID */

enum node_kind {
    NODE_ROOT,         /* /proc */
    NODE_SELF,         /* /proc/self, a symlink to the reader's number */
    NODE_UPTIME,       /* /proc/uptime */
    NODE_MEMINFO,      /* /proc/meminfo */
    NODE_LOADAVG,      /* /proc/loadavg */
    NODE_INTERRUPTS,   /* /proc/interrupts */
    NODE_VERSION,      /* /proc/version */
    NODE_SYS,          /* /proc/sys */
    NODE_SYS_KERNEL,   /* /proc/sys/kernel */
    NODE_NS_LAST_PID,  /* /proc/sys/kernel/ns_last_pid, writable */
    NODE_PID_MAX,      /* /proc/sys/kernel/pid_max */
    NODE_PID_DIR,      /* /proc/N */
    NODE_STAT,         /* /proc/N/stat */
    NODE_STATUS,       /* /proc/N/status */
    NODE_CMDLINE,      /* /proc/N/cmdline */
    NODE_COMM,         /* /proc/N/comm */
    NODE_NS_DIR,       /* /proc/N/ns */
    NODE_NS_PID_LINK,  /* /proc/N/ns/pid, a link to the namespace: pid:[inum] */
    NODE_PID_NS,       /* what that link opens: the namespace itself (for setns) */
    NODE_KINDS
};

/* What one procfs inode shows (inode->data). */
struct proc_node {
    enum node_kind kind;
    struct pid *pid;   /* per-process nodes: the process (a reference); else NULL */
    struct pid_ns *ns; /* NODE_PID_NS: the namespace (a reference); else NULL */
};

/* One fixed entry of a procfs directory. */
struct entry {
    const char *name;
    enum node_kind kind;
    mode_t mode;
};

static const struct entry root_entries[] = {
    {"self", NODE_SELF, S_IFLNK | 0777},     {"uptime", NODE_UPTIME, S_IFREG | 0444},
    {"meminfo", NODE_MEMINFO, S_IFREG | 0444}, {"loadavg", NODE_LOADAVG, S_IFREG | 0444},
    {"version", NODE_VERSION, S_IFREG | 0444}, {"sys", NODE_SYS, S_IFDIR | 0555},
    {"interrupts", NODE_INTERRUPTS, S_IFREG | 0444},
};
static const struct entry sys_entries[] = {{"kernel", NODE_SYS_KERNEL, S_IFDIR | 0555}};
static const struct entry sys_kernel_entries[] = {
    {"ns_last_pid", NODE_NS_LAST_PID, S_IFREG | 0644},
    {"pid_max", NODE_PID_MAX, S_IFREG | 0444},
};
static const struct entry pid_entries[] = {
    {"stat", NODE_STAT, S_IFREG | 0444},       {"status", NODE_STATUS, S_IFREG | 0444},
    {"cmdline", NODE_CMDLINE, S_IFREG | 0444}, {"comm", NODE_COMM, S_IFREG | 0444},
    {"ns", NODE_NS_DIR, S_IFDIR | 0555},
};
static const struct entry ns_entries[] = {{"pid", NODE_NS_PID_LINK, S_IFLNK | 0777}};

static const struct inode_ops procfs_ops, namespace_link_ops;
static const struct file_ops text_ops, cmdline_ops, ns_last_pid_ops, namespace_file_ops;
static struct inode *procfs_root;

/* The fixed entries of a directory kind (none for files). */
static const struct entry *entries_of(enum node_kind kind, size_t *count)
{
    switch (kind) {
    case NODE_ROOT:
        *count = ARRAY_SIZE(root_entries);
        return root_entries;
    case NODE_SYS:
        *count = ARRAY_SIZE(sys_entries);
        return sys_entries;
    case NODE_SYS_KERNEL:
        *count = ARRAY_SIZE(sys_kernel_entries);
        return sys_kernel_entries;
    case NODE_PID_DIR:
        *count = ARRAY_SIZE(pid_entries);
        return pid_entries;
    case NODE_NS_DIR:
        *count = ARRAY_SIZE(ns_entries);
        return ns_entries;
    default:
        *count = 0;
        return NULL;
    }
}

/* ---- whose view ---- */

/* The namespace /proc shows: the reader's. */
static struct pid_ns *reader_ns(void) { return proc_pid_ns(current_proc()); }

/* The process a node is about, or NULL once it has been reaped. */
static struct proc *node_process(const struct proc_node *node)
{
    return node->pid ? node->pid->proc : NULL;
}

/* The process numbered nr in ns, if any: a pid that is only a group's or a session's, or
 * whose process has been reaped, does not count. */
static struct pid *process_pid(int nr, struct pid_ns *ns)
{
    struct pid *pid = find_pid_ns(nr, ns);
    if (!pid || !pid->proc || pid->proc->pid != pid)
        return NULL;
    return pid;
}

/* ---- making inodes ---- */

/* A node's inode number: the same every time it is looked up. */
static uint64_t node_ino(enum node_kind kind, const struct pid *pid)
{
    uint64_t process = pid ? (uint64_t)pid->numbers[0].nr : 0;
    return PROCFS_INO + process * NODE_KINDS + kind;
}

/* The file ops of a regular file node. */
static const struct file_ops *node_file_ops(enum node_kind kind)
{
    if (kind == NODE_CMDLINE)
        return &cmdline_ops;
    if (kind == NODE_NS_LAST_PID)
        return &ns_last_pid_ops;
    if (kind == NODE_PID_NS)
        return &namespace_file_ops;
    return &text_ops;
}

/* A fresh inode for a node of the given kind under parent, about pid (or NULL). */
static struct inode *node_inode(enum node_kind kind, mode_t mode, struct pid *pid,
                                struct inode *parent)
{
    struct proc_node *node = kzalloc(sizeof(*node));
    const struct inode_ops *ops = kind == NODE_NS_PID_LINK ? &namespace_link_ops : &procfs_ops;
    struct inode *inode = node ? inode_alloc(mode, PROCFS_DEV, ops) : NULL;
    if (!inode) {
        kfree(node);
        return NULL;
    }
    node->kind = kind;
    if (pid) {
        pid_get(pid);
        node->pid = pid;
    }
    inode->data = node;
    inode->ino = node_ino(kind, pid);
    if (S_ISDIR(mode)) {
        inode->nlink = 2;
        inode->parent = inode_get(parent);
    }
    if (S_ISREG(mode))
        inode->fops = node_file_ops(kind);
    return inode;
}

/* An inode of /proc is no longer used: drop what its node held. */
static void procfs_release(struct inode *inode)
{
    struct proc_node *node = inode->data;
    if (node->pid)
        pid_put(node->pid);
    if (node->ns)
        pid_ns_put(node->ns);
    kfree(node);
}

/* ---- directories ---- */

/* "123" as a number; -1 if name is not a plain decimal number. */
static int parse_number(const char *name, size_t length)
{
    long value = 0;
    if (length == 0 || length > 9 || name[0] == '0')
        return -1;
    for (size_t i = 0; i < length; i++) {
        if (name[i] < '0' || name[i] > '9')
            return -1;
        value = value * 10 + (name[i] - '0');
    }
    return (int)value;
}

/* A name in a /proc directory: a fixed entry, or (in /proc itself) a visible process. */
static int procfs_lookup(struct inode *dir, const char *name, size_t length, struct inode **out)
{
    struct proc_node *node = dir->data;
    if (node->pid && !node_process(node))
        return -ENOENT; /* the process is gone */
    size_t count;
    const struct entry *entries = entries_of(node->kind, &count);
    struct inode *inode = NULL;
    for (size_t i = 0; i < count && !inode; i++)
        if (strncmp(entries[i].name, name, length) == 0 && entries[i].name[length] == 0)
            inode = node_inode(entries[i].kind, entries[i].mode, node->pid, dir);
    if (!inode && node->kind == NODE_ROOT) {
        int nr = parse_number(name, length);
        struct pid *pid = nr > 0 ? process_pid(nr, reader_ns()) : NULL;
        if (!pid)
            return -ENOENT;
        inode = node_inode(NODE_PID_DIR, S_IFDIR | 0555, pid, dir);
    }
    if (!inode)
        return count || node->kind == NODE_ROOT ? -ENOENT : -ENOTDIR;
    *out = inode;
    return 0;
}

/* The processes of /proc, in number order: positions PID_POSITION + nr. */
static void readdir_processes(uint64_t *position, readdir_fn emit, void *context)
{
    struct pid_ns *ns = reader_ns();
    int first = (int)MAX(*position, (uint64_t)PID_POSITION) - PID_POSITION;
    for (int nr = MAX(first, 1); nr < ns->pid_max; nr++) {
        struct pid *pid = process_pid(nr, ns);
        if (!pid)
            continue;
        char name[16];
        snprintf(name, sizeof(name), "%d", nr);
        uint64_t next = PID_POSITION + (uint64_t)nr + 1;
        if (!emit(context, name, node_ino(NODE_PID_DIR, pid), S_IFDIR >> 12, next))
            return;
        *position = next;
    }
}

/* The fixed entries of a /proc directory, then (in /proc itself) the processes. */
static int procfs_readdir(struct inode *dir, uint64_t *position, readdir_fn emit, void *context)
{
    struct proc_node *node = dir->data;
    if (node->pid && !node_process(node))
        return 0;
    size_t count;
    const struct entry *entries = entries_of(node->kind, &count);
    for (size_t i = *position - 2; *position >= 2 && i < count; i++) {
        if (!emit(context, entries[i].name, node_ino(entries[i].kind, node->pid),
                  (entries[i].mode & S_IFMT) >> 12, i + 3))
            return 0;
        *position = i + 3;
    }
    if (node->kind == NODE_ROOT)
        readdir_processes(position, emit, context);
    return 0;
}

/* ---- symlinks ---- */

/* /proc/self: the reader's own number; /proc/N/ns/pid: "pid:[inum]". */
static int procfs_readlink(struct inode *link, char *buf, size_t size)
{
    struct proc_node *node = link->data;
    char text[48];
    if (node->kind == NODE_SELF) {
        struct proc *self = current_proc();
        snprintf(text, sizeof(text), "%d", proc_nr_in(self, proc_pid_ns(self)));
    } else {
        snprintf(text, sizeof(text), "pid:[%lu]", pid_ns_of(node->pid)->inum);
    }
    size_t length = MIN(strlen(text), size);
    memcpy(buf, text, length);
    return (int)length;
}

/* /proc/N/ns/pid leads to the namespace itself, not to a path (a "magic link"). */
static int namespace_follow(struct inode *link, struct inode **out)
{
    struct proc_node *node = link->data;
    struct pid_ns *ns = pid_ns_of(node->pid);
    struct inode *inode = node_inode(NODE_PID_NS, S_IFREG | 0444, NULL, NULL);
    if (!inode)
        return -ENOMEM;
    pid_ns_get(ns);
    ((struct proc_node *)inode->data)->ns = ns;
    inode->ino = ns->inum; /* stat -L shows the number the link's text shows */
    inode->dev = NSFS_DEV;
    *out = inode;
    return 0;
}

static const struct inode_ops procfs_ops = {
    .lookup = procfs_lookup,
    .readdir = procfs_readdir,
    .readlink = procfs_readlink,
    .release = procfs_release,
};

static const struct inode_ops namespace_link_ops = {
    .readlink = procfs_readlink,
    .follow = namespace_follow,
    .release = procfs_release,
};

/* ---- formatting ---- */

/* A page being filled with a file's text. */
struct text {
    char *buf;
    size_t size;
    size_t length;
};

/* Append formatted text, silently cut at the end of the page. */
static void add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append formatted text, silently cut at the end of the page. */
static void add(struct text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->buf + t->length, t->size - t->length, fmt, ap);
    va_end(ap);
    t->length = MIN(t->length + (size_t)n, t->size - 1);
}

/* A live process's address space; zombies have none worth showing. */
static struct mm *live_mm(const struct proc *p)
{
    return p->state == PROC_ZOMBIE ? NULL : p->mm;
}

/* LAB procfs: begin */
/* The current process is running; the others are as the scheduler left them. */
static char state_letter(const struct proc *p)
{
    if (p == current_proc())
        return 'R';
    switch (p->state) {
    case PROC_SLEEPING:
        return 'S';
    case PROC_STOPPED:
        return 'T';
    case PROC_ZOMBIE:
        return 'Z';
    default:
        return 'R';
    }
}

/* The State: line of status, as Linux spells it. */
static const char *state_name(char letter)
{
    switch (letter) {
    case 'S':
        return "S (sleeping)";
    case 'T':
        return "T (stopped)";
    case 'Z':
        return "Z (zombie)";
    default:
        return "R (running)";
    }
}

/* The parent's number in ns; 0 for a namespace's init seen from inside (as Linux). */
static int parent_nr(const struct proc *p, const struct pid_ns *ns)
{
    return p->parent ? proc_nr_in(p->parent, ns) : 0;
}

/* The bytes of every region of an address space (VmSize, stat's vsize). */
static uint64_t virtual_size(const struct mm *mm)
{
    uint64_t total = 0;
    for (const struct vm_area *a = mm ? mm->areas : NULL; a; a = a->next)
        total += a->end - a->start;
    return total;
}

/* Pages present in mm's page tables. A missing page table skips its whole 2 MiB. */
static uint64_t resident_pages(struct mm *mm)
{
    uint64_t pages = 0;
    for (const struct vm_area *a = mm ? mm->areas : NULL; a; a = a->next) {
        for (uint64_t va = a->start; va < a->end;) {
            uint64_t *pte = vm_walk(mm->pml4, va, false);
            if (!pte) {
                va = ALIGN_DOWN(va, 1UL << 21) + (1UL << 21);
                continue;
            }
            pages += (*pte & PTE_PRESENT) != 0;
            va += PAGE_SIZE;
        }
    }
    return pages;
}

/* The signals whose action is SIG_IGN (ignored) or a handler (caught), as a mask. */
static sigset_t signals_with_action(const struct proc *p, bool caught)
{
    sigset_t set = 0;
    for (int sig = 1; sig <= NSIG; sig++) {
        uint64_t handler = p->actions[sig - 1].handler;
        bool is_caught = handler != SIG_DFL && handler != SIG_IGN;
        if (caught ? is_caught : handler == SIG_IGN)
            set |= SIGBIT(sig);
    }
    return set;
}

/* /proc/N/stat: Linux's 52 fields, 0 where nest has nothing to show. */
static void generate_stat(const struct proc *p, struct text *t)
{
    struct pid_ns *ns = reader_ns();
    struct mm *mm = live_mm(p);
    struct pid *foreground = tty_foreground(p);
    add(t, "%d (%s) %c %d %d %d %d %d 0 ", pid_nr_ns(p->pid, ns), p->name, state_letter(p),
        parent_nr(p, ns), pid_nr_ns(p->pgrp, ns), pid_nr_ns(p->session, ns), p->tty_nr,
        foreground ? pid_nr_ns(foreground, ns) : -1);
    add(t, "%lu 0 0 0 %lu %lu %lu %lu 20 0 1 0 %lu ", p->min_faults,
        NS_TO_CLOCK_T(p->utime_ns), NS_TO_CLOCK_T(p->stime_ns), NS_TO_CLOCK_T(p->cutime_ns),
        NS_TO_CLOCK_T(p->cstime_ns), NS_TO_CLOCK_T(p->start_ns));
    add(t, "%lu %lu 18446744073709551615 0 0 0 0 0 ", virtual_size(mm), resident_pages(mm));
    add(t, "%lu %lu %lu %lu 0 0 0 %d 0 0 0 0 0 0 0 0 ", p->sig_pending, p->sig_blocked,
        signals_with_action(p, false), signals_with_action(p, true), p->exit_signal);
    add(t, "%lu %lu %lu 0 0 %d\n", mm ? mm->brk_start : 0, mm ? mm->arg_start : 0,
        mm ? mm->arg_end : 0, p->state == PROC_ZOMBIE ? p->exit_status : 0);
}

/* One NS* line of status: pid's number in each namespace from the reader's level down to
 * the process's own, as Linux prints them. */
static void add_ns_numbers(struct text *t, const char *label, const struct proc *p,
                           const struct pid *pid, const struct pid_ns *ns)
{
    add(t, "%s:", label);
    for (int level = ns->level; level <= p->pid->level; level++)
        add(t, "\t%d", pid_nr_ns(pid, p->pid->numbers[level].ns));
    add(t, "\n");
}

/* /proc/N/status, in Linux's order and spelling. */
static void generate_status(const struct proc *p, struct text *t)
{
    struct pid_ns *ns = reader_ns();
    int nr = pid_nr_ns(p->pid, ns);
    add(t, "Name:\t%s\nUmask:\t%04o\nState:\t%s\n", p->name, p->umask,
        state_name(state_letter(p)));
    add(t, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n", nr, nr,
        parent_nr(p, ns));
    add(t, "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t%d\nGroups:\t \n",
        p->files ? FILES_MAX : 0);
    add_ns_numbers(t, "NStgid", p, p->pid, ns);
    add_ns_numbers(t, "NSpid", p, p->pid, ns);
    add_ns_numbers(t, "NSpgid", p, p->pgrp, ns);
    add_ns_numbers(t, "NSsid", p, p->session, ns);
    struct mm *mm = live_mm(p);
    if (mm)
        add(t, "VmSize:\t%8lu kB\nVmRSS:\t%8lu kB\n", virtual_size(mm) / 1024,
            resident_pages(mm) * (PAGE_SIZE / 1024));
    add(t, "Threads:\t1\nSigPnd:\t%016lx\nShdPnd:\t%016lx\n", p->sig_pending, 0UL);
    add(t, "SigBlk:\t%016lx\nSigIgn:\t%016lx\nSigCgt:\t%016lx\n", p->sig_blocked,
        signals_with_action(p, false), signals_with_action(p, true));
}
/* LAB procfs: stub
// lab procfs: /proc/N/stat, Linux's 52 fields, each number seen from the reader's namespace.
static void generate_stat(const struct proc *p, struct text *t)
{
    add(t, "lab procfs: /proc/N/stat is not implemented\n");
}

// lab procfs: /proc/N/status, in Linux's order and spelling.
static void generate_status(const struct proc *p, struct text *t)
{
    add(t, "lab procfs: /proc/N/status is not implemented\n");
}
   LAB procfs: end */

/* /proc/uptime: seconds since boot and idle seconds (the idle process's time), with
 * hundredths. */
static void generate_uptime(struct text *t)
{
    uint64_t up = NS_TO_CLOCK_T(clock_monotonic_ns()), idle = NS_TO_CLOCK_T(cputime_idle_ns());
    add(t, "%lu.%02lu %lu.%02lu\n", up / USER_HZ, up % USER_HZ * 100 / USER_HZ, idle / USER_HZ,
        idle % USER_HZ * 100 / USER_HZ);
}

/* /proc/meminfo: the frame allocator's totals, in Linux's layout. */
static void generate_meminfo(struct text *t)
{
    uint64_t kb_per_frame = PAGE_SIZE / 1024;
    uint64_t total = frames_total() * kb_per_frame, free = frames_free() * kb_per_frame;
    add(t, "%-16s%8lu kB\n%-16s%8lu kB\n%-16s%8lu kB\n", "MemTotal:", total, "MemFree:", free,
        "MemAvailable:", free);
    add(t, "%-16s%8lu kB\n%-16s%8lu kB\n%-16s%8lu kB\n%-16s%8lu kB\n", "Buffers:", 0UL,
        "Cached:", 0UL, "SwapTotal:", 0UL, "SwapFree:", 0UL);
}

/* nest keeps no load average; the runnable and total counts and the reader's namespace's
 * last PID are real. */
static void generate_loadavg(struct text *t)
{
    int runnable = 0;
    struct proc *p;
    list_for_each_entry(p, &proc_list, all)
        runnable += p->state == PROC_RUNNABLE;
    add(t, "0.00 0.00 0.00 %d/%d %d\n", runnable, proc_count, reader_ns()->last_pid);
}

/* /proc/interrupts: only the local timer's line (LOC), in Linux's layout. A CPU with
 * nothing to do takes none (the timer is tickless). */
static void generate_interrupts(struct text *t)
{
    add(t, "%16s\nLOC: %10lu   Local timer interrupts\n", "CPU0", this_cpu()->timer_interrupts);
}

/* The text of a node, or -ESRCH when its process is gone. */
static int generate(const struct proc_node *node, struct text *t)
{
    struct proc *p = node_process(node);
    if (node->pid && !p)
        return -ESRCH;
    switch (node->kind) {
    case NODE_UPTIME:
        generate_uptime(t);
        break;
    case NODE_MEMINFO:
        generate_meminfo(t);
        break;
    case NODE_LOADAVG:
        generate_loadavg(t);
        break;
    case NODE_INTERRUPTS:
        generate_interrupts(t);
        break;
    case NODE_VERSION:
        add(t, "nest version 0.1 (x86_64): a teaching kernel\n");
        break;
    case NODE_NS_LAST_PID:
        add(t, "%d\n", reader_ns()->last_pid);
        break;
    case NODE_PID_MAX:
        add(t, "%d\n", reader_ns()->pid_max);
        break;
    case NODE_STAT:
        generate_stat(p, t);
        break;
    case NODE_STATUS:
        generate_status(p, t);
        break;
    case NODE_COMM:
        add(t, "%s\n", p->name);
        break;
    default:
        return -EINVAL;
    }
    return 0;
}

/* ---- open files of /proc ---- */

/* Format the whole text again and hand out the part from *offset on. */
static ssize_t text_read(struct file *file, void *user_buf, size_t n, uint64_t *offset)
{
    struct text t = {kmalloc(PAGE_SIZE), PAGE_SIZE, 0};
    if (!t.buf)
        return -ENOMEM;
    ssize_t result = generate(file->inode->data, &t);
    if (!result && *offset < t.length) {
        size_t length = MIN(n, t.length - *offset);
        result = copy_to_user(user_buf, t.buf + *offset, length) ? -EFAULT : (ssize_t)length;
    }
    if (result > 0)
        *offset += (uint64_t)result;
    kfree(t.buf);
    return result;
}

/* /proc/N/cmdline: the argument strings, straight from the process's memory. */
static ssize_t cmdline_read(struct file *file, void *user_buf, size_t n, uint64_t *offset)
{
    struct proc *p = node_process(file->inode->data);
    struct mm *mm = p ? live_mm(p) : NULL;
    if (!p)
        return -ESRCH;
    if (!mm || *offset >= mm->arg_end - mm->arg_start)
        return 0;
    char *buf = kmalloc(PAGE_SIZE);
    if (!buf)
        return -ENOMEM;
    size_t wanted = MIN(MIN(n, (size_t)PAGE_SIZE), mm->arg_end - mm->arg_start - *offset);
    size_t got = vm_read(mm, mm->arg_start + *offset, buf, wanted);
    ssize_t result = copy_to_user(user_buf, buf, got) ? -EFAULT : (ssize_t)got;
    kfree(buf);
    if (result > 0)
        *offset += (uint64_t)result;
    return result;
}

/* Writing a number to ns_last_pid sets the reader's namespace's allocation cursor: the
 * next process there gets the number after it (CRIU's trick; root only, and all are root). */
static ssize_t ns_last_pid_write(struct file *file, const void *user_buf, size_t n,
                                 uint64_t *offset)
{
    (void)file, (void)offset;
    char text[24];
    if (n == 0 || n >= sizeof(text))
        return -EINVAL;
    if (copy_from_user(text, user_buf, n))
        return -EFAULT;
    text[n] = 0;
    if (text[n - 1] == '\n')
        text[n - 1] = 0;
    long value;
    struct pid_ns *ns = reader_ns();
    if (parse_long(text, &value) || value < 0 || value >= ns->pid_max)
        return -EINVAL;
    ns->last_pid = (int)value;
    return (ssize_t)n;
}

static const struct file_ops text_ops = {
    .read = text_read,
    .lseek = generic_file_lseek,
};

static const struct file_ops cmdline_ops = {
    .read = cmdline_read,
    .lseek = generic_file_lseek,
};

static const struct file_ops ns_last_pid_ops = {
    .read = text_read,
    .write = ns_last_pid_write,
    .lseek = generic_file_lseek,
};

/* An open namespace (from /proc/N/ns/pid) is only a handle for setns: reading it is
 * EINVAL, as in Linux, which is what empty ops give. */
static const struct file_ops namespace_file_ops = {
    .read = NULL,
};

/* See fs.h: the namespace behind a descriptor opened on /proc/N/ns/pid. */
struct pid_ns *file_pid_ns(int fd)
{
    struct file *file = fd_get(fd);
    if (!file)
        return NULL;
    struct proc_node *node = file->inode->data;
    bool is_namespace = file->inode->dev == NSFS_DEV && node->kind == NODE_PID_NS;
    struct pid_ns *ns = is_namespace ? node->ns : NULL;
    file_put(file); /* the descriptor still holds the file, and so the namespace */
    return ns;
}

/* Make /proc: a procfs directory attached to the root ramfs under the name "proc". */
void procfs_init(void)
{
    struct inode *root = vfs_root();
    procfs_root = node_inode(NODE_ROOT, S_IFDIR | 0555, NULL, root);
    if (!procfs_root || root->ops->link(root, "proc", procfs_root))
        printk(KERN_ERR "procfs: cannot make /proc\n");
}
