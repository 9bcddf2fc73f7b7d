#!/bin/sh
# run.sh BUILD - compile each tests/unit/test_*.c for the host with the kernel sources its
# first line names ("// SOURCES: ..."), run it, and pass its PASS/FAIL lines through; then
# lab_tool.py, the tests of tools/lab.py (the labs' stripping tool).
# A test that does not compile or crashes counts as one FAIL.
set -u
build=${1:-build}/unit
mkdir -p "$build"
CFLAGS="-std=gnu11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter -Ikernel/include -Itests/unit -DNEST_HOST_TEST"
for test in tests/unit/test_*.c; do
    name=$(basename "$test" .c)
    sources=$(sed -n '1s|^// SOURCES:||p' "$test")
    if ! gcc $CFLAGS -o "$build/$name" "$test" $sources > "$build/$name.log" 2>&1; then
        echo "FAIL $name (does not compile)"
        sed 's/^/    /' "$build/$name.log"
        continue
    fi
    timeout 60 "$build/$name"
    status=$?
    if [ "$status" -gt 1 ]; then # 1 only says some check failed: its FAIL line is printed
        echo "FAIL $name (crashed or timed out: status $status)"
    fi
done
/usr/bin/python3 tests/unit/lab_tool.py
