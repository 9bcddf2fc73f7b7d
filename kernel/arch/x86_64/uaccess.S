/* uaccess.S - the instructions that touch user memory, and their recovery point.
 *
 * A fault on any instruction between uaccess_begin and uaccess_end that the page-fault
 * handler cannot fix resumes at uaccess_fault (see uaccess_fixup in kernel/mm/uaccess.c),
 * which returns -EFAULT to the C caller. The functions are leaf functions that push
 * nothing, so the stack at the fault is the stack at entry.
 */
#define EFAULT 14
#define ENAMETOOLONG 36

    .section .text.hot, "ax"            /* raw_copy is on the hot path (types.h) */
    .globl uaccess_begin, uaccess_end
uaccess_begin:

/* long raw_copy(void *dst, const void *src, size_t n): 0 or -EFAULT */
    .globl raw_copy
raw_copy:
    movq %rdx, %rcx
    rep movsb
    xorl %eax, %eax
    ret

/* long raw_clear(void *dst, size_t n): 0 or -EFAULT */
    .globl raw_clear
raw_clear:
    movq %rsi, %rcx
    xorl %eax, %eax
    rep stosb
    ret

/* long raw_strncpy(char *dst, const char *src, size_t max): length, -EFAULT or
 * -ENAMETOOLONG when no NUL comes within max bytes */
    .globl raw_strncpy
raw_strncpy:
    xorl %eax, %eax
1:  cmpq %rdx, %rax
    jae 2f
    movb (%rsi,%rax), %cl
    movb %cl, (%rdi,%rax)
    testb %cl, %cl
    jz 3f
    incq %rax
    jmp 1b
2:  movq $-ENAMETOOLONG, %rax
3:  ret

uaccess_end:

    .globl uaccess_fault
uaccess_fault:
    movq $-EFAULT, %rax
    ret

    .section .note.GNU-stack, "", @progbits
