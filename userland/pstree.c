/*
 * pstree: draw the process tree from /proc, from PID 1 of the reader's namespace or from PID, like
 * psmisc's pstree -n: children in PID order, no compaction, no threads (-p PIDs, -A ASCII).
 * Where a child's /proc/PID/ns/pid differs from its parent's, "{pidns N}" follows its name, N being
 * its PID in its own namespace (last NSpid number): "sh(7){pidns 1}" is where a container starts.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct node {
    int pid;            /* number in the reader's namespace */
    int ppid;           /* parent's number, 0 if not visible */
    char label[128];    /* what to print: "name", "name(pid)", plus any mark */
    int *children;      /* indexes into nodes, in PID order */
    size_t child_count;
};

struct symbols {
    const char *single;   /* joins a parent to its only child */
    const char *first;    /* joins a parent to the first of several children */
    const char *branch;   /* starts a line for a middle child */
    const char *last;     /* starts a line for the last child */
    const char *vertical; /* continues a line past a parent with more children */
};

static const struct symbols unicode = { "───", "─┬─", "├─", "└─", "│ " };
static const struct symbols ascii = { "---", "-+-", "|-", "`-", "| " };

static struct node *nodes;        /* every process in /proc, sorted by PID */
static size_t node_count;
static const struct symbols *draw = &unicode;
static int show_pids;             /* -p */
static int *widths;               /* printed width of the label at each depth */
static char *more;                /* whether the node at each depth has later siblings */

/* Exit with a message if POINTER shows that an allocation failed. */
static void *check_memory(void *pointer)
{
    if (pointer == NULL) {
        fprintf(stderr, "pstree: memory exhausted\n");
        exit(1);
    }
    return pointer;
}

/* Read up to SIZE-1 bytes of the file PATH into BUFFER. Returns -1 on error. */
static int read_small_file(const char *path, char *buffer, size_t size)
{
    int fd = open(path, O_RDONLY);
    ssize_t length;

    if (fd < 0)
        return -1;
    length = read(fd, buffer, size - 1);
    close(fd);
    if (length < 0)
        return -1;
    buffer[length] = '\0';
    return 0;
}

/* Return PID's number inside its own namespace: the last number of the
 * NSpid line in /proc/PID/status, or PID itself if there is none. */
static int own_namespace_pid(int pid)
{
    char path[64];
    char status[4096];
    char *line;
    char *last;

    snprintf(path, sizeof(path), "/proc/%d/status", pid);
    if (read_small_file(path, status, sizeof(status)) < 0)
        return pid;
    line = strstr(status, "\nNSpid:");
    if (line == NULL)
        return pid;
    line[strcspn(line + 1, "\n") + 1] = '\0';
    last = strrchr(line, '\t');
    return last != NULL ? atoi(last + 1) : pid;
}

/* Read the link /proc/PID/ns/pid (such as "pid:[4026531836]") into NAME. */
static int namespace_of(int pid, char *name, size_t size)
{
    char path[64];
    ssize_t length;

    snprintf(path, sizeof(path), "/proc/%d/ns/pid", pid);
    length = readlink(path, name, size - 1);
    if (length < 0)
        return -1;
    name[length] = '\0';
    return 0;
}

/* Read /proc/PID/stat into NODE. Returns -1 if the process has gone. */
static int read_node(int pid, struct node *node)
{
    char path[64];
    char stat[1024];
    char *open_paren, *close_paren;

    snprintf(path, sizeof(path), "/proc/%d/stat", pid);
    if (read_small_file(path, stat, sizeof(stat)) < 0)
        return -1;
    open_paren = strchr(stat, '(');
    close_paren = strrchr(stat, ')');
    if (open_paren == NULL || close_paren == NULL || close_paren < open_paren ||
        sscanf(close_paren + 1, " %*c %d", &node->ppid) != 1)
        return -1;
    *close_paren = '\0';
    node->pid = pid;
    node->children = NULL;
    node->child_count = 0;
    if (show_pids)
        snprintf(node->label, sizeof(node->label), "%.64s(%d)", open_paren + 1, pid);
    else
        snprintf(node->label, sizeof(node->label), "%.64s", open_paren + 1);
    return 0;
}

/* Return the PID that the /proc entry NAME stands for, or 0 if it is not one. */
static int pid_of_entry(const char *name)
{
    long value = 0;

    for (const char *c = name; *c != '\0'; c++) {
        if (*c < '0' || *c > '9' || value > INT_MAX / 10)
            return 0;
        value = value * 10 + (*c - '0');
    }
    return (int)value;
}

/* Order nodes by PID. */
static int compare_pids(const void *a, const void *b)
{
    const struct node *left = a, *right = b;

    return (left->pid > right->pid) - (left->pid < right->pid);
}

/* Read every process in /proc into NODES, sorted by PID. */
static void read_all_nodes(void)
{
    DIR *proc = opendir("/proc");
    struct dirent *entry;
    size_t capacity = 0;
    int pid;

    if (proc == NULL) {
        perror("pstree: cannot open /proc");
        exit(1);
    }
    while ((entry = readdir(proc)) != NULL) {
        if ((pid = pid_of_entry(entry->d_name)) <= 0)
            continue;
        if (node_count == capacity) {
            capacity = capacity ? capacity * 2 : 64;
            nodes = check_memory(realloc(nodes, capacity * sizeof(*nodes)));
        }
        if (read_node(pid, &nodes[node_count]) == 0)
            node_count++;
    }
    closedir(proc);
    qsort(nodes, node_count, sizeof(*nodes), compare_pids);
}

/* Return the index of the node with PID, or -1 if there is none. */
static long find_node(int pid)
{
    for (size_t i = 0; i < node_count; i++) {
        if (nodes[i].pid == pid)
            return (long)i;
    }
    return -1;
}

/* Append "{pidns N}" to CHILD's label if it is in another PID namespace
 * than PARENT. */
static void mark_namespace(struct node *child, const struct node *parent)
{
    char child_namespace[64], parent_namespace[64];
    size_t length = strlen(child->label);

    if (namespace_of(child->pid, child_namespace, sizeof(child_namespace)) < 0 ||
        namespace_of(parent->pid, parent_namespace, sizeof(parent_namespace)) < 0 ||
        strcmp(child_namespace, parent_namespace) == 0)
        return;
    snprintf(child->label + length, sizeof(child->label) - length, "{pidns %d}",
             own_namespace_pid(child->pid));
}

/* Link each node to its parent's child list; nodes are in PID order, so
 * every child list is too. */
static void link_children(void)
{
    for (size_t i = 0; i < node_count; i++) {
        long parent = find_node(nodes[i].ppid);
        struct node *p;

        if (parent < 0 || nodes[i].ppid == nodes[i].pid)
            continue;
        p = &nodes[parent];
        p->children = check_memory(realloc(p->children, (p->child_count + 1) * sizeof(int)));
        p->children[p->child_count++] = (int)i;
        mark_namespace(&nodes[i], p);
    }
}

/* Return the number of screen columns TEXT takes (UTF-8 aware). */
static int display_width(const char *text)
{
    int width = 0;

    for (; *text != '\0'; text++)
        width += ((unsigned char)*text & 0xc0) != 0x80;
    return width;
}

/* Print the subtree of node INDEX at DEPTH. ON_SAME_LINE is set when the
 * line has already been started by the parent; LAST when it is the last child. */
static void print_tree(int index, int depth, int on_same_line, int last)
{
    const struct node *node = &nodes[index];

    if (!on_same_line) {
        for (int level = 0; level < depth; level++) {
            printf("%*s", widths[level] + 1, "");
            if (level == depth - 1)
                fputs(last ? draw->last : draw->branch, stdout);
            else
                fputs(more[level + 1] ? draw->vertical : "  ", stdout);
        }
    }
    fputs(node->label, stdout);
    widths[depth] = display_width(node->label);
    more[depth] = !last;
    if (node->child_count == 0) {
        putchar('\n');
        return;
    }
    fputs(node->child_count == 1 ? draw->single : draw->first, stdout);
    for (size_t i = 0; i < node->child_count; i++)
        print_tree(node->children[i], depth + 1, i == 0, i + 1 == node->child_count);
}

/* Parse the options and the optional PID; returns the root PID. */
static int parse_arguments(int argc, char **argv)
{
    int option;
    char *end;
    long pid;

    while ((option = getopt(argc, argv, "+:pAUnclT")) != -1) {
        if (option == 'p') {
            show_pids = 1;
        } else if (option == 'A' || option == 'U') {
            draw = option == 'A' ? &ascii : &unicode;
        } else if (option == '?' || option == ':') {
            fprintf(stderr, "pstree: invalid option -- '%c'\n", optopt);
            fprintf(stderr, "Usage: pstree [-pAU] [PID]\n");
            exit(2);
        }
    }
    if (optind == argc)
        return 1;
    pid = strtol(argv[optind], &end, 10);
    if (*end != '\0' || pid <= 0 || pid > INT_MAX || optind + 1 < argc) {
        fprintf(stderr, "pstree: invalid PID '%s'\nUsage: pstree [-pAU] [PID]\n", argv[optind]);
        exit(2);
    }
    return (int)pid;
}

/* Read /proc, build the tree, and print it from the root PID. A PID that
 * does not exist prints nothing, as in psmisc. */
int main(int argc, char **argv)
{
    int root_pid = parse_arguments(argc, argv);
    long root;

    read_all_nodes();
    link_children();
    root = find_node(root_pid);
    if (root < 0)
        return 0;
    widths = check_memory(calloc(node_count + 1, sizeof(*widths)));
    more = check_memory(calloc(node_count + 1, sizeof(*more)));
    print_tree((int)root, 0, 1, 1);
    return 0;
}
