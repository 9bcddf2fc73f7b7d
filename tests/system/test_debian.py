"""Debian's own programs on nest and on Linux: the differential test.

build/debian.cpio (`make rootfs`) is booted once under Debian's Linux kernel (fetched as
`make bench` does, into build/linux/) and once under nest, in the same QEMU with the same CPU
count (NEST_SMP, else 1). Each boot runs every script of tests/debian/ under each shell its
"# shells:" line names (Debian's bash, bash-static, busybox sh), between markers. Each script and
shell is one test: nest's output must equal Linux's once PIDs, times and sizes (every run of
digits) and column widths are normalised and Linux's kernel threads are left out. A script whose
"# needs:" line names a feature nest does not have yet (the guest probes them: procps's
/proc/stat, a tty in /proc/PID/stat, mount namespaces) is skipped with that reason.
test_no_unexpected_enosys fails when nest logged an unimplemented system call or terminal ioctl
that tests/debian/expected-enosys.txt does not list.
"""
import concurrent.futures
import difflib
import glob
import importlib.util
import os
import re
import shutil
import tempfile

import pytest

from nest import BUILD, KERNEL, ROOT

HERE = os.path.join(ROOT, "tests", "debian")
DEBIAN_CPIO = os.path.join(BUILD, "debian.cpio")
LINUX_DIR = os.path.join(BUILD, "linux")
EXPECTED_ENOSYS = os.path.join(HERE, "expected-enosys.txt")
SHELLS = {"bash": "bash", "bash-static": "bash-static", "busybox": "busybox sh"}
SCRIPT_TIMEOUT = 30   # seconds for one script in the guest (coreutils timeout)
BOOT_LIMIT = 600      # seconds for one whole boot
STALL = 60            # a guest silent this long is hung

# What a script may need that nest gains with the mount-namespace and procps /proc work
# (another branch); the guest prints "name=yes|no" for each.
FEATURES = {
    "proc_stat": "[ -r /proc/stat ]",
    "proc_tty": '[ "$(ps -o tty= -p $$ 2>/dev/null | tr -d " ")" != "?" ]',
    "mount_ns": "unshare --mount true 2>/dev/null",
}
FEATURE_REASON = ("needs %s, which nest gains with mount namespaces and procps's /proc "
                  "(branch debian-proc); not in this kernel yet")

BEGIN_RE = re.compile(r"==== BEGIN (\S+)")
END_RE = re.compile(r"==== END (\S+) status=(\d+)")
FEATURES_RE = re.compile(r"==== FEATURES (.*)")
NEST_LOG_RE = re.compile(r"nest: \S+\[\d+\] (called unimplemented system call (\d+)|"
                         r"made unknown terminal ioctl (0x[0-9a-f]+))")
# ps shows a kernel thread as [name], cut short at the terminal's width by ps aux.
KERNEL_THREAD_RE = re.compile(r"\s\[[^\]\s]+\]?\s*$")


def load_bench():
    """tools/bench.py, for its QEMU runner and its fetching of Debian's Linux kernel."""
    spec = importlib.util.spec_from_file_location("bench", os.path.join(ROOT, "tools", "bench.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def scripts():
    """(name, shells, needs) for each tests/debian/*.sh, from its comment lines."""
    found = []
    for path in sorted(glob.glob(os.path.join(HERE, "*.sh"))):
        with open(path, encoding="utf-8") as source:
            text = source.read()
        shells = re.search(r"^# shells: (.*)$", text, re.M)
        needs = re.search(r"^# needs: (.*)$", text, re.M)
        found.append((os.path.basename(path)[:-3], shells.group(1).split() if shells else ["bash"],
                      needs.group(1).split() if needs else []))
    return found


def cases():
    return [(name, shell, needs) for name, shells, needs in scripts() for shell in shells]


def driver_script():
    """/diff/run: probe the features, then every script under every shell it names."""
    lines = ["#!/bin/bash",
             "# Linux: nest's init mounts nothing, so /proc and /dev come from here.",
             "[ -e /proc/self ] || mount -t proc proc /proc",
             "[ -e /dev/null ] || mount -t devtmpfs dev /dev",
             "features=",
             ]
    for name, probe in FEATURES.items():
        lines.append('if %s; then features="$features %s=yes"; else features="$features %s=no"; fi'
                     % (probe, name, name))
    lines.append('echo "==== FEATURES$features"')
    lines.append("cd /tmp")
    for name, shell, _ in cases():
        case = "%s[%s]" % (name, shell)
        lines.append('echo "==== BEGIN %s"' % case)
        lines.append("timeout %d %s /diff/%s.sh 2>&1 </dev/null" % (SCRIPT_TIMEOUT, SHELLS[shell], name))
        lines.append('echo "==== END %s status=$?"' % case)
    lines.append('echo "==== DONE"')
    return "\n".join(lines) + "\n"


def make_module(directory, bench, linux):
    """A cpio archive with /diff/run and the scripts; for Linux also /dev/console, which the
    kernel opens for init before anything is mounted."""
    members = [bench.cpio_entry("diff", 0o040755, ino=1)]
    inode = 2
    if linux:
        members.append(bench.cpio_entry("dev", 0o040755, ino=inode))
        members.append(bench.cpio_entry("dev/console", 0o020600, rdev=(5, 1), ino=inode + 1))
        inode += 2
    files = {"diff/run": driver_script().encode()}
    for name, _, _ in scripts():
        with open(os.path.join(HERE, name + ".sh"), "rb") as source:
            files["diff/%s.sh" % name] = source.read()
    for path, data in files.items():
        members.append(bench.cpio_entry(path, 0o100755, data, ino=inode))
        inode += 1
    members.append(bench.cpio_entry("TRAILER!!!", 0, ino=0))
    archive = b"".join(members)
    archive += b"\0" * (-len(archive) % 512)
    path = os.path.join(directory, "diff-linux.cpio" if linux else "diff.cpio")
    with open(path, "wb") as out:
        out.write(archive)
    return path


def parse(lines):
    """{case: (output lines, status)}, the features, and nest's ENOSYS/ioctl log lines."""
    results, features, logged = {}, {}, []
    current, body = None, []
    for line in lines:
        line = line.rstrip("\r")
        log = NEST_LOG_RE.search(line)
        if log:
            logged.append(log.group(0))
            continue
        m = FEATURES_RE.search(line)
        if m:
            features = dict(item.split("=") for item in m.group(1).split())
            continue
        m = BEGIN_RE.search(line)
        if m:
            current, body = m.group(1), []
            continue
        m = END_RE.search(line)
        if m and current == m.group(1):
            results[current] = (body, int(m.group(2)))
            current = None
            continue
        if current:
            body.append(line)
    return results, features, logged


def normalise(lines):
    """Lines as the comparison sees them: numbers (decimals too) as N, blanks collapsed, kernel threads
    (Linux's, in ps's [name] form) left out."""
    out = []
    for line in lines:
        if KERNEL_THREAD_RE.search(line):
            continue
        line = re.sub(r"\bttyS0\b", "console", line)  # Linux's console is the serial port
        line = re.sub(r"\d+(\.\d+)?", "N", line)  # %CPU is 0.5 one time and 163 the next
        out.append(" ".join(line.split()))
    return out


class Boot:
    def __init__(self, lines, error):
        self.results, self.features, self.logged = parse(lines)
        self.error = error  # why the boot did not finish, or None
        self.tail = "\n".join(lines[-30:])


def boot(bench, command, log_path):
    run = bench.run_qemu(command, log_path, {"done": r"==== DONE"}, stop_at="done",
                         limit=BOOT_LIMIT, stall=STALL)
    error = None
    if "done" not in run.marks:
        error = ("hung: silent for %d s" % STALL if run.stalled else
                 "timed out" if run.timed_out else "ended before ==== DONE")
    if any("kernel panic" in line.lower() for line in run.lines):
        error = "kernel panic"
    return Boot(run.lines, error)


@pytest.fixture(scope="module")
def boots():
    if not os.path.exists(DEBIAN_CPIO):
        pytest.skip("build/debian.cpio is missing: run `make rootfs`")
    bench = load_bench()
    vmlinuz = bench.fetch_linux(LINUX_DIR)
    with tempfile.TemporaryDirectory(prefix="nest-debian-") as directory:
        nest_modules = DEBIAN_CPIO + "," + make_module(directory, bench, linux=False)
        initrd = os.path.join(directory, "linux-initrd.cpio")
        with open(initrd, "wb") as out:
            for part in (DEBIAN_CPIO, make_module(directory, bench, linux=True)):
                with open(part, "rb") as source:
                    shutil.copyfileobj(source, out)
        # Both kernels at once: the results do not depend on time, and Linux under TCG is slow.
        # Both get NEST_SMP's CPUs: what a script prints may depend on the CPU count
        # (taskset's masks, nproc), and the two outputs are compared.
        cpus = int(os.environ.get("NEST_SMP", "1"))
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            # nest as `make run ROOTFS=debian` boots it: QEMU's -kernel, not GRUB (too slow).
            nest = pool.submit(boot, bench, bench.qemu_command(
                "1G", BOOT_LIMIT, ["-kernel", KERNEL, "-initrd", nest_modules, "-append",
                                   "console=ttyS0 init=/sbin/init -- /bin/bash /diff/run"],
                smp=cpus),
                os.path.join(BUILD, "debian-nest.log"))
            linux = pool.submit(boot, bench, bench.qemu_command(
                "1G", BOOT_LIMIT, ["-kernel", vmlinuz, "-initrd", initrd, "-append",
                                   "console=ttyS0 loglevel=1 panic=-1 rdinit=/sbin/init -- "
                                   "/bin/bash /diff/run"], smp=cpus),
                os.path.join(BUILD, "debian-linux.log"))
            return nest.result(), linux.result()


@pytest.mark.parametrize("name,shell,needs", cases(), ids=["%s[%s]" % c[:2] for c in cases()])
def test_script_matches_linux(boots, name, shell, needs):
    nest, linux = boots
    case = "%s[%s]" % (name, shell)
    assert linux.error is None or case in linux.results, \
        "Linux did not run %s (%s); last lines:\n%s" % (case, linux.error, linux.tail)
    missing = [need for need in needs if nest.features.get(need) != "yes"]
    if missing:
        pytest.skip(FEATURE_REASON % ", ".join(missing))
    assert case in nest.results, "nest did not run %s (%s); last lines:\n%s" % (
        case, nest.error, nest.tail)
    linux_body, linux_status = linux.results[case]
    nest_body, nest_status = nest.results[case]
    assert linux_status != 124, "%s timed out on Linux: the script is wrong" % case
    expected = normalise(linux_body) + ["[exit status %d]" % linux_status]
    got = normalise(nest_body) + ["[exit status %d]" % nest_status]
    assert got == expected, "normalised output differs (Linux first, nest second):\n" + "\n".join(
        difflib.unified_diff(expected, got, "linux", "nest", lineterm=""))


def documented_enosys():
    """The numbers and ioctl requests tests/debian/expected-enosys.txt lists."""
    allowed = set()
    with open(EXPECTED_ENOSYS, encoding="utf-8") as source:
        for line in source:
            words = line.split("#", 1)[0].split()
            if words:
                allowed.add(words[0])
    return allowed


def test_no_unexpected_enosys(boots):
    nest, _ = boots
    assert nest.error is None, "nest's boot did not finish (%s); last lines:\n%s" % (
        nest.error, nest.tail)
    allowed = documented_enosys()
    unexpected = []
    for line in nest.logged:
        m = NEST_LOG_RE.search(line)
        key = m.group(2) or "ioctl:" + m.group(3)
        if key not in allowed:
            unexpected.append(line)
    assert not unexpected, ("nest logged calls that %s does not list:\n  " % EXPECTED_ENOSYS
                            + "\n  ".join(unexpected))
