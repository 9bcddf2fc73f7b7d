#!/bin/sh
# qemu.sh - boot nest in QEMU with the serial console on this terminal.
#   tools/qemu.sh --iso build/nest.iso [--uefi] [--efi-image IMG] [--memory 512M]
#                 [--accel tcg|kvm] [--smp N] [--gui] [--gdb PORT] [--timeout SECONDS]
#   tools/qemu.sh --kernel build/kernel.elf --initrd A.cpio[,B.cpio] --append CMDLINE ...
# --kernel boots without GRUB: QEMU loads kernel.elf by its Multiboot1 header and the
# modules through fw_cfg (docs/ARCHITECTURE.md, "Boot").
# It first says how to leave QEMU and which keys QEMU keeps. QEMU always runs under a
# timeout (default 4 hours for interactive use). The guest's power-off through the
# isa-debug-exit device (status 33) counts as a clean exit (0).
set -eu
iso="" efi_image="" kernel="" initrd="" append="" memory=512M accel=tcg smp=1 uefi=0 gui=0 gdb="" limit=14400
while [ $# -gt 0 ]; do
    case $1 in
    --iso) iso=$2; shift ;;
    --efi-image) efi_image=$2; uefi=1; shift ;;
    --kernel) kernel=$2; shift ;;
    --initrd) initrd=$2; shift ;;
    --append) append=$2; shift ;;
    --memory) memory=$2; shift ;;
    --accel) accel=$2; shift ;;
    --smp) smp=$2; shift ;;
    --uefi) uefi=1 ;;
    --gui) gui=1 ;;
    --gdb) gdb=$2; shift ;;
    --timeout) limit=$2; shift ;;
    *) echo "qemu.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

# More than one CPU under TCG: multi-threaded TCG, so the guest's CPUs run in parallel.
accel_option=$accel
if [ "$accel" = tcg ] && [ "$smp" -gt 1 ]; then
    accel_option=tcg,thread=multi
fi
set -- -m "$memory" -accel "$accel_option" -smp "$smp" -net none -no-reboot \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04
if [ -n "$kernel" ]; then
    set -- "$@" -kernel "$kernel" -append "$append"
    if [ -n "$initrd" ]; then
        set -- "$@" -initrd "$initrd"
    fi
elif [ -n "$efi_image" ]; then
    set -- "$@" -drive "format=raw,file=$efi_image"
elif [ -n "$iso" ]; then
    set -- "$@" -cdrom "$iso" -boot d
fi
if [ "$uefi" = 1 ]; then
    set -- "$@" -bios /usr/share/ovmf/OVMF.fd
fi
# signal=off: ^C goes to nest (quit QEMU with Ctrl-A x, or poweroff in nest).
set -- "$@" -chardev stdio,id=console,mux=on,signal=off -serial chardev:console \
    -mon chardev=console,mode=readline
if [ "$gui" = 0 ]; then
    set -- "$@" -display none
fi
if [ -n "$gdb" ]; then
    set -- "$@" -S -gdb "tcp::$gdb"
fi
cat <<'END'
nest: starting QEMU; nest's console is this terminal.
  To leave: type poweroff at nest's prompt (reboot leaves too: QEMU runs with -no-reboot),
  or press Ctrl-A, then x.
  QEMU keeps Ctrl-A for itself: Ctrl-A h lists its keys, Ctrl-A c switches to its monitor
  and back, and Ctrl-A Ctrl-A sends one Ctrl-A to nest. Every other key goes to nest.
END
status=0
timeout --foreground "$limit" qemu-system-x86_64 "$@" || status=$?
if [ "$status" -eq 33 ]; then
    exit 0
fi
exit "$status"
