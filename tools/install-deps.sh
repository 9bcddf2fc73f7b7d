#!/bin/sh
# install-deps.sh - make sure the Debian packages nest needs are installed.
# As root (or with sudo) it installs what is missing with apt-get; otherwise it prints
# the exact command to run and fails.
set -eu
packages="gcc make binutils gdb grub-common grub-pc-bin grub-efi-amd64-bin xorriso mtools \
qemu-system-x86 ovmf gnu-efi cpio musl-tools python3 python3-pytest python3-pexpect util-linux procps busybox-static"

missing=""
for p in $packages; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

echo "nest needs these Debian packages:$missing"
if [ "$(id -u)" -eq 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo"
else
    echo "Install them with:"
    echo "  sudo apt-get update && sudo apt-get install -y$missing"
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq $missing >/dev/null
echo "installed:$missing"
