"""The seed's walkthrough (docs/walkthrough.md), typed at nest's console: the same sleeps seen
natively, from a virtual machine's host, and from inside and outside a PID namespace."""
import os
import re
import subprocess

import pytest

from nest import ROOT, Nest


@pytest.fixture(scope="module")
def nest():
    with Nest("console=ttyS0", memory="512M", timeout=600) as n:
        n.wait_for_prompt(timeout=90)
        yield n


def table(output):
    """ps output as a list of dicts keyed by the header's column names (none for no output)."""
    lines = [l for l in output.splitlines() if l.strip()]
    if not lines:
        return []
    header = lines[0].split()
    rows = []
    for line in lines[1:]:
        cells = line.split(None, len(header) - 1)
        rows.append(dict(zip(header, cells)))
    return rows


def ps_until(nest, command, ready, attempts=50):
    """Run a ps command until ready(rows) holds: background jobs need a moment to fork and
    exec. Each attempt is a real check; after the last one the test fails."""
    for _ in range(attempts):
        rows = table(nest.run(command))
        if ready(rows):
            return rows
    raise AssertionError("%r never showed the expected processes: %s" % (command, rows))


def test_case1_native_two_sleeps_in_ps(nest):
    out = nest.run("sleep 100 & sleep 100 &")
    pids = re.findall(r"^\[\d\] (\d+)$", out, re.M)
    assert len(pids) == 2, out
    rows = ps_until(nest, "ps", lambda rows: sum(r["CMD"] == "sleep 100" for r in rows) == 2)
    sleeps = [r["PID"] for r in rows if r["CMD"] == "sleep 100"]
    assert sorted(sleeps) == sorted(pids), rows
    nest.run("kill %1 %2")
    nest.run("wait")


def test_case3_inside_a_new_pid_namespace_the_sleeps_are_2_and_3(nest):
    nest.send("unshare -p -f sh\r")
    nest.wait_for_prompt(timeout=20)
    assert nest.run("echo $$") == "1"
    out = nest.run("sleep 100 & sleep 100 &")
    assert re.findall(r"^\[\d\] (\d+)$", out, re.M) == ["2", "3"], out
    rows = ps_until(nest, "ps", lambda rows: sum(r["CMD"] == "sleep 100" for r in rows) == 2)
    assert [(r["PID"], r["CMD"]) for r in rows[:3]] == [("1", "sh"), ("2", "sleep 100"), ("3", "sleep 100")], rows
    # ^P: the kernel's own table has both numbers of each sleep.
    before = len(nest.console())
    nest.send("\x10")
    nest.expect(r"sleep\s+\d+\s+\d+,3 \(level 1\)")
    dump = nest.console()[before:]
    assert re.search(r"sleep\s+\d+\s+\d+,2 \(level 1\)", dump), dump
    nest.send("\r")
    nest.wait_for_prompt()
    # Leaving the namespace's init ends the namespace: its sleeps are killed.
    nest.send("exit\r")
    nest.wait_for_prompt(timeout=20)
    assert "sleep" not in nest.run("ps -e"), "the namespace's sleeps outlived its init"


def test_case3_root_view_shows_both_numbers_and_the_parent_chain(nest):
    nest.run("unshare -p -f sh -c 'sleep 100 & sleep 100 & wait' &")
    rows = ps_until(nest, "ps -o pid,ppid,nspid,args",
                    lambda rows: sum(r["COMMAND"] == "sleep 100" for r in rows) == 2)
    by_pid = {r["PID"]: r for r in rows}
    sleeps = [r for r in rows if r["COMMAND"] == "sleep 100"]
    assert sorted(r["NSPID"].split(",")[1] for r in sleeps) == ["2", "3"], rows
    for r in sleeps:
        assert r["NSPID"].split(",")[0] == r["PID"], "the first NSPID number is the root PID: %s" % r
    ns_init = by_pid[sleeps[0]["PPID"]]
    assert ns_init["NSPID"] == ns_init["PID"] + ",1", "the sleeps' parent is PID 1 inside: %s" % ns_init
    unshare = by_pid[ns_init["PPID"]]
    assert unshare["COMMAND"].startswith("unshare -p -f"), unshare
    shell = by_pid[unshare["PPID"]]
    assert shell["COMMAND"] == "sh" and shell["NSPID"] == shell["PID"], shell

    tree = nest.run("pstree -p")
    assert re.search(r"unshare\(%s\)───sh\(%s\)\{pidns 1\}" % (unshare["PID"], ns_init["PID"]), tree), tree

    status = nest.run("grep NSpid /proc/%s/status" % sleeps[0]["PID"])
    assert re.fullmatch(r"NSpid:\t%s\t\d" % sleeps[0]["PID"], status), status

    # The inside view needs the namespace's /proc too: a procfs shows the PID namespace of
    # whoever mounted it, and unshare -p mounted one in its own mount namespace (-m).
    inside = table(nest.run("nsenter -t %s -p -m ps" % ns_init["PID"]))
    assert [r["PID"] for r in inside][:3] == ["1", "2", "3"], inside
    # Without -m, ps reads the root's /proc, as on Linux: root numbers, itself included.
    outside = table(nest.run("nsenter -t %s -p ps -o pid,nspid,args" % ns_init["PID"]))
    assert ns_init["PID"] in [r["PID"] for r in outside], outside
    assert [r["NSPID"].count(",") for r in outside if r["COMMAND"] == "ps -o pid,nspid,args"] == [1], outside

    # SIGTERM, whose action is the default, does not reach the namespace's init...
    nest.run("kill %s" % ns_init["PID"])
    assert ns_init["PID"] in [r["PID"] for r in table(nest.run("ps -o pid,args"))], "init died of SIGTERM"
    # ...but SIGKILL from the root namespace does, and with it go the sleeps.
    nest.run("kill -9 %s; wait" % ns_init["PID"])
    assert "sleep" not in nest.run("ps -e")


def test_mount_proc_ps_inside_shows_only_the_namespace_and_the_roots_ps_both_levels(nest):
    nest.run("rm -f /tmp/inside")
    nest.run("unshare -p -f --mount-proc sh -c 'sleep 100 & sleep 100 & ps > /tmp/inside; wait' &")
    rows = ps_until(nest, "ps -o pid,ppid,nspid,args",
                    lambda rows: sum(r["COMMAND"] == "sleep 100" for r in rows) == 2)
    levels = sorted(r["NSPID"].count(",") for r in rows)
    assert levels[0] == 0 and levels[-1] == 1, "the root's ps should show both levels: %s" % rows
    inside = []
    for _ in range(50):
        inside = table(nest.run("cat /tmp/inside"))
        if inside:
            break
    # Only the namespace's four processes (the sleeps may not have exec'd yet: no names).
    assert [r["PID"] for r in inside] == ["1", "2", "3", "4"], inside
    assert inside[-1]["CMD"] == "ps", inside
    ns_init = [r for r in rows if r["NSPID"].endswith(",1")][0]
    nest.run("kill -9 %s; wait" % ns_init["PID"])
    assert "sleep" not in nest.run("ps -e")


def test_case2_the_host_sees_one_qemu_and_no_guest_sleep():
    """tools/seed-vm-view.sh boots a nest of its own, with NEST_SMP's CPUs: the guest's ps lists
    both sleeps; the host's ps shows one QEMU process, which has started no host process, guest
    sleep or other."""
    result = subprocess.run([os.path.join(ROOT, "tools", "seed-vm-view.sh")], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    rows = [l.split("|", 1) for l in result.stdout.splitlines() if "|" in l]
    guest = [g.rstrip() for g, _ in rows]
    host = [h.strip() for _, h in rows]
    assert sum(l.endswith(" sleep 100") for l in guest) == 2, result.stdout
    assert sum(bool(re.match(r"\d+ +\d+ +\S+ +\d+ qemu-system-x86_64 -smp %d " % nest_cpus(), l))
               for l in host) == 1, "expected one QEMU row (PID PPID STAT NLWP COMMAND):\n" + result.stdout
    assert "processes QEMU started on the host: 0" in host, result.stdout
    # Every host process running 'sleep 100' is counted too; anything else on the host may run
    # some (the ABI tests do), so only the line is checked: QEMU started none of them.
    assert any(re.fullmatch(r"host processes running 'sleep 100': \d+", l) for l in host), result.stdout


def nest_cpus():
    """The CPUs the tests boot nest with (NEST_SMP, else 1), as seed-vm-view.sh reads them."""
    return int(os.environ.get("NEST_SMP") or 1)
