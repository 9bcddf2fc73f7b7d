#!/bin/sh
# seed-vm-view.sh - the article's second case: nest as a virtual machine.
# Boots nest in QEMU with two sleeps running inside, then shows side by side what the guest's
# ps sees (its own processes, the two sleeps among them) and what the host's ps sees: one
# QEMU process and no guest sleep at all. Run from the top of the tree after `make`.
set -eu
cd "$(dirname "$0")/.."
log=$(mktemp) guest=$(mktemp) host=$(mktemp) iso=build/seed-vm.iso
trap 'kill "$qemu" 2>/dev/null || true; rm -f "$log" "$guest" "$host"' EXIT INT TERM
# The markers are written GUEST''-PS-... so that ps's own listing of this command (which
# shows the quotes) does not contain them.
tools/mkiso.sh "$iso" "console=ttyS0 quiet init=/sbin/init -- /bin/sh -c \"sleep 100 & sleep 100 & echo GUEST''-PS-BEGIN; ps -e; echo GUEST''-PS-END; sleep 1000\"" \
    build/kernel.elf build/initramfs.cpio
timeout 300 qemu-system-x86_64 -cdrom "$iso" -boot d -m 256M -net none -display none \
    -serial "file:$log" -no-reboot &
qemu=$!
waited=0
until grep -q GUEST-PS-END "$log" 2>/dev/null; do
    waited=$((waited + 1))
    if [ "$waited" -gt 120 ] || ! kill -0 "$qemu" 2>/dev/null; then
        echo "seed-vm-view: nest did not reach its ps within 120 s; console:" >&2
        cat "$log" >&2
        exit 1
    fi
    sleep 1
done
tr -d '\r' < "$log" | sed -n '/GUEST-PS-BEGIN/,/GUEST-PS-END/p' | grep -v GUEST-PS |
    cut -c1-50 > "$guest"
{
    ps -o pid,ppid,stat,args --ppid "$qemu" | cut -c1-60    # QEMU itself, under timeout
    echo "host processes running 'sleep 100': $(pgrep -c -f '^sleep 100$' || true)"
} > "$host"
printf '%-50s | %s\n' "inside the VM (nest's ps -e)" "on the host (ps)"
printf '%-50s-+-%s\n' "--------------------------------------------------" "------------------------------"
paste -d'|' "$guest" "$host" | awk -F'|' '{ printf "%-50s | %s\n", $1, $2 }'
echo
echo "The guest's sleeps are processes of nest's kernel; the host sees one qemu-system-x86_64."
