/* The kernel forms direct boot loads itself: ELF vmlinux parsing, payload
 * decompression (gzip, xz), and linux_direct_prepare() on an unpacked
 * bzImage and on a bare vmlinux. */
#include "tests/unit/unit.h"
#include "tests/unit/le_bytes.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "config.h"
#include "hw/pc/kernel_elf.h"
#include "hw/pc/kernel_unpack.h"
#include "hw/pc/linux_direct.h"
#include "hw/pc/pc_direct.h"

#if CONFIG_LZMA
#include <lzma.h>
#endif

#define MIB (1024u * 1024u)


typedef struct Seg {
    uint64_t paddr, filesz, memsz;
    uint8_t fill;
} Seg;

/* An x86 ELF executable with @n PT_LOAD segments (a PT_NOTE first); the
 * segment data follows the headers, each byte its segment's fill. */
static uint8_t *make_elf(bool is64, uint64_t entry, const Seg *segs, int n,
                         size_t *size)
{
    unsigned eh = is64 ? 64 : 52, ph = is64 ? 56 : 32, w = is64 ? 8 : 4;
    size_t off = eh + (size_t)(n + 1) * ph, total = off;
    for (int i = 0; i < n; i++) {
        total += segs[i].filesz;
    }
    uint8_t *e = calloc(1, total);
    memcpy(e, "\177ELF", 4);
    e[4] = is64 ? 2 : 1;
    e[5] = 1;
    e[6] = 1;
    le_wr(e + 16, 2, 2);                       /* ET_EXEC */
    le_wr(e + 18, is64 ? 62 : 3, 2);
    le_wr(e + 20, 1, 4);
    le_wr(e + 24, entry, w);
    le_wr(e + 24 + w, eh, w);                  /* e_phoff */
    le_wr(e + 42 + 3 * (w - 4), ph, 2);
    le_wr(e + 44 + 3 * (w - 4), (uint64_t)n + 1, 2);
    uint8_t *p = e + eh;
    le_wr(p, 4, 4);                            /* PT_NOTE: skipped */
    p += ph;
    for (int i = 0; i < n; i++, p += ph) {
        le_wr(p, 1, 4);
        if (is64) {
            le_wr(p + 8, off, 8);
            le_wr(p + 16, 0xffffffff80000000ULL + segs[i].paddr, 8);
            le_wr(p + 24, segs[i].paddr, 8);
            le_wr(p + 32, segs[i].filesz, 8);
            le_wr(p + 40, segs[i].memsz, 8);
        } else {
            le_wr(p + 4, off, 4);
            le_wr(p + 8, 0xc0000000u + segs[i].paddr, 4);
            le_wr(p + 12, segs[i].paddr, 4);
            le_wr(p + 16, segs[i].filesz, 4);
            le_wr(p + 20, segs[i].memsz, 4);
        }
        memset(e + off, segs[i].fill, segs[i].filesz);
        off += segs[i].filesz;
    }
    *size = total;
    return e;
}

static const Seg two_segs[2] = {
    {0x1000000, 0x3000, 0x3000, 0xaa},
    {0x1400000, 0x1000, 0x5000, 0xbb},
};

START_TEST(test_elf_parse)
{
    char err[200];
    for (int is64 = 0; is64 < 2; is64++) {
        size_t size;
        uint8_t *e = make_elf(is64, 0x1000000, two_segs, 2, &size);
        KernelElf k;
        ck_assert_int_eq(kernel_elf_parse(e, size, &k, err, sizeof(err)), 0);
        ck_assert(k.is64 == is64);
        ck_assert_uint_eq(k.entry, 0x1000000);
        ck_assert_int_eq(k.nsegs, 2);
        ck_assert_uint_eq(k.seg[0].paddr, 0x1000000);
        ck_assert_uint_eq(k.seg[0].filesz, 0x3000);
        ck_assert_uint_eq(k.seg[0].data[0], 0xaa);
        ck_assert_uint_eq(k.seg[1].paddr, 0x1400000);
        ck_assert_uint_eq(k.seg[1].memsz, 0x5000);
        ck_assert_uint_eq(k.seg[1].data[0xfff], 0xbb);
        ck_assert_uint_eq(k.lo, 0x1000000);
        ck_assert_uint_eq(k.hi, 0x1405000);
        /* Truncated: the second segment's bytes are missing. */
        ck_assert_int_eq(kernel_elf_parse(e, size - 1, &k, err, sizeof(err)),
                         -1);
        ck_assert_str_eq(err, "bad PT_LOAD segment 2");
        /* Another machine. */
        e[18] = 40;  /* EM_ARM */
        ck_assert_int_eq(kernel_elf_parse(e, size, &k, err, sizeof(err)), -1);
        ck_assert_str_eq(err, "not an x86 ELF executable");
        free(e);
    }
    /* Overlapping segments, memsz below filesz. */
    Seg bad[2] = {{0x1000000, 0x3000, 0x3000, 1}, {0x1002000, 0x10, 0x10, 2}};
    size_t size;
    KernelElf k;
    uint8_t *e = make_elf(true, 0x1000000, bad, 2, &size);
    ck_assert_int_eq(kernel_elf_parse(e, size, &k, err, sizeof(err)), -1);
    ck_assert_str_eq(err, "PT_LOAD segment 2 overlaps another");
    free(e);
    bad[1] = (Seg){0x1100000, 0x20, 0x10, 2};
    e = make_elf(false, 0x1000000, bad, 2, &size);
    ck_assert_int_eq(kernel_elf_parse(e, size, &k, err, sizeof(err)), -1);
    free(e);
    ck_assert_int_eq(kernel_elf_parse((const uint8_t *)"MZ", 2, &k, err,
                                      sizeof(err)), -1);
}
END_TEST

/* @data gzip-compressed, with the little-endian size appended as the
 * kernel's build does. */
static uint8_t *gzip_payload(const uint8_t *data, size_t n, size_t *len)
{
    uLong cap = compressBound(n) + 64;
    uint8_t *out = malloc(cap + 4);
    z_stream z;
    memset(&z, 0, sizeof(z));
    ck_assert_int_eq(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8,
                                  Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (Bytef *)(uintptr_t)data;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
    size_t clen = z.total_out;
    deflateEnd(&z);
    le_wr(out + clen, n, 4);
    *len = clen + 4;
    return out;
}

START_TEST(test_unpack_gzip)
{
    size_t size, len, got;
    uint8_t *e = make_elf(true, 0x1000000, two_segs, 2, &size);
    uint8_t *pay = gzip_payload(e, size, &len), *out;
    char err[200];
    ck_assert_int_eq(kernel_unpack(pay, len, 1 << 20, &out, &got, err,
                                   sizeof(err)), 0);
    ck_assert_uint_eq(got, size);
    ck_assert_mem_eq(out, e, size);
    free(out);
    /* The appended size must match, and stay under the limit. */
    le_wr(pay + len - 4, size + 1, 4);
    ck_assert_int_eq(kernel_unpack(pay, len, 1 << 20, &out, &got, err,
                                   sizeof(err)), -1);
    ck_assert_str_eq(err, "gzip: corrupt or truncated payload");
    ck_assert_ptr_null(out);
    le_wr(pay + len - 4, size, 4);
    ck_assert_int_eq(kernel_unpack(pay, len, size - 1, &out, &got, err,
                                   sizeof(err)), -1);
    /* Corrupt data. */
    pay[len / 2] ^= 0x55;
    ck_assert_int_eq(kernel_unpack(pay, len, 1 << 20, &out, &got, err,
                                   sizeof(err)), -1);
    /* Formats pcvm does not unpack are named. */
    memcpy(pay, "\x28\xb5\x2f\xfd", 4);
    ck_assert_int_eq(kernel_unpack(pay, len, 1 << 20, &out, &got, err,
                                   sizeof(err)), -1);
    ck_assert_str_eq(err, "a zstd-compressed kernel (pcvm unpacks gzip and "
                          "xz)");
    free(pay);
    free(e);
}
END_TEST

START_TEST(test_unpack_xz)
{
    size_t size, got;
    uint8_t *e = make_elf(false, 0x1000000, two_segs, 2, &size), *out;
    char err[200];
#if CONFIG_LZMA
    size_t cap = size + 4096, len = 0;
    uint8_t *pay = malloc(cap);
    ck_assert_int_eq(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, NULL, e,
                                             size, pay, &len, cap - 4),
                     LZMA_OK);
    le_wr(pay + len, size, 4);
    ck_assert_int_eq(kernel_unpack(pay, len + 4, 1 << 20, &out, &got, err,
                                   sizeof(err)), 0);
    ck_assert_uint_eq(got, size);
    ck_assert_mem_eq(out, e, size);
    free(out);
    pay[len - 8] ^= 1;  /* the stream footer's CRC no longer matches */
    ck_assert_int_eq(kernel_unpack(pay, len + 4, 1 << 20, &out, &got, err,
                                   sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "xz: corrupt"));
    free(pay);
#else
    static const uint8_t pay[32] = "\xfd" "7zXZ\0" "\0\0\0\0\0\0\0\0\0\0"
                                   "\0\0\0\0\0\0\0\0\0\0\0\0\x10";
    ck_assert_int_eq(kernel_unpack(pay, sizeof(pay), 1 << 30, &out, &got,
                                   err, sizeof(err)), -1);
    ck_assert_str_eq(err, "an xz-compressed kernel (pcvm was built without "
                          "liblzma)");
#endif
    free(e);
}
END_TEST

/* A bzImage (4 setup sectors, protocol 2.15) whose payload is @payload. */
static uint8_t *fake_bzimage(bool is64, const uint8_t *payload, size_t plen,
                             size_t *size)
{
    size_t setup = 5 * 512, hdr = 0x200;
    *size = setup + hdr + plen;
    uint8_t *img = calloc(1, *size);
    img[HDR_SETUP_SECTS] = 4;
    le_wr(img + HDR_BOOT_FLAG, 0xaa55, 2);
    img[HDR_JUMP] = 0xeb;
    img[HDR_JUMP + 1] = 0x268 - 0x202;
    memcpy(img + HDR_HEADER, "HdrS", 4);
    le_wr(img + HDR_VERSION, 0x020f, 2);
    img[HDR_LOADFLAGS] = LOADFLAG_LOADED_HIGH;
    le_wr(img + HDR_INITRD_ADDR_MAX, 0x7fffffff, 4);
    le_wr(img + HDR_KERNEL_ALIGNMENT, 0x200000, 4);
    img[HDR_RELOCATABLE] = 1;
    le_wr(img + HDR_XLOADFLAGS, is64 ? XLF_KERNEL_64 : 0, 2);
    le_wr(img + HDR_CMDLINE_SIZE, 2047, 4);
    le_wr(img + HDR_PAYLOAD_OFFSET, hdr, 4);
    le_wr(img + HDR_PAYLOAD_LENGTH, plen, 4);
    le_wr(img + HDR_PREF_ADDRESS, 0x1000000, 8);
    le_wr(img + HDR_INIT_SIZE, 0x800000, 4);
    memcpy(img + setup + hdr, payload, plen);
    return img;
}

static int prepare(const uint8_t *img, size_t size, bool unpack,
                   const uint8_t *initrd, size_t isize, const char *cmdline,
                   LinuxDirect *ld, char *err)
{
    static E820Table map;
    ck_assert_int_eq(pc_direct_e820(&map, 64 * MIB, 0, 64 * MIB - 0x10000),
                     0);
    LinuxDirectConfig c = {
        .image = img, .image_size = size, .initrd = initrd,
        .initrd_size = isize, .cmdline = cmdline, .e820 = &map,
        .acpi_rsdp = PC_DIRECT_RSDP, .load_top = 64 * MIB - 0x10000,
        .unpack = unpack,
    };
    return linux_direct_prepare(&c, ld, err, 200);
}

START_TEST(test_direct_unpacked)
{
    size_t esize, plen, isize;
    uint8_t *e = make_elf(true, 0x1000000, two_segs, 2, &esize);
    uint8_t *pay = gzip_payload(e, esize, &plen);
    uint8_t *img = fake_bzimage(true, pay, plen, &isize);
    static uint8_t initrd[8192];
    LinuxDirect ld;
    char err[200];
    ck_assert_int_eq(prepare(img, isize, true, initrd, sizeof(initrd),
                             "quiet", &ld, err), 0);
    ck_assert_int_eq(ld.form, LD_UNPACKED);
    ck_assert(ld.entry64);
    ck_assert_int_eq(ld.nkernel, 2);
    ck_assert_uint_eq(ld.kernel[0].addr, 0x1000000);
    ck_assert_uint_eq(ld.kernel[0].len, 0x3000);
    ck_assert_uint_eq(ld.kernel[0].data[0], 0xaa);
    ck_assert_uint_eq(ld.kernel[1].addr, 0x1400000);
    ck_assert_uint_eq(ld.kernel[1].len, 0x1000);
    ck_assert_uint_eq(ld.kernel[1].size, 0x5000);  /* zeroes to memsz */
    ck_assert_uint_eq(ld.kernel_addr, 0x1000000);
    ck_assert_uint_eq(ld.init_size, 0x405000);
    /* The vmlinux's own entry, in long mode; the bzImage's header. */
    ck_assert_uint_eq(ld.cpu.rip, 0x1000000);
    ck_assert_uint_eq(ld.cpu.efer, 0x500);
    ck_assert_ptr_nonnull(ld.page_tables);
    ck_assert_uint_eq(le_rd(ld.boot_params + HDR_PAYLOAD_LENGTH, 4), plen);
    ck_assert_uint_eq(le_rd(ld.boot_params + HDR_INIT_SIZE, 4), 0x800000);
    ck_assert_uint_eq(ld.boot_params[HDR_TYPE_OF_LOADER], 0xff);
    ck_assert_uint_eq(ld.initrd_addr + sizeof(initrd), 64 * MIB - 0x10000);
    linux_direct_free(&ld);

    /* unpack off: the bzImage entry, the kernel decompressing itself. */
    ck_assert_int_eq(prepare(img, isize, false, NULL, 0, NULL, &ld, err), 0);
    ck_assert_int_eq(ld.form, LD_BZIMAGE);
    ck_assert_uint_eq(ld.cpu.rip, 0x1000200);
    linux_direct_free(&ld);

    /* A 64-bit bzImage holding an ELF32: left to its decompressor. */
    free(img);
    free(pay);
    free(e);
    e = make_elf(false, 0x1000000, two_segs, 2, &esize);
    pay = gzip_payload(e, esize, &plen);
    img = fake_bzimage(true, pay, plen, &isize);
    ck_assert_int_eq(prepare(img, isize, true, NULL, 0, NULL, &ld, err), 0);
    ck_assert_int_eq(ld.form, LD_BZIMAGE);
    ck_assert_str_eq(ld.unpack_err, "the payload is an ELF32 file");
    linux_direct_free(&ld);
    /* An unknown compression: the same. */
    memcpy(img + 5 * 512 + 0x200, "BZh9", 4);
    ck_assert_int_eq(prepare(img, isize, true, NULL, 0, NULL, &ld, err), 0);
    ck_assert_int_eq(ld.form, LD_BZIMAGE);
    ck_assert_ptr_nonnull(strstr(ld.unpack_err, "bzip2"));
    linux_direct_free(&ld);
    free(img);
    free(pay);
    free(e);
}
END_TEST

START_TEST(test_direct_vmlinux)
{
    size_t size;
    uint8_t *e = make_elf(false, 0x1000000, two_segs, 2, &size);
    static uint8_t initrd[4096];
    LinuxDirect ld;
    char err[200];
    ck_assert_int_eq(prepare(e, size, true, initrd, sizeof(initrd), "ro",
                             &ld, err), 0);
    ck_assert_int_eq(ld.form, LD_VMLINUX);
    ck_assert(!ld.entry64);
    ck_assert_ptr_null(ld.page_tables);
    ck_assert_uint_eq(ld.cpu.rip, 0x1000000);
    ck_assert_uint_eq(ld.cpu.cr0, 0x11);
    ck_assert_int_eq(ld.nkernel, 2);
    /* The setup header pcvm writes for it. */
    const uint8_t *bp = ld.boot_params;
    ck_assert_uint_eq(le_rd(bp + HDR_BOOT_FLAG, 2), 0xaa55);
    ck_assert_mem_eq(bp + HDR_HEADER, "HdrS", 4);
    ck_assert_uint_eq(le_rd(bp + HDR_VERSION, 2), 0x020f);
    ck_assert_uint_eq(bp[HDR_TYPE_OF_LOADER], 0xff);
    ck_assert_uint_eq(bp[HDR_LOADFLAGS], 0x81);
    ck_assert_uint_eq(le_rd(bp + HDR_CMDLINE_SIZE, 4), 2047);
    ck_assert_uint_eq(le_rd(bp + HDR_CMD_LINE_PTR, 4), LD_CMDLINE_ADDR);
    ck_assert_uint_eq(le_rd(bp + HDR_RAMDISK_IMAGE, 4), ld.initrd_addr);
    ck_assert_uint_eq(le_rd(bp + HDR_RAMDISK_SIZE, 4), sizeof(initrd));
    ck_assert_uint_eq(le_rd(bp + HDR_CODE32_START, 4), 0x1000000);
    ck_assert_uint_eq(le_rd(bp + BP_ACPI_RSDP_ADDR, 8), PC_DIRECT_RSDP);
    ck_assert_uint_eq(bp[BP_E820_ENTRIES], 8);
    ck_assert_uint_ge(ld.initrd_addr, 0x1405000);
    linux_direct_free(&ld);

    /* The kernel's command-line limit holds here too. */
    char *cmd = malloc(2049);
    memset(cmd, 'x', 2048);
    cmd[2048] = '\0';
    ck_assert_int_eq(prepare(e, size, true, NULL, 0, cmd, &ld, err), -1);
    ck_assert_str_eq(err, "the command line has 2048 characters; this "
                          "kernel takes at most 2047");
    free(cmd);
    free(e);

    /* Segments outside RAM, an entry outside the segments. */
    Seg high = {0x3ff0000, 0x1000, 0x100000, 1};
    e = make_elf(true, 0x3ff0000, &high, 1, &size);
    ck_assert_int_eq(prepare(e, size, true, NULL, 0, NULL, &ld, err), -1);
    ck_assert_ptr_nonnull(strstr(err, "not in RAM between 1 MiB"));
    free(e);
    e = make_elf(true, 0x2000000, two_segs, 2, &size);
    ck_assert_int_eq(prepare(e, size, true, NULL, 0, NULL, &ld, err), -1);
    ck_assert_str_eq(err, "the entry point 0x2000000 is outside the kernel");
    free(e);
}
END_TEST

Suite *suite_kernel_unpack(void)
{
    Suite *s = suite_create("kernel_unpack");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_elf_parse);
    tcase_add_test(tc, test_unpack_gzip);
    tcase_add_test(tc, test_unpack_xz);
    tcase_add_test(tc, test_direct_unpacked);
    tcase_add_test(tc, test_direct_vmlinux);
    suite_add_tcase(s, tc);
    return s;
}
