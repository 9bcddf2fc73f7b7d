"""Drive nest in QEMU from Python: build an ISO for a command line, boot it with the
serial console on a pexpect pipe, type at the shell and read what comes back.

Every QEMU runs under `timeout`, and every boot's whole console output is kept, so a
test can check that no kernel panic happened anywhere (see Nest.close). A wait for output
fails early, as hung, when nest prints nothing at all for HANG_SECONDS: a test's own timeout is
only an outer bound, generous for slow TCG, and a hung kernel is named within about a minute."""
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import time

import pexpect

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, os.environ.get("BUILD", "build"))
KERNEL = os.path.join(BUILD, "kernel.elf")
INITRAMFS = os.path.join(BUILD, "initramfs.cpio")
TEST_PROGRAMS = os.path.join(BUILD, "tests.cpio")  # /tests, a second module: GRUB loads both
OVMF = "/usr/share/ovmf/OVMF.fd"
PROMPT = "# "
DEFAULT_CMDLINE = "console=ttyS0"
HANG_SECONDS = 60  # nest printed nothing for this long while a test waited: it has hung


class NestHung(AssertionError):
    """nest stopped printing while a test waited for its output."""


class ProgressLog:
    """The console log file, remembering when nest last printed anything."""

    def __init__(self, path):
        self.file = open(path, "w", encoding="utf-8", errors="replace", newline="")
        self.last_output = time.monotonic()

    def write(self, text):
        if text:
            self.last_output = time.monotonic()
        self.file.write(text)

    def flush(self):
        self.file.flush()

    def close(self):
        self.file.close()


def iso_for(cmdline, modules=None):
    """An ISO whose GRUB boots nest with cmdline (cached by command line and modules)."""
    modules = modules or [INITRAMFS, TEST_PROGRAMS]
    key = hashlib.sha1((cmdline + "|" + "|".join(modules)).encode()).hexdigest()[:12]
    out = os.path.join(BUILD, "test-iso", key + ".iso")
    newest = max(os.path.getmtime(p) for p in [KERNEL] + modules)
    if not os.path.exists(out) or os.path.getmtime(out) < newest:
        os.makedirs(os.path.dirname(out), exist_ok=True)
        subprocess.run([os.path.join(ROOT, "tools", "mkiso.sh"), out, cmdline, KERNEL] + modules,
                       check=True)
    return out


class Nest:
    """One running nest. Use as a context manager, or call close()."""

    def __init__(self, cmdline=DEFAULT_CMDLINE, uefi=False, memory="512M", iso=None,
                 disk=None, timeout=120, extra_args=(), smp=None, panic_expected=False,
                 direct_modules=None):
        """Boots from an ISO made for cmdline (or iso, or the disk image disk); with
        direct_modules, from build/kernel.elf by QEMU's -kernel with those cpio files.
        smp: QEMU's CPUs; by default NEST_SMP from the environment, else 1. More than one
        run in parallel on the host (multi-threaded TCG)."""
        self.log_path = tempfile.mktemp(prefix="nest-console-", suffix=".log")
        smp = smp or int(os.environ.get("NEST_SMP", "1"))
        self.smp = smp  # the CPUs QEMU gives nest (a command line's maxcpus= may bring up fewer)
        # signal=off: a ^C typed for nest must reach nest, not stop QEMU.
        args = ["-m", memory, "-smp", str(smp), "-net", "none", "-display", "none",
                "-chardev", "stdio,id=console,signal=off", "-serial", "chardev:console",
                "-no-reboot", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
        if direct_modules:
            args += ["-kernel", KERNEL, "-initrd", ",".join(direct_modules), "-append", cmdline]
        elif disk:
            args += ["-drive", "format=raw,file=" + disk]
        else:
            args += ["-cdrom", iso or iso_for(cmdline), "-boot", "d"]
        if uefi:
            args += ["-bios", OVMF]
        if smp > 1 and "-accel" not in extra_args:
            args += ["-accel", "tcg,thread=multi"]
        args += list(extra_args)
        self.logfile = ProgressLog(self.log_path)
        self.child = pexpect.spawn("timeout", [str(timeout), "qemu-system-x86_64"] + args,
                                   encoding="utf-8", codec_errors="replace", timeout=30)
        self.child.logfile_read = self.logfile
        self.exit_status = None
        self.panic_expected = panic_expected  # a test that makes nest panic checks it itself

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _wait(self, expect, pattern, timeout, what):
        """expect (the child's expect or expect_exact) pattern within timeout seconds, failing
        early with NestHung if nest prints nothing for HANG_SECONDS; what names the wait."""
        start = time.monotonic()
        deadline = start + timeout
        while True:
            step = max(0.1, min(5.0, deadline - time.monotonic()))
            try:
                return expect(pattern, timeout=step)
            except pexpect.TIMEOUT:
                now = time.monotonic()
                if now - max(start, self.logfile.last_output) > HANG_SECONDS:
                    raise NestHung("nest hung: no console output for %d s while waiting for %s"
                                   % (HANG_SECONDS, what)) from None
                if now >= deadline:
                    raise

    def expect(self, pattern, timeout=30):
        """Wait for a regular expression on the console; return the match."""
        self._wait(self.child.expect, pattern, timeout, repr(pattern))
        return self.child.match

    def wait_for_prompt(self, timeout=60):
        self._wait(self.child.expect_exact, PROMPT, timeout, "the shell prompt")

    def send(self, text):
        self.child.send(text)

    def run(self, command, timeout=30):
        """Type command at the shell, wait for the next prompt; return the output between
        (without the echoed command line), with \\r\\n turned into \\n."""
        self.child.sendline(command)
        what = "the command %r to finish" % command
        self._wait(self.child.expect_exact, command, timeout, what)
        self._wait(self.child.expect_exact, PROMPT, timeout, what)
        return self.child.before.replace("\r", "").strip("\n")

    def memory_kb(self):
        """MemFree + Slab from /proc/meminfo, in kB, read by cat at the shell. The heap keeps
        every frame it carves (Slab), so MemFree alone drops whenever kmalloc grows (as when
        another CPU's block cache is first filled) with nothing leaked; the sum drops only for
        frames held by something else. Around work that leaves nothing behind, it is equal."""
        text = self.run("cat /proc/meminfo")
        fields = dict(re.findall(r"^(\w+):\s+(\d+) kB$", text, re.M))
        assert "MemFree" in fields and "Slab" in fields, "no MemFree or Slab in /proc/meminfo:\n" + text
        return int(fields["MemFree"]) + int(fields["Slab"])

    def wait_exit(self, timeout=60):
        """Wait for QEMU to end; return its exit status (33: nest powered off)."""
        self._wait(self.child.expect, pexpect.EOF, timeout, "QEMU to exit")
        self.child.close()
        self.exit_status = self.child.exitstatus
        return self.exit_status

    def console(self):
        """Everything nest printed so far, as nest sent it (the host pty's own \\n -> \\r\\n
        translation undone)."""
        self.logfile.flush()
        with open(self.log_path, encoding="utf-8", errors="replace", newline="") as f:
            return f.read().replace("\r\r\n", "\r\n")

    def close(self):
        if self.child.isalive():
            self.child.terminate(force=True)
        self.logfile.close()
        text = open(self.log_path, encoding="utf-8", errors="replace").read()
        os.unlink(self.log_path)
        assert self.panic_expected or "kernel panic" not in text, "nest panicked:\n" + text[-3000:]
