"""Lab syscall: add a system call, trace(mask) (docs/labs/syscall.md). The kernel's lines
"PID: syscall NAME -> RESULT" are counted and checked; counts, descriptors and lengths are
random for each run, so no fixed output can pass."""
import re

from harness import Fail, Guest, graded, rng, tail

NEEDS = ["pidns"]  # labs whose solutions these tests rely on (make labcheck)


def lines_of(output, name):
    """(pid, result) of every trace line for the call NAME."""
    return [(int(m.group(1)), int(m.group(2)))
            for m in re.finditer(r"^(\d+): syscall %s -> (-?\d+)$" % name, output, re.M)]


def number(output, key):
    found = re.search(r"\b%s=(-?\d+)" % key, output)
    if not found:
        raise Fail("no %s= in the output:\n%s" % (key, tail(output)))
    return int(found.group(1))


@graded(10)
def syscall_trace_counts_getpid(log):
    """K getpid calls give exactly K lines with the caller's PID as the result."""
    k = rng().randrange(3, 40)
    with Guest(log) as guest:
        output = guest.run_ok("/tests/syscall_test getpid %d" % k)
        pid = number(output, "pid")
        got = lines_of(output, "getpid")
        if got != [(pid, pid)] * k:
            raise Fail("expected %d lines '%d: syscall getpid -> %d', got %s:\n%s"
                       % (k, pid, pid, got[:5], tail(output)))


@graded(5)
def syscall_trace_reports_results_and_errors(log):
    """read from a bad descriptor reports -9 (EBADF); write reports the bytes written."""
    r = rng()
    fd, length = r.randrange(20, 60), r.randrange(2, 200)
    with Guest(log) as guest:
        output = guest.run_ok("/tests/syscall_test errors %d %d" % (fd, length))
        reads, writes = lines_of(output, "read"), lines_of(output, "write")
        if [result for _, result in reads] != [-9] or [result for _, result in writes] != [length]:
            raise Fail("expected 'read -> -9' and 'write -> %d', got read %s write %s:\n%s"
                       % (length, reads, writes, tail(output)))


@graded(10)
def syscall_trace_inherited_over_fork(log):
    """A forked child keeps its parent's mask: its K getpid calls are reported with its own
    PID; getppid, not in the mask, is not reported."""
    k = rng().randrange(3, 30)
    with Guest(log) as guest:
        output = guest.run_ok("/tests/syscall_test fork %d" % k)
        parent, child = number(output, "parent"), number(output, "child")
        got = lines_of(output, "getpid")
        expected = [(child, child)] * k + [(parent, parent)]
        if got != expected:
            raise Fail("expected %d child lines then one parent line, got %s:\n%s"
                       % (k, got[:6], tail(output)))
        if lines_of(output, "getppid"):
            raise Fail("getppid is not in the mask but was reported:\n" + tail(output))


@graded(5)
def syscall_trace_pids_in_the_process_namespace(log):
    """In a new PID namespace the traced process is PID 1 in the lines too."""
    k = rng().randrange(3, 20)
    with Guest(log) as guest:
        output = guest.run_ok("unshare -p -f /tests/syscall_test getpid %d" % k)
        if number(output, "pid") != 1 or lines_of(output, "getpid") != [(1, 1)] * k:
            raise Fail("expected %d lines '1: syscall getpid -> 1':\n%s" % (k, tail(output)))


@graded(5)
def syscall_trace_program_runs_a_command(log):
    """`trace 4 cat FILE` (bit 2: open) on a missing random FILE reports open -> -2."""
    name = "/no-such-file-%d" % rng().randrange(10**9)
    with Guest(log) as guest:
        output, _ = guest.run("trace 4 cat %s" % name)
        opens = lines_of(output, "open")
        if not opens or opens[-1][1] != -2 or "No such file" not in output:
            raise Fail("expected 'PID: syscall open -> -2' from cat:\n" + tail(output))
