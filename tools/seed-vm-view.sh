#!/bin/sh
# seed-vm-view.sh - the article's second case: nest as a virtual machine.
# Boots nest in QEMU with two sleeps running inside, then shows side by side what the guest's
# ps sees (its own processes, the two sleeps among them) and what the host's ps sees: one
# QEMU process and no guest sleep at all. Run from the top of the tree after `make`.
# NEST_SMP=N boots nest with N CPUs (default 1), as the tests do: still one QEMU process on
# the host, whose threads (NLWP) run the virtual CPUs.
set -eu
cd "$(dirname "$0")/.."
log=$(mktemp) guest=$(mktemp) host=$(mktemp) files=$(mktemp -d) iso=build/seed-vm.iso
trap 'kill "$qemu" 2>/dev/null || true; rm -rf "$log" "$guest" "$host" "$files"' EXIT INT TERM
cpus=${NEST_SMP:-1}
accel=tcg
[ "$cpus" -gt 1 ] && accel=tcg,thread=multi  # each virtual CPU in a host thread of its own
# The guest's ps waits until both sleeps have exec'd: until then a job is still a copy of the
# shell, and on several CPUs ps may well run first. nest's sh has no loops, so the waiting is
# a script (in an extra boot module) that runs itself again until pgrep counts two sleeps.
mkdir "$files/seed-vm"
printf '%s\n' "pgrep -c -x sleep | grep -q '^2\$' && exit 0" "sleep 0.01" \
    "exec sh /seed-vm/ready" > "$files/seed-vm/ready"
(cd "$files" && printf 'seed-vm\nseed-vm/ready\n' | cpio -o -H newc --quiet > seed-vm.cpio)
# The markers are written GUEST''-PS-... so that ps's own listing of this command (which
# shows the quotes) does not contain them.
tools/mkiso.sh "$iso" "console=ttyS0 quiet init=/sbin/init -- /bin/sh -c \"sleep 100 & sleep 100 & sh /seed-vm/ready; echo GUEST''-PS-BEGIN; ps -e; echo GUEST''-PS-END; sleep 1000\"" \
    build/kernel.elf build/initramfs.cpio "$files/seed-vm.cpio"
timeout 300 qemu-system-x86_64 -smp "$cpus" -accel "$accel" -cdrom "$iso" -boot d -m 256M \
    -net none -display none -serial "file:$log" -no-reboot &
qemu=$!  # timeout's PID; QEMU is its child
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
# The host's view: QEMU itself (under timeout), the processes QEMU has started (the guest's
# would be among them if they were the host's), and every host process running 'sleep 100'
# (anything else on the host may have some: none is QEMU's).
qemu_pid=$(pgrep -P "$qemu") || { echo "seed-vm-view: QEMU is not running" >&2; exit 1; }
{
    ps -o pid,ppid,stat,nlwp,args -p "$qemu_pid" | cut -c1-60
    echo "processes QEMU started on the host: $(pgrep -c -P "$qemu_pid" || true)"
    echo "host processes running 'sleep 100': $(pgrep -c -f '^sleep 100$' || true)"
} > "$host"
printf '%-50s | %s\n' "inside the VM (nest's ps -e)" "on the host (ps)"
printf '%-50s-+-%s\n' "--------------------------------------------------" "------------------------------"
paste -d'|' "$guest" "$host" | awk -F'|' '{ printf "%-50s | %s\n", $1, $2 }'
echo
echo "The guest's sleeps are processes of nest's kernel; the host sees one qemu-system-x86_64."
