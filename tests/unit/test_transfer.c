// SOURCES: kernel/lib/string.c kernel/fs/vfs.c kernel/fs/file.c kernel/fs/ramfs.c kernel/fs/mount.c tests/unit/shim_fs.c
/* test_transfer.c - file_transfer (file.c), the engine of sendfile and copy_file_range:
 * pages moved between ramfs files, and what happens to the input's offset when the output
 * takes part of a page, is not ready, or fails.
 */
#include "unit.h"

#include "fs.h"
#include "mm.h"

#define SOURCE_SIZE (3 * 4096 + 100)

static char pattern[SOURCE_SIZE];

/* A new open ramfs file at path, holding size bytes of pattern, offset 0. */
static struct file *source_file(const char *path, size_t size)
{
    struct file *file;
    if (vfs_open(NULL, path, O_RDWR | O_CREAT | O_TRUNC, 0644, &file))
        return NULL;
    uint64_t offset = 0;
    if (file->ops->write(file, pattern, size, &offset, copy_kernel) != (ssize_t)size) {
        file_put(file);
        return NULL;
    }
    return file;
}

/* An output that takes at most taken bytes a write (or fails with error, if not 0), and
 * says it is ready (poll) only if ready. */
static struct {
    size_t taken;
    int error;
    bool ready;
    size_t writes;
} output;

static ssize_t output_write(struct file *file, const void *buf, size_t n, uint64_t *offset,
                            copy_fn copy)
{
    (void)file, (void)buf, (void)copy;
    output.writes++;
    if (output.error)
        return output.error;
    n = n < output.taken ? n : output.taken;
    *offset += n;
    return (ssize_t)n;
}

static unsigned int output_poll(struct file *file)
{
    (void)file;
    return output.ready ? POLLOUT : 0;
}

static const struct file_ops output_ops = {.write = output_write, .poll = output_poll};

TEST(pages_move_between_ramfs_files_from_the_offsets_given)
{
    struct file *in = source_file("/transfer-in", SOURCE_SIZE);
    struct file *out;
    CHECK(in != NULL);
    CHECK_EQ(vfs_open(NULL, "/transfer-out", O_RDWR | O_CREAT | O_TRUNC, 0644, &out), 0);
    uint64_t in_offset = 50, out_offset = 7;
    CHECK_EQ(file_transfer(in, &in_offset, out, &out_offset, 10000), 10000);
    CHECK_EQ(in_offset, 10050);
    CHECK_EQ(out_offset, 10007);
    CHECK_EQ(in->offset, 0); /* only the offsets passed move */
    static char back[10000];
    CHECK_EQ(inode_read(out->inode, back, sizeof(back), 7), 10000);
    CHECK(memcmp(back, pattern + 50, sizeof(back)) == 0);
    CHECK_EQ(file_transfer(in, &in_offset, out, &out_offset, 1000000), SOURCE_SIZE - 10050);
    CHECK_EQ(in_offset, SOURCE_SIZE);
    CHECK_EQ(file_transfer(in, &in_offset, out, &out_offset, 100), 0); /* end of input */
    file_put(in);
    file_put(out);
}

TEST(an_output_that_takes_part_of_a_page_moves_the_input_offset_back)
{
    struct file *in = source_file("/transfer-short", SOURCE_SIZE);
    struct file *out = file_alloc(in->inode, &output_ops, O_WRONLY);
    output.taken = 1000, output.error = 0, output.ready = true;
    uint64_t in_offset = 100, out_offset = 0;
    CHECK_EQ(file_transfer(in, &in_offset, out, &out_offset, 5000), 1000);
    CHECK_EQ(in_offset, 1100);
    CHECK_EQ(out_offset, 1000);
    file_put(out);
    file_put(in);
}

TEST(after_the_first_page_an_output_not_ready_ends_the_transfer)
{
    struct file *in = source_file("/transfer-full", SOURCE_SIZE);
    struct file *out = file_alloc(in->inode, &output_ops, O_WRONLY);
    output.taken = SOURCE_SIZE, output.error = 0, output.ready = false, output.writes = 0;
    uint64_t in_offset = 0, out_offset = 0;
    CHECK_EQ(file_transfer(in, &in_offset, out, &out_offset, SOURCE_SIZE), 4096);
    CHECK_EQ(output.writes, 1);
    CHECK_EQ(in_offset, 4096);
    output.ready = true;
    CHECK_EQ(file_transfer(in, &in_offset, out, &out_offset, SOURCE_SIZE), SOURCE_SIZE - 4096);
    file_put(out);
    file_put(in);
}

TEST(an_output_error_before_anything_moved_is_returned_and_the_offset_kept)
{
    struct file *in = source_file("/transfer-error", SOURCE_SIZE);
    struct file *out = file_alloc(in->inode, &output_ops, O_WRONLY);
    output.taken = SOURCE_SIZE, output.error = -EPIPE, output.ready = true;
    uint64_t in_offset = 10, out_offset = 0;
    CHECK_EQ(file_transfer(in, &in_offset, out, &out_offset, 100), -EPIPE);
    CHECK_EQ(in_offset, 10);
    file_put(out);
    file_put(in);
}

int main(void)
{
    for (size_t i = 0; i < sizeof(pattern); i++)
        pattern[i] = (char)(i * 7 + i / 251);
    vfs_init();
    RUN(pages_move_between_ramfs_files_from_the_offsets_given);
    RUN(an_output_that_takes_part_of_a_page_moves_the_input_offset_back);
    RUN(after_the_first_page_an_output_not_ready_ends_the_transfer);
    RUN(an_output_error_before_anything_moved_is_returned_and_the_offset_kept);
    UNIT_EXIT();
}
