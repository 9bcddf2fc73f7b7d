// ABI: glibc -static -no-pie
/* loader_static.c - a static glibc program at a fixed address (ET_EXEC, as busybox-static):
 * its auxv, memory and exec as loader_check.h describes.
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 */
#include "loader_check.h"

int main(int argc, char **argv, char **envp) { return loader_check(argc, argv, envp, 0); }
