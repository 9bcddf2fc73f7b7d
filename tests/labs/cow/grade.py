"""Lab cow: copy-on-write fork (docs/labs/cow.md). Every test forks a process that has
dirtied more than half of RAM, which an eager copy cannot do; the values written and the
pages chosen come from a seed drawn for each run."""
import os
import re
import signal
import socket

import pexpect

from harness import Fail, Guest, graded, rng, scaled, tail

MEMORY = "128M"  # small, so that dirtying more than half of it is quick under QEMU
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_cow_test(log, mode):
    seed = rng().randrange(1, 1 << 62)
    with Guest(log, memory=MEMORY) as guest:
        output, status = guest.run("/tests/cow_test %s %d" % (mode, seed), idle=60, total=600)
        if status != 0 or "cow_test: ok" not in output:
            raise Fail("cow_test %s %d (exit status %d):\n%s" % (mode, seed, status, tail(output)))
        return output


@graded(10)
def cow_fork_isolation(log):
    """Fork with more than half of RAM dirty; each side sees only its own writes."""
    run_cow_test(log, "isolate")


@graded(10)
def cow_frames_after_1000_forks(log):
    """MemFree (+ Slab, the heap's frames) is the same before and after 1000 forks whose
    children each write a page."""
    output = run_cow_test(log, "leak")
    if "1000 forks" not in output:
        raise Fail("cow_test did not report 1000 forks:\n" + tail(output))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@graded(5)
def cow_gdb_breakpoint_in_fault_handler(log):
    """gdb's `break cow_fault if va == ADDRESS` stops when a forked child writes the page at
    a random ADDRESS that its parent had dirtied."""
    address = rng().randrange(0x10000, 0x30000) * 0x1000
    port = free_port()
    with Guest(log, memory=MEMORY, extra_args=["-gdb", "tcp:127.0.0.1:%d" % port]) as guest:
        kernel = os.path.join(os.environ.get("BUILD", os.path.join(ROOT, "build")), "kernel.elf")
        # --foreground: a SIGINT sent to timeout reaches gdb once (as in test_gdb.py).
        gdb = pexpect.spawn("timeout", ["--foreground", str(int(scaled(300))), "gdb", "-q", "-nx",
                                        "-batch",
                                        "-ex", "target remote 127.0.0.1:%d" % port,
                                        "-ex", "break cow_fault if va == %#x" % address,
                                        "-ex", "continue", "-ex", "bt 3", "-ex", "detach",
                                        kernel], encoding="utf-8", env=dict(os.environ, TERM="dumb"))
        try:
            gdb.expect_exact("Breakpoint 1 at", timeout=scaled(60))
        except (pexpect.TIMEOUT, pexpect.EOF):
            raise Fail("gdb could not set `break cow_fault`:\n" + tail(gdb.before or ""))
        guest.child.sendline("/tests/cow_test gdb %#x" % address)
        # A hit stops the guest before the program can finish; without one it finishes.
        index = guest.child.expect([r"cow_test: parent \d+", pexpect.TIMEOUT],
                                   timeout=scaled(60))
        if index == 0:
            gdb.kill(signal.SIGINT)
        gdb.expect(pexpect.EOF, timeout=scaled(60))
        out = gdb.before
        if not re.search(r"Breakpoint 1, .*cow_fault", out):
            raise Fail("no stop in cow_fault for a write to %#x after fork; gdb said:\n%s"
                       % (address, tail(out)))
        guest.check_panic()
