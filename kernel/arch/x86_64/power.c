/* power.c - turning the machine off and restarting it.
 *
 * Power-off first writes to QEMU's isa-debug-exit port (tests add that device: QEMU then
 * exits with status 33, "success"; without the device the write does nothing), then asks
 * ACPI: the FADT names the PM1 control ports and the DSDT's \_S5 object the sleep type.
 */
#include "acpi.h"
#include "arch.h"
#include "mm.h"
#include "printk.h"
#include "string.h"
#include "x86.h"

#define DEBUG_EXIT_PORT 0xf4
#define DEBUG_EXIT_SUCCESS 0x10 /* QEMU exits with (0x10 << 1) | 1 = 33 */

static uint16_t pm1a_control, pm1b_control;
static uint16_t sleep_type_a, sleep_type_b;
static bool acpi_ready;

/* Decode an AML integer (BytePrefix, WordPrefix, or the constants Zero/One). */
static const uint8_t *aml_integer(const uint8_t *p, uint16_t *value)
{
    if (*p == 0x0a) { /* BytePrefix */
        *value = p[1];
        return p + 2;
    }
    if (*p == 0x0b) { /* WordPrefix */
        *value = p[1] | (p[2] << 8);
        return p + 3;
    }
    *value = *p == 0x01 ? 1 : 0; /* OneOp or ZeroOp */
    return p + 1;
}

/* Find "_S5_" in the DSDT and read the first two elements of its package. */
static bool find_s5(const struct acpi_header *dsdt)
{
    const uint8_t *p = (const uint8_t *)(dsdt + 1);
    const uint8_t *end = (const uint8_t *)dsdt + dsdt->length;
    for (; p + 8 < end; p++) {
        if (memcmp(p, "_S5_", 4) != 0 || p[4] != 0x12) /* followed by PackageOp */
            continue;
        p += 5;
        p += (*p >> 6) + 1; /* PkgLength: its top two bits count the extra bytes */
        p++;                /* NumElements */
        p = aml_integer(p, &sleep_type_a);
        aml_integer(p, &sleep_type_b);
        return true;
    }
    return false;
}

/* Read what power-off needs from the ACPI tables (after acpi_init), while they are surely
 * intact. */
void power_init(void)
{
    const struct acpi_header *fadt = acpi_find_table("FACP");
    if (!fadt)
        return;
    const uint8_t *f = (const uint8_t *)fadt;
    uint32_t dsdt_address = *(const uint32_t *)(f + 40);
    pm1a_control = (uint16_t) * (const uint32_t *)(f + 64);
    pm1b_control = (uint16_t) * (const uint32_t *)(f + 68);
    const struct acpi_header *dsdt = P2V((uint64_t)dsdt_address);
    if (pm1a_control && memcmp(dsdt->signature, "DSDT", 4) == 0 && find_s5(dsdt))
        acpi_ready = true;
}

__noreturn void machine_power_off(void)
{
    cli();
    outb(DEBUG_EXIT_PORT, DEBUG_EXIT_SUCCESS);
    if (acpi_ready) {
        outw(pm1a_control, (sleep_type_a << 10) | (1 << 13)); /* SLP_TYP and SLP_EN */
        if (pm1b_control)
            outw(pm1b_control, (sleep_type_b << 10) | (1 << 13));
    }
    printk(KERN_EMERG "nest: power-off did not work; halting\n");
    for (;;)
        hlt();
}

__noreturn void machine_reboot(void)
{
    cli();
    for (int i = 0; i < 10000 && (inb(0x64) & 0x02); i++)
        ; /* wait until the keyboard controller takes commands */
    outb(0x64, 0xfe); /* pulse the CPU reset line */
    struct {
        uint16_t limit;
        uint64_t base;
    } __packed empty_idt = {0, 0};
    __asm__ volatile("lidt %0; int3" : : "m"(empty_idt)); /* a triple fault resets too */
    for (;;)
        hlt();
}
