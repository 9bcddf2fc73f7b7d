/* lockcheck_host.c - kernel/lib/lockcheck.c compiled for the host with the checker built in,
 * as a LOCKCHECK=1 kernel has it, and a way for tests/unit/test_lockcheck.c to start each
 * case afresh after a report (which in the kernel is never undone).
 */
#define NEST_LOCKCHECK

#include "../../kernel/lib/lockcheck.c"

void lockcheck_host_reset(void)
{
    reporting = false;
    memset(held, 0, sizeof(held));
}
