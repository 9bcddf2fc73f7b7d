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

/* Make the file an entry describes at path (already free). */
static int create_entry(const char *path, const struct cpio_entry *entry)
{
    mode_t mode = entry->mode;
    if (!S_ISLNK(mode))
        return vfs_mknod(vfs_root(), path, mode, entry->rdev);
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
    const char *module_name = context;
    const char *path = entry->name;
    while (path[0] == '/' || (path[0] == '.' && path[1] == '/'))
        path += path[0] == '/' ? 1 : 2;
    if (path[0] == 0 || strcmp(path, ".") == 0)
        return 0; /* the root itself */

    int error = replace_existing(path, entry->mode);
    if (error == 0) {
        error = create_entry(path, entry);
        if (error == -ENOENT) {
            make_parents(path);
            error = create_entry(path, entry);
        }
    }
    if (error >= 0)
        error = fill_entry(path, entry);
    if (error < 0)
        pr_warn("initramfs: %s: cannot unpack %s: error %d\n", module_name, path, -error);
    return 0;
}

void cpio_unpack(const void *buf, size_t size, const char *module_name)
{
    struct cpio_error error;
    if (cpio_parse(buf, size, unpack_entry, (void *)module_name, &error) != 0)
        pr_err("initramfs: %s: corrupt archive at offset %zu: %s\n", module_name, error.offset,
               error.reason);
}

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
