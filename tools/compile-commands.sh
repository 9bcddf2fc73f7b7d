#!/bin/sh
# compile-commands.sh DIR "COMPILER FLAGS" FILE... - a compilation database for clangd.
set -eu
dir=$1 command=$2
shift 2
echo "["
sep=""
for f in "$@"; do
    printf '%s  {"directory": "%s", "file": "%s", "command": "%s -c %s"}' "$sep" "$dir" "$f" "$command" "$f"
    sep=",
"
done
echo
echo "]"
