/* mount.c - mounts and mount namespaces: which file system shows at which directory.
 *
 * A mount namespace (struct mnt_ns) is a list of mounts, each putting the root directory of a
 * file-system instance (a procfs for one PID namespace, a tmpfs) over a directory. Every
 * process belongs to one; unshare/clone with CLONE_NEWNS give it a private copy, so mounts made
 * afterwards are seen by it alone. Path lookup (vfs.c) asks mount_cross() when it steps into a
 * directory and mount_climb() when ".." leaves a mounted root. All mounts are private: nest
 * accepts the propagation flags but never propagates a mount to another namespace.
 */
#include "fs.h"
#include "list.h"
#include "mm.h"
#include "pid.h"
#include "printk.h"
#include "proc.h"
#include "string.h"

/* One file system attached at one place of one namespace. */
struct mount {
    struct list_head link;    /* in ns->mounts, oldest first */
    struct inode *root;       /* the mounted root directory (a reference) */
    struct inode *mountpoint; /* the directory it covers (a reference); NULL for "/" */
    char *path;               /* where, as /proc/PID/mounts shows it (kmalloc'd) */
    char source[32];          /* mount(2)'s source, as given ("proc", "none"...) */
    char type[16];            /* "rootfs", "proc" or "tmpfs" */
    unsigned long flags;      /* the MS_* per-mount flags it was mounted with */
};

static struct mnt_ns init_mnt_ns;
static struct list_head all_mnt_ns = LIST_HEAD_INIT(all_mnt_ns); /* every namespace */
static uint32_t next_anon_minor = 16; /* anonymous device numbers handed out so far */

/* A device number of its own for a new file-system instance (as Linux's anonymous devices). */
uint32_t anon_dev_alloc(void)
{
    return MKDEV(0, next_anon_minor++);
}

/* The namespace the current process resolves paths in; at boot, before any process, the
 * first one. */
struct mnt_ns *current_mnt_ns(void)
{
    struct proc *p = current_proc();
    return p && p->mnt_ns ? p->mnt_ns : &init_mnt_ns;
}

struct mnt_ns *mnt_ns_initial(void) { return &init_mnt_ns; }

/* ---- building and freeing ---- */

/* A new mount of root over mountpoint (NULL for "/"), shown at path. NULL without memory. */
static struct mount *mount_alloc(struct inode *root, struct inode *mountpoint, const char *path,
                                 const char *source, const char *type, unsigned long flags)
{
    struct mount *m = kzalloc(sizeof(*m));
    size_t length = strlen(path) + 1;
    char *copy = kmalloc(length);
    if (!m || !copy) {
        kfree(m);
        kfree(copy);
        return NULL;
    }
    memcpy(copy, path, length);
    m->path = copy;
    m->root = inode_get(root);
    m->mountpoint = mountpoint ? inode_get(mountpoint) : NULL;
    strlcpy(m->source, source, sizeof(m->source));
    strlcpy(m->type, type, sizeof(m->type));
    m->flags = flags;
    return m;
}

/* Put a new mount at the end of ns's list. */
static void mount_add(struct mnt_ns *ns, struct mount *m)
{
    list_add_tail(&m->link, &ns->mounts);
    ns->mount_count++;
}

/* Is root shown by a mount of any namespace? */
static bool still_mounted(const struct inode *root)
{
    struct mnt_ns *ns;
    struct mount *m;
    list_for_each_entry(ns, &all_mnt_ns, link)
        list_for_each_entry(m, &ns->mounts, link)
            if (m->root == root)
                return true;
    return false;
}

/* Take a mount out of ns and free it. */
static void mount_free(struct mnt_ns *ns, struct mount *m)
{
    list_del(&m->link);
    ns->mount_count--;
    if (m->mountpoint)
        inode_put(m->mountpoint);
    if (strcmp(m->type, "tmpfs") == 0 && !still_mounted(m->root))
        ramfs_clear(m->root); /* mounted nowhere any more: its files go, as on Linux */
    inode_put(m->root);
    kfree(m->path);
    kfree(m);
}

/* The first namespace, holding only "/" (vfs_init; the initial /proc is mounted after). */
void mount_init(struct inode *root)
{
    list_init(&init_mnt_ns.mounts);
    init_mnt_ns.refcount = 1; /* never freed */
    init_mnt_ns.inum = INIT_MNT_NS_INUM;
    list_add_tail(&init_mnt_ns.link, &all_mnt_ns);
    struct mount *m = mount_alloc(root, NULL, "/", "rootfs", "rootfs", 0);
    if (!m)
        panic("mount: no memory for the root");
    mount_add(&init_mnt_ns, m);
}

void mnt_ns_get(struct mnt_ns *ns) { ns->refcount++; }

/* Drop a reference; the last one unmounts everything in the namespace. */
void mnt_ns_put(struct mnt_ns *ns)
{
    if (!ns || --ns->refcount > 0)
        return;
    list_del(&ns->link); /* first: its mounts no longer count as mounted */
    while (!list_empty(&ns->mounts))
        mount_free(ns, list_first_entry(&ns->mounts, struct mount, link));
    kfree(ns);
}

/* unshare/clone(CLONE_NEWNS): a new namespace with the same mounts as old, in the same order.
 * NULL when memory ran out. */
struct mnt_ns *mnt_ns_copy(struct mnt_ns *old)
{
    struct mnt_ns *ns = kzalloc(sizeof(*ns));
    if (!ns)
        return NULL;
    ns->refcount = 1;
    ns->inum = ns_inum_alloc();
    list_init(&ns->mounts);
    list_add_tail(&ns->link, &all_mnt_ns);
    struct mount *m;
    list_for_each_entry(m, &old->mounts, link) {
        struct mount *copy =
            mount_alloc(m->root, m->mountpoint, m->path, m->source, m->type, m->flags);
        if (!copy) {
            mnt_ns_put(ns);
            return NULL;
        }
        mount_add(ns, copy);
    }
    return ns;
}

/* ---- what path lookup asks ---- */

/* The newest mount of ns over dir, or NULL. */
static struct mount *mount_over(struct mnt_ns *ns, const struct inode *dir)
{
    struct mount *m, *found = NULL;
    list_for_each_entry(m, &ns->mounts, link)
        if (m->mountpoint == dir)
            found = m;
    return found;
}

/* The mount of ns whose root is dir, or NULL. */
static struct mount *mount_rooted_at(struct mnt_ns *ns, const struct inode *dir)
{
    struct mount *m;
    list_for_each_entry(m, &ns->mounts, link)
        if (m->root == dir)
            return m;
    return NULL;
}

/* See fs.h: what a walk that reached dir really enters. */
struct inode *mount_cross(struct inode *dir)
{
    struct mount *m;
    while ((m = mount_over(current_mnt_ns(), dir))) {
        struct inode *root = inode_get(m->root);
        inode_put(dir);
        dir = root;
    }
    return dir;
}

/* See fs.h: the directory whose ".." a mounted root's ".." is. */
struct inode *mount_climb(struct inode *dir)
{
    struct mount *m;
    while (!dir->parent && dir != vfs_root() && (m = mount_rooted_at(current_mnt_ns(), dir)) &&
           m->mountpoint)
        dir = m->mountpoint;
    return dir;
}

/* ---- mount(2) and umount2(2) ---- */

/* The mount whose root target (a kernel path) names, in the current namespace; -EINVAL if
 * target is not the root of a mount. On success *out is that mount. */
static int find_mount_root(const char *target, bool follow, struct mount **out)
{
    struct inode *dir;
    int error = vfs_lookup_at(NULL, target, follow ? LOOKUP_FOLLOW : 0, &dir);
    if (error)
        return error;
    *out = mount_rooted_at(current_mnt_ns(), dir);
    inode_put(dir);
    return *out ? 0 : -EINVAL;
}

/* A new instance of file system type, for the current process: its root directory. */
static int make_instance(const char *type, struct inode **out)
{
    if (strcmp(type, "proc") == 0)
        *out = procfs_create(proc_pid_ns(current_proc()));
    else if (strcmp(type, "tmpfs") == 0)
        *out = ramfs_create_root(anon_dev_alloc(), 01777);
    else
        return -ENODEV;
    return *out ? 0 : -ENOMEM;
}

/* Attach a new instance of type over the directory target. */
static int mount_new(const char *source, const char *target, const char *type,
                     unsigned long flags)
{
    struct inode *dir;
    int error = vfs_lookup_at(NULL, target, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &dir);
    if (error)
        return error;
    char *path = kmalloc(PATH_MAX);
    struct inode *root = NULL;
    if (!path)
        error = -ENOMEM;
    else if (current_mnt_ns()->mount_count >= MOUNTS_MAX)
        error = -ENOSPC;
    else if (dir == vfs_root())
        error = -EINVAL; /* nest does not mount over "/" */
    else if (procfs_owns(dir) && dir->parent)
        error = -EINVAL; /* a directory inside /proc is a new inode at every lookup */
    if (!error)
        error = vfs_path_of(dir, path, PATH_MAX) < 0 ? -ENOENT : 0;
    if (!error)
        error = make_instance(type, &root);
    struct mount *m = NULL;
    if (!error) {
        m = mount_alloc(root, dir, path, source, type, flags & MS_PER_MOUNT);
        error = m ? 0 : -ENOMEM;
    }
    if (m)
        mount_add(current_mnt_ns(), m);
    if (root)
        inode_put(root);
    kfree(path);
    inode_put(dir);
    return error;
}

/* See fs.h: mount(2) with kernel strings (type NULL when the user gave none). */
int do_mount(const char *source, const char *target, const char *type, unsigned long flags)
{
    if ((flags & MS_MGC_MASK) == MS_MGC_VAL)
        flags &= ~MS_MGC_MASK; /* the old magic number in the top half means nothing */
    flags &= ~MS_SILENT;
    struct mount *m;
    if (flags & MS_REMOUNT) { /* with or without MS_BIND: new per-mount flags */
        if (flags & ~(MS_PER_MOUNT | MS_REMOUNT | MS_BIND))
            return -EINVAL;
        int error = find_mount_root(target, true, &m);
        if (!error)
            m->flags = flags & MS_PER_MOUNT;
        return error;
    }
    if (flags & (MS_BIND | MS_MOVE | MS_RDONLY))
        return -EINVAL; /* not in nest; read-only mounts would need enforcing everywhere */
    unsigned long propagation = flags & (MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE);
    if (propagation) {
        /* exactly one propagation type, perhaps with MS_REC, on the root of a mount (the
         * per-mount flags are ignored, as Linux does) */
        unsigned long type_bits = flags & ~(MS_PER_MOUNT | MS_REC);
        if (type_bits != propagation || (propagation & (propagation - 1)))
            return -EINVAL;
        return find_mount_root(target, true, &m);
    }
    if (flags & ~MS_PER_MOUNT)
        return -EINVAL;
    if (!type)
        return -EINVAL;
    return mount_new(source ? source : "none", target, type, flags);
}

/* Does any mount of ns sit inside the file system of m (so m cannot go)? */
static bool has_submounts(struct mnt_ns *ns, const struct mount *m)
{
    struct mount *other;
    list_for_each_entry(other, &ns->mounts, link)
        if (other->mountpoint && other->mountpoint->dev == m->root->dev && other != m)
            return true;
    return false;
}

/* See fs.h: umount2(2) with a kernel path. Open files and working directories inside the
 * file system keep it alive after it is detached (as MNT_DETACH does on Linux). */
int do_umount(const char *target, int flags)
{
    if (flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
        return -EINVAL;
    if ((flags & MNT_EXPIRE) && (flags & (MNT_FORCE | MNT_DETACH)))
        return -EINVAL;
    struct mount *m;
    int error = find_mount_root(target, !(flags & UMOUNT_NOFOLLOW), &m);
    if (error)
        return error;
    if (!m->mountpoint)
        return flags & MNT_DETACH ? -EINVAL : -EBUSY; /* "/" stays */
    if (flags & MNT_EXPIRE)
        return -EAGAIN; /* marked for expiry; a second call would unmount an unused one */
    if (has_submounts(current_mnt_ns(), m))
        return -EBUSY;
    mount_free(current_mnt_ns(), m);
    return 0;
}

/* ---- /proc/PID/mounts ---- */

/* One mount's options, as Linux spells them. */
static void mount_options(const struct mount *m, char *buf, size_t size)
{
    snprintf(buf, size, "rw%s%s%s%s", m->flags & MS_NOSUID ? ",nosuid" : "",
             m->flags & MS_NODEV ? ",nodev" : "", m->flags & MS_NOEXEC ? ",noexec" : "",
             m->flags & MS_NOATIME ? ",noatime" : ",relatime");
}

/* See fs.h: the mounts of ns, one "source path type options 0 0" line each. */
size_t mnt_ns_show(struct mnt_ns *ns, char *buf, size_t size)
{
    size_t length = 0;
    struct mount *m;
    list_for_each_entry(m, &ns->mounts, link) {
        char options[64];
        mount_options(m, options, sizeof(options));
        int n = snprintf(buf + length, size - length, "%s %s %s %s 0 0\n", m->source, m->path,
                         m->type, options);
        length = MIN(length + (size_t)n, size - 1);
    }
    return length;
}
