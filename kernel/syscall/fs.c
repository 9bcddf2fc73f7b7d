/* fs.c (syscall) - the file system calls: open files, descriptors, paths, metadata, pipes.
 *
 * Each body copies its arguments in from user space, calls the VFS (kernel/fs/vfs.c) with
 * kernel pointers, and copies results out: the VFS itself never touches user memory except
 * through the buffers of read and write. Each sys_NAME is NAME(2) as Linux's manual page
 * describes it, errors included; comments mark what nest does differently. poll, ppoll,
 * select and pselect6 live with their mechanism in kernel/fs/poll.c.
 */
#include "fs.h"
#include "mm.h"
#include "proc.h"
#include "string.h"
#include "syscall.h"
#include "uaccess.h"

#define IOV_MAX 1024
#define MAX_RW_COUNT 0x7ffff000UL /* Linux's cap on one read or write: INT_MAX, page-aligned */

_Static_assert(sizeof(struct stat) == 144, "struct stat must match Linux x86-64");
_Static_assert(sizeof(struct statx) == 256, "struct statx must match Linux");
_Static_assert(sizeof(struct termios) == 36, "struct termios must match the kernel's");

/* ---- arguments ---- */

/* A user path copied into a new kernel buffer (kfree it), or NULL and *error. */
static char *path_from_user(const char *user_path, int *error)
{
    char *path = kmalloc(PATH_MAX);
    if (!path) {
        *error = -ENOMEM;
        return NULL;
    }
    long length = strncpy_from_user(path, user_path, PATH_MAX);
    if (length < 0) {
        kfree(path);
        *error = (int)length;
        return NULL;
    }
    return path;
}

/* The inode of descriptor fd, or of the cwd for AT_FDCWD: a new reference. */
static int inode_of_fd(int fd, struct inode **out)
{
    if (fd == AT_FDCWD) {
        *out = inode_get(vfs_cwd());
        return 0;
    }
    struct file *file = fd_get(fd);
    if (!file)
        return -EBADF;
    *out = inode_get(file->inode);
    file_put(file);
    return 0;
}

/* A path argument of an *at() call: the kernel copy and where it starts. */
struct user_path {
    char *path;          /* kernel copy of the path */
    struct inode *start; /* dirfd's directory, or the cwd (a reference); unused if absolute */
};

/* Copy a path and find its starting directory: an absolute path ignores dirfd, a relative
 * one needs a directory there (-ENOTDIR otherwise). An empty path is -ENOENT unless
 * allow_empty (AT_EMPTY_PATH): then it names dirfd's file, whatever its type. */
static int user_path_get(int dirfd, const char *user_path, bool allow_empty,
                         struct user_path *up)
{
    int error = 0;
    up->start = NULL;
    up->path = path_from_user(user_path, &error);
    if (!up->path)
        return error;
    if (up->path[0] == 0 && !allow_empty)
        return -ENOENT;
    if (up->path[0] == '/')
        return 0;
    error = inode_of_fd(dirfd, &up->start);
    if (!error && !S_ISDIR(up->start->mode) && up->path[0])
        error = -ENOTDIR;
    return error;
}

static void user_path_put(struct user_path *up)
{
    kfree(up->path);
    if (up->start)
        inode_put(up->start);
}

/* The inode (dirfd, user_path) names, as the stat family finds it: AT_SYMLINK_NOFOLLOW keeps
 * a final symlink, AT_EMPTY_PATH lets "" name dirfd itself. A new reference. */
static int lookup_at(int dirfd, const char *user_path, int at_flags, struct inode **out)
{
    struct user_path up;
    int error = user_path_get(dirfd, user_path, at_flags & AT_EMPTY_PATH, &up);
    if (!error && up.path[0] == 0) {
        *out = inode_get(up.start);
    } else if (!error) {
        int lookup = (at_flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
        error = vfs_lookup_at(up.start, up.path, lookup, out);
    }
    user_path_put(&up);
    return error;
}

/* ---- reading and writing ---- */

/* The whole buffer is checked before the file is touched: a bad pointer must not wait for
 * a pipe or the console first, nor consume data it cannot deliver. (Linux checks only that
 * the range is below user space's end and fails when the copy faults; for a buffer that is
 * partly valid it may then return a short count where nest gives EFAULT.) */
static __hot long file_read(struct file *file, void *user_buf, size_t n, uint64_t *offset)
{
    if (!file_readable(file))
        return -EBADF;
    if (!file->ops->read)
        return -EINVAL;
    n = MIN(n, MAX_RW_COUNT);
    if (check_user_range(user_buf, n, true))
        return -EFAULT;
    return file->ops->read(file, user_buf, n, offset, copy_to_user);
}

static __hot long file_write(struct file *file, const void *user_buf, size_t n, uint64_t *offset)
{
    if (!file_writable(file))
        return -EBADF;
    if (!file->ops->write)
        return -EINVAL;
    n = MIN(n, MAX_RW_COUNT);
    if (check_user_range(user_buf, n, false))
        return -EFAULT;
    return file->ops->write(file, user_buf, n, offset, copy_from_user);
}

__hot long sys_read(int fd, void *user_buf, size_t count)
{
    struct file *file = fd_get(fd);
    if (!file)
        return -EBADF;
    long result = file_read(file, user_buf, count, &file->offset);
    file_put(file);
    return result;
}

__hot long sys_write(int fd, const void *user_buf, size_t count)
{
    struct file *file = fd_get(fd);
    if (!file)
        return -EBADF;
    long result = file_write(file, user_buf, count, &file->offset);
    file_put(file);
    return result;
}

/* pread and pwrite: at an offset of their own, on seekable files only. */
static long transfer_at(int fd, void *user_buf, size_t count, int64_t offset, bool write)
{
    if (offset < 0)
        return -EINVAL;
    struct file *file = fd_get(fd);
    if (!file)
        return -EBADF;
    uint64_t position = (uint64_t)offset;
    long result;
    if (!(write ? file_writable(file) : file_readable(file)))
        result = -EBADF;
    else if (!file->ops->lseek)
        result = -ESPIPE;
    else
        result = write ? file_write(file, user_buf, count, &position)
                       : file_read(file, user_buf, count, &position);
    file_put(file);
    return result;
}

long sys_pread64(int fd, void *user_buf, size_t count, int64_t offset)
{
    return transfer_at(fd, user_buf, count, offset, false);
}

long sys_pwrite64(int fd, const void *user_buf, size_t count, int64_t offset)
{
    return transfer_at(fd, (void *)user_buf, count, offset, true);
}

/* Check a user iovec array first, as Linux does: -EINVAL for a bad count or total, -EFAULT
 * for a buffer (to be written to, for readv) that a copy could not reach. */
static int check_iovecs(const struct iovec *user_iov, int iovcnt, bool write)
{
    if (iovcnt < 0 || iovcnt > IOV_MAX)
        return -EINVAL;
    size_t total = 0;
    for (int i = 0; i < iovcnt; i++) {
        struct iovec iov;
        if (copy_from_user(&iov, &user_iov[i], sizeof(iov)))
            return -EFAULT;
        if (iov.iov_len > (size_t)INT64_MAX - total)
            return -EINVAL;
        total += iov.iov_len;
        if (check_user_range(iov.iov_base, MIN(iov.iov_len, MAX_RW_COUNT), !write))
            return -EFAULT;
    }
    return 0;
}

/* readv and writev: buffer after buffer, stopping at the first short transfer. */
static long transfer_vector(int fd, const void *user_iov, int iovcnt, bool write)
{
    struct file *file = fd_get(fd);
    if (!file)
        return -EBADF;
    long total = check_iovecs(user_iov, iovcnt, write);
    const struct iovec *iovs = user_iov;
    for (int i = 0; i < iovcnt && total >= 0; i++) {
        struct iovec iov;
        long done;
        if (copy_from_user(&iov, &iovs[i], sizeof(iov)))
            done = -EFAULT;
        else if (iov.iov_len == 0)
            continue;
        else if (write)
            done = file_write(file, iov.iov_base, iov.iov_len, &file->offset);
        else
            done = file_read(file, iov.iov_base, iov.iov_len, &file->offset);
        if (done < 0) {
            total = total ? total : done;
            break;
        }
        total += done;
        if ((size_t)done < iov.iov_len)
            break;
    }
    file_put(file);
    return total;
}

long sys_readv(int fd, const void *user_iov, int iovcnt)
{
    return transfer_vector(fd, user_iov, iovcnt, false);
}

long sys_writev(int fd, const void *user_iov, int iovcnt)
{
    return transfer_vector(fd, user_iov, iovcnt, true);
}

/* ---- moving data between files: sendfile, copy_file_range ---- */

/* Copy an loff_t argument in. Linux writes it back even when the call fails, after the data
 * has moved; nest checks first that it can, so a read-only offset fails before anything
 * moves (EFAULT either way). */
static int offset_from_user(int64_t *user_offset, int64_t *offset)
{
    if (check_user_range(user_offset, sizeof(*offset), true) || get_user(*offset, user_offset))
        return -EFAULT;
    return 0;
}

/* Can sendfile read in? Linux reads through the file's splice_read, which regular files
 * (most of /proc's too), /dev/null, /dev/zero and the random devices have, and pipes,
 * directories, ttys, /dev/kmsg and timerfds lack. None of these inputs ever waits, so a
 * transfer waits only for its output. */
static bool sendfile_source(const struct file *in)
{
    const struct inode *inode = in->inode;
    if (S_ISREG(inode->mode))
        return in->ops->read && in->ops->lseek;
    return S_ISCHR(inode->mode) && (inode->rdev == DEV_NULL || inode->rdev == DEV_ZERO ||
                                    inode->rdev == DEV_RANDOM || inode->rdev == DEV_URANDOM);
}

/* sendfile's checks in Linux's order, then the transfer from *position (the offset the caller
 * gave, if given_offset, or in's own), which moves with the bytes sent. */
static long send_file(struct file *in, uint64_t *position, bool given_offset, int out_fd,
                      size_t count)
{
    if (!file_readable(in))
        return -EBADF;
    if (given_offset && !in->ops->lseek)
        return -ESPIPE;
    if ((int64_t)count < 0 || (int64_t)*position < 0 || (int64_t)(*position + count) < 0)
        return -EINVAL;
    count = MIN(count, MAX_RW_COUNT);
    struct file *out = fd_get(out_fd);
    if (!out)
        return -EBADF;
    long result;
    if (!file_writable(out))
        result = -EBADF;
    else if ((out->flags & O_APPEND) && !S_ISFIFO(out->inode->mode))
        result = -EINVAL;
    else if (count == 0)
        result = 0;
    else if (!sendfile_source(in) || !out->ops->write)
        result = -EINVAL;
    else
        result = file_transfer(in, position, out, &out->offset, count);
    file_put(out);
    return result;
}

long sys_sendfile(int out_fd, int in_fd, int64_t *user_offset, size_t count)
{
    int64_t offset = 0;
    if (user_offset && offset_from_user(user_offset, &offset))
        return -EFAULT;
    struct file *in = fd_get(in_fd);
    if (!in)
        return -EBADF;
    uint64_t position = user_offset ? (uint64_t)offset : in->offset;
    long result = send_file(in, &position, user_offset != NULL, out_fd, count);
    if (result > 0 && !user_offset)
        in->offset = position;
    file_put(in);
    if (result > 0 && user_offset && put_user((int64_t)position, user_offset))
        return -EFAULT;
    return result;
}

/* copy_file_range's checks on the files and offsets, in Linux's order, then the copy.
 * Linux copies between two file systems only when they share a copy_file_range of their
 * own (NFS, CIFS); ramfs, like tmpfs, has none, so in and out must be on one. */
static long copy_range(struct file *in, uint64_t *pos_in, struct file *out, uint64_t *pos_out,
                       size_t length)
{
    struct inode *from = in->inode, *to = out->inode;
    if (S_ISDIR(from->mode) || S_ISDIR(to->mode))
        return -EISDIR;
    if (!S_ISREG(from->mode) || !S_ISREG(to->mode))
        return -EINVAL;
    if (!file_readable(in) || !file_writable(out) || (out->flags & O_APPEND))
        return -EBADF;
    if (from->dev != to->dev)
        return -EXDEV;
    if (*pos_in + length < *pos_in || *pos_out + length < *pos_out)
        return -EOVERFLOW;
    if ((int64_t)*pos_in < 0 || (int64_t)*pos_out < 0)
        return -EINVAL;
    length = *pos_in >= from->size ? 0 : MIN(length, from->size - *pos_in);
    if (from == to && *pos_out + length > *pos_in && *pos_out < *pos_in + length)
        return -EINVAL; /* overlapping ranges of one file */
    if (length == 0)
        return 0;
    return file_transfer(in, pos_in, out, pos_out, MIN(length, MAX_RW_COUNT));
}

long sys_copy_file_range(int fd_in, int64_t *user_off_in, int fd_out, int64_t *user_off_out,
                         size_t length, unsigned int flags)
{
    struct file *in = fd_get(fd_in);
    struct file *out = in ? fd_get(fd_out) : NULL;
    int64_t off_in = 0, off_out = 0;
    long result;
    if (!in || !out)
        result = -EBADF;
    else if ((user_off_in && offset_from_user(user_off_in, &off_in)) ||
             (user_off_out && offset_from_user(user_off_out, &off_out)))
        result = -EFAULT;
    else if (flags != 0)
        result = -EINVAL;
    else {
        uint64_t pos_in = user_off_in ? (uint64_t)off_in : in->offset;
        uint64_t pos_out = user_off_out ? (uint64_t)off_out : out->offset;
        result = copy_range(in, &pos_in, out, &pos_out, length);
        if (result > 0) {
            if (!user_off_in)
                in->offset = pos_in;
            if (!user_off_out)
                out->offset = pos_out;
            if ((user_off_in && put_user((int64_t)pos_in, user_off_in)) ||
                (user_off_out && put_user((int64_t)pos_out, user_off_out)))
                result = -EFAULT;
        }
    }
    if (in)
        file_put(in);
    if (out)
        file_put(out);
    return result;
}

long sys_lseek(int fd, int64_t offset, int whence)
{
    struct file *file = fd_get(fd);
    if (!file)
        return -EBADF;
    long result;
    if (file->flags & O_PATH)
        result = -EBADF;
    else if (!file->ops->lseek)
        result = -ESPIPE;
    else
        result = file->ops->lseek(file, offset, whence);
    file_put(file);
    return result;
}

/* ---- opening and closing ---- */

long sys_openat(int dirfd, const char *user_path, int flags, mode_t mode)
{
    if (files_count(current_proc()->files) == FILES_MAX)
        return -EMFILE;
    struct user_path up;
    int error = user_path_get(dirfd, user_path, false, &up);
    struct file *file;
    if (!error)
        error = vfs_open(up.start, up.path, flags, mode & ~current_proc()->umask & 07777, &file);
    user_path_put(&up);
    if (error)
        return error;
    int fd = fd_install(file, 0, flags & O_CLOEXEC);
    if (fd < 0)
        file_put(file);
    return fd;
}

long sys_open(const char *user_path, int flags, mode_t mode)
{
    return sys_openat(AT_FDCWD, user_path, flags, mode);
}

long sys_creat(const char *user_path, mode_t mode)
{
    return sys_openat(AT_FDCWD, user_path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

long sys_close(int fd)
{
    return fd_close(fd);
}

/* ---- descriptors ---- */

long sys_dup(int fd)
{
    struct file *file = fd_get(fd);
    if (!file)
        return -EBADF;
    int new_fd = fd_install(file, 0, false);
    if (new_fd < 0)
        file_put(file);
    return new_fd;
}

long sys_dup3(int oldfd, int newfd, int flags)
{
    if (flags & ~O_CLOEXEC)
        return -EINVAL;
    if (oldfd == newfd)
        return -EINVAL;
    if (newfd < 0 || newfd >= FILES_MAX)
        return -EBADF;
    struct file *file = fd_get(oldfd);
    if (!file)
        return -EBADF;
    return fd_install_at(newfd, file, flags & O_CLOEXEC);
}

long sys_dup2(int oldfd, int newfd)
{
    if (oldfd != newfd)
        return sys_dup3(oldfd, newfd, 0);
    struct file *file = fd_get(oldfd);
    if (!file)
        return -EBADF;
    file_put(file);
    return newfd;
}

/* F_SETFL may change only these; the access mode and creation flags stay as opened. */
#define SETFL_FLAGS (O_APPEND | O_NONBLOCK | O_NOATIME)

static long set_status_flags(struct file *file, uint64_t arg)
{
    if (arg & (O_ASYNC | O_DIRECT))
        return -EINVAL; /* signal-driven and direct I/O are not supported */
    file->flags = (file->flags & ~SETFL_FLAGS) | ((int)arg & SETFL_FLAGS);
    return 0;
}

/* F_DUPFD: the lowest free descriptor >= lowest. */
static long duplicate_from(struct file *file, uint64_t lowest, bool close_on_exec)
{
    if (lowest >= FILES_MAX)
        return -EINVAL;
    long fd = fd_install(file_get(file), (int)lowest, close_on_exec);
    if (fd < 0)
        file_put(file);
    return fd;
}

#define POSIX_FADV_NOREUSE 5

/* posix_fadvise: hints about how a file will be read. nest reads nothing ahead and keeps
 * every page, so a valid hint changes nothing. */
long sys_fadvise64(int fd, int64_t offset, int64_t length, int advice)
{
    struct file *file = fd_get(fd);
    if (!file)
        return -EBADF;
    long result = 0;
    if (S_ISFIFO(inode_mode(file->inode)))
        result = -ESPIPE;
    else if (advice < 0 || advice > POSIX_FADV_NOREUSE || length < 0)
        result = -EINVAL;
    file_put(file);
    return result;
}

long sys_fcntl(int fd, int cmd, uint64_t arg)
{
    struct file *file = fd_get(fd);
    if (!file)
        return -EBADF;
    struct files *files = current_proc()->files;
    long result;
    switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
        result = duplicate_from(file, arg, cmd == F_DUPFD_CLOEXEC);
        break;
    case F_GETFD:
        result = files->close_on_exec[fd] ? FD_CLOEXEC : 0;
        break;
    case F_SETFD:
        files->close_on_exec[fd] = arg & FD_CLOEXEC;
        result = 0;
        break;
    case F_GETFL:
        result = file->flags;
        break;
    case F_SETFL:
        result = (file->flags & O_PATH) ? -EBADF : set_status_flags(file, arg);
        break;
    default:
        result = -EINVAL; /* record locks, leases, owners: not in nest */
    }
    file_put(file);
    return result;
}

/* ioctls every descriptor understands; the rest go to the kind of file (ENOTTY if none). */
static long generic_ioctl(struct file *file, int fd, unsigned int cmd, uint64_t arg)
{
    struct files *files = current_proc()->files;
    int on;
    switch (cmd) {
    case FIOCLEX:
    case FIONCLEX:
        files->close_on_exec[fd] = cmd == FIOCLEX;
        return 0;
    case FIONBIO:
        if (get_user(on, (int *)arg))
            return -EFAULT;
        file->flags = on ? file->flags | O_NONBLOCK : file->flags & ~O_NONBLOCK;
        return 0;
    case FIONREAD:
        if (S_ISREG(file->inode->mode)) {
            uint64_t size = file->inode->size;
            int left = file->offset < size ? (int)MIN(size - file->offset, (uint64_t)INT32_MAX) : 0;
            return put_user(left, (int *)arg) ? -EFAULT : 0;
        }
        break;
    }
    return file->ops->ioctl ? file->ops->ioctl(file, cmd, arg) : -ENOTTY;
}

long sys_ioctl(int fd, unsigned int cmd, uint64_t arg)
{
    struct file *file = fd_get(fd);
    if (!file)
        return -EBADF;
    long result = (file->flags & O_PATH) ? -EBADF : generic_ioctl(file, fd, cmd, arg);
    file_put(file);
    return result;
}

/* ---- metadata ---- */

static int copy_stat_to_user(struct inode *inode, void *user_st)
{
    struct stat st;
    inode_stat(inode, &st);
    return copy_to_user(user_st, &st, sizeof(st)) ? -EFAULT : 0;
}

long sys_newfstatat(int dirfd, const char *user_path, void *user_st, int flags)
{
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
        return -EINVAL;
    struct inode *inode;
    int error = lookup_at(dirfd, user_path, flags, &inode);
    if (error)
        return error;
    error = copy_stat_to_user(inode, user_st);
    inode_put(inode);
    return error;
}

/* struct statfs as Linux x86-64 lays it out. */
struct statfs {
    int64_t f_type, f_bsize, f_blocks, f_bfree, f_bavail, f_files, f_ffree;
    int32_t f_fsid[2];
    int64_t f_namelen, f_frsize, f_flags, f_spare[4];
};

#define RAMFS_MAGIC 0x858458f6
#define PROC_SUPER_MAGIC 0x9fa0
#define PIPEFS_MAGIC 0x50495045
#define ST_VALID 0x20

/* What Linux's ramfs, procfs and pipefs report: a type and a block size, no block counts
 * (they have no size of their own). A tmpfs is a ramfs instance here and says so. */
static int copy_statfs_to_user(const struct inode *inode, void *user_buf)
{
    struct statfs st;
    memset(&st, 0, sizeof(st));
    st.f_type = procfs_owns(inode) ? PROC_SUPER_MAGIC
                : inode->dev == PIPEFS_DEV ? PIPEFS_MAGIC : RAMFS_MAGIC;
    st.f_bsize = st.f_frsize = PAGE_SIZE;
    st.f_namelen = NAME_MAX;
    st.f_fsid[0] = (int32_t)inode->dev;
    st.f_flags = ST_VALID;
    return copy_to_user(user_buf, &st, sizeof(st));
}

long sys_statfs(const char *user_path, void *user_buf)
{
    struct inode *inode;
    int error = lookup_at(AT_FDCWD, user_path, 0, &inode);
    if (error)
        return error;
    error = copy_statfs_to_user(inode, user_buf);
    inode_put(inode);
    return error;
}

long sys_fstatfs(int fd, void *user_buf)
{
    if (fd == AT_FDCWD)
        return -EBADF;
    struct inode *inode;
    int error = inode_of_fd(fd, &inode);
    if (error)
        return error;
    error = copy_statfs_to_user(inode, user_buf);
    inode_put(inode);
    return error;
}

/* Extended attributes: nest's file systems have none, and say so as Linux's do when they
 * lack xattr support (EOPNOTSUPP), once the file is found. */
static long no_xattrs_at(const char *user_path, int at_flags)
{
    struct inode *inode;
    int error = lookup_at(AT_FDCWD, user_path, at_flags, &inode);
    if (error)
        return error;
    inode_put(inode);
    return -EOPNOTSUPP;
}

static long no_xattrs_fd(int fd)
{
    struct inode *inode;
    int error = fd == AT_FDCWD ? -EBADF : inode_of_fd(fd, &inode);
    if (error)
        return error;
    inode_put(inode);
    return -EOPNOTSUPP;
}

long sys_getxattr(const char *user_path, const char *user_name, void *user_value, size_t size)
{
    return no_xattrs_at(user_path, 0);
}

long sys_lgetxattr(const char *user_path, const char *user_name, void *user_value, size_t size)
{
    return no_xattrs_at(user_path, AT_SYMLINK_NOFOLLOW);
}

long sys_fgetxattr(int fd, const char *user_name, void *user_value, size_t size)
{
    return no_xattrs_fd(fd);
}

long sys_listxattr(const char *user_path, char *user_list, size_t size)
{
    return no_xattrs_at(user_path, 0);
}

long sys_llistxattr(const char *user_path, char *user_list, size_t size)
{
    return no_xattrs_at(user_path, AT_SYMLINK_NOFOLLOW);
}

long sys_flistxattr(int fd, char *user_list, size_t size)
{
    return no_xattrs_fd(fd);
}

/* getsockname, getpeername: no descriptor is ever a socket on nest. */
static long not_a_socket(int fd)
{
    struct file *file = fd_get(fd);
    if (!file)
        return -EBADF;
    file_put(file);
    return -ENOTSOCK;
}

long sys_getsockname(int fd, void *user_addr, int *user_length)
{
    return not_a_socket(fd);
}

long sys_getpeername(int fd, void *user_addr, int *user_length)
{
    return not_a_socket(fd);
}

long sys_stat(const char *user_path, void *user_st)
{
    return sys_newfstatat(AT_FDCWD, user_path, user_st, 0);
}

long sys_lstat(const char *user_path, void *user_st)
{
    return sys_newfstatat(AT_FDCWD, user_path, user_st, AT_SYMLINK_NOFOLLOW);
}

long sys_fstat(int fd, void *user_st)
{
    if (fd == AT_FDCWD)
        return -EBADF;
    struct inode *inode;
    int error = inode_of_fd(fd, &inode);
    if (error)
        return error;
    error = copy_stat_to_user(inode, user_st);
    inode_put(inode);
    return error;
}

static struct statx_timestamp statx_time(struct timespec ts)
{
    return (struct statx_timestamp){ts.tv_sec, (uint32_t)ts.tv_nsec, 0};
}

static void fill_statx(const struct inode *inode, struct statx *stx)
{
    struct stat st;
    inode_stat(inode, &st);
    memset(stx, 0, sizeof(*stx));
    stx->stx_mask = STATX_BASIC_STATS;
    stx->stx_blksize = (uint32_t)st.st_blksize;
    stx->stx_nlink = (uint32_t)st.st_nlink;
    stx->stx_mode = (uint16_t)st.st_mode;
    stx->stx_uid = st.st_uid;
    stx->stx_gid = st.st_gid;
    stx->stx_ino = st.st_ino;
    stx->stx_size = (uint64_t)st.st_size;
    stx->stx_blocks = (uint64_t)st.st_blocks;
    stx->stx_atime = statx_time(st.st_atim);
    stx->stx_ctime = statx_time(st.st_ctim);
    stx->stx_mtime = statx_time(st.st_mtim);
    stx->stx_rdev_major = MAJOR(inode->rdev);
    stx->stx_rdev_minor = MINOR(inode->rdev);
    stx->stx_dev_major = MAJOR(inode->dev);
    stx->stx_dev_minor = MINOR(inode->dev);
}

long sys_statx(int dirfd, const char *user_path, int flags, unsigned int mask, void *user_stx)
{
    int known = AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE;
    if ((flags & ~known) || (flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE ||
        (mask & STATX_RESERVED))
        return -EINVAL;
    struct inode *inode;
    int error = !user_path && (flags & AT_EMPTY_PATH) ? inode_of_fd(dirfd, &inode)
                                                       : lookup_at(dirfd, user_path, flags, &inode);
    if (error)
        return error;
    struct statx *stx = kmalloc(sizeof(*stx));
    if (stx) {
        fill_statx(inode, stx);
        error = copy_to_user(user_stx, stx, sizeof(*stx)) ? -EFAULT : 0;
        kfree(stx);
    } else {
        error = -ENOMEM;
    }
    inode_put(inode);
    return error;
}

/* access(2) for root: everything may be read and written; executing needs an x bit
 * (directories may always be searched). */
static long check_access(int dirfd, const char *user_path, int mode, int flags)
{
    if (mode & ~(R_OK | W_OK | X_OK))
        return -EINVAL;
    if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    struct inode *inode;
    int error = lookup_at(dirfd, user_path, flags, &inode);
    if (error)
        return error;
    if ((mode & X_OK) && !S_ISDIR(inode->mode) && !(inode->mode & 0111))
        error = -EACCES;
    inode_put(inode);
    return error;
}

long sys_faccessat2(int dirfd, const char *user_path, int mode, int flags)
{
    return check_access(dirfd, user_path, mode, flags);
}

long sys_faccessat(int dirfd, const char *user_path, int mode)
{
    return check_access(dirfd, user_path, mode, 0);
}

long sys_access(const char *user_path, int mode)
{
    return check_access(AT_FDCWD, user_path, mode, 0);
}

long sys_umask(mode_t mask)
{
    struct proc *p = current_proc();
    mode_t old = p->umask;
    p->umask = mask & 0777;
    return old;
}

static void set_mode(struct inode *inode, mode_t mode)
{
    inode->mode = (inode->mode & S_IFMT) | (mode & 07777);
    inode_changed(inode);
}

long sys_fchmodat(int dirfd, const char *user_path, mode_t mode)
{
    struct inode *inode;
    int error = lookup_at(dirfd, user_path, 0, &inode);
    if (error)
        return error;
    set_mode(inode, mode);
    inode_put(inode);
    return 0;
}

long sys_chmod(const char *user_path, mode_t mode)
{
    return sys_fchmodat(AT_FDCWD, user_path, mode);
}

long sys_fchmod(int fd, mode_t mode)
{
    struct file *file = fd_get(fd);
    if (!file)
        return -EBADF;
    long result = (file->flags & O_PATH) ? -EBADF : 0;
    if (!result)
        set_mode(file->inode, mode);
    file_put(file);
    return result;
}

/* chown as root: any owner may be given; -1 keeps one. As in Linux, a change of owner
 * clears the set-user-ID bit and (if group-executable) the set-group-ID bit of a
 * non-directory. */
static void change_owner(struct inode *inode, uint32_t uid, uint32_t gid)
{
    if (uid != (uint32_t)-1)
        inode->uid = uid;
    if (gid != (uint32_t)-1)
        inode->gid = gid;
    if (!S_ISDIR(inode->mode) && (uid != (uint32_t)-1 || gid != (uint32_t)-1)) {
        inode->mode &= ~(mode_t)04000;
        if (inode->mode & 00010)
            inode->mode &= ~(mode_t)02000;
    }
    inode_changed(inode);
}

long sys_fchownat(int dirfd, const char *user_path, uint32_t uid, uint32_t gid, int flags)
{
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    struct inode *inode;
    int error = lookup_at(dirfd, user_path, flags, &inode);
    if (error)
        return error;
    change_owner(inode, uid, gid);
    inode_put(inode);
    return 0;
}

long sys_chown(const char *user_path, uint32_t uid, uint32_t gid)
{
    return sys_fchownat(AT_FDCWD, user_path, uid, gid, 0);
}

long sys_lchown(const char *user_path, uint32_t uid, uint32_t gid)
{
    return sys_fchownat(AT_FDCWD, user_path, uid, gid, AT_SYMLINK_NOFOLLOW);
}

long sys_fchown(int fd, uint32_t uid, uint32_t gid)
{
    struct inode *inode;
    int error = fd == AT_FDCWD ? -EBADF : inode_of_fd(fd, &inode);
    if (error)
        return error;
    change_owner(inode, uid, gid);
    inode_put(inode);
    return 0;
}

/* One of utimensat's two times: now, unchanged, or as given. */
static int apply_time(struct timespec *field, struct timespec wanted, const struct timespec *now)
{
    if (wanted.tv_nsec == UTIME_OMIT)
        return 0;
    if (wanted.tv_nsec == UTIME_NOW) {
        *field = *now;
        return 0;
    }
    if (wanted.tv_nsec < 0 || wanted.tv_nsec >= 1000000000)
        return -EINVAL;
    *field = wanted;
    return 0;
}

/* utimensat; a NULL path means dirfd itself (how musl's futimens calls it). */
long sys_utimensat(int dirfd, const char *user_path, const void *user_times, int flags)
{
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    struct timespec times[2] = {{0, UTIME_NOW}, {0, UTIME_NOW}};
    if (user_times && copy_from_user(times, user_times, sizeof(times)))
        return -EFAULT;
    struct inode *inode;
    int error;
    if (user_path)
        error = lookup_at(dirfd, user_path, flags, &inode);
    else if (dirfd == AT_FDCWD)
        error = -EFAULT;
    else if (flags & AT_SYMLINK_NOFOLLOW)
        error = -EINVAL;
    else
        error = inode_of_fd(dirfd, &inode);
    if (error)
        return error;
    struct timespec now, atime = inode->atime, mtime = inode->mtime;
    fs_current_time(&now);
    error = apply_time(&atime, times[0], &now);
    if (!error)
        error = apply_time(&mtime, times[1], &now);
    if (!error) {
        inode->atime = atime;
        inode->mtime = mtime;
        inode->ctime = now;
    }
    inode_put(inode);
    return error;
}

/* ---- directories and names ---- */

long sys_getdents64(int fd, void *user_dirp, size_t count)
{
    struct file *file = fd_get(fd);
    if (!file)
        return -EBADF;
    char *buf = NULL;
    long result;
    if (file->flags & O_PATH)
        result = -EBADF;
    else if (!S_ISDIR(file->inode->mode))
        result = -ENOTDIR;
    else if (check_user_range(user_dirp, MIN(count, (size_t)PAGE_SIZE), true))
        result = -EFAULT; /* before the directory position moves past entries */
    else if (!(buf = kmalloc(PAGE_SIZE)))
        result = -ENOMEM;
    else
        result = vfs_getdents(file, buf, MIN(count, (size_t)PAGE_SIZE));
    if (result > 0 && copy_to_user(user_dirp, buf, (size_t)result))
        result = -EFAULT;
    kfree(buf);
    file_put(file);
    return result;
}

long sys_mkdirat(int dirfd, const char *user_path, mode_t mode)
{
    struct user_path up;
    int error = user_path_get(dirfd, user_path, false, &up);
    if (!error)
        error = vfs_mkdir(up.start, up.path, mode & ~current_proc()->umask & 01777);
    user_path_put(&up);
    return error;
}

long sys_mkdir(const char *user_path, mode_t mode)
{
    return sys_mkdirat(AT_FDCWD, user_path, mode);
}

long sys_unlinkat(int dirfd, const char *user_path, int flags)
{
    if (flags & ~AT_REMOVEDIR)
        return -EINVAL;
    struct user_path up;
    int error = user_path_get(dirfd, user_path, false, &up);
    if (!error)
        error = (flags & AT_REMOVEDIR) ? vfs_rmdir(up.start, up.path)
                                       : vfs_unlink(up.start, up.path);
    user_path_put(&up);
    return error;
}

long sys_unlink(const char *user_path)
{
    return sys_unlinkat(AT_FDCWD, user_path, 0);
}

long sys_rmdir(const char *user_path)
{
    return sys_unlinkat(AT_FDCWD, user_path, AT_REMOVEDIR);
}

long sys_renameat2(int olddirfd, const char *user_old, int newdirfd, const char *user_new,
                   unsigned int flags)
{
    struct user_path old_path, new_path = {NULL, NULL};
    int error = user_path_get(olddirfd, user_old, false, &old_path);
    if (!error)
        error = user_path_get(newdirfd, user_new, false, &new_path);
    if (!error)
        error = vfs_rename(old_path.start, old_path.path, new_path.start, new_path.path, flags);
    user_path_put(&old_path);
    user_path_put(&new_path);
    return error;
}

long sys_renameat(int olddirfd, const char *user_old, int newdirfd, const char *user_new)
{
    return sys_renameat2(olddirfd, user_old, newdirfd, user_new, 0);
}

long sys_rename(const char *user_old, const char *user_new)
{
    return sys_renameat2(AT_FDCWD, user_old, AT_FDCWD, user_new, 0);
}

long sys_linkat(int olddirfd, const char *user_old, int newdirfd, const char *user_new, int flags)
{
    if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    struct inode *inode;
    int lookup = (flags & AT_EMPTY_PATH) | ((flags & AT_SYMLINK_FOLLOW) ? 0 : AT_SYMLINK_NOFOLLOW);
    int error = lookup_at(olddirfd, user_old, lookup, &inode);
    if (error)
        return error;
    struct user_path up;
    error = user_path_get(newdirfd, user_new, false, &up);
    if (!error)
        error = vfs_link(inode, up.start, up.path);
    user_path_put(&up);
    inode_put(inode);
    return error;
}

long sys_link(const char *user_old, const char *user_new)
{
    return sys_linkat(AT_FDCWD, user_old, AT_FDCWD, user_new, 0);
}

long sys_symlinkat(const char *user_target, int dirfd, const char *user_path)
{
    int error = 0;
    char *target = path_from_user(user_target, &error);
    if (!target)
        return error;
    struct user_path up;
    error = user_path_get(dirfd, user_path, false, &up);
    if (!error)
        error = vfs_symlink(up.start, target, up.path);
    user_path_put(&up);
    kfree(target);
    return error;
}

long sys_symlink(const char *user_target, const char *user_path)
{
    return sys_symlinkat(user_target, AT_FDCWD, user_path);
}

/* readlinkat; an empty path reads the symlink dirfd was opened on (O_PATH | O_NOFOLLOW). */
long sys_readlinkat(int dirfd, const char *user_path, char *user_buf, size_t size)
{
    if ((int64_t)size <= 0)
        return -EINVAL;
    struct inode *link;
    int error = lookup_at(dirfd, user_path, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH, &link);
    if (error)
        return error;
    char *text = kmalloc(PATH_MAX);
    long result = text ? vfs_readlink(link, text, MIN(size, (size_t)PATH_MAX)) : -ENOMEM;
    if (result > 0 && copy_to_user(user_buf, text, (size_t)result))
        result = -EFAULT;
    kfree(text);
    inode_put(link);
    return result;
}

long sys_readlink(const char *user_path, char *user_buf, size_t size)
{
    return sys_readlinkat(AT_FDCWD, user_path, user_buf, size);
}

/* Make dir (a new reference, given up by the caller) the current directory. */
static long change_dir(struct inode *dir)
{
    if (!S_ISDIR(dir->mode)) {
        inode_put(dir);
        return -ENOTDIR;
    }
    struct proc *p = current_proc();
    if (p->cwd)
        inode_put(p->cwd);
    p->cwd = dir;
    return 0;
}

long sys_chdir(const char *user_path)
{
    struct inode *dir;
    int error = lookup_at(AT_FDCWD, user_path, 0, &dir);
    return error ? error : change_dir(dir);
}

long sys_fchdir(int fd)
{
    struct inode *dir;
    int error = fd == AT_FDCWD ? -EBADF : inode_of_fd(fd, &dir);
    return error ? error : change_dir(dir);
}

long sys_getcwd(char *user_buf, size_t size)
{
    char *path = kmalloc(PATH_MAX);
    if (!path)
        return -ENOMEM;
    long length = vfs_path_of(vfs_cwd(), path, MIN(size, (size_t)PATH_MAX));
    if (length > 0 && copy_to_user(user_buf, path, (size_t)length))
        length = -EFAULT;
    kfree(path);
    return length;
}

/* ---- sizes ---- */

long sys_truncate(const char *user_path, int64_t length)
{
    struct inode *inode;
    int error = lookup_at(AT_FDCWD, user_path, 0, &inode);
    if (error)
        return error;
    error = vfs_truncate(inode, length);
    inode_put(inode);
    return error;
}

long sys_ftruncate(int fd, int64_t length)
{
    if (length < 0)
        return -EINVAL;
    struct file *file = fd_get(fd);
    if (!file)
        return -EBADF;
    long result;
    if (file->flags & O_PATH)
        result = -EBADF;
    else if (!S_ISREG(file->inode->mode) || !file_writable(file))
        result = -EINVAL;
    else
        result = vfs_truncate(file->inode, length);
    file_put(file);
    return result;
}

/* ---- pipes ---- */

long sys_pipe2(int *user_fds, int flags)
{
    if (flags & ~(O_CLOEXEC | O_NONBLOCK))
        return -EINVAL; /* O_DIRECT (packet mode) is not supported */
    if (files_count(current_proc()->files) > FILES_MAX - 2)
        return -EMFILE;
    struct file *ends[2];
    int error = pipe_create(&ends[0], &ends[1]);
    if (error)
        return error;
    int fds[2];
    for (int i = 0; i < 2; i++) {
        ends[i]->flags |= flags & O_NONBLOCK;
        fds[i] = fd_install(ends[i], 0, flags & O_CLOEXEC);
    }
    if (copy_to_user(user_fds, fds, sizeof(fds))) {
        fd_close(fds[0]);
        fd_close(fds[1]);
        return -EFAULT;
    }
    return 0;
}

long sys_pipe(int *user_fds)
{
    return sys_pipe2(user_fds, 0);
}

/* ---- the rest ---- */

long sys_sync(void)
{
    return 0; /* ramfs is never anywhere but in memory */
}

/* A string argument of mount(2) that may be NULL: *out stays NULL for NULL. */
static int optional_string_from_user(const char *user_text, char **out)
{
    int error = 0;
    *out = user_text ? path_from_user(user_text, &error) : NULL;
    return error;
}

/* mount(2): a new proc or tmpfs, a remount, or a change of propagation (mount.c). The data
 * argument (file-system options) is not read: nest's two file systems take none. */
long sys_mount(const char *user_source, const char *user_target, const char *user_type,
               uint64_t flags, const void *user_data)
{
    (void)user_data;
    char *source = NULL, *target = NULL, *type = NULL;
    int error = optional_string_from_user(user_source, &source);
    if (!error)
        target = path_from_user(user_target, &error);
    if (!error)
        error = optional_string_from_user(user_type, &type);
    if (!error)
        error = do_mount(source, target, type, flags);
    kfree(source);
    kfree(target);
    kfree(type);
    return error;
}

long sys_umount2(const char *user_target, int flags)
{
    int error = 0;
    char *target = path_from_user(user_target, &error);
    if (!error)
        error = do_umount(target, flags);
    kfree(target);
    return error;
}
