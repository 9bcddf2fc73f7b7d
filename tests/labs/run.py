#!/usr/bin/python3
"""run.py - grade labs: run each test of tests/labs/LAB/grade.py and print

    name: OK (points) [seconds]
    name: FAIL (points) [seconds] reason
    Score: N/M

The console of every boot is kept in BUILD/grade/LAB/NAME.log. The exit status is 0 only on a
full score. A test that could not judge (QEMU did not start) says "infrastructure:" before its
reason. With --boot-check, nest is first booted to its shell once ("boot-check: OK"):
make labcheck uses it to tell a handout that does not boot from one that scores 0.

    tests/labs/run.py --build build cow          grade lab cow
    tests/labs/run.py --build build cow --only cow_isolation
"""
import argparse
import importlib.util
import os
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))


def load(lab):
    path = os.path.join(HERE, lab, "grade.py")
    spec = importlib.util.spec_from_file_location("grade_" + lab, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def grade(lab, build, only, logdir):
    import harness
    del harness.GRADED[:]
    load(lab)
    os.makedirs(logdir, exist_ok=True)
    score = total = 0
    results = []
    for function, points in harness.GRADED:
        name = function.__name__
        if only and name not in only:
            continue
        log = os.path.join(logdir, name + ".log")
        if os.path.exists(log):
            os.unlink(log)
        start = time.monotonic()
        reason = None
        try:
            function(log)
        except harness.Infrastructure as error:
            reason = "infrastructure: %s" % error
        except harness.Fail as error:
            reason = str(error)
        except Exception:  # noqa: BLE001 - a grader's own bug is a failure, with its traceback
            reason = "grader error:\n" + traceback.format_exc()
        seconds = time.monotonic() - start
        total += points
        if reason is None:
            score += points
            print("%s: OK (%d) [%.1fs]" % (name, points, seconds), flush=True)
        else:
            reason = reason.replace("\n", "\n    ")
            print("%s: FAIL (%d) [%.1fs] %s" % (name, points, seconds, reason), flush=True)
        results.append((name, points, reason is None, reason))
    print("Score: %d/%d" % (score, total), flush=True)
    return score, total, results


def boot_check(log):
    """Boot nest to the shell and run one command there."""
    import harness
    os.makedirs(os.path.dirname(log), exist_ok=True)
    try:
        with harness.Guest(log) as guest:
            token = "boot-check-%d" % harness.rng().randrange(1 << 30)
            output = guest.run_ok("echo " + token)
            if token not in output:
                raise harness.Fail("the shell did not echo: %r" % output)
    except (harness.Fail, harness.Infrastructure) as error:
        print("boot-check: FAIL %s" % error, flush=True)
        return False
    print("boot-check: OK", flush=True)
    return True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build")
    parser.add_argument("--only", action="append")
    parser.add_argument("--boot-check", action="store_true")
    parser.add_argument("labs", nargs="+")
    args = parser.parse_args()
    build = os.path.abspath(args.build)
    os.environ["BUILD"] = build
    sys.path.insert(0, HERE)
    full = True
    if args.boot_check:
        full = boot_check(os.path.join(build, "grade", "boot-check.log"))
    for lab in args.labs:
        if not os.path.isfile(os.path.join(HERE, lab, "grade.py")):
            sys.exit("run.py: no lab '%s'" % lab)
        if len(args.labs) > 1:
            print("== lab %s" % lab, flush=True)
        score, total, _ = grade(lab, build, args.only, os.path.join(build, "grade", lab))
        full = full and score == total
    sys.exit(0 if full else 1)


if __name__ == "__main__":
    main()
