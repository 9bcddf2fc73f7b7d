"""The console tty (issue: files): line editing, ^C, ^D, ^P, and bad input to system calls
that must not hurt the kernel."""
import pytest

from nest import Nest


@pytest.fixture(scope="module")
def nest():
    with Nest("console=ttyS0 quiet", memory="512M", timeout=600) as n:
        n.wait_for_prompt(timeout=90)
        yield n


def test_backspace_and_kill_line_edit_the_line_before_the_program_sees_it(nest):
    # cat reads in canonical mode: the tty edits the line, cat sees only the result.
    # READY shows that the shell has put the tty back in canonical mode for the job.
    nest.send("echo READY; cat\r")
    nest.expect("\nREADY")
    nest.send("helo\x7f\x7flo\r")       # two erases: "helo" -> "he" -> "helo"
    nest.expect("helo")
    nest.send("garbage\x15fine\r")      # ^U kills the whole line
    nest.expect("fine")
    nest.send("one two\x17three\r")     # ^W erases the word "two"
    nest.expect("one three")
    nest.send("\x04")                   # ^D: end of file, cat exits
    nest.wait_for_prompt(timeout=10)
    # Each edited line is echoed as typed, then cat writes back what it read.
    console = nest.console()
    for line in ("helo", "fine", "one three"):
        assert "\r\n%s\r\n" % line in console, "cat did not print %r:\n%s" % (line, console[-800:])


def test_ctrl_p_prints_the_kernel_process_table(nest):
    nest.send("\x10")
    nest.expect(r"PID\s+PPID\s+STATE\s+CPU\s+NAME")
    nest.expect(r"\n1\s+0\s+\S+\s+\d+\s+init")
    nest.send("\r")
    nest.wait_for_prompt(timeout=10)
