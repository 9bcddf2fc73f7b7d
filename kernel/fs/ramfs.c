/* ramfs.c - the root file system: everything lives in memory, nothing is ever written out.
 *
 * Directories are lists of named entries; regular files are pages found through two levels
 * of page indexes (like a small page table), so a file grows a page at a time and never
 * needs a large allocation; symlinks keep their target as a string. The VFS (vfs.c) has
 * checked names and types before it calls the operations here.
 */
#include "fs.h"
#include "list.h"
#include "mm.h"
#include "sched.h"
#include "string.h"

/* One name in a directory. */
struct ramfs_entry {
    struct list_head link; /* in the directory's entries, in order of creation */
    struct inode *inode;   /* the file it names (a reference) */
    uint64_t cookie;       /* its readdir position, stable while other entries come and go */
    char name[];           /* NUL-terminated */
};

/* A directory's data. */
struct ramfs_dir {
    struct list_head entries; /* struct ramfs_entry, oldest first */
    uint64_t next_cookie;     /* the cookie of the next entry added */
};

#define INDEX_ENTRIES (PAGE_SIZE / sizeof(uint64_t)) /* 512 page addresses per index page */
#define FIRST_COOKIE_POSITION 2                      /* readdir positions 0, 1: "." and ".." */

static const struct inode_ops ramfs_ops;

/* A zeroed page that stands for every page a sparse file has not written yet. */
static const char zero_page[PAGE_SIZE];

/* ---- directories ---- */

static struct ramfs_dir *dir_of(struct inode *dir) { return dir->data; }

/* The entry of dir named name[0, length), or NULL. */
static struct ramfs_entry *find_entry(struct inode *dir, const char *name, size_t length)
{
    struct ramfs_entry *entry;
    list_for_each_entry(entry, &dir_of(dir)->entries, link)
        if (strncmp(entry->name, name, length) == 0 && entry->name[length] == 0)
            return entry;
    return NULL;
}

/* A directory's contents changed: its modification and change times are now. */
static void touch_dir(struct inode *dir)
{
    fs_current_time(&dir->mtime);
    dir->ctime = dir->mtime;
}

/* A new entry name -> inode, holding a new reference to inode; NULL when memory is out. */
static struct ramfs_entry *entry_alloc(const char *name, struct inode *inode)
{
    size_t length = strlen(name);
    struct ramfs_entry *entry = kmalloc(sizeof(*entry) + length + 1);
    if (!entry)
        return NULL;
    memcpy(entry->name, name, length + 1);
    entry->inode = inode_get(inode);
    return entry;
}

/* Link a new entry into dir, after every older one. */
static void insert_entry(struct inode *dir, struct ramfs_entry *entry)
{
    entry->cookie = dir_of(dir)->next_cookie++;
    list_add_tail(&entry->link, &dir_of(dir)->entries);
    if (S_ISDIR(entry->inode->mode))
        dir->nlink++; /* the subdirectory's ".." */
    touch_dir(dir);
}

/* Add name -> inode to dir (a new reference to inode). */
static int add_entry(struct inode *dir, const char *name, struct inode *inode)
{
    struct ramfs_entry *entry = entry_alloc(name, inode);
    if (!entry)
        return -ENOMEM;
    insert_entry(dir, entry);
    return 0;
}

/* Take an entry out of dir without touching the inode's link count. */
static void unlink_entry(struct inode *dir, struct ramfs_entry *entry)
{
    if (S_ISDIR(entry->inode->mode))
        dir->nlink--;
    list_del(&entry->link);
    touch_dir(dir);
    inode_put(entry->inode);
    kfree(entry);
}

/* Remove a name: the file goes when nothing else holds it (an open file, a cwd). */
static void delete_entry(struct inode *dir, struct ramfs_entry *entry)
{
    struct inode *inode = entry->inode;
    if (S_ISDIR(inode->mode))
        inode->nlink = 0;
    else
        inode->nlink--;
    inode_changed(inode);
    unlink_entry(dir, entry);
}

/* The inode dir names name, with a new reference. */
static int ramfs_lookup(struct inode *dir, const char *name, size_t length, struct inode **out)
{
    struct ramfs_entry *entry = find_entry(dir, name, length);
    if (!entry)
        return -ENOENT;
    *out = inode_get(entry->inode);
    return 0;
}

/* A new, empty inode of the given type with the data its type needs, in the file system
 * whose device number is dev. */
static struct inode *new_inode(uint32_t dev, mode_t mode, uint32_t rdev)
{
    struct inode *inode = inode_alloc(mode, dev, &ramfs_ops);
    if (!inode)
        return NULL;
    inode->rdev = S_ISCHR(mode) || (mode & S_IFMT) == S_IFBLK ? rdev : 0;
    if (S_ISDIR(mode)) {
        struct ramfs_dir *data = kzalloc(sizeof(*data));
        if (!data) {
            inode_put(inode);
            return NULL;
        }
        list_init(&data->entries);
        inode->data = data;
        inode->nlink = 2;
    }
    return inode;
}

/* A new file, directory or device node in dir (name is free). */
static int ramfs_create(struct inode *dir, const char *name, mode_t mode, uint32_t rdev,
                        struct inode **out)
{
    struct inode *inode = new_inode(dir->dev, mode, rdev);
    if (!inode)
        return -ENOMEM;
    if (S_ISDIR(mode))
        inode->parent = inode_get(dir);
    int error = add_entry(dir, name, inode);
    if (error) {
        inode_put(inode);
        return error;
    }
    *out = inode;
    return 0;
}

/* A new symlink in dir holding a copy of target. */
static int ramfs_symlink(struct inode *dir, const char *name, const char *target)
{
    size_t length = strlen(target);
    char *copy = kmalloc(length + 1);
    if (!copy)
        return -ENOMEM;
    memcpy(copy, target, length + 1);
    struct inode *inode = new_inode(dir->dev, S_IFLNK | 0777, 0);
    if (!inode) {
        kfree(copy);
        return -ENOMEM;
    }
    inode->data = copy;
    inode->size = length;
    int error = add_entry(dir, name, inode);
    inode_put(inode);
    return error;
}

/* A hard link; also how procfs's root is attached at /proc. */
static int ramfs_link(struct inode *dir, const char *name, struct inode *inode)
{
    int error = add_entry(dir, name, inode);
    if (!error && !S_ISDIR(inode->mode)) {
        inode->nlink++;
        inode_changed(inode);
    }
    return error;
}

/* Take the name away; the VFS has checked a directory is empty. */
static int ramfs_remove(struct inode *dir, const char *name)
{
    struct ramfs_entry *entry = find_entry(dir, name, strlen(name));
    if (!entry)
        return -ENOENT;
    delete_entry(dir, entry);
    return 0;
}

/* Move old_name to new_name, replacing what new_name named (the VFS checked it may). The
 * new entry is allocated first, so memory running out leaves the tree as it was. */
static int ramfs_rename(struct inode *old_dir, const char *old_name, struct inode *new_dir,
                        const char *new_name)
{
    struct ramfs_entry *old_entry = find_entry(old_dir, old_name, strlen(old_name));
    if (!old_entry)
        return -ENOENT;
    struct inode *inode = old_entry->inode;
    struct ramfs_entry *new_entry = entry_alloc(new_name, inode);
    if (!new_entry)
        return -ENOMEM;
    struct ramfs_entry *replaced = find_entry(new_dir, new_name, strlen(new_name));
    if (replaced)
        delete_entry(new_dir, replaced);
    insert_entry(new_dir, new_entry);
    unlink_entry(old_dir, old_entry);
    if (S_ISDIR(inode->mode) && old_dir != new_dir) {
        inode_put(inode->parent);
        inode->parent = inode_get(new_dir);
    }
    inode_changed(inode);
    return 0;
}

/* Hand out entries from position on; position - FIRST_COOKIE_POSITION is a cookie. */
static int ramfs_readdir(struct inode *dir, uint64_t *position, readdir_fn emit, void *context)
{
    struct ramfs_entry *entry;
    list_for_each_entry(entry, &dir_of(dir)->entries, link) {
        uint64_t entry_position = entry->cookie + FIRST_COOKIE_POSITION;
        if (entry_position < *position)
            continue;
        struct inode *inode = entry->inode;
        if (!emit(context, entry->name, inode->ino, (inode->mode & S_IFMT) >> 12,
                  entry_position + 1))
            break;
        *position = entry_position + 1;
    }
    return 0;
}

/* ---- symlinks ---- */

/* The symlink's target, cut to size bytes. */
static int ramfs_readlink(struct inode *link, char *buf, size_t size)
{
    size_t length = MIN(size, link->size);
    memcpy(buf, link->data, length);
    return (int)length;
}

/* ---- regular files: pages under two levels of index ---- */

/* The data page holding page number index of the file, or NULL if it was never written.
 * With allocate, missing index pages and the data page are made (zeroed). */
static char *file_page(struct inode *inode, uint64_t index, bool allocate)
{
    uint64_t *top = inode->data;
    if (!top && allocate) {
        uint64_t frame = frame_alloc_zeroed();
        top = frame ? P2V(frame) : NULL;
        inode->data = top;
    }
    if (!top)
        return NULL;
    uint64_t *slot = &top[index / INDEX_ENTRIES];
    if (!*slot && allocate)
        *slot = frame_alloc_zeroed();
    if (!*slot)
        return NULL;
    uint64_t *page_slot = (uint64_t *)P2V(*slot) + index % INDEX_ENTRIES;
    if (!*page_slot && allocate)
        *page_slot = frame_alloc_zeroed();
    return *page_slot ? P2V(*page_slot) : NULL;
}

/* The frame of page index, or 0 for a hole (see inode_ops.page_frame). */
static uint64_t ramfs_page_frame(struct inode *inode, uint64_t index, bool allocate)
{
    char *page = file_page(inode, index, allocate);
    return page ? V2P(page) : 0;
}

/* Copy file data out page by page; holes read as zeros. */
static ssize_t ramfs_read(struct inode *inode, void *buf, size_t n, uint64_t offset,
                          copy_fn copy)
{
    if (!S_ISREG(inode->mode))
        return -EINVAL;
    if (offset >= inode->size)
        return 0;
    n = MIN(n, inode->size - offset);
    size_t done = 0;
    while (done < n) {
        cond_resched(); /* the page is looked up again after: a truncate may have run */
        uint64_t position = offset + done;
        size_t in_page = position % PAGE_SIZE;
        size_t chunk = MIN(n - done, PAGE_SIZE - in_page);
        const char *page = file_page(inode, position / PAGE_SIZE, false);
        if (copy((char *)buf + done, (page ? page : zero_page) + in_page, chunk))
            return done ? (ssize_t)done : -EFAULT;
        done += chunk;
    }
    fs_current_time(&inode->atime);
    return (ssize_t)done;
}

/* Copy data in page by page, making pages as needed; the file grows to fit. */
static ssize_t ramfs_write(struct inode *inode, const void *buf, size_t n, uint64_t offset,
                           copy_fn copy)
{
    if (!S_ISREG(inode->mode))
        return -EINVAL;
    if (offset >= RAMFS_MAX_FILE_SIZE)
        return n ? -EFBIG : 0;
    n = MIN(n, RAMFS_MAX_FILE_SIZE - offset);
    size_t done = 0;
    int error = 0;
    while (done < n) {
        cond_resched();
        uint64_t position = offset + done;
        size_t in_page = position % PAGE_SIZE;
        size_t chunk = MIN(n - done, PAGE_SIZE - in_page);
        char *page = file_page(inode, position / PAGE_SIZE, true);
        if (!page) {
            error = -ENOSPC;
            break;
        }
        if (copy(page + in_page, (const char *)buf + done, chunk)) {
            error = -EFAULT;
            break;
        }
        done += chunk;
    }
    if (done) {
        inode->size = MAX(inode->size, offset + done);
        fs_current_time(&inode->mtime);
        inode->ctime = inode->mtime;
    }
    return done ? (ssize_t)done : error;
}

/* Free the data pages from page number first on, and index pages left empty. */
static void free_pages_from(struct inode *inode, uint64_t first)
{
    uint64_t *top = inode->data;
    if (!top)
        return;
    for (uint64_t i = first / INDEX_ENTRIES; i < INDEX_ENTRIES; i++) {
        if (!top[i])
            continue;
        uint64_t *index = P2V(top[i]);
        uint64_t from = i == first / INDEX_ENTRIES ? first % INDEX_ENTRIES : 0;
        for (uint64_t j = from; j < INDEX_ENTRIES; j++) {
            if (index[j])
                frame_unref(index[j]);
            index[j] = 0;
        }
        if (from == 0) {
            frame_unref(top[i]);
            top[i] = 0;
        }
    }
    if (first == 0) {
        frame_unref(V2P(top));
        inode->data = NULL;
    }
}

/* Shrinking frees whole pages past the end and zeroes the rest of the last one, so a file
 * that grows again reads zeros there. */
static int ramfs_truncate(struct inode *inode, uint64_t size)
{
    if (size > RAMFS_MAX_FILE_SIZE)
        return -EFBIG;
    if (size < inode->size) {
        free_pages_from(inode, ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE);
        char *page = size % PAGE_SIZE ? file_page(inode, size / PAGE_SIZE, false) : NULL;
        if (page)
            memset(page + size % PAGE_SIZE, 0, PAGE_SIZE - size % PAGE_SIZE);
    }
    inode->size = size;
    fs_current_time(&inode->mtime);
    inode->ctime = inode->mtime;
    return 0;
}

/* ---- the inode's end ---- */

/* Free what an inode kept: its pages, its directory data or its target. */
static void ramfs_release(struct inode *inode)
{
    if (S_ISREG(inode->mode))
        free_pages_from(inode, 0);
    else
        kfree(inode->data); /* a directory (empty by now) or a symlink's target */
}

static const struct inode_ops ramfs_ops = {
    .lookup = ramfs_lookup,
    .create = ramfs_create,
    .symlink = ramfs_symlink,
    .link = ramfs_link,
    .remove = ramfs_remove,
    .rename = ramfs_rename,
    .readdir = ramfs_readdir,
    .readlink = ramfs_readlink,
    .read = ramfs_read,
    .write = ramfs_write,
    .truncate = ramfs_truncate,
    .page_frame = ramfs_page_frame,
    .release = ramfs_release,
};

/* See fs.h. Deepest first, without recursion (a tree's depth is the user's choice): step down
 * into the first directory that still has entries, delete what has none, step back up when a
 * directory is empty. Every round deletes an entry or moves once, so it ends; the tree is
 * whole between rounds, so a round may let others run. */
void ramfs_clear(struct inode *root)
{
    struct inode *dir = root;
    for (;;) {
        struct list_head *entries = &dir_of(dir)->entries;
        if (list_empty(entries)) {
            if (dir == root)
                return;
            dir = dir->parent; /* its entry for dir keeps dir's parent alive */
            continue;
        }
        struct ramfs_entry *entry = list_first_entry(entries, struct ramfs_entry, link);
        struct inode *inode = entry->inode;
        if (S_ISDIR(inode->mode) && !list_empty(&dir_of(inode)->entries))
            dir = inode;
        else
            delete_entry(dir, entry);
        cond_resched();
    }
}

/* The root directory: its ".." is itself, so its parent stays NULL. */
struct inode *ramfs_create_root(uint32_t dev, mode_t mode)
{
    return new_inode(dev, S_IFDIR | (mode & 07777), 0);
}
