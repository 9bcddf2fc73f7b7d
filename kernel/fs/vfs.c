/* vfs.c - the virtual file system: inodes, path lookup and the changes to the tree.
 *
 * The VFS knows no file system's insides: it walks paths with struct inode_ops (ramfs.c,
 * procfs.c) and applies Linux's rules for each operation before it asks the file system.
 * Open files and descriptor tables are in file.c. The system calls (kernel/syscall/fs.c)
 * and the initramfs unpacker (cpio.c) call in here.
 */
#include "fs.h"
#include "arch.h"
#include "mm.h"
#include "proc.h"
#include "string.h"
#include "uaccess.h"

static struct inode *root;   /* "/": the ramfs root, for ever, in every mount namespace */
static uint64_t next_ino = 1; /* inode numbers handed out so far */

/* ---- time ---- */

/* Wall-clock time: the CMOS clock's reading at boot plus the monotonic clock. */
void fs_current_time(struct timespec *ts)
{
    uint64_t ns = clock_monotonic_ns();
    ts->tv_sec = (int64_t)(boot_epoch_seconds + ns / 1000000000);
    ts->tv_nsec = (int64_t)(ns % 1000000000);
}

/* A memcpy with copy_fn's shape, for data that stays in the kernel. */
int copy_kernel(void *dst, const void *src, size_t n)
{
    memcpy(dst, src, n);
    return 0;
}

/* ---- inodes ---- */

/* A new inode with one reference, the next inode number and all times set to now. */
struct inode *inode_alloc(mode_t mode, uint32_t dev, const struct inode_ops *ops)
{
    struct inode *inode = kzalloc(sizeof(*inode));
    if (!inode)
        return NULL;
    inode->refcount = 1;
    inode->ino = next_ino++;
    inode->dev = dev;
    inode->mode = mode;
    inode->nlink = 1;
    inode->ops = ops;
    fs_current_time(&inode->mtime);
    inode->atime = inode->ctime = inode->mtime;
    return inode;
}

/* One more holder of an inode. */
struct inode *inode_get(struct inode *inode)
{
    inode->refcount++;
    return inode;
}

/* Drop a reference; the last one frees the inode and its file system data. */
void inode_put(struct inode *inode)
{
    if (!inode || --inode->refcount > 0)
        return;
    if (inode->ops && inode->ops->release)
        inode->ops->release(inode);
    if (inode->parent)
        inode_put(inode->parent);
    kfree(inode);
}

/* Read file data into a kernel buffer: bytes read (0 at the end) or -errno. */
/* The physical frame holding page index of a file's data, if its file system keeps the data
 * in frames (ramfs does): the page-cache page that file mappings share. 0 otherwise. */
uint64_t inode_page_frame(struct inode *inode, uint64_t index, bool allocate)
{
    return inode->ops->page_frame ? inode->ops->page_frame(inode, index, allocate) : 0;
}

ssize_t inode_read(struct inode *inode, void *buf, size_t n, uint64_t offset)
{
    if (S_ISDIR(inode->mode))
        return -EISDIR;
    if (!inode->ops->read)
        return -EINVAL;
    return inode->ops->read(inode, buf, n, offset, copy_kernel);
}

/* Write file data from a kernel buffer (the initramfs): bytes written or -errno. */
ssize_t inode_write(struct inode *inode, const void *buf, size_t n, uint64_t offset)
{
    if (!inode->ops->write)
        return -EINVAL;
    return inode->ops->write(inode, buf, n, offset, copy_kernel);
}

uint64_t inode_size(const struct inode *inode) { return inode->size; }

mode_t inode_mode(const struct inode *inode) { return inode->mode; }

void inode_changed(struct inode *inode) { fs_current_time(&inode->ctime); }

/* Fill a struct stat. Everyone is root, so every file belongs to uid 0, gid 0. */
void inode_stat(const struct inode *inode, struct stat *st)
{
    memset(st, 0, sizeof(*st));
    st->st_dev = inode->dev;
    st->st_ino = inode->ino;
    st->st_nlink = inode->nlink;
    st->st_mode = inode->mode;
    st->st_uid = inode->uid;
    st->st_gid = inode->gid;
    st->st_rdev = inode->rdev;
    st->st_size = (int64_t)inode->size;
    st->st_blksize = PAGE_SIZE;
    st->st_blocks = (int64_t)(ALIGN_UP(inode->size, PAGE_SIZE) / 512);
    st->st_atim = inode->atime;
    st->st_mtim = inode->mtime;
    st->st_ctim = inode->ctime;
}

struct inode *vfs_root(void) { return root; }

/* See fs.h: where relative paths start for the current process. */
struct inode *vfs_cwd(void)
{
    struct proc *p = current_proc();
    return p && p->cwd ? p->cwd : root;
}

/* ---- path lookup ---- */

static bool is_dot(const char *name, size_t length) { return length == 1 && name[0] == '.'; }

/* Is the component ".."? */
static bool is_dot_dot(const char *name, size_t length)
{
    return length == 2 && name[0] == '.' && name[1] == '.';
}

/* A directory that has been removed keeps working for its holders, but holds nothing. */
static bool dir_is_dead(const struct inode *dir) { return dir->nlink == 0; }

/* One step of a walk: the entry name (not NUL-terminated) of dir, with "." and "..". */
static int lookup_child(struct inode *dir, const char *name, size_t length, struct inode **out)
{
    if (!S_ISDIR(dir->mode))
        return -ENOTDIR;
    if (length > NAME_MAX)
        return -ENAMETOOLONG;
    if (is_dot(name, length)) {
        *out = inode_get(dir);
        return 0;
    }
    if (is_dot_dot(name, length)) {
        dir = mount_climb(dir); /* out of a mounted file system, into the one beneath */
        *out = inode_get(dir->parent ? dir->parent : dir);
        return 0;
    }
    if (!dir->ops->lookup || dir_is_dead(dir))
        return -ENOENT;
    int error = dir->ops->lookup(dir, name, length, out);
    if (!error)
        *out = mount_cross(*out);
    return error;
}

static int walk(struct inode *dir, const char *path, size_t length, bool follow_last, int *links,
                struct inode **out);

/* A symlink's text, in a new PATH_MAX buffer (kfree it), NUL-terminated; NULL and *error. */
static char *read_link_text(struct inode *link, int *error)
{
    char *text = kmalloc(PATH_MAX);
    if (!text) {
        *error = -ENOMEM;
        return NULL;
    }
    int length = link->ops->readlink ? link->ops->readlink(link, text, PATH_MAX - 1) : -EINVAL;
    if (length <= 0) {
        *error = length < 0 ? length : -ENOENT; /* an empty target names nothing */
        kfree(text);
        return NULL;
    }
    text[length] = 0;
    return text;
}

/* Replace *link (a symlink found in dir) by what it points to. Consumes the reference on
 * *link; the rule "at most SYMLINK_MAX links per lookup" is enforced here. */
static int follow_link(struct inode *dir, struct inode **link, int *links)
{
    struct inode *symlink = *link;
    struct inode *target = NULL;
    int error = 0;
    if (++*links > SYMLINK_MAX) {
        error = -ELOOP;
    } else if (symlink->ops->follow) {
        error = symlink->ops->follow(symlink, &target);
    } else {
        char *text = read_link_text(symlink, &error);
        if (text) {
            error = walk(dir, text, strlen(text), true, links, &target);
            kfree(text);
        }
    }
    inode_put(symlink);
    *link = target;
    return error;
}

/* Resolve path[0, length) from dir (or the root for an absolute path), following symlinks
 * in every component and, if follow_last, in the last one. A trailing slash asks for a
 * directory. *links counts symlinks across nested walks. */
static int walk(struct inode *dir, const char *path, size_t length, bool follow_last, int *links,
                struct inode **out)
{
    struct inode *current = inode_get(length > 0 && path[0] == '/' ? root : dir);
    size_t i = 0;
    for (;;) {
        while (i < length && path[i] == '/')
            i++;
        if (i == length) {
            *out = current;
            return 0;
        }
        size_t start = i;
        while (i < length && path[i] != '/')
            i++;
        size_t rest = i;
        while (rest < length && path[rest] == '/')
            rest++;
        bool last = rest == length;
        bool trailing_slash = last && i < length;

        struct inode *next = NULL;
        int error = lookup_child(current, path + start, i - start, &next);
        if (!error && S_ISLNK(next->mode) && (!last || follow_last || trailing_slash))
            error = follow_link(current, &next, links);
        if (!error && trailing_slash && !S_ISDIR(next->mode)) {
            inode_put(next);
            error = -ENOTDIR;
        }
        inode_put(current);
        if (error)
            return error;
        current = next;
    }
}

/* Check a kernel path's length: 0, -ENOENT for "", -ENAMETOOLONG past PATH_MAX. */
static int check_path(const char *path, size_t *length)
{
    *length = strnlen(path, PATH_MAX);
    if (*length == PATH_MAX)
        return -ENAMETOOLONG;
    return *length == 0 ? -ENOENT : 0;
}

/* See fs.h: the inode path names, with LOOKUP_FOLLOW and LOOKUP_DIRECTORY. */
int vfs_lookup_at(struct inode *start, const char *path, int flags, struct inode **out)
{
    size_t length;
    int error = check_path(path, &length);
    if (error)
        return error;
    int links = 0;
    error = walk(start ? start : vfs_cwd(), path, length, flags & LOOKUP_FOLLOW, &links, out);
    if (!error && (flags & LOOKUP_DIRECTORY) && !S_ISDIR((*out)->mode)) {
        inode_put(*out);
        return -ENOTDIR;
    }
    return error;
}

/* The contract's lookup: relative to the cwd. */
int vfs_lookup(const char *path, bool follow_last, struct inode **out)
{
    return vfs_lookup_at(NULL, path, follow_last ? LOOKUP_FOLLOW : 0, out);
}

/* The directory holding a path's last component, and that component. */
struct parent_walk {
    struct inode *dir;       /* a reference */
    char name[NAME_MAX + 1]; /* "." for an all-slash path such as "/" */
    bool trailing_slash;     /* the path ended in '/' */
    bool only_slashes;       /* the path was "/", "//"... */
};

/* Resolve everything but the last component of path (which need not exist). */
static int walk_parent(struct inode *start, const char *path, int *links, struct parent_walk *last)
{
    size_t length;
    int error = check_path(path, &length);
    if (error)
        return error;
    size_t end = length;
    while (end > 0 && path[end - 1] == '/')
        end--;
    size_t begin = end;
    while (begin > 0 && path[begin - 1] != '/')
        begin--;
    last->trailing_slash = end < length;
    last->only_slashes = end == 0;
    if (end - begin > NAME_MAX)
        return -ENAMETOOLONG;
    if (last->only_slashes) {
        strlcpy(last->name, ".", sizeof(last->name));
        last->dir = inode_get(root);
        return 0;
    }
    memcpy(last->name, path + begin, end - begin);
    last->name[end - begin] = 0;
    if (!start)
        start = vfs_cwd();
    if (begin > 0)
        return walk(start, path, begin, true, links, &last->dir);
    if (!S_ISDIR(start->mode))
        return -ENOTDIR;
    last->dir = inode_get(start);
    return 0;
}

/* Look the last component up in its directory, without following a symlink. */
static int lookup_last(struct parent_walk *last, struct inode **out)
{
    return lookup_child(last->dir, last->name, strlen(last->name), out);
}

/* Is the last component "." or ".." (never created or removed)? */
static bool last_is_dot_or_dot_dot(const struct parent_walk *last)
{
    size_t length = strlen(last->name);
    return is_dot(last->name, length) || is_dot_dot(last->name, length);
}

/* Resolve the parent of a name about to be created: -EEXIST if it exists (even as a dangling
 * symlink), -ENOENT for a new non-directory name with a trailing slash, like Linux. */
static int walk_new_name(struct inode *start, const char *path, bool directory,
                         struct parent_walk *last)
{
    int links = 0;
    int error = walk_parent(start, path, &links, last);
    if (error)
        return error;
    struct inode *existing;
    error = lookup_last(last, &existing);
    if (!error) {
        inode_put(existing);
        error = -EEXIST;
    } else if (error == -ENOENT) {
        error = last->trailing_slash && !directory ? -ENOENT : 0;
        if (dir_is_dead(last->dir))
            error = -ENOENT;
    }
    if (error)
        inode_put(last->dir);
    return error;
}

/* ---- changing the tree ---- */

/* Create a new inode in last->dir; the caller has checked the name is free. */
static int create_in(struct parent_walk *last, mode_t mode, uint32_t rdev, struct inode **out)
{
    struct inode *dir = last->dir;
    if (!dir->ops->create)
        return -EPERM;
    struct inode *inode;
    int error = dir->ops->create(dir, last->name, mode, rdev, &inode);
    if (error)
        return error;
    if (out)
        *out = inode;
    else
        inode_put(inode);
    return 0;
}

/* mkdir(2) on a kernel path; mode is final (the caller applied the umask). */
int vfs_mkdir(struct inode *start, const char *path, mode_t mode)
{
    struct parent_walk last;
    int error = walk_new_name(start, path, true, &last);
    if (error)
        return error;
    error = create_in(&last, S_IFDIR | (mode & 07777), 0, NULL);
    inode_put(last.dir);
    return error;
}

/* Make a file of any type but symlink: a device node, a FIFO, a regular file (the initramfs). */
int vfs_mknod(struct inode *start, const char *path, mode_t mode, uint32_t rdev)
{
    struct parent_walk last;
    int error = walk_new_name(start, path, S_ISDIR(mode), &last);
    if (error)
        return error;
    error = create_in(&last, mode, rdev, NULL);
    inode_put(last.dir);
    return error;
}

/* symlink(2): a new symlink at path holding target. */
int vfs_symlink(struct inode *start, const char *target, const char *path)
{
    size_t length;
    int error = check_path(target, &length);
    if (error)
        return error;
    struct parent_walk last;
    error = walk_new_name(start, path, false, &last);
    if (error)
        return error;
    struct inode *dir = last.dir;
    error = dir->ops->symlink ? dir->ops->symlink(dir, last.name, target) : -EPERM;
    inode_put(dir);
    return error;
}

/* A new name (path) for inode, an existing non-directory, in the same file system. */
int vfs_link(struct inode *inode, struct inode *start, const char *path)
{
    if (S_ISDIR(inode->mode))
        return -EPERM;
    struct parent_walk last;
    int error = walk_new_name(start, path, false, &last);
    if (error)
        return error;
    struct inode *dir = last.dir;
    if (dir->dev != inode->dev)
        error = -EXDEV;
    else
        error = dir->ops->link ? dir->ops->link(dir, last.name, inode) : -EPERM;
    inode_put(dir);
    return error;
}

/* Remove the entry last names, which is child. A mount point (the lookup gave the mounted
 * root, of another file system) is -EBUSY. */
static int remove_entry(struct parent_walk *last, struct inode *child)
{
    struct inode *dir = last->dir;
    if (child->dev != dir->dev)
        return -EBUSY;
    if (!dir->ops->remove)
        return -EPERM;
    return dir->ops->remove(dir, last->name);
}

/* unlink(2): remove a name that is not a directory. */
int vfs_unlink(struct inode *start, const char *path)
{
    struct parent_walk last;
    int links = 0;
    int error = walk_parent(start, path, &links, &last);
    if (error)
        return error;
    struct inode *child = NULL;
    if (last_is_dot_or_dot_dot(&last))
        error = -EISDIR;
    else
        error = lookup_last(&last, &child);
    if (!error && S_ISDIR(child->mode))
        error = -EISDIR;
    else if (!error && last.trailing_slash)
        error = -ENOTDIR;
    if (!error)
        error = remove_entry(&last, child);
    if (child)
        inode_put(child);
    inode_put(last.dir);
    return error;
}

/* rmdir(2): remove an empty directory. */
int vfs_rmdir(struct inode *start, const char *path)
{
    struct parent_walk last;
    int links = 0;
    int error = walk_parent(start, path, &links, &last);
    if (error)
        return error;
    struct inode *child = NULL;
    if (last.only_slashes)
        error = -EBUSY;
    else if (is_dot(last.name, strlen(last.name)))
        error = -EINVAL;
    else if (is_dot_dot(last.name, strlen(last.name)))
        error = -ENOTEMPTY;
    else
        error = lookup_last(&last, &child);
    if (!error && !S_ISDIR(child->mode))
        error = -ENOTDIR;
    else if (!error && child == root)
        error = -EBUSY;
    else if (!error && child->dev == last.dir->dev && !vfs_dir_is_empty(child))
        error = -ENOTEMPTY;
    if (!error)
        error = remove_entry(&last, child);
    if (child)
        inode_put(child);
    inode_put(last.dir);
    return error;
}

/* Is ancestor the directory dir or one of the directories above it? */
static bool is_ancestor(const struct inode *ancestor, const struct inode *dir)
{
    for (; dir; dir = dir->parent)
        if (dir == ancestor)
            return true;
    return false;
}

/* May the existing new_inode be replaced by old_inode? The rules of rename(2). */
static int check_replace(struct inode *old_inode, struct inode *new_inode, struct inode *new_dir)
{
    if (S_ISDIR(old_inode->mode) && !S_ISDIR(new_inode->mode))
        return -ENOTDIR;
    if (!S_ISDIR(old_inode->mode) && S_ISDIR(new_inode->mode))
        return -EISDIR;
    if (new_inode->dev != new_dir->dev)
        return -EBUSY;
    if (S_ISDIR(new_inode->mode) && !vfs_dir_is_empty(new_inode))
        return -ENOTEMPTY;
    return 0;
}

/* The checks of rename(2) once both parents are known; 1 when there is nothing to do. */
static int check_rename(struct parent_walk *old_last, struct parent_walk *new_last,
                        struct inode *old_inode, unsigned int flags)
{
    if (last_is_dot_or_dot_dot(new_last))
        return -EBUSY;
    if (old_last->trailing_slash && !S_ISDIR(old_inode->mode))
        return -ENOTDIR;
    if (old_inode->dev != old_last->dir->dev)
        return -EBUSY;
    if (old_last->dir->dev != new_last->dir->dev)
        return -EXDEV;
    if (S_ISDIR(old_inode->mode) && is_ancestor(old_inode, new_last->dir))
        return -EINVAL;
    struct inode *new_inode;
    int error = lookup_last(new_last, &new_inode);
    if (error == -ENOENT) {
        if (new_last->trailing_slash && !S_ISDIR(old_inode->mode))
            return -ENOTDIR;
        return dir_is_dead(new_last->dir) ? -ENOENT : 0;
    }
    if (error)
        return error;
    if (flags & RENAME_NOREPLACE)
        error = -EEXIST;
    else if (new_inode == old_inode)
        error = 1;
    else
        error = check_replace(old_inode, new_inode, new_last->dir);
    inode_put(new_inode);
    return error;
}

/* rename(2), renameat2 with RENAME_NOREPLACE. */
int vfs_rename(struct inode *old_start, const char *old_path, struct inode *new_start,
               const char *new_path, unsigned int flags)
{
    if (flags & ~RENAME_NOREPLACE)
        return -EINVAL;
    struct parent_walk old_last, new_last;
    int links = 0;
    int error = walk_parent(old_start, old_path, &links, &old_last);
    if (error)
        return error;
    links = 0;
    error = walk_parent(new_start, new_path, &links, &new_last);
    if (error) {
        inode_put(old_last.dir);
        return error;
    }
    struct inode *old_inode = NULL;
    if (old_last.only_slashes || last_is_dot_or_dot_dot(&old_last))
        error = -EBUSY;
    else
        error = lookup_last(&old_last, &old_inode);
    if (!error)
        error = check_rename(&old_last, &new_last, old_inode, flags);
    if (!error) {
        struct inode *dir = old_last.dir;
        error = dir->ops->rename ? dir->ops->rename(dir, old_last.name, new_last.dir, new_last.name)
                                 : -EPERM;
    }
    if (old_inode)
        inode_put(old_inode);
    inode_put(old_last.dir);
    inode_put(new_last.dir);
    return error > 0 ? 0 : error;
}

/* readlink(2): a symlink's text, not NUL-terminated. */
int vfs_readlink(struct inode *link, char *buf, size_t size)
{
    if (!S_ISLNK(link->mode) || !link->ops->readlink)
        return -EINVAL;
    return link->ops->readlink(link, buf, size);
}

/* A changed file loses set-user-ID (and set-group-ID with group execute), as in Linux: a
 * program someone edited must not keep its owner's powers. */
void inode_drop_set_id(struct inode *inode)
{
    mode_t set_id = S_ISUID | ((inode->mode & 0010) ? S_ISGID : 0);
    if (inode->mode & set_id) {
        inode->mode &= ~set_id;
        inode_changed(inode);
    }
}

/* Set a regular file's size, as truncate(2) does (the caller checked write access). */
int vfs_truncate(struct inode *inode, int64_t size)
{
    if (S_ISDIR(inode->mode))
        return -EISDIR;
    if (!S_ISREG(inode->mode) || size < 0)
        return -EINVAL;
    if (!inode->ops->truncate)
        return -EPERM;
    inode_drop_set_id(inode);
    return inode->ops->truncate(inode, (uint64_t)size);
}

/* ---- reading directories ---- */

/* What a readdir callback needs to answer a question about one directory. */
struct entry_search {
    uint64_t ino;             /* the entry sought (name_of_child), or 0 */
    char name[NAME_MAX + 1];  /* its name, once found */
    bool found;
};

/* readdir callback: stop at the first entry (vfs_dir_is_empty). */
static bool note_any_entry(void *context, const char *name, uint64_t ino, unsigned int type,
                           uint64_t next_position)
{
    (void)name, (void)ino, (void)type, (void)next_position;
    ((struct entry_search *)context)->found = true;
    return false;
}

/* Does dir hold nothing but "." and ".."? */
bool vfs_dir_is_empty(struct inode *dir)
{
    struct entry_search search = {.found = false};
    uint64_t position = 2;
    if (dir->ops->readdir)
        dir->ops->readdir(dir, &position, note_any_entry, &search);
    return !search.found;
}

/* readdir callback: remember the name of the entry with the inode number sought. */
static bool match_ino(void *context, const char *name, uint64_t ino, unsigned int type,
                      uint64_t next_position)
{
    (void)type, (void)next_position;
    struct entry_search *search = context;
    if (ino != search->ino)
        return true;
    strlcpy(search->name, name, sizeof(search->name));
    search->found = true;
    return false;
}

/* The name of directory child in its parent (inode numbers are unique across nest). */
static int name_of_child(struct inode *child, struct entry_search *search)
{
    struct inode *parent = child->parent;
    uint64_t position = 2;
    search->ino = child->ino;
    search->found = false;
    if (parent->ops->readdir)
        parent->ops->readdir(parent, &position, match_ino, search);
    return search->found ? 0 : -ENOENT;
}

/* The absolute path of directory dir into buf (getcwd): its length with the NUL, -ENOENT if
 * dir was removed, -ERANGE if size is too small. Built from the end, name by name. */
int vfs_path_of(struct inode *dir, char *buf, size_t size)
{
    if (dir_is_dead(dir))
        return -ENOENT;
    char *path = kmalloc(PATH_MAX);
    struct entry_search *search = kmalloc(sizeof(*search));
    int error = path && search ? 0 : -ENOMEM;
    size_t start = PATH_MAX - 1;
    if (path)
        path[start] = 0;
    while (!error && dir != root) {
        struct inode *under = mount_climb(dir);
        if (under != dir) { /* a mounted root has no name of its own: its mount point's */
            dir = under;
            continue;
        }
        if (!dir->parent)
            break; /* the root of a file system that is mounted nowhere here */
        error = name_of_child(dir, search);
        size_t length = strlen(search->name);
        if (!error && length + 1 > start)
            error = -ENAMETOOLONG;
        if (!error) {
            start -= length;
            memcpy(path + start, search->name, length);
            path[--start] = '/';
        }
        dir = dir->parent;
    }
    if (!error && start == PATH_MAX - 1)
        path[--start] = '/';
    size_t length = PATH_MAX - start; /* with the NUL */
    if (!error && length > size)
        error = -ERANGE;
    if (!error)
        memcpy(buf, path + start, length);
    kfree(path);
    kfree(search);
    return error ? error : (int)length;
}

/* See fs.h: path made absolute and tidied, without resolving symlinks. An absolute path
 * never grows when tidied, so it needs no more than its own length (opening /proc/N/stat
 * should not cost a page); a relative one starts from the directory's path. */
char *vfs_absolute_path(struct inode *start, const char *path)
{
    size_t size = path[0] == '/' ? strnlen(path, PATH_MAX - 1) + 1 : PATH_MAX;
    char *out = kmalloc(size);
    if (!out)
        return NULL;
    size_t used = 0;
    if (path[0] != '/') {
        int length = vfs_path_of(start ? start : vfs_cwd(), out, PATH_MAX);
        if (length < 0) {
            kfree(out);
            return NULL;
        }
        used = length == 2 ? 0 : (size_t)length - 1; /* "/" is the empty prefix */
    }
    for (const char *c = path; *c;) {
        while (*c == '/')
            c++;
        size_t length = 0;
        while (c[length] && c[length] != '/')
            length++;
        if (is_dot_dot(c, length)) {
            while (used > 0 && out[--used] != '/')
                ;
        } else if (length > 0 && !is_dot(c, length)) {
            if (used + 1 + length >= size) {
                kfree(out);
                return NULL;
            }
            out[used++] = '/';
            memcpy(out + used, c, length);
            used += length;
        }
        c += length;
    }
    if (used == 0)
        out[used++] = '/';
    out[used] = 0;
    if (size < PATH_MAX)
        return out;
    char *copy = kmalloc(used + 1);
    if (copy)
        memcpy(copy, out, used + 1);
    kfree(out);
    return copy;
}

/* Where getdents64 records go. */
struct dirent_buffer {
    char *buf;
    size_t size;
    size_t used;
    bool refused; /* an entry did not fit */
};

/* readdir callback: append one struct linux_dirent64. */
static bool put_dirent(void *context, const char *name, uint64_t ino, unsigned int type,
                       uint64_t next_position)
{
    struct dirent_buffer *out = context;
    size_t name_length = strlen(name);
    size_t record = ALIGN_UP(offsetof(struct linux_dirent64, d_name) + name_length + 1, 8);
    if (out->used + record > out->size) {
        out->refused = true;
        return false;
    }
    struct linux_dirent64 *d = (struct linux_dirent64 *)(out->buf + out->used);
    memset(d, 0, record);
    d->d_ino = ino;
    d->d_off = (int64_t)next_position;
    d->d_reclen = (uint16_t)record;
    d->d_type = (uint8_t)type;
    memcpy(d->d_name, name, name_length);
    out->used += record;
    return true;
}

/* Fill buf with directory entries from the file's position on: bytes used, 0 at the end,
 * -EINVAL if even the next entry does not fit. */
int vfs_getdents(struct file *dir_file, void *buf, size_t size)
{
    struct inode *dir = dir_file->inode;
    struct dirent_buffer out = {buf, size, 0, false};
    uint64_t position = dir_file->offset;
    if (position == 0 && put_dirent(&out, ".", dir->ino, S_IFDIR >> 12, 1))
        position = 1;
    struct inode *parent = dir->parent ? dir->parent : dir;
    if (position == 1 && put_dirent(&out, "..", parent->ino, S_IFDIR >> 12, 2))
        position = 2;
    if (position >= 2 && !out.refused && dir->ops->readdir && !dir_is_dead(dir)) {
        int error = dir->ops->readdir(dir, &position, put_dirent, &out);
        if (error)
            return error;
    }
    dir_file->offset = position;
    if (out.used == 0 && out.refused)
        return -EINVAL;
    return (int)out.used;
}

/* One round of open_or_create on the last component: 0 with *out set, -errno, or 1 with
 * *out a symlink that the caller follows. */
static int open_or_create_last(struct parent_walk *last, int flags, mode_t mode,
                               struct inode **out)
{
    if (last->trailing_slash)
        return -EISDIR;
    struct inode *inode;
    int error = lookup_last(last, &inode);
    if (error == -ENOENT) {
        if (dir_is_dead(last->dir))
            return -ENOENT;
        error = create_in(last, S_IFREG | (mode & 07777), 0, out);
        return error == -EPERM ? -EACCES : error;
    }
    if (error)
        return error;
    if (flags & O_EXCL)
        error = -EEXIST;
    else if (S_ISDIR(inode->mode))
        error = -EISDIR;
    *out = inode;
    if (!error && S_ISLNK(inode->mode) && !(flags & O_NOFOLLOW))
        return 1;
    if (error)
        inode_put(inode);
    return error;
}

/* open(O_CREAT): find the last component or create it as a regular file. A symlink in the
 * last place is followed (unless O_NOFOLLOW or O_EXCL), and a dangling one is created at its
 * target, as Linux does: each round of the loop resolves one such symlink. */
static int open_or_create(struct inode *start, const char *path, int flags, mode_t mode,
                          struct inode **out)
{
    struct parent_walk *last = kmalloc(sizeof(*last));
    if (!last)
        return -ENOMEM;
    char *text = NULL; /* the symlink target resolved in place of path */
    int links = 0;
    int error = walk_parent(start, path, &links, last);
    while (!error) {
        struct inode *dir = last->dir;
        struct inode *inode;
        error = open_or_create_last(last, flags, mode, &inode);
        if (error == 1 && (++links > SYMLINK_MAX || inode->ops->follow)) {
            struct inode *link = inode;
            error = links > SYMLINK_MAX ? -ELOOP : link->ops->follow(link, &inode);
            inode_put(link);
        }
        if (error != 1) {
            if (!error)
                *out = inode;
            inode_put(dir);
            break;
        }
        kfree(text);
        text = read_link_text(inode, &error);
        inode_put(inode);
        if (text)
            error = walk_parent(dir, text, &links, last);
        inode_put(dir);
    }
    kfree(text);
    kfree(last);
    return error;
}

/* The open flags nest understands; others give EINVAL rather than being ignored. */
#define OPEN_FLAGS_KNOWN                                                                       \
    (O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK | O_DSYNC |     \
     O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_SYNC | O_PATH)

/* open(2) on a kernel path: a new open file (offset 0) in *out, or -errno. */
int vfs_open(struct inode *start, const char *path, int flags, mode_t mode, struct file **out)
{
    if (flags & ~OPEN_FLAGS_KNOWN)
        return -EINVAL;
    if (flags & O_PATH) /* Linux ignores every other flag with O_PATH */
        flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    if ((flags & O_CREAT) && (flags & O_DIRECTORY))
        return -EINVAL;
    struct inode *inode;
    int error;
    if (flags & O_CREAT) {
        error = open_or_create(start, path, flags, mode, &inode);
    } else {
        int lookup = (flags & O_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
        error = vfs_lookup_at(start, path, lookup, &inode);
    }
    if (error)
        return error;
    error = file_open_inode(inode, flags, out);
    inode_put(inode);
    if (!error)
        (*out)->path = vfs_absolute_path(start, path); /* NULL: /proc/PID/fd shows no name */
    return error;
}

/* ---- start-up ---- */

void vfs_init(void)
{
    root = ramfs_create_root(RAMFS_DEV, 0755);
    mount_init(root);
    devices_init();
    procfs_init();
}
