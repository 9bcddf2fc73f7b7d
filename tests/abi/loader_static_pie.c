// ABI: glibc -static-pie
/* loader_static_pie.c - a static glibc PIE (ET_DYN without an interpreter): the kernel picks
 * a random base. Its auxv, memory and exec as loader_check.h describes.
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 */
#include "loader_check.h"

int main(int argc, char **argv, char **envp) { return loader_check(argc, argv, envp, 0); }
