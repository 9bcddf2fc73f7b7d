/* trampoline.S - where the other CPUs (application processors) start.
 *
 * A STARTUP message starts a CPU in 16-bit real mode at a page below 1 MiB. smp.c copies
 * ap_trampoline..ap_trampoline_end to AP_TRAMPOLINE and sends the CPU there; from there it
 * takes the steps the boot CPU took in boot/multiboot2.S: protected mode, then long mode on
 * the static boot page tables (which map low memory 1:1 and the kernel), then the higher
 * half, the kernel's own page tables, its stack, and ap_main() in smp.c.
 */
#include "layout.h"

    .cfi_sections .debug_frame

#define V2P(x) ((x) - KERNEL_VMA)
/* The address of a trampoline label in the copy that runs (the code is assembled here
 * but only ever runs at AP_TRAMPOLINE). */
#define LOW(x) ((x) - ap_trampoline + AP_TRAMPOLINE)

#define SEL_CODE32 0x08
#define SEL_DATA 0x10
#define SEL_CODE64 0x18

/* Read-only data, not text: these bytes never run where they are linked, only their copy. */
    .section .rodata, "a"
    .code16
    .globl ap_trampoline
ap_trampoline:
    cli
    cld
    xor %ax, %ax
    mov %ax, %ds                        /* data addresses below are physical (< 64 KiB) */
    lgdtl LOW(trampoline_gdt_pointer)   /* the small GDT at the end of this page */
    mov %cr0, %eax
    or $1, %eax                         /* CR0.PE: protected mode */
    mov %eax, %cr0
    ljmpl $SEL_CODE32, $LOW(ap_start32) /* load a 32-bit code segment */

    .code32
ap_start32:
    mov $SEL_DATA, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov $V2P(boot_pml4), %eax           /* the static boot page tables */
    mov %eax, %cr3
    mov %cr4, %eax
    or $((1 << 5) | (1 << 7)), %eax     /* CR4.PAE (64-bit entries) and PGE, as the boot CPU */
    mov %eax, %cr4
    mov $0xc0000080, %ecx               /* EFER */
    rdmsr
    or $((1 << 0) | (1 << 8) | (1 << 11)), %eax /* SCE (syscall), LME (long mode), NXE */
    wrmsr
    mov %cr0, %eax
    or $((1 << 31) | (1 << 16)), %eax   /* PG and WP: paging on, so long mode is active */
    mov %eax, %cr0
    ljmp $SEL_CODE64, $LOW(ap_start64)  /* load a 64-bit code segment */

    .code64
ap_start64:
    movabs $ap_entry64, %rax            /* leave the 1:1 mapping for the higher half */
    jmp *%rax

    .balign 8
trampoline_gdt:
    .quad 0
    .quad 0x00cf9a000000ffff            /* 0x08: 32-bit code, base 0, limit 4 GiB */
    .quad 0x00cf92000000ffff            /* 0x10: 32-bit data, base 0, limit 4 GiB */
    .quad 0x00209a0000000000            /* 0x18: 64-bit code */
trampoline_gdt_pointer:
    .word trampoline_gdt_pointer - trampoline_gdt - 1
    .long LOW(trampoline_gdt)
    .globl ap_trampoline_end
ap_trampoline_end:

/* In the higher half, still on the boot page tables. ap_boot (smp.c) says which page
 * tables, stack and struct cpu this CPU gets. */
#define AP_BOOT_CR3 0
#define AP_BOOT_STACK_TOP 8
#define AP_BOOT_CPU 16
    .text
    .globl ap_entry64
    .type ap_entry64, @function
ap_entry64:
    .cfi_startproc
    .cfi_undefined rip
    mov ap_boot+AP_BOOT_CR3(%rip), %rax /* the kernel's page tables: stacks are there */
    mov %rax, %cr3
    mov ap_boot+AP_BOOT_STACK_TOP(%rip), %rsp
    xor %eax, %eax
    mov %ax, %fs
    mov %ax, %gs
    xor %ebp, %ebp                      /* end of the frame-pointer chain for backtraces */
    mov ap_boot+AP_BOOT_CPU(%rip), %rdi
    call ap_main                        /* ap_main(struct cpu *) never returns */
1:  hlt
    jmp 1b
    .cfi_endproc

    .section .note.GNU-stack, "", @progbits
