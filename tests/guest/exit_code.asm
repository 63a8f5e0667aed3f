; The guest chooses pcvm's exit status: writing 3 to isa-debug-exit gives
; (3 << 1) | 1 = 7.
; expect-exit: 7
; expect: bye
%include "guest.inc"

        TEST_START
        PUTS "bye", 10
        mov al, 3
        out DEBUG_EXIT, al
        jmp guest_hang

        GUEST_LIB
        ROM_END
