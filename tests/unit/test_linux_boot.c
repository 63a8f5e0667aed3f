/* Linux boot-protocol image preparation. */
#include "tests/unit/unit.h"

#include <stdlib.h>
#include <string.h>

#include "hw/pc/linux_boot.h"

#define IMG_SIZE (64 * 1024)

/* A fake bzImage: 4 setup sectors + header, then "kernel" bytes. */
static uint8_t *fake_image(uint16_t protocol, uint8_t loadflags,
                           uint32_t initrd_max, uint32_t cmdline_max)
{
    uint8_t *img = calloc(1, IMG_SIZE);
    img[0x1f1] = 4;
    img[0x1fe] = 0x55;
    img[0x1ff] = 0xaa;
    memcpy(img + 0x202, "HdrS", 4);
    img[0x206] = protocol & 0xff;
    img[0x207] = protocol >> 8;
    img[0x211] = loadflags;
    memcpy(img + 0x22c, &initrd_max, 4);
    memcpy(img + 0x238, &cmdline_max, 4);
    for (int i = 5 * 512; i < IMG_SIZE; i++) {
        img[i] = (uint8_t)i;
    }
    return img;
}

static uint32_t rd32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

START_TEST(test_prepare_splits_and_patches)
{
    uint8_t *img = fake_image(0x020f, 0x01, 0x7fffffff, 2048);
    uint8_t initrd[10000];
    memset(initrd, 0x5a, sizeof(initrd));
    LinuxBootImage li;
    char err[200];
    ck_assert_int_eq(linux_boot_prepare(img, IMG_SIZE, initrd, sizeof(initrd),
                                        "console=ttyS0", 128 << 20, &li, err,
                                        sizeof(err)), 0);
    ck_assert_uint_eq(li.protocol, 0x020f);
    ck_assert_uint_eq(li.setup_size, 5 * 512);
    ck_assert_uint_eq(li.kernel_size, IMG_SIZE - 5 * 512);
    ck_assert_ptr_eq(li.kernel, img + 5 * 512);
    ck_assert_uint_eq(li.kernel_addr, 0x100000);
    ck_assert_str_eq(li.cmdline, "console=ttyS0");
    ck_assert_uint_eq(li.cmdline_size, 14);
    /* The initrd sits page-aligned below the ACPI reserve at RAM's top. */
    ck_assert_uint_eq(li.initrd_addr % 4096, 0);
    ck_assert_uint_le(li.initrd_addr + li.initrd_size,
                      (128u << 20) - LINUX_ACPI_RESERVE);
    ck_assert_uint_gt(li.initrd_addr + li.initrd_size + 4096,
                      (128u << 20) - LINUX_ACPI_RESERVE - 1);
    /* Patched header fields. */
    ck_assert_uint_eq(li.setup[0x210], 0xff);
    ck_assert_uint_eq(li.setup[0x211], 0x81);
    ck_assert_uint_eq(rd32(li.setup + 0x228), LINUX_CMDLINE_ADDR);
    ck_assert_uint_eq(rd32(li.setup + 0x218), li.initrd_addr);
    ck_assert_uint_eq(rd32(li.setup + 0x21c), sizeof(initrd));
    ck_assert_uint_eq(li.setup[0x224] | li.setup[0x225] << 8, 0xfe00);
    /* The caller's image is untouched. */
    ck_assert_uint_eq(img[0x210], 0);
    linux_boot_free(&li);
    free(img);
}
END_TEST

START_TEST(test_initrd_addr_max_honoured)
{
    uint8_t *img = fake_image(0x0204, 0x01, 0x00ffffff, 255);
    static uint8_t initrd[4096 * 3];
    LinuxBootImage li;
    char err[200];
    ck_assert_int_eq(linux_boot_prepare(img, IMG_SIZE, initrd, sizeof(initrd),
                                        "", 512u << 20, &li, err, sizeof(err)),
                     0);
    ck_assert_uint_le(li.initrd_addr + li.initrd_size, 0x01000000);
    linux_boot_free(&li);
    free(img);
}
END_TEST

START_TEST(test_rejects_bad_images)
{
    LinuxBootImage li;
    char err[200];
    uint8_t *img = fake_image(0x0201, 0x01, 0, 0);
    ck_assert_int_eq(linux_boot_prepare(img, IMG_SIZE, NULL, 0, "", 64 << 20,
                                        &li, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "too old"));
    free(img);

    img = fake_image(0x020f, 0x00, 0x7fffffff, 255); /* zImage */
    ck_assert_int_eq(linux_boot_prepare(img, IMG_SIZE, NULL, 0, "", 64 << 20,
                                        &li, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "zImage"));

    /* Not a kernel at all. */
    uint8_t junk[1024] = {0};
    ck_assert_int_eq(linux_boot_prepare(junk, sizeof(junk), NULL, 0, "",
                                        64 << 20, &li, err, sizeof(err)), -1);
    /* Truncated right after the header. */
    ck_assert_int_eq(linux_boot_prepare(img, 0x300, NULL, 0, "", 64 << 20,
                                        &li, err, sizeof(err)), -1);
    free(img);

    /* Command line longer than the kernel accepts. */
    img = fake_image(0x020f, 0x01, 0x7fffffff, 8);
    ck_assert_int_eq(linux_boot_prepare(img, IMG_SIZE, NULL, 0,
                                        "console=ttyS0", 64 << 20, &li, err,
                                        sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "at most 8"));
    /* Kernel or initrd that do not fit in RAM. */
    ck_assert_int_eq(linux_boot_prepare(img, IMG_SIZE, NULL, 0, "", 0x100000,
                                        &li, err, sizeof(err)), -1);
    static uint8_t big[2 << 20];
    ck_assert_int_eq(linux_boot_prepare(img, IMG_SIZE, big, sizeof(big), "",
                                        2 << 20, &li, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "initrd"));
    free(img);
}
END_TEST

Suite *suite_linux_boot(void)
{
    Suite *s = suite_create("linux_boot");
    TCase *tc = tcase_create("bzimage");
    tcase_add_test(tc, test_prepare_splits_and_patches);
    tcase_add_test(tc, test_initrd_addr_max_honoured);
    tcase_add_test(tc, test_rejects_bad_images);
    suite_add_tcase(s, tc);
    return s;
}
