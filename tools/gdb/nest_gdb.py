"""gdb commands that read nest's own tables (loaded by tools/gdb/nest.gdb).

  kps            the process table: PID at every namespace level, parent, state, CPU, name
  kcurrent       the process running on the selected CPU (gdb thread) and its user registers
                 (saved at its last trap, or the CPU's own while syscall_entry has not saved
                 them yet)
  kbt PID        kernel backtrace of a process that is not running (PID in the root namespace)
  kns            the PID namespace tree: level, id, init, member count
  kuser PROGRAM  load build/userland/PROGRAM's symbols (static ELF: at their link addresses)
  kcpus          the CPUs: index, APIC id, gdb thread, what each runs (cpus[] in smp.c)

and two convenience functions, for expressions and breakpoint conditions:

  $kcurrent()    the struct proc * running on the selected CPU: in a breakpoint's
                 condition, the CPU that hit it (hbreak main if $_streq($kcurrent()->name, "sh"))
  $kcpu()        that CPU's index (cpu->index)

They only read memory, through the symbols of build/kernel.elf, so they work whenever
the CPU is stopped in nest."""
import os
import re

import gdb

STATES = {0: "runnable", 1: "sleeping", 2: "stopped", 3: "zombie"}


def offset_of(struct, member):
    return int(gdb.parse_and_eval("(unsigned long)&((struct %s *)0)->%s" % (struct, member)))


NOT_LOADED = ("cannot read nest's memory here: the kernel is not loaded yet "
              "(hbreak kmain, continue, and try again)")


def kernel_memory_readable():
    try:
        int(gdb.parse_and_eval("cpu0.current"))
        return True
    except gdb.MemoryError:
        return False


def all_procs():
    """Every struct proc on proc_list, as gdb.Value pointers."""
    if not kernel_memory_readable():
        raise gdb.GdbError(NOT_LOADED)
    head = gdb.parse_and_eval("&proc_list")
    link = head["next"]
    if int(link) == 0:
        raise gdb.GdbError("nest has no process table yet: proc_init() has not run "
                           "(stop later in kmain, e.g. at start_init)")
    off = offset_of("proc", "all")
    proc_ptr = gdb.lookup_type("struct proc").pointer()
    while int(link) != int(head):
        yield gdb.Value(int(link) - off).cast(proc_ptr)
        link = link["next"]


def pid_chain(p):
    """The process's numbers from the root namespace down to its own."""
    pid = p["pid"]
    if int(pid) == 0:
        return []
    return [int(pid["numbers"][i]["nr"]) for i in range(int(pid["level"]) + 1)]


def own_ns(p):
    pid = p["pid"]
    if int(pid) == 0:
        return None
    return pid["numbers"][int(pid["level"])]["ns"]


def online_cpus():
    """Each online CPU's struct cpu, by index (cpus[] in smp.c)."""
    return [gdb.parse_and_eval("cpus[%d]" % i) for i in range(int(gdb.parse_and_eval("cpu_count")))]


def selected_cpu():
    """The struct cpu of the CPU that gdb's selected thread is: the one its %gs base points
    at (in user mode, swapgs left it in KERNEL_GS_BASE). cpu0 while %gs is not set up yet."""
    areas = {int(c): c for c in online_cpus()}
    for register in ("$gs_base", "$k_gs_base"):
        area = areas.get(int(gdb.parse_and_eval(register)) & (2**64 - 1))
        if area is not None:
            return area
    return gdb.parse_and_eval("&cpu0")


def state_name(p):
    if any(int(p) == int(c["current"]) for c in online_cpus()):
        return "running"
    return STATES.get(int(p["state"]), "?")


def find_proc(root_pid):
    for p in all_procs():
        chain = pid_chain(p)
        if chain and chain[0] == root_pid:
            return p
    return None


class KPs(gdb.Command):
    """kps: nest's process table with every PID-namespace level (root first) and the CPU each
    process runs on, or ran on last."""

    def __init__(self):
        super().__init__("kps", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        print("%-6s %-6s %-9s %-3s %-15s %-12s %s" % ("PID", "PPID", "STATE", "CPU", "NAME", "PIDNS",
                                                      "NSPID"))
        unnumbered = 0
        for p in all_procs():
            chain = pid_chain(p)
            if not chain:  # fork is still making it: no struct pid yet
                unnumbered += 1
                continue
            parent = p["parent"]
            ppid = pid_chain(parent)[0] if int(parent) and pid_chain(parent) else 0
            ns = own_ns(p)
            print("%-6d %-6d %-9s %-3d %-15s %-12s %s" % (
                chain[0] if chain else 0, ppid, state_name(p), int(p["cpu"]), p["name"].string(),
                "%d/L%d" % (int(ns["inum"]), int(ns["level"])) if ns else "-",
                ",".join(str(n) for n in chain)))
        if unnumbered:
            print("(and %d process%s that fork is still making: no PID yet)"
                  % (unnumbered, "" if unnumbered == 1 else "es"))


USER_REGISTERS = ["rip", "rsp", "rflags", "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp",
                  "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "cs", "ss", "vector", "error"]
USER_TOP = 0x0000800000000000


def syscall_frame_pending():
    """Is the CPU in syscall_entry, before its trap frame is complete? (It is complete once
    the stub has pushed r15, two instructions before it calls syscall_dispatch.) Until then
    the process's saved frame is the previous trap's."""
    pc = int(gdb.parse_and_eval("$pc"))
    start = int(gdb.parse_and_eval("(unsigned long)&syscall_entry"))
    if pc < start:
        return False
    last_push = None
    for line in gdb.execute("disassemble syscall_entry", to_string=True).splitlines():
        match = re.search(r"0x([0-9a-f]+) <\+\d+>:\s+(\w+)", line)
        if not match:
            continue
        if match.group(2).startswith("push"):
            last_push = int(match.group(1), 16)
        if match.group(2) == "call" and "syscall_dispatch" in line:
            return last_push is not None and pc <= last_push
    return False


def registers_at_syscall_entry(cpu):
    """The user registers as the syscall instruction left them, read from the CPU."""
    def reg(name):
        return int(gdb.parse_and_eval("$" + name)) & (2**64 - 1)
    regs = {name: reg(name) for name in USER_REGISTERS[3:18]}
    rsp = reg("rsp")
    regs.update(rip=reg("rcx"), rflags=reg("r11"), cs=0x23, ss=0x1b, vector=256, error=reg("rax"),
                rsp=rsp if rsp < USER_TOP else int(cpu["user_rsp"]))
    return regs


class KCurrent(gdb.Command):
    """kcurrent: the process running on the selected CPU (gdb thread: "thread N" picks one)
    and its user registers, as saved at its last entry into the kernel (or, stopped in
    syscall_entry before it saved them, as the CPU holds them). In expressions and breakpoint
    conditions, $kcurrent() is that process and $kcpu() its CPU's index
    (help function kcurrent)."""

    def __init__(self):
        super().__init__("kcurrent", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        if not kernel_memory_readable():
            raise gdb.GdbError(NOT_LOADED)
        cpu = selected_cpu()
        p = cpu["current"]
        if int(p) == 0 and int(cpu["index"]) > 0:
            print("cpu%d runs no process: it is parked or still starting" % int(cpu["index"]))
            return
        if int(p) == 0:
            print("no process yet: the kernel is still booting (kmain's start_init makes PID 1)")
            return
        chain = pid_chain(p)
        print("current: %s, NSpid %s, state %s, on cpu%d" % (p["name"].string(),
              ",".join(map(str, chain)) or "-", state_name(p), int(cpu["index"])))
        tf = p["tf"]
        if int(tf) == 0:
            print("(the idle process has no user registers)")
            return
        if syscall_frame_pending():
            print("(in syscall_entry, before the trap frame is saved: the CPU's registers; "
                  "rip is rcx, rflags is r11)")
            regs = registers_at_syscall_entry(cpu)
        else:
            regs = {r: int(tf[r]) & (2**64 - 1) for r in USER_REGISTERS}
        for i in range(0, len(USER_REGISTERS), 4):
            print("  " + "  ".join("%-6s %016x" % (r, regs[r]) for r in USER_REGISTERS[i:i + 4]))


class SelectedCpuFunction(gdb.Function):
    """A convenience function that reads one field of the selected CPU's struct cpu."""

    def __init__(self, name, field):
        super().__init__(name)
        self.field = field

    def invoke(self):
        if not kernel_memory_readable():
            raise gdb.GdbError(NOT_LOADED)
        return selected_cpu()[self.field]


class KCurrentFunction(SelectedCpuFunction):
    """$kcurrent(): the struct proc * running on the selected CPU (gdb thread), found as the
    kcurrent command finds it, through that thread's %gs base. gdb evaluates a breakpoint's
    condition in the thread that hit it, so on any number of CPUs
        hbreak main if $_streq($kcurrent()->name, "sleep")
    stops only in the sleep program. NULL while the CPU runs no process yet (booting)."""

    def __init__(self):
        super().__init__("kcurrent", "current")


class KCpuFunction(SelectedCpuFunction):
    """$kcpu(): the index of the selected CPU (gdb thread) in nest's cpus[], found through
    its %gs base; in a breakpoint's condition, the CPU that hit it (break schedule if $kcpu() == 2).
    QEMU numbers its threads from 1 in its own order: kcpus shows which thread is which CPU."""

    def __init__(self):
        super().__init__("kcpu", "index")


def symbol_at(address):
    """The function (ELF symbol, so not an inlined piece) containing address."""
    text = gdb.execute("info symbol 0x%x" % address, to_string=True)
    return text.split(" in section")[0].strip() if "No symbol" not in text else "??"


class KBt(gdb.Command):
    """kbt PID: kernel backtrace of a sleeping process, from its saved context."""

    def __init__(self):
        super().__init__("kbt", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        if not arg.strip().isdigit():
            raise gdb.GdbError("usage: kbt PID   (PID in the root namespace; see kps)")
        p = find_proc(int(arg))
        if p is None:
            raise gdb.GdbError("no process %s" % arg)
        running = [int(c["index"]) for c in online_cpus() if int(c["current"]) == int(p)]
        if running:
            print("process %s is running on cpu%d: use bt in that CPU's thread (see kcpus)"
                  % (arg, running[0]))
            return
        ctx = p["context"]
        rip, rbp = int(ctx["rip"]), int(ctx["rbp"])
        ulong = gdb.lookup_type("unsigned long").pointer()
        depth = 0
        while rip and depth < 32:
            print("#%-2d 0x%016x in %s" % (depth, rip, symbol_at(rip)))
            if rbp == 0 or rbp < 0xffff800000000000:
                break
            frame = gdb.Value(rbp).cast(ulong)
            rip, rbp = int(frame[1]), int(frame[0])
            depth += 1


class KNs(gdb.Command):
    """kns: the PID namespace tree with each namespace's init and member count."""

    def __init__(self):
        super().__init__("kns", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        namespaces = {}
        members = {}
        for p in all_procs():
            pid = p["pid"]
            if int(pid) == 0:
                continue
            for i in range(int(pid["level"]) + 1):
                ns = pid["numbers"][i]["ns"]
                namespaces[int(ns)] = ns
                members[int(ns)] = members.get(int(ns), 0) + 1
        children = {}
        for addr, ns in namespaces.items():
            children.setdefault(int(ns["parent"]), []).append(addr)

        def show(addr, indent):
            ns = namespaces[addr]
            reaper = ns["child_reaper"]
            init = "%s (root PID %d)" % (reaper["name"].string(), pid_chain(reaper)[0]) if int(reaper) else "none (exited)"
            print("%spid:[%d] level %d: init %s, %d processes, last_pid %d%s" % (
                "  " * indent, int(ns["inum"]), int(ns["level"]), init, members.get(addr, 0),
                int(ns["last_pid"]), "" if ns["accepting"] else ", closed"))
            for child in sorted(children.get(addr, [])):
                show(child, indent + 1)

        for root in children.get(0, []):
            show(root, 0)


class KUser(gdb.Command):
    """kuser PROGRAM: load a userland program's symbols (e.g. kuser sleep; hbreak main)."""

    def __init__(self):
        super().__init__("kuser", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        name = arg.strip()
        if not name:
            raise gdb.GdbError("usage: kuser PROGRAM   (a file in build/userland/)")
        path = os.path.join("build", "userland", name)
        if not os.path.exists(path):
            path = os.path.join("build", "abi", name)
        if not os.path.exists(path):
            raise gdb.GdbError("no build/userland/%s" % name)
        gdb.execute("add-symbol-file %s" % path, to_string=True)
        print("loaded %s; its functions are at their link addresses, in every process that runs it."
              " To stop only there: hbreak main if $_streq($kcurrent()->name, \"%s\")" % (path, name))


def threads_by_cpu_area():
    """QEMU shows each CPU as a gdb thread. Map the address of each struct cpu to its thread:
    the one whose %gs base points there (in user mode, swapgs left it in KERNEL_GS_BASE)."""
    found = {}
    selected = gdb.selected_thread()
    for t in gdb.selected_inferior().threads():
        t.switch()
        for register in ("$gs_base", "$k_gs_base"):
            found.setdefault(int(gdb.parse_and_eval(register)) & (2**64 - 1), t.num)
    selected.switch()
    return found


class KCpus(gdb.Command):
    """kcpus: every online CPU with its APIC id, its gdb thread and what it runs."""

    def __init__(self):
        super().__init__("kcpus", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        threads = threads_by_cpu_area()
        count = int(gdb.parse_and_eval("cpu_count"))
        scheduling = int(gdb.parse_and_eval("cpus_scheduling_mask"))
        print("%-5s %-8s %-7s %s" % ("CPU", "APIC ID", "THREAD", "RUNS"))
        for i in range(count):
            c = gdb.parse_and_eval("cpus[%d]" % i)
            if scheduling & (1 << i):
                current = c["current"]
                runs = current["name"].string() if int(current) else "(nothing yet)"
            else:
                runs = "(starting)"
            print("%-5d %-8d %-7s %s" % (i, int(c["apic_id"]), threads.get(int(c), "?"), runs))


KPs()
KCurrent()
KBt()
KNs()
KUser()
KCpus()
KCurrentFunction()
KCpuFunction()
