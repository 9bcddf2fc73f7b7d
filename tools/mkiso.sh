#!/bin/sh
# mkiso.sh OUT.iso CMDLINE KERNEL INITRAMFS... - make a hybrid BIOS+UEFI ISO with GRUB.
# The command line is written into grub.cfg; each initramfs becomes one module2 line.
set -eu
out=$1 cmdline=$2 kernel=$3
shift 3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/boot/grub"
cp "$kernel" "$dir/boot/kernel.elf"
modules=""
for m in "$@"; do
    name=$(basename "$m")
    cp "$m" "$dir/boot/$name"
    modules="$modules    module2 /boot/$name $name
"
done
here=$(dirname "$0")
awk -v cmdline="$cmdline" -v modules="$modules" '
    /module2/ { printf "%s", modules; next }
    { gsub(/@CMDLINE@/, cmdline); print }
' "$here/../iso/boot/grub/grub.cfg" > "$dir/boot/grub/grub.cfg"
grub-mkrescue -o "$out" "$dir" >"$dir.log" 2>&1 || { cat "$dir.log" >&2; rm -f "$dir.log"; exit 1; }
rm -f "$dir.log"
