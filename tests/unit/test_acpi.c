// SOURCES: kernel/lib/string.c kernel/lib/printk.c tests/unit/acpi_host.c tests/unit/spinlock_host.c
/* test_acpi.c - reading the MADT (kernel/arch/x86_64/acpi.c): tables built here byte by
 * byte as firmware lays them out (QEMU's for 4 CPUs, plus the odd cases), parsed directly
 * and found through an RSDP and an XSDT (acpi_host.c puts the direct map at address 0).
 */
#include "unit.h"

#include "acpi.h"
#include "printk.h"

static char boot_log[4096]; /* what acpi_init printed, through the printk below */

int printk(const char *fmt, ...)
{
    size_t used = strlen(boot_log);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(boot_log + used, sizeof(boot_log) - used, fmt, ap);
    va_end(ap);
    return n;
}

static bool logged(const char *text)
{
    for (const char *p = boot_log; *p; p++)
        if (strncmp(p, text, strlen(text)) == 0)
            return true;
    return false;
}

static uint8_t madt[1024];
static size_t madt_len;
static struct madt_info info;

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* Make the bytes of a structure of length n add up to 0, with its checksum byte at at. */
static void fix_checksum(uint8_t *p, size_t n, size_t at)
{
    uint8_t sum = 0;
    p[at] = 0;
    for (size_t i = 0; i < n; i++)
        sum += p[i];
    p[at] = (uint8_t)-sum;
}

/* A table header with this signature; the length is set by table_end. */
static void table_begin(uint8_t *t, const char *signature)
{
    memset(t, 0, 36);
    memcpy(t, signature, 4);
    t[8] = 1;
    memcpy(t + 10, "NESTTS", 6);
}

static void table_end(uint8_t *t, size_t length)
{
    put32(t + 4, (uint32_t)length);
    fix_checksum(t, length, 9);
}

/* A MADT header: local APIC at 0xfee00000, flags. */
static void madt_begin(uint32_t flags)
{
    memset(madt, 0, sizeof(madt));
    table_begin(madt, "APIC");
    put32(madt + 36, 0xfee00000);
    put32(madt + 40, flags);
    madt_len = 44;
}

static void madt_local_apic(uint8_t uid, uint8_t apic_id, uint32_t flags)
{
    uint8_t *e = madt + madt_len;
    e[0] = 0, e[1] = 8, e[2] = uid, e[3] = apic_id;
    put32(e + 4, flags);
    madt_len += 8;
}

static void madt_io_apic(uint8_t id, uint32_t address, uint32_t gsi_base)
{
    uint8_t *e = madt + madt_len;
    e[0] = 1, e[1] = 12, e[2] = id, e[3] = 0;
    put32(e + 4, address);
    put32(e + 8, gsi_base);
    madt_len += 12;
}

static void madt_override(uint8_t irq, uint32_t gsi, uint16_t flags)
{
    uint8_t *e = madt + madt_len;
    e[0] = 2, e[1] = 10, e[2] = 0, e[3] = irq;
    put32(e + 4, gsi);
    put16(e + 8, flags);
    madt_len += 10;
}

static void madt_x2apic(uint32_t x2apic_id, uint32_t flags)
{
    uint8_t *e = madt + madt_len;
    memset(e, 0, 16);
    e[0] = 9, e[1] = 16;
    put32(e + 4, x2apic_id);
    put32(e + 8, flags);
    madt_len += 16;
}

/* The entry QEMU's local APIC NMI line (type 4): to be skipped. */
static void madt_lapic_nmi(void)
{
    uint8_t *e = madt + madt_len;
    e[0] = 4, e[1] = 6, e[2] = 0xff, e[3] = 0, e[4] = 0, e[5] = 1;
    madt_len += 6;
}

/* What QEMU's q35/pc machine gives for -smp 4: four CPUs, one I/O APIC, five overrides. */
static void build_qemu_madt(void)
{
    madt_begin(1);
    for (uint8_t i = 0; i < 4; i++)
        madt_local_apic(i, i, 1);
    madt_io_apic(0, 0xfec00000, 0);
    madt_override(0, 2, 0);
    madt_override(5, 5, 0xd);
    madt_override(9, 9, 0xd);
    madt_override(10, 10, 0xd);
    madt_override(11, 11, 0xd);
    madt_lapic_nmi();
    table_end(madt, madt_len);
}

TEST(qemu_madt_gives_four_cpus_an_io_apic_and_overrides)
{
    build_qemu_madt();
    CHECK(madt_parse((const struct acpi_header *)madt, &info));
    CHECK(info.found);
    CHECK_EQ(info.local_apic_address, 0xfee00000);
    CHECK(info.has_8259);
    CHECK_EQ(info.cpu_count, 4);
    for (int i = 0; i < 4; i++)
        CHECK_EQ(info.apic_ids[i], i);
    CHECK_EQ(info.cpus_left_out, 0);
    CHECK_EQ(info.ioapic_count, 1);
    CHECK_EQ(info.ioapics[0].id, 0);
    CHECK_EQ(info.ioapics[0].address, 0xfec00000);
    CHECK_EQ(info.ioapics[0].gsi_base, 0);
    CHECK_EQ(info.override_count, 5);
    CHECK_EQ(info.overrides[0].irq, 0);
    CHECK_EQ(info.overrides[0].gsi, 2);
    CHECK_EQ(info.overrides[1].irq, 5);
    CHECK_EQ(info.overrides[1].flags, 0xd);
}

TEST(disabled_cpus_are_left_out_and_ids_need_not_be_dense)
{
    madt_begin(0);
    madt_local_apic(0, 0, 1);
    madt_local_apic(1, 2, 0); /* present in the table, but not enabled (hot-plug slot) */
    madt_local_apic(2, 6, 1);
    table_end(madt, madt_len);
    CHECK(madt_parse((const struct acpi_header *)madt, &info));
    CHECK(!info.has_8259);
    CHECK_EQ(info.cpu_count, 2);
    CHECK_EQ(info.apic_ids[0], 0);
    CHECK_EQ(info.apic_ids[1], 6);
}

TEST(x2apic_entries_add_cpus_xapic_can_address_and_count_the_rest)
{
    madt_begin(0);
    madt_local_apic(0, 0, 1);
    madt_x2apic(0, 1);   /* the same CPU again: counted once */
    madt_x2apic(7, 1);   /* an xAPIC-addressable id */
    madt_x2apic(300, 1); /* only reachable in x2APIC mode, which nest does not use */
    table_end(madt, madt_len);
    CHECK(madt_parse((const struct acpi_header *)madt, &info));
    CHECK_EQ(info.cpu_count, 2);
    CHECK_EQ(info.apic_ids[1], 7);
    CHECK_EQ(info.cpus_left_out, 1);
}

TEST(more_cpus_than_max_cpus_are_counted_not_kept)
{
    madt_begin(0);
    for (int i = 0; i < MAX_CPUS + 3; i++)
        madt_local_apic((uint8_t)i, (uint8_t)i, 1);
    table_end(madt, madt_len);
    CHECK(madt_parse((const struct acpi_header *)madt, &info));
    CHECK_EQ(info.cpu_count, MAX_CPUS);
    CHECK_EQ(info.cpus_left_out, 3);
}

TEST(local_apic_address_override_replaces_the_32_bit_address)
{
    madt_begin(0);
    uint8_t *e = madt + madt_len;
    e[0] = 5, e[1] = 12;
    put64(e + 4, 0x1fee00000ULL);
    madt_len += 12;
    table_end(madt, madt_len);
    CHECK(madt_parse((const struct acpi_header *)madt, &info));
    CHECK_EQ(info.local_apic_address, 0x1fee00000ULL);
}

TEST(malformed_entry_lengths_are_rejected)
{
    madt_begin(0);
    madt_local_apic(0, 0, 1);
    madt[madt_len] = 0, madt[madt_len + 1] = 0; /* length 0: a parser would loop forever */
    madt_len += 8;
    table_end(madt, madt_len);
    CHECK(!madt_parse((const struct acpi_header *)madt, &info));
    CHECK_EQ(info.cpu_count, 0);

    madt_begin(0);
    madt_local_apic(0, 0, 1);
    madt[madt_len] = 0, madt[madt_len + 1] = 40; /* runs past the table's end */
    madt_len += 8;
    table_end(madt, madt_len);
    CHECK(!madt_parse((const struct acpi_header *)madt, &info));
}

TEST(a_table_that_is_not_a_madt_is_rejected)
{
    build_qemu_madt();
    memcpy(madt, "FACP", 4);
    CHECK(!madt_parse((const struct acpi_header *)madt, &info));
    CHECK(!info.found);
}

static uint8_t xsdt[64], rsdp[36];

/* An ACPI 2.0 RSDP naming an XSDT with one entry, table (host pointers as physical). */
static void build_rsdp_and_xsdt(const void *table)
{
    table_begin(xsdt, "XSDT");
    put64(xsdt + 36, (uint64_t)(uintptr_t)table);
    table_end(xsdt, 44);
    memset(rsdp, 0, sizeof(rsdp));
    memcpy(rsdp, "RSD PTR ", 8);
    rsdp[15] = 2;
    put32(rsdp + 20, sizeof(rsdp));
    put64(rsdp + 24, (uint64_t)(uintptr_t)xsdt);
    fix_checksum(rsdp, 20, 8);
    fix_checksum(rsdp, sizeof(rsdp), 32);
}

TEST(acpi_init_finds_the_madt_through_rsdp_and_xsdt)
{
    build_qemu_madt();
    build_rsdp_and_xsdt(madt);
    boot_log[0] = 0;
    acpi_init((uint64_t)(uintptr_t)rsdp);
    CHECK(acpi_find_table("APIC") == (const struct acpi_header *)madt);
    CHECK(acpi_find_table("FACP") == NULL);
    CHECK(acpi_madt.found);
    CHECK_EQ(acpi_madt.cpu_count, 4);
    CHECK(logged("acpi: MADT lists 4 CPUs (APIC ids 0 1 2 3), and 8259 PICs\n"));
    CHECK(logged("acpi: I/O APIC 0 at 0xfec00000, interrupts from GSI 0\n"));
    CHECK(logged("IRQ0->GSI2 IRQ5->GSI5(level)"));
}

TEST(a_table_with_a_bad_checksum_is_not_found)
{
    build_qemu_madt();
    madt[9]++;
    build_rsdp_and_xsdt(madt);
    memset(&acpi_madt, 0, sizeof(acpi_madt)); /* what an earlier test left */
    acpi_init((uint64_t)(uintptr_t)rsdp);
    CHECK(acpi_find_table("APIC") == NULL);
    CHECK(!acpi_madt.found);
}

TEST(isa_irqs_without_an_override_arrive_as_themselves_active_high_edge)
{
    build_qemu_madt();
    CHECK(madt_parse((const struct acpi_header *)madt, &info));
    for (int irq = 1; irq < 16; irq++) {
        if (irq == 5 || irq == 9 || irq == 10 || irq == 11)
            continue; /* overridden */
        struct isa_irq_route r = madt_isa_route(&info, irq);
        CHECK_EQ(r.gsi, irq);
        CHECK(!r.active_low);
        CHECK(!r.level);
    }
}

TEST(overrides_move_irq0_to_gsi2_and_make_pci_irqs_level_triggered)
{
    build_qemu_madt();
    CHECK(madt_parse((const struct acpi_header *)madt, &info));
    struct isa_irq_route timer = madt_isa_route(&info, 0);
    CHECK_EQ(timer.gsi, 2);
    CHECK(!timer.active_low); /* flags 0: as ISA says */
    CHECK(!timer.level);
    struct isa_irq_route sci = madt_isa_route(&info, 9);
    CHECK_EQ(sci.gsi, 9);
    CHECK(!sci.active_low); /* 0xd: polarity 1, active high; trigger 3, level */
    CHECK(sci.level);
}

/* Real boards: two I/O APICs (the second from GSI 24), the SCI active low and level, the
 * keyboard explicitly edge and active high, COM1 moved to another input. */
TEST(a_second_io_apic_and_every_kind_of_override_flag)
{
    madt_begin(1);
    madt_local_apic(0, 0, 1);
    madt_io_apic(8, 0xfec00000, 0);
    madt_io_apic(9, 0xfec01000, 24);
    madt_override(0, 2, 0x0);
    madt_override(9, 9, 0xf);   /* active low (3), level (3 << 2) */
    madt_override(1, 1, 0x5);   /* active high (1), edge (1 << 2) */
    madt_override(4, 28, 0x7);  /* active low, edge, at the second I/O APIC's input 4 */
    table_end(madt, madt_len);
    CHECK(madt_parse((const struct acpi_header *)madt, &info));
    CHECK_EQ(info.ioapic_count, 2);
    CHECK_EQ(info.ioapics[1].id, 9);
    CHECK_EQ(info.ioapics[1].address, 0xfec01000);
    CHECK_EQ(info.ioapics[1].gsi_base, 24);
    CHECK_EQ(info.override_count, 4);
    struct isa_irq_route sci = madt_isa_route(&info, 9);
    CHECK(sci.active_low && sci.level);
    struct isa_irq_route keyboard = madt_isa_route(&info, 1);
    CHECK_EQ(keyboard.gsi, 1);
    CHECK(!keyboard.active_low && !keyboard.level);
    struct isa_irq_route com1 = madt_isa_route(&info, 4);
    CHECK_EQ(com1.gsi, 28);
    CHECK(com1.active_low && !com1.level);
}

TEST(a_madt_without_io_apic_lists_none_and_routes_nothing_elsewhere)
{
    madt_begin(1);
    madt_local_apic(0, 0, 1);
    table_end(madt, madt_len);
    CHECK(madt_parse((const struct acpi_header *)madt, &info));
    CHECK_EQ(info.ioapic_count, 0); /* ioapic.c then leaves the PICs in charge */
    CHECK_EQ(info.override_count, 0);
    CHECK_EQ(madt_isa_route(&info, 4).gsi, 4);
}

int main(void)
{
    RUN(qemu_madt_gives_four_cpus_an_io_apic_and_overrides);
    RUN(disabled_cpus_are_left_out_and_ids_need_not_be_dense);
    RUN(x2apic_entries_add_cpus_xapic_can_address_and_count_the_rest);
    RUN(more_cpus_than_max_cpus_are_counted_not_kept);
    RUN(local_apic_address_override_replaces_the_32_bit_address);
    RUN(malformed_entry_lengths_are_rejected);
    RUN(a_table_that_is_not_a_madt_is_rejected);
    RUN(acpi_init_finds_the_madt_through_rsdp_and_xsdt);
    RUN(a_table_with_a_bad_checksum_is_not_found);
    RUN(isa_irqs_without_an_override_arrive_as_themselves_active_high_edge);
    RUN(overrides_move_irq0_to_gsi2_and_make_pci_irqs_level_triggered);
    RUN(a_second_io_apic_and_every_kind_of_override_flag);
    RUN(a_madt_without_io_apic_lists_none_and_routes_nothing_elsewhere);
    UNIT_EXIT();
}
