"""TLB shootdown (issue 16): on 4 CPUs, fork/exit/wait storms free kernel stacks, and each
free asks every other CPU to flush the stack's pages (VECTOR_IPI_TLB); the children's
mmap/mprotect/munmap go through the same flush. No panic, every frame back, and the other
CPUs' "TLB shootdowns" counts in /proc/interrupts grow by at least one per freed stack.
Three storms at once on 4 CPUs make CPUs send requests to each other at the same time."""
import re

import pytest

from nest import Nest


def tlb_counts(nest):
    out = nest.run("cat /proc/interrupts")
    line = re.search(r"^TLB:((?:\s+\d+)+)\s+TLB shootdowns$", out, re.M)
    assert line, "no TLB line in /proc/interrupts:\n" + out
    return [int(n) for n in line.group(1).split()]


@pytest.mark.parametrize("smp", [4, 1])
def test_fork_exit_storms_shoot_down_kernel_stacks_on_every_other_cpu(smp):
    with Nest(smp=smp, timeout=300) as nest:
        nest.wait_for_prompt(timeout=90)
        before = tlb_counts(nest)
        assert len(before) == smp, "expected %d CPU columns, got %r" % (smp, before)
        out = nest.run("/tests/tlb_storm 300; echo status=$?", timeout=240)
        assert "status=0" in out, "tlb_storm failed:\n" + out
        match = re.search(r"cycles 300 cpus (\d+) shootdowns (\d+) memory ok", out)
        assert match and int(match.group(1)) == smp, out
        after = tlb_counts(nest)
        answered = [a - b for a, b in zip(after, before)]
        # Each freed stack is one request to every CPU but the one that freed it.
        assert sum(answered) >= 300 * (smp - 1), \
            "300 stacks freed on %d CPUs, shootdowns answered per CPU: %r" % (smp, answered)
        assert sum(1 for n in answered if n > 0) >= smp - 1, \
            "every CPU but the freeing one must have answered: %r" % answered
        assert nest.run("echo still-alive") == "still-alive"


def test_concurrent_storms_shoot_at_each_other_without_deadlock():
    with Nest(smp=4, timeout=300) as nest:
        nest.wait_for_prompt(timeout=90)
        before = tlb_counts(nest)
        storm = "/tests/tlb_storm 150 concurrent & "
        out = nest.run(storm * 3 + "wait; echo done", timeout=240)
        assert out.count("cycles 150 cpus 4") == 3 and "\ndone" in out, out
        assert "Exit" not in out, "a storm failed (the shell's job notice):\n" + out
        answered = [a - b for a, b in zip(tlb_counts(nest), before)]
        assert sum(answered) >= 3 * 150 * 3, \
            "450 stacks freed on 4 CPUs, shootdowns answered per CPU: %r" % answered
        senders = sum(1 for n in answered if n > 0)
        assert senders >= 3, "requests should have come from and gone to most CPUs: %r" % answered
        out = nest.run("/tests/tlb_storm 100; echo status=$?", timeout=240)
        assert "memory ok" in out and "status=0" in out, out
