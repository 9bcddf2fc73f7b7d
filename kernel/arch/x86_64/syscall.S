/* syscall.S - the system-call entry point (MSR_LSTAR) and the fast way back.
 *
 * The syscall instruction leaves the user rip in rcx and rflags in r11 and does not switch
 * stacks. We swap in the kernel's %gs, save the user stack pointer in the per-CPU area,
 * switch to the process's kernel stack and build a struct trap_frame exactly like an
 * interrupt's, so fork, exec and signal delivery see one layout.
 */
#define CPU_USER_RSP 8
#define CPU_KERNEL_RSP 16
#define FRAME_R11 32
#define FRAME_RCX 96
#define FRAME_RIP 136
#define FRAME_RFLAGS 152

    .cfi_sections .debug_frame
    .section .text.hot, "ax"            /* with the C side of the hot path (types.h) */
    .balign 64                          /* keep the hot entry path inside one page */
    .globl syscall_entry
syscall_entry:
    /* For debuggers: this is the outermost kernel frame (the return address is a user one,
     * in rcx), so a backtrace ends here, named syscall_entry. Not a signal frame: the
     * calls below are ordinary calls. */
    .cfi_startproc simple
    .cfi_def_cfa %rsp, 0
    .cfi_undefined rip
    swapgs                              /* %gs: the per-CPU area */
    movq %rsp, %gs:CPU_USER_RSP         /* remember the user stack */
    movq %gs:CPU_KERNEL_RSP, %rsp       /* the process's kernel stack */
    pushq $0x1b                         /* ss: user data */
    pushq %gs:CPU_USER_RSP              /* rsp */
    pushq %r11                          /* rflags */
    pushq $0x23                         /* cs: user code */
    pushq %rcx                          /* rip: the instruction after syscall */
    pushq $0                            /* error code */
    pushq $256                          /* vector: VECTOR_SYSCALL */
    pushq %rax                          /* the system-call number; becomes the result */
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
    movq %rsp, %rdi                     /* syscall_dispatch(struct trap_frame *): it turns */
                                        /* interrupts on once it has charged the user time */
    xorl %ebp, %ebp                     /* backtraces stop here */
    call syscall_dispatch
    cli

    /* sysret restores rip from rcx and rflags from r11. It is only correct when those
     * still hold what syscall put there (a signal frame or execve may have changed the
     * frame) and rip is canonical; otherwise leave through iretq. */
    movq FRAME_RIP(%rsp), %rcx
    cmpq FRAME_RCX(%rsp), %rcx
    jne slow_return
    movq FRAME_RFLAGS(%rsp), %r11
    cmpq FRAME_R11(%rsp), %r11
    jne slow_return
    shrq $47, %rcx                      /* user addresses have bits 47-63 clear */
    jnz slow_return

    popq %r15
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
    addq $16, %rsp                      /* vector and error code */
    movq 24(%rsp), %rsp                 /* the user stack (frame->rsp) */
    swapgs                              /* user %gs back */
    sysretq

slow_return:
    jmp trap_return
    .cfi_endproc

    .section .note.GNU-stack, "", @progbits
