"""The toolbox in nest's default image: Debian's busybox-static, its applet links and ash.

One nest boots for the whole module; each test types at nest's shell. The seed's commands run
under busybox's ash and are seen by busybox's applets (pidof, ps, killall), the everyday tools
a student reaches for work, nest's own teaching programs are still nest's, and nest's pgrep and
pkill (which busybox-static lacks) find, count and signal processes by name, also inside a PID
namespace."""
import re

import pytest

from nest import Nest


@pytest.fixture(scope="module")
def nest():
    with Nest("console=ttyS0 quiet", memory="512M", timeout=600) as n:
        n.wait_for_prompt(timeout=90)
        yield n


def test_nest_programs_are_not_replaced_by_busybox_links(nest):
    for program in ("ps", "pstree", "unshare", "nsenter", "kill", "sh", "grep", "cat", "ls",
                    "pgrep", "taskset"):
        out = nest.run("[ -L /bin/%s ] && echo link || echo own" % program)
        assert out == "own", "/bin/%s should be nest's own program, got %r" % (program, out)
    assert nest.run("readlink /bin/tail") == "busybox"
    assert nest.run("readlink /bin/pkill") == "pgrep"


def test_seed_commands_under_ash_are_seen_by_busybox_applets(nest):
    out = nest.run("ash -c 'sleep 100 & sleep 100 & echo started'")
    assert out == "started", "ash did not start the sleeps:\n" + out
    pids = []
    for _ in range(50):  # until both have exec'd sleep (each round a real check)
        pids = nest.run("pidof sleep").split()
        if len(pids) == 2:
            break
    assert len(pids) == 2, "pidof sleep should list the two sleeps, got %r" % pids
    ps = nest.run("ps")
    listed = sorted(l.split()[0] for l in ps.splitlines()[1:] if l.split()[-2:] == ["sleep", "100"])
    assert listed == sorted(pids), "nest's ps listed %s, pidof %s:\n%s" % (listed, pids, ps)
    # busybox's own ps (top needs /proc/stat, which comes with the debian-proc work).
    # [s] keeps grep's own line out: on several CPUs grep may run when ps reads /proc.
    seen = nest.run("busybox ps | grep -c '[s]leep 100'")
    assert seen == "2", "busybox ps should show both sleeps, counted %r" % seen
    nest.run("killall sleep")
    for _ in range(50):
        if nest.run("pidof sleep || echo none") == "none":
            break
    assert nest.run("pidof sleep || echo none") == "none", "killall left sleeps running"


def job_pids(output):
    return [int(p) for p in re.findall(r"^\[\d+\] (\d+)$", output, re.M)]


def run_until(nest, command, expected):
    """Run command until its output is expected (each round a real check); return every output
    (the shell's job notices among them)."""
    outputs = []
    for _ in range(50):
        outputs.append(nest.run(command))
        if outputs[-1] == expected:
            break
    return outputs


def test_seed_commands_are_found_counted_and_ended_by_pgrep_and_pkill(nest):
    pids = job_pids(nest.run("sleep 100 & sleep 100 &"))
    assert len(pids) == 2, "expected two background sleeps, got %r" % pids
    listed = "\n".join(str(pid) for pid in sorted(pids))
    out = run_until(nest, "pgrep sleep", listed)[-1]
    assert out == listed, "pgrep sleep should list %r, got %r" % (listed, out)
    assert nest.run("pgrep -c sleep") == "2"
    out = nest.run("pgrep -l -d , sleep")
    assert out == ",".join("%d sleep" % pid for pid in sorted(pids)), "pgrep -l -d ,: %r" % out
    out = nest.run("pgrep -a -n sleep")
    assert out == "%d sleep 100" % max(pids), "pgrep -a -n should show the newest: %r" % out
    assert nest.run("pgrep -x slee; echo status $?") == "status 1"
    assert nest.run("pgrep -x 'sle+p' | wc -l") == "2"
    assert nest.run("pgrep pgrep; echo status $?") == "status 1", "pgrep matched itself"
    assert nest.run("pgrep -u root sleep; echo status $?").endswith("status 2")
    out = nest.run("pkill sleep; echo status $?")
    assert out.startswith("status 0"), "pkill sleep: %r" % out
    out += "\n" + nest.run("")  # the notices come before the prompt after the jobs ended
    out += "\n" + nest.run("wait")
    assert len(re.findall(r"^\[\d\][-+ ]\s*Terminated\s+sleep 100", out, re.M)) == 2, \
        "the shell should report both sleeps terminated:\n" + out
    assert nest.run("pgrep sleep; echo status $?") == "status 1", "pkill left sleeps running"


def test_pkill_sends_the_signal_named_to_the_newest_only(nest):
    pids = job_pids(nest.run("sleep 100 & sleep 100 &"))
    assert len(pids) == 2, "expected two background sleeps, got %r" % pids
    out = run_until(nest, "pgrep -c sleep", "2")[-1]
    assert out == "2", "pgrep -c sleep: %r" % out
    out = nest.run("pkill -KILL -n sleep; echo status $?")
    assert out.startswith("status 0"), "pkill -KILL -n sleep: %r" % out
    outputs = run_until(nest, "pgrep sleep", str(min(pids)))
    out += "\n" + "\n".join(outputs)
    assert outputs[-1] == str(min(pids)), "pkill -n should end only %d:\n%s" % (max(pids), out)
    out += "\n" + nest.run("pkill --signal USR1 -x sleep; echo status $?")
    assert "status 0" in out, "pkill --signal USR1 failed:\n" + out
    out += "\n" + nest.run("wait")
    out += "\n" + nest.run("")
    assert re.search(r"Killed\s+sleep 100", out) and re.search(r"User defined signal 1\s+sleep 100", out), \
        "the shell should report one sleep killed and one ended by USR1:\n" + out
    assert nest.run("pgrep sleep; echo status $?") == "status 1", "USR1 left the sleep running"


def test_pgrep_in_a_pid_namespace_prints_the_namespace_pids(nest):
    # ash is PID 1 of the new namespace; its sleeps are 2 and 3, its other children are gone
    # by the time pgrep -P 1 runs (pgrep never lists itself).
    script = ("sleep 100 & sleep 100 & for i in $(seq 50); do [ $(pgrep -c sleep) = 2 ] && break;"
              " done; pgrep sleep; pgrep -P 1 -d ,; pkill sleep; wait")
    out = nest.run("unshare -p -f ash -c '%s'" % script)
    assert out == "2\n3\n2,3", "inside the namespace pgrep should print 2 3 and 2,3, got %r" % out


@pytest.mark.parametrize("command,expected", [
    ("printf '%s-%d\\n' x 5", r"x-5"),
    ("echo 3 1 2 | tr ' ' '\\n' | sort | tail -n 1", r"3"),
    ("echo a b c | awk '{print $2}'", r"b"),
    ("echo hello | sed s/l/L/g", r"heLLo"),
    ("cd /tmp && touch f && cp f g && mv g h && ls /tmp | grep -c '^[fh]$'", r"2"),
    ("env | grep -c '^PATH='", r"1"),
    ("id", r"uid=0\(root\) gid=0\(root\)"),
    ("date +%Y", r"20\d\d"),
    ("find /bin -name ash", r"/bin/ash"),
    ("echo /etc | xargs ls | grep -c hostname", r"1"),
    ("[ 2 -gt 1 ] && test -d /bin && echo yes", r"yes"),
    ("free | head -n 1 | awk '{print $1}'", r"total"),
    ("uptime | grep -c 'load average'", r"1"),
    ("du -s /etc | awk '{print $2}'", r"/etc"),
    ("ash -c 'for i in 1 2 3; do echo -n $i; done; echo; x=$(echo sub); echo $x'", r"123\nsub"),
])
def test_busybox_applet(nest, command, expected):
    out = nest.run(command)
    assert re.fullmatch(expected, out), "%s: expected %r, got %r" % (command, expected, out)
