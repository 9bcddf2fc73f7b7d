#!/usr/bin/python3
"""lab_tool.py - host tests of tools/lab.py, the tool that strips a lab's solution regions:
regions and stubs, other labs left alone, nesting, unknown names and unbalanced markers
refused, and a stub that does not compile reported as such. Prints PASS/FAIL lines."""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import lab  # noqa: E402

KNOWN = ["cow", "sched"]
failures = 0

REFERENCE = """int f(void)
{
    int x = 1;
    /* LAB cow: begin */
    x = 2;
    /* LAB cow: stub
    x = -38; // not implemented
       LAB cow: end */
    /* LAB sched: begin */
    x += 3;
    /* LAB sched: end */
    return x;
}"""


def check(name, condition, detail=""):
    global failures
    if condition:
        print("PASS lab_tool/" + name)
    else:
        failures += 1
        print("FAIL lab_tool/%s: %s" % (name, detail))


def refused(name, text, words):
    """strip_text must refuse TEXT with a message containing every one of WORDS."""
    try:
        lab.strip_text(text, "cow", KNOWN, "f.c")
    except lab.LabError as error:
        message = str(error)
        check(name, all(w in message for w in words),
              "message %r lacks one of %r" % (message, words))
        return
    check(name, False, "accepted")


stripped = lab.strip_text(REFERENCE, "cow", KNOWN, "f.c")
check("region_replaced_by_stub", "x = 2;" not in stripped and "x = -38;" in stripped
      and "lab cow: your code here" in stripped, stripped)
check("other_lab_untouched", "/* LAB sched: begin */\n    x += 3;" in stripped, stripped)
check("outside_regions_unchanged", stripped.startswith("int f(void)\n{\n    int x = 1;\n")
      and stripped.endswith("    return x;\n}"), stripped)
other = lab.strip_text(REFERENCE, "sched", KNOWN, "f.c")
check("region_without_stub_disappears", "x += 3;" not in other and "x = 2;" in other
      and "/* LAB cow: stub" in other, other)
check("reference_is_fixed_point_of_other_labs",
      lab.strip_text(REFERENCE, "none", KNOWN, "f.c") == REFERENCE)

refused("nesting_refused", "/* LAB cow: begin */\n/* LAB sched: begin */\n/* LAB sched: end */\n"
        "/* LAB cow: end */", ["f.c:2", "nest"])
refused("unknown_lab_refused", "/* LAB cwo: begin */\n/* LAB cwo: end */", ["f.c:1", "cwo"])
refused("begin_without_end_refused", "x;\n/* LAB cow: begin */\ny;", ["f.c:2", "never ends"])
refused("end_without_begin_refused", "/* LAB cow: end */", ["f.c:1", "without its begin"])
refused("mismatched_end_refused", "/* LAB cow: begin */\n/* LAB sched: end */",
        ["f.c:2", "sched"])
refused("comment_end_in_stub_refused", "/* LAB cow: begin */\n/* LAB cow: stub\nx; /* y */\n"
        "LAB cow: end */", ["f.c:3", "*/"])
refused("misspelt_marker_refused", "/* LAB cow: begn */", ["f.c:1", "not a lab marker"])

# A stub that does not compile: the handout build names the lab and shows gcc's error.
with tempfile.TemporaryDirectory() as tree:
    with open(os.path.join(tree, "f.c"), "w") as f:
        f.write(lab.strip_text(REFERENCE.replace("x = -38;", "x = -38"), "cow", KNOWN, "f.c"))
    with open(os.path.join(tree, "Makefile"), "w") as f:
        f.write("f.o: f.c\n\tgcc -c -Wall -Werror -o f.o f.c\n")
    result = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "lab.py"), "build",
                             "cow", tree, "f.o"], capture_output=True, text=True)
    check("stub_that_does_not_compile_reported",
          result.returncode == 2 and "lab 'cow' does not build" in result.stderr
          and "f.c" in result.stderr and "error" in result.stderr, result.stderr)

# The real tree: every marker well formed, every lab has a region.
result = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "lab.py"), "check"],
                        capture_output=True, text=True)
check("tree_markers_well_formed", result.returncode == 0, result.stderr)
sys.exit(1 if failures else 0)
