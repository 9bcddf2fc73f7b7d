// SOURCES: kernel/lib/string.c kernel/fs/vfs.c kernel/fs/file.c kernel/fs/ramfs.c kernel/fs/mount.c tests/unit/shim_fs.c
/* test_path.c - path resolution and tree changes in ramfs, through the VFS (vfs.c, ramfs.c).
 *
 * Every test works in a directory of its own under the root, so the tests are independent.
 */
#include "unit.h"

#include "fs.h"
#include "mm.h"

void shim_set_cwd(struct inode *dir);
void shim_set_mnt_ns(struct mnt_ns *ns);
extern int shim_frames_in_use;

/* The error of looking path up (0 on success), dropping the inode found. */
static int lookup_error(const char *path, int flags)
{
    struct inode *inode;
    int error = vfs_lookup_at(NULL, path, flags, &inode);
    if (!error)
        inode_put(inode);
    return error;
}

/* The inode number path leads to, or the negative error. */
static long long ino_of(const char *path, int flags)
{
    struct inode *inode;
    int error = vfs_lookup_at(NULL, path, flags, &inode);
    if (error)
        return error;
    long long ino = (long long)inode->ino;
    inode_put(inode);
    return ino;
}

static mode_t type_of(const char *path, int flags)
{
    struct inode *inode;
    if (vfs_lookup_at(NULL, path, flags, &inode))
        return 0;
    mode_t type = inode->mode & S_IFMT;
    inode_put(inode);
    return type;
}

static int make_file(const char *path, const char *text)
{
    struct file *file;
    int error = vfs_open(NULL, path, O_WRONLY | O_CREAT | O_TRUNC, 0644, &file);
    if (error)
        return error;
    ssize_t written = file->ops->write(file, text, strlen(text), &file->offset, copy_kernel);
    file_put(file);
    return written < 0 ? (int)written : 0;
}

TEST(dot_and_dot_dot_resolve_within_the_tree)
{
    CHECK_EQ(vfs_mkdir(NULL, "/dots", 0755), 0);
    CHECK_EQ(vfs_mkdir(NULL, "/dots/a", 0755), 0);
    CHECK_EQ(vfs_mkdir(NULL, "/dots/a/b", 0755), 0);
    CHECK_EQ(ino_of("/dots/a/b/..", LOOKUP_FOLLOW), ino_of("/dots/a", LOOKUP_FOLLOW));
    CHECK_EQ(ino_of("/dots/./a/./b", LOOKUP_FOLLOW), ino_of("/dots/a/b", LOOKUP_FOLLOW));
    CHECK_EQ(ino_of("//dots///a//", LOOKUP_FOLLOW), ino_of("/dots/a", LOOKUP_FOLLOW));
    CHECK_EQ(ino_of("/..", LOOKUP_FOLLOW), (long long)vfs_root()->ino);
    CHECK_EQ(ino_of("/dots/a/b/../../..", LOOKUP_FOLLOW), (long long)vfs_root()->ino);
}

TEST(relative_paths_start_at_the_cwd)
{
    CHECK_EQ(vfs_mkdir(NULL, "/rel", 0755), 0);
    CHECK_EQ(vfs_mkdir(NULL, "/rel/sub", 0755), 0);
    struct inode *rel;
    CHECK_EQ(vfs_lookup("/rel", true, &rel), 0);
    shim_set_cwd(rel);
    CHECK_EQ(ino_of("sub", 0), ino_of("/rel/sub", 0));
    CHECK_EQ(ino_of("sub/..", 0), (long long)rel->ino);
    CHECK_EQ(ino_of("..", 0), (long long)vfs_root()->ino);
    CHECK_EQ(vfs_mkdir(NULL, "made_here", 0700), 0);
    CHECK_EQ(type_of("/rel/made_here", 0), S_IFDIR);
    shim_set_cwd(NULL);
    inode_put(rel);
}

TEST(symlinks_are_followed_in_every_component)
{
    CHECK_EQ(vfs_mkdir(NULL, "/sym", 0755), 0);
    CHECK_EQ(vfs_mkdir(NULL, "/sym/target", 0755), 0);
    CHECK_EQ(vfs_symlink(NULL, "target", "/sym/relative"), 0);
    CHECK_EQ(vfs_symlink(NULL, "/sym/target", "/sym/absolute"), 0);
    CHECK_EQ(vfs_symlink(NULL, "../sym/relative", "/sym/chain"), 0);
    long long target = ino_of("/sym/target", 0);
    CHECK_EQ(ino_of("/sym/relative", LOOKUP_FOLLOW), target);
    CHECK_EQ(ino_of("/sym/absolute", LOOKUP_FOLLOW), target);
    CHECK_EQ(ino_of("/sym/chain", LOOKUP_FOLLOW), target);
    CHECK_EQ(ino_of("/sym/chain/.", 0), target);
    CHECK_EQ(type_of("/sym/relative", 0), S_IFLNK);
    CHECK_EQ(ino_of("/sym/relative/", 0), target); /* a trailing slash follows */
    CHECK_EQ(vfs_mkdir(NULL, "/sym/absolute/inside", 0755), 0);
    CHECK_EQ(type_of("/sym/target/inside", 0), S_IFDIR);
    char text[64] = {0};
    struct inode *link;
    CHECK_EQ(vfs_lookup("/sym/chain", false, &link), 0);
    CHECK_EQ(vfs_readlink(link, text, sizeof(text)), 15);
    CHECK_STR(text, "../sym/relative");
    inode_put(link);
}

TEST(symlink_loops_give_eloop_after_40_links)
{
    CHECK_EQ(vfs_mkdir(NULL, "/loop", 0755), 0);
    CHECK_EQ(vfs_symlink(NULL, "b", "/loop/a"), 0);
    CHECK_EQ(vfs_symlink(NULL, "a", "/loop/b"), 0);
    CHECK_EQ(lookup_error("/loop/a", LOOKUP_FOLLOW), -ELOOP);
    CHECK_EQ(lookup_error("/loop/a/x", 0), -ELOOP);
    CHECK_EQ(lookup_error("/loop/a", 0), 0); /* the link itself */

    /* link0 -> link1 -> ... -> link40 -> end: 40 links are allowed, 41 are not */
    CHECK_EQ(vfs_mkdir(NULL, "/loop/end", 0755), 0);
    char name[32], target[32];
    for (int i = 0; i <= 40; i++) {
        snprintf(name, sizeof(name), "/loop/link%d", i);
        if (i == 40)
            snprintf(target, sizeof(target), "end");
        else
            snprintf(target, sizeof(target), "link%d", i + 1);
        CHECK_EQ(vfs_symlink(NULL, target, name), 0);
    }
    CHECK_EQ(lookup_error("/loop/link1", LOOKUP_FOLLOW), 0);
    CHECK_EQ(lookup_error("/loop/link0", LOOKUP_FOLLOW), -ELOOP);
}

TEST(a_file_in_the_middle_of_a_path_gives_enotdir)
{
    CHECK_EQ(vfs_mkdir(NULL, "/notdir", 0755), 0);
    CHECK_EQ(make_file("/notdir/file", "x"), 0);
    CHECK_EQ(lookup_error("/notdir/file/x", LOOKUP_FOLLOW), -ENOTDIR);
    CHECK_EQ(lookup_error("/notdir/file/", LOOKUP_FOLLOW), -ENOTDIR);
    CHECK_EQ(lookup_error("/notdir/file", LOOKUP_DIRECTORY), -ENOTDIR);
    CHECK_EQ(vfs_mkdir(NULL, "/notdir/file/sub", 0755), -ENOTDIR);
    struct file *file;
    CHECK_EQ(vfs_open(NULL, "/notdir/file", O_RDONLY | O_DIRECTORY, 0, &file), -ENOTDIR);
}

TEST(missing_names_give_enoent)
{
    CHECK_EQ(lookup_error("/no_such", LOOKUP_FOLLOW), -ENOENT);
    CHECK_EQ(lookup_error("/no_such/deeper", LOOKUP_FOLLOW), -ENOENT);
    CHECK_EQ(lookup_error("", LOOKUP_FOLLOW), -ENOENT);
    CHECK_EQ(vfs_mkdir(NULL, "/no_such/deeper", 0755), -ENOENT);
    CHECK_EQ(vfs_mkdir(NULL, "/enoent", 0755), 0);
    CHECK_EQ(vfs_symlink(NULL, "nowhere", "/enoent/dangling"), 0);
    CHECK_EQ(lookup_error("/enoent/dangling", LOOKUP_FOLLOW), -ENOENT);
    CHECK_EQ(lookup_error("/enoent/dangling", 0), 0);
    CHECK_EQ(vfs_symlink(NULL, "", "/enoent/empty_target"), -ENOENT);
}

TEST(long_names_give_enametoolong)
{
    char name[300];
    memset(name, 'n', sizeof(name));
    name[0] = '/';
    name[256] = 0; /* a 255-byte component is allowed */
    CHECK_EQ(vfs_mkdir(NULL, name, 0755), 0);
    CHECK_EQ(lookup_error(name, 0), 0);
    name[256] = 'n';
    name[257] = 0; /* 256 bytes are too many */
    CHECK_EQ(vfs_mkdir(NULL, name, 0755), -ENAMETOOLONG);
    CHECK_EQ(lookup_error(name, 0), -ENAMETOOLONG);

    static char path[PATH_MAX + 10];
    for (int i = 0; i < PATH_MAX + 5; i += 2)
        path[i] = '/', path[i + 1] = '.';
    path[PATH_MAX - 1] = 0; /* 4095 bytes and the NUL fit */
    CHECK_EQ(lookup_error(path, 0), 0);
    path[PATH_MAX - 1] = '/';
    path[PATH_MAX] = 0; /* 4096 bytes do not */
    CHECK_EQ(lookup_error(path, 0), -ENAMETOOLONG);
}

TEST(mkdir_and_rmdir_report_linux_errors)
{
    CHECK_EQ(vfs_mkdir(NULL, "/dirs", 0755), 0);
    CHECK_EQ(vfs_mkdir(NULL, "/dirs", 0755), -EEXIST);
    CHECK_EQ(vfs_mkdir(NULL, "/", 0755), -EEXIST);
    CHECK_EQ(vfs_mkdir(NULL, "/dirs/.", 0755), -EEXIST);
    CHECK_EQ(vfs_mkdir(NULL, "/dirs/new/", 0755), 0); /* a trailing slash is fine */
    CHECK_EQ(vfs_mkdir(NULL, "/dirs/new/inner", 0755), 0);
    CHECK_EQ(vfs_symlink(NULL, "nowhere", "/dirs/dangling"), 0);
    CHECK_EQ(vfs_mkdir(NULL, "/dirs/dangling", 0755), -EEXIST);
    CHECK_EQ(make_file("/dirs/file", "x"), 0);

    CHECK_EQ(vfs_rmdir(NULL, "/dirs/new"), -ENOTEMPTY);
    CHECK_EQ(vfs_rmdir(NULL, "/dirs/file"), -ENOTDIR);
    CHECK_EQ(vfs_rmdir(NULL, "/dirs/missing"), -ENOENT);
    CHECK_EQ(vfs_rmdir(NULL, "/dirs/new/inner/."), -EINVAL);
    CHECK_EQ(vfs_rmdir(NULL, "/dirs/new/inner/.."), -ENOTEMPTY);
    CHECK_EQ(vfs_rmdir(NULL, "/"), -EBUSY);
    CHECK_EQ(vfs_rmdir(NULL, "/dirs/dangling"), -ENOTDIR);

    struct inode *dirs;
    CHECK_EQ(vfs_lookup("/dirs", false, &dirs), 0);
    CHECK_EQ(dirs->nlink, 3); /* ".", its name, and new's ".." */
    CHECK_EQ(vfs_rmdir(NULL, "/dirs/new/inner"), 0);
    CHECK_EQ(vfs_rmdir(NULL, "/dirs/new/"), 0);
    CHECK_EQ(dirs->nlink, 2);
    CHECK_EQ(lookup_error("/dirs/new", 0), -ENOENT);
    inode_put(dirs);
}

TEST(unlink_removes_names_not_directories)
{
    CHECK_EQ(vfs_mkdir(NULL, "/unl", 0755), 0);
    CHECK_EQ(vfs_mkdir(NULL, "/unl/dir", 0755), 0);
    CHECK_EQ(make_file("/unl/file", "data"), 0);
    CHECK_EQ(vfs_symlink(NULL, "file", "/unl/link"), 0);
    CHECK_EQ(vfs_unlink(NULL, "/unl/dir"), -EISDIR);
    CHECK_EQ(vfs_unlink(NULL, "/unl/."), -EISDIR);
    CHECK_EQ(vfs_unlink(NULL, "/unl/missing"), -ENOENT);
    CHECK_EQ(vfs_unlink(NULL, "/unl/file/"), -ENOTDIR);
    CHECK_EQ(vfs_unlink(NULL, "/unl/link"), 0); /* the link, not the file */
    CHECK_EQ(type_of("/unl/file", 0), S_IFREG);
    CHECK_EQ(lookup_error("/unl/link", 0), -ENOENT);
    struct inode *file, *dir;
    CHECK_EQ(vfs_lookup("/unl/file", false, &file), 0);
    CHECK_EQ(vfs_lookup("/unl/dir", false, &dir), 0);
    CHECK_EQ(vfs_link(file, NULL, "/unl/hard"), 0);
    CHECK_EQ(vfs_link(dir, NULL, "/unl/hard_dir"), -EPERM);
    CHECK_EQ(vfs_link(file, NULL, "/unl/hard"), -EEXIST);
    CHECK_EQ(vfs_link(file, NULL, "/unl/new/"), -ENOENT);
    inode_put(dir);
    CHECK_EQ(file->nlink, 2);
    CHECK_EQ(vfs_unlink(NULL, "/unl/file"), 0);
    CHECK_EQ(file->nlink, 1);
    inode_put(file);
}

TEST(rename_follows_the_rules_of_rename_2)
{
    CHECK_EQ(vfs_mkdir(NULL, "/ren", 0755), 0);
    CHECK_EQ(vfs_mkdir(NULL, "/ren/a", 0755), 0);
    CHECK_EQ(vfs_mkdir(NULL, "/ren/a/sub", 0755), 0);
    CHECK_EQ(vfs_mkdir(NULL, "/ren/full", 0755), 0);
    CHECK_EQ(vfs_mkdir(NULL, "/ren/full/x", 0755), 0);
    CHECK_EQ(vfs_mkdir(NULL, "/ren/empty", 0755), 0);
    CHECK_EQ(make_file("/ren/f1", "one"), 0);
    CHECK_EQ(make_file("/ren/f2", "two"), 0);

    CHECK_EQ(vfs_rename(NULL, "/ren/missing", NULL, "/ren/x", 0), -ENOENT);
    CHECK_EQ(vfs_rename(NULL, "/ren/a", NULL, "/ren/a/sub/a", 0), -EINVAL);
    CHECK_EQ(vfs_rename(NULL, "/ren/a", NULL, "/ren/full", 0), -ENOTEMPTY);
    CHECK_EQ(vfs_rename(NULL, "/ren/a", NULL, "/ren/f1", 0), -ENOTDIR);
    CHECK_EQ(vfs_rename(NULL, "/ren/f1", NULL, "/ren/a", 0), -EISDIR);
    CHECK_EQ(vfs_rename(NULL, "/ren/f1", NULL, "/ren/f2", RENAME_NOREPLACE), -EEXIST);
    CHECK_EQ(vfs_rename(NULL, "/ren/f1", NULL, "/ren/f2", RENAME_EXCHANGE), -EINVAL);
    CHECK_EQ(vfs_rename(NULL, "/ren/.", NULL, "/ren/z", 0), -EBUSY);

    long long f1 = ino_of("/ren/f1", 0);
    CHECK_EQ(vfs_rename(NULL, "/ren/f1", NULL, "/ren/f2", 0), 0);
    CHECK_EQ(ino_of("/ren/f2", 0), f1);
    CHECK_EQ(lookup_error("/ren/f1", 0), -ENOENT);

    long long a = ino_of("/ren/a", 0);
    CHECK_EQ(vfs_rename(NULL, "/ren/a", NULL, "/ren/empty", 0), 0); /* replaces it */
    CHECK_EQ(ino_of("/ren/empty", 0), a);
    CHECK_EQ(vfs_rename(NULL, "/ren/empty", NULL, "/ren/full/moved", 0), 0);
    CHECK_EQ(ino_of("/ren/full/moved/sub/../..", 0), ino_of("/ren/full", 0));
    struct inode *ren, *full;
    CHECK_EQ(vfs_lookup("/ren", false, &ren), 0);
    CHECK_EQ(vfs_lookup("/ren/full", false, &full), 0);
    CHECK_EQ(ren->nlink, 3);  /* ".", its name, full's ".." */
    CHECK_EQ(full->nlink, 4); /* ".", its name, x and moved */
    inode_put(ren);
    inode_put(full);
}

TEST(file_data_spans_pages_and_survives_unlink)
{
    int frames_before = shim_frames_in_use;
    static char data[3 * 4096 + 100], back[sizeof(data)];
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (char)(i * 7);
    struct file *file;
    CHECK_EQ(vfs_open(NULL, "/data", O_RDWR | O_CREAT | O_EXCL, 0600, &file), 0);
    CHECK_EQ(vfs_open(NULL, "/data", O_RDWR | O_CREAT | O_EXCL, 0600, &file), -EEXIST);
    CHECK_EQ(file->ops->write(file, data, sizeof(data), &file->offset, copy_kernel),
             (long long)sizeof(data));
    CHECK_EQ(inode_size(file->inode), sizeof(data));
    CHECK_EQ(inode_read(file->inode, back, sizeof(back), 0), (long long)sizeof(back));
    CHECK(memcmp(data, back, sizeof(data)) == 0);
    CHECK_EQ(inode_mode(file->inode), S_IFREG | 0600);

    CHECK_EQ(vfs_unlink(NULL, "/data"), 0);
    CHECK_EQ(inode_read(file->inode, back, 10, 4096), 10);
    CHECK(memcmp(data + 4096, back, 10) == 0);

    CHECK_EQ(vfs_truncate(file->inode, 5000), 0);
    CHECK_EQ(vfs_truncate(file->inode, 9000), 0);
    CHECK_EQ(inode_read(file->inode, back, 9000, 0), 9000);
    CHECK(memcmp(data, back, 5000) == 0);
    CHECK(back[5000] == 0 && back[8999] == 0); /* zeros after shrinking and growing */
    CHECK_EQ(inode_write(file->inode, "hole", 4, 100000), 4);
    CHECK_EQ(inode_read(file->inode, back, 10, 50000), 10);
    CHECK(back[0] == 0 && back[9] == 0);
    file_put(file);
    CHECK_EQ(shim_frames_in_use, frames_before); /* the last close freed every page */
}

TEST(open_flags_are_checked)
{
    struct file *file;
    CHECK_EQ(vfs_mkdir(NULL, "/opn", 0755), 0);
    CHECK_EQ(vfs_open(NULL, "/opn", O_WRONLY, 0, &file), -EISDIR);
    CHECK_EQ(vfs_open(NULL, "/opn", O_RDONLY | O_CREAT, 0644, &file), -EISDIR);
    CHECK_EQ(vfs_open(NULL, "/opn/new/", O_RDWR | O_CREAT, 0644, &file), -EISDIR);
    CHECK_EQ(vfs_open(NULL, "/opn/x", O_RDONLY | O_CREAT | O_DIRECTORY, 0644, &file), -EINVAL);
    CHECK_EQ(vfs_open(NULL, "/opn/x", O_RDONLY | O_ASYNC, 0, &file), -EINVAL);
    CHECK_EQ(vfs_symlink(NULL, "made_by_link", "/opn/dangling"), 0);
    CHECK_EQ(vfs_open(NULL, "/opn/dangling", O_RDONLY | O_NOFOLLOW, 0, &file), -ELOOP);
    CHECK_EQ(vfs_open(NULL, "/opn/dangling", O_WRONLY | O_CREAT | O_EXCL, 0644, &file), -EEXIST);
    CHECK_EQ(vfs_open(NULL, "/opn/dangling", O_WRONLY | O_CREAT, 0644, &file), 0);
    file_put(file);
    CHECK_EQ(type_of("/opn/made_by_link", 0), S_IFREG); /* created at the link's target */
    CHECK_EQ(make_file("/opn/truncated", "some text"), 0);
    CHECK_EQ(vfs_open(NULL, "/opn/truncated", O_WRONLY | O_TRUNC, 0, &file), 0);
    CHECK_EQ(inode_size(file->inode), 0);
    file_put(file);
    CHECK_EQ(vfs_open(NULL, "/opn/dangling", O_PATH | O_NOFOLLOW, 0, &file), 0);
    CHECK_EQ(file->inode->mode & S_IFMT, S_IFLNK);
    file_put(file);
}

TEST(getcwd_names_the_directory_from_the_root)
{
    CHECK_EQ(vfs_mkdir(NULL, "/cwd", 0755), 0);
    CHECK_EQ(vfs_mkdir(NULL, "/cwd/deeper", 0755), 0);
    char buf[64];
    struct inode *dir;
    CHECK_EQ(vfs_lookup("/cwd/deeper", false, &dir), 0);
    CHECK_EQ(vfs_path_of(dir, buf, sizeof(buf)), 12);
    CHECK_STR(buf, "/cwd/deeper");
    CHECK_EQ(vfs_path_of(dir, buf, 5), -ERANGE);
    CHECK_EQ(vfs_path_of(vfs_root(), buf, sizeof(buf)), 2);
    CHECK_STR(buf, "/");
    CHECK_EQ(vfs_rmdir(NULL, "/cwd/deeper"), 0);
    CHECK_EQ(vfs_path_of(dir, buf, sizeof(buf)), -ENOENT);
    CHECK_EQ(lookup_error("/cwd/deeper/..", 0), -ENOENT);
    inode_put(dir);
}

/* vfs_absolute_path's result compared with expected, freed. */
static void check_absolute(struct inode *start, const char *path, const char *expected)
{
    char *absolute = vfs_absolute_path(start, path);
    CHECK(absolute != NULL);
    if (absolute)
        CHECK_STR(absolute, expected);
    kfree(absolute);
}

TEST(absolute_paths_are_tidied_without_following_symlinks)
{
    CHECK_EQ(vfs_mkdir(NULL, "/abs", 0755), 0);
    CHECK_EQ(vfs_mkdir(NULL, "/abs/sub", 0755), 0);
    struct inode *dir;
    CHECK_EQ(vfs_lookup("/abs/sub", false, &dir), 0);
    check_absolute(NULL, "/a//b/../c/.", "/a/c");
    check_absolute(NULL, "/", "/");
    check_absolute(NULL, "/..", "/");
    check_absolute(NULL, "//x/", "/x");
    check_absolute(dir, "file", "/abs/sub/file");
    check_absolute(dir, "../../up", "/up");
    check_absolute(dir, ".", "/abs/sub");
    inode_put(dir);
}

/* Collects the names getdents64 returns, space-separated. */
static void list_directory(struct file *dir, char *names, size_t size)
{
    char buf[80]; /* small: several calls are needed */
    size_t used = 0;
    int n;
    while ((n = vfs_getdents(dir, buf, sizeof(buf))) > 0) {
        for (int at = 0; at < n;) {
            struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + at);
            used += (size_t)snprintf(names + used, size - used, "%s ", d->d_name);
            at += d->d_reclen;
        }
    }
}

TEST(getdents_lists_every_entry_once)
{
    CHECK_EQ(vfs_mkdir(NULL, "/list", 0755), 0);
    CHECK_EQ(make_file("/list/one", ""), 0);
    CHECK_EQ(vfs_mkdir(NULL, "/list/two", 0755), 0);
    CHECK_EQ(vfs_symlink(NULL, "one", "/list/three"), 0);
    struct file *dir;
    CHECK_EQ(vfs_open(NULL, "/list", O_RDONLY | O_DIRECTORY, 0, &dir), 0);
    char names[200];
    list_directory(dir, names, sizeof(names));
    CHECK_STR(names, ". .. one two three ");
    char tiny[8];
    dir->offset = 0;
    CHECK_EQ(vfs_getdents(dir, tiny, sizeof(tiny)), -EINVAL);
    file_put(dir);
}

TEST(a_tmpfs_mount_covers_its_directory_and_dot_dot_leaves_it)
{
    CHECK_EQ(vfs_mkdir(NULL, "/mnt", 0755), 0);
    CHECK_EQ(make_file("/mnt/under", "hidden"), 0);
    CHECK_EQ(do_mount("none", "/mnt", "tmpfs", MS_NOSUID), 0);
    CHECK_EQ(lookup_error("/mnt/under", 0), -ENOENT);
    CHECK_EQ(make_file("/mnt/inside", "x"), 0);
    CHECK_EQ(lookup_error("/mnt/inside", 0), 0);
    CHECK_EQ(ino_of("/mnt/..", 0), ino_of("/", 0));
    CHECK_EQ(vfs_link(vfs_root(), NULL, "/mnt/root-link"), -EPERM);
    CHECK_EQ(vfs_rmdir(NULL, "/mnt"), -EBUSY);
    struct inode *dir;
    CHECK_EQ(vfs_lookup_at(NULL, "/mnt", LOOKUP_DIRECTORY, &dir), 0);
    char path[64];
    CHECK_EQ(vfs_path_of(dir, path, sizeof(path)), 5);
    CHECK_STR(path, "/mnt");
    inode_put(dir);
    char shown[256];
    shown[mnt_ns_show(current_mnt_ns(), shown, sizeof(shown))] = 0;
    CHECK_STR(shown, "rootfs / rootfs rw,relatime 0 0\nnone /mnt tmpfs rw,nosuid,relatime 0 0\n");
    CHECK_EQ(do_umount("/mnt", 0), 0);
    CHECK_EQ(lookup_error("/mnt/under", 0), 0);
    CHECK_EQ(do_umount("/mnt", 0), -EINVAL);
}

TEST(unmounting_a_tmpfs_frees_its_files)
{
    CHECK_EQ(vfs_mkdir(NULL, "/scratch", 0755), 0);
    int frames_before = shim_frames_in_use;
    CHECK_EQ(do_mount("none", "/scratch", "tmpfs", 0), 0);
    CHECK_EQ(vfs_mkdir(NULL, "/scratch/a", 0755), 0);
    CHECK_EQ(vfs_mkdir(NULL, "/scratch/a/b", 0755), 0);
    CHECK_EQ(make_file("/scratch/a/b/deep", "data"), 0);
    CHECK_EQ(make_file("/scratch/top", "data"), 0);
    CHECK(shim_frames_in_use > frames_before);
    CHECK_EQ(do_umount("/scratch", MNT_DETACH), 0);
    CHECK_EQ(shim_frames_in_use, frames_before);
    CHECK_EQ(lookup_error("/scratch/top", 0), -ENOENT);
}

TEST(mount_flags_are_checked_as_linux_does)
{
    CHECK_EQ(vfs_mkdir(NULL, "/flags", 0755), 0);
    CHECK_EQ(do_mount("none", "/flags", "ext4", 0), -ENODEV);
    CHECK_EQ(do_mount("none", "/nowhere", "tmpfs", 0), -ENOENT);
    CHECK_EQ(do_mount("none", "/flags", NULL, 0), -EINVAL);
    CHECK_EQ(do_mount("none", "/flags", "tmpfs", MS_BIND), -EINVAL);
    CHECK_EQ(do_mount(NULL, "/", NULL, MS_REC | MS_PRIVATE), 0);
    CHECK_EQ(do_mount(NULL, "/", NULL, MS_SHARED | MS_PRIVATE), -EINVAL);
    CHECK_EQ(do_mount(NULL, "/flags", NULL, MS_PRIVATE), -EINVAL); /* not a mount's root */
    CHECK_EQ(do_mount(NULL, "/flags", NULL, MS_REMOUNT | MS_NOSUID), -EINVAL);
    CHECK_EQ(do_umount("/flags", 64), -EINVAL);
    CHECK_EQ(do_umount("/", 0), -EBUSY);
}

TEST(a_mount_in_a_copied_namespace_is_not_seen_from_the_first)
{
    CHECK_EQ(vfs_mkdir(NULL, "/private", 0755), 0);
    struct mnt_ns *first = current_mnt_ns(); /* the shim's process is in none: the first */
    shim_set_mnt_ns(mnt_ns_copy(first));
    CHECK_EQ(do_mount("none", "/private", "tmpfs", 0), 0);
    CHECK_EQ(make_file("/private/mine", "x"), 0);
    CHECK_EQ(lookup_error("/private/mine", 0), 0);
    struct mnt_ns *copy = current_mnt_ns();
    shim_set_mnt_ns(first);
    CHECK_EQ(lookup_error("/private/mine", 0), -ENOENT);
    shim_set_mnt_ns(copy);
    CHECK_EQ(lookup_error("/private/mine", 0), 0);
    shim_set_mnt_ns(NULL);
    mnt_ns_put(copy);
    CHECK_EQ(lookup_error("/private/mine", 0), -ENOENT);
}

int main(void)
{
    vfs_init();
    RUN(dot_and_dot_dot_resolve_within_the_tree);
    RUN(relative_paths_start_at_the_cwd);
    RUN(symlinks_are_followed_in_every_component);
    RUN(symlink_loops_give_eloop_after_40_links);
    RUN(a_file_in_the_middle_of_a_path_gives_enotdir);
    RUN(missing_names_give_enoent);
    RUN(long_names_give_enametoolong);
    RUN(mkdir_and_rmdir_report_linux_errors);
    RUN(unlink_removes_names_not_directories);
    RUN(rename_follows_the_rules_of_rename_2);
    RUN(file_data_spans_pages_and_survives_unlink);
    RUN(open_flags_are_checked);
    RUN(getcwd_names_the_directory_from_the_root);
    RUN(getdents_lists_every_entry_once);
    RUN(absolute_paths_are_tidied_without_following_symlinks);
    RUN(a_tmpfs_mount_covers_its_directory_and_dot_dot_leaves_it);
    RUN(unmounting_a_tmpfs_frees_its_files);
    RUN(mount_flags_are_checked_as_linux_does);
    RUN(a_mount_in_a_copied_namespace_is_not_seen_from_the_first);
    UNIT_EXIT();
}
