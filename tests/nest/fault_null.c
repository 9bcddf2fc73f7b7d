// fault_null.c - nest-only: dereference a null pointer; the kernel must kill this process
// with SIGSEGV and log one line. Run by tests/system/test_processes.py.
int main(void)
{
    volatile int *p = 0;
    return *p;
}
