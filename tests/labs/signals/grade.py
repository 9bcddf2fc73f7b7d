"""Lab signals: user signal handlers (docs/labs/signals.md). Each test runs one of nest's
signal ABI programs (tests/abi/sig_*.c) on the Linux host and on nest and compares the two
outputs and exit statuses line for line."""
from harness import Guest, abi_compare, graded


@graded(10)
def signals_handlers_and_siginfo(log):
    """rt_sigframe, SA_SIGINFO's siginfo, masks in handlers, SA_NODEFER, SA_RESETHAND,
    SA_ONSTACK, rt_sigreturn."""
    with Guest(log) as guest:
        abi_compare(guest, "sig_handlers_siginfo")


@graded(10)
def signals_eintr_and_sa_restart(log):
    """EINTR without SA_RESTART; read and wait4 restarted with it."""
    with Guest(log) as guest:
        abi_compare(guest, "sig_eintr_restart")


@graded(10)
def signals_mask_and_pending(log):
    """sigprocmask, pending signals delivered when unblocked, sigsuspend."""
    with Guest(log) as guest:
        abi_compare(guest, "sig_mask_pending")


@graded(5)
def signals_pipes_and_poll(log):
    """SIGPIPE and a handler interrupting poll."""
    with Guest(log) as guest:
        abi_compare(guest, "pipe_signals_poll")
