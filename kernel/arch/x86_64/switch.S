/* switch.S - switching kernel stacks between processes, and a new process's first steps.
 *
 * switch_context(save, next) pushes the registers a C function must preserve, stores the
 * stack pointer (which now points at a struct context) in *save, loads next and pops its
 * registers; "ret" then continues wherever next last called switch_context, or, for a new
 * process, at fork_child_entry.
 */
    .cfi_sections .debug_frame
    .section .text.hot, "ax"            /* with the C side of the hot path (types.h) */

    .globl switch_context
switch_context:
    .cfi_startproc
    pushq %rbp                          /* struct context, from the top down: rip (pushed by */
    pushq %rbx                          /* the call), rbp, rbx, r12, r13, r14, r15 */
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)                   /* *save = the old process's context */
    movq %rsi, %rsp                     /* switch to the new process's kernel stack */
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret                                 /* into the new process */
    .cfi_endproc

/* A new process (fork, or init) starts here, with its struct trap_frame right above. */
    .globl fork_child_entry
fork_child_entry:
    .cfi_startproc
    .cfi_undefined rip
    call fork_child_finish              /* finish the switch, then return_to_user */
    jmp trap_return                     /* to user mode with the registers in the frame */
    .cfi_endproc

    .section .note.GNU-stack, "", @progbits
