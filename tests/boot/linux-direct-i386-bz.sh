#!/usr/bin/env bash
# The direct-boot test (linux-direct-i386.sh) through the bzImage's own
# 32-bit entry: the kernel's decompressor runs in the guest.
DIRECT_UNPACK=off exec "$(dirname "$0")/linux-direct-i386.sh" "$@"
