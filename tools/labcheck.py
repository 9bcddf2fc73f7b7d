#!/usr/bin/python3
"""labcheck.py - prove that every lab works as a lab (make labcheck), and regrade a student's
tree with the reference's tests (make regrade).

First every lab's reference is graded (each must score full marks). Then for each lab: the
handout (only that lab stripped) builds, boots to the shell and scores 0 - every test with
points fails on the stub, and one that passes is named; and another lab, graded in that
handout, still scores full marks (the quickest of those whose tests do not rely on the
stripped lab: NEEDS = ["lab", ...] in a grade.py says which do). The handout is built in build/labcheck/LAB/ from a copy of the reference's build, so only the
stripped files are compiled again.

    tools/labcheck.py [LAB...]                  check these labs (default: all)
    tools/labcheck.py --regrade LAB STUDENT     grade STUDENT's tree for LAB
Exit status 0 when every check holds.
"""
import os
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYTHON = "/usr/bin/python3"
TARGETS = ["build/kernel.elf", "build/initramfs.cpio", "build/tests.cpio"]
RESULT_RE = re.compile(r"^(\w+): (OK|FAIL) \((\d+)\)")
SCORE_RE = re.compile(r"^Score: (\d+)/(\d+)$", re.M)
# Copied from the reference's build: not the outputs of earlier checks and grades.
NOT_COPIED = ("grade", "labcheck", "regrade", "test-iso", "test-results", "unit", "bench")

sys.path.insert(0, os.path.join(ROOT, "tools"))
import lab as labtool  # noqa: E402


def grade(tree, lab, extra=()):
    """Grade LAB in TREE; return (score, total, {test: (passed, points)}, output, seconds)."""
    start = time.monotonic()
    result = subprocess.run([PYTHON, os.path.join(tree, "tests", "labs", "run.py"), "--build",
                             os.path.join(tree, "build"), lab] + list(extra),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=tree)
    output = result.stdout.decode("utf-8", "replace")
    tests = {}
    for line in output.split("\n"):
        m = RESULT_RE.match(line)
        if m:
            tests[m.group(1)] = (m.group(2) == "OK", int(m.group(3)))
    score = SCORE_RE.search(output)
    if not score:
        return 0, -1, tests, output, time.monotonic() - start
    return int(score.group(1)), int(score.group(2)), tests, output, time.monotonic() - start


def needs(lab):
    """The labs whose solutions LAB's tests rely on: NEEDS = [...] in its grade.py."""
    with open(os.path.join(ROOT, "tests", "labs", lab, "grade.py"), encoding="utf-8") as f:
        found = re.search(r"^NEEDS = \[(.*?)\]", f.read(), re.M)
    return re.findall(r'"(\w+)"', found.group(1)) if found else []


def indent(text):
    return "    " + text.strip("\n").replace("\n", "\n    ")


def copy_build(tree):
    """The reference's build outputs into TREE/build, times kept: make redoes only what the
    stripped sources change."""
    source = os.path.join(ROOT, "build")
    target = os.path.join(tree, "build")
    os.makedirs(target, exist_ok=True)
    for name in os.listdir(source):
        if name in NOT_COPIED:
            continue
        subprocess.run(["cp", "-a", os.path.join(source, name), target], check=True)


def check_reference(lab, seconds_of):
    """The reference's grade of LAB; a list of problems. Records its time in SECONDS_OF."""
    score, total, _, output, seconds = grade(ROOT, lab)
    seconds_of[lab] = seconds
    print("labcheck %s: reference %d/%d [%.0fs]" % (lab, score, total, seconds), flush=True)
    if total <= 0 or score != total:
        return ["the reference does not score full marks:\n" + indent(output)]
    return []


def check_handout(lab, labs, seconds_of):
    """The handout of LAB: builds, boots, scores 0, and the quickest other lab that does not
    rely on LAB still scores full marks there. A list of problems."""
    problems = []
    tree = os.path.join(ROOT, "build", "labcheck", lab)
    shutil.rmtree(tree, ignore_errors=True)
    start = time.monotonic()
    try:
        labtool.process_tree(ROOT, lab, labtool.lab_names(), tree)
        copy_build(tree)
        labtool.build_handout(lab, tree, TARGETS)
    except labtool.LabError as error:
        problems.append(str(error))
        return problems
    print("labcheck %s: handout builds [%.0fs]" % (lab, time.monotonic() - start), flush=True)
    score, total, tests, output, seconds = grade(tree, lab, ["--boot-check"])
    if "boot-check: OK" not in output:
        problems.append("the handout does not boot to the shell:\n" + indent(output))
        return problems
    passing = ["%s (%d points)" % (name, points) for name, (passed, points) in tests.items()
               if passed and points > 0]
    print("labcheck %s: handout boots; stub %d/%d [%.0fs]" % (lab, score, total, seconds),
          flush=True)
    if passing:
        problems.append("on the stub these tests pass: " + ", ".join(passing))
    if total <= 0:
        problems.append("grading the stub did not finish:\n" + indent(output))
    others = [name for name in labs if name != lab and lab not in needs(name)]
    if others:
        other = min(others, key=lambda name: seconds_of.get(name, float("inf")))
        score, total, _, output, seconds = grade(tree, other)
        print("labcheck %s: lab %s in the handout %d/%d [%.0fs]"
              % (lab, other, score, total, seconds), flush=True)
        if total <= 0 or score != total:
            problems.append("lab %s is not full in the handout of %s:\n%s"
                            % (other, lab, indent(output)))
    return problems


def regrade(lab, student):
    """Copy STUDENT's tree, put the reference's tests and grading files over it, grade."""
    if lab not in labtool.lab_names():
        sys.exit("labcheck.py: unknown lab '%s'" % lab)
    if not student or not os.path.isdir(student):
        sys.exit("labcheck.py: make regrade LAB=%s STUDENT=directory" % lab)
    tree = os.path.join(ROOT, "build", "regrade", lab)
    shutil.rmtree(tree, ignore_errors=True)
    shutil.copytree(student, tree, symlinks=True,
                    ignore=lambda d, names: [n for n in names if n in (".git", "build")]
                    if os.path.samefile(d, student) else [])
    shutil.rmtree(os.path.join(tree, "tests"), ignore_errors=True)
    shutil.copytree(os.path.join(ROOT, "tests"), os.path.join(tree, "tests"))
    for name in ("Makefile", "tools/mkiso.sh", "tools/mkinitramfs.sh", "tools/lab.py",
                 "iso/boot/grub/grub.cfg"):
        shutil.copy2(os.path.join(ROOT, name), os.path.join(tree, name))
    try:
        labtool.build_handout(lab, tree, TARGETS)
    except labtool.LabError as error:
        print("labcheck.py: " + str(error).replace("handout", "student's tree"))
        print("Score: 0/?")
        sys.exit(1)
    result = subprocess.run([PYTHON, os.path.join(tree, "tests", "labs", "run.py"), "--build",
                             os.path.join(tree, "build"), lab], cwd=tree)
    print("(regraded in %s; console logs in %s)" % (tree, os.path.join(tree, "build", "grade", lab)))
    sys.exit(result.returncode)


def main(argv):
    if argv[:1] == ["--regrade"]:
        if len(argv) != 3:
            sys.exit(__doc__)
        regrade(argv[1], argv[2])
    labs = labtool.lab_names()
    chosen = argv or labs
    unknown = [name for name in chosen if name not in labs]
    if unknown:
        sys.exit("labcheck.py: unknown lab " + ", ".join(unknown))
    start = time.monotonic()
    failed = []
    seconds_of = {}
    problems_of = {lab: check_reference(lab, seconds_of) for lab in chosen}
    for lab in chosen:
        problems = problems_of[lab] or check_handout(lab, labs, seconds_of)
        for problem in problems:
            print("labcheck %s: FAIL: %s" % (lab, problem), flush=True)
        if problems:
            failed.append(lab)
    print("labcheck: %d labs, %d failed [%.0fs]" % (len(chosen), len(failed),
                                                   time.monotonic() - start))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main(sys.argv[1:])
