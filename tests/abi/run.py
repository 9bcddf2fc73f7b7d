#!/usr/bin/env python3
"""run.py - nest's ABI differential tests: the same static binaries on Linux and on nest.

Each tests/abi/NAME.c is built by make into BUILD/abi/NAME and installed on nest as /tests/NAME
(with musl, or with the host's gcc and glibc when its first line is "// ABI: glibc FLAGS"; the
host's ld.so and libc then come along in the extra module).
This script runs every one of them on the Linux host (as root; under "unshare -p -f --mount-proc"
when the source's first line is "// ABI: pidns"), then boots nest in QEMU with an extra
initramfs module holding /tests/run-abi, a shell script that runs them all between markers, and
compares the two outputs line for line, exit status included. A source whose first line is
"// ABI: helper" is not a test: run_with_timeout.c is the per-test watchdog used on nest.

One boot runs every test, each under a 45 s watchdog on nest. The host watches the serial
output: a nest that prints nothing for 60 s has hung (the watchdog would have spoken by then),
and the boot is ended at once, naming the test that was running. If the boot ends early (a
kernel panic, a hang, the 1800 s limit, no clean power-off), the test it died in and every test
that had not started fail; with --retry-boots N, nest is booted again (up to N more times) for
those not started.

Output: one line per test, "PASS abi/NAME" or "FAIL abi/NAME: reason" followed by an indented
unified diff (Linux first, nest second). Other lines start with "abi: ". The exit status is 0
unless the command line is wrong: the caller counts the PASS and FAIL lines.

    tests/abi/run.py --build build                 everything
    tests/abi/run.py --build build --only NAME     one test (repeatable)
    tests/abi/run.py --build build --host-only     Linux only: print each output, run twice
                                                   and say whether the two runs agree
    tests/abi/run.py --build build --retry-boots 3 boot again for tests a panic kept from running
"""

import argparse
import difflib
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HOST_TIMEOUT = 60  # seconds for one test on Linux
NEST_TIMEOUT = 45  # seconds for one test on nest (all of them take ~15 s under TCG)
HANG_SECONDS = 60  # no serial output for this long: nest has hung (> NEST_TIMEOUT)
BOOT_TIMEOUT = 1800  # seconds for one boot of nest, an outer bound only
PIDNS_MARKER = "// ABI: pidns"
HELPER_MARKER = "// ABI: helper"
WATCHDOG = "/tests/run_with_timeout"
NEST_CMDLINE = "console=ttyS0 quiet init=/sbin/init -- /tests/run-abi"
def nest_cpus_args():
    """QEMU's CPUs for nest: NEST_SMP (1 by default); more than one run in parallel on the
    host (multi-threaded TCG)."""
    smp = int(os.environ.get("NEST_SMP", "1"))
    return ["-smp", str(smp)] + (["-accel", "tcg,thread=multi"] if smp > 1 else [])


QEMU_CLEAN_EXIT = 33  # isa-debug-exit status when nest powers off

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

BEGIN_RE = re.compile(r"==== BEGIN (\S+)")
END_RE = re.compile(r"==== END (\S+) status=(\d+)")
TIMEOUT_RE = re.compile(r"==== TIMEOUT after (\d+) s")
PANIC_RE = re.compile(r"kernel panic", re.IGNORECASE)


class Test:
    """One ABI test program and what each system made of it."""

    def __init__(self, name, binary, pidns):
        self.name = name
        self.binary = binary  # absolute path of BUILD/abi/NAME
        self.pidns = pidns  # run in a fresh PID namespace
        self.host = None  # (output, status) on Linux, or None
        self.host_error = None  # why the Linux run gave no result
        self.nest = None  # (output, status) on nest, or None
        self.nest_error = None  # why nest gave no result


def say(text):
    """An informational line; never starts with PASS or FAIL."""
    print("abi: " + text, flush=True)


def normalise(text):
    """Line endings as on Linux: the console turns \\n into \\r\\n."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def find_tests(build, only):
    """The tests: every tests/abi/*.c, in name order, restricted to ONLY if given."""
    names = sorted(f[:-2] for f in os.listdir(HERE) if f.endswith(".c"))
    if only:
        unknown = [n for n in only if n not in names]
        if unknown:
            sys.exit("run.py: no such test: " + ", ".join(unknown))
        names = [n for n in names if n in only]
    tests = []
    for name in names:
        with open(os.path.join(HERE, name + ".c"), encoding="utf-8") as source:
            first_line = source.readline().strip()
        if first_line == HELPER_MARKER:
            continue
        binary = os.path.abspath(os.path.join(build, "abi", name))
        tests.append(Test(name, binary, first_line == PIDNS_MARKER))
    return tests


def host_command(test):
    """The Linux command line for TEST. --kill-child only makes sure that a namespace whose
    unshare is killed after a timeout does not outlive it."""
    if test.pidns:
        return ["unshare", "-p", "-f", "--mount-proc", "--kill-child", test.binary]
    return [test.binary]


def run_on_host(test):
    """Run TEST on Linux; return (output, status) with status as a shell's $? would be."""
    process = subprocess.Popen(host_command(test), cwd="/", stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        output, _ = process.communicate(timeout=HOST_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        raise RuntimeError("timed out after %d s on Linux; output so far:\n%s"
                           % (HOST_TIMEOUT, output.decode("utf-8", "replace")))
    status = process.returncode
    if status < 0:
        status = 128 - status
    return normalise(output.decode("utf-8", "replace")), status


def host_problem():
    """Why the Linux side cannot run at all, or None."""
    if os.geteuid() != 0:
        return "the Linux side must run as root (as nest's tests do; unshare -p needs it too)"
    if shutil.which("unshare") is None:
        return "unshare (util-linux) is not installed"
    return None


def run_all_on_host(tests):
    """Run every test on Linux, recording its result or why there is none."""
    problem = host_problem()
    for test in tests:
        if not os.access(test.binary, os.X_OK):
            test.host_error = "%s is not built (make builds it)" % test.binary
        elif problem:
            test.host_error = problem
        else:
            try:
                test.host = run_on_host(test)
            except (OSError, RuntimeError) as error:
                test.host_error = str(error)


def run_abi_script(tests):
    """The shell script nest runs: every test between BEGIN and END markers, each under the
    watchdog."""
    lines = ["#!/bin/sh", "# run-abi - generated by tests/abi/run.py: run the ABI tests on nest.",
             "cd /"]
    for test in tests:
        command = "/tests/" + test.name
        if test.pidns:
            command = "/bin/unshare -p -f --mount-proc " + command
        command = "%s %d %s" % (WATCHDOG, NEST_TIMEOUT, command)
        lines.append('echo "==== BEGIN %s"' % test.name)
        lines.append(command)
        lines.append('echo "==== END %s status=$?"' % test.name)
    return "\n".join(lines) + "\n"


# The host's glibc runtime, for the dynamically linked glibc tests (loader_dynamic): laid out
# as on Debian, /lib64's ld.so a link into /lib/x86_64-linux-gnu.
GLIBC_DIR = "lib/x86_64-linux-gnu"
GLIBC_FILES = ["ld-linux-x86-64.so.2", "libc.so.6"]
LD_SO_LINK = "lib64/ld-linux-x86-64.so.2"


def add_glibc_runtime(staging):
    """Copy the host's ld.so and libc into STAGING; return the archive's new paths."""
    os.makedirs(os.path.join(staging, GLIBC_DIR))
    os.makedirs(os.path.join(staging, "lib64"))
    names = ["lib", GLIBC_DIR, "lib64", LD_SO_LINK]
    for name in GLIBC_FILES:
        shutil.copy(os.path.realpath(os.path.join("/", GLIBC_DIR, name)),
                    os.path.join(staging, GLIBC_DIR, name))
        names.append(GLIBC_DIR + "/" + name)
    os.symlink("/" + GLIBC_DIR + "/" + GLIBC_FILES[0], os.path.join(staging, LD_SO_LINK))
    return names


def make_module(tests, directory):
    """A cpio newc archive holding /tests/run-abi and the glibc runtime; returns its path."""
    staging = os.path.join(directory, "staging")
    os.makedirs(os.path.join(staging, "tests"))
    script = os.path.join(staging, "tests", "run-abi")
    with open(script, "w", encoding="utf-8") as out:
        out.write(run_abi_script(tests))
    os.chmod(script, 0o755)
    names = ["tests/run-abi"] + add_glibc_runtime(staging)
    archive = os.path.join(directory, "abi-tests.cpio")
    with open(archive, "wb") as out:
        subprocess.run(["cpio", "--quiet", "-o", "-H", "newc", "--owner=0:0"], cwd=staging,
                       input="\n".join(names).encode() + b"\n", stdout=out, check=True)
    return archive


def read_until_silent(process, log):
    """Collect PROCESS's output (copied to LOG as it comes) until it ends, or until it has
    been silent for HANG_SECONDS. Returns (output bytes, hung)."""
    chunks = []
    last_output = time.monotonic()
    while True:
        ready, _, _ = select.select([process.stdout], [], [], 5)
        if ready:
            chunk = process.stdout.read1(65536)
            if not chunk:
                return b"".join(chunks), False
            chunks.append(chunk)
            log.write(chunk)
            log.flush()
            last_output = time.monotonic()
        elif time.monotonic() - last_output > HANG_SECONDS:
            return b"".join(chunks), True


def boot_nest(build, tests, log_path):
    """Build the ISO, boot it once and return (serial output, QEMU status, seconds), with
    status None when nest hung. A copy of the serial output goes to LOG_PATH as it comes, so a
    long run can be followed with tail -f (the results come from the pipe, not from the log,
    which another run may overwrite)."""
    kernel = os.path.join(build, "kernel.elf")
    initramfs = os.path.join(build, "initramfs.cpio")
    test_programs = os.path.join(build, "tests.cpio")  # /tests: a second boot module
    for needed in (kernel, initramfs, test_programs):
        if not os.path.exists(needed):
            raise RuntimeError("%s is missing (make builds it)" % needed)
    with tempfile.TemporaryDirectory(prefix="nest-abi-") as directory:
        module = make_module(tests, directory)
        iso = os.path.join(directory, "abi.iso")
        subprocess.run([os.path.join(ROOT, "tools", "mkiso.sh"), iso, NEST_CMDLINE, kernel,
                        initramfs, test_programs, module], check=True,
                       stdout=subprocess.DEVNULL)
        qemu = ["timeout", str(BOOT_TIMEOUT), "qemu-system-x86_64", "-cdrom", iso, "-boot", "d",
                "-net", "none", "-display", "none", "-serial", "stdio", "-m", "1G", "-no-reboot",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"] + nest_cpus_args()
        start = time.monotonic()
        with open(log_path, "wb") as log:
            # start_new_session: a hang kills timeout and QEMU together, by process group.
            qemu_process = subprocess.Popen(qemu, stdin=subprocess.DEVNULL,
                                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                            start_new_session=True)
            output, hung = read_until_silent(qemu_process, log)
            if hung:
                os.killpg(qemu_process.pid, signal.SIGKILL)
            status = qemu_process.wait()
        seconds = time.monotonic() - start
    serial = normalise(output.decode("utf-8", "replace"))
    return serial, None if hung else status, seconds


def split_serial(serial, tests):
    """Give each test its part of the serial output: the lines between its markers. A marker
    may follow output that did not end in a newline, so it is searched for within lines."""
    by_name = {test.name: test for test in tests}
    current, lines = None, []
    panic_line = None
    for line in serial.split("\n"):
        if panic_line is None and PANIC_RE.search(line):
            panic_line = line.strip()
            if current is not None:
                by_name[current].nest_error = "kernel panic while it ran: " + panic_line
        begin = BEGIN_RE.search(line)
        end = END_RE.search(line)
        if begin and begin.group(1) in by_name:
            current, lines = begin.group(1), []
            continue
        if end and end.group(1) == current:
            before = line[:end.start()]
            if before:
                lines.append(before)
            test = by_name[current]
            test.nest = ("".join(l + "\n" for l in lines), int(end.group(2)))
            test.nest_error = None
            timeout = TIMEOUT_RE.search(test.nest[0])
            if timeout:
                test.nest_error = ("timed out on nest after %s s (killed by the watchdog)"
                                   % timeout.group(1))
            current = None
            continue
        if current is not None:
            lines.append(line)
    return panic_line, current


def boot_once(build, tests, boot_number):
    """Boot nest for TESTS and give each its result or error. Returns the tests that did not
    start when the boot ended early (they carry a "did not finish" error), else []."""
    log_name = "abi-nest.log" if boot_number == 1 else "abi-nest-%d.log" % boot_number
    log_path = os.path.join(build, log_name)
    try:
        serial, status, seconds = boot_nest(build, tests, log_path)
    except (OSError, RuntimeError, subprocess.CalledProcessError) as error:
        for test in tests:
            test.nest_error = "nest was not run: %s" % error
        return []
    if status is None:
        how = "nest hung: no output for %d s" % HANG_SECONDS
    elif status == QEMU_CLEAN_EXIT:
        how = "nest powered off cleanly"
    elif status == 124:
        how = "the boot timed out after %d s" % BOOT_TIMEOUT
    else:
        how = "QEMU exited with status %d, not %d (a clean power-off)" % (status, QEMU_CLEAN_EXIT)
    say("boot %d for %d tests: %s, %.0f s; serial output in %s"
        % (boot_number, len(tests), how, seconds, log_path))
    panic_line, unfinished = split_serial(serial, tests)
    if panic_line:
        say("boot %d: kernel panic: %s" % (boot_number, panic_line))
    never_started = []
    for test in tests:
        if test.nest is not None or test.nest_error:
            continue
        if test.name == unfinished:
            cause = ("kernel panic (%s)" % panic_line) if panic_line else how
            test.nest_error = "did not finish on nest (started, no END marker; %s)" % cause
        else:
            never_started.append(test)
    if not never_started:
        return []
    if panic_line:
        reason = "never started: kernel panic earlier in the run (%s)" % panic_line
    else:
        reason = "never started: %s" % how
    for test in never_started:
        test.nest_error = "did not finish on nest (%s)" % reason
    if len(never_started) == len(tests):
        return []
    return never_started


def run_all_on_nest(build, tests, retry_boots):
    """Boot nest for all TESTS, and up to RETRY_BOOTS more times for tests a boot that ended
    early never started (those keep their "did not finish" error if no retry is left)."""
    remaining = list(tests)
    for boot_number in range(1, retry_boots + 2):
        if boot_number > 1:
            for test in remaining:
                test.nest_error = None
        remaining = boot_once(build, remaining, boot_number)
        if not remaining:
            return


def with_status(result):
    """The text compared: a run's output and then its exit status."""
    output, status = result
    if output and not output.endswith("\n"):
        output += "\n"
    return output + "[exit status %d]\n" % status


def print_verdict(test):
    """Exactly one PASS or FAIL line for TEST, and for a failure the diff when there is one."""
    if test.host_error:
        print("FAIL abi/%s: Linux side: %s" % (test.name, test.host_error.splitlines()[0]))
        for line in test.host_error.splitlines()[1:]:
            print("    " + line)
        return
    if test.nest is None:
        print("FAIL abi/%s: %s" % (test.name, test.nest_error))
        return
    linux, nest = with_status(test.host), with_status(test.nest)
    if linux == nest and not test.nest_error:
        print("PASS abi/%s" % test.name)
        return
    diff = list(difflib.unified_diff(linux.splitlines(), nest.splitlines(),
                                     "linux/" + test.name, "nest/" + test.name, lineterm=""))
    changed = sum(1 for line in diff[2:] if line[:1] in "+-")
    reason = test.nest_error or "output differs from Linux (%d lines)" % changed
    print("FAIL abi/%s: %s" % (test.name, reason))
    for line in diff:
        print("    " + line)


def host_only(tests):
    """Run each test twice on Linux, print the first output and whether the runs agree."""
    problem = host_problem()
    for test in tests:
        print("==== %s%s" % (test.name, " (in a new PID namespace)" if test.pidns else ""))
        if not os.access(test.binary, os.X_OK):
            print("not built: " + test.binary)
            continue
        if problem:
            print("cannot run: " + problem)
            continue
        try:
            first, second = run_on_host(test), run_on_host(test)
        except (OSError, RuntimeError) as error:
            print("cannot run: %s" % error)
            continue
        sys.stdout.write(with_status(first))
        print("(deterministic: %s)" % ("yes" if first == second else "NO"))
        if first != second:
            for line in difflib.unified_diff(with_status(first).splitlines(),
                                             with_status(second).splitlines(),
                                             "run1", "run2", lineterm=""):
                print("    " + line)


def main():
    parser = argparse.ArgumentParser(description="Run nest's ABI tests on Linux and on nest.")
    parser.add_argument("--build", required=True, help="the build directory (build)")
    parser.add_argument("--only", action="append", metavar="NAME", help="run only this test")
    parser.add_argument("--host-only", action="store_true",
                        help="run on Linux only (twice) and print the outputs")
    parser.add_argument("--retry-boots", type=int, default=0, metavar="N",
                        help="boot nest up to N more times for tests that a boot ending early "
                        "never started (default 0: one boot, as make test does)")
    args = parser.parse_args()
    tests = find_tests(args.build, args.only)
    if args.host_only:
        host_only(tests)
        return 0
    run_all_on_host(tests)
    run_all_on_nest(args.build, tests, args.retry_boots)
    for test in tests:
        print_verdict(test)
    return 0


if __name__ == "__main__":
    sys.exit(main())
