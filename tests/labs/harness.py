"""harness.py - what every lab's grade.py uses: the @graded decorator that declares a test
and its points, and Guest, one booted nest (tests/system/nest.py underneath) with the
checks graders need.

Rules the harness enforces for every lab (docs/labs/README.md, "How grading stays robust"):
a test judges guest quantities, never host time; every wait is for progress (a line of
output) with an idle limit, so a hung kernel fails within about a minute; every limit is
multiplied by GRADE_TIMEOUT_SCALE; QEMU or GRUB not starting is an Infrastructure error,
not a wrong answer; a kernel panic anywhere fails the test.
"""
import os
import random
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "system"))
import nest  # noqa: E402
import pexpect  # noqa: E402

SCALE = float(os.environ.get("GRADE_TIMEOUT_SCALE", "1") or 1)
# GRADE_GDB_PORT=1234: every boot listens for gdb there (one test at a time: ONLY=name), and
# the limits grow so that a session stopped at a breakpoint does not count as a hang.
GDB_PORT = os.environ.get("GRADE_GDB_PORT")
if GDB_PORT:
    SCALE *= 100
IDLE = 40  # seconds without any console output before a run counts as hung (scaled)
PANIC_RE = re.compile(r"kernel panic[^\n]*", re.IGNORECASE)
GRADED = []  # (function, points) in declaration order


class Fail(Exception):
    """A wrong answer: the message says what was expected and what came instead."""


class Infrastructure(Exception):
    """The test could not judge the kernel at all (QEMU or GRUB did not start)."""


def graded(points):
    """Declare a grading test worth POINTS; its name is the function's name."""
    def register(function):
        GRADED.append((function, points))
        return function
    return register


def scaled(seconds):
    return seconds * SCALE


def rng():
    """Random inputs for one run, so that a stub cannot print a constant answer."""
    return random.Random(os.urandom(16))


class Guest:
    """One nest in QEMU, booted to its shell. Logs go to LOG (the whole console)."""

    def __init__(self, log, cmdline=nest.DEFAULT_CMDLINE, memory="512M", extra_args=(), smp=None):
        """smp: nest's CPUs (default NEST_SMP, else 1), run in parallel (multi-threaded TCG)."""
        self.log = log
        self.cmdline = cmdline
        try:
            iso = nest.iso_for(cmdline)
        except Exception as error:  # noqa: BLE001 - any failure to make the ISO
            raise Infrastructure("could not make the ISO: %s" % error)
        if GDB_PORT:
            extra_args = list(extra_args) + ["-gdb", "tcp:127.0.0.1:" + GDB_PORT]
            print("(nest boots; attach with: gdb -ex 'target remote :%s' build/kernel.elf)"
                  % GDB_PORT, flush=True)
        self.nest = nest.Nest(cmdline=cmdline, memory=memory, iso=iso, smp=smp,
                              timeout=int(scaled(600)), extra_args=extra_args)
        self.child = self.nest.child
        try:
            self._boot()
        except BaseException:
            self.close()
            raise

    def _boot(self):
        try:
            self.child.expect_exact("Booting", timeout=scaled(60))
        except (pexpect.TIMEOUT, pexpect.EOF):
            raise Infrastructure("QEMU/GRUB did not start (no 'Booting' on the console)")
        try:
            self.nest.wait_for_prompt(timeout=scaled(IDLE))
        except (pexpect.TIMEOUT, pexpect.EOF):
            self.check_panic()
            raise Fail("nest did not boot to the shell (see the console log)")

    def console(self):
        return self.nest.console()

    def check_panic(self):
        found = PANIC_RE.search(self.console())
        if found:
            raise Fail("kernel panic: " + found.group(0).strip())

    def run(self, command, idle=IDLE, total=300):
        """Run COMMAND at the shell; return (output, exit status). Waits while output keeps
        coming: IDLE seconds of silence, or TOTAL in all, fail the test (both scaled)."""
        marker = "@@status%d@@" % random.randrange(1 << 30)
        separator = " " if command.rstrip().endswith("&") else "; "
        line = "%s%secho %s$?" % (command, separator, marker)
        self.child.sendline(line)
        self.child.expect_exact(line, timeout=scaled(idle))
        pieces = []
        deadline = time.monotonic() + scaled(total)  # a limit only, never a judgement
        while True:
            try:
                index = self.child.expect([re.escape(marker) + r"(\d+)\r*\n", r"\n"],
                                          timeout=scaled(idle))
            except pexpect.TIMEOUT:
                self.check_panic()
                raise Fail("no progress for %d s running '%s' (a hang?)"
                           % (scaled(idle), command))
            except pexpect.EOF:
                self.check_panic()
                raise Fail("nest stopped while running '%s'" % command)
            pieces.append(self.child.before)
            if index == 0:
                status = int(self.child.match.group(1))
                break
            pieces.append("\n")
            if time.monotonic() > deadline:
                raise Fail("'%s' did not finish within %d s" % (command, scaled(total)))
        self.check_panic()
        return "".join(pieces).replace("\r", ""), status

    def run_ok(self, command, **limits):
        """Run COMMAND; its output, or Fail if it exited with a non-zero status."""
        output, status = self.run(command, **limits)
        if status != 0:
            raise Fail("'%s' exited with status %d:\n%s" % (command, status, tail(output)))
        return output

    def close(self):
        """Stop QEMU and append its console to the test's log."""
        text = self.console()
        with open(self.log, "a", encoding="utf-8", errors="replace") as out:
            out.write(text)
        try:
            self.nest.close()
        except AssertionError:
            pass  # a panic is judged by the test itself (check_panic)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def tail(text, lines=15):
    return "\n".join(text.strip("\n").split("\n")[-lines:])


def expect_equal(what, expected, got):
    if expected != got:
        raise Fail("%s: expected %r, got %r" % (what, expected, got))


def abi_compare(guest, name, pidns=False):
    """Run tests/abi/NAME (built in BUILD/abi, on nest in /tests) on the Linux host and on
    nest; Fail with a diff unless output and exit status are the same."""
    import difflib
    import importlib.util
    spec = importlib.util.spec_from_file_location("abi_run", os.path.join(ROOT, "tests", "abi",
                                                                          "run.py"))
    abi = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(abi)
    binary = os.path.join(os.environ.get("BUILD", os.path.join(ROOT, "build")), "abi", name)
    test = abi.Test(name, binary, pidns)
    problem = abi.host_problem()
    if problem:
        raise Infrastructure("the Linux side cannot run: " + problem)
    try:
        linux_output, linux_status = abi.run_on_host(test)
    except (OSError, RuntimeError) as error:
        raise Infrastructure("the Linux side failed: %s" % error)
    command = "/tests/" + name
    if pidns:
        command = "/bin/unshare -p -f --mount-proc " + command
    nest_output, nest_status = guest.run(command, idle=30, total=300)
    linux = linux_output.strip("\n").split("\n") + ["exit status %d" % linux_status]
    mine = nest_output.strip("\n").split("\n") + ["exit status %d" % nest_status]
    if linux != mine:
        diff = difflib.unified_diff(linux, mine, "Linux", "nest", lineterm="", n=2)
        raise Fail("%s differs from Linux:\n%s" % (name, "\n".join(list(diff)[:40])))
