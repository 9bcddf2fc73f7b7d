"""The toolbox in nest's default image: Debian's busybox-static, its applet links and ash.

One nest boots for the whole module; each test types at nest's shell. The seed's commands run
under busybox's ash and are seen by busybox's applets (pidof, ps, killall), the everyday tools
a student reaches for work, and nest's own teaching programs are still nest's."""
import re

import pytest

from nest import Nest


@pytest.fixture(scope="module")
def nest():
    with Nest("console=ttyS0 quiet", memory="512M", timeout=600) as n:
        n.wait_for_prompt(timeout=90)
        yield n


def test_nest_programs_are_not_replaced_by_busybox_links(nest):
    for program in ("ps", "pstree", "unshare", "nsenter", "kill", "sh", "grep", "cat", "ls"):
        out = nest.run("[ -L /bin/%s ] && echo link || echo own" % program)
        assert out == "own", "/bin/%s should be nest's own program, got %r" % (program, out)
    assert nest.run("readlink /bin/tail") == "busybox"


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
    seen = nest.run("busybox ps | grep -c 'sleep 100'")
    assert seen == "2", "busybox ps should show both sleeps, counted %r" % seen
    nest.run("killall sleep")
    for _ in range(50):
        if nest.run("pidof sleep || echo none") == "none":
            break
    assert nest.run("pidof sleep || echo none") == "none", "killall left sleeps running"


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
