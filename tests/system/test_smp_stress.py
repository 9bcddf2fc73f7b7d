"""The SMP stress test (issue 16): tests/nest/smp_stress.c runs one worker per CPU, all at
once, through fork/exit/wait bursts, pipe ping-pong, signals, PID and mount namespaces made
and torn down, and /proc reads: on 4 CPUs with each worker pinned to its CPU, then on 4 and
on 2 with the workers free to run anywhere, so that the scheduler's placement, balancing and
migration are stressed too. Afterwards every check in the program held, no lock-checker
report and no panic appeared, only init and the shell are left, and every frame is back:
MemFree + Slab (the frames kmalloc carved, which it keeps) is what it was before."""
import re

import pytest

from nest import Nest

ROUNDS = 50  # per worker: under a minute of guest time on 4 CPUs under TCG on a busy host


@pytest.mark.parametrize("cpus,mode", [(4, "pinned"), (4, "unpinned"), (2, "unpinned")])
def test_stress_from_every_cpu_leaves_no_process_no_frame_and_no_report(cpus, mode):
    with Nest(smp=cpus, timeout=420) as nest:
        nest.wait_for_prompt(timeout=120)
        # A first short run brings the shell's and cat's paths and the kernel's allocators to
        # their working size, so that only what the measured run leaks can change the numbers.
        warm_up = nest.run("/tests/smp_stress 1 " + mode, timeout=120)
        assert warm_up.endswith("stress: ok"), warm_up
        before = nest.memory_kb()
        out = nest.run("/tests/smp_stress %d %s" % (ROUNDS, mode), timeout=300)
        after = nest.memory_kb()
        lines = out.splitlines()
        assert lines[0] == "stress: %d workers, %d rounds each, %s" % (cpus, ROUNDS, mode), out
        finished = re.findall(r"^worker (\d+): (\w+), (\d+) operations, (\d+) errors$", out, re.M)
        assert sorted(int(w) for w, _, _, _ in finished) == list(range(cpus)), out
        assert all(how == mode and int(ops) == 7 * ROUNDS and errors == "0"
                   for _, how, ops, errors in finished), out
        assert lines[-1] == "stress: ok", out
        if mode == "unpinned":
            # Each worker samples its CPU once a round: free to move, some worker did.
            seen = re.findall(r"^worker \d+: seen on cpus ([\d,]+)$", out, re.M)
            assert len(seen) == cpus and any("," in cpu_list for cpu_list in seen), \
                "no worker ever moved to another CPU:\n" + out

        console = nest.console()
        assert "lockcheck:" not in console, console[-4000:]
        assert "kernel panic" not in console, console[-4000:]

        ps = nest.run("ps -e -o pid,comm --no-headers")
        rows = [line.split() for line in ps.splitlines()]
        left = sorted((int(pid), comm) for pid, comm in rows if comm != "ps")
        assert [comm for _, comm in left] == ["init", "sh"] and left[0][0] == 1, \
            "only init and the shell should be left:\n" + ps

        assert after == before, "frames lost: MemFree + Slab %d -> %d kB" % (before, after)
