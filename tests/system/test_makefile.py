"""The Makefile's promises to a student (issue 14): a CMDLINE with double quotes builds an ISO
that boots with exactly that command line (README's example), a new CMDLINE rebuilds the ISO,
and a plain make after a custom one goes back to the default; LOCKCHECK=0/1 (issue 16)
recompiles the kernel the same way. It works in a temporary BUILD
directory holding copies of the built kernel and initramfs (make -o: taken as they are)."""
import os
import re
import shutil
import subprocess
import tempfile

import pytest

from nest import INITRAMFS, KERNEL, ROOT, Nest

README_CMDLINE = 'console=ttyS0 init=/sbin/init -- /bin/sh -c "ls /"'


@pytest.fixture
def build_dir():
    directory = tempfile.mkdtemp(prefix="nest-make-")
    shutil.copy2(KERNEL, directory)
    shutil.copy2(INITRAMFS, directory)
    yield directory
    shutil.rmtree(directory)


def make_iso(build, *variables, dry_run=True):
    """Run make for BUILD/nest.iso; return its output (with -n: the commands it would run)."""
    command = ["make", "--no-print-directory", "BUILD=" + build,
               "-o", os.path.join(build, "kernel.elf"), "-o", os.path.join(build, "initramfs.cpio")]
    command += (["-n"] if dry_run else []) + list(variables) + [os.path.join(build, "nest.iso")]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, "%s failed:\n%s%s" % (" ".join(command), done.stdout, done.stderr)
    return done.stdout


def rebuilds_iso(output):
    return "tools/mkiso.sh" in output


def test_a_new_cmdline_rebuilds_the_iso_and_a_plain_make_goes_back(build_dir):
    make_iso(build_dir, dry_run=False)
    assert not rebuilds_iso(make_iso(build_dir)), "the ISO was just built; make wants it again"
    assert rebuilds_iso(make_iso(build_dir, "CMDLINE=console=ttyS0 sched=fifo")), \
        "a new CMDLINE does not rebuild the ISO"
    make_iso(build_dir, "CMDLINE=console=ttyS0 sched=fifo", dry_run=False)
    assert not rebuilds_iso(make_iso(build_dir, "CMDLINE=console=ttyS0 sched=fifo"))
    assert rebuilds_iso(make_iso(build_dir)), \
        "a plain make after a custom CMDLINE keeps the custom ISO"


def test_the_readme_cmdline_with_double_quotes_boots_as_written(build_dir):
    make_iso(build_dir, "CMDLINE=" + README_CMDLINE, dry_run=False)
    with Nest(iso=os.path.join(build_dir, "nest.iso"), timeout=120) as nest:
        nest.expect(re.escape("command line '%s'" % README_CMDLINE), timeout=60)
        nest.expect(r"bin\s+dev\s+etc\s+proc\s+root\s+sbin\s+tmp", timeout=60)
        assert nest.wait_exit(timeout=60) == 33, "nest did not power off after ls /"


def test_make_helps_cmdline_example_gives_a_job_control_shell(build_dir):
    """The CMDLINE that `make help` suggests, taken from its output, boots a shell with job
    control on the console (not "no job control in this shell")."""
    helped = subprocess.run(["make", "--no-print-directory", "help"], cwd=ROOT, capture_output=True,
                            text=True, timeout=60).stdout
    example = re.search(r"CMDLINE='([^']*)'", helped)
    assert example, "make help shows no CMDLINE example:\n" + helped
    make_iso(build_dir, "CMDLINE=" + example.group(1), dry_run=False)
    with Nest(iso=os.path.join(build_dir, "nest.iso"), timeout=120) as nest:
        nest.wait_for_prompt(timeout=90)
        out = nest.run("sleep 100 &")
        assert re.match(r"\[1\] \d+$", out), "no job line for a background sleep: %r" % out
        out = nest.run("jobs")
        assert re.match(r"\[1\]\+\s+Running\s+sleep 100 &$", out), "jobs: %r" % out
        assert "no job control" not in nest.console()
        nest.send("exit\r")
        assert nest.wait_exit(timeout=60) == 33, "nest did not power off when the shell exited"


def compile_lockcheck_object(build, *variables, dry_run=True):
    """make BUILD/kernel/lib/lockcheck.o (one kernel object); its output, with -n: the commands."""
    command = ["make", "--no-print-directory", "BUILD=" + build] + (["-n"] if dry_run else [])
    command += list(variables) + [os.path.join(build, "kernel", "lib", "lockcheck.o")]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, "%s failed:\n%s%s" % (" ".join(command), done.stdout, done.stderr)
    return done.stdout


def compiles_lockcheck(output, checker):
    """Does make's output compile lockcheck.c, with (checker) or without the checker?"""
    compiles = [line for line in output.splitlines() if "-c kernel/lib/lockcheck.c" in line]
    return bool(compiles) and all(("-DNEST_LOCKCHECK" in line) == checker for line in compiles)


def test_flipping_lockcheck_recompiles_the_kernel_and_a_plain_make_turns_it_back_on():
    build = tempfile.mkdtemp(prefix="nest-make-")
    try:
        compile_lockcheck_object(build, dry_run=False)
        assert "is up to date" in compile_lockcheck_object(build), \
            "the object was just built; make wants it again"
        assert compiles_lockcheck(compile_lockcheck_object(build, "LOCKCHECK=0"), checker=False), \
            "LOCKCHECK=0 does not recompile the kernel without the checker"
        compile_lockcheck_object(build, "LOCKCHECK=0", dry_run=False)
        assert "is up to date" in compile_lockcheck_object(build, "LOCKCHECK=0")
        assert compiles_lockcheck(compile_lockcheck_object(build), checker=True), \
            "a plain make after LOCKCHECK=0 keeps the kernel without the checker"
    finally:
        shutil.rmtree(build)
