"""Boot tests (issue: boot nest from GRUB): the banner, the memory found, the timer,
bad command lines and too little memory, and a clean power-off, under BIOS and UEFI."""
import re

import pytest

from nest import Nest


def boot_and_power_off(uefi):
    """Boot with init running /bin/uname-like commands, then power off."""
    cmdline = "console=ttyS0 init=/sbin/init -- /bin/sh -c poweroff"
    with Nest(cmdline, uefi=uefi, memory="256M", timeout=90) as nest:
        banner = nest.expect(r"nest (\d+\.\d+) \(x86_64\) booted by (\w+);", timeout=60)
        memory = nest.expect(r"memory: (\d+) MiB usable", timeout=10)
        status = nest.wait_exit(timeout=60)
        return banner, memory, status, nest.console()


@pytest.mark.parametrize("firmware", ["bios", "uefi"])
def test_boots_shows_banner_and_memory_then_powers_off(firmware):
    banner, memory, status, console = boot_and_power_off(firmware == "uefi")
    assert banner.group(2) == "multiboot2"
    assert 200 <= int(memory.group(1)) <= 256, "expected about 256 MiB, got " + memory.group(1)
    assert status == 33, "expected QEMU exit 33 (clean power-off), got %r\n%s" % (status, console[-2000:])


def test_timer_ticks_advance():
    with Nest("console=ttyS0 init=/sbin/init -- /bin/sh -c 'cat /proc/uptime; sleep 1; cat /proc/uptime'",
              memory="256M", timeout=90) as nest:
        nest.wait_exit(timeout=60)
        times = [float(m) for m in re.findall(r"^(\d+\.\d+) \d+\.\d+\s*$", nest.console(), re.M)]
        assert len(times) == 2, "expected two /proc/uptime lines:\n" + nest.console()[-1500:]
        assert times[1] - times[0] >= 0.99, "uptime advanced only %.2f s over a 1 s sleep" % (times[1] - times[0])


def local_timer_counts(console, cpus):
    """Each LOC line of /proc/interrupts in console, as a list of its per-CPU counts (Linux's
    layout: a column per CPU, so cpus numbers on each line)."""
    lines = re.findall(r"^LOC:((?:\s+\d+)+)\s+Local timer interrupts\s*$", console, re.M)
    counts = [[int(n) for n in line.split()] for line in lines]
    assert counts and all(len(c) == cpus for c in counts), \
        "expected LOC lines with %d counts, one per CPU:\n%s" % (cpus, console[-1500:])
    return counts


def test_idle_cpu_takes_almost_no_timer_interrupts():
    """Tickless: while everything sleeps for 5 s each CPU's local timer interrupts only for
    its deadlines (a periodic 1000 Hz tick would give 5,000 on every CPU)."""
    script = "cat /proc/interrupts; sleep 5; cat /proc/interrupts"
    with Nest("console=ttyS0 init=/sbin/init -- /bin/sh -c '%s'" % script,
              memory="256M", timeout=90) as nest:
        nest.wait_exit(timeout=60)
        counts = local_timer_counts(nest.console(), nest.smp)
        assert len(counts) == 2, "expected two LOC lines from /proc/interrupts:\n" + nest.console()[-1500:]
        for cpu, (before, after) in enumerate(zip(*counts)):
            assert after - before < 1000, \
                "cpu%d: %d timer interrupts during a 5 s sleep of every process" % (cpu, after - before)


def test_unknown_command_line_word_is_reported_and_boot_goes_on():
    with Nest("console=ttyS0 frobnicate=3 loglevel=banana init=/sbin/init -- /bin/sh -c poweroff",
              memory="256M", timeout=90) as nest:
        nest.expect(r"cmdline: bad or unknown option 'frobnicate=3' ignored", timeout=60)
        nest.expect(r"cmdline: bad or unknown option 'loglevel=banana' ignored", timeout=10)
        assert nest.wait_exit(timeout=60) == 33


def test_too_little_memory_gives_a_clear_message():
    with Nest("console=ttyS0", memory="16M", timeout=60) as nest:
        nest.expect(r"nest: not enough memory: \d+ KiB free, nest needs at least \d+ MiB", timeout=50)


def test_missing_init_is_reported_and_powers_off():
    with Nest("console=ttyS0 init=/no/such/init", memory="256M", timeout=90) as nest:
        nest.expect(r"nest: cannot run init /no/such/init: error 2 \(no such file\)", timeout=60)
        assert nest.wait_exit(timeout=30) == 33


def test_a_corrupt_module_is_reported_and_the_others_still_boot(tmp_path):
    from nest import INITRAMFS, TEST_PROGRAMS, iso_for
    corrupt = tmp_path / "corrupt.cpio"
    corrupt.write_bytes(b"this is not a cpio archive" * 10)
    iso = iso_for("console=ttyS0", modules=[INITRAMFS, str(corrupt), TEST_PROGRAMS])
    with Nest(iso=iso, memory="256M", timeout=120) as nest:
        nest.expect(r"initramfs: corrupt.cpio: corrupt archive at offset 0: bad magic", timeout=60)
        nest.wait_for_prompt(timeout=60)
        assert "leak_fork" in nest.run("ls /tests"), "the module after the corrupt one was lost"
