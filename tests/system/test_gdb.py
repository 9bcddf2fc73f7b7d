"""gdb as a way to study nest (issue: gdb): gdb sessions against a running nest, driven with
pexpect so that each step waits for gdb's own answer instead of a fixed delay."""
import os
import re
import signal
import socket

import pexpect

from nest import KERNEL, ROOT, Nest

GDB_SCRIPT = os.path.join(ROOT, "tools", "gdb", "nest.gdb")
GDB_PROMPT = r"\(gdb\) "


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Gdb:
    """An interactive gdb attached to nest's QEMU stub."""

    def __init__(self, port):
        env = dict(os.environ, TERM="dumb")  # no colours or escape sequences in the output
        self.child = pexpect.spawn("timeout", ["300", "gdb", "-q", "-nx", "-x", GDB_SCRIPT, KERNEL],
                                   cwd=ROOT, env=env, encoding="utf-8", timeout=60,
                                   dimensions=(200, 250))
        self.child.expect(GDB_PROMPT)
        self.command("target remote 127.0.0.1:%d" % port)

    def command(self, line, timeout=60):
        """Run one command and return its output."""
        self.child.sendline(line)
        self.child.expect(GDB_PROMPT, timeout=timeout)
        return self.child.before

    def start(self, line):
        """Send a command that resumes the guest (continue); return without waiting."""
        self.child.sendline(line)
        self.child.expect("Continuing.")

    def interrupt(self):
        """Ctrl-C for gdb. Sent as one SIGINT to `timeout`, which passes it on: a ^C typed at
        the pty would reach gdb twice (from the terminal and from timeout), and gdb takes a
        second ^C as "give up waiting" and disconnects."""
        self.child.kill(signal.SIGINT)

    def wait_stop(self, timeout=120):
        self.child.expect(GDB_PROMPT, timeout=timeout)
        return self.child.before

    def close(self):
        self.child.sendline("detach")
        self.child.sendline("quit")
        self.child.close(force=True)


def test_breakpoint_at_kmain_with_a_correct_backtrace():
    port = free_port()
    with Nest("console=ttyS0 quiet", extra_args=["-S", "-gdb", "tcp:127.0.0.1:%d" % port],
              timeout=200):
        gdb = Gdb(port)
        gdb.command("hbreak kmain")
        gdb.start("continue")
        out = gdb.wait_stop()
        assert re.search(r"Breakpoint 1, kmain \(bi=", out), out
        bt = gdb.command("bt")
        frames = re.findall(r"^#\d+\s+(?:0x[0-9a-f]+ in )?(\S+) \(", bt, re.M)
        assert frames == ["kmain", "boot_entry", "enter_kernel"], "backtrace (must end at the "
        "entry point, no garbage frames below it) was:\n" + bt
        gdb.close()


def test_kps_fork_breakpoint_and_user_symbols():
    port = free_port()
    with Nest("console=ttyS0 quiet", extra_args=["-gdb", "tcp:127.0.0.1:%d" % port],
              timeout=400) as nest:
        nest.wait_for_prompt(timeout=90)
        nest.run("sleep 100 &")
        gdb = Gdb(port)
        out = gdb.command("kps")
        names = re.findall(r"^\d+\s+\d+\s+\S+\s+\d+\s+(\S+)", out, re.M)
        for name in ("init", "sh", "sleep"):
            assert name in names, "kps did not list %s:\n%s" % (name, out)
        assert "process table" in gdb.command("help kps")
        sleep_pid = re.search(r"^(\d+)\s+\d+\s+\S+\s+\d+\s+sleep", out, re.M).group(1)
        bt = gdb.command("kbt " + sleep_pid)
        assert "schedule" in bt and "sys_nanosleep" in bt, "kbt of a sleeping sleep:\n" + bt
        assert "level 0" in gdb.command("kns")
        assert "current:" in gdb.command("kcurrent")

        # A breakpoint on the fork system call hits when the shell runs a command, and the
        # backtrace goes back to the system-call entry.
        gdb.command("break sys_fork")
        gdb.start("continue")
        nest.send("/bin/true\r")  # not the built-in: the shell must fork
        out = gdb.wait_stop()
        assert re.search(r"Breakpoint \d+, sys_fork", out), out
        bt = gdb.command("bt")
        assert "syscall_dispatch" in bt, "bt should reach the system-call entry:\n" + bt
        gdb.command("delete")

        # kuser loads a program's symbols: a breakpoint in user code stops there.
        out = gdb.command("kuser sleep")
        assert "loaded" in out, out
        gdb.command('hbreak main if $_streq(cpu0.current->name, "sleep")')
        gdb.start("continue")
        nest.send("sleep 1\r")
        out = gdb.wait_stop()
        assert re.search(r"Breakpoint \d+, main \(", out), out
        gdb.command("delete")
        gdb.start("continue")
        gdb.interrupt()
        assert "SIGINT" in gdb.wait_stop(), "gdb did not stop at Ctrl-C"
        gdb.close()
        nest.wait_for_prompt(timeout=60)
