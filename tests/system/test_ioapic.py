"""Device interrupts through the I/O APIC (issue 16): with an I/O APIC in the MADT, the serial
port's and the keyboard's IRQs are routed by it to cpu0 and the PICs are masked; typing at
either reaches the shell and is counted on the IO-APIC lines of /proc/interrupts. Without ACPI
(no MADT) the PICs deliver them as before. All three boot paths route through the I/O APIC."""
import re

import pytest

from nest import Nest
from test_efi_screen import EFI_IMAGE, Monitor, monitor_args

ROUTING = r"ioapic: 1 I/O APIC \(GSI 0-23\): routing IRQs to cpu0 \(APIC id 0\); PIC masked"


def irq_lines(nest):
    """/proc/interrupts' device lines, as {irq: (count over all CPUs, the rest of the line)}."""
    out = nest.run("cat /proc/interrupts")
    lines = {}
    for irq, counts, rest in re.findall(r"^\s*(\d+):((?:\s+\d+)+)\s+(\D.*)$", out, re.M):
        lines[int(irq)] = (sum(int(n) for n in counts.split()), rest.strip())
    assert lines, "/proc/interrupts lists no device IRQ:\n" + out
    return lines


def check_routed_through_ioapic(nest):
    """The boot log says the I/O APIC took over, and COM1's count grows as we type."""
    assert re.search(ROUTING, nest.console()), \
        "no I/O APIC routing message in the boot log:\n" + nest.console()[-3000:]
    before = irq_lines(nest)
    assert re.fullmatch(r"IO-APIC\s+4-edge\s+ttyS0", before[4][1]), before
    assert re.fullmatch(r"IO-APIC\s+1-edge\s+i8042", before[1][1]), before
    assert nest.run("echo typed-through-the-io-apic") == "typed-through-the-io-apic"
    after = irq_lines(nest)
    assert after[4][0] > before[4][0], \
        "typing at COM1 raised no IO-APIC interrupt: %d then %d" % (before[4][0], after[4][0])
    return after


def test_serial_and_keyboard_interrupts_come_through_the_io_apic():
    path, args = monitor_args()
    with Nest(timeout=180, extra_args=args) as nest:
        nest.wait_for_prompt(timeout=90)
        before = check_routed_through_ioapic(nest)
        monitor = Monitor(path)
        for key in ["e", "c", "h", "o", "spc", "k", "b", "d", "ret"]:
            monitor.command("sendkey " + key)
        nest.expect(r"echo kbd\r+\nkbd\r+\n", timeout=30)
        after = irq_lines(nest)
        # 18 scancodes; one interrupt may find several waiting, so only "more" is certain.
        assert after[1][0] > before[1][0], \
            "the keyboard's IO-APIC line counted %d then %d for 9 keys" % (before[1][0], after[1][0])


def test_without_acpi_the_pics_deliver_and_input_still_works():
    with Nest(timeout=120, extra_args=["-machine", "acpi=off"]) as nest:
        nest.wait_for_prompt(timeout=90)
        assert "ioapic:" not in nest.console(), nest.console()[-3000:]
        before = irq_lines(nest)
        assert re.fullmatch(r"XT-PIC\s+4-edge\s+ttyS0", before[4][1]), before
        assert nest.run("echo typed-through-the-pic") == "typed-through-the-pic"
        assert irq_lines(nest)[4][0] > before[4][0]


@pytest.mark.parametrize("boot", ["grub-uefi", "nest-efi"])
def test_uefi_boot_paths_route_through_the_io_apic(boot):
    if boot == "nest-efi":
        nest = Nest(disk=EFI_IMAGE, uefi=True, timeout=180)
    else:
        nest = Nest(uefi=True, timeout=180)
    with nest:
        nest.wait_for_prompt(timeout=120)
        check_routed_through_ioapic(nest)
