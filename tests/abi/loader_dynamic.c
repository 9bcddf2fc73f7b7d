// ABI: glibc -pie
/* loader_dynamic.c - a dynamically linked glibc PIE, as Debian builds its programs: the
 * kernel loads it and ld.so (/lib64/ld-linux-x86-64.so.2, a link into /lib/x86_64-linux-gnu,
 * as on Debian), which loads libc.so.6. Also run through ld.so as a command. The checks are
 * loader_check.h's. On nest, tests/abi/run.py brings the host's ld.so and libc.
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 */
#include "loader_check.h"

int main(int argc, char **argv, char **envp) { return loader_check(argc, argv, envp, 1); }
