#!/bin/sh
# gdb.sh --iso ISO [--uefi] [--smp N] [--batch FILE] - start nest in QEMU, paused, with a gdb stub on
# a free port, and attach gdb with build/kernel.elf and tools/gdb/nest.gdb, stopped at kmain.
# The guest's serial console goes to build/gdb-console.log (tail -f it in another terminal).
# With --batch FILE, gdb runs the commands in FILE instead of waiting for you.
set -eu
cd "$(dirname "$0")/.."
iso="" uefi="" batch="" smp=1
while [ $# -gt 0 ]; do
    case $1 in
    --iso) iso=$2; shift ;;
    --uefi) uefi="-bios /usr/share/ovmf/OVMF.fd" ;;
    --batch) batch=$2; shift ;;
    --smp) smp=$2; shift ;;
    *) echo "gdb.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
console=build/gdb-console.log
# shellcheck disable=SC2086
timeout 3600 qemu-system-x86_64 -cdrom "$iso" -boot d -m 512M -smp "$smp" -net none -display none \
    -serial "file:$console" -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    $uefi -S -gdb "tcp:127.0.0.1:$port" &
qemu=$!
trap 'kill $qemu 2>/dev/null || true' EXIT INT TERM
echo "nest: QEMU paused with a gdb stub on port $port; console output in $console"
if [ -n "$batch" ]; then
    gdb -q -nx -batch -x tools/gdb/nest.gdb -ex "target remote 127.0.0.1:$port" -x "$batch" build/kernel.elf
else
    gdb -q -nx -x tools/gdb/nest.gdb -ex "target remote 127.0.0.1:$port" \
        -ex "hbreak kmain" -ex "continue" build/kernel.elf
fi
