/* pid.c - process numbers and PID namespaces (pid.h).
 *
 * Every namespace hands out numbers from its own cursor, cyclically, as Linux does: the
 * next number after the last one given, wrapping around to RESERVED_PIDS (or to 1 while
 * the cursor has not passed RESERVED_PIDS). A process gets one number in its own namespace
 * and one in every ancestor, so an ancestor can always see (and signal) it. Lookups go
 * through one hash table keyed by (namespace, number).
 */
#include "errno.h"
#include "mm.h"
#include "pid.h"
#include "string.h"

#define PID_HASH_SIZE 1024
#define ROOT_NS_INUM 4026531836UL /* Linux's number for the initial PID namespace */

static struct upid *pid_hash[PID_HASH_SIZE];
static uint64_t next_ns_inum = ROOT_NS_INUM + 324;

struct pid_ns root_pid_ns;

static unsigned hash_of(int nr, const struct pid_ns *ns)
{
    uint64_t h = (uint64_t)nr * 0x9e3779b97f4a7c15ULL ^ (uint64_t)(uintptr_t)ns;
    return (unsigned)((h >> 20) ^ h) % PID_HASH_SIZE;
}

static struct upid *find_upid(int nr, const struct pid_ns *ns)
{
    for (struct upid *u = pid_hash[hash_of(nr, ns)]; u; u = u->hash_next)
        if (u->nr == nr && u->ns == ns)
            return u;
    return NULL;
}

static void hash_insert(struct upid *u)
{
    unsigned h = hash_of(u->nr, u->ns);
    u->hash_next = pid_hash[h];
    pid_hash[h] = u;
}

static void hash_remove(struct upid *u)
{
    for (struct upid **link = &pid_hash[hash_of(u->nr, u->ns)]; *link; link = &(*link)->hash_next) {
        if (*link == u) {
            *link = u->hash_next;
            return;
        }
    }
}

void pid_init(void)
{
    memset(pid_hash, 0, sizeof(pid_hash));
    next_ns_inum = ROOT_NS_INUM + 324;
    root_pid_ns = (struct pid_ns){
        .refcount = 1, .level = 0, .parent = NULL, .child_reaper = NULL, .last_pid = 0,
        .pid_max = PID_MAX_DEFAULT, .pid_count = 0, .accepting = true, .has_init = false,
        .inum = ROOT_NS_INUM};
}

/* The identity number of a new namespace of any kind (shown as kind:[inum] in /proc). */
uint64_t ns_inum_alloc(void)
{
    return next_ns_inum++;
}

/* A new namespace below parent (unshare/clone with CLONE_NEWPID). NULL with *error set
 * to -ENOSPC past PID_NS_MAX_LEVEL levels, or -ENOMEM. */
struct pid_ns *pid_ns_create(struct pid_ns *parent, int *error)
{
    if (parent->level + 1 > PID_NS_MAX_LEVEL) {
        *error = -ENOSPC;
        return NULL;
    }
    struct pid_ns *ns = kzalloc(sizeof(*ns));
    if (!ns) {
        *error = -ENOMEM;
        return NULL;
    }
    ns->refcount = 1;
    ns->level = parent->level + 1;
    ns->parent = parent;
    ns->pid_max = PID_MAX_DEFAULT;
    ns->accepting = true;
    ns->inum = ns_inum_alloc();
    pid_ns_get(parent);
    return ns;
}

void pid_ns_get(struct pid_ns *ns)
{
    ns->refcount++;
}

void pid_ns_put(struct pid_ns *ns)
{
    while (ns && ns != &root_pid_ns && --ns->refcount == 0) {
        struct pid_ns *parent = ns->parent;
        kfree(ns);
        ns = parent;
    }
}

/* The next free number in ns, cyclically after last_pid; -EAGAIN if all are taken. */
static int alloc_nr(struct pid_ns *ns)
{
    int min = ns->last_pid + 1 > RESERVED_PIDS ? RESERVED_PIDS : 1;
    int start = MAX(ns->last_pid + 1, min);
    if (start >= ns->pid_max)
        start = min;
    int nr = start;
    do {
        if (!find_upid(nr, ns)) {
            ns->last_pid = nr;
            return nr;
        }
        nr = nr + 1 >= ns->pid_max ? min : nr + 1;
    } while (nr != start);
    return -EAGAIN;
}

/* Undo the numbers [level+1 .. pid->level] already given to pid. */
static void release_numbers(struct pid *pid, int from_level)
{
    for (int i = from_level; i <= pid->level; i++) {
        hash_remove(&pid->numbers[i]);
        pid->numbers[i].ns->pid_count--;
    }
}

/* A struct pid with one number in ns and in each of its ancestors. NULL with *error:
 * -ENOMEM when a namespace no longer accepts processes (its init has exited) or memory is
 * out, -EAGAIN when a namespace has no free number. */
struct pid *alloc_pid(struct pid_ns *ns, int *error)
{
    struct pid *pid = kzalloc(sizeof(*pid));
    if (!pid) {
        *error = -ENOMEM;
        return NULL;
    }
    pid->refcount = 1;
    pid->level = ns->level;
    /* LAB pidns: begin */
    struct pid_ns *tmp = ns;
    for (int i = ns->level; i >= 0; i--, tmp = tmp->parent) {
        int nr = tmp->accepting ? alloc_nr(tmp) : -ENOMEM;
        if (nr < 0) {
            release_numbers(pid, i + 1);
            kfree(pid);
            *error = nr;
            return NULL;
        }
        pid->numbers[i] = (struct upid){nr, tmp, NULL};
        hash_insert(&pid->numbers[i]);
        tmp->pid_count++;
    }
    /* LAB pidns: stub
    // lab pidns: one number, drawn in the root namespace, the same at every level.
    int nr = alloc_nr(&root_pid_ns);
    if (nr < 0) {
        kfree(pid);
        *error = nr;
        return NULL;
    }
    struct pid_ns *tmp = ns;
    for (int i = ns->level; i >= 0; i--, tmp = tmp->parent) {
        pid->numbers[i] = (struct upid){nr, tmp, NULL};
        hash_insert(&pid->numbers[i]);
        tmp->pid_count++;
    }
       LAB pidns: end */
    if (pid->numbers[ns->level].nr == 1)
        ns->has_init = true;
    pid_ns_get(ns);
    return pid;
}

void pid_get(struct pid *pid)
{
    pid->refcount++;
}

/* Drop a reference; the last one frees the numbers for reuse and the namespace reference. */
void pid_put(struct pid *pid)
{
    if (!pid || --pid->refcount > 0)
        return;
    struct pid_ns *ns = pid->numbers[pid->level].ns;
    release_numbers(pid, 0);
    kfree(pid);
    pid_ns_put(ns);
}

/* The struct pid numbered nr in ns, or NULL. */
struct pid *find_pid_ns(int nr, struct pid_ns *ns)
{
    struct upid *u = nr > 0 ? find_upid(nr, ns) : NULL;
    if (!u)
        return NULL;
    /* u is numbers[ns->level] of its struct pid. */
    return container_of(u - ns->level, struct pid, numbers[0]);
}

/* pid's number as seen from ns, or 0 if pid is not visible there (it lives in a namespace
 * that is not ns or below ns). */
int pid_nr_ns(const struct pid *pid, const struct pid_ns *ns)
{
    /* LAB pidns: begin */
    if (!pid || !ns || ns->level > pid->level)
        return 0;
    const struct upid *u = &pid->numbers[ns->level];
    return u->ns == ns ? u->nr : 0;
    /* LAB pidns: stub
    return pid ? pid->numbers[pid->level].nr : 0; // lab pidns: one number for every reader
       LAB pidns: end */
}

/* The namespace pid lives in (its deepest level). */
struct pid_ns *pid_ns_of(const struct pid *pid)
{
    return pid->numbers[pid->level].ns;
}

/* Is ancestor the same as ns or one of its ancestors? */
bool pid_ns_is_ancestor(const struct pid_ns *ancestor, const struct pid_ns *ns)
{
    for (; ns; ns = ns->parent)
        if (ns == ancestor)
            return true;
    return false;
}
