#!/bin/sh
# run-tests.sh - nest's whole test suite: host unit tests, ABI tests (Linux vs nest) and
# system tests (nest booted in QEMU, driven at its console). Prints one line per test and,
# last, "N passed, N failed". Exits non-zero if anything failed.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-/usr/bin/python3}
results=$BUILD/test-results
rm -rf "$results"
mkdir -p "$results"

echo "== unit tests (host)"
tests/unit/run.sh "$BUILD" | tee "$results/unit.log"

echo "== ABI tests (the same binaries on Linux and on nest)"
$PYTHON tests/abi/run.py --build "$BUILD" | tee "$results/abi.log"

echo "== system tests (QEMU)"
$PYTHON -m pytest -q -p no:cacheprovider -o junit_family=xunit2 --junitxml="$results/system.xml" \
    tests/system 2>&1 | tee "$results/system.log"
$PYTHON tests/junit-count.py "$results/system.xml" > "$results/system.count"

passed=0 failed=0
for log in "$results/unit.log" "$results/abi.log"; do
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
