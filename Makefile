# pcvm: one non-recursive Makefile. Objects go to $(BUILD) (default build/).
#
#   make            build pcvm, its firmware and tools
#   make run        install what is missing, build, boot the default guest
#                   (Debian amd64 Linux; ARCH=i386 for the 32-bit one)
#   make check      install what is missing, build, run every test
#   make bench      benchmarks (bench/)
#   make difftest   interpreter vs host CPU on N random instructions
#                   (SEED=, CPU=core2duo GROUPS=ssefp,sseint,... for SSE,
#                   MODE=64 CPU=qemu64,+ssse3 for 64-bit code)
#                   (N=1000000, SEED=1 by default)
#   make check-aarch64   cross-build for ARM64 and run the guest tests there
#
# Another build directory: make BUILD=build-san CONFIGURE_FLAGS=--enable-sanitizers

BUILD ?= build
CONFIGURE_FLAGS ?=
V ?= 0
Q := $(if $(filter 1,$(V)),,@)

NOCONFIG_GOALS := clean distclean help
ifeq ($(filter-out $(NOCONFIG_GOALS),$(or $(MAKECMDGOALS),all)),)
SKIP_CONFIG := 1
endif

ifndef SKIP_CONFIG
include $(BUILD)/config.mak
endif

$(BUILD)/config.mak: configure
	$(Q)scripts/install-deps build
	$(Q)./configure $(or $(CONFIGURE_ARGS),--builddir=$(BUILD) $(CONFIGURE_FLAGS))

.DEFAULT_GOAL := all
.PHONY: all run demo check check-unit check-guest check-boot check-aarch64 bench \
	difftest \
	install clean distclean help deps-run deps-check

CFLAGS := -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
	-Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla \
	-fno-strict-aliasing -fwrapv -D_GNU_SOURCE \
	-I$(BUILD) -I. $(OPT_CFLAGS) $(SAN_FLAGS) $(LIB_CFLAGS) $(EXTRA_CFLAGS)
LDFLAGS := $(SAN_FLAGS) $(EXTRA_LDFLAGS)
LIBS := $(LIB_LIBS) -lm
NASM := nasm
# nasm 2.16 leaves %include files out of -MD's list when -o is given, so
# dependencies come from a separate -M pass.
nasm_build = $(NASM) -f bin $(1) -M -MP -MF $(@:.bin=.d) -MT $@ $< && \
	$(NASM) -f bin $(1) -o $@ $<

# Everything but main() goes into one archive that pcvm and the unit tests
# share. Optional parts live in their own files; a feature that is off is
# replaced by its -stub.c twin, so no device file carries an #ifdef.
LIB_SRCS := $(wildcard core/*.c cpu/*.c tcg-lite/*.c hw/*/*.c ui/*.c)
LIB_SRCS := $(filter-out core/main.c %-stub.c,$(LIB_SRCS))
ifeq ($(CONFIG_KVM),yes)
LIB_SRCS += $(wildcard accel/kvm/*.c)
else
LIB_SRCS += accel/kvm-stub.c
endif
ifneq ($(CONFIG_SDL),yes)
LIB_SRCS := $(filter-out ui/sdl.c,$(LIB_SRCS)) ui/sdl-stub.c
endif
ifneq ($(CONFIG_CAPSTONE),yes)
LIB_SRCS := $(filter-out cpu/disas.c,$(LIB_SRCS)) cpu/disas-stub.c
endif
ifneq ($(CONFIG_SLIRP),yes)
LIB_SRCS := $(filter-out hw/net/slirp.c,$(LIB_SRCS)) $(wildcard hw/net/slirp-stub.c)
endif
ifneq ($(CONFIG_LZMA),yes)
LIB_SRCS := $(filter-out hw/pc/kernel_xz.c,$(LIB_SRCS)) hw/pc/kernel_xz-stub.c
endif
LIB_SRCS := $(sort $(wildcard $(LIB_SRCS)))

LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
LIBPCVM := $(BUILD)/libpcvm.a
PCVM := $(BUILD)/pcvm

UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_OBJS := $(UNIT_SRCS:%.c=$(BUILD)/obj/%.o)
UNIT := $(BUILD)/tests/unit/unit
UNIT_SUITES := $(patsubst tests/unit/test_%.c,%,$(wildcard tests/unit/test_*.c))
UNIT_SUITES_H := $(BUILD)/tests/unit/suites.h

GUEST_SRCS := $(wildcard tests/guest/*.asm)
GUEST_BINS := $(GUEST_SRCS:tests/guest/%.asm=$(BUILD)/tests/guest/%.bin)
BIOS_SRCS := $(wildcard bios/*.asm)
BIOS_BINS := $(BIOS_SRCS:bios/%.asm=$(BUILD)/bios/%.bin)
BENCH_SRCS := $(wildcard bench/guest/*.asm)
BENCH_BINS := $(BENCH_SRCS:bench/guest/%.asm=$(BUILD)/bench/%.bin)

TOOL_SRCS := $(wildcard tools/*.c)
TOOLS := $(TOOL_SRCS:tools/%.c=$(BUILD)/tools/%)

all: $(PCVM) $(BIOS_BINS) $(TOOLS)

$(BUILD)/obj/%.o: %.c $(BUILD)/config.mak
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/obj/tests/unit/%.o: tests/unit/%.c $(BUILD)/config.mak
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -Wno-missing-prototypes -I$(BUILD)/tests/unit $(CHECK_CFLAGS) -MMD -MP -c -o $@ $<

# The suite list, regenerated when the set of test files changes.
$(UNIT_SUITES_H): FORCE
	@mkdir -p $(dir $@)
	@printf '%s\n' $(foreach s,$(UNIT_SUITES),'SUITE($(s))') > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

$(BUILD)/obj/tests/unit/main.o: $(UNIT_SUITES_H)

.PHONY: FORCE
FORCE:

$(LIBPCVM): $(LIB_OBJS)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && $(CROSS_PREFIX)ar rcs $@ $^

$(PCVM): $(BUILD)/obj/core/main.o $(LIBPCVM)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tools/%: $(BUILD)/obj/tools/%.o $(LIBPCVM)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# difftest has helpers of its own under tools/difftest/.
DIFFTEST_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard tools/difftest/*.c))
$(BUILD)/tools/difftest: $(BUILD)/obj/tools/difftest.o $(DIFFTEST_OBJS) \
		$(LIBPCVM)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(UNIT): $(UNIT_OBJS) $(LIBPCVM)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(LIBS)

$(BUILD)/tests/guest/%.bin: tests/guest/%.asm
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  NASM    $<")
	$(Q)$(call nasm_build,-I tests/guest/)

$(BUILD)/bios/%.bin: bios/%.asm
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  NASM    $<")
	$(Q)$(call nasm_build,-I bios/)

$(BUILD)/bench/%.bin: bench/guest/%.asm
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  NASM    $<")
	$(Q)$(call nasm_build,-I bench/guest/ -I tests/guest/)

deps-run:
	$(Q)scripts/install-deps run
deps-check:
	$(Q)scripts/install-deps check

# The default guest: Debian's 64-bit Linux (ARCH=i386: the 32-bit one)
# with a busybox shell, fetched on first use (scripts/fetch-guest), booted
# through SeaBIOS with -kernel on the default CPU (qemu64). Leave it with
# `poweroff -f` in the shell, or Ctrl-A x.
# (Only ARCH= on the command line counts: kernel builds often leave an
# ARCH of their own in the environment.)
ifneq ($(origin ARCH),command line)
ARCH := amd64
endif
GUEST_DIR := $(BUILD)/guest/$(ARCH)
run: deps-run all
	$(Q)scripts/fetch-guest $(ARCH) $(GUEST_DIR)
	@echo "pcvm: booting Debian's $(ARCH) Linux on the software CPU;" \
		"'poweroff -f' in the shell (or Ctrl-A x) ends it."
	$(Q)$(PCVM) -nographic -m 256 -kernel $(GUEST_DIR)/vmlinuz \
		-initrd $(GUEST_DIR)/initrd.img -append "console=ttyS0"

# The demo ROM: greets, lists primes, ends itself (status 1 is
# isa-debug-exit's "guest wrote 0": success).
demo: all
	$(Q)$(PCVM) -bios $(BUILD)/bios/demo.bin -nographic -debugcon stdio \
		-device isa-debug-exit; st=$$?; [ $$st -eq 1 ] || exit $$st

check: deps-check all $(UNIT) $(GUEST_BINS)
	$(Q)tests/run.sh --build $(BUILD) unit guest guest-kvm cli boot difftest

check-unit: all $(UNIT)
	$(Q)tests/run.sh --build $(BUILD) unit

check-guest: all $(GUEST_BINS)
	$(Q)tests/run.sh --build $(BUILD) guest

# ARM64: cross-build with Debian's gcc-aarch64-linux-gnu and run the unit and
# guest tests under qemu-aarch64-static. Guest binaries are host-independent.
check-aarch64: $(GUEST_BINS)
	$(Q)scripts/install-deps aarch64
	$(Q)$(MAKE) --no-print-directory BUILD=$(BUILD)-aarch64 \
		CONFIGURE_FLAGS="--cross-prefix=aarch64-linux-gnu- --disable-sdl --disable-slirp --disable-kvm" \
		all $(BUILD)-aarch64/tests/unit/unit
	$(Q)tests/run.sh --build $(BUILD)-aarch64 --guest-bins $(BUILD)/tests/guest \
		--wrapper "qemu-aarch64-static -L /usr/aarch64-linux-gnu" unit guest

N ?= 1000000
SEED ?= 1
difftest: $(BUILD)/tools/difftest
	$(Q)$(BUILD)/tools/difftest --seed $(SEED) --count $(N) \
		$(if $(CPU),--cpu $(CPU)) $(if $(GROUPS),--groups $(GROUPS)) \
		$(if $(MODE),--mode $(MODE))

bench: all $(BENCH_BINS)
	$(Q)bench/run.sh --build $(BUILD)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/pcvm
	install -m 755 $(PCVM) $(DESTDIR)$(PREFIX)/bin/pcvm
	$(if $(BIOS_BINS),install -m 644 $(BIOS_BINS) $(DESTDIR)$(PREFIX)/share/pcvm/)
	$(if $(TOOLS),install -m 755 $(TOOLS) $(DESTDIR)$(PREFIX)/bin/)

clean:
	rm -rf $(BUILD)

distclean:
	rm -rf build build-*

help:
	@sed -n '2,10s/^# \{0,1\}//p' Makefile

ifndef SKIP_CONFIG
-include $(LIB_OBJS:.o=.d) $(UNIT_OBJS:.o=.d) $(BUILD)/obj/core/main.d
-include $(TOOL_SRCS:%.c=$(BUILD)/obj/%.d) $(DIFFTEST_OBJS:.o=.d)
-include $(GUEST_BINS:.bin=.d) $(BIOS_BINS:.bin=.d) $(BENCH_BINS:.bin=.d)
endif
