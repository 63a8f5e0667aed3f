/* The command line: values, key=value lists, and every error path. */
#include "tests/unit/unit.h"

#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "core/options.h"

#define MAX_ARGS 16

/* Parse a space-separated command line. */
static OptionsResult parse(MachineConfig *cfg, const char *line, char *err,
                           size_t errlen)
{
    static char buf[1024];
    char *argv[MAX_ARGS] = {"pcvm"};
    int argc = 1;
    snprintf(buf, sizeof(buf), "%s", line);
    for (char *save, *t = strtok_r(buf, " ", &save); t && argc < MAX_ARGS;
         t = strtok_r(NULL, " ", &save)) {
        argv[argc++] = t;
    }
    options_init(cfg);
    return options_parse(cfg, argc, argv, err, errlen);
}

static const struct {
    const char *args;
    const char *error_prefix;
} error_cases[] = {
    {"-bogus", "-bogus: unknown option"},
    {"-m", "-m: requires an argument"},
    {"-m abc", "-m: invalid size 'abc'"},
    {"-m 0", "-m: '0' is too small"},
    {"-m 512K", "-m: '512K' is too small"},
    {"-m -5", "-m: invalid size '-5'"},
    {"-m 1X", "-m: invalid size '1X'"},
    {"-m 2048G", "-m: '2048G' is too large"},
    {"-m size=", "-m: invalid size ''"},
    {"-m maxmem=1G", "-m: missing size"},
    {"-smp 0", "-smp: invalid cpus '0'"},
    {"-smp 300", "-smp: invalid cpus '300'"},
    {"-smp 4,sockets=1,cores=1,threads=2", "-smp: topology"},
    {"-smp 2,bogus=1", "-smp: unknown parameter 'bogus'"},
    {"-cpu ", "-cpu: requires an argument"},
    {"-L /nonexistent", "-L: /nonexistent: not a directory"},
    {"-kernel /nonexistent", "-kernel: /nonexistent: No such file"},
    {"-kernel /tmp", "-kernel: /tmp: is a directory"},
    {"-hda /nonexistent", "-hda: /nonexistent: No such file"},
    {"-fdb /nonexistent", "-fdb: /nonexistent: No such file"},
    {"-drive if=ide", "-drive: file= is required"},
    {"-drive file=/nonexistent", "-drive: /nonexistent: No such file"},
    {"-drive file=/dev/null,index=99", "-drive: invalid index '99'"},
    {"-drive file=/dev/null,media=tape", "-drive: unknown media 'tape'"},
    {"-drive file=/dev/null,snapshot=maybe", "-drive: snapshot=maybe"},
    {"-drive file=/dev/null,index=1,", "-drive: 'file=/dev/null,index=1,' ends with a comma"},
    {"-drive file=/dev/null,,", "-drive: /dev/null,: No such file"},
    {"-hda /dev/null -drive file=/dev/null,if=ide,index=0",
     NULL /* -drive with index=0 after -hda: allowed, the board decides */},
    {"-hda /dev/null -hda /dev/null", "-hda: that drive is already given"},
    {"-boot q", "-boot: invalid boot device 'q'"},
    {"-boot order=", "-boot: empty boot order"},
    {"-boot menu=perhaps", "-boot: menu=perhaps"},
    {"-boot splash-time=x", "-boot: invalid splash-time 'x'"},
    {"-serial bogus", "-serial: 'bogus': unknown character device"},
    {"-serial file:", "-serial: 'file:' needs a path"},
    {"-serial tcp:127.0.0.1:0,server", "-serial: 'tcp:127.0.0.1:0,server'"},
    {"-serial tcp:127.0.0.1:99999", "-serial: 'tcp:127.0.0.1:99999'"},
    {"-serial tcp:127.0.0.1:4444,fast", "-serial: 'tcp:127.0.0.1:4444,fast': "
                                       "unknown tcp option 'fast'"},
    {"-serial null -serial null -serial null -serial null -serial null",
     "-serial: at most 4 serial ports"},
    {"-accel xen", "-accel: unknown accelerator 'xen'"},
    {"-accel tcg,interp=sometimes", "-accel: interp=sometimes"},
    {"-machine q35", "-machine: unknown machine 'q35'"},
    {"-machine pc,accel=hax", "-machine: unknown accelerator 'hax'"},
    {"-netdev user", "-netdev: id= is required"},
    {"-netdev bridge,id=n", "-netdev: unknown network backend 'bridge'"},
    {"-netdev user,id=n,hostfwd=bogus", "-netdev: hostfwd=bogus"},
    {"-netdev user,id=n,restrict=x", "-netdev: restrict=x"},
    {"-netdev user,id=n -netdev user,id=n", "-netdev: duplicate id 'n'"},
    {"-nic user,model=rtl8139", "-nic: unknown NIC model 'rtl8139'"},
    {"-device e1000,netdev=nn", "-device: e1000: no -netdev with id 'nn'"},
    {"-device ,x=1", "-device: missing device name"},
    {"-global foo", "-global: 'foo': expected DRIVER.PROPERTY=VALUE"},
    {"-global .x=1", "-global: '.x=1'"},
    {"-d int,bogus", "-d: unknown log category 'bogus'"},
    {"-D ", "-D: requires an argument"},
    {"-icount shift=11", "-icount: invalid shift '11'"},
    {"-icount bogus=1", "-icount: unknown parameter 'bogus'"},
    {"-display vnc", "-display: unknown display 'vnc'"},
    {"-rtc base=soon", "-rtc: base=soon"},
    {"-rtc tz=1", "-rtc: unknown parameter 'tz'"},
    {"-initrd /dev/null", "-initrd: only allowed with -kernel"},
    {"-append x", "-append: only allowed with -kernel"},
    {"-bios /nonexistent", "-bios: /nonexistent: No such file"},
    {"-option-rom /nonexistent", "-option-rom: /nonexistent: No such file"},
};

START_TEST(test_error_messages)
{
    for (size_t i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]); i++) {
        MachineConfig cfg;
        char err[256];
        OptionsResult r = parse(&cfg, error_cases[i].args, err, sizeof(err));
        if (!error_cases[i].error_prefix) {
            ck_assert_msg(r == OPTIONS_OK, "'%s' should parse: %s",
                          error_cases[i].args, err);
        } else {
            ck_assert_msg(r == OPTIONS_ERROR, "'%s' should fail",
                          error_cases[i].args);
            ck_assert_msg(!strncmp(err, error_cases[i].error_prefix,
                                   strlen(error_cases[i].error_prefix)),
                          "'%s': got '%s', want '%s...'", error_cases[i].args,
                          err, error_cases[i].error_prefix);
            ck_assert_msg(!strchr(err, '\n'), "'%s': multi-line error",
                          error_cases[i].args);
        }
        options_free(&cfg);
    }
}
END_TEST

START_TEST(test_defaults)
{
    MachineConfig cfg;
    char err[256];
    ck_assert_int_eq(parse(&cfg, "", err, sizeof(err)), OPTIONS_OK);
    ck_assert_uint_eq(cfg.ram_size, 128ULL << 20);
    ck_assert_int_eq(cfg.smp_cpus, 1);
    ck_assert_int_eq(cfg.accel, ACCEL_AUTO);
    ck_assert(!cfg.icount);
    ck_assert_ptr_null(cfg.bios);
    options_free(&cfg);
}
END_TEST

START_TEST(test_sizes)
{
    static const struct {
        const char *arg;
        uint64_t bytes;
    } cases[] = {
        {"-m 512", 512ULL << 20}, {"-m 512M", 512ULL << 20},
        {"-m 2G", 2ULL << 30},   {"-m 1.5G", 3ULL << 29},
        {"-m 8G", 8ULL << 30},   {"-m size=64M", 64ULL << 20},
        {"-m 1024k", 1ULL << 20}, {"-m 3GiB", 3ULL << 30},
        {"-m 1048577b", (1ULL << 20) + 4096}, /* rounded up to a page */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        MachineConfig cfg;
        char err[256];
        ck_assert_msg(parse(&cfg, cases[i].arg, err, sizeof(err)) ==
                          OPTIONS_OK, "%s: %s", cases[i].arg, err);
        ck_assert_msg(cfg.ram_size == cases[i].bytes, "%s: %llu", cases[i].arg,
                      (unsigned long long)cfg.ram_size);
        options_free(&cfg);
    }
}
END_TEST

START_TEST(test_drives_and_boot)
{
    MachineConfig cfg;
    char err[256];
    ck_assert_int_eq(parse(&cfg, "-hdb /dev/null -cdrom /dev/null "
                                 "-drive file=/dev/null,if=floppy,index=1,"
                                 "format=raw,readonly=on -boot order=dc,menu=on",
                           err, sizeof(err)), OPTIONS_OK);
    ck_assert_int_eq(cfg.ndrives, 3);
    ck_assert_int_eq(cfg.drives[0].iface, DRIVE_IF_IDE);
    ck_assert_int_eq(cfg.drives[0].index, 1);
    ck_assert_int_eq(cfg.drives[1].media, DRIVE_MEDIA_CDROM);
    ck_assert_int_eq(cfg.drives[1].index, 2);
    ck_assert(cfg.drives[1].readonly);
    ck_assert_int_eq(cfg.drives[2].iface, DRIVE_IF_FLOPPY);
    ck_assert_str_eq(cfg.drives[2].format, "raw");
    ck_assert(cfg.drives[2].readonly);
    ck_assert_str_eq(cfg.boot_order, "dc");
    ck_assert(cfg.boot_menu);
    options_free(&cfg);
    /* A bare argument is -hda, QEMU style. */
    ck_assert_int_eq(parse(&cfg, "/dev/null", err, sizeof(err)), OPTIONS_OK);
    ck_assert_int_eq(cfg.ndrives, 1);
    ck_assert_int_eq(cfg.drives[0].index, 0);
    options_free(&cfg);
}
END_TEST

START_TEST(test_chardevs)
{
    MachineConfig cfg;
    char err[256];
    ck_assert_int_eq(parse(&cfg, "-serial mon:stdio -serial file:/tmp/x "
                                 "-serial tcp::4555,server,nowait -debugcon "
                                 "null -monitor none",
                           err, sizeof(err)), OPTIONS_OK);
    ck_assert_int_eq(cfg.nserial, 3);
    ck_assert_int_eq(cfg.serial[0].kind, CHR_STDIO);
    ck_assert(cfg.serial[0].mux_monitor);
    ck_assert_int_eq(cfg.serial[1].kind, CHR_FILE);
    ck_assert_str_eq(cfg.serial[1].path, "/tmp/x");
    ck_assert_int_eq(cfg.serial[2].kind, CHR_TCP);
    ck_assert_str_eq(cfg.serial[2].host, "127.0.0.1");
    ck_assert_int_eq(cfg.serial[2].port, 4555);
    ck_assert(cfg.serial[2].server);
    ck_assert(!cfg.serial[2].wait);
    ck_assert_int_eq(cfg.debugcon.kind, CHR_NULL);
    ck_assert(cfg.monitor_set);
    ck_assert_int_eq(cfg.monitor.kind, CHR_NONE);
    options_free(&cfg);
}
END_TEST

START_TEST(test_network_and_devices)
{
    MachineConfig cfg;
    char err[256];
    ck_assert_int_eq(parse(&cfg, "-netdev user,id=n0,hostfwd=tcp:127.0.0.1:"
                                 "2222-:22,restrict=on -device e1000,netdev=n0,"
                                 "mac=52:54:00:12:34:56 -global "
                                 "isa-debugcon.iobase=0x402",
                           err, sizeof(err)), OPTIONS_OK);
    ck_assert_int_eq(cfg.nnetdevs, 1);
    ck_assert_str_eq(cfg.netdevs[0].id, "n0");
    ck_assert_int_eq(cfg.netdevs[0].nhostfwd, 1);
    ck_assert(cfg.netdevs[0].restrict_net);
    ck_assert_int_eq(cfg.ndevices, 1);
    ck_assert_str_eq(cfg.devices[0].driver, "e1000");
    ck_assert_str_eq(device_prop(&cfg.devices[0], "mac"), "52:54:00:12:34:56");
    ck_assert_ptr_null(device_prop(&cfg.devices[0], "nope"));
    ck_assert_str_eq(config_global(&cfg, "isa-debugcon", "iobase"), "0x402");
    ck_assert_ptr_null(config_global(&cfg, "isa-debugcon", "x"));
    options_free(&cfg);
    /* -nic makes both a backend and the card. */
    ck_assert_int_eq(parse(&cfg, "-nic user,model=e1000,hostfwd=tcp::8080-:80",
                           err, sizeof(err)), OPTIONS_OK);
    ck_assert_int_eq(cfg.nnetdevs, 1);
    ck_assert_int_eq(cfg.ndevices, 1);
    ck_assert_str_eq(device_prop(&cfg.devices[0], "netdev"),
                     cfg.netdevs[0].id);
    options_free(&cfg);
}
END_TEST

START_TEST(test_accel_icount_logging)
{
    MachineConfig cfg;
    char err[256];
    ck_assert_int_eq(parse(&cfg, "-accel tcg,interp=on -icount shift=5 -d "
                                 "int,cpu -no-reboot -name demo",
                           err, sizeof(err)), OPTIONS_OK);
    ck_assert_int_eq(cfg.accel, ACCEL_TCG);
    ck_assert(cfg.accel_interp);
    ck_assert(cfg.icount);
    ck_assert_int_eq(cfg.icount_shift, 5);
    ck_assert_uint_eq(cfg.log_mask, (1ULL << LOG_INT) | (1ULL << LOG_CPU));
    ck_assert(cfg.no_reboot);
    ck_assert_str_eq(cfg.name, "demo");
    options_free(&cfg);
    ck_assert_int_eq(parse(&cfg, "-enable-kvm", err, sizeof(err)), OPTIONS_OK);
    ck_assert_int_eq(cfg.accel, ACCEL_KVM);
    options_free(&cfg);
    ck_assert_int_eq(parse(&cfg, "--machine pc,accel=kvm:tcg", err,
                           sizeof(err)), OPTIONS_OK);
    ck_assert_int_eq(cfg.accel, ACCEL_AUTO);
    options_free(&cfg);
}
END_TEST

START_TEST(test_value_parsers)
{
    uint64_t v;
    bool b;
    ck_assert_int_eq(parse_uint("0x3f8", &v), 0);
    ck_assert_uint_eq(v, 0x3f8);
    ck_assert_int_eq(parse_uint("017", &v), 0);
    ck_assert_uint_eq(v, 15);
    ck_assert_int_eq(parse_uint("", &v), -1);
    ck_assert_int_eq(parse_uint("12a", &v), -1);
    ck_assert_int_eq(parse_uint("-1", &v), -1);
    ck_assert_int_eq(parse_uint("99999999999999999999", &v), -1);
    ck_assert_int_eq(parse_bool("on", &b), 0);
    ck_assert(b);
    ck_assert_int_eq(parse_bool("false", &b), 0);
    ck_assert(!b);
    ck_assert_int_eq(parse_bool("1", &b), -1);
    ck_assert_int_eq(parse_size("1T", 20, &v), 0);
    ck_assert_uint_eq(v, 1ULL << 40);
    ck_assert_int_eq(parse_size("99999999T", 20, &v), -1);
}
END_TEST

START_TEST(test_log_mask)
{
    uint64_t m;
    const char *bad;
    size_t bad_len;
    ck_assert_int_eq(log_parse_mask("in_asm,exec", &m, &bad, &bad_len), 0);
    ck_assert_uint_eq(m, (1ULL << LOG_IN_ASM) | (1ULL << LOG_EXEC));
    ck_assert_int_eq(log_parse_mask("int,,cpu", &m, &bad, &bad_len), -1);
    ck_assert_int_eq(log_parse_mask("mmu,mm", &m, &bad, &bad_len), -1);
    ck_assert_int_eq((int)bad_len, 2);
    ck_assert_int_eq(log_parse_mask("all", &m, &bad, &bad_len), 0);
    ck_assert(m & (1ULL << LOG_MMU));
    ck_assert(!(m & (1ULL << LOG_NOCHAIN))); /* a behaviour, not a trace */
    Log log = {.mask = 1ULL << LOG_INT};
    ck_assert(log_enabled(&log, LOG_INT));
    ck_assert(!log_enabled(&log, LOG_CPU));
    ck_assert(!log_enabled(NULL, LOG_INT));
}
END_TEST

Suite *suite_options(void)
{
    Suite *s = suite_create("options");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, test_error_messages);
    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_sizes);
    tcase_add_test(tc, test_drives_and_boot);
    tcase_add_test(tc, test_chardevs);
    tcase_add_test(tc, test_network_and_devices);
    tcase_add_test(tc, test_accel_icount_logging);
    tcase_add_test(tc, test_value_parsers);
    tcase_add_test(tc, test_log_mask);
    suite_add_tcase(s, tc);
    return s;
}
