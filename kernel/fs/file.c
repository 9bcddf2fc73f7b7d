/* file.c - open files and descriptor tables.
 *
 * A struct file is one open() of an inode: an offset, the open flags and the struct file_ops
 * of its kind (regular file and directory here; devices, tty, pipes and /proc elsewhere).
 * A struct files maps a process's descriptor numbers to open files; fork copies the table,
 * so parent and child share the open files, and with them the offsets, as in Unix.
 * file_transfer moves data from one open file to another (sendfile, copy_file_range).
 */
#include "fs.h"
#include "mm.h"
#include "proc.h"
#include "sched.h"
#include "signal.h"
#include "string.h"
#include "uaccess.h"

/* ---- open files ---- */

/* A new open file of inode (a new inode reference), with one reference of its own. */
struct file *file_alloc(struct inode *inode, const struct file_ops *ops, int flags)
{
    struct file *file = kzalloc(sizeof(*file));
    if (!file)
        return NULL;
    file->refcount = 1;
    file->inode = inode_get(inode);
    file->ops = ops;
    file->flags = flags;
    return file;
}

/* One more holder of an open file (dup, fork). */
__hot struct file *file_get(struct file *file)
{
    file->refcount++;
    return file;
}

/* Drop a reference; the last one lets the kind of file clean up (a pipe end closes). */
__hot void file_put(struct file *file)
{
    if (!file || --file->refcount > 0)
        return;
    if (file->ops && file->ops->release)
        file->ops->release(file);
    inode_put(file->inode);
    kfree(file->path);
    kfree(file);
}

/* Was the file opened for reading (O_RDONLY or O_RDWR, not O_PATH)? */
__hot bool file_readable(const struct file *file)
{
    return !(file->flags & O_PATH) && (file->flags & O_ACCMODE) != O_WRONLY;
}

/* Was the file opened for writing (O_WRONLY or O_RDWR, not O_PATH)? */
__hot bool file_writable(const struct file *file)
{
    int mode = file->flags & O_ACCMODE;
    return !(file->flags & O_PATH) && (mode == O_WRONLY || mode == O_RDWR);
}

/* lseek for files with a size: SEEK_SET, SEEK_CUR, SEEK_END; no negative result. */
int64_t generic_file_lseek(struct file *file, int64_t offset, int whence)
{
    int64_t base;
    if (whence == SEEK_SET)
        base = 0;
    else if (whence == SEEK_CUR)
        base = (int64_t)file->offset;
    else if (whence == SEEK_END)
        base = (int64_t)file->inode->size;
    else
        return -EINVAL;
    if ((offset > 0 && base > INT64_MAX - offset) || base + offset < 0)
        return -EINVAL;
    file->offset = (uint64_t)(base + offset);
    return (int64_t)file->offset;
}

/* Reading a regular file: the file system copies straight into the caller's buffer. */
static ssize_t regular_read(struct file *file, void *buf, size_t n, uint64_t *offset,
                            copy_fn copy)
{
    struct inode *inode = file->inode;
    ssize_t done = inode->ops->read(inode, buf, n, *offset, copy);
    if (done > 0)
        *offset += (uint64_t)done;
    return done;
}

/* O_APPEND moves to the end before every write, as Linux does (even for pwrite). */
static ssize_t regular_write(struct file *file, const void *buf, size_t n, uint64_t *offset,
                             copy_fn copy)
{
    struct inode *inode = file->inode;
    if (file->flags & O_APPEND)
        *offset = inode->size;
    inode_drop_set_id(inode);
    ssize_t done = inode->ops->write(inode, buf, n, *offset, copy);
    if (done > 0)
        *offset += (uint64_t)done;
    return done;
}

const struct file_ops regular_file_ops = {
    .read = regular_read,
    .write = regular_write,
    .lseek = generic_file_lseek,
};

/* Directories are read with getdents64, never with read(2). */
static ssize_t directory_read(struct file *file, void *buf, size_t n, uint64_t *offset,
                              copy_fn copy)
{
    (void)file, (void)buf, (void)n, (void)offset, (void)copy;
    return -EISDIR;
}

/* A directory's position is the file system's readdir position: only SEEK_SET to a
 * position getdents handed out (or 0) and SEEK_CUR make sense. */
static int64_t directory_lseek(struct file *file, int64_t offset, int whence)
{
    if (whence == SEEK_END)
        return -EINVAL;
    return generic_file_lseek(file, offset, whence);
}

static const struct file_ops directory_file_ops = {
    .read = directory_read,
    .lseek = directory_lseek,
};

/* O_PATH descriptors only name a file: every operation on them but a few gives EBADF. */
static const struct file_ops path_file_ops;

/* The ops of an open directory or regular file; a device's come from device_open(). */
static const struct file_ops *file_ops_for(const struct inode *inode)
{
    if (S_ISDIR(inode->mode))
        return &directory_file_ops;
    if (S_ISREG(inode->mode))
        return inode->fops ? inode->fops : &regular_file_ops;
    return NULL;
}

/* Make an open file of inode (found by open(2) with these flags) after the checks that
 * depend on its type. */
int file_open_inode(struct inode *inode, int flags, struct file **out)
{
    bool wants_write = (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC);
    if (flags & O_PATH) {
        *out = file_alloc(inode, &path_file_ops, flags & (O_PATH | O_DIRECTORY | O_NOFOLLOW));
        return *out ? 0 : -ENOMEM;
    }
    if (S_ISLNK(inode->mode))
        return -ELOOP;
    if ((flags & O_DIRECTORY) && !S_ISDIR(inode->mode))
        return -ENOTDIR;
    if (S_ISDIR(inode->mode) && wants_write)
        return -EISDIR;
    if (!S_ISDIR(inode->mode) && !S_ISREG(inode->mode) && !S_ISCHR(inode->mode))
        return -ENXIO; /* FIFOs, sockets and block devices exist only as names here */
    const struct file_ops *ops = file_ops_for(inode);
    if (ops && (flags & O_ACCMODE) != O_RDONLY && !ops->write)
        return -EACCES;

    struct file *file = file_alloc(inode, ops, flags & ~O_CLOEXEC);
    if (!file)
        return -ENOMEM;
    int error = S_ISCHR(inode->mode) ? device_open(file) : 0;
    if (!error && (flags & O_TRUNC) && S_ISREG(inode->mode) && inode->size)
        error = vfs_truncate(inode, 0);
    if (error) {
        file_put(file);
        return error;
    }
    *out = file;
    return 0;
}

/* ---- moving data between open files ---- */

/* Could out take more now without waiting (POLLOUT; files without poll always can)? */
static bool ready_for_output(struct file *out)
{
    return !out->ops->poll || (out->ops->poll(out) & POLLOUT);
}

/* See fs.h. Each step is an ordinary read of in and write of out, through one kernel page
 * (copy_kernel). After the first step the transfer stops early, returning the bytes moved so
 * far, when a signal is pending or out is not ready (its poll): so it waits, if at all,
 * before anything has moved, and into a pipe one call moves at most what the pipe has room
 * for, as Linux's does. */
ssize_t file_transfer(struct file *in, uint64_t *in_offset, struct file *out,
                      uint64_t *out_offset, size_t count)
{
    char *page = kmalloc(PAGE_SIZE);
    if (!page)
        return -ENOMEM;
    size_t done = 0;
    ssize_t error = 0;
    while (done < count) {
        if (done) {
            cond_resched(); /* count is the caller's: a long transfer must not keep the CPU */
            if (signal_pending(current_proc()) || !ready_for_output(out))
                break;
        }
        uint64_t start = *in_offset;
        ssize_t got = in->ops->read(in, page, MIN(count - done, (size_t)PAGE_SIZE), in_offset,
                                    copy_kernel);
        if (got <= 0) {
            error = got;
            break;
        }
        ssize_t put = out->ops->write(out, page, (size_t)got, out_offset, copy_kernel);
        if (put < 0) {
            *in_offset = start; /* nothing of this step arrived: read it again next time */
            error = put;
            break;
        }
        done += (size_t)put;
        if (put < got) {
            *in_offset = start + (uint64_t)put; /* out took part: the rest is still to send */
            break;
        }
    }
    kfree(page);
    return done ? (ssize_t)done : error;
}

/* ---- descriptor tables ---- */

/* An empty descriptor table with one holder. */
struct files *files_create(void)
{
    struct files *files = kzalloc(sizeof(*files));
    if (files)
        files->refcount = 1;
    return files;
}

/* fork(): a copy of the table whose descriptors share the same open files. */
struct files *files_fork(struct files *files)
{
    struct files *copy = files_create();
    if (!copy)
        return NULL;
    for (int fd = 0; fd < FILES_MAX; fd++) {
        if (!files->fd[fd])
            continue;
        copy->fd[fd] = file_get(files->fd[fd]);
        copy->close_on_exec[fd] = files->close_on_exec[fd];
    }
    return copy;
}

/* execve(): close every descriptor marked FD_CLOEXEC. */
void files_close_on_exec(struct files *files)
{
    for (int fd = 0; fd < FILES_MAX; fd++) {
        if (files->fd[fd] && files->close_on_exec[fd]) {
            file_put(files->fd[fd]);
            files->fd[fd] = NULL;
            files->close_on_exec[fd] = false;
        }
    }
}

/* exit(): drop a reference; the last one closes every descriptor. */
void files_put(struct files *files)
{
    if (!files || --files->refcount > 0)
        return;
    for (int fd = 0; fd < FILES_MAX; fd++)
        if (files->fd[fd])
            file_put(files->fd[fd]);
    kfree(files);
}

/* How many descriptors are open (EMFILE checks). */
int files_count(const struct files *files)
{
    int count = 0;
    for (int fd = 0; fd < FILES_MAX; fd++)
        count += files->fd[fd] != NULL;
    return count;
}

/* The lowest free descriptor >= lowest of files now refers to file (taking over the
 * caller's reference). */
static int files_install(struct files *files, struct file *file, int lowest, bool close_on_exec)
{
    for (int fd = lowest < 0 ? 0 : lowest; fd < FILES_MAX; fd++) {
        if (!files->fd[fd]) {
            files->fd[fd] = file;
            files->close_on_exec[fd] = close_on_exec;
            return fd;
        }
    }
    return -EMFILE;
}

/* Open /dev/console as descriptors 0, 1 and 2 of files (the first process's). */
int vfs_open_console(struct files *files)
{
    struct file *console;
    int error = vfs_open(vfs_root(), "/dev/console", O_RDWR, 0, &console);
    if (error)
        return error;
    for (int fd = 0; fd < 3; fd++) {
        if (files->fd[fd])
            file_put(files->fd[fd]);
        files->fd[fd] = file_get(console);
        files->close_on_exec[fd] = false;
    }
    file_put(console);
    return 0;
}

/* The current process's open file fd, borrowed (no new reference), or NULL. */
static __hot struct file *fd_peek(int fd)
{
    struct files *files = current_proc()->files;
    if (!files || fd < 0 || fd >= FILES_MAX)
        return NULL;
    return files->fd[fd];
}

/* The current process's open file fd, with a new reference; NULL for a bad fd. */
__hot struct file *fd_get(int fd)
{
    struct file *file = fd_peek(fd);
    return file ? file_get(file) : NULL;
}

/* Give file (the caller's reference) the lowest free descriptor >= lowest. */
int fd_install(struct file *file, int lowest, bool close_on_exec)
{
    return files_install(current_proc()->files, file, lowest, close_on_exec);
}

/* dup2(): fd refers to file (the caller's reference), closing what it referred to. */
int fd_install_at(int fd, struct file *file, bool close_on_exec)
{
    struct files *files = current_proc()->files;
    if (fd < 0 || fd >= FILES_MAX)
        return -EBADF;
    struct file *old = files->fd[fd];
    files->fd[fd] = file;
    files->close_on_exec[fd] = close_on_exec;
    if (old)
        file_put(old);
    return fd;
}

/* See fs.h: mmap's view of a descriptor. */
int fd_inode(int fd, struct inode **out, int *open_flags)
{
    struct file *file = fd_peek(fd);
    if (!file || (file->flags & O_PATH))
        return -EBADF;
    *out = file->inode;
    *open_flags = file->flags;
    return 0;
}

/* close(2): free the descriptor; the open file goes with its last descriptor. */
int fd_close(int fd)
{
    struct file *file = fd_peek(fd);
    if (!file)
        return -EBADF;
    struct files *files = current_proc()->files;
    files->fd[fd] = NULL;
    files->close_on_exec[fd] = false;
    file_put(file);
    return 0;
}
