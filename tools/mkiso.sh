#!/bin/sh
# mkiso.sh OUT.iso CMDLINE KERNEL INITRAMFS... - make a hybrid BIOS+UEFI ISO with GRUB.
# The command line is written into grub.cfg; each initramfs becomes one module2 line.
set -eu
out=$1 cmdline=$2 kernel=$3
shift 3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/boot/grub"
# Without DWARF: GRUB reads the whole file at every boot (gdb uses build/kernel.elf).
strip --strip-debug -o "$dir/boot/kernel.elf" "$kernel"
modules=""
for m in "$@"; do
    name=$(basename "$m")
    cp "$m" "$dir/boot/$name"
    modules="$modules    module2 /boot/$name $name
"
done
here=$(dirname "$0")
# The command line goes into grub.cfg as it is: GRUB's own quoting applies (write
# -c 'echo hi; ls' to pass one argument with spaces; nest receives it in double quotes).
CMDLINE="$cmdline" MODULES="$modules" awk '
    /module2/ { printf "%s", ENVIRON["MODULES"]; next }
    { i = index($0, "@CMDLINE@")
      if (i) $0 = substr($0, 1, i - 1) ENVIRON["CMDLINE"] substr($0, i + 9)
      print }
' "$here/../iso/boot/grub/grub.cfg" > "$dir/boot/grub/grub.cfg"
grub-mkrescue -o "$out" "$dir" >"$dir.log" 2>&1 || { cat "$dir.log" >&2; rm -f "$dir.log"; exit 1; }
rm -f "$dir.log"
