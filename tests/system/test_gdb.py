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
        # --foreground: timeout passes a signal it gets on to gdb only, once (see interrupt).
        self.child = pexpect.spawn("timeout", ["--foreground", "300", "gdb", "-q", "-nx", "-x",
                                               GDB_SCRIPT, KERNEL],
                                   cwd=ROOT, env=env, encoding="utf-8", timeout=60,
                                   dimensions=(200, 250))
        self.child.expect(GDB_PROMPT)
        self.running = False  # the guest was resumed and gdb waits for it to stop
        self.command("target remote 127.0.0.1:%d" % port)

    def command(self, line, timeout=60):
        """Run one command and return its output."""
        self.child.sendline(line)
        self.child.expect(GDB_PROMPT, timeout=timeout)
        return self.child.before

    def current_name(self):
        """$kcurrent()'s name: the process on the CPU gdb has selected."""
        return self.command('printf "<%s>\\n", $kcurrent()->name').split("<")[-1].split(">")[0]

    def start(self, line):
        """Send a command that resumes the guest (continue); return without waiting."""
        self.child.sendline(line)
        self.child.expect("Continuing.")
        self.running = True

    def interrupt(self):
        """Ctrl-C for gdb, which must reach it exactly once: gdb takes a second ^C as "give up
        waiting" and disconnects. A ^C typed at the pty would reach it twice (the terminal
        signals gdb and timeout, and timeout passes its copy on). So one SIGINT goes to
        `timeout` alone, which under --foreground sends it to gdb only; without --foreground
        it would send it to gdb and then to its whole process group, gdb again."""
        self.child.kill(signal.SIGINT)

    def wait_stop(self, timeout=120):
        self.child.expect(GDB_PROMPT, timeout=timeout)
        self.running = False
        return self.child.before

    def close(self):
        """Detach (the guest runs on) and wait for gdb to end. gdb reads no command while
        the guest runs, so a running guest is stopped first."""
        if self.running:
            self.interrupt()
            self.wait_stop()
        self.command("detach")
        self.child.sendline("quit")
        self.child.expect(pexpect.EOF)
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


def sleep_row(kps_output):
    """kps's line for the (one) sleep: PID, state, CPU."""
    match = re.search(r"^(\d+)\s+\d+\s+(\S+)\s+(\d+)\s+sleep\b", kps_output, re.M)
    assert match, "kps did not list the sleep:\n" + kps_output
    return match.groups()


def test_kps_fork_breakpoint_and_user_symbols():
    port = free_port()
    with Nest("console=ttyS0 quiet", extra_args=["-gdb", "tcp:127.0.0.1:%d" % port],
              timeout=400) as nest:
        nest.wait_for_prompt(timeout=90)
        gdb = Gdb(port)

        # Stop the sleep as it enters nanosleep: $kcurrent() is the process on the CPU that
        # hit the breakpoint, whichever CPU that is.
        gdb.command('break sys_nanosleep if $_streq($kcurrent()->name, "sleep")')
        gdb.start("continue")
        nest.send("sleep 100 &\r")
        out = gdb.wait_stop()
        assert re.search(r"Breakpoint \d+, sys_nanosleep", out), out
        cpu = re.search(r"\$\d+ = (\d+)", gdb.command("p $kcpu()")).group(1)
        assert re.search(r"current: sleep, NSpid \d+, state running, on cpu%s\b" % cpu,
                         gdb.command("kcurrent")), "kcurrent and $kcpu() disagree"
        assert gdb.current_name() == "sleep"
        gdb.command("delete")

        # Let it fall asleep. It holds the kernel lock from its system call's entry until it
        # sleeps, and the shell needs that lock to answer, so once the shell's answer is
        # back the sleep is asleep in nanosleep (kps tells whether its CPU has also left it).
        for _ in range(5):
            gdb.start("continue")
            nest.run("echo awake", timeout=60)
            gdb.interrupt()
            assert "SIGINT" in gdb.wait_stop(), "gdb did not stop at Ctrl-C"
            out = gdb.command("kps")
            sleep_pid, state, _ = sleep_row(out)
            if state == "sleeping":
                break
        assert state == "sleeping", "the sleep never showed as sleeping:\n" + out
        names = re.findall(r"^\d+\s+\d+\s+\S+\s+\d+\s+(\S+)", out, re.M)
        for name in ("init", "sh", "sleep"):
            assert name in names, "kps did not list %s:\n%s" % (name, out)
        assert "process table" in gdb.command("help kps")
        bt = gdb.command("kbt " + sleep_pid)
        assert "schedule" in bt and "sys_nanosleep" in bt, "kbt of a sleeping sleep:\n" + bt
        assert "level 0" in gdb.command("kns")
        assert "current:" in gdb.command("kcurrent")
        assert "$kcurrent()" in gdb.command("help kcurrent")

        # A breakpoint on the fork system call hits when the shell runs a command, and the
        # backtrace goes back to the system-call entry.
        gdb.command("break sys_fork")
        gdb.start("continue")
        nest.send("/bin/true\r")  # not the built-in: the shell must fork
        out = gdb.wait_stop()
        assert re.search(r"Breakpoint \d+, sys_fork", out), out
        bt = gdb.command("bt")
        assert "syscall_dispatch" in bt, "bt should reach the system-call entry:\n" + bt
        assert gdb.current_name() == "sh"
        gdb.command("delete")

        # kuser loads a program's symbols: a breakpoint in user code stops there, and only in
        # the program the condition names (not in /bin/true, which runs main meanwhile).
        out = gdb.command("kuser sleep")
        assert "loaded" in out and "$kcurrent()" in out, out
        gdb.command('hbreak main if $_streq($kcurrent()->name, "sleep")')
        gdb.start("continue")
        nest.send("sleep 1; echo slept\r")
        out = gdb.wait_stop()
        assert re.search(r"Breakpoint \d+, main \(", out), out
        assert gdb.current_name() == "sleep"
        gdb.command("delete")
        gdb.start("continue")
        # Ctrl-C once the guest has certainly been resumed: the sleep ended and the shell
        # answered.
        nest.expect(r"\nslept\r*\n", timeout=60)
        nest.wait_for_prompt(timeout=60)
        gdb.interrupt()
        assert "SIGINT" in gdb.wait_stop(), "gdb did not stop at Ctrl-C"
        gdb.close()
        assert nest.run("echo still-here", timeout=60) == "still-here"
