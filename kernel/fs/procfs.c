/* procfs.c - /proc: files generated from the kernel's own tables each time they are read.
 *
 * Nothing is stored: a lookup makes a fresh inode (a struct proc_node says what it shows),
 * and the first read of an open file formats its text. Each mount of procfs is an instance
 * that shows one PID namespace, the mounter's (as on Linux): a process is listed there under
 * its number in that namespace, and one without a number there does not exist. Formats follow
 * Linux's (man 5 proc) so that procps, util-linux and the student's eye can read them.
 */
#include "arch.h"
#include "fs.h"
#include "mm.h"
#include "pid.h"
#include "printk.h"
#include "proc.h"
#include "sched.h"
#include "smp.h"
#include "string.h"
#include "uaccess.h"
#include "version.h"
#include "x86.h"

/* Inode numbers: fixed files are PROCFS_INO + kind; a process's files add its root-namespace
 * number times NODE_KINDS; /proc/N/fd/M links sit above FD_INO. Starting at 2^32 keeps them
 * apart from ramfs's small numbers. */
#define PROCFS_INO (1ULL << 32)
#define FD_INO (1ULL << 40)
#define PID_POSITION 1000 /* readdir of /proc: positions from here on are 1000 + PID */
#define FD_POSITION 2     /* readdir of /proc/N/fd: positions from here on are 2 + fd */
#define BITS_PER_WORD 64

enum node_kind {
    NODE_ROOT,         /* /proc */
    NODE_SELF,         /* /proc/self, a symlink to the reader's number */
    NODE_MOUNTS_LINK,  /* /proc/mounts, a symlink to self/mounts */
    NODE_UPTIME,       /* /proc/uptime */
    NODE_MEMINFO,      /* /proc/meminfo */
    NODE_LOADAVG,      /* /proc/loadavg */
    NODE_INTERRUPTS,   /* /proc/interrupts */
    NODE_FRAMES,       /* /proc/frames: nest's own, the frame allocator per CPU */
    NODE_VERSION,      /* /proc/version */
    NODE_CPU_STAT,     /* /proc/stat */
    NODE_CPUINFO,      /* /proc/cpuinfo */
    NODE_FILESYSTEMS,  /* /proc/filesystems */
    NODE_SYS,          /* /proc/sys */
    NODE_SYS_KERNEL,   /* /proc/sys/kernel */
    NODE_NS_LAST_PID,  /* /proc/sys/kernel/ns_last_pid, writable */
    NODE_PID_MAX,      /* /proc/sys/kernel/pid_max */
    NODE_OSRELEASE,    /* /proc/sys/kernel/osrelease */
    NODE_OSTYPE,       /* /proc/sys/kernel/ostype */
    NODE_HOSTNAME,     /* /proc/sys/kernel/hostname */
    NODE_PID_DIR,      /* /proc/N */
    NODE_STAT,         /* /proc/N/stat */
    NODE_STATM,        /* /proc/N/statm */
    NODE_STATUS,       /* /proc/N/status */
    NODE_CMDLINE,      /* /proc/N/cmdline */
    NODE_ENVIRON,      /* /proc/N/environ */
    NODE_AUXV,         /* /proc/N/auxv */
    NODE_COMM,         /* /proc/N/comm */
    NODE_MOUNTS,       /* /proc/N/mounts */
    NODE_EXE,          /* /proc/N/exe, a symlink to the program */
    NODE_CWD,          /* /proc/N/cwd, a magic link to the working directory */
    NODE_ROOT_LINK,    /* /proc/N/root, a magic link to its root directory */
    NODE_FD_DIR,       /* /proc/N/fd */
    NODE_FD_LINK,      /* /proc/N/fd/M, a magic link to the open file */
    NODE_NS_DIR,       /* /proc/N/ns */
    NODE_NS_PID_LINK,  /* /proc/N/ns/pid, a link to the namespace: pid:[inum] */
    NODE_NS_MNT_LINK,  /* /proc/N/ns/mnt: mnt:[inum] */
    NODE_PID_NS,       /* what ns/pid opens: the namespace itself (for setns) */
    NODE_MNT_NS,       /* what ns/mnt opens */
    NODE_KINDS
};

/* What one procfs inode shows (inode->data). */
struct proc_node {
    enum node_kind kind;
    struct pid_ns *view;   /* the PID namespace of this procfs instance (a reference) */
    struct pid *pid;       /* per-process nodes: the process (a reference); else NULL */
    int fd;                /* NODE_FD_LINK: the descriptor */
    struct pid_ns *pid_ns; /* NODE_PID_NS: the namespace (a reference); else NULL */
    struct mnt_ns *mnt_ns; /* NODE_MNT_NS: the namespace (a reference); else NULL */
};

/* One fixed entry of a procfs directory. */
struct entry {
    const char *name;
    enum node_kind kind;
    mode_t mode;
};

static const struct entry root_entries[] = {
    {"self", NODE_SELF, S_IFLNK | 0777},
    {"mounts", NODE_MOUNTS_LINK, S_IFLNK | 0777},
    {"uptime", NODE_UPTIME, S_IFREG | 0444},
    {"meminfo", NODE_MEMINFO, S_IFREG | 0444},
    {"loadavg", NODE_LOADAVG, S_IFREG | 0444},
    {"version", NODE_VERSION, S_IFREG | 0444},
    {"stat", NODE_CPU_STAT, S_IFREG | 0444},
    {"cpuinfo", NODE_CPUINFO, S_IFREG | 0444},
    {"filesystems", NODE_FILESYSTEMS, S_IFREG | 0444},
    {"interrupts", NODE_INTERRUPTS, S_IFREG | 0444},
    {"frames", NODE_FRAMES, S_IFREG | 0444},
    {"sys", NODE_SYS, S_IFDIR | 0555},
};
static const struct entry sys_entries[] = {{"kernel", NODE_SYS_KERNEL, S_IFDIR | 0555}};
static const struct entry sys_kernel_entries[] = {
    {"hostname", NODE_HOSTNAME, S_IFREG | 0444},
    {"ns_last_pid", NODE_NS_LAST_PID, S_IFREG | 0644},
    {"osrelease", NODE_OSRELEASE, S_IFREG | 0444},
    {"ostype", NODE_OSTYPE, S_IFREG | 0444},
    {"pid_max", NODE_PID_MAX, S_IFREG | 0444},
};
static const struct entry pid_entries[] = {
    {"stat", NODE_STAT, S_IFREG | 0444},     {"statm", NODE_STATM, S_IFREG | 0444},
    {"status", NODE_STATUS, S_IFREG | 0444}, {"cmdline", NODE_CMDLINE, S_IFREG | 0444},
    {"environ", NODE_ENVIRON, S_IFREG | 0400}, {"comm", NODE_COMM, S_IFREG | 0444},
    {"auxv", NODE_AUXV, S_IFREG | 0400},
    {"mounts", NODE_MOUNTS, S_IFREG | 0444}, {"exe", NODE_EXE, S_IFLNK | 0777},
    {"cwd", NODE_CWD, S_IFLNK | 0777},       {"root", NODE_ROOT_LINK, S_IFLNK | 0777},
    {"fd", NODE_FD_DIR, S_IFDIR | 0500},     {"ns", NODE_NS_DIR, S_IFDIR | 0511},
};
static const struct entry ns_entries[] = {
    {"mnt", NODE_NS_MNT_LINK, S_IFLNK | 0777},
    {"pid", NODE_NS_PID_LINK, S_IFLNK | 0777},
};

static const struct inode_ops procfs_ops, magic_link_ops;
static const struct file_ops text_ops, memory_ops, cpuinfo_ops, auxv_ops, ns_last_pid_ops,
    namespace_file_ops;

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

/* The namespace of the reader: ns_last_pid and loadavg speak of it, as on Linux. */
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

static uint64_t fd_ino(const struct pid *pid, int fd)
{
    return FD_INO + (uint64_t)pid->numbers[0].nr * FILES_MAX + (uint64_t)fd;
}

/* The file ops of a regular file node. */
static const struct file_ops *node_file_ops(enum node_kind kind)
{
    switch (kind) {
    case NODE_CMDLINE:
    case NODE_ENVIRON:
        return &memory_ops;
    case NODE_AUXV:
        return &auxv_ops;
    case NODE_CPUINFO:
        return &cpuinfo_ops;
    case NODE_NS_LAST_PID:
        return &ns_last_pid_ops;
    case NODE_PID_NS:
    case NODE_MNT_NS:
        return &namespace_file_ops;
    default:
        return &text_ops;
    }
}

/* Links whose target is an object, not a path: following them does not walk their text. */
static bool is_magic_link(enum node_kind kind)
{
    return kind == NODE_CWD || kind == NODE_ROOT_LINK || kind == NODE_FD_LINK ||
           kind == NODE_NS_PID_LINK || kind == NODE_NS_MNT_LINK;
}

/* A fresh inode for a node of the given kind in the instance showing view, under parent
 * (NULL for an instance's root), about pid (or NULL). */
static struct inode *node_inode(enum node_kind kind, mode_t mode, struct pid *pid,
                                struct inode *parent, struct pid_ns *view)
{
    struct proc_node *node = kzalloc(sizeof(*node));
    const struct inode_ops *ops = is_magic_link(kind) ? &magic_link_ops : &procfs_ops;
    uint32_t dev = parent ? parent->dev : 0;
    struct inode *inode = node ? inode_alloc(mode, dev, ops) : NULL;
    if (!inode) {
        kfree(node);
        return NULL;
    }
    node->kind = kind;
    pid_ns_get(view);
    node->view = view;
    if (pid) {
        pid_get(pid);
        node->pid = pid;
    }
    inode->data = node;
    inode->ino = node_ino(kind, pid);
    if (S_ISDIR(mode)) {
        inode->nlink = 2;
        inode->parent = parent ? inode_get(parent) : NULL;
    }
    if (S_ISREG(mode))
        inode->fops = node_file_ops(kind);
    return inode;
}

/* A node under dir, in dir's instance and about dir's process. */
static struct inode *child_inode(struct inode *dir, enum node_kind kind, mode_t mode)
{
    struct proc_node *parent = dir->data;
    return node_inode(kind, mode, parent->pid, dir, parent->view);
}

/* An inode of /proc is no longer used: drop what its node held. */
static void procfs_release(struct inode *inode)
{
    struct proc_node *node = inode->data;
    if (node->pid)
        pid_put(node->pid);
    if (node->pid_ns)
        pid_ns_put(node->pid_ns);
    if (node->mnt_ns)
        mnt_ns_put(node->mnt_ns);
    pid_ns_put(node->view);
    kfree(node);
}

/* ---- directories ---- */

/* "123" as a number; -1 if name is not a plain decimal number. */
static int parse_number(const char *name, size_t length)
{
    long value = 0;
    if (length == 0 || length > 9 || (name[0] == '0' && length > 1))
        return -1;
    for (size_t i = 0; i < length; i++) {
        if (name[i] < '0' || name[i] > '9')
            return -1;
        value = value * 10 + (name[i] - '0');
    }
    return (int)value;
}

/* The open file behind descriptor fd of p, or NULL (no reference taken). */
static struct file *process_file(const struct proc *p, int fd)
{
    if (!p->files || fd < 0 || fd >= FILES_MAX)
        return NULL;
    return p->files->fd[fd];
}

/* A name in /proc itself: a visible process. */
static int lookup_process(struct inode *dir, const char *name, size_t length, struct inode **out)
{
    struct proc_node *node = dir->data;
    int nr = parse_number(name, length);
    struct pid *pid = nr > 0 ? process_pid(nr, node->view) : NULL;
    if (!pid)
        return -ENOENT;
    *out = node_inode(NODE_PID_DIR, S_IFDIR | 0555, pid, dir, node->view);
    return *out ? 0 : -ENOMEM;
}

/* A name in /proc/N/fd: an open descriptor. */
static int lookup_fd(struct inode *dir, const char *name, size_t length, struct inode **out)
{
    struct proc_node *node = dir->data;
    int fd = parse_number(name, length);
    struct file *file = fd >= 0 ? process_file(node_process(node), fd) : NULL;
    if (!file)
        return -ENOENT;
    int mode = S_IFLNK | (file_readable(file) ? 0400 : 0) | (file_writable(file) ? 0200 : 0);
    *out = child_inode(dir, NODE_FD_LINK, (mode_t)mode);
    if (!*out)
        return -ENOMEM;
    ((struct proc_node *)(*out)->data)->fd = fd;
    (*out)->ino = fd_ino(node->pid, fd);
    return 0;
}

/* A name in a /proc directory: a fixed entry, a process or a descriptor. */
static int procfs_lookup(struct inode *dir, const char *name, size_t length, struct inode **out)
{
    struct proc_node *node = dir->data;
    if (node->pid && !node_process(node))
        return -ENOENT; /* the process is gone */
    if (node->kind == NODE_FD_DIR)
        return lookup_fd(dir, name, length, out);
    size_t count;
    const struct entry *entries = entries_of(node->kind, &count);
    for (size_t i = 0; i < count; i++) {
        if (strncmp(entries[i].name, name, length) == 0 && entries[i].name[length] == 0) {
            *out = child_inode(dir, entries[i].kind, entries[i].mode);
            return *out ? 0 : -ENOMEM;
        }
    }
    if (node->kind == NODE_ROOT)
        return lookup_process(dir, name, length, out);
    return -ENOENT;
}

/* The numbers of ns's processes from first on, as a bitmap of one page (bit nr - first):
 * one walk of the process table per readdir call, instead of one lookup per number. */
static void visible_numbers(struct pid_ns *ns, int first, uint64_t *bitmap, int bits)
{
    struct proc *p;
    list_for_each_entry(p, &proc_list, all) {
        int nr = pid_nr_ns(p->pid, ns);
        if (nr >= first && nr - first < bits)
            bitmap[(nr - first) / BITS_PER_WORD] |= 1ULL << ((nr - first) % BITS_PER_WORD);
    }
}

/* The processes of /proc, in number order: positions PID_POSITION + nr. Each window of a
 * page's worth of numbers costs one walk of the process table. */
static int readdir_processes(struct proc_node *node, uint64_t *position, readdir_fn emit,
                             void *context)
{
    uint64_t *bitmap = kmalloc(PAGE_SIZE);
    if (!bitmap)
        return -ENOMEM;
    const int bits = PAGE_SIZE * 8;
    int first = MAX((int)(MAX(*position, (uint64_t)PID_POSITION) - PID_POSITION), 1);
    for (; first < node->view->pid_max; first += bits) {
        memset(bitmap, 0, PAGE_SIZE);
        visible_numbers(node->view, first, bitmap, bits);
        for (int i = 0; i < bits / BITS_PER_WORD; i++) {
            for (uint64_t word = bitmap[i]; word; word &= word - 1) {
                int nr = first + i * BITS_PER_WORD + __builtin_ctzll(word);
                char name[16];
                snprintf(name, sizeof(name), "%d", nr);
                uint64_t next = PID_POSITION + (uint64_t)nr + 1;
                struct pid *pid = find_pid_ns(nr, node->view);
                if (!emit(context, name, node_ino(NODE_PID_DIR, pid), S_IFDIR >> 12, next)) {
                    kfree(bitmap);
                    return 0;
                }
                *position = next;
            }
        }
    }
    kfree(bitmap);
    return 0;
}

/* The descriptors of /proc/N/fd, in number order. */
static int readdir_fds(struct proc_node *node, uint64_t *position, readdir_fn emit,
                       void *context)
{
    struct proc *p = node_process(node);
    for (int fd = (int)(*position - FD_POSITION); fd < FILES_MAX; fd++) {
        if (!process_file(p, fd))
            continue;
        char name[16];
        snprintf(name, sizeof(name), "%d", fd);
        uint64_t next = FD_POSITION + (uint64_t)fd + 1;
        if (!emit(context, name, fd_ino(node->pid, fd), S_IFLNK >> 12, next))
            return 0;
        *position = next;
    }
    return 0;
}

/* The fixed entries of a /proc directory, then the processes or descriptors. */
static int procfs_readdir(struct inode *dir, uint64_t *position, readdir_fn emit, void *context)
{
    struct proc_node *node = dir->data;
    if (node->pid && !node_process(node))
        return 0;
    if (node->kind == NODE_FD_DIR)
        return readdir_fds(node, position, emit, context);
    size_t count;
    const struct entry *entries = entries_of(node->kind, &count);
    for (size_t i = *position - 2; *position >= 2 && i < count; i++) {
        if (!emit(context, entries[i].name, node_ino(entries[i].kind, node->pid),
                  (entries[i].mode & S_IFMT) >> 12, i + 3))
            return 0;
        *position = i + 3;
    }
    if (node->kind == NODE_ROOT)
        return readdir_processes(node, position, emit, context);
    return 0;
}

/* ---- symlinks ---- */

/* The text of an open file's /proc/N/fd link, as Linux shows it. */
static void file_link_text(const struct file *file, char *text, size_t size)
{
    const struct inode *inode = file->inode;
    const struct proc_node *node = inode->data;
    if (file->path)
        strlcpy(text, file->path, size);
    else if (inode->dev == PIPEFS_DEV)
        snprintf(text, size, "pipe:[%lu]", inode->ino);
    else if (inode->dev == NSFS_DEV && node->kind == NODE_PID_NS)
        snprintf(text, size, "pid:[%lu]", inode->ino);
    else if (inode->dev == NSFS_DEV && node->kind == NODE_MNT_NS)
        snprintf(text, size, "mnt:[%lu]", inode->ino);
    else
        snprintf(text, size, "anon_inode:[%lu]", inode->ino);
}

/* A link's text into text (PATH_MAX bytes): 0, or -ENOENT when there is nothing to show. */
static int link_text(const struct proc_node *node, char *text)
{
    struct proc *p = node_process(node);
    if (node->pid && (!p || p->state == PROC_ZOMBIE))
        return -ENOENT; /* gone, or exited: nothing to point at */
    switch (node->kind) {
    case NODE_SELF: {
        int nr = pid_nr_ns(current_proc()->pid, node->view);
        if (!nr)
            return -ENOENT; /* the reader has no number in this instance's namespace */
        snprintf(text, PATH_MAX, "%d", nr);
        return 0;
    }
    case NODE_MOUNTS_LINK:
        strlcpy(text, "self/mounts", PATH_MAX);
        return 0;
    case NODE_EXE:
        if (!p->mm->exe_path)
            return -ENOENT;
        strlcpy(text, p->mm->exe_path, PATH_MAX);
        return 0;
    case NODE_CWD:
        return vfs_path_of(p->cwd, text, PATH_MAX) < 0 ? -ENOENT : 0;
    case NODE_ROOT_LINK:
        strlcpy(text, "/", PATH_MAX);
        return 0;
    case NODE_FD_LINK: {
        struct file *file = process_file(p, node->fd);
        if (!file)
            return -ENOENT;
        file_link_text(file, text, PATH_MAX);
        return 0;
    }
    case NODE_NS_PID_LINK:
        snprintf(text, PATH_MAX, "pid:[%lu]", pid_ns_of(node->pid)->inum);
        return 0;
    case NODE_NS_MNT_LINK:
        if (!p->mnt_ns)
            return -ENOENT; /* exiting: do_exit let its namespace go */
        snprintf(text, PATH_MAX, "mnt:[%lu]", p->mnt_ns->inum);
        return 0;
    default:
        return -EINVAL;
    }
}

static int procfs_readlink(struct inode *link, char *buf, size_t size)
{
    char *text = kmalloc(PATH_MAX);
    if (!text)
        return -ENOMEM;
    int error = link_text(link->data, text);
    size_t length = error ? 0 : MIN(strlen(text), size);
    memcpy(buf, text, length);
    kfree(text);
    return error ? error : (int)length;
}

/* The inode a namespace link opens: a handle for setns, numbered as the link's text. */
static struct inode *namespace_inode(enum node_kind kind, uint64_t inum, struct pid_ns *view)
{
    struct inode *inode = node_inode(kind, S_IFREG | 0444, NULL, NULL, view);
    if (!inode)
        return NULL;
    inode->ino = inum; /* stat -L shows the number the link's text shows */
    inode->dev = NSFS_DEV;
    return inode;
}

/* Following a magic link leads to the object itself, not to a path. */
static int magic_follow(struct inode *link, struct inode **out)
{
    struct proc_node *node = link->data;
    struct proc *p = node_process(node);
    if (!p || p->state == PROC_ZOMBIE)
        return -ENOENT;
    struct inode *inode = NULL;
    switch (node->kind) {
    case NODE_CWD:
        inode = inode_get(p->cwd);
        break;
    case NODE_ROOT_LINK:
        inode = inode_get(vfs_root());
        break;
    case NODE_FD_LINK: {
        struct file *file = process_file(p, node->fd);
        if (!file)
            return -ENOENT;
        inode = inode_get(file->inode);
        break;
    }
    case NODE_NS_PID_LINK: {
        struct pid_ns *ns = pid_ns_of(node->pid);
        inode = namespace_inode(NODE_PID_NS, ns->inum, node->view);
        if (inode) {
            pid_ns_get(ns);
            ((struct proc_node *)inode->data)->pid_ns = ns;
        }
        break;
    }
    case NODE_NS_MNT_LINK:
        if (!p->mnt_ns)
            return -ENOENT; /* exiting: do_exit let its namespace go */
        inode = namespace_inode(NODE_MNT_NS, p->mnt_ns->inum, node->view);
        if (inode) {
            mnt_ns_get(p->mnt_ns);
            ((struct proc_node *)inode->data)->mnt_ns = p->mnt_ns;
        }
        break;
    default:
        return -EINVAL;
    }
    if (!inode)
        return -ENOMEM;
    *out = inode;
    return 0;
}

static const struct inode_ops procfs_ops = {
    .lookup = procfs_lookup,
    .readdir = procfs_readdir,
    .readlink = procfs_readlink,
    .release = procfs_release,
};

static const struct inode_ops magic_link_ops = {
    .readlink = procfs_readlink,
    .follow = magic_follow,
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

/* The bytes of the regions of an address space that match: all of them (VmSize), or only
 * those with every bit of prot (the executable ones for VmExe, the writable for VmData). */
static uint64_t mapped_bytes(const struct mm *mm, int prot)
{
    uint64_t total = 0;
    for (const struct vm_area *a = mm ? mm->areas : NULL; a; a = a->next)
        if ((a->prot & prot) == prot)
            total += a->end - a->start;
    return total;
}

/* Pages present in its page tables, as the address space counts them (VmRSS). */
static uint64_t resident_pages(const struct mm *mm) { return mm ? mm->resident_pages : 0; }

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

/* /proc/N/stat: Linux's 52 fields, 0 where nest has nothing to show. comm is at most 15
 * characters, so the line parses as procps does it (between the first '(' and the last ')'). */
static void generate_stat(const struct proc *p, struct pid_ns *ns, struct text *t)
{
    struct mm *mm = live_mm(p);
    struct pid *foreground = tty_foreground(p);
    add(t, "%d (%s) %c %d %d %d %d %d 0 ", pid_nr_ns(p->pid, ns), p->name, state_letter(p),
        parent_nr(p, ns), pid_nr_ns(p->pgrp, ns), pid_nr_ns(p->session, ns), p->tty_nr,
        foreground ? pid_nr_ns(foreground, ns) : -1);
    add(t, "%lu 0 0 0 %lu %lu %lu %lu 20 0 1 0 %lu ", p->min_faults,
        NS_TO_CLOCK_T(p->utime_ns), NS_TO_CLOCK_T(p->stime_ns), NS_TO_CLOCK_T(p->cutime_ns),
        NS_TO_CLOCK_T(p->cstime_ns), NS_TO_CLOCK_T(p->start_ns));
    add(t, "%lu %lu 18446744073709551615 0 0 0 0 0 ", mapped_bytes(mm, 0), resident_pages(mm));
    add(t, "%lu %lu %lu %lu 0 0 0 %d %d 0 0 0 0 0 0 0 ", p->sig_pending, p->sig_blocked,
        signals_with_action(p, false), signals_with_action(p, true), p->exit_signal, p->cpu);
    add(t, "%lu %lu %lu %lu %lu %d\n", mm ? mm->brk_start : 0, mm ? mm->arg_start : 0,
        mm ? mm->arg_end : 0, mm ? mm->env_start : 0, mm ? mm->env_end : 0,
        p->state == PROC_ZOMBIE ? p->exit_status : 0);
}

/* One NS* line of status: pid's number in each namespace from the instance's level down to
 * the process's own, as Linux prints them. */
static void add_ns_numbers(struct text *t, const char *label, const struct proc *p,
                           const struct pid *pid, const struct pid_ns *ns)
{
    add(t, "%s:", label);
    for (int level = ns->level; level <= p->pid->level; level++)
        add(t, "\t%d", pid_nr_ns(pid, p->pid->numbers[level].ns));
    add(t, "\n");
}

/* The memory lines of status, in kB (a zombie has none, as on Linux). */
static void add_memory_lines(struct text *t, const struct mm *mm)
{
    uint64_t kb = PAGE_SIZE / 1024;
    add(t, "VmSize:\t%8lu kB\nVmLck:\t%8lu kB\nVmPin:\t%8lu kB\n", mapped_bytes(mm, 0) / 1024,
        0UL, 0UL);
    add(t, "VmRSS:\t%8lu kB\nVmData:\t%8lu kB\nVmExe:\t%8lu kB\nVmSwap:\t%8lu kB\n",
        resident_pages(mm) * kb, mapped_bytes(mm, PROT_WRITE) / 1024,
        mapped_bytes(mm, PROT_EXEC) / 1024, 0UL);
}

/* A CPU mask as Linux prints one: in hex, as many bits as there are CPUs, in groups of 32
 * bits split by commas. */
static void add_cpu_mask(struct text *t, uint64_t mask)
{
    if (cpu_count > 32)
        add(t, "%0*lx,%08lx", (cpu_count - 32 + 3) / 4, mask >> 32, mask & 0xffffffff);
    else
        add(t, "%0*lx", (cpu_count + 3) / 4, mask);
}

/* A CPU mask as a list of CPUs and ranges of them: "0-2,5". */
static void add_cpu_list(struct text *t, uint64_t mask)
{
    const char *separator = "";
    for (int first = 0; first < MAX_CPUS; first++) {
        if (!(mask & (1ULL << first)))
            continue;
        int last = first;
        while (last + 1 < MAX_CPUS && (mask & (1ULL << (last + 1))))
            last++;
        add(t, "%s%d", separator, first);
        if (last > first)
            add(t, "-%d", last);
        separator = ",";
        first = last;
    }
}

/* /proc/N/status, in Linux's order and spelling ("Key:\tvalue"). Everyone is root, with
 * every capability (Linux 6.1 has 41). */
static void generate_status(const struct proc *p, struct pid_ns *ns, struct text *t)
{
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
        add_memory_lines(t, mm);
    add(t, "Threads:\t1\n");
    add(t, "SigPnd:\t%016lx\nShdPnd:\t%016lx\n", p->sig_pending, 0UL);
    add(t, "SigBlk:\t%016lx\nSigIgn:\t%016lx\nSigCgt:\t%016lx\n", p->sig_blocked,
        signals_with_action(p, false), signals_with_action(p, true));
    add(t, "CapInh:\t%016lx\nCapPrm:\t%016lx\nCapEff:\t%016lx\nCapBnd:\t%016lx\n"
           "CapAmb:\t%016lx\n",
        0UL, 0x1ffffffffffUL, 0x1ffffffffffUL, 0x1ffffffffffUL, 0UL);
    uint64_t allowed = p->cpus_allowed & cpus_scheduling_mask; /* as sched_getaffinity */
    add(t, "NoNewPrivs:\t0\nSeccomp:\t0\nCpus_allowed:\t");
    add_cpu_mask(t, allowed);
    add(t, "\nCpus_allowed_list:\t");
    add_cpu_list(t, allowed);
    add(t, "\n");
}
/* LAB procfs: stub
// lab procfs: /proc/N/stat, Linux's 52 fields, each number seen from ns (this /proc's).
static void generate_stat(const struct proc *p, struct pid_ns *ns, struct text *t)
{
    add(t, "lab procfs: /proc/N/stat is not implemented\n");
}

// lab procfs: /proc/N/status, in Linux's order and spelling, numbers seen from ns.
static void generate_status(const struct proc *p, struct pid_ns *ns, struct text *t)
{
    add(t, "lab procfs: /proc/N/status is not implemented\n");
}
   LAB procfs: end */

/* /proc/N/statm: sizes in pages: total, resident, shared, text, library (0), data, dirty (0). */
static void generate_statm(const struct proc *p, struct text *t)
{
    struct mm *mm = live_mm(p);
    add(t, "%lu %lu 0 %lu 0 %lu 0\n", mapped_bytes(mm, 0) / PAGE_SIZE, resident_pages(mm),
        mapped_bytes(mm, PROT_EXEC) / PAGE_SIZE, mapped_bytes(mm, PROT_WRITE) / PAGE_SIZE);
}

/* Each CPU's time by kind into each[], by index; returns them all added up. */
static struct cpu_times read_cpu_times(struct cpu_times each[MAX_CPUS])
{
    struct cpu_times all = {0, 0, 0};
    for (int i = 0; i < cpu_count; i++) {
        cputime_of_cpu(cpus[i], &each[i]);
        all.user_ns += each[i].user_ns;
        all.system_ns += each[i].system_ns;
        all.idle_ns += each[i].idle_ns;
    }
    return all;
}

/* /proc/uptime: seconds since boot and idle seconds (every CPU's, added up, as on Linux),
 * with hundredths. */
static void generate_uptime(struct text *t)
{
    struct cpu_times each[MAX_CPUS];
    uint64_t up = NS_TO_CLOCK_T(clock_monotonic_ns());
    uint64_t idle = NS_TO_CLOCK_T(read_cpu_times(each).idle_ns);
    add(t, "%lu.%02lu %lu.%02lu\n", up / USER_HZ, up % USER_HZ * 100 / USER_HZ, idle / USER_HZ,
        idle % USER_HZ * 100 / USER_HZ);
}

/* One cpu line of /proc/stat: time by kind in USER_HZ ticks, ten columns in Linux's order
 * (user nice system idle iowait irq softirq steal guest guest_nice). */
static void add_cpu_times(struct text *t, const char *name, const struct cpu_times *times)
{
    add(t, "%-4s %lu 0 %lu %lu 0 0 0 0 0 0\n", name, NS_TO_CLOCK_T(times->user_ns),
        NS_TO_CLOCK_T(times->system_ns), NS_TO_CLOCK_T(times->idle_ns));
}

/* /proc/stat: the time of all CPUs together, then of each, then the counters procps and
 * vmstat read. */
static void generate_cpu_stat(struct text *t)
{
    struct cpu_times each[MAX_CPUS], all = read_cpu_times(each);
    add_cpu_times(t, "cpu", &all);
    for (int i = 0; i < cpu_count; i++) {
        char name[8];
        snprintf(name, sizeof(name), "cpu%d", i);
        add_cpu_times(t, name, &each[i]);
    }
    int running = 0;
    struct proc *p;
    list_for_each_entry(p, &proc_list, all)
        running += p->state == PROC_RUNNABLE;
    add(t, "intr %lu\nctxt %lu\nbtime %lu\n", cpu_stats_sum_interrupts(), cpu_stats_sum_switches(),
        boot_epoch_seconds);
    /* every sleep in nest is interruptible: nothing is ever blocked in Linux's sense */
    add(t, "processes %lu\nprocs_running %d\nprocs_blocked 0\n", forks_since_boot + 1,
        running);
    add(t, "softirq 0 0 0 0 0 0 0 0 0 0 0\n");
}

/* /proc/meminfo: the frame allocator's totals, in Linux's layout. Slab (all of it
 * unreclaimable) is the frames kmalloc has carved: they are not free, and never will be. */
static void generate_meminfo(struct text *t)
{
    uint64_t kb_per_frame = PAGE_SIZE / 1024;
    uint64_t total = frames_total() * kb_per_frame, free = frames_free() * kb_per_frame;
    uint64_t slab = heap_frames() * kb_per_frame;
    add(t, "%-16s%8lu kB\n%-16s%8lu kB\n%-16s%8lu kB\n", "MemTotal:", total, "MemFree:", free,
        "MemAvailable:", free);
    add(t, "%-16s%8lu kB\n%-16s%8lu kB\n%-16s%8lu kB\n%-16s%8lu kB\n", "Buffers:", 0UL,
        "Cached:", 0UL, "SwapCached:", 0UL, "SwapTotal:", 0UL);
    add(t, "%-16s%8lu kB\n%-16s%8lu kB\n%-16s%8lu kB\n", "SwapFree:", 0UL, "Shmem:", 0UL,
        "Slab:", slab);
    add(t, "%-16s%8lu kB\n%-16s%8lu kB\n", "SReclaimable:", 0UL, "SUnreclaim:", slab);
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

/* /proc/interrupts, in Linux's layout: a column per CPU; a line per device IRQ naming the
 * controller that delivers it, its input there and trigger mode, and the driver; then the
 * local timer (tickless: a CPU with nothing to do takes none) and the TLB shootdown requests
 * each CPU carried out for the others. Each counter is its own CPU's; reading one that its
 * CPU is raising gives the old or the new value. */
static void generate_interrupts(struct text *t)
{
    add(t, "%11s", "");
    for (int i = 0; i < cpu_count; i++)
        add(t, "CPU%-8d", i);
    add(t, "\n");
    for (int irq = 0; irq < IRQ_COUNT; irq++) {
        struct irq_description d;
        if (!irq_describe(irq, &d))
            continue;
        add(t, "%3d: ", irq);
        for (int i = 0; i < cpu_count; i++)
            add(t, "%10lu ", cpus[i]->irq_counts[irq]);
        add(t, " %8s %3u-%-8s %s\n", d.controller, d.input, d.trigger, irq_device_name(irq));
    }
    add(t, "LOC: ");
    for (int i = 0; i < cpu_count; i++)
        add(t, "%10lu ", __atomic_load_n(&cpus[i]->timer_interrupts, __ATOMIC_RELAXED));
    add(t, "  Local timer interrupts\n");
    add(t, "TLB: ");
    for (int i = 0; i < cpu_count; i++)
        add(t, "%10lu ", cpus[i]->tlb_shootdowns);
    add(t, "  TLB shootdowns\n");
}

/* /proc/frames (nest's own): one line per CPU on the frame allocator's work, as the locks
 * lab and docs/labs/locks.md read it: frames allocated (and of those, taken from the CPU's
 * own cache), freed, acquisitions of the global pool's lock (and how many found it held),
 * and the free frames in the CPU's cache now. */
static void generate_frames(struct text *t)
{
    for (int cpu = 0; cpu < cpu_count; cpu++) {
        struct frame_stats s;
        frame_stats_of(cpu, &s);
        add(t, "cpu%d allocs %lu from_cache %lu frees %lu lock_taken %lu lock_contended %lu "
            "cached %lu\n", cpu, s.allocs, s.from_cache, s.frees, s.lock_taken,
            s.lock_contended, s.cached);
    }
}

/* The CPU's brand string from CPUID (leaves 0x80000002-4), or "" if it has none. */
static void cpu_brand(char *brand)
{
    uint32_t a, b, c, d, words[12];
    brand[0] = 0;
    cpuid(0x80000000, &a, &b, &c, &d);
    if (a < 0x80000004)
        return;
    for (uint32_t leaf = 0; leaf < 3; leaf++)
        cpuid(0x80000002 + leaf, &words[leaf * 4], &words[leaf * 4 + 1], &words[leaf * 4 + 2],
              &words[leaf * 4 + 3]);
    memcpy(brand, words, 48);
    brand[48] = 0;
}

/* One CPU's block of /proc/cpuinfo. CPUID is asked on this CPU: the others are the same
 * model. nest does not read the CPUs' topology, so they are shown as the cores of one
 * package, one thread each; apicid is the id the MADT gave, which is the initial one. */
static void add_cpuinfo_block(struct text *t, int index)
{
    uint32_t a, b, c, d, vendor[3], max_leaf;
    char brand[49];
    cpuid(0, &max_leaf, &vendor[0], &vendor[2], &vendor[1]);
    cpuid(1, &a, &b, &c, &d);
    cpu_brand(brand);
    unsigned family = (a >> 8) & 0xf, model = (a >> 4) & 0xf;
    if (family == 0xf)
        family += (a >> 20) & 0xff;
    if (family >= 6)
        model += ((a >> 16) & 0xf) << 4;
    add(t, "processor\t: %d\nvendor_id\t: %.12s\ncpu family\t: %u\nmodel\t\t: %u\n", index,
        (const char *)vendor, family, model);
    add(t, "model name\t: %s\nstepping\t: %u\ncpu MHz\t\t: %lu.%03lu\n", brand, a & 0xf,
        tsc_khz / 1000, tsc_khz % 1000);
    add(t, "physical id\t: 0\nsiblings\t: %d\ncore id\t\t: %d\ncpu cores\t: %d\n", cpu_count,
        index, cpu_count);
    add(t, "apicid\t\t: %u\ninitial apicid\t: %u\n", cpus[index]->apic_id,
        cpus[index]->apic_id);
    add(t, "fpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: %u\nwp\t\t: yes\n", max_leaf);
    add(t, "bogomips\t: %lu.%02lu\nclflush size\t: 64\ncache_alignment\t: 64\n\n",
        tsc_khz * 2 / 1000, tsc_khz * 2 / 10 % 100);
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
    case NODE_FRAMES:
        generate_frames(t);
        break;
    case NODE_VERSION:
        add(t, "nest version 0.1 (x86_64): a teaching kernel\n");
        break;
    case NODE_CPU_STAT:
        generate_cpu_stat(t);
        break;
    case NODE_FILESYSTEMS:
        add(t, "nodev\tproc\nnodev\ttmpfs\nnodev\tramfs\n");
        break;
    case NODE_NS_LAST_PID:
        add(t, "%d\n", reader_ns()->last_pid);
        break;
    case NODE_PID_MAX:
        add(t, "%d\n", reader_ns()->pid_max);
        break;
    case NODE_OSRELEASE:
        add(t, "%s\n", UTS_RELEASE);
        break;
    case NODE_OSTYPE:
        add(t, "%s\n", UTS_SYSNAME);
        break;
    case NODE_HOSTNAME:
        add(t, "%s\n", UTS_NODENAME);
        break;
    case NODE_STAT:
        generate_stat(p, node->view, t);
        break;
    case NODE_STATM:
        generate_statm(p, t);
        break;
    case NODE_STATUS:
        generate_status(p, node->view, t);
        break;
    case NODE_COMM:
        add(t, "%s\n", p->name);
        break;
    case NODE_MOUNTS:
        if (p->mnt_ns)
            t->length = mnt_ns_show(p->mnt_ns, t->buf, t->size);
        break;
    default:
        return -EINVAL;
    }
    return 0;
}

/* ---- open files of /proc ---- */

/* The text is made by the first read from offset 0 and kept with the open file, so reading
 * it to the end (several read calls) formats it once; a read from 0 again refreshes it. */
static ssize_t text_read(struct file *file, void *buf, size_t n, uint64_t *offset, copy_fn copy)
{
    struct text *t = file->data;
    if (!t || *offset == 0) {
        if (!t) {
            t = kzalloc(sizeof(*t));
            char *buf = t ? kmalloc(PAGE_SIZE) : NULL;
            if (!buf) {
                kfree(t);
                return -ENOMEM;
            }
            *t = (struct text){buf, PAGE_SIZE, 0};
            file->data = t;
        }
        t->length = 0;
        int error = generate(file->inode->data, t);
        if (error)
            return error;
    }
    if (*offset >= t->length)
        return 0;
    size_t length = MIN(n, t->length - *offset);
    if (copy(buf, t->buf + *offset, length))
        return -EFAULT;
    *offset += length;
    return (ssize_t)length;
}

/* The last descriptor of a text file is closed: free its kept text. */
static void text_release(struct file *file)
{
    struct text *t = file->data;
    if (t)
        kfree(t->buf);
    kfree(t);
}

/* /proc/cpuinfo: a block per online CPU, formatted afresh by every read up to the offset,
 * since the blocks of many CPUs do not fit in the one page a text file has. They never
 * change, so reads in pieces fit together. */
static ssize_t cpuinfo_read(struct file *file, void *buf, size_t n, uint64_t *offset,
                            copy_fn copy)
{
    (void)file;
    char block[768];
    uint64_t block_start = 0;
    size_t copied = 0;
    for (int i = 0; i < cpu_count && copied < n; i++) {
        struct text t = {block, sizeof(block), 0};
        add_cpuinfo_block(&t, i);
        uint64_t block_end = block_start + t.length;
        if (*offset < block_end) {
            size_t from = *offset - block_start, count = MIN(n - copied, t.length - from);
            if (copy((char *)buf + copied, block + from, count))
                return -EFAULT;
            copied += count;
            *offset += count;
        }
        block_start = block_end;
    }
    return (ssize_t)copied;
}

/* /proc/N/cmdline and environ: the argument or environment strings, straight from the
 * process's memory (pages not present read as the end). */
static ssize_t memory_read(struct file *file, void *buf, size_t n, uint64_t *offset,
                           copy_fn copy)
{
    struct proc_node *node = file->inode->data;
    struct proc *p = node_process(node);
    struct mm *mm = p ? live_mm(p) : NULL;
    if (!p)
        return -ESRCH;
    if (!mm)
        return 0;
    uint64_t start = node->kind == NODE_CMDLINE ? mm->arg_start : mm->env_start;
    uint64_t end = node->kind == NODE_CMDLINE ? mm->arg_end : mm->env_end;
    if (*offset >= end - start)
        return 0;
    char *strings = kmalloc(PAGE_SIZE);
    if (!strings)
        return -ENOMEM;
    size_t wanted = MIN(MIN(n, (size_t)PAGE_SIZE), end - start - *offset);
    size_t got = vm_read(mm, start + *offset, strings, wanted);
    ssize_t result = copy(buf, strings, got) ? -EFAULT : (ssize_t)got;
    kfree(strings);
    if (result > 0)
        *offset += (uint64_t)result;
    return result;
}

/* /proc/N/auxv: the auxiliary vector exec gave the program, AT_NULL included (binary). */
static ssize_t auxv_read(struct file *file, void *buf, size_t n, uint64_t *offset, copy_fn copy)
{
    struct proc *p = node_process(file->inode->data);
    struct mm *mm = p ? live_mm(p) : NULL;
    if (!p)
        return -ESRCH;
    size_t words = 0;
    while (mm && words + 2 < MM_AUXV_WORDS && mm->saved_auxv[words] != 0)
        words += 2;
    size_t size = mm ? (words + 2) * sizeof(uint64_t) : 0;
    if (*offset >= size)
        return 0;
    size_t count = MIN(n, size - *offset);
    if (copy(buf, (const char *)mm->saved_auxv + *offset, count))
        return -EFAULT;
    *offset += count;
    return (ssize_t)count;
}

static const struct file_ops auxv_ops = {
    .read = auxv_read,
    .lseek = generic_file_lseek,
};

/* Writing a number to ns_last_pid sets the reader's namespace's allocation cursor: the
 * next process there gets the number after it (CRIU's trick; root only, and all are root). */
static ssize_t ns_last_pid_write(struct file *file, const void *buf, size_t n,
                                 uint64_t *offset, copy_fn copy)
{
    (void)file, (void)offset;
    char text[24];
    if (n == 0 || n >= sizeof(text))
        return -EINVAL;
    if (copy(text, buf, n))
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
    .release = text_release,
};

static const struct file_ops memory_ops = {
    .read = memory_read,
    .lseek = generic_file_lseek,
};

static const struct file_ops cpuinfo_ops = {
    .read = cpuinfo_read,
    .lseek = generic_file_lseek,
};

static const struct file_ops ns_last_pid_ops = {
    .read = text_read,
    .write = ns_last_pid_write,
    .lseek = generic_file_lseek,
    .release = text_release,
};

/* An open namespace (from /proc/N/ns/pid or mnt) is only a handle for setns: reading it is
 * EINVAL, as in Linux, which is what empty ops give. */
static const struct file_ops namespace_file_ops = {
    .read = NULL,
};

/* The node behind descriptor fd if it is an open namespace of the given kind, else NULL.
 * No reference is kept: the descriptor holds the file through the system call. */
static struct proc_node *namespace_node(int fd, enum node_kind kind)
{
    struct file *file = fd_get(fd);
    if (!file)
        return NULL;
    struct proc_node *node = file->inode->data;
    bool match = file->inode->dev == NSFS_DEV && node->kind == kind;
    file_put(file);
    return match ? node : NULL;
}

/* See fs.h: the namespace behind a descriptor opened on /proc/N/ns/pid. */
struct pid_ns *file_pid_ns(int fd)
{
    struct proc_node *node = namespace_node(fd, NODE_PID_NS);
    return node ? node->pid_ns : NULL;
}

/* See fs.h: the namespace behind a descriptor opened on /proc/N/ns/mnt. */
struct mnt_ns *file_mnt_ns(int fd)
{
    struct proc_node *node = namespace_node(fd, NODE_MNT_NS);
    return node ? node->mnt_ns : NULL;
}

/* See fs.h: is inode one of procfs's own (made anew by each lookup)? */
bool procfs_owns(const struct inode *inode)
{
    return inode->ops == &procfs_ops || inode->ops == &magic_link_ops;
}

/* See fs.h: a new procfs instance (mount -t proc) showing the PID namespace ns. */
struct inode *procfs_create(struct pid_ns *ns)
{
    struct inode *root = node_inode(NODE_ROOT, S_IFDIR | 0555, NULL, NULL, ns);
    if (root)
        root->dev = anon_dev_alloc();
    return root;
}

/* Make /proc at boot: the first instance, showing the root PID namespace, mounted on /proc
 * of the first mount namespace (the initramfs has the directory too; it is kept). */
void procfs_init(void)
{
    vfs_mkdir(vfs_root(), "proc", 0555);
    int error = do_mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME);
    if (error)
        printk(KERN_ERR "procfs: cannot mount /proc: error %d\n", error);
}
