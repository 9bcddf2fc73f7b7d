/*
 * ls: list files and directories like coreutils ls in the C locale, one name per line (-l long
 * format, -a dot files, -d directories themselves). Without /etc/passwd (nest) owners are numbers.
 */
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

struct file_entry {
    char *name;        /* the name to print */
    char *path;        /* the path to stat, relative to the current directory */
    struct stat info;  /* lstat (or stat, for a followed operand) of path */
    char *link_target; /* for -l, what a symbolic link points to, or NULL */
};

struct listing {
    struct file_entry *entries; /* grown with realloc */
    size_t count;               /* entries in use */
};

struct column_widths {
    int links, owner, group, size, major, minor; /* widest value of each column */
};

static int long_format; /* -l */
static int show_all;    /* -a */
static int list_dirs;   /* -d: list directories themselves, not their contents */
static int status;      /* exit status: 1 minor trouble, 2 serious trouble */

/* Print "ls: WHAT 'NAME': reason" and raise the exit status to LEVEL. */
static void report(const char *what, const char *name, int level)
{
    fprintf(stderr, "ls: %s '%s': %s\n", what, name, strerror(errno));
    if (status < level)
        status = level;
}

/* Return POINTER, or exit if an allocation behind it failed. */
static void *check_memory(void *pointer)
{
    if (pointer == NULL) {
        fprintf(stderr, "ls: memory exhausted\n");
        exit(2);
    }
    return pointer;
}

/* Return a new string "DIRECTORY/NAME". */
static char *join_path(const char *directory, const char *name)
{
    size_t length = strlen(directory);
    char *path = check_memory(malloc(length + strlen(name) + 2));

    sprintf(path, "%s%s%s", directory, directory[length - 1] == '/' ? "" : "/", name);
    return path;
}

/* Return what the symbolic link PATH points to, or NULL (after a message
 * raising the exit status to LEVEL) if it cannot be read. */
static char *read_link_target(const char *path, off_t size, int level)
{
    size_t room = size > 0 ? (size_t)size + 1 : 256;
    char *target = check_memory(malloc(room));
    ssize_t length = readlink(path, target, room - 1);

    if (length < 0) {
        report("cannot read symbolic link", path, level);
        free(target);
        return NULL;
    }
    target[length] = '\0';
    return target;
}

/* Append an entry printed as NAME, for PATH with status INFO, to LIST, which
 * takes ownership of PATH. OPERAND is set for command-line arguments, whose
 * failures count as serious (exit status 2). */
static void add_entry(struct listing *list, const char *name, char *path,
                      const struct stat *info, int operand)
{
    struct file_entry *entry;

    list->entries = check_memory(realloc(list->entries, (list->count + 1) * sizeof(*entry)));
    entry = &list->entries[list->count++];
    entry->name = check_memory(strdup(name));
    entry->path = path;
    entry->info = *info;
    entry->link_target = NULL;
    if (long_format && S_ISLNK(info->st_mode))
        entry->link_target = read_link_target(path, info->st_size, operand ? 2 : 1);
}

/* Free every entry of LIST and empty it. */
static void free_listing(struct listing *list)
{
    for (size_t i = 0; i < list->count; i++) {
        free(list->entries[i].name);
        free(list->entries[i].path);
        free(list->entries[i].link_target);
    }
    free(list->entries);
    list->entries = NULL;
    list->count = 0;
}

/* Order two entries by name, byte by byte, as LC_ALL=C ls does. */
static int compare_entries(const void *a, const void *b)
{
    return strcmp(((const struct file_entry *)a)->name, ((const struct file_entry *)b)->name);
}

/* Return the owner name for UID: the passwd name, "root" for 0, or NULL. */
static const char *user_name(uid_t uid)
{
    static uid_t cached_uid = (uid_t)-1;
    static char cached_name[64];
    struct passwd *entry;

    if (uid == cached_uid)
        return cached_name[0] != '\0' ? cached_name : NULL;
    entry = getpwuid(uid);
    cached_uid = uid;
    snprintf(cached_name, sizeof(cached_name), "%s",
             entry != NULL ? entry->pw_name : uid == 0 ? "root" : "");
    return cached_name[0] != '\0' ? cached_name : NULL;
}

/* Return the group name for GID: the group file's name, "root" for 0, or NULL. */
static const char *group_name(gid_t gid)
{
    static gid_t cached_gid = (gid_t)-1;
    static char cached_name[64];
    struct group *entry;

    if (gid == cached_gid)
        return cached_name[0] != '\0' ? cached_name : NULL;
    entry = getgrgid(gid);
    cached_gid = gid;
    snprintf(cached_name, sizeof(cached_name), "%s",
             entry != NULL ? entry->gr_name : gid == 0 ? "root" : "");
    return cached_name[0] != '\0' ? cached_name : NULL;
}

/* Return the number of characters needed to print VALUE in decimal. */
static int digits(unsigned long long value)
{
    int count = 1;

    for (; value >= 10; value /= 10)
        count++;
    return count;
}

/* Return the printed width of an owner or group: its NAME, or ID's digits. */
static int id_width(const char *name, unsigned long id)
{
    return name != NULL ? (int)strlen(name) : digits(id);
}

/* Widen WIDTH to at least VALUE. */
static void widen(int *width, int value)
{
    if (*width < value)
        *width = value;
}

/* Widen WIDTHS to fit the long format of every entry of LIST. */
static void measure(const struct listing *list, struct column_widths *widths)
{
    for (size_t i = 0; i < list->count; i++) {
        const struct stat *info = &list->entries[i].info;

        widen(&widths->links, digits(info->st_nlink));
        widen(&widths->owner, id_width(user_name(info->st_uid), info->st_uid));
        widen(&widths->group, id_width(group_name(info->st_gid), info->st_gid));
        if (S_ISCHR(info->st_mode) || S_ISBLK(info->st_mode)) {
            widen(&widths->major, digits(major(info->st_rdev)));
            widen(&widths->minor, digits(minor(info->st_rdev)));
            widen(&widths->size, widths->major + 2 + widths->minor);
        } else {
            widen(&widths->size, digits((unsigned long long)info->st_size));
        }
    }
}

/* Fill TEXT with the 10-character mode string, such as "drwxr-xr-x". */
static void format_mode(mode_t mode, char text[11])
{
    static const char rwx[] = "rwxrwxrwx";

    text[0] = S_ISDIR(mode) ? 'd' : S_ISLNK(mode) ? 'l' : S_ISCHR(mode) ? 'c'
            : S_ISBLK(mode) ? 'b' : S_ISFIFO(mode) ? 'p' : S_ISSOCK(mode) ? 's' : '-';
    for (int i = 0; i < 9; i++)
        text[i + 1] = (mode & (0400 >> i)) ? rwx[i] : '-';
    if (mode & S_ISUID)
        text[3] = (mode & S_IXUSR) ? 's' : 'S';
    if (mode & S_ISGID)
        text[6] = (mode & S_IXGRP) ? 's' : 'S';
    if (mode & S_ISVTX)
        text[9] = (mode & S_IXOTH) ? 't' : 'T';
    text[10] = '\0';
}

/* Print an owner or group column: NAME left-aligned, or ID right-aligned. */
static void print_id(const char *name, unsigned long id, int width)
{
    if (name != NULL)
        printf("%-*s ", width, name);
    else
        printf("%*lu ", width, id);
}

/* Return 1 if timestamp A is earlier than timestamp B. */
static int earlier(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* Print the modification time WHEN: "Mon DD HH:MM" within the last six
 * months, "Mon DD  YYYY" otherwise, as coreutils does. */
static void print_time(const struct timespec *when)
{
    static struct timespec now;
    struct timespec six_months_ago;
    struct tm *local = localtime(&when->tv_sec);
    char text[32];

    if (local == NULL) {
        printf("%lld ", (long long)when->tv_sec);
        return;
    }
    if (now.tv_sec == 0 || earlier(&now, when))
        clock_gettime(CLOCK_REALTIME, &now);
    six_months_ago = now;
    six_months_ago.tv_sec -= 31556952 / 2;
    if (earlier(&six_months_ago, when) && earlier(when, &now))
        strftime(text, sizeof(text), "%b %e %H:%M", local);
    else
        strftime(text, sizeof(text), "%b %e  %Y", local);
    printf("%s ", text);
}

/* Print ENTRY in the long format using the column WIDTHS. */
static void print_long(const struct file_entry *entry, const struct column_widths *widths)
{
    const struct stat *info = &entry->info;
    char mode[11];

    format_mode(info->st_mode, mode);
    printf("%s %*lu ", mode, widths->links, (unsigned long)info->st_nlink);
    print_id(user_name(info->st_uid), info->st_uid, widths->owner);
    print_id(group_name(info->st_gid), info->st_gid, widths->group);
    if (S_ISCHR(info->st_mode) || S_ISBLK(info->st_mode)) {
        int padding = widths->size - (widths->major + 2 + widths->minor);

        printf("%*u, %*u ", widths->major + (padding > 0 ? padding : 0), major(info->st_rdev),
               widths->minor, minor(info->st_rdev));
    } else {
        printf("%*lld ", widths->size, (long long)info->st_size);
    }
    print_time(&info->st_mtim);
    fputs(entry->name, stdout);
    if (entry->link_target != NULL)
        printf(" -> %s", entry->link_target);
    putchar('\n');
}

/* Sort LIST by name and print it, one entry per line, in the long format
 * with the column WIDTHS if -l is on. */
static void print_listing(struct listing *list, const struct column_widths *widths)
{
    qsort(list->entries, list->count, sizeof(*list->entries), compare_entries);
    for (size_t i = 0; i < list->count; i++) {
        if (long_format)
            print_long(&list->entries[i], widths);
        else
            puts(list->entries[i].name);
    }
}

/* Print the "total" line of -l: the blocks of LIST in 1024-byte units. */
static void print_total(const struct listing *list)
{
    unsigned long long blocks = 0;

    for (size_t i = 0; i < list->count; i++)
        blocks += (unsigned long long)list->entries[i].info.st_blocks;
    printf("total %llu\n", (blocks + 1) / 2);
}

/* Read the entries of DIRECTORY into LIST. Returns -1 if it cannot be opened. */
static int read_directory(const char *directory, struct listing *list)
{
    DIR *stream = opendir(directory);
    struct dirent *entry;
    struct stat info;

    if (stream == NULL)
        return -1;
    while ((entry = readdir(stream)) != NULL) {
        char *path;

        if (entry->d_name[0] == '.' && !show_all)
            continue;
        path = join_path(directory, entry->d_name);
        if (lstat(path, &info) < 0) {
            report("cannot access", path, 1);
            free(path);
            continue;
        }
        add_entry(list, entry->d_name, path, &info, 0);
    }
    closedir(stream);
    return 0;
}

/* List the contents of DIRECTORY, under a "DIRECTORY:" heading if HEADING. */
static void list_directory(const char *directory, int heading)
{
    static int first = 1;
    struct listing list = { NULL, 0 };
    struct column_widths widths = { 0, 0, 0, 0, 0, 0 };

    if (read_directory(directory, &list) < 0) {
        report("cannot open directory", directory, 2);
        return;
    }
    if (heading)
        printf("%s%s:\n", first ? "" : "\n", directory);
    first = 0;
    if (long_format) {
        print_total(&list);
        measure(&list, &widths);
    }
    print_listing(&list, &widths);
    free_listing(&list);
}

/* Stat operand NAME into INFO: a symbolic link is followed only when it
 * leads to a directory that will be listed, as coreutils does without -l. */
static int stat_operand(const char *name, struct stat *info)
{
    struct stat target;

    if (lstat(name, info) < 0)
        return -1;
    if (S_ISLNK(info->st_mode) && !long_format && !list_dirs &&
        stat(name, &target) == 0 && S_ISDIR(target.st_mode))
        *info = target;
    return 0;
}

/* Sort the operands into plain files (listed first) and directories. */
static void sort_operands(char **names, int count, struct listing *files, struct listing *dirs)
{
    struct stat info;

    for (int i = 0; i < count; i++) {
        if (stat_operand(names[i], &info) < 0) {
            report("cannot access", names[i], 2);
            continue;
        }
        if (S_ISDIR(info.st_mode) && !list_dirs)
            add_entry(dirs, names[i], check_memory(strdup(names[i])), &info, 1);
        else
            add_entry(files, names[i], check_memory(strdup(names[i])), &info, 1);
    }
}

/* Parse the options; returns the index of the first operand. */
static int parse_options(int argc, char **argv)
{
    int option;

    while ((option = getopt(argc, argv, "+:la1d")) != -1) {
        if (option == 'l') {
            long_format = 1;
        } else if (option == 'a') {
            show_all = 1;
        } else if (option == 'd') {
            list_dirs = 1;
        } else if (option != '1') {
            fprintf(stderr, "ls: invalid option -- '%c'\n", optopt);
            fprintf(stderr, "Usage: ls [-la1d] [FILE]...\n");
            exit(2);
        }
    }
    return optind;
}

/* List the operands (default "."): files first, then each directory. */
int main(int argc, char **argv)
{
    static char *current_directory[] = { ".", NULL };
    struct listing files = { NULL, 0 };
    struct listing dirs = { NULL, 0 };
    struct column_widths widths = { 0, 0, 0, 0, 0, 0 };
    int first = parse_options(argc, argv);
    char **names = argv + first;
    int count = argc - first;

    if (count == 0) {
        names = current_directory;
        count = 1;
    }
    sort_operands(names, count, &files, &dirs);
    measure(&files, &widths);
    measure(&dirs, &widths);
    print_listing(&files, &widths);
    qsort(dirs.entries, dirs.count, sizeof(*dirs.entries), compare_entries);
    if (files.count > 0 && dirs.count > 0)
        putchar('\n');
    for (size_t i = 0; i < dirs.count; i++)
        list_directory(dirs.entries[i].name, files.count > 0 || count > 1);
    free_listing(&files);
    free_listing(&dirs);
    return status;
}
