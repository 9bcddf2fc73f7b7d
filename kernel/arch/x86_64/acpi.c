/* acpi.c - finding ACPI tables and reading the MADT.
 *
 * The RSDP names the root table (the XSDT, or the older RSDT with 32-bit addresses), whose
 * entries are the physical addresses of all other tables. The MADT ("APIC") lists one entry
 * per CPU, I/O APIC and interrupt source override; madt_parse is a pure function of its bytes,
 * so tests/unit/test_acpi.c runs it on the host with tables built by hand.
 */
#include "acpi.h"
#include "mm.h"
#include "printk.h"
#include "string.h"

struct rsdp {
    char signature[8]; /* "RSD PTR " */
    uint8_t checksum;  /* over the first 20 bytes (the ACPI 1.0 part) */
    char oem_id[6];
    uint8_t revision; /* 0: ACPI 1.0, RSDT only; 2 and later: the fields below are there */
    uint32_t rsdt_address;
    uint32_t length;
    uint64_t xsdt_address;
    uint8_t extended_checksum; /* over all length bytes */
    uint8_t reserved[3];
} __packed;

#define RSDP_V1_LENGTH 20

/* MADT entry types and flags (ACPI 6.5, section 5.2.12). */
#define MADT_LOCAL_APIC 0
#define MADT_IO_APIC 1
#define MADT_OVERRIDE 2
#define MADT_LOCAL_APIC_ADDRESS 5
#define MADT_LOCAL_X2APIC 9
#define MADT_PCAT_COMPAT 1   /* flags of the table: there are 8259 PICs too */
#define MADT_CPU_ENABLED 1   /* flags of a local APIC entry: the CPU is usable now */
#define XAPIC_BROADCAST 0xff /* xAPIC ids go up to 254; 255 addresses every CPU */
#define INTI_POLARITY_MASK 0x3 /* override flags: 0 as the bus says (ISA: high), 1 high, 3 low */
#define INTI_ACTIVE_LOW 0x3
#define INTI_TRIGGER_MASK 0xc /* 0 as the bus says (ISA: edge), 4 edge, 0xc level */
#define INTI_LEVEL 0xc

struct madt_info acpi_madt;

static const struct acpi_header *root_table; /* the XSDT or RSDT; NULL without ACPI */
static size_t root_entry_size;               /* 8 for the XSDT, 4 for the RSDT */

/* ACPI checksums: all bytes of a structure add up to 0 (mod 256). */
static bool checksum_ok(const void *p, size_t length)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < length; i++)
        sum += ((const uint8_t *)p)[i];
    return sum == 0;
}

static uint32_t get32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof(v)); /* MADT fields are not aligned */
    return v;
}

static uint64_t get64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}

const struct acpi_header *acpi_find_table(const char *signature)
{
    if (!root_table)
        return NULL;
    size_t count = (root_table->length - sizeof(*root_table)) / root_entry_size;
    const uint8_t *entries = (const uint8_t *)(root_table + 1);
    for (size_t i = 0; i < count; i++) {
        uint64_t address = 0;
        memcpy(&address, entries + i * root_entry_size, root_entry_size);
        const struct acpi_header *t = P2V(address);
        if (memcmp(t->signature, signature, 4) == 0 && checksum_ok(t, t->length))
            return t;
    }
    return NULL;
}

static void add_cpu(struct madt_info *out, uint32_t apic_id)
{
    if (apic_id >= XAPIC_BROADCAST || out->cpu_count == MAX_CPUS) {
        out->cpus_left_out++;
        return;
    }
    for (int i = 0; i < out->cpu_count; i++)
        if (out->apic_ids[i] == apic_id)
            return; /* listed twice (as local APIC and as x2APIC): one CPU */
    out->apic_ids[out->cpu_count++] = (uint8_t)apic_id;
}

/* One MADT entry of type e[0] and length e[1]; entries too short for their type are skipped. */
static void parse_entry(const uint8_t *e, struct madt_info *out)
{
    switch (e[0]) {
    case MADT_LOCAL_APIC: /* processor UID, APIC id, flags */
        if (e[1] >= 8 && (get32(e + 4) & MADT_CPU_ENABLED))
            add_cpu(out, e[3]);
        break;
    case MADT_LOCAL_X2APIC: /* reserved, x2APIC id, flags, processor UID */
        if (e[1] >= 16 && (get32(e + 8) & MADT_CPU_ENABLED))
            add_cpu(out, get32(e + 4));
        break;
    case MADT_IO_APIC: /* id, reserved, address, GSI base */
        if (e[1] >= 12 && out->ioapic_count < MADT_MAX_IOAPICS)
            out->ioapics[out->ioapic_count++] = (struct madt_ioapic){
                .id = e[2], .address = get32(e + 4), .gsi_base = get32(e + 8)};
        break;
    case MADT_OVERRIDE: /* bus (0: ISA), source IRQ, GSI, flags */
        if (e[1] >= 10 && out->override_count < MADT_MAX_OVERRIDES)
            out->overrides[out->override_count++] = (struct madt_override){
                .irq = e[3], .gsi = get32(e + 4), .flags = (uint16_t)(e[8] | e[9] << 8)};
        break;
    case MADT_LOCAL_APIC_ADDRESS: /* reserved, 64-bit address */
        if (e[1] >= 12)
            out->local_apic_address = get64(e + 4);
        break;
    default: /* NMI sources, local APIC NMI lines and the rest: not used by nest */
        break;
    }
}

bool madt_parse(const struct acpi_header *madt, struct madt_info *out)
{
    memset(out, 0, sizeof(*out));
    if (memcmp(madt->signature, "APIC", 4) != 0 || madt->length < sizeof(*madt) + 8)
        return false;
    const uint8_t *p = (const uint8_t *)(madt + 1);
    const uint8_t *end = (const uint8_t *)madt + madt->length;
    out->local_apic_address = get32(p);
    out->has_8259 = get32(p + 4) & MADT_PCAT_COMPAT;
    for (p += 8; p + 2 <= end; p += p[1]) {
        if (p[1] < 2 || p + p[1] > end) { /* a length that would loop or run past the end */
            memset(out, 0, sizeof(*out));
            return false;
        }
        parse_entry(p, out);
    }
    out->found = true;
    return true;
}

struct isa_irq_route madt_isa_route(const struct madt_info *m, int irq)
{
    struct isa_irq_route route = {.gsi = (uint32_t)irq};
    for (int i = 0; i < m->override_count; i++) {
        const struct madt_override *o = &m->overrides[i];
        if (o->irq != irq)
            continue;
        route.gsi = o->gsi;
        route.active_low = (o->flags & INTI_POLARITY_MASK) == INTI_ACTIVE_LOW;
        route.level = (o->flags & INTI_TRIGGER_MASK) == INTI_LEVEL;
    }
    return route;
}

/* The root table the RSDP names, or NULL if either fails its checks. */
static const struct acpi_header *find_root(const struct rsdp *rsdp)
{
    if (memcmp(rsdp->signature, "RSD PTR ", 8) != 0 || !checksum_ok(rsdp, RSDP_V1_LENGTH))
        return NULL;
    bool xsdt = rsdp->revision >= 2 && rsdp->xsdt_address && checksum_ok(rsdp, rsdp->length);
    const struct acpi_header *root = P2V(xsdt ? rsdp->xsdt_address : rsdp->rsdt_address);
    if (memcmp(root->signature, xsdt ? "XSDT" : "RSDT", 4) != 0 ||
        !checksum_ok(root, root->length))
        return NULL;
    root_entry_size = xsdt ? 8 : 4;
    return root;
}

/* The first RSDP signature with a good checksum on a 16-byte boundary in [from, to), or 0. */
static uint64_t scan_for_rsdp(uint64_t from, uint64_t to)
{
    for (uint64_t p = from; p + RSDP_V1_LENGTH <= to; p += 16) {
        const struct rsdp *rsdp = P2V(p);
        if (memcmp(rsdp->signature, "RSD PTR ", 8) == 0 && checksum_ok(rsdp, RSDP_V1_LENGTH))
            return p;
    }
    return 0;
}

/* Where a PC BIOS leaves the RSDP (ACPI 6.5, section 5.2.5.1): in the first KiB of the EBDA,
 * whose segment the BIOS data area holds at 0x40e, or in the BIOS ROM at 0xe0000..0xfffff.
 * Multiboot1 passes no RSDP, so a kernel that QEMU's -kernel started looks there. */
static uint64_t search_bios_for_rsdp(void)
{
    uint64_t ebda = (uint64_t)*(const uint16_t *)P2V(0x40e) << 4;
    uint64_t found = ebda ? scan_for_rsdp(ebda, ebda + 1024) : 0;
    return found ? found : scan_for_rsdp(0xe0000, 0x100000);
}

static void report_madt(const struct madt_info *m)
{
    char line[160];
    int n = snprintf(line, sizeof(line), "acpi: MADT lists %d CPU%s (APIC ids", m->cpu_count,
                     m->cpu_count == 1 ? "" : "s");
    for (int i = 0; i < m->cpu_count && n < (int)sizeof(line); i++)
        n += snprintf(line + n, sizeof(line) - n, " %u", m->apic_ids[i]);
    pr_info("%s)%s\n", line, m->has_8259 ? ", and 8259 PICs" : "");
    if (m->cpus_left_out)
        pr_warn("acpi: %d more CPUs left out (beyond %d, or x2APIC ids)\n", m->cpus_left_out,
                MAX_CPUS);
    for (int i = 0; i < m->ioapic_count; i++)
        pr_info("acpi: I/O APIC %u at %#x, interrupts from GSI %u\n", m->ioapics[i].id,
                m->ioapics[i].address, m->ioapics[i].gsi_base);
    n = 0;
    for (int i = 0; i < m->override_count && n < (int)sizeof(line); i++)
        n += snprintf(line + n, sizeof(line) - n, " IRQ%u->GSI%u%s", m->overrides[i].irq,
                      m->overrides[i].gsi,
                      (m->overrides[i].flags & INTI_TRIGGER_MASK) == INTI_LEVEL ? "(level)" : "");
    if (m->override_count)
        pr_info("acpi: ISA IRQ overrides:%s\n", line);
}

void acpi_init(uint64_t rsdp_phys)
{
    if (!rsdp_phys)
        rsdp_phys = search_bios_for_rsdp();
    if (rsdp_phys)
        root_table = find_root(P2V(rsdp_phys));
    if (!root_table) {
        pr_warn("acpi: no usable RSDP: one CPU, no ACPI power-off\n");
        return;
    }
    const struct acpi_header *madt = acpi_find_table("APIC");
    if (madt && madt_parse(madt, &acpi_madt))
        report_madt(&acpi_madt);
    else
        pr_warn("acpi: no usable MADT: one CPU\n");
}
