"""The shell and the process tools at nest's real console (issue: shell and tools).

One nest boots for the whole module; each test types at its shell."""
import re

import pytest

from nest import Nest


@pytest.fixture(scope="module")
def nest():
    with Nest("console=ttyS0 quiet", memory="512M", timeout=600) as n:
        n.wait_for_prompt(timeout=90)
        yield n


def job_pids(output):
    return [int(p) for p in re.findall(r"^\[\d+\] (\d+)$", output, re.M)]


def test_two_background_sleeps_print_job_lines_and_ps_lists_them(nest):
    out = nest.run("sleep 100 & sleep 100 &")
    pids = job_pids(out)
    assert len(pids) == 2, "expected two '[N] PID' lines, got:\n" + out
    for _ in range(50):  # until both jobs have exec'd sleep (a real check each time)
        ps = nest.run("ps")
        listed = [int(l.split()[0]) for l in ps.splitlines()[1:] if l.split()[-2:] == ["sleep", "100"]]
        if len(listed) == 2:
            break
    assert sorted(listed) == sorted(pids), "ps listed sleeps %s, jobs were %s:\n%s" % (listed, pids, ps)
    grep = nest.run("ps | grep sleep")
    # On several CPUs grep may already run when ps reads /proc, and match its own line.
    grepped = sorted(int(line.split()[0]) for line in grep.splitlines()
                     if not line.endswith("grep sleep"))
    assert grepped == sorted(pids), "ps | grep sleep gave:\n" + grep
    out = nest.run("kill %1")
    out += nest.run("")  # the notice comes before the prompt after the job ended
    assert re.search(r"\[1\]-?\+?\s+Terminated\s+sleep 100", out), "no Terminated notice:\n" + out
    nest.run("kill %2")
    nest.run("wait")


def test_pipeline_of_three_programs(nest):
    out = nest.run("echo one two three | grep t | wc -w")
    assert out.strip() == "3", "got %r" % out


def test_redirection_into_tmp_and_back(nest):
    nest.run("echo hello nest > /tmp/greeting")
    nest.run("echo again >> /tmp/greeting")
    out = nest.run("cat < /tmp/greeting")
    assert out.splitlines() == ["hello nest", "again"], "got %r" % out
    out = nest.run("ls /no/such 2> /tmp/err; cat /tmp/err")
    assert "No such file or directory" in out


def test_ctrl_c_stops_sleep_and_the_shell_survives(nest):
    # Wait until the job runs (the shell has given the tty back to canonical mode and ^C
    # is a signal again) before pressing ^C; echo READY shows that moment.
    nest.send("echo READY; sleep 100\r")
    nest.expect("\nREADY")
    nest.send("\x03")
    nest.wait_for_prompt(timeout=10)
    assert nest.run("echo $?").strip() == "130"


def test_syntax_error_gets_a_one_line_message(nest):
    out = nest.run("echo a | | wc")
    assert "sh: syntax error near '|'" in out, "got %r" % out
    assert nest.run("echo $?").strip() == "2"


def test_command_not_found_exits_127(nest):
    out = nest.run("no-such-command")
    assert "sh: no-such-command: not found" in out
    assert nest.run("echo $?").strip() == "127"


def test_uname_and_ls_work(nest):
    assert nest.run("uname").strip() == "nest"
    listing = nest.run("ls /").split()
    for name in ("bin", "dev", "proc", "sbin", "tmp"):
        assert name in listing, "ls / is missing %s: %s" % (name, listing)


def test_unsupported_constructs_say_so_instead_of_printing_text(nest):
    for line, construct in [("echo `echo hi`", "command substitution"),
                            ('echo "$(echo hi)"', "command substitution"),
                            ("if true; then echo yes; fi", "'if'"),
                            ("for i in 1 2; do echo $i; done", "'for'"),
                            ("while true; do echo y; done", "'while'"),
                            ("case x in x) echo y;; esac", "'case'"),
                            ("(echo hi)", "'('")]:
        out = nest.run(line + "; echo status=$?")
        assert re.match(r"sh: unsupported: %s" % re.escape(construct), out), \
            "%r should be reported as unsupported, got:\n%s" % (line, out)
        assert "yes" not in out and "hi" not in out.split("unsupported")[0]
    assert nest.run("echo status=$?") == "status=2"
    assert nest.run("echo 'if `x` $(y)' done") == "if `x` $(y) done"


def test_unshare_kill_child_kills_the_child_when_unshare_is_killed(nest):
    """unshare --kill-child: the child asks (prctl PR_SET_PDEATHSIG) for SIGKILL when unshare
    dies; it is the namespace's init, so its sleep goes with it."""
    unshare = job_pids(nest.run("unshare -p -f --kill-child sh -c 'sleep 100; true' &"))[0]
    child = None
    for _ in range(50):  # until the namespace's sleep runs (each ps is a real check)
        ps = nest.run("ps -e -o pid,ppid,args")
        rows = [line.split(None, 2) for line in ps.splitlines()[1:] if line.split()[0].isdigit()]
        child = next((int(r[0]) for r in rows if int(r[1]) == unshare), None)
        sleeper = next((int(r[0]) for r in rows if child and int(r[1]) == child), None)
        if sleeper:
            break
    assert child and sleeper, "unshare --kill-child did not start its child and sleep:\n" + ps
    nest.run("kill -9 %d" % unshare)
    for _ in range(50):  # until the kernel has delivered the parent-death signal
        ps = nest.run("ps -e -o pid,args")
        alive = [int(line.split()[0]) for line in ps.splitlines()[1:] if line.split()[0].isdigit()]
        if child not in alive and sleeper not in alive:
            break
    assert child not in alive and sleeper not in alive, \
        "killing unshare (%d) left its child %d or the sleep %d alive:\n%s" % (unshare, child, sleeper, ps)
    nest.run("wait")
