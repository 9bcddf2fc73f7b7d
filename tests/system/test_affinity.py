"""Seeing and steering CPUs (issue 16) on four CPUs: taskset shows and sets a process's mask,
runs a program on one CPU (which /proc/self/stat's field 39 then names), refuses a mask with no
CPU that runs processes; /proc/cpuinfo, /proc/stat and /proc/interrupts have one entry per CPU;
ps -o psr works; gdb's kcurrent follows the selected CPU and kps has a CPU column.

Which CPUs run processes is what init's mask says (every CPU that schedules, from boot): the
assertions about CPU 1 follow from it, so they hold while the other CPUs are parked and once
every CPU runs processes."""
import re

from nest import Nest
from test_gdb import Gdb, free_port

CPUS = 4


def mask_shown(output, pid, which="current"):
    """The hex mask in taskset's "pid N's current affinity mask: M" line."""
    match = re.search(r"pid %d's %s affinity mask: ([0-9a-f]+)$" % (pid, which), output, re.M)
    assert match, "expected taskset's %s mask of pid %d, got:\n%s" % (which, pid, output)
    return int(match.group(1), 16)


def stat_fields(text):
    """The fields of a /proc/PID/stat line, numbered from 1 as in man 5 proc."""
    head, tail = text.rsplit(")", 1)
    pid, comm = head.split(" (", 1)
    return [None, pid, comm] + tail.split()


def check_cpuinfo_and_stat(nest):
    cpuinfo = nest.run("cat /proc/cpuinfo")
    processors = re.findall(r"^processor\t: (\d+)$", cpuinfo, re.M)
    assert processors == [str(i) for i in range(CPUS)], \
        "expected processors 0-3 in /proc/cpuinfo, got %r:\n%s" % (processors, cpuinfo[:1500])
    for field in ("apicid", "initial apicid"):
        ids = re.findall(r"^%s\t*: (\d+)$" % field, cpuinfo, re.M)
        assert ids == [str(i) for i in range(CPUS)], "%s: %r" % (field, ids)
    assert re.findall(r"^cpu cores\t: (\d+)$", cpuinfo, re.M) == [str(CPUS)] * CPUS, cpuinfo[:1500]
    assert re.findall(r"^siblings\t: (\d+)$", cpuinfo, re.M) == [str(CPUS)] * CPUS, cpuinfo[:1500]

    stat = nest.run("cat /proc/stat")
    lines = {m.group(1): [int(v) for v in m.group(2).split()]
             for m in re.finditer(r"^(cpu\d*) +(.*)$", stat, re.M)}
    assert sorted(lines) == ["cpu"] + ["cpu%d" % i for i in range(CPUS)], \
        "expected a cpu line and cpu0-cpu3 in /proc/stat:\n" + stat
    for column, name in ((0, "user"), (2, "system"), (3, "idle")):
        parts = sum(lines["cpu%d" % i][column] for i in range(CPUS))
        # each line is rounded down to ticks on its own: the total may be up to CPUS more
        assert parts <= lines["cpu"][column] <= parts + CPUS, \
            "the cpu line's %s is not the sum of the cpuN lines:\n%s" % (name, stat)
    # init and the shell ran on whichever CPUs init's mask let them (not necessarily cpu0)
    assert any(lines["cpu%d" % i][0] + lines["cpu%d" % i][2] > 0 for i in range(CPUS)), \
        "init and the shell ran, yet no CPU has user or system time:\n" + stat
    assert re.search(r"^procs_running [1-9]\d*$", stat, re.M), stat

    interrupts = nest.run("cat /proc/interrupts").split("\n")
    assert interrupts[0].split() == ["CPU%d" % i for i in range(CPUS)], interrupts
    assert any(re.match(r"LOC:(\s+\d+){%d}\s+Local timer interrupts$" % CPUS, line)
               for line in interrupts[1:]), interrupts


def check_taskset(nest):
    init_mask = mask_shown(nest.run("taskset -p 1"), 1)
    assert init_mask & 1 and init_mask < 1 << CPUS, "init's mask: %x" % init_mask
    shell = int(nest.run("echo $$"))

    # The shell's mask, set to cpu0 and back, read back by taskset and by /proc.
    out = nest.run("taskset -p 1 %d" % shell)
    assert mask_shown(out, shell) == init_mask and mask_shown(out, shell, "new") == 1, out
    status = nest.run("cat /proc/%d/status" % shell)
    assert re.search(r"^Cpus_allowed_list:\t0$", status, re.M), status
    assert nest.run("taskset -cp %d" % shell) == "pid %d's current affinity list: 0" % shell
    fields = stat_fields(nest.run("taskset -c 0 cat /proc/self/stat"))
    assert len(fields) == 53 and fields[39] == "0", "a cat pinned to cpu0: %r" % fields
    out = nest.run("taskset -p %x %d" % (init_mask, shell))
    assert mask_shown(out, shell, "new") == init_mask, out

    # On CPU 1, if it runs processes; else the mask has no CPU that does.
    out = nest.run("taskset -c 1 cat /proc/self/stat")
    if init_mask & 2:
        fields = stat_fields(out)
        assert fields[39] == "1", "taskset -c 1: field 39 (processor) is %s:\n%s" % (
            fields[39], out)
    else:
        assert "failed to set pid" in out and "Invalid argument" in out, out

    # Bad input and impossible requests, each with a clear message.
    assert "Invalid argument" in nest.run("taskset -cp 9 %d" % shell)
    assert "Invalid argument" in nest.run("taskset -p 0 %d" % shell)
    assert nest.run("taskset -p 99999") == \
        "taskset: failed to get pid 99999's affinity: No such process"
    assert nest.run("taskset -p zz %d" % shell) == "taskset: failed to parse CPU mask: zz"
    assert "failed to parse CPU list: 1-" in nest.run("taskset -cp 1- %d" % shell)

    ps = nest.run("ps -o pid,psr,comm")
    rows = re.findall(r"^\s*(\d+)\s+(\d+)\s+(\S+)$", ps, re.M)
    assert ps.split("\n")[0].split() == ["PID", "PSR", "COMMAND"] and rows, ps
    assert all(int(psr) < CPUS for _, psr, _ in rows), ps


def check_gdb_follows_a_cpu(gdb):
    out = gdb.command("kps").replace("\r", "")
    assert re.search(r"^PID\s+PPID\s+STATE\s+CPU\s+NAME", out, re.M), out
    assert re.search(r"^1\s+0\s+\S+\s+\d+\s+init\s", out, re.M), out
    gdb.command("thread 1")
    out = gdb.command("kcurrent").replace("\r", "")
    assert re.search(r"on cpu0$|^no process", out, re.M), "kcurrent on thread 1 (cpu0):\n" + out
    gdb.command("thread 3")
    out = gdb.command("kcurrent").replace("\r", "")
    assert re.search(r"on cpu2$|^cpu2 runs no process", out, re.M), \
        "kcurrent on thread 3 should speak of cpu2:\n" + out


def test_taskset_proc_and_gdb_on_four_cpus():
    port = free_port()
    with Nest("console=ttyS0 quiet", smp=CPUS, extra_args=["-gdb", "tcp:127.0.0.1:%d" % port],
              timeout=300) as nest:
        nest.wait_for_prompt(timeout=90)
        check_cpuinfo_and_stat(nest)
        check_taskset(nest)
        gdb = Gdb(port)
        check_gdb_follows_a_cpu(gdb)
        gdb.close()
