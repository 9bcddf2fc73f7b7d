"""Lab pidns: PID namespaces, the heart of the seed (docs/labs/pidns.md). Judged by the
seed's case 3 from inside and from the root namespace, by NSpid, and by the namespace ABI
programs (tests/abi/pidns_*.c) compared with Linux."""

import re

from harness import Fail, Guest, abi_compare, graded, rng, tail

NEEDS = ["procfs"]  # labs whose solutions these tests rely on (make labcheck)


def table(output):
    """ps output as a list of dicts keyed by the header's column names."""
    lines = [l for l in output.split("\n") if l.strip()]
    if not lines:
        return []
    header = lines[0].split()
    return [dict(zip(header, l.split(None, len(header) - 1))) for l in lines[1:]]


def ps_until(guest, command, ready, attempts=20):
    """Run ps until ready(rows): background jobs need a moment to fork and exec. Each attempt
    is a real check; after the last the test fails."""
    rows = []
    for _ in range(attempts):
        rows = table(guest.run_ok(command))
        if ready(rows):
            return rows
    raise Fail("%r never showed the expected processes:\n%s" % (command, rows))


@graded(10)
def pidns_case3_inside_view(log):
    """In `unshare -p -f sh` the shell is PID 1, two background sleeps get 2 and 3, and ps
    shows only the namespace's processes."""
    seconds = rng().randrange(1000, 100000)
    with Guest(log) as guest:
        guest.child.sendline("unshare -p -f sh")
        guest.nest.wait_for_prompt()
        me = guest.run_ok("echo $$").strip()
        if me != "1":
            raise Fail("the shell in the new namespace is PID %s, not 1" % me)
        output = guest.run_ok("sleep %d & sleep %d &" % (seconds, seconds))
        jobs = re.findall(r"^\[\d\] (\d+)$", output, re.M)
        if jobs != ["2", "3"]:
            raise Fail("the sleeps got PIDs %s, expected 2 and 3:\n%s" % (jobs, output))
        want = "sleep %d" % seconds
        rows = ps_until(guest, "ps -o pid,args",
                        lambda rows: sum(r.get("COMMAND") == want for r in rows) == 2)
        pids = sorted(int(r["PID"]) for r in rows)
        if pids[:3] != [1, 2, 3] or any(p > 10 for p in pids):
            raise Fail("ps inside shows PIDs %s, expected 1, 2, 3 and ps itself" % pids)


@graded(10)
def pidns_case3_root_view(log):
    """From the root namespace the same sleeps have ordinary PIDs, NSPID shows both numbers,
    and their parent is the namespace's init (PID 1 inside)."""
    seconds = rng().randrange(1000, 100000)
    want = "sleep %d" % seconds
    with Guest(log) as guest:
        guest.run_ok("unshare -p -f sh -c 'sleep %d & sleep %d & wait' &" % (seconds, seconds))
        rows = ps_until(guest, "ps -o pid,ppid,nspid,args",
                        lambda rows: sum(r.get("COMMAND") == want for r in rows) == 2)
        by_pid = {r["PID"]: r for r in rows}
        sleeps = [r for r in rows if r["COMMAND"] == want]
        inner = sorted(r["NSPID"].split(",")[-1] for r in sleeps)
        if inner != ["2", "3"]:
            raise Fail("NSPID of the sleeps ends in %s, expected 2 and 3:\n%s" % (inner, rows))
        for r in sleeps:
            if r["NSPID"].split(",")[0] != r["PID"]:
                raise Fail("NSPID %s does not start with the root PID %s" % (r["NSPID"], r["PID"]))
        init = by_pid.get(sleeps[0]["PPID"])
        if not init or init["NSPID"] != init["PID"] + ",1":
            raise Fail("the sleeps' parent is not PID 1 of their namespace: %s" % init)
        status = guest.run_ok("grep NSpid /proc/%s/status" % sleeps[0]["PID"]).strip()
        expected = "NSpid:\t%s\t%s" % (sleeps[0]["PID"], sleeps[0]["NSPID"].split(",")[1])
        if status != expected:
            raise Fail("/proc/%s/status says %r, expected %r" % (sleeps[0]["PID"], status, expected))


@graded(5)
def pidns_init_basics_as_linux(log):
    with Guest(log) as guest:
        abi_compare(guest, "pidns_init_basics", pidns=True)


@graded(10)
def pidns_orphans_reaped_by_namespace_init_as_linux(log):
    with Guest(log) as guest:
        abi_compare(guest, "pidns_orphan_reaper", pidns=True)


@graded(5)
def pidns_nested_unshare_as_linux(log):
    with Guest(log) as guest:
        abi_compare(guest, "pidns_nested_unshare", pidns=True)


@graded(5)
def pidns_kill_all_as_linux(log):
    with Guest(log) as guest:
        abi_compare(guest, "pidns_kill_all", pidns=True)
