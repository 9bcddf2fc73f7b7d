#!/bin/sh
# run-tests.sh - nest's test suites. Prints one line per test and, last, "N passed, N failed";
# exits non-zero if anything failed.
#   tools/run-tests.sh           make test: host unit tests, the ABI tests (Linux vs nest) on one
#                                CPU and again on 4, and the system tests (nest booted in QEMU,
#                                each test with its own CPU count, one unless it says)
#   tools/run-tests.sh --smp N   make test-smp: the system tests and the labs' grading (their
#                                reference solutions, full marks expected) with N CPUs each
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-/usr/bin/python3}
SMP=
if [ "${1:-}" = --smp ]; then
    SMP=${2:?usage: tools/run-tests.sh [--smp N]}
fi
results=$BUILD/test-results${SMP:+-smp$SMP}
rm -rf "$results"
mkdir -p "$results"
counted=        # logs whose PASS and FAIL lines count
started=$(date +%s)

# "== TITLE", after the previous suite's time (host seconds: for keeping make test short).
suite() {
    now=$(date +%s)
    [ -n "${title:-}" ] && echo "   ($title: $((now - started)) s)"
    started=$now title=$1
    echo "== $1"
}

system_tests() {
    $PYTHON -m pytest -q -p no:cacheprovider -o junit_family=xunit2 \
        --junitxml="$results/system.xml" tests/system 2>&1 | tee "$results/system.log"
    $PYTHON tests/junit-count.py "$results/system.xml" > "$results/system.count"
}

if [ -z "$SMP" ]; then
    suite "unit tests (host)"
    tests/unit/run.sh "$BUILD" | tee "$results/unit.log"

    suite "ABI tests (the same binaries on Linux and on nest), nest on 1 CPU"
    NEST_SMP=1 $PYTHON tests/abi/run.py --build "$BUILD" | tee "$results/abi.log"

    suite "ABI tests, nest on 4 CPUs"
    NEST_SMP=4 $PYTHON tests/abi/run.py --build "$BUILD" | tee "$results/abi-smp4.log"
    counted="$results/unit.log $results/abi.log $results/abi-smp4.log"

    suite "system tests (QEMU)"
    system_tests
else
    export NEST_SMP=$SMP
    suite "system tests (QEMU), nest on $SMP CPUs unless a test says"
    system_tests

    suite "the labs' grading (reference solutions), nest on $SMP CPUs unless a test says"
    $PYTHON tests/labs/run.py --build "$BUILD" $($PYTHON tools/lab.py list) \
        > "$results/labs.out" 2>&1
    graded=$?
    # One PASS or FAIL line per graded test, named by its lab, as the other suites print them.
    awk '/^== lab /      { lab = $3 }
         /: OK \(/       { sub(/:.*/, ""); print "PASS lab/" lab "/" $0; next }
         /: FAIL \(/     { print "FAIL lab/" lab "/" $0; next }
         /^Score: /      { print "   " lab " " $0 }' "$results/labs.out" | tee "$results/labs.log"
    if [ "$graded" -ne 0 ] && ! grep -q '^FAIL ' "$results/labs.log"; then
        echo "FAIL labs: tests/labs/run.py exited with $graded ($results/labs.out)" |
            tee -a "$results/labs.log"
    fi
    counted="$results/labs.log"
fi

suite "summary"
passed=0 failed=0
for log in $counted; do
    p=$(grep -c '^PASS ' "$log" || true)
    f=$(grep -c '^FAIL ' "$log" || true)
    passed=$((passed + p))
    failed=$((failed + f))
done
read sp sf < "$results/system.count"
passed=$((passed + sp))
failed=$((failed + sf))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
