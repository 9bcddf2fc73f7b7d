"""The SMP stress test (issue 16): tests/nest/smp_stress.c runs one worker per CPU, all at
once, through fork/exit/wait bursts, pipe ping-pong, signals, PID and mount namespaces made
and torn down, and /proc reads. Afterwards every check in the program held, no lock-checker
report and no panic appeared, only init and the shell are left, and every frame is back:
MemFree + Slab (the frames kmalloc carved, which it keeps) is what it was before."""
import re

import pytest

from nest import Nest

ROUNDS = 50  # per worker: under a minute of guest time on 4 CPUs under TCG on a busy host


@pytest.mark.parametrize("cpus", [4, 2])
def test_stress_from_every_cpu_leaves_no_process_no_frame_and_no_report(cpus):
    with Nest(smp=cpus, timeout=420) as nest:
        nest.wait_for_prompt(timeout=120)
        # A first short run brings the shell's and cat's paths and the kernel's allocators to
        # their working size, so that only what the measured run leaks can change the numbers.
        warm_up = nest.run("/tests/smp_stress 1", timeout=120)
        assert warm_up.endswith("stress: ok"), warm_up
        before = nest.memory_kb()
        out = nest.run("/tests/smp_stress %d" % ROUNDS, timeout=300)
        after = nest.memory_kb()
        lines = out.splitlines()
        assert lines[0] == "stress: %d workers, %d rounds each" % (cpus, ROUNDS), out
        finished = re.findall(r"^worker (\d+): (?:un)?pinned, (\d+) operations, (\d+) errors$",
                              out, re.M)
        assert sorted(int(w) for w, _, _ in finished) == list(range(cpus)), out
        assert all(int(ops) == 7 * ROUNDS and errors == "0" for _, ops, errors in finished), out
        assert lines[-1] == "stress: ok", out

        console = nest.console()
        assert "lockcheck:" not in console, console[-4000:]
        assert "kernel panic" not in console, console[-4000:]

        ps = nest.run("ps -e -o pid,comm --no-headers")
        rows = [line.split() for line in ps.splitlines()]
        left = sorted((int(pid), comm) for pid, comm in rows if comm != "ps")
        assert [comm for _, comm in left] == ["init", "sh"] and left[0][0] == 1, \
            "only init and the shell should be left:\n" + ps

        assert after == before, "frames lost: MemFree + Slab %d -> %d kB" % (before, after)
