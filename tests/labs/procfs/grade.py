"""Lab procfs: /proc/PID/stat and /proc/PID/status (docs/labs/procfs.md). Judged by
comparison with Linux on the same programs, by processes with random names and command
lines, and by nest's ps, which reads the files the student generates."""

import re
import string

from harness import Fail, Guest, abi_compare, graded, rng, tail

NEEDS = ["pidns"]  # labs whose solutions these tests rely on (make labcheck)


@graded(10)
def procfs_status_and_stat_as_linux(log):
    """Name, State, Pid, PPid and stat fields of processes in every state, as on Linux."""
    with Guest(log) as guest:
        abi_compare(guest, "proc_status_file")


@graded(10)
def procfs_namespace_views_as_linux(log):
    """NSpid and the numbers of stat and status read from inside a PID namespace."""
    with Guest(log) as guest:
        abi_compare(guest, "pidns_proc_status", pidns=True)


def random_name(r):
    return "".join(r.choice(string.ascii_lowercase) for _ in range(r.randrange(5, 15)))


@graded(10)
def procfs_random_process_read_back(log):
    """A process run under a random name: its comm, Name, State, PID, parent, group and
    session read back from stat and status."""
    r = rng()
    name = random_name(r)
    args = " ".join(str(r.randrange(10**6)) for _ in range(r.randrange(1, 5)))
    with Guest(log) as guest:
        output, status = guest.run("/tests/procfs_names %s %s" % (name, args))
        for line in ("comm=" + name, "Name=" + name, "state=S", "State=S (sleeping)"):
            if line not in output.split("\n"):
                raise Fail("expected the line %r:\n%s" % (line, tail(output)))
        if status != 0 or "procfs_names: ok" not in output:
            raise Fail("procfs_names exited with %d:\n%s" % (status, tail(output)))


@graded(5)
def procfs_ps_lists_the_process(log):
    """nest's ps shows a sleeping process of a random name, with its PID and parent."""
    r = rng()
    name = random_name(r)
    seconds = r.randrange(1000, 100000)
    with Guest(log) as guest:
        guest.run_ok("/tests/procfs_names --copy %s" % name)
        ready = "/tmp/ready-%s" % name
        guest.run_ok("/tmp/%s --wait 1 %d > %s &" % (name, seconds, ready))
        shell_pid = guest.run_ok("echo $$").strip().split("\n")[-1]
        # Wait until the job has run its new program (it writes "r"), not using /proc.
        for _ in range(50):
            if guest.run_ok("cat %s" % ready).strip().endswith("r"):
                break
        # It may still be on its way into pause(): ask ps again until it sleeps.
        for _ in range(5):
            output = guest.run_ok("ps -o pid,ppid,stat,comm")
            lines = [l.split() for l in output.split("\n") if l.split()[-1:] == [name]]
            if lines and lines[0][2].startswith("S"):
                break
        if not lines:
            raise Fail("ps does not list %s:\n%s" % (name, tail(output)))
        if lines[0][1] != shell_pid or not lines[0][2].startswith("S"):
            raise Fail("ps shows %s with parent %s, state %s; expected the shell %s, S:\n%s"
                       % (name, lines[0][1], lines[0][2], shell_pid, tail(output)))
