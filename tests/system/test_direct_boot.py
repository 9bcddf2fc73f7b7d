"""QEMU's direct kernel boot (-kernel, -initrd, -append: Multiboot1, no GRUB), the way
`make run ROOTFS=debian` boots: the command line arrives without the kernel's file name that
QEMU puts first, the memory map covers the guest's memory, both modules are unpacked in order,
ACPI is found by searching the BIOS area (Multiboot1 passes no RSDP), and the shell works."""
import re

from nest import INITRAMFS, TEST_PROGRAMS, Nest

CMDLINE = "console=ttyS0 sched=rr loglevel=6"


def test_direct_boot_gets_cmdline_memory_map_modules_and_acpi():
    with Nest(CMDLINE, memory="256M", timeout=120,
              direct_modules=[INITRAMFS, TEST_PROGRAMS]) as nest:
        banner = nest.expect(r"booted by (\w+); command line '([^']*)'", timeout=60)
        memory = nest.expect(r"memory: (\d+) MiB usable in (\d+) regions", timeout=10)
        nest.wait_for_prompt(timeout=60)
        assert banner.group(1) == "multiboot1", "booted by %r" % banner.group(1)
        assert banner.group(2) == CMDLINE, \
            "expected the command line %r, got %r" % (CMDLINE, banner.group(2))
        assert 200 <= int(memory.group(1)) <= 256, "expected about 256 MiB, got " + memory.group(1)
        assert int(memory.group(2)) >= 2, "a PC's map has low memory and memory above 1 MiB"
        mem_total = re.search(r"MemTotal:\s+(\d+) kB", nest.run("cat /proc/meminfo"))
        assert mem_total and 200 << 10 <= int(mem_total.group(1)) <= 256 << 10, \
            "/proc/meminfo disagrees with the memory map: %r" % mem_total
        assert "leak_fork" in nest.run("ls /tests"), "the second module (/tests) was not unpacked"
        assert nest.run("echo one two three | grep -c two") == "1", "the shell does not work"
        console = nest.console()
        assert re.search(r"acpi: MADT lists \d+ CPU", console), \
            "no ACPI tables found without an RSDP from the loader:\n" + console[-2000:]
        nest.send("poweroff\n")
        assert nest.wait_exit(timeout=60) == 33, "nest did not power off"
