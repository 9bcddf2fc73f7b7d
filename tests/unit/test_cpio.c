// SOURCES: kernel/lib/string.c kernel/fs/cpio.c kernel/fs/vfs.c kernel/fs/file.c kernel/fs/ramfs.c kernel/fs/mount.c tests/unit/shim_fs.c
/* test_cpio.c - the initramfs: the newc parser on good and broken archives (cpio.c), and
 * unpacking into the root ramfs with later archives replacing earlier files.
 */
#include "unit.h"

#include "fs.h"

extern char shim_last_message[512];

/* An archive being built by a test. */
struct archive {
    char bytes[16384];
    size_t length;
};

static void pad4(struct archive *a)
{
    while (a->length % 4)
        a->bytes[a->length++] = 0;
}

/* Append one newc entry: header, name, data, each padded to 4 bytes as cpio -H newc does.
 * ino and nlink tell hard links apart. */
static void add_named(struct archive *a, const char *name, unsigned mode, const char *data,
                      unsigned mtime, unsigned ino, unsigned nlink)
{
    size_t data_size = data ? strlen(data) : 0;
    a->length += (size_t)snprintf(a->bytes + a->length, sizeof(a->bytes) - a->length,
                                  "070701%08x%08x%08x%08x%08x%08x%08zx%08x%08x%08x%08x%08zx%08x",
                                  ino, mode, 0u, 0u, nlink, mtime, data_size, 8u, 1u, 1u, 3u,
                                  strlen(name) + 1, 0u);
    memcpy(a->bytes + a->length, name, strlen(name) + 1);
    a->length += strlen(name) + 1;
    pad4(a);
    memcpy(a->bytes + a->length, data ? data : "", data_size);
    a->length += data_size;
    pad4(a);
}

static void add(struct archive *a, const char *name, unsigned mode, const char *data,
                unsigned mtime)
{
    static unsigned next_ino = 100;
    add_named(a, name, mode, data, mtime, next_ino++, 1);
}

static void finish(struct archive *a) { add(a, "TRAILER!!!", 0, NULL, 0); }

/* What the parser handed out. */
struct seen {
    int count;
    char names[8][32];
    unsigned modes[8];
};

static int remember(const struct cpio_entry *entry, void *context)
{
    struct seen *seen = context;
    if (seen->count < 8) {
        snprintf(seen->names[seen->count], sizeof(seen->names[0]), "%s", entry->name);
        seen->modes[seen->count] = entry->mode;
    }
    seen->count++;
    return 0;
}

/* The contents of a file in the root, as a string. */
static const char *contents(const char *path)
{
    static char buf[256];
    struct inode *inode;
    if (vfs_lookup(path, true, &inode))
        return "(missing)";
    ssize_t n = inode_read(inode, buf, sizeof(buf) - 1, 0);
    inode_put(inode);
    buf[n < 0 ? 0 : n] = 0;
    return buf;
}

static mode_t mode_of(const char *path)
{
    struct inode *inode;
    if (vfs_lookup(path, false, &inode))
        return 0;
    mode_t mode = inode->mode;
    inode_put(inode);
    return mode;
}

TEST(a_good_archive_hands_out_every_entry_in_order)
{
    static struct archive a;
    a.length = 0;
    add(&a, ".", S_IFDIR | 0755, NULL, 0);
    add(&a, "bin", S_IFDIR | 0755, NULL, 0);
    add(&a, "bin/hello", S_IFREG | 0755, "#!hello\n", 0);
    add(&a, "dev/console", S_IFCHR | 0600, NULL, 0);
    finish(&a);
    struct seen seen = {0};
    struct cpio_error error = {0, NULL};
    CHECK_EQ(cpio_parse(a.bytes, a.length, remember, &seen, &error), 0);
    CHECK_EQ(seen.count, 4); /* the trailer is not an entry */
    CHECK_STR(seen.names[2], "bin/hello");
    CHECK_EQ(seen.modes[2], S_IFREG | 0755);
    CHECK_STR(seen.names[3], "dev/console");
}

TEST(a_good_archive_unpacks_into_the_root)
{
    static struct archive a;
    a.length = 0;
    add(&a, "./good", S_IFDIR | 0700, NULL, 1000);
    add(&a, "./good/file", S_IFREG | 0640, "contents\n", 2000);
    add(&a, "good/implied/parents/file", S_IFREG | 0644, "deep", 0);
    add(&a, "good/dev_null", S_IFCHR | 0666, NULL, 0);
    finish(&a);
    cpio_unpack(a.bytes, a.length, "good.cpio");
    CHECK_EQ(mode_of("/good"), S_IFDIR | 0700);
    CHECK_STR(contents("/good/file"), "contents\n");
    CHECK_EQ(mode_of("/good/file"), S_IFREG | 0640);
    CHECK_STR(contents("/good/implied/parents/file"), "deep");
    struct inode *inode;
    CHECK_EQ(vfs_lookup("/good/file", false, &inode), 0);
    CHECK_EQ(inode->mtime.tv_sec, 2000);
    inode_put(inode);
    CHECK_EQ(vfs_lookup("/good/dev_null", false, &inode), 0);
    CHECK_EQ(inode->rdev, MKDEV(1, 3));
    CHECK_EQ(inode->mode, S_IFCHR | 0666);
    inode_put(inode);
}

TEST(a_later_archive_replaces_earlier_files)
{
    static struct archive first, second;
    first.length = second.length = 0;
    add(&first, "etc", S_IFDIR | 0755, NULL, 0);
    add(&first, "etc/motd", S_IFREG | 0644, "old and longer text\n", 0);
    add(&first, "etc/keep", S_IFREG | 0644, "kept\n", 0);
    add(&first, "etc/becomes_link", S_IFREG | 0644, "file\n", 0);
    finish(&first);
    add(&second, "etc", S_IFDIR | 0700, NULL, 0);
    add(&second, "etc/motd", S_IFREG | 0600, "new\n", 0);
    add(&second, "etc/becomes_link", S_IFLNK | 0777, "motd", 0);
    finish(&second);
    cpio_unpack(first.bytes, first.length, "first.cpio");
    cpio_unpack(second.bytes, second.length, "second.cpio");
    CHECK_STR(contents("/etc/motd"), "new\n");
    CHECK_EQ(mode_of("/etc/motd"), S_IFREG | 0600);
    CHECK_STR(contents("/etc/keep"), "kept\n"); /* the directory was kept, not emptied */
    CHECK_EQ(mode_of("/etc"), S_IFDIR | 0700);
    CHECK_EQ(mode_of("/etc/becomes_link"), S_IFLNK | 0777);
    CHECK_STR(contents("/etc/becomes_link"), "new\n");
}

TEST(symlinks_and_modes_are_honoured)
{
    static struct archive a;
    a.length = 0;
    add(&a, "links", S_IFDIR | 0755, NULL, 0);
    add(&a, "links/target", S_IFREG | 04755, "target\n", 0);
    add(&a, "links/relative", S_IFLNK | 0777, "target", 0);
    add(&a, "links/absolute", S_IFLNK | 0777, "/links/target", 0);
    add(&a, "links/sticky", S_IFDIR | 01777, NULL, 0);
    finish(&a);
    cpio_unpack(a.bytes, a.length, "links.cpio");
    CHECK_EQ(mode_of("/links/target"), S_IFREG | 04755);
    CHECK_EQ(mode_of("/links/sticky"), S_IFDIR | 01777);
    CHECK_EQ(mode_of("/links/relative"), S_IFLNK | 0777);
    CHECK_STR(contents("/links/relative"), "target\n");
    CHECK_STR(contents("/links/absolute"), "target\n");
    struct inode *link;
    char text[32] = {0};
    CHECK_EQ(vfs_lookup("/links/absolute", false, &link), 0);
    CHECK_EQ(vfs_readlink(link, text, sizeof(text)), 13);
    CHECK_STR(text, "/links/target");
    inode_put(link);
}

TEST(hard_links_share_the_data_of_the_last_name)
{
    static struct archive a;
    a.length = 0;
    add(&a, "hard", S_IFDIR | 0755, NULL, 0);
    add_named(&a, "hard/first", S_IFREG | 0755, NULL, 0, 7, 3); /* cpio -H newc puts the */
    add_named(&a, "hard/second", S_IFREG | 0755, NULL, 0, 7, 3); /* data with the last name */
    add_named(&a, "hard/third", S_IFREG | 0755, "shared\n", 0, 7, 3);
    add_named(&a, "hard/other", S_IFREG | 0644, "own\n", 0, 8, 1);
    finish(&a);
    cpio_unpack(a.bytes, a.length, "hard.cpio");
    CHECK_STR(contents("/hard/first"), "shared\n");
    CHECK_STR(contents("/hard/second"), "shared\n");
    CHECK_STR(contents("/hard/other"), "own\n");
    struct inode *first, *third;
    CHECK_EQ(vfs_lookup("/hard/first", false, &first), 0);
    CHECK_EQ(vfs_lookup("/hard/third", false, &third), 0);
    CHECK(first == third);
    CHECK_EQ(first->nlink, 3);
    inode_put(first);
    inode_put(third);
}

TEST(a_truncated_archive_is_reported_where_it_breaks)
{
    static struct archive a;
    a.length = 0;
    add(&a, "trunc_one", S_IFREG | 0644, "1", 0);
    size_t second = a.length;
    add(&a, "trunc_two", S_IFREG | 0644, "a longer file that will be cut short", 0);
    struct seen seen = {0};
    struct cpio_error error = {0, NULL};

    CHECK_EQ(cpio_parse(a.bytes, a.length - 10, remember, &seen, &error), -1);
    CHECK_EQ(seen.count, 1); /* the good entry before the damage was handed out */
    CHECK_EQ(error.offset, second);
    CHECK_STR(error.reason, "truncated data");

    seen.count = 0;
    CHECK_EQ(cpio_parse(a.bytes, second + 50, remember, &seen, &error), -1);
    CHECK_EQ(error.offset, second);
    CHECK_STR(error.reason, "truncated header");

    CHECK_EQ(cpio_parse(a.bytes, second + 112, remember, &seen, &error), -1);
    CHECK_STR(error.reason, "truncated name");
}

TEST(a_bad_magic_is_reported_and_the_next_module_still_unpacks)
{
    static struct archive bad, good;
    bad.length = good.length = 0;
    add(&bad, "magic_first", S_IFREG | 0644, "1", 0);
    size_t second = bad.length;
    add(&bad, "magic_second", S_IFREG | 0644, "2", 0);
    bad.bytes[second + 5] = '9'; /* 070709 */
    finish(&bad);
    struct seen seen = {0};
    struct cpio_error error = {0, NULL};
    CHECK_EQ(cpio_parse(bad.bytes, bad.length, remember, &seen, &error), -1);
    CHECK_EQ(error.offset, second);
    CHECK_STR(error.reason, "bad magic");

    cpio_unpack(bad.bytes, bad.length, "bad.cpio");
    char expected[128];
    snprintf(expected, sizeof(expected),
             "initramfs: bad.cpio: corrupt archive at offset %zu: bad magic\n", second);
    CHECK_STR(shim_last_message, expected);
    CHECK_STR(contents("/magic_first"), "1");
    CHECK_STR(contents("/magic_second"), "(missing)");

    add(&good, "magic_second", S_IFREG | 0644, "fixed", 0);
    finish(&good);
    cpio_unpack(good.bytes, good.length, "good.cpio");
    CHECK_STR(contents("/magic_second"), "fixed");
}

TEST(bad_names_and_fields_are_corrupt)
{
    static struct archive a;
    a.length = 0;
    add(&a, "name", S_IFREG | 0644, NULL, 0);
    struct cpio_error error = {0, NULL};
    struct seen seen = {0};

    static struct archive copy;
    copy = a;
    copy.bytes[110 + 4] = 'x'; /* the NUL that ends the name */
    CHECK_EQ(cpio_parse(copy.bytes, copy.length, remember, &seen, &error), -1);
    CHECK_STR(error.reason, "name overflow");

    copy = a;
    memcpy(copy.bytes + 6 + 11 * 8, "00002000", 8); /* namesize 8192 > PATH_MAX */
    CHECK_EQ(cpio_parse(copy.bytes, copy.length, remember, &seen, &error), -1);
    CHECK_STR(error.reason, "name overflow");

    copy = a;
    copy.bytes[6 + 8 + 3] = 'g'; /* not a hex digit in the mode */
    CHECK_EQ(cpio_parse(copy.bytes, copy.length, remember, &seen, &error), -1);
    CHECK_STR(error.reason, "bad header field");
    CHECK_EQ(seen.count, 0);
}

TEST(archives_concatenated_with_zero_padding_are_all_read)
{
    static struct archive a;
    a.length = 0;
    add(&a, "cat_one", S_IFREG | 0644, "1", 0);
    finish(&a);
    memset(a.bytes + a.length, 0, 512); /* cpio pads archives to 512-byte blocks */
    a.length += 512;
    add(&a, "cat_two", S_IFREG | 0644, "2", 0);
    finish(&a);
    struct seen seen = {0};
    struct cpio_error error = {0, NULL};
    CHECK_EQ(cpio_parse(a.bytes, a.length, remember, &seen, &error), 0);
    CHECK_EQ(seen.count, 2);
    CHECK_STR(seen.names[1], "cat_two");
    CHECK_EQ(cpio_parse(a.bytes, 0, remember, &seen, &error), 0); /* an empty module */
}

int main(void)
{
    vfs_init();
    RUN(a_good_archive_hands_out_every_entry_in_order);
    RUN(a_good_archive_unpacks_into_the_root);
    RUN(a_later_archive_replaces_earlier_files);
    RUN(symlinks_and_modes_are_honoured);
    RUN(hard_links_share_the_data_of_the_last_name);
    RUN(a_truncated_archive_is_reported_where_it_breaks);
    RUN(a_bad_magic_is_reported_and_the_next_module_still_unpacks);
    RUN(bad_names_and_fields_are_corrupt);
    RUN(archives_concatenated_with_zero_padding_are_all_read);
    UNIT_EXIT();
}
