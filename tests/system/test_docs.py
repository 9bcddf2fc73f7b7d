"""The documents, followed literally (issue 14): every transcript in README.md and docs/ that is
marked for testing is typed at a freshly booted nest (and at gdb, driven with pexpect) exactly
as written, and what nest and gdb print must match what the document shows. The commands and
the expected output come from the markdown itself, so a document cannot drift from nest.

Marks are HTML comments, invisible when the markdown is read, just before a fenced block:

  <!-- doc-test: boot [gdb] [CMDLINE] -->  boot a new nest (CMDLINE, default console=ttyS0);
                                           with gdb, QEMU waits for gdb, which attaches
  <!-- doc-test: nest -->      the block is a console transcript: "# CMD" is typed at the
                               shell (a lone "#" is an empty line); the lines after it are
                               what CMD prints before the next prompt
  <!-- doc-test: commands -->  every line of the block is typed; their output is not checked
  <!-- doc-test: keys ^X -->   type control key ^X; the block is what nest prints
  <!-- doc-test: gdb -->       a gdb transcript: "(gdb) CMD" is typed at gdb, the lines after
                               it are its output; "^C" is a Ctrl-C typed at gdb once nest has
                               printed its prompt. A "continue" whose stop needs typing at nest
                               ends its block after "Continuing."; the stop's output opens the
                               next gdb block

Matching: "…" alone on a line stands for any lines, and inside a line for any text. Values
that change with every build or run are compared loosely: addresses (0x and 5 or more hex
digits), 16-digit register values, source line numbers, gdb's $N history numbers, log
timestamps and runs of spaces. Process numbers are compared exactly: each boot types the
same commands in the same order, so nest hands out the same PIDs.

To update a document: DOC_TEST_SHOW=1 python3 -m pytest -s tests/system/test_docs.py prints
what nest and gdb printed for every command instead of comparing."""
import os
import re

import pytest

from nest import ROOT, Nest
from test_gdb import Gdb, free_port

DOCUMENTS = ["README.md", "docs/walkthrough.md", "docs/console.md", "docs/debugging.md"]
MARK = re.compile(r"^<!-- doc-test: (\S+)(?: (.*?))? -->$")
PROMPT = "# "


def marked_blocks(path):
    """(directive, argument, block lines) for each marked fenced block of a markdown file."""
    lines = open(os.path.join(ROOT, path), encoding="utf-8").read().splitlines()
    blocks, pending, i = [], None, 0
    while i < len(lines):
        mark = MARK.match(lines[i])
        if mark and mark.group(1) == "boot":
            blocks.append(("boot", mark.group(2) or "", []))
        elif mark:
            pending = (mark.group(1), mark.group(2) or "")
        elif lines[i].startswith("```") and pending:
            end = i + 1
            while not lines[end].startswith("```"):
                end += 1
            blocks.append(pending + (lines[i + 1:end],))
            pending, i = None, end
        i += 1
    return blocks


def normalize(line):
    line = line.replace("\r", "").rstrip()
    line = re.sub(r"0x[0-9a-f]{5,}", "0x…", line)
    line = re.sub(r"\b[0-9a-f]{16}\b", "…", line)
    line = re.sub(r"(\.[chS]|\.py):\d+", r"\1:…", line)
    line = re.sub(r"\bline \d+", "line …", line)
    line = re.sub(r"^\d+\t", "…\t", line)
    line = re.sub(r"\$\d+ = ", "$… = ", line)
    line = re.sub(r"\[\s*\d+\.\d{6}\]", "[…]", line)
    return re.sub(r"[ \t]+", " ", line)


def line_pattern(expected):
    return re.compile("^" + ".*".join(re.escape(part) for part in expected.split("…")) + "$")


def matches(expected, actual):
    """Do the actual lines match the expected ones ("…" lines: any lines)?"""
    if not expected:
        return not actual
    if expected[0] == "…":
        return any(matches(expected[1:], actual[k:]) for k in range(len(actual) + 1))
    return bool(actual) and line_pattern(expected[0]).match(actual[0]) is not None \
        and matches(expected[1:], actual[1:])


def check(where, expected, actual_text):
    raw = actual_text.replace("\r", "").strip("\n")
    if os.environ.get("DOC_TEST_SHOW"):
        print("---- %s\n%s" % (where, raw))
        return
    expected = [normalize(l) for l in expected]
    while expected and not expected[0]:
        expected.pop(0)
    while expected and not expected[-1]:
        expected.pop()
    actual = [normalize(l) for l in raw.split("\n")] if raw else []
    assert matches(expected, actual), "%s: the document shows\n  %s\nbut nest/gdb printed\n  %s" % (
        where, "\n  ".join(expected), "\n  ".join(actual))


class Session:
    """One booted nest, perhaps with gdb, typed at as a document says."""

    def __init__(self, argument):
        words = argument.split()
        self.gdb = None
        self.stop_pending = False  # gdb continued; the stop is not read yet
        self.owed_prompts = 1      # nest prompts still to come (the first one after boot)
        extra = []
        if words and words[0] == "gdb":
            words.pop(0)
            port = free_port()
            extra = ["-S", "-gdb", "tcp:127.0.0.1:%d" % port]
        # One CPU whatever NEST_SMP says: a transcript is exact, and on several CPUs the order
        # of what races differs (ps | grep can list grep itself, a job's notice can come
        # before the next prompt, gdb says which CPU's thread hit a breakpoint).
        self.nest = Nest(" ".join(words) or "console=ttyS0", extra_args=extra, timeout=500,
                         smp=1)
        if extra:
            self.gdb = Gdb(port)

    def settle(self):
        """Read the prompts owed by commands typed while gdb could stop the machine."""
        while self.owed_prompts:
            self.nest.wait_for_prompt(timeout=90)
            self.owed_prompts -= 1

    def nest_transcript(self, where, block):
        items = []
        for line in block:
            if line == "#" or line.startswith(PROMPT):
                items.append((line[2:], []))
            else:
                assert items, "%s: output before any command: %r" % (where, line)
                items[-1][1].append(line)
        for command, expected in items:
            if self.stop_pending:  # gdb will stop the machine: type, do not wait
                assert not expected, "%s: output shown for '%s', typed while gdb waits" % (
                    where, command)
                self.nest.send(command + "\r")
                self.owed_prompts += 1
                continue
            self.settle()
            check("%s: # %s" % (where, command), expected, self.nest.run(command, timeout=60))

    def commands(self, where, block):
        for command in block:
            self.settle()
            self.nest.run(command, timeout=60)

    def keys(self, where, key, block):
        """Type a control key the kernel answers (^P), then Enter for a fresh prompt: what
        came before that prompt is the key's output."""
        self.settle()
        self.nest.send(chr(ord(key[-1].upper()) - 64))
        check(where + ": " + key, block, self.nest.run("", timeout=60))

    def gdb_transcript(self, where, block):
        assert self.gdb, where + ": a gdb block in a boot without gdb"
        items, output = [], []
        for line in block:
            if line.startswith("(gdb) ") or line == "^C":
                items.append((line, []))
            elif items:
                items[-1][1].append(line)
            else:
                output.append(line)
        if output or self.stop_pending:
            assert self.stop_pending, "%s: output with no command before it: %r" % (where, output)
            check(where + ": the stop", output, self.gdb.wait_stop(timeout=180))
            self.stop_pending = False
        for line, expected in items:
            command = line[len("(gdb) "):] if line != "^C" else None
            if command in ("continue", "c"):
                self.gdb.start(command)
                assert expected and expected[0] == "Continuing.", where + ": continue"
                if len(expected) > 1:
                    check(where + ": " + line, expected[1:], self.gdb.wait_stop(timeout=180))
                else:
                    self.stop_pending = True
            elif command is None:  # ^C, once nest has printed what it owes (the prompt)
                assert self.stop_pending, where + ": ^C while the machine is stopped"
                self.settle()
                self.gdb.interrupt()
                out = self.gdb.wait_stop(timeout=60)
                self.stop_pending = False
                check(where + ": ^C", expected, out.split("\n", 1)[1] if "\n" in out else "")
            else:
                out = self.gdb.command(command, timeout=180)
                out = out.split("\n", 1)[1] if "\n" in out else ""  # gdb's echo of the command
                check(where + ": " + line, expected, out)

    def close(self):
        if self.gdb:
            self.gdb.close()
        self.nest.close()


@pytest.mark.parametrize("document", DOCUMENTS)
def test_document_transcripts_hold_when_typed_as_written(document):
    blocks = marked_blocks(document)
    assert blocks, document + " has no transcript marked for testing"
    session = None
    try:
        for number, (directive, argument, block) in enumerate(blocks):
            where = "%s, marked block %d" % (document, number + 1)
            if directive == "boot":
                if session:
                    session.close()
                session = Session(argument)
            elif directive == "nest":
                session.nest_transcript(where, block)
            elif directive == "commands":
                session.commands(where, block)
            elif directive == "keys":
                session.keys(where, argument, block)
            elif directive == "gdb":
                session.gdb_transcript(where, block)
            else:
                raise AssertionError("%s: unknown doc-test mark '%s'" % (where, directive))
    finally:
        if session:
            session.close()


def test_no_document_points_outside_the_repository():
    """A clone explains itself: every path a document names in backquotes or links to, when it
    looks like a file of the repository (../, docs/, tools/...), exists in it."""
    names = re.compile(r"\]\(([^)#\s]+)\)|`((?:\.\./|docs/|tools/|kernel/|userland/|tests/)[^`\s]*)`")
    problems = []
    for document in ["README.md"] + ["docs/" + f for f in sorted(os.listdir(os.path.join(ROOT, "docs")))
                                     if f.endswith(".md")]:
        text = open(os.path.join(ROOT, document), encoding="utf-8").read()
        for match in names.finditer(text):
            target = match.group(1) or match.group(2)
            if re.match(r"[a-z]+://", target) or any(c in target for c in "*{<"):
                continue
            base = os.path.dirname(document) if match.group(1) else ""
            path = os.path.normpath(os.path.join(ROOT, base, target.rstrip(":,.")))
            if not path.startswith(ROOT + os.sep) or not os.path.exists(path):
                problems.append("%s names %s" % (document, target))
    assert not problems, "documents name files that are not in the repository:\n" + "\n".join(problems)
