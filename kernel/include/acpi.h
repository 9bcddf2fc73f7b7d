/* acpi.h - what nest reads from the firmware's ACPI tables (kernel/arch/x86_64/acpi.c).
 *
 * The boot path hands over the RSDP (struct boot_info); it leads to the RSDT or XSDT, the list
 * of every other table. nest reads two of them: the FADT (and the DSDT's \_S5 package, for
 * power-off: power.c) and the MADT, which lists the CPUs, the I/O APICs and the ISA IRQs that
 * reach an I/O APIC on another input than their own number.
 */
#ifndef NEST_ACPI_H
#define NEST_ACPI_H

#include "smp.h"
#include "types.h"

/* The header every ACPI table but the RSDP starts with. */
struct acpi_header {
    char signature[4];
    uint32_t length; /* of the whole table, header included */
    uint8_t revision, checksum;
    char oem_id[6], oem_table_id[8];
    uint32_t oem_revision, creator_id, creator_revision;
} __packed;

#define MADT_MAX_IOAPICS 8
#define MADT_MAX_OVERRIDES 16

struct madt_ioapic {
    uint8_t id;
    uint32_t address;  /* physical address of its registers */
    uint32_t gsi_base; /* the global system interrupt of its input 0 */
};

/* An ISA IRQ that arrives at the I/O APICs as another global system interrupt, or with
 * another polarity or trigger mode than ISA's (active high, edge). */
struct madt_override {
    uint8_t irq;    /* the ISA IRQ (the PIC's input) */
    uint32_t gsi;   /* where it arrives */
    uint16_t flags; /* MPS INTI flags: polarity in bits 0-1, trigger mode in bits 2-3 */
};

/* What the MADT says. Filled once by acpi_init on the boot CPU before any other CPU starts;
 * read-only afterwards, so every CPU may read it without a lock. */
struct madt_info {
    bool found;
    uint64_t local_apic_address; /* the physical address every CPU sees its own APIC at */
    bool has_8259;               /* the legacy PICs are there too (PCAT_COMPAT) */
    int cpu_count;               /* enabled CPUs kept below, boot CPU included */
    uint8_t apic_ids[MAX_CPUS];  /* their local APIC ids, in the table's order */
    int cpus_left_out;           /* enabled CPUs beyond MAX_CPUS or with x2APIC-only ids */
    int ioapic_count;
    struct madt_ioapic ioapics[MADT_MAX_IOAPICS];
    int override_count;
    struct madt_override overrides[MADT_MAX_OVERRIDES];
};

extern struct madt_info acpi_madt;

/* How an ISA IRQ reaches the I/O APICs (ioapic.c programs its input this way). */
struct isa_irq_route {
    uint32_t gsi;    /* the global system interrupt it arrives as */
    bool active_low; /* polarity: ISA's is active high */
    bool level;      /* trigger mode: ISA's is edge */
};

/* Find the root table from the RSDP at rsdp_phys (0: the loader gave none, search where a PC
 * BIOS puts it) and read the MADT into acpi_madt. */
void acpi_init(uint64_t rsdp_phys);
/* The table with this 4-character signature and a correct checksum, or NULL. */
const struct acpi_header *acpi_find_table(const char *signature);
/* Read a MADT into out. False (and out empty) if it is not a well-formed MADT. */
bool madt_parse(const struct acpi_header *madt, struct madt_info *out);
/* Where ISA IRQ irq arrives, and how: ISA's way (GSI irq, active high, edge) unless one of m's
 * interrupt source overrides says otherwise. */
struct isa_irq_route madt_isa_route(const struct madt_info *m, int irq);

#endif
