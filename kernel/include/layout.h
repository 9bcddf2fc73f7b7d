/* layout.h - where things live in nest's virtual address space (DESIGN.md §3).
 *
 *   0x0000000000000000 .. 0x00007fffffffffff   user space (one per process)
 *   0xffff800000000000 .. +physical memory     every physical byte, at PHYS_MAP_BASE + address
 *   0xffffc00000000000 .. +VMAP_SIZE           kernel stacks, each with an unmapped guard page
 *   LOG_AREA_BASE       .. +LOG_BUF_MAX         the kernel log, when log_buf_len= enlarges it
 *   0xffffffff80000000 .. +1 GiB               the kernel image (linked at +2 MiB)
 *
 * This header is shared with assembly, so it holds only #defines.
 */
#ifndef NEST_LAYOUT_H
#define NEST_LAYOUT_H

#define KERNEL_VMA 0xffffffff80000000
#define PHYS_MAP_BASE_ADDR 0xffff800000000000
#define VMAP_BASE 0xffffc00000000000
#define VMAP_SIZE (64UL << 20)
#define LOG_AREA_BASE (VMAP_BASE + VMAP_SIZE) /* in the same top-level entry as the stacks */
#define USER_TOP 0x0000800000000000
#define PAGE_SIZE 4096

#define KERNEL_STACK_SIZE (16 * 1024)

/* The physical page the other CPUs start in, in real mode (smp.c, trampoline.S): below
 * 1 MiB, where a STARTUP message can point, and inside the low memory the frame allocator
 * never hands out (main.c). */
#define AP_TRAMPOLINE 0x8000

#endif
