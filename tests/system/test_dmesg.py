"""The kernel log (issue 14): dmesg shows what the kernel said, from the boot banner to a user
program's fault; /dev/kmsg gives one record per read in Linux's format and takes records;
log_buf_len= sizes the buffer. One nest boots for the module (quiet: the console shows
only warnings, the log keeps everything)."""
import re

import pytest

from nest import Nest


@pytest.fixture(scope="module")
def nest():
    with Nest("console=ttyS0 quiet log_buf_len=1M", memory="512M", timeout=600) as n:
        n.wait_for_prompt(timeout=90)
        yield n


def test_dmesg_shows_the_boot_banner_with_a_timestamp(nest):
    out = nest.run("dmesg")
    assert re.search(r"^\[\s*\d+\.\d{6}\] nest \S+ \(x86_64\) booted by ", out, re.M), \
        "no boot banner in dmesg:\n" + out[:2000]
    assert re.search(r"^\[\s*\d+\.\d{6}\] log: 1024 KiB buffer \(log_buf_len=\)", out, re.M), \
        "log_buf_len=1M did not give a 1024 KiB buffer:\n" + out[:2000]


def test_dmesg_shows_a_user_programs_fault(nest):
    out = nest.run("/tests/fault_null; echo status=$?")
    assert out.endswith("status=139"), out
    log = nest.run("dmesg | grep fault_null")
    assert re.search(r"^\[\s*\d+\.\d{6}\] nest: fault_null\[\d+\]: page fault at rip 0x[0-9a-f]+, "
                     r"address 0x0; signal 11$", log, re.M), "dmesg has no line for the fault:\n" + log


def test_dmesg_raw_keeps_the_priority_and_clear_empties_the_log(nest):
    raw = nest.run("dmesg -r | head -n 1")
    assert re.match(r"<6>\[\s*0\.\d{6}\] ", raw), "dmesg -r's first line: %r" % raw
    nest.run("dmesg -C")
    assert nest.run("dmesg") == "", "the log was not empty after dmesg -C"
    nest.run("echo after-clear > /dev/kmsg")
    assert nest.run("dmesg").endswith("] after-clear")


def test_dev_kmsg_reads_records_and_takes_writes(nest):
    first = nest.run("head -n 1 /dev/kmsg")
    assert re.match(r"^6,0,\d+,-;nest \S+ \(x86_64\) booted by ", first), \
        "the first /dev/kmsg record: %r" % first
    nest.run("echo '<3>student was here' > /dev/kmsg")
    records = nest.run("dmesg -r | grep student")
    assert re.match(r"^<11>\[\s*\d+\.\d{6}\] student was here$", records), records


def test_when_the_log_wraps_readers_see_what_linux_readers_see(nest):
    """Last in the module: it fills the log (1 MiB here, a buffer log_buf_len= moved) three
    times over and clears it."""
    out = nest.run("/tests/kmsg_wrap", timeout=120)
    assert out.endswith("kmsg_wrap: 0 failed"), out
