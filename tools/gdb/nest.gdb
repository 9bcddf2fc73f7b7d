# nest.gdb - gdb settings and commands for studying nest (loaded by `make gdb`).
set pagination off
set confirm off
set disassembly-flavor intel
set print pretty on
# QEMU's stub always speaks the 64-bit register set.
set architecture i386:x86-64
python
import os, sys
sys.path.insert(0, os.path.join(os.getcwd(), "tools", "gdb"))
try:
    import nest_gdb  # the kps, kcurrent, kbt, kns, kuser and kcpus commands, $kcurrent(), $kcpu()
except ImportError as error:
    print("nest.gdb: kernel-table commands unavailable:", error)
end
