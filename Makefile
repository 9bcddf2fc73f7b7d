# nest - build, run, debug and test. `make help` lists the targets.
#
# Everything is built into build/. The kernel is linked twice: the second link adds the
# function table used by backtraces (tools/gen-ksyms.sh), placed so that no function moves.

BUILD := build
CC := gcc
LD := ld
MUSL_CC := musl-gcc
PYTHON := /usr/bin/python3
# Debian's busybox-static: the toolbox beside nest's own programs (tools/mkinitramfs.sh)
BUSYBOX := /bin/busybox

CMDLINE ?= console=ttyS0
QEMU_MEMORY ?= 512M
ACCEL ?= tcg
# CPUs QEMU gives nest; with more than one, multi-threaded TCG runs them in parallel on the
# host (README, "Several CPUs").
SMP ?= 2
# The lock checker (kernel/lib/lockcheck.c): 1 builds it in, as make, make run, make test and
# the labs' grading do; make bench builds with 0, since it measures what locks cost without it.
LOCKCHECK ?= 1

# V=1 shows every command; by default one short line per file.
Q := $(if $(V),,@)

KERNEL_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-pic -fno-pie -mcmodel=kernel \
	-mno-red-zone -mno-sse -mno-sse2 -mno-mmx -mno-80387 -mgeneral-regs-only \
	-fno-stack-protector -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer \
	-fno-asynchronous-unwind-tables -fno-strict-aliasing \
	-Wall -Wextra -Werror -Wno-unused-parameter -Ikernel/include -MMD -MP \
	$(if $(filter 1,$(LOCKCHECK)),-DNEST_LOCKCHECK)
KERNEL_ASFLAGS := -g -Ikernel/include -MMD -MP
KERNEL_LDFLAGS := -nostdlib -static -z max-page-size=4096 -z noexecstack -T linker.ld

USER_CFLAGS := -static -std=gnu11 -O2 -g -fno-omit-frame-pointer -Wall -Wextra -Werror

KERNEL_C := $(sort $(shell find kernel -name '*.c'))
KERNEL_S := $(sort $(shell find kernel -name '*.S')) boot/multiboot2.S
KERNEL_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(KERNEL_C)) $(patsubst %.S,$(BUILD)/%.o,$(KERNEL_S))

USER_PROGRAMS := $(basename $(notdir $(wildcard userland/*.c)))
USER_BIN := $(addprefix $(BUILD)/userland/,$(USER_PROGRAMS))
ABI_PROGRAMS := $(basename $(notdir $(wildcard tests/abi/*.c)))
ABI_BIN := $(addprefix $(BUILD)/abi/,$(ABI_PROGRAMS))
NEST_TEST_PROGRAMS := $(basename $(notdir $(wildcard tests/nest/*.c)))
NEST_TEST_BIN := $(addprefix $(BUILD)/nest-tests/,$(NEST_TEST_PROGRAMS))
LAB_TEST_SOURCES := $(wildcard tests/labs/*/*.c)
LAB_TEST_BIN := $(addprefix $(BUILD)/lab-tests/,$(basename $(notdir $(LAB_TEST_SOURCES))))

.PHONY: rootfs all run run-uefi run-efi run-gui gdb gdb-uefi test test-smp unit-test system-test abi-test \
	bench deps clean help iso labs grade handout regrade labcheck
all: $(BUILD)/kernel.elf $(BUILD)/initramfs.cpio $(BUILD)/tests.cpio $(BUILD)/nest.iso \
	$(BUILD)/nest-efi.img \
	compile_commands.json

help:
	@echo "make            build build/kernel.elf, build/initramfs.cpio, build/nest.iso"
	@echo "make run        boot the ISO in QEMU (BIOS), serial console on this terminal"
	@echo "make rootfs     build/debian.cpio from Debian packages (tools/debian-packages.txt)"
	@echo "make run ROOTFS=debian   boot nest into Debian's bash (nest's programs in /nest/bin),"
	@echo "                by QEMU's -kernel (Multiboot1): no GRUB, a 1 s boot"
	@echo "make run-uefi   the same ISO under UEFI firmware (OVMF), through GRUB"
	@echo "make run-efi    boot build/nest-efi.img with nest's own UEFI loader (no GRUB)"
	@echo "make run-gui    like run, with a QEMU window showing nest's screen console"
	@echo "make gdb        QEMU paused with a gdb stub, gdb stopped at kmain"
	@echo "make gdb-uefi   the same under UEFI firmware"
	@echo "make test       unit, ABI and system tests; last line: N passed, N failed"
	@echo "make test-smp   the system tests and the labs' grading on 4 CPUs (same last line)"
	@echo "make unit-test, make abi-test, make system-test: one part of make test"
	@echo "make bench      nest and Linux side by side in the same QEMU (docs/performance.md)"
	@echo "make iso        only build/nest.iso"
	@echo "make labs       the coursework labs (docs/labs/README.md); make grade LAB=x grades one"
	@echo "make handout LAB=x DIR=d / regrade LAB=x STUDENT=d / labcheck: for teachers"
	@echo "make deps       install the Debian packages nest needs"
	@echo "make clean      remove build/"
	@echo "Variables: CMDLINE='console=ttyS0 log_buf_len=1M -- /bin/sh -i' (the kernel command"
	@echo "           line: this one has a 1 MiB kernel log and runs one job-control shell on"
	@echo "           the console, then powers off), QEMU_MEMORY=512M, ACCEL=tcg|kvm, SMP=2, V=1,"
	@echo "           LOCKCHECK=1|0 (the lock checker in the kernel: on, except in make bench)"

deps:
	@tools/install-deps.sh

# The command line baked into nest.iso lives in a file, rewritten only when CMDLINE changes:
# the ISO depends on it, so a new CMDLINE rebuilds the ISO and a plain make goes back to the
# default. The ISO's recipe reads the file, so no quoting in CMDLINE can break the shell.
CMDLINE_FILE := $(BUILD)/cmdline
ifneq ($(file < $(CMDLINE_FILE)),$(CMDLINE))
$(shell mkdir -p $(BUILD))
$(file > $(CMDLINE_FILE),$(CMDLINE))
endif

# LOCKCHECK the same way: every kernel object depends on this file, so a kernel built with
# the other setting is compiled again.
ifneq ($(LOCKCHECK),$(filter 0 1,$(LOCKCHECK)))
$(error LOCKCHECK=$(LOCKCHECK): it is 1 (the lock checker on) or 0 (off))
endif
LOCKCHECK_FILE := $(BUILD)/lockcheck
ifneq ($(file < $(LOCKCHECK_FILE)),$(LOCKCHECK))
$(shell mkdir -p $(BUILD))
$(file > $(LOCKCHECK_FILE),$(LOCKCHECK))
endif

# ---- kernel ----

$(BUILD)/%.o: %.c $(LOCKCHECK_FILE)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(BUILD)/%.o: %.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) $(KERNEL_ASFLAGS) -c $< -o $@

$(BUILD)/ksyms-empty.o: tools/gen-ksyms.sh $(LOCKCHECK_FILE)
	@mkdir -p $(BUILD)
	$(Q)tools/gen-ksyms.sh > $(BUILD)/ksyms-empty.c
	$(Q)$(CC) $(KERNEL_CFLAGS) -c $(BUILD)/ksyms-empty.c -o $@

$(BUILD)/kernel.elf: $(KERNEL_OBJ) $(BUILD)/ksyms-empty.o linker.ld tools/gen-ksyms.sh
	@echo "  LD      $@ (twice: the second time with the symbol table)"
	$(Q)$(LD) $(KERNEL_LDFLAGS) -o $(BUILD)/kernel-pass1.elf $(KERNEL_OBJ) $(BUILD)/ksyms-empty.o
	$(Q)tools/gen-ksyms.sh $(BUILD)/kernel-pass1.elf > $(BUILD)/ksyms.c
	$(Q)$(CC) $(KERNEL_CFLAGS) -c $(BUILD)/ksyms.c -o $(BUILD)/ksyms.o
	$(Q)$(LD) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJ) $(BUILD)/ksyms.o
	@tools/gen-ksyms.sh $@ | cmp -s - $(BUILD)/ksyms.c || \
		{ echo "kernel.elf: functions moved between the two links"; rm -f $@; exit 1; }

-include $(KERNEL_OBJ:.o=.d)

# ---- userland and initramfs ----

$(BUILD)/userland/%: userland/%.c
	@mkdir -p $(dir $@)
	@echo "  MUSL    $<"
	$(Q)$(MUSL_CC) $(USER_CFLAGS) -o $@ $<

# A test whose first line is "// ABI: glibc FLAGS" is a glibc program, built by gcc with FLAGS.
$(BUILD)/abi/%: tests/abi/%.c $(wildcard tests/abi/*.h)
	@mkdir -p $(dir $@)
	$(Q)glibc_flags=$$(sed -n '1s|^// ABI: glibc||p' $<); \
	if head -1 $< | grep -q '^// ABI: glibc'; then \
		echo "  GCC     $<"; \
		$(CC) $$glibc_flags -std=gnu11 -O2 -g -Wall -Wextra -Werror -o $@ $<; \
	else \
		echo "  MUSL    $<"; \
		$(MUSL_CC) $(USER_CFLAGS) -o $@ $<; \
	fi

$(BUILD)/nest-tests/%: tests/nest/%.c
	@mkdir -p $(dir $@)
	@echo "  MUSL    $<"
	$(Q)$(MUSL_CC) $(USER_CFLAGS) -o $@ $<

# The labs' own test programs (tests/labs/LAB/*.c), in /tests beside the others.
define lab_test_rule
$(BUILD)/lab-tests/$(basename $(notdir $(1))): $(1)
	@mkdir -p $$(dir $$@)
	@echo "  MUSL    $$<"
	$$(Q)$$(MUSL_CC) $$(USER_CFLAGS) -o $$@ $$<
endef
$(foreach source,$(LAB_TEST_SOURCES),$(eval $(call lab_test_rule,$(source))))

# The root file system, and the test programs as a second boot module (tests.cpio, /tests):
# test ISOs load both, the everyday ISO only the first, which keeps its boot fast.
$(BUILD)/initramfs.cpio: $(USER_BIN) tools/mkinitramfs.sh $(wildcard userland/etc/*) $(BUSYBOX)
	@echo "  CPIO    $@"
	$(Q)tools/mkinitramfs.sh --busybox $(BUSYBOX) $(BUILD)/initramfs $@ $(USER_BIN)

$(BUILD)/tests.cpio: $(ABI_BIN) $(NEST_TEST_BIN) $(LAB_TEST_BIN) tools/mkinitramfs.sh
	@echo "  CPIO    $@"
	$(Q)tools/mkinitramfs.sh --tests-only $(BUILD)/tests-root $@ $(ABI_BIN) $(NEST_TEST_BIN) \
		$(LAB_TEST_BIN)

# ---- ISO ----

$(BUILD)/nest.iso: $(BUILD)/kernel.elf $(BUILD)/initramfs.cpio iso/boot/grub/grub.cfg tools/mkiso.sh \
		$(CMDLINE_FILE)
	@echo "  ISO     $@"
	$(Q)tools/mkiso.sh $@ "$$(cat $(CMDLINE_FILE))" $(BUILD)/kernel.elf $(BUILD)/initramfs.cpio

iso: $(BUILD)/nest.iso

# ---- the Debian root file system (make rootfs; make run ROOTFS=debian) ----

# Debian's bash, run once by nest's init (/nest/bin/init): leaving it powers off.
DEBIAN_CMDLINE := console=ttyS0 init=/sbin/init -- /bin/bash
ROOTFS ?= nest

rootfs: $(BUILD)/debian.cpio

$(BUILD)/debian.cpio: tools/mkrootfs-debian.py tools/debian-packages.txt $(USER_BIN)
	@echo "  ROOTFS  $@"
	$(Q)$(PYTHON) tools/mkrootfs-debian.py --build $(BUILD) --out $@ $(USER_BIN)

-include boot/efi/Makefile.inc
include tools/bench.mk

compile_commands.json: Makefile $(KERNEL_C)
	@tools/compile-commands.sh "$(CURDIR)" "$(CC) $(KERNEL_CFLAGS)" $(KERNEL_C) > $@

# ---- run and debug ----

# deps comes first and the build after it (a recursive make): as two prerequisites, make -j
# would start building before the packages are installed.
BUILD_ALL = @$(MAKE) --no-print-directory all

# ROOTFS=debian boots without GRUB, by QEMU's -kernel: GRUB under TCG reads the 31 MiB image
# through BIOS disk calls for 6 s or more, QEMU copies it in through fw_cfg at once
# (docs/performance.md, "Boot with the Debian image").
run: deps
	$(BUILD_ALL)
ifeq ($(ROOTFS),debian)
	@$(MAKE) --no-print-directory $(BUILD)/debian.cpio
	tools/qemu.sh --kernel $(BUILD)/kernel.elf --initrd $(BUILD)/debian.cpio \
		--append "$(DEBIAN_CMDLINE)" --memory $(QEMU_MEMORY) --accel $(ACCEL) --smp $(SMP)
else
	tools/qemu.sh --iso $(BUILD)/nest.iso --memory $(QEMU_MEMORY) --accel $(ACCEL) --smp $(SMP)
endif

run-uefi: deps
	$(BUILD_ALL)
	tools/qemu.sh --iso $(BUILD)/nest.iso --memory $(QEMU_MEMORY) --accel $(ACCEL) --smp $(SMP) --uefi

run-efi: deps
	$(BUILD_ALL)
	tools/qemu.sh --efi-image $(BUILD)/nest-efi.img --memory $(QEMU_MEMORY) --accel $(ACCEL) --smp $(SMP)

run-gui: deps
	$(BUILD_ALL)
	tools/qemu.sh --iso $(BUILD)/nest.iso --memory $(QEMU_MEMORY) --accel $(ACCEL) --smp $(SMP) --gui

gdb: deps
	$(BUILD_ALL)
	tools/gdb.sh --iso $(BUILD)/nest.iso --smp $(SMP)

gdb-uefi: deps
	$(BUILD_ALL)
	tools/gdb.sh --iso $(BUILD)/nest.iso --uefi --smp $(SMP)

# ---- tests ----

test: deps
	$(BUILD_ALL)
	@$(MAKE) --no-print-directory $(BUILD)/debian.cpio
	@tools/run-tests.sh

# The system tests and the labs' grading again, nest on 4 CPUs (CI runs it after make test).
test-smp: deps
	$(BUILD_ALL)
	@$(MAKE) --no-print-directory $(BUILD)/debian.cpio
	@tools/run-tests.sh --smp 4

# One part of make test each (their output, not the summary line).
unit-test:
	@tests/unit/run.sh $(BUILD)

abi-test: deps
	$(BUILD_ALL)
	@$(PYTHON) tests/abi/run.py --build $(BUILD)

system-test: deps
	$(BUILD_ALL)
	@$(MAKE) --no-print-directory $(BUILD)/debian.cpio
	@BUILD=$(BUILD) $(PYTHON) -m pytest -q -p no:cacheprovider tests/system

# ---- coursework labs (docs/labs/README.md) ----

GRADE_NEEDS := $(BUILD)/kernel.elf $(BUILD)/initramfs.cpio $(BUILD)/tests.cpio

labs:
	@$(PYTHON) tools/lab.py list

grade: $(GRADE_NEEDS)
	@$(PYTHON) tests/labs/run.py --build $(BUILD) $(if $(ONLY),--only $(ONLY)) \
		$(or $(LAB),$(shell $(PYTHON) tools/lab.py list))

handout:
	@$(PYTHON) tools/lab.py handout "$(LAB)" "$(DIR)"

regrade:
	@$(PYTHON) tools/labcheck.py --regrade "$(LAB)" "$(STUDENT)"

labcheck: $(GRADE_NEEDS)
	@$(PYTHON) tools/labcheck.py $(LAB)

clean:
	rm -rf $(BUILD) compile_commands.json
