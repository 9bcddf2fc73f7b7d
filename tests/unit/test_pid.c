// SOURCES: kernel/lib/string.c kernel/proc/pid.c tests/unit/shim_kmalloc.c
/* test_pid.c - the PID allocator and PID namespaces (kernel/proc/pid.c).
 *
 * Every test starts from a fresh root namespace (pid_init) and gives back what it took, so
 * the allocation counters of shim_kmalloc.c can show leaks.
 */
#include "unit.h"

#include "errno.h"
#include "pid.h"

extern long shim_allocations, shim_frees;

/* Allocate a pid in ns; the test fails (and NULL comes back) if that does not work. */
static struct pid *must_alloc(struct pid_ns *ns)
{
    int error = 0;
    struct pid *pid = alloc_pid(ns, &error);
    if (!pid)
        printf("  alloc_pid failed with %d\n", error);
    CHECK(pid != NULL);
    return pid;
}

/* The number the next allocation in ns gets (its pid is dropped again), or the error. */
static int next_number(struct pid_ns *ns)
{
    int error = 0;
    struct pid *pid = alloc_pid(ns, &error);
    if (!pid)
        return error;
    int nr = pid_nr_ns(pid, ns);
    pid_put(pid);
    return nr;
}

static struct pid_ns *must_create_ns(struct pid_ns *parent)
{
    int error = 0;
    struct pid_ns *ns = pid_ns_create(parent, &error);
    if (!ns)
        printf("  pid_ns_create failed with %d\n", error);
    CHECK(ns != NULL);
    return ns;
}

TEST(pid_numbers_are_cyclic_not_lowest_free)
{
    pid_init();
    struct pid *a = must_alloc(&root_pid_ns);
    struct pid *b = must_alloc(&root_pid_ns);
    struct pid *c = must_alloc(&root_pid_ns);
    CHECK_EQ(pid_nr_ns(a, &root_pid_ns), 1);
    CHECK_EQ(pid_nr_ns(b, &root_pid_ns), 2);
    CHECK_EQ(pid_nr_ns(c, &root_pid_ns), 3);
    pid_put(b);
    struct pid *d = must_alloc(&root_pid_ns);
    CHECK_EQ(pid_nr_ns(d, &root_pid_ns), 4);
    CHECK_EQ(root_pid_ns.pid_count, 3);
    CHECK(root_pid_ns.has_init);
    pid_put(a);
    pid_put(c);
    pid_put(d);
    CHECK_EQ(root_pid_ns.pid_count, 0);
}

TEST(pid_numbers_wrap_around_to_reserved_pids_once_past_it)
{
    pid_init();
    root_pid_ns.pid_max = 310;
    static struct pid *pids[310];
    for (int nr = 1; nr < 310; nr++)
        pids[nr] = must_alloc(&root_pid_ns);
    CHECK_EQ(pid_nr_ns(pids[309], &root_pid_ns), 309);
    pid_put(pids[5]);
    pids[5] = NULL;
    pid_put(pids[301]);
    /* The cursor is at 309: the search wraps to 300, skips the taken 300, and takes 301;
     * the free 5 below RESERVED_PIDS is not used again. */
    pids[301] = must_alloc(&root_pid_ns);
    CHECK_EQ(pid_nr_ns(pids[301], &root_pid_ns), 301);
    CHECK_EQ(next_number(&root_pid_ns), -EAGAIN);
    for (int nr = 1; nr < 310; nr++)
        pid_put(pids[nr]);
    CHECK_EQ(root_pid_ns.pid_count, 0);
}

TEST(pid_numbers_wrap_around_to_1_while_below_reserved_pids)
{
    pid_init();
    struct pid_ns *ns = must_create_ns(&root_pid_ns);
    ns->pid_max = 4; /* numbers 1, 2 and 3 */
    struct pid *one = must_alloc(ns);
    struct pid *two = must_alloc(ns);
    struct pid *three = must_alloc(ns);
    CHECK_EQ(pid_nr_ns(three, ns), 3);
    pid_put(two);
    struct pid *again = must_alloc(ns);
    CHECK_EQ(pid_nr_ns(again, ns), 2);
    pid_put(one);
    pid_put(three);
    pid_put(again);
    pid_ns_put(ns);
}

TEST(full_namespace_gives_eagain)
{
    pid_init();
    struct pid_ns *ns = must_create_ns(&root_pid_ns);
    ns->pid_max = 3; /* numbers 1 and 2 */
    struct pid *one = must_alloc(ns);
    struct pid *two = must_alloc(ns);
    int root_count = root_pid_ns.pid_count;
    int error = 0;
    CHECK(alloc_pid(ns, &error) == NULL);
    CHECK_EQ(error, -EAGAIN);
    CHECK_EQ(ns->pid_count, 2);
    CHECK_EQ(root_pid_ns.pid_count, root_count);
    pid_put(one);
    pid_put(two);
    pid_ns_put(ns);
}

TEST(failure_in_an_ancestor_gives_back_the_numbers_already_taken)
{
    pid_init();
    struct pid_ns *ns = must_create_ns(&root_pid_ns);
    root_pid_ns.pid_max = 2; /* the root has room for one number only */
    struct pid *first = must_alloc(ns);
    long allocations = shim_allocations, frees = shim_frees;
    int error = 0;
    CHECK(alloc_pid(ns, &error) == NULL);
    CHECK_EQ(error, -EAGAIN);
    CHECK_EQ(ns->pid_count, 1);
    CHECK(find_pid_ns(2, ns) == NULL);
    CHECK_EQ(shim_allocations - allocations, shim_frees - frees);
    pid_put(first);
    pid_ns_put(ns);
}

TEST(nested_namespaces_give_one_number_per_level)
{
    pid_init();
    struct pid *root_procs[3];
    for (int i = 0; i < 3; i++)
        root_procs[i] = must_alloc(&root_pid_ns);
    struct pid_ns *level1 = must_create_ns(&root_pid_ns);
    struct pid *level1_init = must_alloc(level1);
    struct pid_ns *level2 = must_create_ns(level1);
    struct pid_ns *sibling1 = must_create_ns(&root_pid_ns);
    struct pid_ns *sibling2 = must_create_ns(level1);
    struct pid *p = must_alloc(level2);

    CHECK_EQ(level2->level, 2);
    CHECK_EQ(p->level, 2);
    CHECK(pid_ns_of(p) == level2);
    CHECK_EQ(pid_nr_ns(p, level2), 1);
    CHECK_EQ(pid_nr_ns(p, level1), 2);
    CHECK_EQ(pid_nr_ns(p, &root_pid_ns), 5);
    CHECK_EQ(pid_nr_ns(p, sibling1), 0);
    CHECK_EQ(pid_nr_ns(p, sibling2), 0);
    CHECK_EQ(pid_nr_ns(level1_init, level2), 0); /* a parent is invisible from below */
    CHECK_EQ(pid_nr_ns(root_procs[0], level1), 0);
    CHECK_EQ(pid_nr_ns(NULL, level1), 0);
    CHECK(level2->has_init);
    CHECK_EQ(level1->pid_count, 2);
    CHECK_EQ(root_pid_ns.pid_count, 5);

    pid_put(p);
    CHECK_EQ(level1->pid_count, 1);
    CHECK_EQ(root_pid_ns.pid_count, 4);
    pid_ns_put(sibling2);
    pid_ns_put(sibling1);
    pid_ns_put(level2);
    pid_put(level1_init);
    pid_ns_put(level1);
    for (int i = 0; i < 3; i++)
        pid_put(root_procs[i]);
}

TEST(find_pid_ns_translates_numbers_in_every_level)
{
    pid_init();
    struct pid *root_init = must_alloc(&root_pid_ns);
    struct pid_ns *level1 = must_create_ns(&root_pid_ns);
    struct pid_ns *level2 = must_create_ns(level1);
    struct pid *p = must_alloc(level2);
    struct pid *q = must_alloc(level2);

    CHECK(find_pid_ns(1, level2) == p);
    CHECK(find_pid_ns(1, level1) == p);
    CHECK(find_pid_ns(2, &root_pid_ns) == p);
    CHECK(find_pid_ns(2, level2) == q);
    CHECK(find_pid_ns(3, &root_pid_ns) == q);
    CHECK(find_pid_ns(1, &root_pid_ns) == root_init);
    CHECK(find_pid_ns(3, level2) == NULL);
    CHECK(find_pid_ns(0, level2) == NULL);
    CHECK(find_pid_ns(-1, level2) == NULL);
    /* Round trip: the number seen in a namespace leads back to the same pid. */
    CHECK(find_pid_ns(pid_nr_ns(q, level1), level1) == q);

    pid_put(p);
    CHECK(find_pid_ns(1, level2) == NULL);
    CHECK(find_pid_ns(2, &root_pid_ns) == NULL);
    CHECK(find_pid_ns(2, level2) == q);
    pid_put(q);
    pid_ns_put(level2);
    pid_ns_put(level1);
    pid_put(root_init);
}

TEST(namespaces_nest_32_levels_and_the_33rd_fails_with_enospc)
{
    pid_init();
    long allocations = shim_allocations, frees = shim_frees;
    struct pid_ns *chain[PID_NS_MAX_LEVEL + 1] = {&root_pid_ns};
    for (int level = 1; level <= PID_NS_MAX_LEVEL; level++) {
        chain[level] = must_create_ns(chain[level - 1]);
        if (!chain[level])
            return;
        CHECK_EQ(chain[level]->level, level);
    }
    int error = 0;
    CHECK(pid_ns_create(chain[PID_NS_MAX_LEVEL], &error) == NULL);
    CHECK_EQ(error, -ENOSPC);

    struct pid *deepest = must_alloc(chain[PID_NS_MAX_LEVEL]);
    CHECK_EQ(deepest->level, 32);
    for (int level = 0; level <= PID_NS_MAX_LEVEL; level++) {
        CHECK_EQ(pid_nr_ns(deepest, chain[level]), 1);
        CHECK(find_pid_ns(1, chain[level]) == deepest);
    }
    pid_put(deepest);
    for (int level = PID_NS_MAX_LEVEL; level >= 1; level--)
        pid_ns_put(chain[level]);
    CHECK_EQ(shim_allocations - allocations, shim_frees - frees);
}

TEST(alloc_pid_fails_with_enomem_once_init_has_exited)
{
    pid_init();
    struct pid_ns *ns = must_create_ns(&root_pid_ns);
    struct pid *init = must_alloc(ns);
    ns->accepting = false; /* what exit does when the namespace's init dies */
    int error = 0;
    CHECK(alloc_pid(ns, &error) == NULL);
    CHECK_EQ(error, -ENOMEM);
    CHECK_EQ(ns->pid_count, 1);
    CHECK_EQ(root_pid_ns.pid_count, 1);
    /* Its parent still takes new processes. */
    CHECK_EQ(next_number(&root_pid_ns), 2);
    pid_put(init);
    pid_ns_put(ns);
}

TEST(pid_numbers_are_reused_only_after_the_last_reference)
{
    pid_init();
    struct pid_ns *ns = must_create_ns(&root_pid_ns);
    ns->pid_max = 3; /* numbers 1 and 2 */
    struct pid *leader = must_alloc(ns);
    struct pid *other = must_alloc(ns);
    pid_get(leader); /* say, the process group still names it */
    pid_put(leader);
    CHECK(find_pid_ns(1, ns) == leader);
    CHECK_EQ(next_number(ns), -EAGAIN);
    pid_put(leader);
    CHECK(find_pid_ns(1, ns) == NULL);
    CHECK_EQ(next_number(ns), 1);
    pid_put(other);
    pid_ns_put(ns);
}

TEST(pid_ns_is_ancestor_follows_parent_links)
{
    pid_init();
    struct pid_ns *level1 = must_create_ns(&root_pid_ns);
    struct pid_ns *level2 = must_create_ns(level1);
    struct pid_ns *sibling = must_create_ns(&root_pid_ns);
    CHECK(pid_ns_is_ancestor(&root_pid_ns, level2));
    CHECK(pid_ns_is_ancestor(level1, level2));
    CHECK(pid_ns_is_ancestor(level2, level2));
    CHECK(pid_ns_is_ancestor(&root_pid_ns, &root_pid_ns));
    CHECK(!pid_ns_is_ancestor(level2, level1));
    CHECK(!pid_ns_is_ancestor(level1, &root_pid_ns));
    CHECK(!pid_ns_is_ancestor(sibling, level2));
    CHECK(!pid_ns_is_ancestor(level1, sibling));
    pid_ns_put(sibling);
    pid_ns_put(level2);
    pid_ns_put(level1);
}

TEST(a_pid_keeps_its_namespace_alive)
{
    pid_init();
    long frees = shim_frees;
    struct pid_ns *ns = must_create_ns(&root_pid_ns);
    struct pid *init = must_alloc(ns);
    CHECK_EQ(ns->refcount, 2);
    pid_ns_put(ns); /* the creator lets go; the process still lives in it */
    CHECK_EQ(shim_frees, frees);
    CHECK(find_pid_ns(1, ns) == init);
    pid_put(init); /* frees the pid, then the namespace */
    CHECK_EQ(shim_frees - frees, 2);
}

TEST(each_namespace_gets_its_own_inum)
{
    pid_init();
    struct pid_ns *a = must_create_ns(&root_pid_ns);
    struct pid_ns *b = must_create_ns(a);
    CHECK(a->inum != root_pid_ns.inum);
    CHECK(b->inum != a->inum);
    CHECK(b->inum != root_pid_ns.inum);
    pid_ns_put(b);
    pid_ns_put(a);
}

TEST(creating_and_destroying_10000_namespaces_leaks_nothing)
{
    pid_init();
    struct pid *root_init = must_alloc(&root_pid_ns);
    long allocations = shim_allocations, frees = shim_frees;
    for (int i = 0; i < 10000; i++) {
        struct pid_ns *ns = must_create_ns(&root_pid_ns);
        struct pid *init = must_alloc(ns);
        if (!ns || !init)
            return;
        if (pid_nr_ns(init, ns) != 1) {
            CHECK_EQ(pid_nr_ns(init, ns), 1);
            return;
        }
        pid_put(init);
        pid_ns_put(ns);
    }
    CHECK_EQ(shim_allocations - allocations, 20000);
    CHECK_EQ(shim_frees - frees, 20000);
    CHECK_EQ(root_pid_ns.pid_count, 1);
    /* The root's cursor moved on by one number per namespace and did not reuse any. */
    CHECK_EQ(next_number(&root_pid_ns), 10002);
    pid_put(root_init);
}

int main(void)
{
    RUN(pid_numbers_are_cyclic_not_lowest_free);
    RUN(pid_numbers_wrap_around_to_reserved_pids_once_past_it);
    RUN(pid_numbers_wrap_around_to_1_while_below_reserved_pids);
    RUN(full_namespace_gives_eagain);
    RUN(failure_in_an_ancestor_gives_back_the_numbers_already_taken);
    RUN(nested_namespaces_give_one_number_per_level);
    RUN(find_pid_ns_translates_numbers_in_every_level);
    RUN(namespaces_nest_32_levels_and_the_33rd_fails_with_enospc);
    RUN(alloc_pid_fails_with_enomem_once_init_has_exited);
    RUN(pid_numbers_are_reused_only_after_the_last_reference);
    RUN(pid_ns_is_ancestor_follows_parent_links);
    RUN(a_pid_keeps_its_namespace_alive);
    RUN(each_namespace_gets_its_own_inum);
    RUN(creating_and_destroying_10000_namespaces_leaks_nothing);
    UNIT_EXIT();
}
