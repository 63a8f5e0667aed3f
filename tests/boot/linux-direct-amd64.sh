#!/usr/bin/env bash
# The direct-boot test (linux-direct-i386.sh) with Debian's amd64 kernel:
# pcvm unpacks its vmlinux and enters the kernel proper's 64-bit entry in
# long mode, on identity-mapped page tables.
# boot-interp: yes (tests/run.sh runs it under the interpreter too)
DIRECT_ARCH=amd64 exec "$(dirname "$0")/linux-direct-i386.sh" "$@"
