#!/usr/bin/python3
"""lab.py - carve coursework labs out of the reference kernel (docs/labs/README.md).

A lab's solution is marked in the sources by one-line comments, so the reference still
reads as plain code:

    /* LAB cow: begin */
    ...the reference solution...
    /* LAB cow: stub
    ...what the handout has instead: compiles, and fails politely...
       LAB cow: end */

The stub section is optional (without one the region just disappears) and is a comment in
the reference. `strip` replaces every region of one lab by its stub, preceded by a line
"/* lab cow: your code here */" (or "# lab cow: ..." in files commented with #); the other
labs' regions stay as they are. Regions do not nest, every begin has its end, and a lab's
name must be one of the labs (a directory tests/labs/NAME holding grade.py).

    tools/lab.py list                     the lab names, one per line
    tools/lab.py check                    every marker in the tree is well formed
    tools/lab.py strip LAB SRC DEST       copy the tree SRC to DEST with LAB stripped
    tools/lab.py strip-file LAB FILE      print FILE with LAB stripped (for a quick look)
    tools/lab.py handout LAB DIR          a student's tree: LAB stripped, answers-LAB.md,
                                          a git repository whose first commit is the handout
    tools/lab.py build LAB DIR TARGET...  make TARGETs in the stripped tree DIR; if that
                                          fails, say that LAB's stub does not compile

Errors name the file and line and exit with status 2.
"""
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MARKER = re.compile(r"^(\s*)(/\*|//|#)?\s*LAB\s+(\S+?):\s*(begin|stub|end)\b(.*)$")
# A line that mentions a lab marker but is not one of the three forms: a likely typo.
LOOSE = re.compile(r"\bLAB\s+\S+:")
SOURCE_SUFFIXES = (".c", ".h", ".S", ".py", ".sh", ".mk", "Makefile")
# Not searched for markers: this tool and the grading tests (they quote markers as examples).
NOT_SEARCHED = ("tools/lab.py", "tests/labs/", "tests/unit/lab_tool.py")


class LabError(Exception):
    """A malformed marker; the message names the place."""


def lab_names(root=ROOT):
    """The labs: every tests/labs/NAME/ with a grade.py, in name order."""
    base = os.path.join(root, "tests", "labs")
    if not os.path.isdir(base):
        return []
    return sorted(n for n in os.listdir(base) if os.path.isfile(os.path.join(base, n, "grade.py")))


def strip_text(text, lab, known, where="<text>"):
    """TEXT with LAB's regions replaced by their stubs. Checks every marker for every lab."""
    out = []
    region = None  # (lab, line number) of the open region
    in_stub = False
    stub_lines = []
    for number, line in enumerate(text.split("\n"), 1):
        m = MARKER.match(line)
        if not m:
            if LOOSE.search(line) and "LAB" in line and not in_stub:
                raise LabError("%s:%d: not a lab marker (expected 'LAB name: begin|stub|end'): %s"
                               % (where, number, line.strip()))
            if region is None:
                out.append(line)
            elif in_stub:
                if "*/" in line:
                    raise LabError("%s:%d: the stub of lab '%s' sits in a comment in the "
                                   "reference and cannot contain '*/' (use //)"
                                   % (where, number, region[0]))
                stub_lines.append(line)
            elif region[0] != lab:
                out.append(line)
            continue
        indent, comment, name, kind = m.group(1), m.group(2) or "", m.group(3), m.group(4)
        if name not in known:
            raise LabError("%s:%d: unknown lab '%s' (labs: %s)"
                           % (where, number, name, ", ".join(known) or "none"))
        if kind == "begin":
            if region is not None:
                raise LabError("%s:%d: lab '%s' begins inside lab '%s' (opened at line %d): "
                               "regions do not nest" % (where, number, name, region[0], region[1]))
            region, in_stub, stub_lines = (name, number), False, []
            if name != lab:
                out.append(line)
            else:
                leader = "#" if comment == "#" else "/*"
                trailer = "" if comment == "#" else " */"
                out.append("%s%s lab %s: your code here%s" % (indent, leader, name, trailer))
            continue
        if region is None or region[0] != name:
            raise LabError("%s:%d: '%s' of lab '%s' without its begin"
                           % (where, number, kind, name))
        if kind == "stub":
            if in_stub:
                raise LabError("%s:%d: a second stub in lab '%s'" % (where, number, name))
            in_stub = True
            if name != lab:
                out.append(line)
            continue
        # end
        if name == lab:
            out.extend(stub_lines)
        else:
            out.extend(stub_lines)
            out.append(line)
        region, in_stub, stub_lines = None, False, []
    if region is not None:
        raise LabError("%s:%d: lab '%s' begins here and never ends" % (where, region[1], region[0]))
    return "\n".join(out)


def is_source(path):
    return path.endswith(SOURCE_SUFFIXES)


def tree_files(root):
    """The files of the tree: git's list when it is a repository, else a walk without build/."""
    try:
        listed = subprocess.run(["git", "-C", root, "ls-files", "-z", "--cached", "--others",
                                 "--exclude-standard"], capture_output=True, check=True).stdout
        files = [f for f in listed.decode().split("\0") if f]
        return sorted(f for f in files if os.path.isfile(os.path.join(root, f)))
    except (OSError, subprocess.CalledProcessError):
        files = []
        for directory, subdirs, names in os.walk(root):
            rel = os.path.relpath(directory, root)
            subdirs[:] = [d for d in subdirs if not (rel == "." and d in ("build", ".git"))]
            files += [os.path.normpath(os.path.join(rel, n)) for n in names]
        return sorted(files)


def process_tree(root, lab, known, dest=None):
    """Check every source file of ROOT; with DEST, write the stripped tree there. Returns the
    files that had regions of LAB."""
    touched = []
    for rel in tree_files(root):
        src = os.path.join(root, rel)
        target = os.path.join(dest, rel) if dest else None
        if target:
            os.makedirs(os.path.dirname(target), exist_ok=True)
        if is_source(rel) and not rel.startswith(NOT_SEARCHED):
            with open(src, encoding="utf-8", errors="surrogateescape") as f:
                text = f.read()
            stripped = strip_text(text, lab, known, rel)
            if stripped != text:
                touched.append(rel)
            if target and stripped == text:
                shutil.copy2(src, target)  # its time too, so a copied build stays valid
            elif target:
                with open(target, "w", encoding="utf-8", errors="surrogateescape") as f:
                    f.write(stripped)
                shutil.copymode(src, target)
        elif target:
            shutil.copy2(src, target)
    return touched


def questions(lab, root=ROOT):
    """The '## Questions' section of docs/labs/LAB.md, as an answers file to fill in."""
    with open(os.path.join(root, "docs", "labs", lab + ".md"), encoding="utf-8") as f:
        text = f.read()
    found = re.search(r"^## Questions\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    if not found:
        raise LabError("docs/labs/%s.md has no '## Questions' section" % lab)
    out = ["# Lab %s: answers" % lab, "",
           "Answer each question below its text. This file is graded by your teacher.", ""]
    lines = found.group(1).strip().split("\n")
    for i, line in enumerate(lines):
        out.append(line)
        last_of_question = i + 1 == len(lines) or re.match(r"^\d+\.", lines[i + 1])
        if last_of_question:
            out += ["", "   Answer:", ""]
    return "\n".join(out) + "\n"


def make_handout(lab, dest, known):
    """Write the student's tree for LAB into DEST (which must not exist or be empty)."""
    if lab not in known:
        raise LabError("unknown lab '%s' (labs: %s)" % (lab, ", ".join(known)))
    if not dest:
        raise LabError("say where: make handout LAB=%s DIR=directory" % lab)
    if os.path.exists(dest) and os.listdir(dest):
        raise LabError("%s exists and is not empty" % dest)
    os.makedirs(dest, exist_ok=True)
    if not process_tree(ROOT, lab, known, dest):
        raise LabError("lab '%s' has no region in the sources" % lab)
    with open(os.path.join(dest, "answers-%s.md" % lab), "w", encoding="utf-8") as f:
        f.write(questions(lab))
    git = ["git", "-C", dest, "-c", "user.name=nest", "-c", "user.email=nest@localhost"]
    subprocess.run(git[:3] + ["init", "-q"], check=True)
    subprocess.run(git + ["add", "-A"], check=True)
    subprocess.run(git + ["commit", "-q", "-m", "Handout: lab %s (docs/labs/%s.md)" % (lab, lab)],
                   check=True)
    print("handout of lab %s in %s: read docs/labs/%s.md, answer in answers-%s.md"
          % (lab, dest, lab, lab))


def build_handout(lab, directory, targets):
    """Build TARGETS in the handout DIRECTORY; a failure is the stub's, reported with the
    compiler's own messages."""
    result = subprocess.run(["make", "-s", "-C", directory, "-j2"] + targets,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        output = result.stdout.decode("utf-8", "replace").strip().split("\n")
        raise LabError("the handout of lab '%s' does not build (its stub must compile):\n    %s"
                       % (lab, "\n    ".join(output[-30:])))


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    command, args = argv[1], argv[2:]
    known = lab_names()
    try:
        if command == "list" and not args:
            print("\n".join(known))
        elif command == "check" and not args:
            for lab in known:
                if not process_tree(ROOT, lab, known):
                    raise LabError("lab '%s' has no region in the sources" % lab)
        elif command == "strip" and len(args) == 3:
            lab, src, dest = args
            if lab not in known:
                raise LabError("unknown lab '%s' (labs: %s)" % (lab, ", ".join(known)))
            if not process_tree(src, lab, known, dest):
                raise LabError("lab '%s' has no region in %s" % (lab, src))
        elif command == "strip-file" and len(args) == 2:
            lab, path = args
            if lab not in known:
                raise LabError("unknown lab '%s' (labs: %s)" % (lab, ", ".join(known)))
            with open(path, encoding="utf-8") as f:
                sys.stdout.write(strip_text(f.read(), lab, known, path))
        elif command == "handout" and len(args) == 2:
            make_handout(args[0], args[1], known)
        elif command == "build" and len(args) >= 3:
            build_handout(args[0], args[1], args[2:])
        else:
            sys.exit(__doc__)
    except LabError as error:
        print("lab.py: " + str(error), file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main(sys.argv)
