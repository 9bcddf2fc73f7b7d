"""The lock checker (issue 16), built into the kernel the tests boot (LOCKCHECK=1): each rule a
self-test breaks on purpose (lockcheck_selftest= on the command line, run at the end of boot)
is reported with the locks' names and ranks and both stacks, symbolised, and the kernel
panics, so a test that breaks a rule fails; a normal boot and a shell report nothing."""
import re

from nest import Nest

FRAME = re.compile(r"^  [0-9a-f]{16} <(\w+)\+0x[0-9a-f]+>$")


def stack_under(console, heading):
    """The function names of the symbolised stack printed right under the line heading."""
    lines = console.replace("\r", "").split("\n")
    assert heading in lines, "no line %r in the report:\n%s" % (heading, console[-3000:])
    functions = []
    for line in lines[lines.index(heading) + 1:]:
        frame = FRAME.match(line)
        if not frame:
            break
        functions.append(frame.group(1))
    return functions


def boot_selftest(test):
    """Boot with lockcheck_selftest=test; the console once nest has halted on the report."""
    with Nest("console=ttyS0 lockcheck_selftest=" + test, panic_expected=True,
              timeout=120) as nest:
        nest.expect(r"nest: system halted", timeout=90)
        return nest.console()


def check_panic(console, message):
    assert "nest: kernel panic: lockcheck: " + message in console, \
        "expected a panic saying %r:\n%s" % (message, console[-3000:])


def test_an_order_inversion_names_both_locks_and_prints_both_stacks():
    console = boot_selftest("order")
    assert ("lockcheck: lock order inversion on cpu0: taking test_lock_low (rank 50) while "
            "holding test_lock_high (rank 60)") in console, console[-3000:]
    held = stack_under(console, "lockcheck: test_lock_high (rank 60) was taken at:")
    taking = stack_under(console, "lockcheck: test_lock_low (rank 50) is being taken at:")
    for stack in (held, taking):
        assert stack[:3] == ["spin_lock", "lockcheck_selftest", "kmain"], \
            "expected spin_lock called by the self-test, from kmain: %r" % stack
    check_panic(console, "lock order inversion: test_lock_low (rank 50) taken while holding "
                         "test_lock_high (rank 60)")


def test_a_sleep_holding_a_spinlock_names_it_and_prints_both_stacks():
    console = boot_selftest("sleep")
    assert "lockcheck: sleeping call on cpu0 while holding 1 spinlock" in console, console[-3000:]
    held = stack_under(console, "lockcheck: test_lock_low (rank 50) was taken at:")
    assert held[:2] == ["spin_lock", "lockcheck_selftest"], held
    sleeping = stack_under(console, "lockcheck: the sleeping call is at:")
    assert "lockcheck_selftest" in sleeping and "kmain" in sleeping, sleeping
    check_panic(console, "sleeping call while holding test_lock_low (rank 50)")


def test_a_release_of_a_lock_not_held_names_it_and_prints_where_it_was_taken_and_released():
    console = boot_selftest("release")
    heading = ("lockcheck: cpu0 releases test_lock_low (rank 50), which no CPU holds; it was "
               "last taken at:")
    assert stack_under(console, heading) == ["lockcheck_selftest"]
    released = stack_under(console, "lockcheck: and is released at:")
    assert released[:2] == ["spin_unlock", "lockcheck_selftest"], released
    check_panic(console, "test_lock_low released by cpu0, which does not hold it")


def test_a_sleep_with_interrupts_off_is_reported_with_its_stack():
    console = boot_selftest("irqsleep")
    assert "lockcheck: sleeping call on cpu0 with interrupts off (cli)" in console, \
        console[-3000:]
    sleeping = stack_under(console, "lockcheck: the sleeping call is at:")
    assert sleeping[:2] == ["lockcheck_selftest", "kmain"], sleeping
    check_panic(console, "sleeping call with interrupts off (cli)")


def test_a_normal_boot_on_two_cpus_and_a_shell_report_nothing():
    with Nest(smp=2, timeout=120) as nest:
        nest.wait_for_prompt(timeout=90)
        assert nest.run("echo locks-ok; cat /proc/stat > /dev/null") == "locks-ok"
        console = nest.console()
    assert "lockcheck:" not in console, console[-3000:]
