#!/usr/bin/env bash
# The 32-bit Linux boot test (linux-i386.sh) on two vCPUs taking turns in
# the software CPU's thread: SeaBIOS and the kernel start the AP through
# INIT/SIPI and the guest runs a job on each CPU.
SMP=2 exec "$(dirname "$0")/linux-i386.sh" "$@"
