/* paging.c - the page tables nest's kernel starts on, and the jump into the kernel.
 *
 * loader.c calls build_page_tables() while boot services still run and enter_kernel() after
 * ExitBootServices. The layout is the one boot_info.h promises: physical 0..4 GiB mapped at
 * virtual 0 (identity) and physical 0..1 GiB mapped again at 0xffffffff80000000, 2 MiB pages.
 */
#include <efi.h>
#include <efilib.h>

#include "boot_info.h"

#define PAGE_PRESENT (1ULL << 0)
#define PAGE_WRITABLE (1ULL << 1)
#define PAGE_HUGE (1ULL << 7) /* in a page-directory entry: map 2 MiB directly, no page table */

#define TWO_MIB 0x200000ULL
#define ONE_GIB 0x40000000ULL
#define IDENTITY_SIZE (4 * ONE_GIB)
#define HIGHER_HALF_BASE 0xffffffff80000000ULL /* where kernel.elf is linked */
#define HIGHER_HALF_SIZE ONE_GIB

#define ENTRIES_PER_TABLE 512
#define PML4_INDEX(va) (((va) >> 39) & 511)
#define PDPT_INDEX(va) (((va) >> 30) & 511)

/* One PML4, a PDPT for the identity map, a PDPT for the higher half, and one page directory
 * per identity-mapped GiB. The higher half reuses the first GiB's page directory. */
#define TABLE_PAGES 7
#define FIRST_DIRECTORY 3

#define CR4_LA57 (1ULL << 12) /* five-level paging: a PML4 would not be the top table */

/* The n-th 4 KiB table in the block that starts at physical address base. */
static UINT64 *table_at(UINT64 base, int n)
{
    return (UINT64 *)(base + (UINT64)n * EFI_PAGE_SIZE);
}

/* Fill a page directory with 512 2 MiB pages mapping physical [start, start + 1 GiB). */
static void fill_directory(UINT64 *directory, UINT64 start)
{
    for (int i = 0; i < ENTRIES_PER_TABLE; i++)
        directory[i] = (start + i * TWO_MIB) | PAGE_PRESENT | PAGE_WRITABLE | PAGE_HUGE;
}

/* Allocate and fill the kernel's first page tables; store the PML4's physical address.
 * The tables are EfiLoaderData below 4 GiB, so they are identity-mapped both before and
 * after the switch, and the memory map hands them to the kernel as reserved. */
EFI_STATUS build_page_tables(UINT64 *pml4_address)
{
    EFI_PHYSICAL_ADDRESS base = IDENTITY_SIZE - 1; /* highest address the tables may use */
    EFI_STATUS status = BS->AllocatePages(AllocateMaxAddress, EfiLoaderData, TABLE_PAGES, &base);
    if (EFI_ERROR(status))
        return status;
    ZeroMem((void *)base, TABLE_PAGES * EFI_PAGE_SIZE);

    UINT64 *pml4 = table_at(base, 0);
    UINT64 *identity_pdpt = table_at(base, 1);
    UINT64 *higher_half_pdpt = table_at(base, 2);

    for (int gib = 0; gib < 4; gib++) {
        UINT64 *directory = table_at(base, FIRST_DIRECTORY + gib);
        fill_directory(directory, gib * ONE_GIB);
        identity_pdpt[gib] = (UINT64)directory | PAGE_PRESENT | PAGE_WRITABLE;
    }
    higher_half_pdpt[PDPT_INDEX(HIGHER_HALF_BASE)] = identity_pdpt[0];

    pml4[PML4_INDEX(0ULL)] = (UINT64)identity_pdpt | PAGE_PRESENT | PAGE_WRITABLE;
    pml4[PML4_INDEX(HIGHER_HALF_BASE)] = (UINT64)higher_half_pdpt | PAGE_PRESENT | PAGE_WRITABLE;
    *pml4_address = base;
    return EFI_SUCCESS;
}

/* Do these tables map virtual [vaddr, vaddr + size) onto physical [paddr, paddr + size)?
 * True for the higher half (below 1 GiB physical) and for the identity map (below 4 GiB). */
BOOLEAN range_is_mapped(UINT64 vaddr, UINT64 paddr, UINT64 size)
{
    if (vaddr == paddr)
        return paddr < IDENTITY_SIZE && size <= IDENTITY_SIZE - paddr;
    return vaddr == HIGHER_HALF_BASE + paddr && paddr < HIGHER_HALF_SIZE &&
           size <= HIGHER_HALF_SIZE - paddr;
}

/* Is the CPU using four-level paging, the only kind these tables are built for? */
BOOLEAN four_level_paging(void)
{
    UINT64 cr4;
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    return (cr4 & CR4_LA57) == 0;
}

/* Switch to the kernel's stack and page tables and jump to its entry point; never returns.
 * Called after ExitBootServices. Every register is pinned so that none of the values can be
 * lost when rbp is cleared or rsp replaced. */
__attribute__((noreturn)) void enter_kernel(UINT64 pml4, UINT64 stack_top, UINT64 entry,
                                            UINT64 boot_info)
{
    __asm__ volatile("cli\n\t"               /* no interrupts: the firmware's IDT stays behind */
                     "mov %%rcx, %%rsp\n\t"  /* the kernel's first stack, 16-byte aligned top */
                     "xor %%ebp, %%ebp\n\t"  /* frame pointer 0: backtraces stop here */
                     "mov %%rdx, %%cr3\n\t"  /* our tables; this code is identity-mapped in both */
                     "jmp *%%rax\n\t"        /* e_entry, in the higher half */
                     :
                     : "a"(entry),           /* rax: where to jump */
                       "c"(stack_top),       /* rcx: new stack pointer */
                       "d"(pml4),            /* rdx: physical address of the PML4 */
                       "D"(BOOT_EFI_MAGIC),  /* rdi: first argument, BOOT_EFI_MAGIC */
                       "S"(boot_info)        /* rsi: second argument, the struct boot_info */
                     : "memory");
    __builtin_unreachable();
}
