#!/usr/bin/env bash
# A Multiboot (v1) kernel through SeaBIOS and pcvm's Multiboot option ROM,
# as QEMU boots hobby-OS and teaching kernels: -kernel takes the kernel,
# -append its command line, -initrd "file args,file" the modules. The
# kernel (multiboot/kernel.asm) checks the machine state the specification
# promises at entry and prints the information structure; the output must
# match exactly.
set -u
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v nasm >/dev/null || { echo "SKIP: nasm is missing"; exit 77; }
nasm -f bin -o "$tmp/kernel.bin" "$here/multiboot/kernel.asm" || exit 1
printf 'hello module one\n' >"$tmp/one.txt"
head -c 10000 /dev/zero | tr '\0' 'x' >"$tmp/two.bin"

timeout 120 "$build/pcvm" -nographic -m 64 -no-reboot -serial null \
    -kernel "$tmp/kernel.bin" -append "hello world" \
    -initrd "$tmp/one.txt arg=1,$tmp/two.bin" \
    -debugcon "file:$tmp/out" -device isa-debug-exit </dev/null 2>"$tmp/err"
status=$?

cat >"$tmp/want" <<WANT
flags 0000024d
mem lower 639 KiB upper 64512 KiB
cmdline "$tmp/kernel.bin hello world"
modules 2
module $tmp/one.txt arg=1 length 17 sum 1574
module $tmp/two.bin length 10000 sum 1200000
mmap 0000000000000000 + 000000000009fc00 type 1
mmap 000000000009fc00 + 0000000000000400 type 2
mmap 00000000000f0000 + 0000000000010000 type 2
mmap 0000000000100000 + 0000000003f00000 type 1
loader pcvm
WANT
# The kernel ends through isa-debug-exit with 0: pcvm's status (0 << 1) | 1.
if [ "$status" -ne 1 ] || ! diff -u "$tmp/want" "$tmp/out"; then
    echo "pcvm exit status $status, expected 1 (the kernel's checks held)"
    cat "$tmp/out" "$tmp/err"
    exit 1
fi
echo "PASS: the Multiboot kernel ran with its command line, 2 modules and the memory map"
