#!/bin/sh
# mkinitramfs.sh STAGING OUT.cpio PROGRAM... [-- TEST_PROGRAM...]
# Lay out nest's root file system and pack it as a cpio "newc" archive:
# programs in /bin (init also as /sbin/init), ABI test programs in /tests, /etc, and empty
# /tmp, /dev and /proc mount points.
set -eu
staging=$1 out=$2
shift 2
rm -rf "$staging"
mkdir -p "$staging/bin" "$staging/sbin" "$staging/etc" "$staging/tmp" "$staging/dev" \
    "$staging/proc" "$staging/tests" "$staging/root"
chmod 1777 "$staging/tmp"
dest=bin
for f in "$@"; do
    if [ "$f" = "--" ]; then dest=tests; continue; fi
    install -m 755 "$f" "$staging/$dest/$(basename "$f")"
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
