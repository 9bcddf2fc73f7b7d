/* cpio.c - the initramfs: every boot module is a cpio archive ("newc" format) unpacked into
 * the root ramfs at boot, in order, later files replacing earlier ones (as Linux does).
 *
 * cpio_parse() only reads a byte buffer and hands each entry to a callback, so host unit
 * tests can feed it any archive; cpio_unpack() is the callback side that makes the files.
 */
#include "boot_info.h"
#include "fs.h"
#include "mm.h"
#include "printk.h"
#include "string.h"

/* A newc header is the magic and 13 fields of 8 hex digits, 110 ASCII bytes in all. */
#define HEADER_SIZE 110
#define MAGIC_LENGTH 6
#define FIELD_LENGTH 8

enum header_field {
    FIELD_INO,
    FIELD_MODE,
    FIELD_UID,
    FIELD_GID,
    FIELD_NLINK,
    FIELD_MTIME,
    FIELD_FILESIZE,
    FIELD_DEVMAJOR,
    FIELD_DEVMINOR,
    FIELD_RDEVMAJOR,
    FIELD_RDEVMINOR,
    FIELD_NAMESIZE,
    FIELD_CHECK,
    FIELD_COUNT
};

static const char trailer_name[] = "TRAILER!!!";

/* ---- the parser ---- */

/* Fill in where and why the archive is bad; the parser's -1. */
static int corrupt(struct cpio_error *error, size_t offset, const char *reason)
{
    error->offset = offset;
    error->reason = reason;
    return -1;
}

/* Eight hex digits, exactly. */
static bool parse_hex_field(const char *text, uint32_t *out)
{
    uint32_t value = 0;
    for (int i = 0; i < FIELD_LENGTH; i++) {
        char c = text[i];
        int digit = c >= '0' && c <= '9'   ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                           : -1;
        if (digit < 0)
            return false;
        value = value << 4 | (uint32_t)digit;
    }
    *out = value;
    return true;
}

/* Read the header at offset: its fields, or the reason it is bad. */
static const char *parse_header(const char *header, uint32_t fields[FIELD_COUNT])
{
    if (memcmp(header, "070701", MAGIC_LENGTH) != 0 && memcmp(header, "070702", MAGIC_LENGTH) != 0)
        return "bad magic";
    for (int i = 0; i < FIELD_COUNT; i++)
        if (!parse_hex_field(header + MAGIC_LENGTH + i * FIELD_LENGTH, &fields[i]))
            return "bad header field";
    return NULL;
}

/* See fs.h. Each round: skip padding, check the header, name and data, hand out the entry. */
int cpio_parse(const void *buf, size_t size, cpio_entry_fn entry_fn, void *context,
               struct cpio_error *error)
{
    const char *bytes = buf;
    size_t offset = 0;
    for (;;) {
        while (offset < size && bytes[offset] == 0) /* padding between archives */
            offset++;
        if (offset == size)
            return 0;
        if (offset % 4)
            return corrupt(error, offset, "broken padding");
        if (size - offset < HEADER_SIZE)
            return corrupt(error, offset, "truncated header");
        uint32_t fields[FIELD_COUNT];
        const char *reason = parse_header(bytes + offset, fields);
        if (reason)
            return corrupt(error, offset, reason);

        uint32_t name_size = fields[FIELD_NAMESIZE];
        size_t name_start = offset + HEADER_SIZE;
        if (name_size == 0 || name_size > PATH_MAX)
            return corrupt(error, offset, "name overflow");
        if (name_size > size - name_start)
            return corrupt(error, offset, "truncated name");
        if (bytes[name_start + name_size - 1] != 0)
            return corrupt(error, offset, "name overflow");
        size_t data_start = ALIGN_UP(name_start + name_size, 4);
        uint32_t data_size = fields[FIELD_FILESIZE];
        if (data_size > 0 && (data_start > size || data_size > size - data_start))
            return corrupt(error, offset, "truncated data");

        struct cpio_entry entry = {
            .name = bytes + name_start,
            .mode = fields[FIELD_MODE],
            .mtime = fields[FIELD_MTIME],
            .rdev = MKDEV(fields[FIELD_RDEVMAJOR], fields[FIELD_RDEVMINOR]),
            .ino = fields[FIELD_INO],
            .dev = MKDEV(fields[FIELD_DEVMAJOR], fields[FIELD_DEVMINOR]),
            .nlink = fields[FIELD_NLINK],
            .data = bytes + MIN(data_start, size),
            .size = data_size,
        };
        offset = MIN(ALIGN_UP(data_start + data_size, 4), size);
        if (strcmp(entry.name, trailer_name) == 0)
            continue; /* the end of one archive; another may follow */
        int result = entry_fn(&entry, context);
        if (result)
            return result;
    }
}

/* ---- unpacking into the root ---- */

#define HARD_LINKS_MAX 64

/* A regular file the archive may name again: newc marks hard links by the same ino and dev,
 * and cpio puts the data with the last of the names. */
struct hard_link {
    uint32_t ino, dev;   /* as the archive numbers the file */
    struct inode *inode; /* the file made for its first name (a reference) */
};

/* What unpacking one module keeps from entry to entry. */
struct unpack {
    const char *module_name;
    int link_count;
    struct hard_link links[HARD_LINKS_MAX];
};

/* Only regular files with more than one name can be hard links in newc. */
static bool may_be_linked(const struct cpio_entry *entry)
{
    return S_ISREG(entry->mode) && entry->nlink > 1;
}

/* The file an earlier name of this entry made, or NULL. */
static struct inode *earlier_name(struct unpack *unpack, const struct cpio_entry *entry)
{
    for (int i = 0; i < unpack->link_count && may_be_linked(entry); i++)
        if (unpack->links[i].ino == entry->ino && unpack->links[i].dev == entry->dev)
            return unpack->links[i].inode;
    return NULL;
}

/* Remember the file at path for later names of it (beyond HARD_LINKS_MAX they become
 * separate files). */
static void remember_name(struct unpack *unpack, const char *path, const struct cpio_entry *entry)
{
    struct inode *inode;
    if (unpack->link_count == HARD_LINKS_MAX || vfs_lookup_at(vfs_root(), path, 0, &inode))
        return;
    unpack->links[unpack->link_count++] = (struct hard_link){entry->ino, entry->dev, inode};
}

/* mkdir -p for the directories above path (the archive may not list them). */
static void make_parents(const char *path)
{
    char *prefix = kmalloc(PATH_MAX);
    if (!prefix)
        return;
    for (const char *slash = strchr(path, '/'); slash; slash = strchr(slash + 1, '/')) {
        size_t length = (size_t)(slash - path);
        memcpy(prefix, path, length);
        prefix[length] = 0;
        vfs_mkdir(vfs_root(), prefix, 0755);
    }
    kfree(prefix);
}

/* Clear the way for a new entry at path: a later file replaces an earlier one, but an
 * existing directory stays (with its contents) when the new entry is a directory too.
 * Returns 1 when that directory is kept. */
static int replace_existing(const char *path, mode_t mode)
{
    struct inode *old;
    if (vfs_lookup_at(vfs_root(), path, 0, &old) != 0)
        return 0;
    bool old_is_dir = S_ISDIR(old->mode);
    inode_put(old);
    if (old_is_dir && S_ISDIR(mode))
        return 1;
    return old_is_dir ? vfs_rmdir(vfs_root(), path) : vfs_unlink(vfs_root(), path);
}

/* A symlink whose target is the entry's data (not NUL-terminated in the archive). */
static int make_symlink(const char *path, const struct cpio_entry *entry)
{
    if (entry->size >= PATH_MAX)
        return -ENAMETOOLONG;
    char *target = kmalloc(entry->size + 1);
    if (!target)
        return -ENOMEM;
    memcpy(target, entry->data, entry->size);
    target[entry->size] = 0;
    int error = vfs_symlink(vfs_root(), target, path);
    kfree(target);
    return error;
}

/* Make the file an entry describes at path (already free): a new name for linked, if that
 * is not NULL. */
static int create_entry(const char *path, const struct cpio_entry *entry, struct inode *linked)
{
    if (linked)
        return vfs_link(linked, vfs_root(), path);
    if (S_ISLNK(entry->mode))
        return make_symlink(path, entry);
    return vfs_mknod(vfs_root(), path, entry->mode, entry->rdev);
}

/* Give the new inode at path its data, exact mode (mknod's is before any umask anyway) and
 * the archive's modification time. */
static int fill_entry(const char *path, const struct cpio_entry *entry)
{
    struct inode *inode;
    int error = vfs_lookup_at(vfs_root(), path, 0, &inode);
    if (error)
        return error;
    if (S_ISREG(entry->mode) && entry->size) {
        ssize_t written = inode_write(inode, entry->data, entry->size, 0);
        error = written < 0 ? (int)written : written < entry->size ? -ENOSPC : 0;
    }
    if (!S_ISLNK(entry->mode))
        inode->mode = (inode->mode & S_IFMT) | (entry->mode & 07777);
    inode->mtime.tv_sec = entry->mtime;
    inode->mtime.tv_nsec = 0;
    inode_put(inode);
    return error;
}

/* cpio_parse callback: put one entry into the root. A failure is reported and skipped. */
static int unpack_entry(const struct cpio_entry *entry, void *context)
{
    struct unpack *unpack = context;
    const char *path = entry->name;
    while (path[0] == '/' || (path[0] == '.' && path[1] == '/'))
        path += path[0] == '/' ? 1 : 2;
    if (path[0] == 0 || strcmp(path, ".") == 0)
        return 0; /* the root itself */

    struct inode *linked = earlier_name(unpack, entry);
    int error = replace_existing(path, entry->mode);
    if (error == 0) {
        error = create_entry(path, entry, linked);
        if (error == -ENOENT) {
            make_parents(path);
            error = create_entry(path, entry, linked);
        }
        if (!error && !linked && may_be_linked(entry))
            remember_name(unpack, path, entry);
    }
    if (error >= 0)
        error = fill_entry(path, entry);
    if (error < 0)
        pr_warn("initramfs: %s: cannot unpack %s: error %d\n", unpack->module_name, path, -error);
    return 0;
}

/* Unpack one module; a corrupt archive is reported and what came before it stays. */
void cpio_unpack(const void *buf, size_t size, const char *module_name)
{
    struct unpack *unpack = kzalloc(sizeof(*unpack));
    if (!unpack) {
        pr_err("initramfs: %s: out of memory\n", module_name);
        return;
    }
    unpack->module_name = module_name;
    struct cpio_error error;
    if (cpio_parse(buf, size, unpack_entry, unpack, &error) != 0)
        pr_err("initramfs: %s: corrupt archive at offset %zu: %s\n", module_name, error.offset,
               error.reason);
    for (int i = 0; i < unpack->link_count; i++)
        inode_put(unpack->links[i].inode);
    kfree(unpack);
}

/* Every boot module, in the order the boot loader gave them (later files win). */
void initramfs_unpack_all(const struct boot_info *bi)
{
    for (uint32_t i = 0; i < bi->module_count; i++) {
        const struct boot_module *module = &bi->modules[i];
        char fallback[24];
        const char *name = module->name;
        if (name[0] == 0) {
            snprintf(fallback, sizeof(fallback), "module %u", i);
            name = fallback;
        }
        cpio_unpack(P2V(module->start), module->end - module->start, name);
    }
}
