/* fs.h - the VFS: inodes, open files and file-descriptor tables (kernel/fs/).
 *
 * CONTRACT (between kernel/proc and kernel/fs; the fs side may add to this header but keeps
 * these names and meanings):
 *  - inodes are reference-counted: inode_get() adds a reference, inode_put() drops one.
 *  - inode_read() reads file data into a kernel buffer (exec and file mappings use it).
 *  - vfs_lookup() resolves a kernel-space path relative to the current process's cwd (or /),
 *    following symlinks in every component and, if follow_last, in the last one.
 *  - a process's open files are a struct files; fork copies it, execve closes the
 *    O_CLOEXEC descriptors, exit drops it.
 *
 * How the parts fit: an inode is a file as its file system keeps it (struct inode_ops says
 * what the file system can do with it); a struct file is one open() of an inode, with an
 * offset and flags (struct file_ops says how that kind of open file reads, writes, polls);
 * a struct files maps a process's descriptor numbers to open files. ramfs is the only
 * writable file system; /proc (procfs.c) is a directory of it whose inodes are generated.
 */
#ifndef NEST_FS_H
#define NEST_FS_H

#include "errno.h"
#include "list.h"
#include "types.h"

struct inode;
struct file;
struct files;
struct boot_info;
struct pid_ns;
struct proc;

/* ---- limits ---- */

#define PATH_MAX 4096   /* bytes in a path, including the NUL */
#define NAME_MAX 255    /* bytes in one path component */
#define SYMLINK_MAX 40  /* symlinks one lookup may follow before ELOOP (Linux's limit) */
#define FILES_MAX 256   /* descriptors per process: fds 0..255 */
#define PIPE_BUF 4096   /* pipe writes up to this size are atomic */
#define PIPE_SIZE 65536 /* bytes a pipe holds */

/* ---- Linux's flag values (x86-64) ---- */

#define O_ACCMODE 3
#define O_RDONLY 0
#define O_WRONLY 1
#define O_RDWR 2
#define O_CREAT 0100
#define O_EXCL 0200
#define O_NOCTTY 0400
#define O_TRUNC 01000
#define O_APPEND 02000
#define O_NONBLOCK 04000
#define O_DSYNC 010000
#define O_ASYNC 020000
#define O_DIRECT 040000
#define O_LARGEFILE 0100000 /* musl always sets it; meaningless on 64-bit */
#define O_DIRECTORY 0200000
#define O_NOFOLLOW 0400000
#define O_NOATIME 01000000
#define O_CLOEXEC 02000000
#define O_SYNC 04010000
#define O_PATH 010000000
#define O_TMPFILE 020200000

#define AT_FDCWD -100
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_EACCESS 0x200
#define AT_REMOVEDIR 0x200
#define AT_SYMLINK_FOLLOW 0x400
#define AT_NO_AUTOMOUNT 0x800
#define AT_EMPTY_PATH 0x1000
#define AT_STATX_SYNC_TYPE 0x6000

#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2

#define F_OK 0
#define X_OK 1
#define W_OK 2
#define R_OK 4

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define SEEK_DATA 3
#define SEEK_HOLE 4

#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC 1

#define UTIME_NOW ((1L << 30) - 1)
#define UTIME_OMIT ((1L << 30) - 2)

#define S_IFMT 0170000
#define S_IFSOCK 0140000
#define S_IFLNK 0120000
#define S_IFREG 0100000
#define S_IFBLK 0060000
#define S_IFDIR 0040000
#define S_IFCHR 0020000
#define S_IFIFO 0010000
#define S_ISUID 04000
#define S_ISGID 02000
#define S_ISVTX 01000
#define S_ISREG(m) (((m) & S_IFMT) == S_IFREG)
#define S_ISDIR(m) (((m) & S_IFMT) == S_IFDIR)
#define S_ISLNK(m) (((m) & S_IFMT) == S_IFLNK)
#define S_ISCHR(m) (((m) & S_IFMT) == S_IFCHR)
#define S_ISFIFO(m) (((m) & S_IFMT) == S_IFIFO)

/* Device numbers as Linux encodes them in st_rdev and /proc/PID/stat's tty_nr. */
#define MKDEV(major, minor) ((uint32_t)(((major) << 8) | (minor)))
#define MAJOR(dev) ((dev) >> 8)
#define MINOR(dev) ((dev) & 0xff)
#define DEV_NULL MKDEV(1, 3)
#define DEV_ZERO MKDEV(1, 5)
#define DEV_RANDOM MKDEV(1, 8)
#define DEV_URANDOM MKDEV(1, 9)
#define DEV_KMSG MKDEV(1, 11)   /* the kernel log, one record per read */
#define DEV_TTY MKDEV(5, 0)     /* the caller's controlling terminal */
#define DEV_CONSOLE MKDEV(5, 1) /* the console tty; also its tty_nr */

/* The file systems' own st_dev values (anonymous devices, as Linux numbers them). */
#define RAMFS_DEV MKDEV(0, 1)
#define PIPEFS_DEV MKDEV(0, 3)
#define NSFS_DEV MKDEV(0, 4) /* what /proc/N/ns/pid opens */
#define ANON_INODE_DEV MKDEV(0, 5) /* files with no name: timerfd */

#define POLLIN 0x001
#define POLLPRI 0x002
#define POLLOUT 0x004
#define POLLERR 0x008
#define POLLHUP 0x010
#define POLLNVAL 0x020
#define POLLRDNORM 0x040
#define POLLWRNORM 0x100

/* ioctl requests (Linux's numbers) */
#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCSETSW 0x5403
#define TCSETSF 0x5404
#define TCSBRK 0x5409
#define TCXONC 0x540a
#define TCFLSH 0x540b
#define TIOCSCTTY 0x540e
#define TIOCGPGRP 0x540f
#define TIOCSPGRP 0x5410
#define TIOCOUTQ 0x5411
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define FIONREAD 0x541b
#define FIONBIO 0x5421
#define TIOCNOTTY 0x5422
#define TCSBRKP 0x5425
#define TIOCGSID 0x5429
#define FIONCLEX 0x5450
#define FIOCLEX 0x5451

/* ---- user-visible structures, laid out exactly as Linux x86-64's ---- */

/* _STRUCT_TIMESPEC is also the guard of the host C library's identical definition, so host
 * unit tests may include both. */
#ifndef _STRUCT_TIMESPEC
#define _STRUCT_TIMESPEC 1
struct timespec {
    int64_t tv_sec;
    int64_t tv_nsec;
};
#endif

struct stat {
    uint64_t st_dev;
    uint64_t st_ino;
    uint64_t st_nlink;
    uint32_t st_mode;
    uint32_t st_uid;
    uint32_t st_gid;
    uint32_t pad0;
    uint64_t st_rdev;
    int64_t st_size;
    int64_t st_blksize;
    int64_t st_blocks; /* 512-byte units */
    struct timespec st_atim;
    struct timespec st_mtim;
    struct timespec st_ctim;
    int64_t reserved[3];
};

struct statx_timestamp {
    int64_t tv_sec;
    uint32_t tv_nsec;
    int32_t reserved;
};

struct statx {
    uint32_t stx_mask; /* STATX_* fields filled in */
    uint32_t stx_blksize;
    uint64_t stx_attributes;
    uint32_t stx_nlink;
    uint32_t stx_uid;
    uint32_t stx_gid;
    uint16_t stx_mode;
    uint16_t spare0;
    uint64_t stx_ino;
    uint64_t stx_size;
    uint64_t stx_blocks;
    uint64_t stx_attributes_mask;
    struct statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
    uint32_t stx_rdev_major, stx_rdev_minor;
    uint32_t stx_dev_major, stx_dev_minor;
    uint64_t stx_mnt_id;
    uint32_t stx_dio_mem_align, stx_dio_offset_align;
    uint64_t spare3[12];
};

#define STATX_BASIC_STATS 0x7ff
#define STATX_RESERVED 0x80000000U

struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;     /* position of the next entry (for lseek) */
    uint16_t d_reclen; /* this record's size, a multiple of 8 */
    uint8_t d_type;    /* DT_*: the S_IFMT bits >> 12 */
    char d_name[];
};

struct iovec {
    void *iov_base;
    size_t iov_len;
};

struct pollfd {
    int32_t fd;
    int16_t events;
    int16_t revents;
};

/* The kernel's termios (TCGETS), not glibc's: no speed fields. */
#define NCCS 19
struct termios {
    uint32_t c_iflag;
    uint32_t c_oflag;
    uint32_t c_cflag;
    uint32_t c_lflag;
    uint8_t c_line;
    uint8_t c_cc[NCCS];
};

struct winsize {
    uint16_t ws_row;
    uint16_t ws_col;
    uint16_t ws_xpixel;
    uint16_t ws_ypixel;
};

/* ---- inodes ---- */

/* The copy functions of file data: memcpy-like, 0 or -EFAULT. copy_to_user and
 * copy_from_user have this shape, and so does copy_kernel for kernel buffers. */
typedef int (*copy_fn)(void *dst, const void *src, size_t n);
int copy_kernel(void *dst, const void *src, size_t n);

/* readdir's callback: take one entry; false when there is no room for it (it will be
 * offered again from the same position next time). */
typedef bool (*readdir_fn)(void *context, const char *name, uint64_t ino, unsigned int type,
                           uint64_t next_position);

/* What a file system does with its inodes. A NULL operation is not supported there. Names
 * are single components, never "." or ".." (the VFS handles those); the VFS has checked
 * types, existence and emptiness as described before it calls the changing operations. */
struct inode_ops {
    /* directories */
    int (*lookup)(struct inode *dir, const char *name, size_t length, struct inode **out);
    int (*create)(struct inode *dir, const char *name, mode_t mode, uint32_t rdev,
                  struct inode **out); /* name is new; regular files, dirs, devices */
    int (*symlink)(struct inode *dir, const char *name, const char *target);
    int (*link)(struct inode *dir, const char *name, struct inode *inode);
    int (*remove)(struct inode *dir, const char *name); /* a directory is empty */
    int (*rename)(struct inode *old_dir, const char *old_name, struct inode *new_dir,
                  const char *new_name); /* replaces a compatible new_name */
    /* positions 0 and 1 are "." and ".."; the file system numbers the rest from 2 */
    int (*readdir)(struct inode *dir, uint64_t *position, readdir_fn emit, void *context);
    /* symlinks */
    int (*readlink)(struct inode *link, char *buf, size_t size); /* length, no NUL */
    int (*follow)(struct inode *link, struct inode **out); /* a link to an inode, not a path */
    /* regular files */
    ssize_t (*read)(struct inode *inode, void *buf, size_t n, uint64_t offset, copy_fn copy);
    ssize_t (*write)(struct inode *inode, const void *buf, size_t n, uint64_t offset,
                     copy_fn copy);
    int (*truncate)(struct inode *inode, uint64_t size);
    /* the frame that holds page number index of the file, or 0 (a hole, unless allocate
     * asks to fill it; or a file system that keeps no pages): lets mmap and exec map file
     * data without copying it */
    uint64_t (*page_frame)(struct inode *inode, uint64_t index, bool allocate);
    /* the last reference is gone: free the file system's data */
    void (*release)(struct inode *inode);
};

struct inode {
    int refcount;                /* holders: directory entries, open files, cwds, walks */
    uint64_t ino;                /* st_ino, unique within the file system */
    uint32_t dev;                /* st_dev: which file system */
    mode_t mode;                 /* S_IFMT type and permission bits */
    uint32_t uid, gid;           /* owner, as chown set it (nest checks no permissions) */
    uint32_t nlink;              /* names of it; directories: 2 + subdirectories */
    uint32_t rdev;               /* character devices: the device number */
    uint64_t size;               /* bytes of data (regular files, symlinks) */
    struct timespec atime, mtime, ctime;
    struct inode *parent;        /* directories: where ".." leads (a reference); NULL for a
                                  * file system's root */
    const struct inode_ops *ops; /* the file system's operations */
    const struct file_ops *fops; /* open regular files: NULL for the VFS's own */
    void *data;                  /* the file system's: entries, pages, a target... */
};

void vfs_init(void);                               /* the root ramfs and /dev, /proc */
void initramfs_unpack_all(const struct boot_info *bi); /* every boot module, in order */

struct inode *inode_alloc(mode_t mode, uint32_t dev, const struct inode_ops *ops);
struct inode *inode_get(struct inode *inode);
void inode_put(struct inode *inode);
ssize_t inode_read(struct inode *inode, void *buf, size_t n, uint64_t offset);
uint64_t inode_page_frame(struct inode *inode, uint64_t index, bool allocate); /* 0: none */
ssize_t inode_write(struct inode *inode, const void *buf, size_t n, uint64_t offset);
uint64_t inode_size(const struct inode *inode);
mode_t inode_mode(const struct inode *inode);      /* S_IFMT bits and permissions */
void inode_stat(const struct inode *inode, struct stat *st);
void inode_changed(struct inode *inode);           /* set ctime to now */
void inode_drop_set_id(struct inode *inode);       /* written to: no more set-user-ID */
void fs_current_time(struct timespec *ts);         /* wall-clock time, as CLOCK_REALTIME */

/* ---- paths ---- */

#define LOOKUP_FOLLOW 1    /* follow a symlink in the last component */
#define LOOKUP_DIRECTORY 2 /* the result must be a directory */

int vfs_lookup(const char *path, bool follow_last, struct inode **out);
struct inode *vfs_root(void);
struct inode *vfs_cwd(void); /* the current process's cwd, or /; no new reference */

/* The path functions take a kernel-space path relative to start (a directory), or to the
 * root if the path begins with '/'. A returned inode carries a new reference. */
int vfs_lookup_at(struct inode *start, const char *path, int flags, struct inode **out);
int vfs_open(struct inode *start, const char *path, int flags, mode_t mode, struct file **out);
int vfs_mkdir(struct inode *start, const char *path, mode_t mode);
int vfs_mknod(struct inode *start, const char *path, mode_t mode, uint32_t rdev);
int vfs_symlink(struct inode *start, const char *target, const char *path);
int vfs_link(struct inode *inode, struct inode *start, const char *path);
int vfs_unlink(struct inode *start, const char *path);
int vfs_rmdir(struct inode *start, const char *path);
int vfs_rename(struct inode *old_start, const char *old_path, struct inode *new_start,
               const char *new_path, unsigned int flags);
int vfs_readlink(struct inode *link, char *buf, size_t size);
int vfs_truncate(struct inode *inode, int64_t size);
int vfs_path_of(struct inode *dir, char *buf, size_t size); /* getcwd: length with NUL */
/* path made absolute (relative to start, or the cwd if NULL) and tidied: no ".", "..", or
 * repeated '/'; symlinks are not resolved. A new kmalloc'd string, or NULL. */
char *vfs_absolute_path(struct inode *start, const char *path);
bool vfs_dir_is_empty(struct inode *dir);

/* ---- open files ---- */

/* How one kind of open file behaves. Each kind (regular file, directory, device, tty, pipe,
 * procfs text) provides its own; NULL entries get the defaults named below. A read or write
 * gets a buffer, the offset to use (file->offset, or pread's own) and the function that moves
 * bytes to or from the buffer: copy_to_user or copy_from_user for read(2) and write(2),
 * copy_kernel for a kernel buffer (sendfile and copy_file_range, through file_transfer). */
struct file_ops {
    ssize_t (*read)(struct file *file, void *buf, size_t n, uint64_t *offset,
                    copy_fn copy);                                         /* EINVAL */
    ssize_t (*write)(struct file *file, const void *buf, size_t n, uint64_t *offset,
                     copy_fn copy);                                        /* EINVAL */
    int64_t (*lseek)(struct file *file, int64_t offset, int whence);       /* ESPIPE */
    unsigned int (*poll)(struct file *file);   /* POLL* ready now; default: in and out */
    long (*ioctl)(struct file *file, unsigned int cmd, uint64_t arg);      /* ENOTTY */
    void (*release)(struct file *file);        /* the last descriptor is closed */
};

struct file {
    int refcount;               /* descriptors, in any process, sharing this open file */
    struct inode *inode;        /* what is open (a reference) */
    const struct file_ops *ops; /* how it behaves */
    int flags;                  /* O_ACCMODE, O_APPEND, O_NONBLOCK, O_PATH... as opened */
    uint64_t offset;            /* where the next read or write starts */
    void *data;                 /* the kind's own: a pipe, the tty... */
    char *path;                 /* the absolute path it was opened by (/proc/PID/fd), or NULL */
};

extern const struct file_ops regular_file_ops;
int file_open_inode(struct inode *inode, int flags, struct file **out);
struct file *file_alloc(struct inode *inode, const struct file_ops *ops, int flags);
struct file *file_get(struct file *file);
void file_put(struct file *file);
bool file_readable(const struct file *file);
bool file_writable(const struct file *file);
int64_t generic_file_lseek(struct file *file, int64_t offset, int whence);
int vfs_getdents(struct file *dir, void *buf, size_t size); /* bytes filled, kernel buffer */
/* sendfile and copy_file_range: move up to count bytes from in, read at *in_offset, to out,
 * written at *out_offset, advancing both. in must be seekable (an offset can be moved back
 * to just past what out took); the caller has checked modes and bounded count. Returns the
 * bytes moved, fewer when in ends, out takes less, or after the first page a signal is
 * pending or out would have to wait; an error only if nothing moved. */
ssize_t file_transfer(struct file *in, uint64_t *in_offset, struct file *out,
                      uint64_t *out_offset, size_t count);

/* ---- descriptor tables ---- */

struct files {
    int refcount;                     /* processes sharing the table */
    struct file *fd[FILES_MAX];       /* open file of each descriptor, or NULL */
    bool close_on_exec[FILES_MAX];    /* FD_CLOEXEC */
};

struct files *files_create(void);
struct files *files_fork(struct files *files);
void files_close_on_exec(struct files *files);
void files_put(struct files *files);
int vfs_open_console(struct files *files);         /* fds 0, 1, 2 on /dev/console for init */
int files_count(const struct files *files);        /* descriptors in use */

/* The current process's descriptors. fd_get returns a new reference (file_put it) or NULL. */
struct file *fd_get(int fd);
int fd_install(struct file *file, int lowest, bool close_on_exec); /* fd, or -EMFILE */
int fd_install_at(int fd, struct file *file, bool close_on_exec);  /* dup2: closes fd first */
int fd_close(int fd);
/* mmap(): the inode of open file fd and its open flags (O_ACCMODE etc.); 0 or -EBADF. No new
 * reference: the inode stays valid while fd is open (through the system call). */
int fd_inode(int fd, struct inode **out, int *open_flags);

/* ---- devices, tty, pipes, poll (devices.c, tty.c, pipe.c, poll.c) ---- */

void devices_init(void);                 /* /dev and its nodes */
int device_open(struct file *file);      /* choose the ops of a character device by rdev */
/* Fill buf with n random bytes (/dev/urandom, getrandom, AT_RANDOM). */
void random_bytes(void *buf, size_t n);

void tty_init(void);
int tty_open(struct file *file, bool controlling); /* /dev/console, or /dev/tty */
/* A session leader exits or gives up its terminal: hang up the session (SIGHUP and SIGCONT
 * to the foreground group) and detach every member from the tty. */
void tty_session_leader_exit(struct proc *leader);
struct pid *tty_foreground(const struct proc *p); /* of p's controlling tty, or NULL */

int pipe_create(struct file **read_end, struct file **write_end);

/* Every poller sleeps on one queue; whatever makes a file ready calls poll_notify(). */
void poll_notify(void);
/* select(2), system call 23 (musl's select() uses it): for syscall.h and the table. */

/* ---- mount.c: mounts and mount namespaces ---- */

/* mount(2) flags (Linux's values). */
#define MS_RDONLY 1
#define MS_NOSUID 2
#define MS_NODEV 4
#define MS_NOEXEC 8
#define MS_SYNCHRONOUS 16
#define MS_REMOUNT 32
#define MS_MANDLOCK 64
#define MS_DIRSYNC 128
#define MS_NOATIME 1024
#define MS_NODIRATIME 2048
#define MS_BIND 4096
#define MS_MOVE 8192
#define MS_REC 16384
#define MS_SILENT 32768
#define MS_UNBINDABLE (1 << 17)
#define MS_PRIVATE (1 << 18)
#define MS_SLAVE (1 << 19)
#define MS_SHARED (1 << 20)
#define MS_RELATIME (1 << 21)
#define MS_STRICTATIME (1 << 24)
#define MS_LAZYTIME (1 << 25)
#define MS_MGC_VAL 0xc0ed0000UL /* old callers put this magic in the top 16 bits */
#define MS_MGC_MASK 0xffff0000UL
/* The flags a mount keeps and /proc/PID/mounts shows; nest records them and enforces none
 * (nest has no set-user-ID programs to stop, and atimes are not kept per mount). */
#define MS_PER_MOUNT                                                                           \
    (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_SYNCHRONOUS | MS_DIRSYNC | MS_NOATIME |          \
     MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME | MS_LAZYTIME)

/* umount2(2) flags */
#define MNT_FORCE 1
#define MNT_DETACH 2
#define MNT_EXPIRE 4
#define UMOUNT_NOFOLLOW 8

#define INIT_MNT_NS_INUM 4026531841UL /* what Linux's first mount namespace usually shows */

/* A mount namespace: the mounts its processes see. Guard: nest's one rule for kernel tables
 * (one CPU, a kernel that is not preempted, never touched from an interrupt); the functions
 * that change a list finish without sleeping. */
struct mnt_ns {
    int refcount;            /* processes in it and open /proc/PID/ns/mnt files */
    uint64_t inum;           /* identity shown as mnt:[inum] */
    struct list_head mounts; /* struct mount (mount.c), oldest first; the first is "/" */
    int mount_count;         /* entries of mounts: at most MOUNTS_MAX */
    struct list_head link;   /* in the list of every namespace (mount.c) */
};
#define MOUNTS_MAX 1000 /* mounts per namespace; more is ENOSPC (Linux's fs.mount-max) */

void mount_init(struct inode *root);     /* the first namespace, with "/" only */
struct mnt_ns *mnt_ns_initial(void);
struct mnt_ns *current_mnt_ns(void);     /* the current process's, or the first at boot */
struct mnt_ns *mnt_ns_copy(struct mnt_ns *old); /* CLONE_NEWNS; NULL without memory */
void mnt_ns_get(struct mnt_ns *ns);
void mnt_ns_put(struct mnt_ns *ns);
uint32_t anon_dev_alloc(void);           /* st_dev for a new file-system instance */
/* Path walks: the root of what is mounted over dir in the current namespace (the newest
 * mount), or dir itself; consumes the reference on dir and returns one. A walk of the
 * namespace's mounts (at most MOUNTS_MAX; usually two). */
struct inode *mount_cross(struct inode *dir);
/* ".." from dir: if dir is a mounted root, the directory it is mounted over (repeatedly);
 * else dir. No references change. */
struct inode *mount_climb(struct inode *dir);
int do_mount(const char *source, const char *target, const char *type, unsigned long flags);
int do_umount(const char *target, int flags);
/* The lines of /proc/PID/mounts for ns into buf: the length, cut at size - 1. */
size_t mnt_ns_show(struct mnt_ns *ns, char *buf, size_t size);

/* ---- procfs.c ---- */

void procfs_init(void);
/* A new procfs instance showing the PID namespace ns: its root directory (mount.c). */
struct inode *procfs_create(struct pid_ns *ns);
/* Is inode made by procfs? Such an inode is made anew by each lookup, so nothing can be
 * mounted over it (except an instance's root, which its mount keeps). */
bool procfs_owns(const struct inode *inode);
/* setns(): the PID namespace an open /proc/PID/ns/pid file stands for, or NULL if fd is
 * not such a file (a new reference is NOT taken). */
struct pid_ns *file_pid_ns(int fd);
struct mnt_ns *file_mnt_ns(int fd); /* the same for /proc/PID/ns/mnt */

/* ---- cpio.c: the initramfs (newc format) ---- */

struct cpio_entry {
    const char *name;  /* NUL-terminated, inside the archive */
    uint32_t mode;     /* S_IFMT type and permissions */
    uint32_t mtime;
    uint32_t rdev;     /* character devices: MKDEV(rdevmajor, rdevminor) */
    uint32_t ino;      /* with dev: names with the same pair are hard links of one file */
    uint32_t dev;      /* MKDEV(devmajor, devminor) of the file's original disk */
    uint32_t nlink;    /* names the file had */
    const void *data;  /* file contents or symlink target, inside the archive */
    uint32_t size;
};

/* The parser's verdict on a bad archive. */
struct cpio_error {
    size_t offset;      /* where in the buffer the bad header or data starts */
    const char *reason; /* a short phrase */
};

/* Call entry() for every entry of the newc archive(s) in buf, stopping at the end of the
 * buffer; a TRAILER!!! entry ends one archive and another may follow after zero padding.
 * 0 when the whole buffer was good, -1 with *error filled in at the first corrupt spot
 * (entries before it have been handed out). A non-zero return of entry() stops the walk
 * and is returned. Pure: touches nothing but buf and its arguments. */
typedef int (*cpio_entry_fn)(const struct cpio_entry *entry, void *context);
int cpio_parse(const void *buf, size_t size, cpio_entry_fn entry, void *context,
               struct cpio_error *error);
/* Unpack one archive into the root, later entries replacing earlier files. */
void cpio_unpack(const void *buf, size_t size, const char *module_name);

/* ---- ramfs.c ---- */

/* The root directory of a new ramfs instance (the root file system, a tmpfs). */
struct inode *ramfs_create_root(uint32_t dev, mode_t mode);
/* Delete everything below root (a tmpfs no longer mounted anywhere): subdirectories hold
 * their parents, so without this the tree would never be freed. */
void ramfs_clear(struct inode *root);
#define RAMFS_MAX_FILE_SIZE (512UL * 512 * 4096) /* two levels of page indexes: 1 GiB */

#endif
