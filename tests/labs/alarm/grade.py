"""Lab alarm: alarm, setitimer and getitimer (ITIMER_REAL) on the kernel's timer queue
(docs/labs/alarm.md). Times are the guest's own (CLOCK_MONOTONIC, getrusage, /proc/uptime)
and are judged in bands; the durations are random for each run."""
import re

from harness import Fail, Guest, abi_compare, graded, rng, tail

NEEDS = ["signals", "procfs"]  # labs whose solutions these tests rely on (make labcheck)


def values(output):
    found = dict((k, int(v)) for k, v in re.findall(r"(\w+)=(-?\d+)", output))
    if not found:
        raise Fail("alarm_test printed no values:\n" + tail(output))
    return found


@graded(10)
def alarm_setitimer_fires_once_on_time(log):
    """ITIMER_REAL for a random 200..900 ms: one SIGALRM interrupts a 3 s sleep, no sooner
    than asked and within 100 ms after (guest time)."""
    ms = rng().randrange(200, 900)
    with Guest(log) as guest:
        v = values(guest.run_ok("/tests/alarm_test once %d" % ms))
    if v.get("caught") != 1 or v.get("interrupted") != 1:
        raise Fail("expected one SIGALRM ending the sleep, got %s" % v)
    if not ms <= v["took_ms"] <= ms + 100:
        raise Fail("SIGALRM after %d ms for a %d ms timer" % (v["took_ms"], ms))


@graded(10)
def alarm_periodic_timer(log):
    """A periodic ITIMER_REAL of a random 40..120 ms: 5 signals, none early (at least 5
    periods), and no more than twice as long (a late delivery may skip a period, as on
    Linux, whose periods keep to the first expiry's grid); getitimer gives the interval."""
    ms = rng().randrange(40, 120)
    with Guest(log) as guest:
        v = values(guest.run_ok("/tests/alarm_test periodic %d 5" % ms))
    if v.get("caught") != 5:
        raise Fail("expected 5 SIGALRMs, got %s" % v)
    if not 5 * ms <= v["took_ms"] <= 10 * ms + 50:
        raise Fail("5 periods of %d ms took %d ms" % (ms, v["took_ms"]))
    if v.get("interval_ms") != ms:
        raise Fail("getitimer gave interval %s ms, expected %d" % (v.get("interval_ms"), ms))


@graded(5)
def alarm_returns_the_time_left(log):
    """alarm(S) for a random S, then alarm(1) returns S, and alarm(0) returns 1."""
    s = rng().randrange(5, 1000)
    with Guest(log) as guest:
        v = values(guest.run_ok("/tests/alarm_test remaining %d" % s))
    if (v.get("first"), v.get("second"), v.get("third")) != (0, s, 1):
        raise Fail("expected first=0 second=%d third=1, got %s" % (s, v))


@graded(5)
def alarm_waits_without_busy_waiting(log):
    """While a process waits for its alarm, the CPU is idle: the process uses under 20% of
    the wait in CPU time, and /proc/uptime's idle time grows by at least 80% of it."""
    ms = rng().randrange(500, 900)
    with Guest(log) as guest:
        v = values(guest.run_ok("/tests/alarm_test once %d" % ms))
    if v.get("caught") != 1:
        raise Fail("no SIGALRM: %s" % v)
    if v["cpu_ms"] > 0.2 * v["took_ms"] or v["idle_ms"] < 0.8 * v["took_ms"]:
        raise Fail("waiting %d ms used %d ms of CPU; the system was idle %d ms"
                   % (v["took_ms"], v["cpu_ms"], v["idle_ms"]))


@graded(10)
def alarm_itimer_abi_as_linux(log):
    """tests/abi/time_itimer_alarm.c: the same results on Linux and on nest."""
    with Guest(log) as guest:
        abi_compare(guest, "time_itimer_alarm")
