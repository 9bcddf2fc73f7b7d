# bench.mk - `make bench`, included from the Makefile: run userland/bench on nest and on
# Debian's Linux kernel under the same QEMU (TCG) and print both with their ratio.
# tools/bench.py does the booting and fetches the Linux kernel into $(BUILD)/linux/;
# results go to $(BUILD)/bench.json, console logs to $(BUILD)/bench/. See docs/performance.md.
# The packages (deps) are installed before anything is built: a recursive make, as in Makefile.
# The kernel it measures is built without the lock checker (LOCKCHECK=0): the single-CPU rows
# compare with what locks cost in a kernel that does not check them. The next make rebuilds
# the kernel with the checker.

BENCH_MEMORY ?= 1G

.PHONY: bench
bench: deps
	@$(MAKE) --no-print-directory LOCKCHECK=0 $(BUILD)/kernel.elf $(BUILD)/initramfs.cpio \
		$(BUILD)/userland/bench $(BUILD)/debian.cpio
	$(Q)$(PYTHON) tools/bench.py --build $(BUILD) --memory $(BENCH_MEMORY)
