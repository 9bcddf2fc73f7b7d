/* loader.c - nest's UEFI loader, BOOTX64.EFI, built with gnu-efi.
 *
 * The firmware runs it from \EFI\BOOT\BOOTX64.EFI. It reads \nest\kernel.elf, every
 * \nest\*.cpio (in name order) and \nest\cmdline.txt from the same volume, copies the kernel
 * to the physical addresses its ELF program headers name, describes the machine in a
 * struct boot_info (kernel/include/boot_info.h), leaves the firmware with ExitBootServices
 * and jumps to the kernel. The kernel's first page tables and the jump itself are in paging.c.
 */
#include <efi.h>
#include <efilib.h>

#include "boot_info.h"

#define LOW_MEMORY_TOP 0xffffffffULL  /* highest byte below 4 GiB, the identity-mapped range */
#define KERNEL_STACK_SIZE (16 * 1024) /* the stack the kernel is entered on */
#define MAP_SLACK_DESCRIPTORS 16      /* room for descriptors that appear after sizing the map */

/* From paging.c. */
EFI_STATUS build_page_tables(UINT64 *pml4_address);
BOOLEAN range_is_mapped(UINT64 vaddr, UINT64 paddr, UINT64 size);
BOOLEAN four_level_paging(void);
__attribute__((noreturn)) void enter_kernel(UINT64 pml4, UINT64 stack_top, UINT64 entry,
                                            UINT64 boot_info);

/* The parts of an ELF64 file the loader reads (see the System V ABI, chapter 4). */
struct elf64_header {
    UINT8 ident[16]; /* "\177ELF", class, data encoding, version, ABI, padding */
    UINT16 type;     /* ET_EXEC for a kernel linked at fixed addresses */
    UINT16 machine;  /* EM_X86_64 */
    UINT32 version;
    UINT64 entry; /* virtual address of the first instruction */
    UINT64 phoff; /* file offset of the program header table */
    UINT64 shoff;
    UINT32 flags;
    UINT16 ehsize;
    UINT16 phentsize; /* size of one program header */
    UINT16 phnum;     /* number of program headers */
    UINT16 shentsize, shnum, shstrndx;
};

struct elf64_program_header {
    UINT32 type; /* PT_LOAD: copy this segment into memory */
    UINT32 flags;
    UINT64 offset; /* where the segment's bytes start in the file */
    UINT64 vaddr;  /* where the kernel expects them (virtual) */
    UINT64 paddr;  /* where the loader puts them (physical) */
    UINT64 filesz; /* bytes present in the file */
    UINT64 memsz;  /* bytes in memory; the rest past filesz is zero (bss) */
    UINT64 align;
};

#define ELF_CLASS_64 2
#define ELF_DATA_LITTLE_ENDIAN 1
#define ELF_TYPE_EXEC 2
#define ELF_MACHINE_X86_64 62
#define ELF_SEGMENT_LOAD 1

/* Everything enter_kernel() needs, gathered while boot services still run. */
struct handoff {
    UINT64 entry;            /* kernel.elf's e_entry */
    UINT64 pml4;             /* physical address of the kernel's first PML4 */
    UINT64 stack_top;        /* top of the kernel's first stack */
    struct boot_info *info;  /* filled in as the files are read */
};

/* A buffer for the firmware's memory map and the last snapshot taken into it. */
struct memory_map {
    UINT8 *buffer;
    UINTN capacity;        /* bytes allocated */
    UINTN size;            /* bytes filled by the last GetMemoryMap */
    UINTN key;             /* names that snapshot for ExitBootServices */
    UINTN descriptor_size; /* stride between descriptors; may exceed the C struct's size */
    UINT32 descriptor_version;
};

/* ---- Console ---------------------------------------------------------------------------- */

/* Wait until a key is pressed on the firmware console and swallow it. */
static void wait_for_key(void)
{
    EFI_INPUT_KEY key;
    ST->ConIn->Reset(ST->ConIn, FALSE);
    WaitForSingleEvent(ST->ConIn->WaitForKey, 0);
    ST->ConIn->ReadKeyStroke(ST->ConIn, &key);
}

/* Give up: the reason is already on screen; let the user read it, then return to firmware.
 * Pages allocated so far stay allocated; the firmware goes on to its next boot option. */
static EFI_STATUS fail(EFI_STATUS status)
{
    Print(L"nest-efi: boot failed (%r); press a key to return to the firmware\n", status);
    wait_for_key();
    return status;
}

/* ---- Memory ----------------------------------------------------------------------------- */

/* Allocate zeroed pages below 4 GiB for something the kernel keeps. EfiLoaderData is the
 * type the memory map reports as reserved, so the kernel will not hand these pages out. */
static EFI_STATUS allocate_low_pages(UINTN pages, UINT64 *address)
{
    EFI_PHYSICAL_ADDRESS base = LOW_MEMORY_TOP;
    EFI_STATUS status = BS->AllocatePages(AllocateMaxAddress, EfiLoaderData, pages, &base);
    if (EFI_ERROR(status))
        return status;
    ZeroMem((void *)base, pages * EFI_PAGE_SIZE);
    *address = base;
    return EFI_SUCCESS;
}

/* Check that this loader runs where the kernel's page tables will still map it. */
static EFI_STATUS check_loader_placement(EFI_LOADED_IMAGE *loaded)
{
    UINT64 end = (UINT64)loaded->ImageBase + loaded->ImageSize;
    if (end > LOW_MEMORY_TOP + 1) {
        Print(L"nest-efi: loaded at 0x%lx, above 4 GiB: switching to the kernel's page tables "
              L"would unmap this code\n",
              (UINT64)loaded->ImageBase);
        return EFI_UNSUPPORTED;
    }
    if (!four_level_paging()) {
        Print(L"nest-efi: the firmware uses five-level paging; nest's tables are four-level\n");
        return EFI_UNSUPPORTED;
    }
    return EFI_SUCCESS;
}

/* ---- Files ------------------------------------------------------------------------------ */

/* Open the root directory of the volume this loader was read from. */
static EFI_STATUS open_boot_volume(EFI_LOADED_IMAGE *loaded, EFI_FILE_HANDLE *root)
{
    EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *volume;
    EFI_STATUS status =
        BS->HandleProtocol(loaded->DeviceHandle, &FileSystemProtocol, (void **)&volume);
    if (EFI_ERROR(status)) {
        Print(L"nest-efi: the boot device has no file system: %r\n", status);
        return status;
    }
    status = volume->OpenVolume(volume, root);
    if (EFI_ERROR(status))
        Print(L"nest-efi: cannot open the boot volume: %r\n", status);
    return status;
}

/* Read the file's size from its EFI_FILE_INFO. */
static EFI_STATUS file_size(EFI_FILE_HANDLE file, UINT64 *size)
{
    EFI_FILE_INFO *info = LibFileInfo(file);
    if (info == NULL)
        return EFI_DEVICE_ERROR;
    *size = info->FileSize;
    FreePool(info);
    return EFI_SUCCESS;
}

/* Read exactly size bytes from the file's current position. */
static EFI_STATUS read_exact(EFI_FILE_HANDLE file, void *buffer, UINT64 size)
{
    UINT8 *next = buffer;
    while (size > 0) {
        UINTN chunk = size;
        EFI_STATUS status = file->Read(file, &chunk, next);
        if (EFI_ERROR(status))
            return status;
        if (chunk == 0)
            return EFI_END_OF_FILE;
        next += chunk;
        size -= chunk;
    }
    return EFI_SUCCESS;
}

/* Read a whole file into pool memory (boot-services data: gone once the kernel runs). */
static EFI_STATUS read_file(EFI_FILE_HANDLE dir, CHAR16 *path, UINT8 **data, UINT64 *size)
{
    EFI_FILE_HANDLE file;
    EFI_STATUS status = dir->Open(dir, &file, path, EFI_FILE_MODE_READ, 0);
    if (EFI_ERROR(status)) {
        Print(L"nest-efi: cannot open %s: %r\n", path, status);
        return status;
    }
    status = file_size(file, size);
    if (!EFI_ERROR(status)) {
        *data = AllocatePool(*size ? *size : 1);
        status = *data ? read_exact(file, *data, *size) : EFI_OUT_OF_RESOURCES;
    }
    if (EFI_ERROR(status))
        Print(L"nest-efi: cannot read %s: %r\n", path, status);
    file->Close(file);
    return status;
}

/* ---- The kernel ------------------------------------------------------------------------- */

/* Report what is wrong with kernel.elf; return the status for it. */
static EFI_STATUS bad_kernel(CHAR16 *problem)
{
    Print(L"nest-efi: \\nest\\kernel.elf: %s\n", problem);
    return EFI_LOAD_ERROR;
}

/* Check the ELF header: a 64-bit little-endian x86-64 executable whose program header
 * table lies inside the file. */
static EFI_STATUS check_elf_header(const UINT8 *file, UINT64 size)
{
    const struct elf64_header *elf = (const void *)file;
    if (size < sizeof(*elf))
        return bad_kernel(L"too short for an ELF header");
    if (elf->ident[0] != 0x7f || elf->ident[1] != 'E' || elf->ident[2] != 'L' ||
        elf->ident[3] != 'F')
        return bad_kernel(L"not an ELF file (bad magic)");
    if (elf->ident[4] != ELF_CLASS_64)
        return bad_kernel(L"not ELF64");
    if (elf->ident[5] != ELF_DATA_LITTLE_ENDIAN)
        return bad_kernel(L"not little-endian");
    if (elf->machine != ELF_MACHINE_X86_64)
        return bad_kernel(L"not an x86-64 file");
    if (elf->type != ELF_TYPE_EXEC)
        return bad_kernel(L"not an executable (ET_EXEC)");
    if (elf->phentsize != sizeof(struct elf64_program_header))
        return bad_kernel(L"unexpected program header size");
    if (elf->phoff > size || elf->phnum > (size - elf->phoff) / elf->phentsize)
        return bad_kernel(L"program headers outside the file");
    return EFI_SUCCESS;
}

/* The program header table of a file check_elf_header() accepted. */
static const struct elf64_program_header *program_headers(const UINT8 *file)
{
    const struct elf64_header *elf = (const void *)file;
    return (const void *)(file + elf->phoff);
}

/* Check one PT_LOAD segment: its bytes are in the file and our page tables will map it. */
static EFI_STATUS check_segment(const struct elf64_program_header *segment, UINT64 size)
{
    if (segment->filesz > size || segment->offset > size - segment->filesz)
        return bad_kernel(L"a segment lies outside the file");
    if (segment->filesz > segment->memsz)
        return bad_kernel(L"a segment has more file bytes than memory bytes");
    if (!range_is_mapped(segment->vaddr, segment->paddr, segment->memsz)) {
        Print(L"nest-efi: \\nest\\kernel.elf: segment at virtual 0x%lx, physical 0x%lx is not "
              L"mapped by the loader's page tables (higher half below 1 GiB, or identity below "
              L"4 GiB)\n",
              segment->vaddr, segment->paddr);
        return EFI_LOAD_ERROR;
    }
    return EFI_SUCCESS;
}

/* Check every loadable segment and the entry point; find the physical range they span. */
static EFI_STATUS check_segments(const UINT8 *file, UINT64 size, UINT64 *low, UINT64 *high)
{
    const struct elf64_header *elf = (const void *)file;
    const struct elf64_program_header *segments = program_headers(file);
    BOOLEAN entry_found = FALSE;

    *low = ~0ULL;
    *high = 0;
    for (UINTN i = 0; i < elf->phnum; i++) {
        const struct elf64_program_header *segment = &segments[i];
        if (segment->type != ELF_SEGMENT_LOAD || segment->memsz == 0)
            continue;
        EFI_STATUS status = check_segment(segment, size);
        if (EFI_ERROR(status))
            return status;
        if (segment->paddr < *low)
            *low = segment->paddr;
        if (segment->paddr + segment->memsz > *high)
            *high = segment->paddr + segment->memsz;
        if (elf->entry >= segment->vaddr && elf->entry - segment->vaddr < segment->memsz)
            entry_found = TRUE;
    }
    if (*high == 0)
        return bad_kernel(L"no loadable segments");
    if (!entry_found)
        return bad_kernel(L"the entry point is not inside a loadable segment");
    return EFI_SUCCESS;
}

/* Claim physical [low, high) at exactly those addresses, then copy in every PT_LOAD segment.
 * The range is zeroed first, which also clears each segment's bss (memsz past filesz). */
static EFI_STATUS copy_segments(const UINT8 *file, UINT64 low, UINT64 high)
{
    const struct elf64_header *elf = (const void *)file;
    const struct elf64_program_header *segments = program_headers(file);
    EFI_PHYSICAL_ADDRESS base = low & ~(UINT64)(EFI_PAGE_SIZE - 1);
    UINTN pages = EFI_SIZE_TO_PAGES(high - base);

    EFI_STATUS status = BS->AllocatePages(AllocateAddress, EfiLoaderData, pages, &base);
    if (EFI_ERROR(status)) {
        Print(L"nest-efi: cannot claim physical 0x%lx-0x%lx for the kernel: %r\n", low, high,
              status);
        return status;
    }
    ZeroMem((void *)base, pages * EFI_PAGE_SIZE);
    for (UINTN i = 0; i < elf->phnum; i++) {
        const struct elf64_program_header *segment = &segments[i];
        if (segment->type == ELF_SEGMENT_LOAD && segment->memsz != 0)
            CopyMem((void *)segment->paddr, file + segment->offset, segment->filesz);
    }
    return EFI_SUCCESS;
}

/* Read, check and place \nest\kernel.elf; return its entry point. */
static EFI_STATUS load_kernel(EFI_FILE_HANDLE root, UINT64 *entry)
{
    UINT8 *file;
    UINT64 size, low, high;
    EFI_STATUS status = read_file(root, L"\\nest\\kernel.elf", &file, &size);
    if (EFI_ERROR(status))
        return status;
    status = check_elf_header(file, size);
    if (!EFI_ERROR(status))
        status = check_segments(file, size, &low, &high);
    if (!EFI_ERROR(status))
        status = copy_segments(file, low, high);
    if (!EFI_ERROR(status)) {
        *entry = ((const struct elf64_header *)file)->entry;
        Print(L"nest-efi: kernel.elf %ld bytes, entry 0x%lx, physical 0x%lx-0x%lx\n", size,
              *entry, low, high);
    }
    FreePool(file);
    return status;
}

/* ---- Command line ----------------------------------------------------------------------- */

/* Make the command line one line: control characters (newlines, CR, tabs) become spaces and
 * trailing spaces go, so an editor's final newline does not reach the kernel. */
static void clean_cmdline(char *cmdline)
{
    UINTN length = 0;
    for (UINTN i = 0; cmdline[i] != '\0'; i++) {
        if ((UINT8)cmdline[i] < ' ' || cmdline[i] == 0x7f)
            cmdline[i] = ' ';
        if (cmdline[i] != ' ')
            length = i + 1;
    }
    cmdline[length] = '\0';
}

/* Read \nest\cmdline.txt into cmdline (BOOT_CMDLINE_MAX bytes, zeroed); missing means empty. */
static EFI_STATUS read_cmdline(EFI_FILE_HANDLE root, char *cmdline)
{
    EFI_FILE_HANDLE file;
    UINT64 size;
    EFI_STATUS status = root->Open(root, &file, L"\\nest\\cmdline.txt", EFI_FILE_MODE_READ, 0);
    if (status == EFI_NOT_FOUND) {
        Print(L"nest-efi: no \\nest\\cmdline.txt, empty command line\n");
        return EFI_SUCCESS;
    }
    if (EFI_ERROR(status)) {
        Print(L"nest-efi: cannot open \\nest\\cmdline.txt: %r\n", status);
        return status;
    }
    status = file_size(file, &size);
    if (!EFI_ERROR(status) && size > BOOT_CMDLINE_MAX - 1) {
        Print(L"nest-efi: cmdline.txt has %ld bytes, using the first %d\n", size,
              BOOT_CMDLINE_MAX - 1);
        size = BOOT_CMDLINE_MAX - 1;
    }
    if (!EFI_ERROR(status))
        status = read_exact(file, cmdline, size);
    file->Close(file);
    if (EFI_ERROR(status)) {
        Print(L"nest-efi: cannot read \\nest\\cmdline.txt: %r\n", status);
        return status;
    }
    clean_cmdline(cmdline);
    Print(L"nest-efi: cmdline \"%a\"\n", cmdline);
    return EFI_SUCCESS;
}

/* ---- Modules ---------------------------------------------------------------------------- */

/* Room for one directory entry: the fixed part plus a FAT long name (255 characters + NUL). */
#define DIRECTORY_ENTRY_SIZE (SIZE_OF_EFI_FILE_INFO + 256 * sizeof(CHAR16))

/* The module file names found in \nest, kept sorted. */
struct module_list {
    CHAR16 names[BOOT_MAX_MODULES][BOOT_NAME_MAX];
    UINTN count;
    UINTN dropped; /* .cpio files past the first BOOT_MAX_MODULES in name order */
};

/* Does the name end in ".cpio" (in any case: FAT names are case-insensitive)? */
static BOOLEAN is_cpio_name(const CHAR16 *name)
{
    static const CHAR16 suffix[] = L".cpio";
    const UINTN suffix_length = sizeof(suffix) / sizeof(suffix[0]) - 1;
    UINTN length = StrLen(name);
    if (length <= suffix_length)
        return FALSE;
    for (UINTN i = 0; i < suffix_length; i++) {
        CHAR16 c = name[length - suffix_length + i];
        if (c >= 'A' && c <= 'Z')
            c += 'a' - 'A';
        if (c != suffix[i])
            return FALSE;
    }
    return TRUE;
}

/* Insert name in sorted position; when the list is full the name sorting last is dropped. */
static void add_module_name(struct module_list *list, const CHAR16 *name)
{
    UINTN position = 0;
    if (StrLen(name) >= BOOT_NAME_MAX) {
        Print(L"nest-efi: ignoring %s: name longer than %d characters\n", name,
              BOOT_NAME_MAX - 1);
        return;
    }
    while (position < list->count && StrCmp(list->names[position], name) < 0)
        position++;
    if (list->count == BOOT_MAX_MODULES) {
        list->dropped++;
        if (position == BOOT_MAX_MODULES)
            return;
        list->count--;
    }
    for (UINTN i = list->count; i > position; i--)
        StrCpy(list->names[i], list->names[i - 1]);
    StrCpy(list->names[position], name);
    list->count++;
}

/* Read the directory and collect the names of its .cpio files, sorted. Reading a directory
 * handle returns one EFI_FILE_INFO per call, and 0 bytes at the end. */
static EFI_STATUS list_modules(EFI_FILE_HANDLE dir, struct module_list *list)
{
    UINT64 buffer[DIRECTORY_ENTRY_SIZE / sizeof(UINT64) + 1]; /* EFI_FILE_INFO is 8-aligned */
    EFI_FILE_INFO *entry = (EFI_FILE_INFO *)buffer;

    for (;;) {
        UINTN size = sizeof(buffer);
        EFI_STATUS status = dir->Read(dir, &size, entry);
        if (EFI_ERROR(status))
            return status;
        if (size == 0)
            return EFI_SUCCESS;
        if (!(entry->Attribute & EFI_FILE_DIRECTORY) && is_cpio_name(entry->FileName))
            add_module_name(list, entry->FileName);
    }
}

/* Copy a file name into boot_module.name; non-ASCII characters become '?'. */
static void copy_name(char *to, const CHAR16 *from)
{
    UINTN i;
    for (i = 0; from[i] != 0 && i < BOOT_NAME_MAX - 1; i++)
        to[i] = from[i] < 0x80 ? (char)from[i] : '?';
    to[i] = '\0';
}

/* Load one module file into fresh pages below 4 GiB and describe it in module. */
static EFI_STATUS load_module(EFI_FILE_HANDLE dir, const CHAR16 *name,
                              struct boot_module *module)
{
    EFI_FILE_HANDLE file;
    UINT64 size, start = 0;
    EFI_STATUS status = dir->Open(dir, &file, (CHAR16 *)name, EFI_FILE_MODE_READ, 0);
    if (EFI_ERROR(status)) {
        Print(L"nest-efi: cannot open \\nest\\%s: %r\n", name, status);
        return status;
    }
    status = file_size(file, &size);
    if (!EFI_ERROR(status))
        status = allocate_low_pages(size ? EFI_SIZE_TO_PAGES(size) : 1, &start);
    if (!EFI_ERROR(status))
        status = read_exact(file, (void *)start, size);
    file->Close(file);
    if (EFI_ERROR(status)) {
        Print(L"nest-efi: cannot load \\nest\\%s: %r\n", name, status);
        return status;
    }
    module->start = start;
    module->end = start + size;
    copy_name(module->name, name);
    Print(L"nest-efi: module %s %ld bytes\n", name, size);
    return EFI_SUCCESS;
}

/* Load every \nest\*.cpio, in name order, into info->modules. */
static EFI_STATUS load_modules(EFI_FILE_HANDLE root, struct boot_info *info)
{
    struct module_list list = {.count = 0};
    EFI_FILE_HANDLE dir;
    EFI_STATUS status = root->Open(root, &dir, L"\\nest", EFI_FILE_MODE_READ, 0);
    if (EFI_ERROR(status)) {
        Print(L"nest-efi: cannot open \\nest: %r\n", status);
        return status;
    }
    status = list_modules(dir, &list);
    if (EFI_ERROR(status))
        Print(L"nest-efi: cannot read the directory \\nest: %r\n", status);
    if (list.dropped > 0)
        Print(L"nest-efi: ignoring the last %ld .cpio files in name order (at most %d are "
              L"passed)\n",
              list.dropped, BOOT_MAX_MODULES);
    if (!EFI_ERROR(status) && list.count == 0)
        Print(L"nest-efi: no \\nest\\*.cpio modules\n");
    for (UINTN i = 0; i < list.count && !EFI_ERROR(status); i++) {
        status = load_module(dir, list.names[i], &info->modules[i]);
        info->module_count = i + 1;
    }
    dir->Close(dir);
    return status;
}

/* ---- Framebuffer and ACPI ----------------------------------------------------------------- */

/* Describe the GOP framebuffer in its current mode, if there is one the kernel can draw on. */
static void find_framebuffer(struct boot_framebuffer *fb)
{
    EFI_GRAPHICS_OUTPUT_PROTOCOL *gop;
    if (EFI_ERROR(BS->LocateProtocol(&GraphicsOutputProtocol, NULL, (void **)&gop))) {
        Print(L"nest-efi: no graphics output, no framebuffer\n");
        return;
    }
    EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *mode = gop->Mode->Info;
    switch (mode->PixelFormat) {
    case PixelBlueGreenRedReserved8BitPerColor: /* bytes B, G, R, x: red is bits 16..23 */
        fb->red_shift = 16, fb->green_shift = 8, fb->blue_shift = 0;
        break;
    case PixelRedGreenBlueReserved8BitPerColor: /* bytes R, G, B, x */
        fb->red_shift = 0, fb->green_shift = 8, fb->blue_shift = 16;
        break;
    default:
        Print(L"nest-efi: framebuffer pixel format %d not supported, no framebuffer\n",
              mode->PixelFormat);
        return;
    }
    fb->address = gop->Mode->FrameBufferBase;
    fb->width = mode->HorizontalResolution;
    fb->height = mode->VerticalResolution;
    fb->pitch = mode->PixelsPerScanLine * 4;
    fb->bpp = 32;
    Print(L"nest-efi: framebuffer %dx%d at 0x%lx\n", fb->width, fb->height, fb->address);
}

/* Find the ACPI RSDP among the firmware's configuration tables; prefer the ACPI 2.0 entry. */
static UINT64 find_rsdp(void)
{
    EFI_GUID acpi2 = ACPI_20_TABLE_GUID, acpi1 = ACPI_TABLE_GUID;
    UINT64 rsdp = 0;
    for (UINTN i = 0; i < ST->NumberOfTableEntries; i++) {
        EFI_CONFIGURATION_TABLE *table = &ST->ConfigurationTable[i];
        if (CompareGuid(&table->VendorGuid, &acpi2) == 0) {
            Print(L"nest-efi: ACPI 2.0 RSDP at 0x%lx\n", (UINT64)table->VendorTable);
            return (UINT64)table->VendorTable;
        }
        if (CompareGuid(&table->VendorGuid, &acpi1) == 0)
            rsdp = (UINT64)table->VendorTable;
    }
    if (rsdp)
        Print(L"nest-efi: ACPI 1.0 RSDP at 0x%lx\n", rsdp);
    else
        Print(L"nest-efi: no ACPI RSDP\n");
    return rsdp;
}

/* ---- Memory map ------------------------------------------------------------------------- */

/* What the kernel may do with memory of a UEFI type once boot services are gone. */
static UINT32 boot_memory_type(UINT32 efi_type)
{
    switch (efi_type) {
    case EfiConventionalMemory:
    case EfiLoaderCode:       /* this loader: dead once the kernel runs */
    case EfiBootServicesCode: /* the firmware's boot-time code and data: */
    case EfiBootServicesData: /* free after ExitBootServices */
        return BOOT_MEMORY_USABLE;
    case EfiLoaderData: /* kernel, modules, boot_info, page tables, stack: the kernel keeps */
        return BOOT_MEMORY_RESERVED;
    case EfiACPIReclaimMemory:
        return BOOT_MEMORY_ACPI;
    case EfiACPIMemoryNVS:
        return BOOT_MEMORY_NVS;
    case EfiUnusableMemory:
        return BOOT_MEMORY_BAD;
    default: /* runtime services, MMIO, persistent memory, ... */
        return BOOT_MEMORY_RESERVED;
    }
}

/* Remove the region at index from the table. */
static void remove_region(struct boot_info *info, UINT32 index)
{
    info->memory_region_count--;
    for (UINT32 i = index; i < info->memory_region_count; i++)
        info->memory[i] = info->memory[i + 1];
}

/* Should a region of type_a and length_a be left out before one of type_b and length_b?
 * Unusable regions go first (unlisted memory is never used, so leaving them out is safe),
 * then the smaller one. */
static BOOLEAN drop_before(UINT32 type_a, UINT64 length_a, UINT32 type_b, UINT64 length_b)
{
    BOOLEAN usable_a = type_a == BOOT_MEMORY_USABLE, usable_b = type_b == BOOT_MEMORY_USABLE;
    if (usable_a != usable_b)
        return usable_b;
    return length_a < length_b;
}

/* The table is full and a region of this type and length should go in: remove the listed
 * region that drop_before() ranks first, unless the new one ranks before it. Returns TRUE
 * if there is now room, FALSE if the new region is the one to leave out. */
static BOOLEAN make_room(struct boot_info *info, UINT64 length, UINT32 type)
{
    const struct boot_memory_region *r = info->memory;
    UINT32 victim = 0;
    for (UINT32 i = 1; i < info->memory_region_count; i++)
        if (drop_before(r[i].type, r[i].length, r[victim].type, r[victim].length))
            victim = i;
    if (!drop_before(r[victim].type, r[victim].length, type, length))
        return FALSE;
    remove_region(info, victim);
    return TRUE;
}

/* Put [base, base + length) into the table, which is kept sorted by address, merging it
 * with a neighbour of the same type that it touches. Returns 1 if a region was dropped. */
static UINTN add_region(struct boot_info *info, UINT64 base, UINT64 length, UINT32 type)
{
    struct boot_memory_region *r = info->memory;
    UINT32 i = 0, dropped = 0;

    while (i < info->memory_region_count && r[i].base < base)
        i++;
    if (i > 0 && r[i - 1].type == type && r[i - 1].base + r[i - 1].length == base) {
        r[i - 1].length += length;
        if (i < info->memory_region_count && r[i].type == type && base + length == r[i].base) {
            r[i - 1].length += r[i].length;
            remove_region(info, i);
        }
        return 0;
    }
    if (i < info->memory_region_count && r[i].type == type && base + length == r[i].base) {
        r[i].base = base;
        r[i].length += length;
        return 0;
    }
    if (info->memory_region_count == BOOT_MAX_MEMORY_REGIONS) {
        if (!make_room(info, length, type))
            return 1;
        dropped = 1;
        i = 0; /* a region before the insertion point may have gone: search again */
        while (i < info->memory_region_count && r[i].base < base)
            i++;
    }
    for (UINT32 j = info->memory_region_count; j > i; j--)
        r[j] = r[j - 1];
    r[i] = (struct boot_memory_region){.base = base, .length = length, .type = type};
    info->memory_region_count++;
    return dropped;
}

/* Turn the firmware's memory map into info->memory; return how many regions were dropped.
 * Pure computation on memory we own, so it is safe after ExitBootServices. */
static UINTN convert_memory_map(const struct memory_map *map, struct boot_info *info)
{
    UINTN dropped = 0;
    info->memory_region_count = 0;
    for (UINTN offset = 0; offset < map->size; offset += map->descriptor_size) {
        const EFI_MEMORY_DESCRIPTOR *d = (const void *)(map->buffer + offset);
        dropped += add_region(info, d->PhysicalStart, d->NumberOfPages * EFI_PAGE_SIZE,
                              boot_memory_type(d->Type));
    }
    return dropped;
}

/* Take a snapshot of the memory map into the buffer. It allocates nothing, which is what
 * makes it usable between a failed ExitBootServices and the retry. */
static EFI_STATUS read_memory_map(struct memory_map *map)
{
    map->size = map->capacity;
    return BS->GetMemoryMap(&map->size, (EFI_MEMORY_DESCRIPTOR *)map->buffer, &map->key,
                            &map->descriptor_size, &map->descriptor_version);
}

/* Allocate a buffer for the memory map. The first GetMemoryMap, with no buffer, only tells
 * the size; allocating the buffer can itself split a free region and add descriptors, so
 * leave room for a few more. Then take a first snapshot. */
static EFI_STATUS allocate_memory_map(struct memory_map *map)
{
    UINTN size = 0;
    EFI_STATUS status = BS->GetMemoryMap(&size, NULL, &map->key, &map->descriptor_size,
                                         &map->descriptor_version);
    if (status != EFI_BUFFER_TOO_SMALL)
        return EFI_ERROR(status) ? status : EFI_DEVICE_ERROR;
    map->capacity = size + MAP_SLACK_DESCRIPTORS * map->descriptor_size;
    map->buffer = AllocatePool(map->capacity);
    if (map->buffer == NULL)
        return EFI_OUT_OF_RESOURCES;
    return read_memory_map(map);
}

/* Convert a first snapshot, only to warn (while we still can print) if regions will not fit.
 * The map handed to the kernel is converted again from the final snapshot. */
static EFI_STATUS preview_memory_map(struct memory_map *map, struct boot_info *info)
{
    EFI_STATUS status = allocate_memory_map(map);
    if (EFI_ERROR(status)) {
        Print(L"nest-efi: cannot read the memory map: %r\n", status);
        return status;
    }
    UINTN dropped = convert_memory_map(map, info);
    if (dropped > 0)
        Print(L"nest-efi: memory map has more than %d regions: leaving out the %ld "
              L"smallest (unusable ones first)\n",
              BOOT_MAX_MEMORY_REGIONS, dropped);
    return EFI_SUCCESS;
}

/* Leave boot services. ExitBootServices accepts only the key of the latest memory map: any
 * allocation or free in between (a Print can do one, and so can a firmware timer event)
 * makes the key stale and the call fails with EFI_INVALID_PARAMETER. So the map is read
 * immediately before, and on a stale key read once more and retried. After the first
 * ExitBootServices call, successful or not, GetMemoryMap is the only boot service allowed. */
static EFI_STATUS exit_boot_services(EFI_HANDLE image, struct memory_map *map)
{
    EFI_STATUS status = read_memory_map(map);
    if (EFI_ERROR(status))
        return status;
    status = BS->ExitBootServices(image, map->key);
    if (status != EFI_INVALID_PARAMETER)
        return status;
    status = read_memory_map(map);
    if (EFI_ERROR(status))
        return status;
    return BS->ExitBootServices(image, map->key);
}

/* ---- Putting it together ---------------------------------------------------------------- */

/* Load the kernel, the command line and the modules from the boot volume. */
static EFI_STATUS load_files(EFI_LOADED_IMAGE *loaded, struct handoff *handoff)
{
    EFI_FILE_HANDLE root;
    EFI_STATUS status = open_boot_volume(loaded, &root);
    if (EFI_ERROR(status))
        return status;
    status = load_kernel(root, &handoff->entry);
    if (!EFI_ERROR(status))
        status = read_cmdline(root, handoff->info->cmdline);
    if (!EFI_ERROR(status))
        status = load_modules(root, handoff->info);
    root->Close(root);
    return status;
}

/* Allocate the memory the kernel starts with: boot_info, page tables and stack. */
static EFI_STATUS allocate_kernel_memory(struct handoff *handoff)
{
    UINT64 address;
    EFI_STATUS status = allocate_low_pages(EFI_SIZE_TO_PAGES(sizeof(struct boot_info)), &address);
    if (EFI_ERROR(status)) {
        Print(L"nest-efi: cannot allocate boot_info: %r\n", status);
        return status;
    }
    handoff->info = (struct boot_info *)address;
    handoff->info->loader = NULL; /* the kernel names the loader: a pointer of ours means nothing */

    status = build_page_tables(&handoff->pml4);
    if (EFI_ERROR(status)) {
        Print(L"nest-efi: cannot allocate page tables: %r\n", status);
        return status;
    }
    status = allocate_low_pages(EFI_SIZE_TO_PAGES(KERNEL_STACK_SIZE), &address);
    if (EFI_ERROR(status)) {
        Print(L"nest-efi: cannot allocate the kernel's stack: %r\n", status);
        return status;
    }
    handoff->stack_top = address + KERNEL_STACK_SIZE;
    return EFI_SUCCESS;
}

/* Everything that needs boot services and may fail with a message. */
static EFI_STATUS prepare(EFI_HANDLE image, struct handoff *handoff, struct memory_map *map)
{
    EFI_LOADED_IMAGE *loaded;
    EFI_STATUS status = BS->HandleProtocol(image, &LoadedImageProtocol, (void **)&loaded);
    if (EFI_ERROR(status)) {
        Print(L"nest-efi: no loaded-image protocol: %r\n", status);
        return status;
    }
    status = check_loader_placement(loaded);
    if (!EFI_ERROR(status))
        status = allocate_kernel_memory(handoff);
    if (!EFI_ERROR(status))
        status = load_files(loaded, handoff);
    if (EFI_ERROR(status))
        return status;
    find_framebuffer(&handoff->info->framebuffer);
    handoff->info->acpi_rsdp = find_rsdp();
    return preview_memory_map(map, handoff->info);
}

/* The firmware enters gnu-efi's _start, which applies the image's relocations and calls this
 * with the ordinary System V calling convention (so no EFIAPI here). */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *system_table)
{
    struct handoff handoff;
    struct memory_map map;

    InitializeLib(image, system_table);
    Print(L"nest-efi: nest UEFI loader\n");
    EFI_STATUS status = prepare(image, &handoff, &map);
    if (EFI_ERROR(status))
        return fail(status);

    Print(L"nest-efi: starting kernel\n");
    status = exit_boot_services(image, &map);
    if (EFI_ERROR(status)) {
        /* The console may already be shut down; try anyway, it is all we can do. */
        Print(L"nest-efi: cannot leave boot services: %r\n", status);
        return status;
    }

    /* The firmware's boot services are gone: no Print, no allocation, no protocol call from
     * here on. The memory they used is now free RAM, and the map we just read is final. */
    convert_memory_map(&map, handoff.info);
    enter_kernel(handoff.pml4, handoff.stack_top, handoff.entry, (UINT64)handoff.info);
}
