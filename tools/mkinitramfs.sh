#!/bin/sh
# mkinitramfs.sh STAGING OUT.cpio PROGRAM...
# mkinitramfs.sh --tests-only STAGING OUT.cpio TEST_PROGRAM...
# Lay out nest's root file system and pack it as a cpio "newc" archive: programs in /bin
# (init also as /sbin/init), /etc, and empty /tmp, /dev and /proc mount points. With
# --tests-only, an archive holding just /tests/PROGRAM...: a second boot module, unpacked
# over the first.
set -eu
tests_only=0
if [ "$1" = "--tests-only" ]; then
    tests_only=1
    shift
fi
staging=$1 out=$2
shift 2
rm -rf "$staging"
if [ "$tests_only" = 1 ]; then
    mkdir -p "$staging/tests"
    for f in "$@"; do
        install -m 755 -s "$f" "$staging/tests/$(basename "$f")"
    done
    outabs=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
    (cd "$staging" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc --owner=0:0 > "$outabs")
    exit 0
fi
mkdir -p "$staging/bin" "$staging/sbin" "$staging/etc" "$staging/tmp" "$staging/dev" \
    "$staging/proc" "$staging/root"
chmod 1777 "$staging/tmp"
for f in "$@"; do
    # Stripped: the boot loader reads every byte at boot; gdb's kuser reads build/ instead.
    install -m 755 -s "$f" "$staging/bin/$(basename "$f")"
done
if [ -f "$staging/bin/init" ]; then
    mv "$staging/bin/init" "$staging/sbin/init"
fi
here=$(dirname "$0")
if [ -d "$here/../userland/etc" ]; then
    cp -r "$here/../userland/etc/." "$staging/etc/"
fi
printf 'nest\n' > "$staging/etc/hostname"
outabs=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
(cd "$staging" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc --owner=0:0 > "$outabs")
