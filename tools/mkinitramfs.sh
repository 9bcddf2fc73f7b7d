#!/bin/sh
# mkinitramfs.sh [--busybox BUSYBOX] STAGING OUT.cpio PROGRAM...
# mkinitramfs.sh --tests-only STAGING OUT.cpio TEST_PROGRAM...
# Lay out nest's root file system and pack it as a cpio "newc" archive: programs in /bin
# (init also as /sbin/init, pgrep also as pkill), /etc, and empty /tmp, /dev and /proc mount points. With
# --busybox, Debian's static busybox goes in too, as /bin/busybox with links for the tools
# nest does not write itself (BUSYBOX_APPLETS); nest's own programs keep their names. With
# --tests-only, an archive holding just /tests/PROGRAM...: a second boot module, unpacked
# over the first.
set -eu
BUSYBOX_APPLETS="ash tail cp mv touch env printf test [ [[ pidof killall top sort date id \
find tee sed awk vi less more xargs du df free uptime basename dirname cut tr uniq expr seq \
stat ln chmod rmdir sync which whoami hostname tac md5sum sha256sum od hexdump diff cmp yes \
timeout watch time nproc realpath readlink mktemp dd gzip gunzip tar pwd"
tests_only=0 busybox=""
if [ "$1" = "--tests-only" ]; then
    tests_only=1
    shift
elif [ "$1" = "--busybox" ]; then
    busybox=$2
    shift 2
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
# One program, two names: it acts as pkill when run under that name.
if [ -f "$staging/bin/pgrep" ]; then
    ln -s pgrep "$staging/bin/pkill"
fi
if [ -n "$busybox" ]; then
    if readelf -l "$busybox" | grep -q 'Requesting program interpreter'; then
        echo "mkinitramfs.sh: $busybox is not static: install busybox-static" >&2
        exit 1
    fi
    install -m 755 "$busybox" "$staging/bin/busybox"
    for applet in $BUSYBOX_APPLETS; do
        [ -e "$staging/bin/$applet" ] || ln -s busybox "$staging/bin/$applet"
    done
fi
here=$(dirname "$0")
if [ -d "$here/../userland/etc" ]; then
    cp -r "$here/../userland/etc/." "$staging/etc/"
fi
printf 'nest\n' > "$staging/etc/hostname"
# Names for the one user and group, for id, ls -l and ps (busybox's and Debian's read them).
[ -e "$staging/etc/passwd" ] || printf 'root:x:0:0:root:/root:/bin/sh\n' > "$staging/etc/passwd"
[ -e "$staging/etc/group" ] || printf 'root:x:0:\n' > "$staging/etc/group"
outabs=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
(cd "$staging" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc --owner=0:0 > "$outabs")
