/* acpi_host.c - kernel/arch/x86_64/acpi.c compiled for the host with the direct map at 0:
 * a "physical address" is then a host pointer, so test_acpi.c can hand the table walk an
 * RSDP, an XSDT and a MADT that live in its own arrays.
 */
#define PHYS_MAP_BASE 0

#include "../../kernel/arch/x86_64/acpi.c"
