"""Processes (issue: processes and system calls): nest-only checks that cannot be compared
with Linux line for line: no leaked memory, user faults that kill only the process, the
process-table limit."""
import re

import pytest

from nest import Nest


@pytest.fixture(scope="module")
def nest():
    with Nest("console=ttyS0", memory="512M", timeout=900) as n:
        n.wait_for_prompt(timeout=90)
        yield n


def test_a_thousand_fork_exit_wait_cycles_leak_no_memory(nest):
    out = nest.run("/tests/leak_fork; echo status=$?", timeout=600)
    runs = re.findall(r"free before (\d+) kB, after (\d+) kB, cycles 1000", out)
    assert runs, "leak_fork printed:\n" + out
    assert runs[-1][0] == runs[-1][1], "free memory changed in every run:\n" + out
    assert "status=0" in out


def test_no_process_sees_a_child_that_fork_is_still_making(nest):
    # A fork that copies hundreds of page tables lets the kernel lock go when its slice is
    # over; a prober on the same CPU then reads /proc/N/stat of the newest number. Seen on the
    # kernel that numbered the child first: every probe found it, with parent 0 and group 0.
    out = nest.run("/tests/fork_publish; echo status=$?", timeout=180)
    match = re.search(r"probes during fork: (\d+), children seen half-made: (\d+)", out)
    assert match, out
    assert int(match.group(1)) >= 20, "the prober hardly ever ran while a fork copied: " + out
    assert match.group(2) == "0" and out.endswith("status=0"), out


def test_a_user_fault_kills_only_that_process_with_a_log_line(nest):
    # The shell's own child dies of SIGSEGV; the shell and the kernel go on.
    out = nest.run("sh -c 'kill -SEGV $$'; echo status=$?")
    assert "status=139" in out, out
    console_before = nest.console()
    out = nest.run("/tests/fault_null; echo status=$?")
    assert "status=139" in out, out
    assert re.search(r"nest: fault_null\[\d+\]: page fault at rip 0x[0-9a-f]+, address 0x0; signal 11",
                     nest.console()[len(console_before):]), nest.console()[-1500:]
    assert nest.run("echo still alive") == "still alive"


def test_fork_beyond_the_process_table_fails_with_eagain_and_the_system_stays_usable(nest):
    out = nest.run("/tests/fork_limit", timeout=600)
    assert re.search(r"fork failed with EAGAIN after \d+ children; all \d+ reaped", out), out
    assert nest.run("echo usable") == "usable"


def test_a_page_mapped_more_often_than_its_count_allows_is_never_freed_while_mapped(nest):
    out = nest.run("/tests/frame_share_limit; echo status=$?", timeout=300)
    assert re.search(r"fork failed with ENOMEM after \d+ children", out), out
    assert "page intact: yes" in out, out
    assert "status=0" in out, out
    assert nest.run("echo usable") == "usable"


def test_proc_stat_counts_minor_page_faults(nest):
    # cat faults in at least its stack, data and heap pages before it reads its own stat.
    fields = nest.run("cat /proc/self/stat").rsplit(")", 1)[1].split()
    minflt = int(fields[7])  # field 10 of stat, the 8th after the name
    assert minflt > 0, "minflt of a running cat should count its page faults, got %d" % minflt


def test_a_bad_buffer_fails_with_efault_before_the_call_waits(nest):
    # At the console with nothing typed: each call would wait (for input, a pipe writer, a
    # child, the clock) if it did not check its buffer first.
    out = nest.run("/tests/efault_before_blocking", timeout=60)
    for call in ("read(console, kernel address)", "read(console, PROT_NONE page)",
                 "read(empty pipe, PROT_NONE page)", "wait4(running child, kernel address)",
                 "nanosleep(10 s, kernel address)"):
        assert "%s -> EFAULT" % call in out, "expected %s to fail with EFAULT at once:\n%s" % (call, out)
    assert "the child was still there to reap: yes" in out, out
    assert nest.run("echo usable") == "usable"


def test_a_process_touching_twice_the_memory_is_killed_with_sigkill_and_memory_comes_back(nest):
    console_before = nest.console()
    out = nest.run("/tests/oom_kill; echo status=$?", timeout=600)
    assert "hog 1: killed by signal 9" in out and "hog 2: killed by signal 9" in out, out
    assert "bystander alive: yes" in out, out
    match = re.search(r"free before (\d+) kB, after the first (\d+) kB, after the second (\d+) kB", out)
    assert match, out
    before, first, second = (int(match.group(i)) for i in (1, 2, 3))
    assert second == first, "the second hog did not give back all it took: " + match.group(0)
    assert abs(first - before) <= 256, "free memory did not come back after the first hog: " + match.group(0)
    assert "status=0" in out, out
    log = nest.console()[len(console_before):]
    assert len(re.findall(r"out of memory: killed process \d+ \(oom_kill\), total-vm \d+ kB", log)) == 2, log[-2000:]
    assert nest.run("echo shell alive") == "shell alive"


def test_an_address_space_holds_a_bounded_number_of_regions(nest):
    out = nest.run("/tests/map_count_limit", timeout=300)
    match = re.search(r"mapped (\d+) more pages, then Out of memory", out)
    assert match, "mmap should fail with ENOMEM at the region limit:\n" + out
    assert 4000 < int(match.group(1)) < 4096, out  # 4096 minus the program's own regions
    assert "split: ENOMEM" in out, out


def test_a_long_system_call_lets_other_processes_run(nest):
    out = nest.run("/tests/long_call_latency", timeout=300)
    match = re.search(r"the other process ran (\d+) times during one read", out)
    assert match, out
    assert int(match.group(1)) >= 3, "a 128 MiB read kept the CPU from the other process: " + out


def test_ns_last_pid_reads_and_writes_the_readers_cursor(nest):
    nest.run("echo 500 > /proc/sys/kernel/ns_last_pid")
    out = nest.run("sh -c 'echo $$'")
    assert out == "501", "the next process after writing 500 should be 501, got %r" % out
    out = nest.run("unshare -p -f sh -c 'cat /proc/sys/kernel/ns_last_pid'")
    # Inside a fresh namespace: sh is 1, the cat that reads the cursor is 2.
    assert out == "2", "inside a fresh namespace the cursor should be 2 (sh, then cat), got %r" % out


def test_hostile_system_call_arguments_never_crash_or_hang_the_kernel(nest):
    # A first, shorter run brings the kernel's allocators to their working size; the two runs
    # after it must give back every frame (MemFree + Slab, as the shell reads it before and
    # after each: on several CPUs the heap may still carve a frame for a CPU's block cache),
    # and make at least 100,000 calls between them.
    out = nest.run("/tests/syscall_fuzz 3 30 500; echo status=$?", timeout=300)
    assert out.endswith("status=0"), "syscall_fuzz warm-up: %r" % out[-1000:]
    total = 0
    for seed in (1, 2):
        before = nest.memory_kb()
        out = nest.run("/tests/syscall_fuzz %d 110 500; echo status=$?" % seed, timeout=600)
        after = nest.memory_kb()
        assert out.endswith("status=0"), "syscall_fuzz %d: %r" % (seed, out[-1000:])
        total += int(re.search(r"^calls (\d+)$", out, re.M).group(1))
        assert after == before, "syscall_fuzz %d leaked: MemFree + Slab %d -> %d kB" % (
            seed, before, after)
    assert total >= 100000, "only %d fuzzed calls" % total
    assert "syscall_fuzz" not in nest.run("ps -e"), "a fuzz process was not reaped"
    assert nest.run("echo alive") == "alive"