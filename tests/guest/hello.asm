; The first guest: greet on the debug console and pass.
; expect: Hello from a pcvm guest!
%include "guest.inc"

        TEST_START
        PUTS "Hello from a pcvm guest!", 10
        PASS

        GUEST_LIB
        ROM_END
