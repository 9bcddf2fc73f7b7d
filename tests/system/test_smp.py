"""Several CPUs (issue 16): the CPUs the MADT lists (4, and 16) come online on the BIOS and
UEFI boot paths, maxcpus= limits them, user space sees every CPU that runs processes, and gdb
shows one thread per CPU."""
import re

from nest import Nest
from test_gdb import Gdb, free_port

CPU_ONLINE = r"cpu(\d+): online, APIC id (\d+)"


def cpus_online(console):
    """The (index, APIC id) pairs the boot log announced, in order."""
    return [(int(i), int(a)) for i, a in re.findall(CPU_ONLINE, console)]


def check_four_cpus_and_a_working_shell(nest):
    nest.expect(r"smp: 4 CPUs online", timeout=90)
    nest.wait_for_prompt(timeout=90)
    online = cpus_online(nest.console())
    assert online == [(0, 0), (1, 1), (2, 2), (3, 3)], \
        "expected cpu0-cpu3 online with APIC ids 0-3, the boot log said %r:\n%s" % (
            online, nest.console()[-2500:])
    assert nest.run("echo smp-ok") == "smp-ok"


def test_four_cpus_come_online_under_bios_and_the_shell_works():
    with Nest(smp=4, timeout=180) as nest:
        check_four_cpus_and_a_working_shell(nest)
        out = nest.run("/tests/cpus")
        assert out.splitlines() == ["online 4", "affinity 0 1 2 3"], \
            "every CPU runs processes; /tests/cpus said:\n" + out


def test_four_cpus_come_online_under_uefi():
    with Nest(smp=4, uefi=True, timeout=240) as nest:
        nest.expect(r"booted by multiboot2", timeout=120)
        check_four_cpus_and_a_working_shell(nest)


def test_maxcpus_2_starts_two_of_four():
    with Nest("console=ttyS0 maxcpus=2", smp=4, timeout=180) as nest:
        nest.expect(r"smp: 2 CPUs online", timeout=90)
        nest.wait_for_prompt(timeout=90)
        online = cpus_online(nest.console())
        assert online == [(0, 0), (1, 1)], "maxcpus=2 should start cpu0 and cpu1 only, got %r" % online
        assert "smp: maxcpus=2: starting 2 of 4 CPUs" in nest.console()


def test_sixteen_cpus_come_online():
    with Nest("console=ttyS0 init=/sbin/init -- /bin/sh -c poweroff", smp=16,
              memory="256M", timeout=180) as nest:
        assert nest.wait_exit(timeout=150) == 33, nest.console()[-2000:]
        online = cpus_online(nest.console())
        assert online == [(i, i) for i in range(16)], \
            "expected cpu0-cpu15 with APIC ids 0-15, got %r:\n%s" % (online, nest.console()[-2500:])


def test_one_cpu_starts_no_other():
    with Nest(smp=1, timeout=120) as nest:
        nest.wait_for_prompt(timeout=90)
        console = nest.console()
        assert cpus_online(console) == [(0, 0)], console[-2000:]
        assert "smp:" not in console, "one CPU needs no SMP message:\n" + console[-2000:]


def test_gdb_shows_one_thread_per_cpu_and_each_cpu_s_process():
    port = free_port()
    with Nest("console=ttyS0", smp=4, extra_args=["-gdb", "tcp:127.0.0.1:%d" % port],
              timeout=300) as nest:
        nest.wait_for_prompt(timeout=90)
        gdb = Gdb(port)
        threads = gdb.command("info threads")
        assert len(re.findall(r"Thread 1\.\d+ \(CPU#\d", threads)) == 4, \
            "expected one gdb thread per CPU:\n" + threads
        out = gdb.command("kcpus")
        rows = re.findall(r"^(\d+)\s+(\d+)\s+(\d+)\s+(.*)$", out, re.M)
        assert [(r[0], r[1], r[2]) for r in rows] == [("0", "0", "1"), ("1", "1", "2"),
                                                      ("2", "2", "3"), ("3", "3", "4")], out
        assert all(r[3].strip() and "(" not in r[3] for r in rows), \
            "every CPU runs a process (its idle one, when nothing else):\n" + out
        idle_threads = [int(r[2]) for r in rows if r[3].strip() == "idle"]
        assert idle_threads, "with the shell waiting for input some CPU is idle:\n" + out
        gdb.command("thread %d" % idle_threads[0])
        bt = gdb.command("bt")
        assert "sched_idle_loop" in bt, "an idle CPU's backtrace:\n" + bt
        gdb.close()
