#!/usr/bin/env python3
"""bench.py - run userland/bench on nest and on Debian's Linux kernel, under the same QEMU.

`make bench` builds build/kernel.elf, build/initramfs.cpio and build/userland/bench, then runs
this script, which builds nothing itself. It boots nest with the benchmark as init (and a few
more times to the shell prompt, for the boot time), fetches Debian's kernel with apt-get into
build/linux/ if it is not there yet, boots it with an initramfs whose /init is the same
binary, prints one table (measure, nest, Linux, nest/Linux) and writes build/bench.json.
Python standard library only. docs/performance.md explains the measures and the results.
"""
import argparse
import datetime
import glob
import json
import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
import tarfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The order of the table; bench.c prints the same ids.
MEASURES = [
    "null_syscall", "fork_exit_wait", "fork_exec_wait", "dyn_exec_wait", "pipe_roundtrip", "yield_pingpong",
    "nanosleep_1ms_late", "itimer_1ms_late", "pidns_fork_pair", "fork_pair", "spawn_1000_sleepers",
    "proc_scan_1000",
    "smp2_one_after_other", "smp2_at_once", "smp4_one_after_other", "smp4_at_once",
]
# Booted once more each with this many CPUs (multi-threaded TCG), running `bench --smp N`:
# N CPU-bound processes one after the other, then at once. Their ratio is the speedup.
SMP_BOOTS = [2, 4]

RESULT_LINE = re.compile(r"BENCH name=(\S+) (?:cycles=(-?\d+) rounds=(\d+) ops=(\d+)|error=(\S+))")
TSC_LINE = re.compile(r"BENCH_TSC_KHZ=(\d+)")
KERNEL_LINE = re.compile(r"BENCH_KERNEL=(.*)")
ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")  # terminal control sequences (GRUB's menu)

# nest's shell prompt for root, at the end of the console output (escape codes may follow).
PROMPT = r"(^|\s)# (\x1b\[[0-9;]*[A-Za-z])*$"
# Debian's bash prompt for root (PS1 from the image's /etc/bash.bashrc).
DEBIAN_PROMPT = r"root@nest:\S*# $"
# How `make run ROOTFS=debian` boots: QEMU's -kernel, the image as the only module.
DEBIAN_CMDLINE = "console=ttyS0 quiet init=/sbin/init -- /bin/bash"

# No measure takes this long on nest under TCG (the slowest takes seconds): a guest silent for
# this long is hung, and waiting for the whole timeout would only cost time.
STALL_SECONDS = 240


def log(message):
    print("bench: " + message, flush=True)


# ---- QEMU ----

def qemu_command(memory, timeout, machine_args, smp=1):
    """The QEMU command line shared by both kernels; machine_args says what to boot. With
    several CPUs, TCG runs each in a host thread of its own (multi-threaded TCG)."""
    accel = ["-accel", "tcg"] if smp == 1 else ["-smp", str(smp), "-accel", "tcg,thread=multi"]
    return ["timeout", str(timeout), "qemu-system-x86_64", "-m", memory] + accel + [
            "-net", "none", "-display", "none", "-serial", "stdio", "-no-reboot",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"] + machine_args


class Boot:
    """What one QEMU run printed, and when: seconds since QEMU started for marked events."""

    def __init__(self):
        self.lines = []
        self.marks = {}
        self.status = None
        self.timed_out = False
        self.stalled = None  # seconds of silence after which it was stopped


def run_qemu(command, log_path, marks, stop_at=None, limit=600, stall=None):
    """Run QEMU, reading its serial console line by line. marks maps a name to a regex: the
    time of the first line (or, for a prompt, partial line) matching it is recorded. When the
    mark named stop_at is seen, QEMU is stopped; so it is after stall seconds without output
    (a guest that hangs). The whole output goes to log_path."""
    boot = Boot()
    start = time.monotonic()
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    pending = b""
    raw = bytearray()
    deadline = start + limit + 10
    last_output = start

    def check(text):
        now = time.monotonic() - start
        for name, pattern in marks.items():
            if name not in boot.marks and re.search(pattern, text):
                boot.marks[name] = now

    stopped = False
    while not stopped:
        if time.monotonic() > deadline:
            boot.timed_out = True
            break
        if stall and time.monotonic() - last_output > stall:
            boot.stalled = stall
            break
        if not selector.select(timeout=1.0):
            if proc.poll() is not None:
                break
            continue
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            break
        last_output = time.monotonic()
        raw += chunk
        pending += chunk
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            text = line.decode("utf-8", "replace").rstrip("\r")
            boot.lines.append(text)
            check(text)
        check(pending.decode("utf-8", "replace"))  # a prompt has no newline after it
        if stop_at and stop_at in boot.marks:
            stopped = True
    if pending:
        boot.lines.append(pending.decode("utf-8", "replace").rstrip("\r"))
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)  # QEMU and its timeout: the group we started
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    boot.status = proc.returncode
    if boot.status == 124:
        boot.timed_out = True
    with open(log_path, "wb") as f:
        f.write(bytes(raw))
    return boot


def parse_results(boot):
    """The measures, TSC rate and kernel name a run of bench printed."""
    results = {"measures": {}, "tsc_khz": None, "kernel": None, "done": False}
    for line in boot.lines:
        m = RESULT_LINE.search(line)
        if m:
            name, cycles, rounds, ops, error = m.groups()
            if error:
                results["measures"][name] = {"error": error}
            else:
                results["measures"][name] = {"cycles": int(cycles), "rounds": int(rounds),
                                             "ops": int(ops)}
            continue
        m = TSC_LINE.search(line)
        if m:
            results["tsc_khz"] = int(m.group(1))
            continue
        m = KERNEL_LINE.search(line)
        if m:
            results["kernel"] = m.group(1).strip()
            continue
        if "BENCH_DONE" in line:
            results["done"] = True
    return results


def describe_failure(boot, what):
    """One paragraph on why a boot gave no results, with the end of its console output."""
    if boot.timed_out:
        reason = "timed out"
    elif boot.stalled:
        reason = "printed nothing for %d s (hung?) and was stopped" % boot.stalled
    else:
        reason = "QEMU exited with status %s" % boot.status
    lines = [ESCAPE.sub("", line).rstrip() for line in boot.lines[-25:]]
    tail = "\n".join("    | " + line for line in lines if line)
    return "%s: %s before BENCH_DONE; last console lines:\n%s" % (
        what, reason, tail or "    | (none)")


# ---- nest ----

def make_iso(build, out, cmdline, modules=()):
    subprocess.run([os.path.join(ROOT, "tools/mkiso.sh"), out, cmdline,
                    os.path.join(build, "kernel.elf"), os.path.join(build, "initramfs.cpio")]
                   + list(modules), check=True)


# dyn_exec_wait runs the host's (Debian's) dynamically linked true: it, ld.so and libc go
# into both kernels' images, laid out as on Debian (/lib64's ld.so a link into /lib).
GLIBC_DIR = "lib/x86_64-linux-gnu"
DYNAMIC_TRUE = "usr/bin/true"


def dynamic_true_members(first_ino):
    """cpio members for /usr/bin/true and the glibc it needs."""
    members, ino = [], first_ino
    for directory in ("usr", "usr/bin", "lib", GLIBC_DIR, "lib64"):
        members.append(cpio_entry(directory, 0o040755, ino=ino))
        ino += 1
    for name in (DYNAMIC_TRUE, GLIBC_DIR + "/ld-linux-x86-64.so.2", GLIBC_DIR + "/libc.so.6"):
        with open(os.path.realpath("/" + name), "rb") as f:
            members.append(cpio_entry(name, 0o100755, f.read(), ino=ino))
        ino += 1
    members.append(cpio_entry("lib64/ld-linux-x86-64.so.2", 0o120777,
                              ("/" + GLIBC_DIR + "/ld-linux-x86-64.so.2").encode(), ino=ino))
    return members


def write_archive(members, out):
    archive = b"".join(members + [cpio_entry("TRAILER!!!", 0, ino=0)])
    archive += b"\0" * (-len(archive) % 512)
    with open(out, "wb") as f:
        f.write(archive)


def time_boots(command, log_path, pattern, count):
    """Boot count times up to the first console text matching pattern, stopping QEMU there.
    Returns the seconds each boot took (None for one that never got there) and the last boot.
    Boot times under TCG vary from run to run, so the report takes their median."""
    times, boot = [], None
    for _ in range(count):
        boot = run_qemu(command, log_path, {"reached": pattern}, stop_at="reached", limit=60,
                        stall=30)
        times.append(boot.marks.get("reached"))
        if times[-1] is None:
            break  # it will not get there the next time either
    return times, boot


def median(values):
    values = sorted(v for v in values if v is not None)
    return values[len(values) // 2] if values else None


def run_nest(build, workdir, memory, limit, boots):
    """Boot nest with bench as init, then a few times to the shell prompt for the boot time."""
    result = {"status": "ok"}
    bench_iso = os.path.join(workdir, "nest-bench.iso")
    shell_iso = os.path.join(workdir, "nest-shell.iso")
    glibc = os.path.join(workdir, "dynamic-true.cpio")
    write_archive(dynamic_true_members(1), glibc)
    make_iso(build, bench_iso, "console=ttyS0 quiet init=/bin/bench", [glibc])
    make_iso(build, shell_iso, "console=ttyS0 quiet")

    log("booting nest with init=/bin/bench (QEMU TCG, -m %s)" % memory)
    boot = run_qemu(qemu_command(memory, limit, ["-cdrom", bench_iso, "-boot", "d"]),
                    os.path.join(workdir, "nest.log"), {"bench": r"BENCH_START"}, limit=limit,
                    stall=STALL_SECONDS)
    result.update(parse_results(boot))
    result["boot_to_bench_s"] = boot.marks.get("bench")
    result["qemu_status"] = boot.status
    if not result["done"]:
        result["status"] = describe_failure(boot, "nest")

    if "bench" not in boot.marks:
        result["prompt_status"] = "nest (boot to prompt): not tried, nest did not start init"
        return result
    for cpus in SMP_BOOTS:
        iso = os.path.join(workdir, "nest-bench-smp%d.iso" % cpus)
        make_iso(build, iso, "console=ttyS0 quiet init=/bin/bench -- --smp %d" % cpus)
        log("booting nest with init=/bin/bench --smp %d on %d CPUs" % (cpus, cpus))
        smp_boot = run_qemu(qemu_command(memory, limit, ["-cdrom", iso, "-boot", "d"], cpus),
                            os.path.join(workdir, "nest-smp%d.log" % cpus),
                            {"bench": r"BENCH_START"}, limit=limit, stall=STALL_SECONDS)
        smp_results = parse_results(smp_boot)
        result["measures"].update(smp_results["measures"])
        if not smp_results["done"] and result["status"] == "ok":
            result["status"] = describe_failure(smp_boot, "nest on %d CPUs" % cpus)
    log("booting nest to the shell prompt, %d times" % boots)
    times, last = time_boots(qemu_command(memory, 60, ["-cdrom", shell_iso, "-boot", "d"]),
                             os.path.join(workdir, "nest-prompt.log"), PROMPT, boots)
    result["boot_to_prompt_runs_s"] = times
    result["boot_to_prompt_s"] = median(times)
    if result["boot_to_prompt_s"] is None:
        result["prompt_status"] = describe_failure(last, "nest (boot to prompt)").replace(
            "before BENCH_DONE", "before a '# ' prompt")
    time_debian_boot(build, workdir, memory, boots, result)
    return result


def time_debian_boot(build, workdir, memory, boots, result):
    """Boot build/debian.cpio as `make run ROOTFS=debian` does, to Debian's bash prompt."""
    image = os.path.join(build, "debian.cpio")
    log("booting nest with the Debian image to bash's prompt, %d times" % boots)
    command = qemu_command(memory, 60, ["-kernel", os.path.join(build, "kernel.elf"),
                                        "-initrd", image, "-append", DEBIAN_CMDLINE])
    times, last = time_boots(command, os.path.join(workdir, "nest-debian.log"), DEBIAN_PROMPT,
                             boots)
    result["boot_debian_runs_s"] = times
    result["boot_debian_s"] = median(times)
    if result["boot_debian_s"] is None:
        result["debian_status"] = describe_failure(last, "nest (Debian image)").replace(
            "before BENCH_DONE", "before bash's prompt")


# ---- Linux ----

def apt_kernel_package():
    """The versioned package linux-image-amd64 depends on, e.g. linux-image-6.1.0-28-amd64."""
    for attempt in range(2):
        out = subprocess.run(["apt-cache", "depends", "linux-image-amd64"],
                             capture_output=True, text=True).stdout
        m = re.search(r"Depends:\s*(linux-image-\S+-amd64)", out)
        if m:
            return m.group(1)
        if attempt == 0:
            log("apt-cache knows no linux-image-amd64; running apt-get update")
            subprocess.run(["apt-get", "update", "-qq"], check=True)
    raise RuntimeError("apt-cache depends linux-image-amd64 names no linux-image package")


def fetch_linux(linux_dir):
    """Put Debian's kernel at linux_dir/vmlinuz, downloading its package if needed."""
    vmlinuz = os.path.join(linux_dir, "vmlinuz")
    if os.path.exists(vmlinuz):
        return vmlinuz
    os.makedirs(linux_dir, exist_ok=True)
    package = apt_kernel_package()
    log("downloading %s with apt-get" % package)
    for old in glob.glob(os.path.join(linux_dir, "*.deb")):
        os.remove(old)
    command = ["apt-get", "download", "-q", package]
    if os.geteuid() == 0:  # root: apt's _apt user could not write here; download as root
        command[1:1] = ["-o", "APT::Sandbox::User=root"]
    subprocess.run(command, cwd=linux_dir, check=True)
    debs = glob.glob(os.path.join(linux_dir, package + "_*.deb"))
    if not debs:
        raise RuntimeError("apt-get download %s left no .deb in %s" % (package, linux_dir))
    extract_vmlinuz(debs[0], vmlinuz)
    with open(os.path.join(linux_dir, "PACKAGE"), "w") as f:
        f.write(os.path.basename(debs[0]) + "\n")
    os.remove(debs[0])  # 60+ MB of modules: only the kernel image is needed
    return vmlinuz


def extract_vmlinuz(deb, vmlinuz):
    """Take boot/vmlinuz-* out of the package (dpkg-deb -x without unpacking the modules)."""
    dpkg = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", deb], stdout=subprocess.PIPE)
    found = False
    with tarfile.open(fileobj=dpkg.stdout, mode="r|") as tar:
        for member in tar:
            if re.fullmatch(r"\./boot/vmlinuz-.*", member.name) and member.isfile():
                with open(vmlinuz + ".tmp", "wb") as out:
                    shutil.copyfileobj(tar.extractfile(member), out)
                os.replace(vmlinuz + ".tmp", vmlinuz)
                found = True
                break
        shutil.copyfileobj(dpkg.stdout, open(os.devnull, "wb"))  # let dpkg-deb finish cleanly
    dpkg.stdout.close()
    dpkg.wait()
    if not found:
        raise RuntimeError("%s has no boot/vmlinuz-*" % deb)


def cpio_entry(name, mode, data=b"", rdev=(0, 0), ino=1):
    """One cpio newc member: header, name and data, each padded to 4 bytes."""
    name_bytes = name.encode() + b"\0"
    fields = [ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(name_bytes), 0]
    header = b"070701" + b"".join(b"%08X" % v for v in fields)
    entry = header + name_bytes
    entry += b"\0" * (-len(entry) % 4)
    entry += data
    entry += b"\0" * (-len(entry) % 4)
    return entry


def make_linux_initramfs(bench, out):
    """An initramfs for Linux: /init is the benchmark; /dev/console (5:1) is there so the
    kernel can give init the serial console without devtmpfs; /proc is bench's mount point;
    /usr/bin/true and glibc for dyn_exec_wait."""
    with open(bench, "rb") as f:
        program = f.read()
    members = [
        cpio_entry("dev", 0o040755, ino=1),
        cpio_entry("dev/console", 0o020600, rdev=(5, 1), ino=2),
        cpio_entry("proc", 0o040555, ino=3),
        cpio_entry("init", 0o100755, program, ino=4),
    ]
    write_archive(members + dynamic_true_members(5), out)


def run_linux(build, memory, limit, boots):
    """Boot Debian's kernel with bench as /init, then a few more times to time the boot."""
    result = {"status": "ok"}
    linux_dir = os.path.join(build, "linux")
    vmlinuz = fetch_linux(linux_dir)
    package_file = os.path.join(linux_dir, "PACKAGE")
    if os.path.exists(package_file):
        result["package"] = open(package_file).read().strip()
    initramfs = os.path.join(linux_dir, "initramfs.cpio")
    make_linux_initramfs(os.path.join(build, "userland", "bench"), initramfs)
    log("booting Linux (%s) with /init = bench (QEMU TCG, -m %s)" % (vmlinuz, memory))
    command = qemu_command(memory, limit, ["-kernel", vmlinuz, "-initrd", initramfs,
                                           "-append", "console=ttyS0 quiet panic=-1"])
    boot = run_qemu(command, os.path.join(build, "bench", "linux.log"),
                    {"init": r"BENCH_START"}, limit=limit, stall=STALL_SECONDS)
    result.update(parse_results(boot))
    result["qemu_status"] = boot.status
    if not result["done"]:
        result["status"] = describe_failure(boot, "Linux")
    times = [boot.marks.get("init")]
    if boots > 1:
        log("booting Linux to /init %d more times" % (boots - 1))
        more, _ = time_boots(command, os.path.join(build, "bench", "linux-boot.log"),
                             r"BENCH_START", boots - 1)
        times += more
    result["boot_to_init_runs_s"] = times
    result["boot_to_init_s"] = median(times)
    for cpus in SMP_BOOTS:
        log("booting Linux with /init --smp %d on %d CPUs" % (cpus, cpus))
        smp_command = qemu_command(memory, limit, [
            "-kernel", vmlinuz, "-initrd", initramfs,
            "-append", "console=ttyS0 quiet panic=-1 -- --smp %d" % cpus], cpus)
        smp_boot = run_qemu(smp_command, os.path.join(build, "bench", "linux-smp%d.log" % cpus),
                            {"init": r"BENCH_START"}, limit=limit, stall=STALL_SECONDS)
        smp_results = parse_results(smp_boot)
        result["measures"].update(smp_results["measures"])
        if not smp_results["done"] and result["status"] == "ok":
            result["status"] = describe_failure(smp_boot, "Linux on %d CPUs" % cpus)
    return result


# ---- the report ----

def cycles_text(entry):
    if entry is None:
        return "-"
    if "error" in entry:
        return entry["error"]
    return "{:,}".format(entry["cycles"])


def ratio(nest, linux):
    if not nest or not linux or "cycles" not in nest or "cycles" not in linux:
        return None
    if linux["cycles"] <= 0:
        return None
    return nest["cycles"] / linux["cycles"]


def seconds_text(value):
    return "-" if value is None else "%.2f s" % value


def speedup(side, cpus):
    """How much faster CPUS busy processes ran at once than one after the other, or None."""
    measures = side.get("measures", {})
    apart = measures.get("smp%d_one_after_other" % cpus, {})
    together = measures.get("smp%d_at_once" % cpus, {})
    if "cycles" not in apart or "cycles" not in together or together["cycles"] <= 0:
        return None
    return apart["cycles"] / together["cycles"]


def speedup_text(value):
    return "-" if value is None else "%.2fx" % value


def print_table(report):
    nest, linux = report["nest"], report["linux"]
    rows = [("measure (cycles/op)", "nest", "Linux", "nest/Linux")]
    for name in MEASURES:
        n = nest.get("measures", {}).get(name)
        l = linux.get("measures", {}).get(name)
        r = report["ratios"].get(name)
        rows.append((name, cycles_text(n), cycles_text(l), "-" if r is None else "%.2f" % r))
    rows.append(("boot: QEMU start -> nest's prompt | Linux's /init",
                 seconds_text(nest.get("boot_to_prompt_s")),
                 seconds_text(linux.get("boot_to_init_s")), ""))
    rows.append(("boot: QEMU start -> Debian's bash (ROOTFS=debian)",
                 seconds_text(nest.get("boot_debian_s")), "", ""))
    for cpus in SMP_BOOTS:
        rows.append(("speedup of %d busy processes on %d CPUs" % (cpus, cpus),
                     speedup_text(speedup(nest, cpus)), speedup_text(speedup(linux, cpus)), ""))
    rows.append(("TSC kHz", str(nest.get("tsc_khz") or "-"), str(linux.get("tsc_khz") or "-"), ""))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for i, row in enumerate(rows):
        print("  ".join([row[0].ljust(widths[0])] + [row[c].rjust(widths[c]) for c in (1, 2, 3)]))
        if i == 0:
            print("  ".join("-" * w for w in widths))


def markdown_table(report):
    """The same results as a Markdown table, for docs/performance.md."""
    nest, linux = report["nest"], report["linux"]
    lines = ["| measure (cycles per operation) | nest | Linux | nest/Linux |",
             "|---|---:|---:|---:|"]
    for name in MEASURES:
        r = report["ratios"].get(name)
        lines.append("| `%s` | %s | %s | %s |" % (
            name, cycles_text(nest.get("measures", {}).get(name)),
            cycles_text(linux.get("measures", {}).get(name)), "-" if r is None else "%.2f" % r))
    lines.append("| boot: QEMU start to the shell prompt (nest), to `/init` (Linux) | %s | %s | |"
                 % (seconds_text(nest.get("boot_to_prompt_s")),
                    seconds_text(linux.get("boot_to_init_s"))))
    lines.append("| boot with `ROOTFS=debian`: QEMU start to Debian's bash prompt | %s | | |"
                 % seconds_text(nest.get("boot_debian_s")))
    for cpus in SMP_BOOTS:
        lines.append("| speedup of %d busy processes at once on %d CPUs over one after the other "
                     "| %s | %s | |" % (cpus, cpus, speedup_text(speedup(nest, cpus)),
                                        speedup_text(speedup(linux, cpus))))
    return "\n".join(lines) + "\n"


def qemu_version():
    out = subprocess.run(["qemu-system-x86_64", "--version"], capture_output=True, text=True)
    return out.stdout.splitlines()[0] if out.stdout else None


def main():
    parser = argparse.ArgumentParser(description="nest's benchmark: nest vs Linux under QEMU")
    parser.add_argument("--build", default="build", help="the build directory (default build)")
    parser.add_argument("--memory", default="1G", help="guest memory for both kernels")
    parser.add_argument("--timeout", type=int, default=600, help="seconds allowed per boot")
    parser.add_argument("--boots", type=int, default=3,
                        help="boots timed per kernel; the median counts (default 3)")
    parser.add_argument("--skip-nest", action="store_true", help="only run Linux")
    parser.add_argument("--skip-linux", action="store_true", help="only run nest")
    args = parser.parse_args()

    build = os.path.abspath(args.build)
    workdir = os.path.join(build, "bench")
    os.makedirs(workdir, exist_ok=True)
    bench = os.path.join(build, "userland", "bench")
    if not os.path.exists(bench):
        sys.exit("bench: %s is missing: run `make bench`" % bench)

    report = {"date": datetime.datetime.now().isoformat(timespec="seconds"),
              "qemu": qemu_version(), "memory": args.memory, "accel": "tcg",
              "nest": {"status": "skipped"}, "linux": {"status": "skipped"}, "ratios": {}}
    if not args.skip_nest:
        try:
            report["nest"] = run_nest(build, workdir, args.memory, args.timeout, args.boots)
        except (subprocess.CalledProcessError, OSError) as e:
            report["nest"] = {"status": "nest: could not boot: %s" % e}
    if not args.skip_linux:
        try:
            report["linux"] = run_linux(build, args.memory, args.timeout, args.boots)
        except (subprocess.CalledProcessError, OSError, RuntimeError) as e:
            report["linux"] = {"status": "Linux: could not boot: %s" % e}
    for name in MEASURES:
        r = ratio(report["nest"].get("measures", {}).get(name),
                  report["linux"].get("measures", {}).get(name))
        if r is not None:
            report["ratios"][name] = round(r, 3)
    report["speedups"] = {side: {"smp%d" % cpus: speedup(report[side], cpus) for cpus in SMP_BOOTS}
                          for side in ("nest", "linux")}

    print()
    print_table(report)
    print()
    json_path = os.path.join(build, "bench.json")
    with open(json_path, "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")
    with open(os.path.join(workdir, "table.md"), "w") as f:
        f.write(markdown_table(report))
    log("results in %s (Markdown table: %s/table.md); console logs in %s"
        % (json_path, workdir, workdir))

    failed = False
    for side in ("nest", "linux"):
        status = report[side]["status"]
        if status not in ("ok", "skipped"):
            print(status)
            failed = True
        elif status == "ok":
            errors = [n for n, m in report[side]["measures"].items() if "error" in m]
            if errors:
                print("%s: measures that failed: %s" % (side, ", ".join(errors)))
                failed = True
    for problem in ("prompt_status", "debian_status"):
        if report["nest"].get(problem):
            print(report["nest"][problem])
            failed = True
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
