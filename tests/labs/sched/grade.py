"""Lab sched: stride scheduling weighted by nice (docs/labs/sched.md). On the host, the
policy file is driven through struct sched_policy and every pick is compared with a model
of the algorithm (exact). In nest, busy processes at random nice values share the CPU in
proportion to their weights, read from /proc/PID/stat in guest ticks, within a tolerance."""
import os
import re
import subprocess
import tempfile

from harness import ROOT, Fail, Guest, Infrastructure, graded, rng, tail

NEEDS = ["procfs"]  # labs whose solutions these tests rely on (make labcheck)

STRIDE_ONE = 1 << 24
QUANTUM = 10
WEIGHTS = [88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916,
           9548, 7620, 6100, 4904, 3906, 3121, 2501, 1991, 1586, 1277,
           1024, 820, 655, 526, 423, 335, 272, 215, 172, 137,
           110, 87, 70, 56, 45, 36, 29, 23, 18, 15]


def weight(nice):
    return WEIGHTS[max(-20, min(19, nice)) + 20]


class Model:
    """The stride policy as docs/labs/sched.md specifies it."""

    def __init__(self):
        self.queue = []  # [index, pass] in enqueue order
        self.current = None  # [index, pass] of the last pick
        self.ticks = 0

    def virtual_time(self):
        passes = [p for _, p in self.queue] + ([self.current[1]] if self.current else [])
        return min(passes) if passes else 0

    def enqueue(self, i):
        if any(q[0] == i for q in self.queue):
            return
        start = self.current[1] if self.current and self.current[0] == i else self.virtual_time()
        self.queue.append([i, start])

    def pick(self):
        if not self.queue:
            self.current = None
            return -1
        best = min(range(len(self.queue)), key=lambda k: (self.queue[k][1], k))
        self.current = self.queue.pop(best)
        self.ticks = 0
        return self.current[0]

    def tick(self, i, nice):
        if self.current and self.current[0] == i:
            self.current[1] += STRIDE_ONE // weight(nice)
        self.ticks += 1
        if self.ticks < QUANTUM:
            return False
        self.ticks = 0
        return bool(self.queue)


def check_picks(events):
    """Walk the driver's events, predicting each decision and pick with the model; None, or
    the first place where the policy and the model part."""
    model, nice, running = Model(), {}, None
    initial = True
    for number, line in enumerate(events, 1):
        word = line.split()
        following = events[number] if number < len(events) else ""
        if word[0] == "nice":
            nice[int(word[1])] = int(word[2])
            if initial:
                model.enqueue(int(word[1]))
        elif word[0] == "sleep":
            running = None
        elif word[0] == "wake":
            model.enqueue(int(word[1]))
        elif word[0] == "tick" and running is not None:
            preempt = model.tick(running, nice[running])
            if preempt != following.startswith("pick"):
                return "event %d: the policy %s preempt after this tick; the model %s" % (
                    number, "did" if not preempt else "did not", "does" if preempt else "does not")
            if preempt:
                model.enqueue(running)
        elif word[0] == "pick":
            initial = False
            want = model.pick()
            if int(word[1]) != want:
                return "event %d: the policy picked %s, the model %d" % (number, word[1], want)
            running = want if want >= 0 else None
    return None


@graded(10)
def sched_stride_matches_the_model_on_the_host(log):
    """Random nice values, sleeps, wake-ups and nice changes: every pick as the model's."""
    seed = rng().randrange(1, 1 << 60)
    with tempfile.TemporaryDirectory() as directory:
        binary = os.path.join(directory, "stride_host")
        build = subprocess.run(
            ["gcc", "-std=gnu11", "-O1", "-Wall", "-Wextra", "-Wno-unused-parameter",
             "-DNEST_HOST_TEST", "-I" + os.path.join(ROOT, "kernel", "include"),
             "-I" + os.path.join(ROOT, "tests", "unit"), "-o", binary,
             os.path.join(ROOT, "tests", "labs", "sched", "host", "stride_host.c"),
             os.path.join(ROOT, "kernel", "proc", "sched_stride.c")],
            capture_output=True, text=True)
        with open(log, "w") as out:
            out.write(build.stdout + build.stderr)
        if build.returncode != 0:
            raise Fail("kernel/proc/sched_stride.c does not compile on the host:\n"
                       + tail(build.stderr))
        try:
            run = subprocess.run([binary, str(seed)], capture_output=True, text=True, timeout=60)
        except subprocess.TimeoutExpired:
            raise Fail("the policy did not finish 3000 ticks within 60 s on the host")
        with open(log, "a") as out:
            out.write("seed %d\n%s" % (seed, run.stdout))
        if run.returncode != 0:
            raise Fail("the host driver crashed (status %d)" % run.returncode)
        problem = check_picks(run.stdout.strip().split("\n"))
        if problem:
            raise Fail("seed %d: %s" % (seed, problem))


def shares_test(log, nices, total_ticks):
    # One CPU whatever NEST_SMP says: shares of one CPU are what stride scheduling divides;
    # on several, each process gets a CPU of its own.
    with Guest(log, cmdline="console=ttyS0 sched=stride", smp=1) as guest:
        output = guest.run_ok("/tests/sched_test %d %s" % (total_ticks, " ".join(map(str, nices))),
                              idle=60, total=600)
    got = [int(t) for t in re.findall(r"^nice -?\d+ ticks (\d+)$", output, re.M)]
    if len(got) != len(nices) or sum(got) <= 0:
        raise Fail("sched_test did not report every child:\n" + tail(output))
    expected = [weight(n) / sum(weight(m) for m in nices) for n in nices]
    measured = [t / sum(got) for t in got]
    report = ", ".join("nice %d: %.3f (expected %.3f)" % (n, m, e)
                       for n, m, e in zip(nices, measured, expected))
    # The tolerance holds under load: shares are in guest ticks, each child's own.
    if any(abs(m - e) > 0.05 + 0.1 * e for m, e in zip(measured, expected)):
        raise Fail("CPU shares off: " + report)


@graded(10)
def sched_stride_cpu_shares_of_two(log):
    """Two busy processes, nice values 4 to 8 apart: shares as their weights."""
    r = rng()
    low = r.randrange(-5, 5)
    shares_test(log, [low, low + r.randrange(4, 9)], 300)


@graded(10)
def sched_stride_cpu_shares_of_three(log):
    """Three busy processes at random nice values, each 3 to 5 apart."""
    r = rng()
    first = r.randrange(-5, 3)
    second = first + r.randrange(3, 6)
    shares_test(log, [first, second, second + r.randrange(3, 6)], 400)
