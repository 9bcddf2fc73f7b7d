/* trap.S - interrupt and exception entry, and the way back.
 *
 * Each vector has a stub that pushes an error code (a 0 when the CPU pushes none) and the
 * vector number, then joins trap_common, which saves the general registers as a struct
 * trap_frame (cpu.h) and calls trap_handler(frame). trap_return restores the frame; it is
 * also where a newly forked process first starts in user mode.
 */
    .cfi_sections .debug_frame

.macro TRAP_STUB vector, has_error
    .globl trap_stub_\vector
trap_stub_\vector:
    .cfi_startproc simple
    .cfi_signal_frame
    .cfi_def_cfa %rsp, 0
    .cfi_undefined rip
    .if \has_error == 0
    pushq $0                            /* no error code from the CPU: push a zero */
    .endif
    pushq $\vector
    jmp trap_common
    .cfi_endproc
.endm

/* Vectors 8, 10-14, 17, 21, 29, 30 push an error code; the others do not. */
.macro STUB_FOR vector
    .if \vector == 8 || (\vector >= 10 && \vector <= 14) || \vector == 17 || \vector == 21 || \vector == 29 || \vector == 30
    TRAP_STUB \vector, 1
    .else
    TRAP_STUB \vector, 0
    .endif
.endm

    .text
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
    STUB_FOR \n
    .endr
    TRAP_STUB 48, 0                     /* the local APIC timer */
    TRAP_STUB 49, 0                     /* IPI: reschedule */
    TRAP_STUB 50, 0                     /* IPI: flush the TLB */
    TRAP_STUB 255, 0                    /* spurious interrupts */

    .globl trap_common
trap_common:
    /* The outermost frame for a backtrace, as syscall_entry (see syscall.S). */
    .cfi_startproc simple
    .cfi_def_cfa %rsp, 16
    .cfi_undefined rip
    pushq %rax                          /* the general registers, in struct trap_frame order */
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    testb $3, 144(%rsp)                 /* came from ring 3? (frame->cs) */
    jz 1f
    swapgs                              /* then %gs must become the kernel's per-CPU area */
1:  cld
    mov %rsp, %rdi                      /* trap_handler(struct trap_frame *) */
    xor %ebp, %ebp                      /* backtraces stop here */
    call trap_handler
    jmp trap_return
    .cfi_endproc

/* Restore a trap frame at %rsp and leave the kernel. Interrupts must be off. */
    .globl trap_return
trap_return:
    .cfi_startproc simple
    .cfi_def_cfa %rsp, 0
    .cfi_undefined rip
    cli
    testb $3, 144(%rsp)                 /* going back to ring 3? */
    jz 1f
    swapgs                              /* give user space its %gs back */
1:  popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    addq $16, %rsp                      /* drop vector and error code */
    iretq
    .cfi_endproc

    .section .note.GNU-stack, "", @progbits
