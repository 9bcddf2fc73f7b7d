/* multiboot2.S - the first instructions nest runs.
 *
 * GRUB loads kernel.elf, finds the Multiboot2 header below and jumps to _start32 in 32-bit
 * protected mode with paging off. QEMU's direct kernel boot (-kernel) reads the Multiboot1
 * header instead and jumps to the same _start32 in the same state. We switch on long mode
 * with static page tables, move to the higher half and call boot_entry() in C. nest's own
 * UEFI loader enters at efi_entry64 instead (the ELF entry point), already in long mode.
 * All end up at enter_kernel.
 */
#include "layout.h"

    .cfi_sections .debug_frame          /* CFI for gdb: bt stops cleanly at enter_kernel */

#define MB2_MAGIC 0xe85250d6
#define MB2_ARCH_I386 0
#define PTE_PRESENT_WRITE 0x3
#define PDE_LARGE_PAGE 0x83 /* present, writable, 2 MiB page */
#define V2P(x) ((x) - KERNEL_VMA)

/* ---- The Multiboot2 header: GRUB searches the first 32 KiB of the file for it. ---- */
    .section .multiboot, "a"
    .balign 8
mb2_header:
    .long MB2_MAGIC
    .long MB2_ARCH_I386
    .long mb2_header_end - mb2_header
    .long 0x100000000 - (MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
    /* Entry address tag: start at _start32 (physical), not at the ELF entry point. */
    .balign 8
    .word 3, 0
    .long 12
    .long V2P(_start32)
    /* Framebuffer tag, optional (flag 1): any size, 32 bits per pixel preferred. */
    .balign 8
    .word 5, 1
    .long 20
    .long 0, 0, 32
    /* Module alignment tag: load modules on page boundaries. */
    .balign 8
    .word 6, 0
    .long 8
    /* End tag. */
    .balign 8
    .word 0, 0
    .long 8
mb2_header_end:

/* ---- The Multiboot1 header, for QEMU's -kernel: QEMU searches the first 8 KiB for it. ----
 * QEMU loads only 32-bit ELF files by their program headers; a 64-bit one it loads by the
 * addresses below (flag 16, the "a.out kludge"): it copies the file from the byte that
 * holds _kernel_start up to _load_end as one block to V2P(_kernel_start) and zeroes up to
 * _kernel_end. That works because linker.ld keeps the file a flat image of memory there. */
#define MB1_MAGIC 0x1badb002
#define MB1_PAGE_ALIGN_MODULES (1 << 0)
#define MB1_MEMORY_INFO (1 << 1)       /* ask for the memory map */
#define MB1_LOAD_ADDRESSES (1 << 16)   /* the addresses below are valid: use them */
#define MB1_FLAGS (MB1_PAGE_ALIGN_MODULES | MB1_MEMORY_INFO | MB1_LOAD_ADDRESSES)
    .balign 4
mb1_header:
    .long MB1_MAGIC
    .long MB1_FLAGS
    .long -(MB1_MAGIC + MB1_FLAGS)      /* checksum: the three add up to 0 */
    .long V2P(mb1_header)               /* where this header lands: fixes the file offset */
    .long V2P(_kernel_start)            /* load from here ... */
    .long V2P(_load_end)                /* ... to the end of .data (what the file holds) */
    .long V2P(_kernel_end)              /* zeroed up to here: .bss */
    .long V2P(_start32)                 /* entry, as in the Multiboot2 header */

/* ---- 32-bit entry from GRUB or QEMU: eax = magic (Multiboot2 or Multiboot1), ebx = the
 * physical address of the information. ---- */
    .section .text.boot, "ax"
    .code32
    .globl _start32
_start32:
    cli
    mov %eax, %edi                      /* first C argument: the Multiboot magic */
    mov %ebx, %esi                      /* second C argument: the information's address */
    mov $V2P(boot_stack_top), %esp      /* a stack, at its physical address */

    mov $0x80000001, %eax               /* extended CPUID: long mode (bit 29) and NX (bit 20) */
    cpuid
    test $(1 << 29), %edx
    jz no_long_mode
    test $(1 << 20), %edx
    jz no_long_mode

    mov $V2P(boot_pml4), %eax           /* the static page tables below */
    mov %eax, %cr3
    mov %cr4, %eax
    or $(1 << 5), %eax                  /* CR4.PAE: 64-bit page table entries */
    mov %eax, %cr4
    mov $0xc0000080, %ecx               /* EFER */
    rdmsr
    or $((1 << 0) | (1 << 8) | (1 << 11)), %eax /* SCE (syscall), LME (long mode), NXE */
    wrmsr
    mov %cr0, %eax
    or $((1 << 31) | (1 << 16) | 1), %eax /* PG, WP (kernel honours read-only), PE */
    mov %eax, %cr0                      /* now in compatibility mode */

    lgdt V2P(boot_gdt_pointer)
    ljmp $0x08, $V2P(start64_low)       /* load a 64-bit code segment */

/* Without long mode we cannot go on: say so on COM1 and stop. */
no_long_mode:
    mov $V2P(no_long_mode_text), %esi
    mov $0x3f8, %dx
1:  lodsb
    test %al, %al
    jz 2f
    outb %al, %dx
    jmp 1b
2:  hlt
    jmp 2b

    .code64
start64_low:
    movabs $enter_kernel, %rax          /* leave the identity mapping for the higher half */
    jmp *%rax

/* ---- 64-bit entry from nest's UEFI loader: rdi = BOOT_EFI_MAGIC, rsi = &boot_info. ---- */
    .section .text
    .globl efi_entry64
efi_entry64:
    .cfi_startproc
    .cfi_undefined rip
    cli
    mov $0xc0000080, %ecx               /* EFER: make sure SCE and NXE are on */
    rdmsr
    or $((1 << 0) | (1 << 11)), %eax
    wrmsr
    movabs $V2P(boot_pml4), %rax        /* switch to our static page tables */
    mov %rax, %cr3
    lgdt boot_gdt_pointer(%rip)
    pushq $0x08                         /* reload CS with a far return */
    leaq enter_kernel(%rip), %rax
    pushq %rax
    lretq
    .cfi_endproc

/* Common 64-bit path: data segments, the boot stack, then C. */
    .globl enter_kernel
enter_kernel:
    .cfi_startproc
    .cfi_undefined rip
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    xor %eax, %eax
    mov %ax, %fs
    mov %ax, %gs
    movabs $boot_stack_top, %rsp
    xor %ebp, %ebp                      /* end of the frame-pointer chain for backtraces */
    call boot_entry                     /* boot_entry(magic, info) never returns */
3:  hlt
    jmp 3b
    .cfi_endproc

    .section .rodata
no_long_mode_text:
    .asciz "nest: this CPU has no 64-bit long mode or no NX; cannot boot\r\n"

/* ---- Static boot page tables ----
 * Physical 0..4 GiB is mapped three times with 2 MiB pages: at 0 (identity, so the
 * instruction after enabling paging can run), at PHYS_MAP_BASE and, for 0..2 GiB, at
 * KERNEL_VMA. vm_init() replaces all of this with the real kernel page tables; the other
 * CPUs still pass through them on their way in (trampoline.S), so they stay as they are. */
    .section .data
    .balign 4096
    .globl boot_pml4
boot_pml4:
    .quad V2P(boot_pdpt_low) + PTE_PRESENT_WRITE
    .fill 255, 8, 0
    .quad V2P(boot_pdpt_low) + PTE_PRESENT_WRITE   /* entry 256: PHYS_MAP_BASE */
    .fill 254, 8, 0
    .quad V2P(boot_pdpt_high) + PTE_PRESENT_WRITE  /* entry 511: KERNEL_VMA */
boot_pdpt_low:
    .quad V2P(boot_pd) + PTE_PRESENT_WRITE
    .quad V2P(boot_pd) + 0x1000 + PTE_PRESENT_WRITE
    .quad V2P(boot_pd) + 0x2000 + PTE_PRESENT_WRITE
    .quad V2P(boot_pd) + 0x3000 + PTE_PRESENT_WRITE
    .fill 508, 8, 0
boot_pdpt_high:
    .fill 510, 8, 0
    .quad V2P(boot_pd) + PTE_PRESENT_WRITE
    .quad V2P(boot_pd) + 0x1000 + PTE_PRESENT_WRITE
boot_pd:
    .set address, 0
    .rept 2048
    .quad address + PDE_LARGE_PAGE
    .set address, address + 0x200000
    .endr

/* A minimal GDT: null, 64-bit kernel code (0x08), kernel data (0x10). */
    .balign 16
boot_gdt:
    .quad 0
    .quad 0x00209a0000000000
    .quad 0x0000920000000000
boot_gdt_end:
boot_gdt_pointer:
    .word boot_gdt_end - boot_gdt - 1
    .quad V2P(boot_gdt)                 /* 32-bit lgdt reads only the low half */

    .section .bss
    .balign 16
boot_stack:
    .skip 16384
    .globl boot_stack_top
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
