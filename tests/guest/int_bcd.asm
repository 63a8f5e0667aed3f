; BCD adjustments in real mode: DAA DAS AAA AAS AAM AAD with exact results
; and flags, including the undefined ones as P6-family and later CPUs set
; them (docs/cpu-flags.md: OF clear after DAA/DAS/AAA/AAS, SF ZF PF from
; AL after AAA/AAS, AAS borrowing into AH, AAD flagging its addition);
; AAM 0 raises #DE. The expected values were taken from the host CPU.
; expect: int_bcd: ok
%include "guest.inc"
%include "int.inc"

; BCD op, AX in, flags in, AX out, flags out
%macro BCD 5
        SETF %3
        mov ax, %2
        %1
        CHECKF FL_ARITH, %5
        CHECK ax, %4
%endmacro

        TEST_START
        INT_SETUP

        BCD daa, 0x0079, 0, 0x0079, 0
        BCD daa, 0x009a, 0, 0x0000, FL_CF | FL_AF | FL_ZF | FL_PF
        BCD daa, 0x0015, FL_CF | FL_AF, 0x007b, FL_CF | FL_AF | FL_PF
        BCD daa, 0x0099, FL_CF, 0x00f9, FL_CF | FL_SF | FL_PF
        BCD daa, 0x00a0, 0, 0x0000, FL_CF | FL_ZF | FL_PF
        BCD daa, 0x008f, FL_OF, 0x0095, FL_SF | FL_AF | FL_PF

        BCD das, 0x0000, 0, 0x0000, FL_ZF | FL_PF
        BCD das, 0x001f, 0, 0x0019, FL_AF
        BCD das, 0x0090, FL_CF, 0x0030, FL_CF | FL_PF
        BCD das, 0x00aa, FL_AF, 0x0044, FL_CF | FL_AF | FL_PF
        BCD das, 0x0001, FL_AF | FL_OF, 0x00fb, FL_CF | FL_AF | FL_SF

        BCD aaa, 0x000b, 0, 0x0101, FL_CF | FL_AF
        BCD aaa, 0x00fa, 0, 0x0200, FL_CF | FL_AF | FL_ZF | FL_PF
        BCD aaa, 0x0005, FL_AF, 0x010b, FL_CF | FL_AF
        BCD aaa, 0x0105, FL_CF | FL_OF, 0x0105, FL_PF

        BCD aas, 0x0000, FL_AF, 0xfe0a, FL_CF | FL_AF | FL_PF
        BCD aas, 0x020b, 0, 0x0105, FL_CF | FL_AF | FL_PF
        BCD aas, 0x0105, FL_CF, 0x0105, FL_PF

        BCD {aam 10}, 0x004f, FL_ARITH, 0x0709, FL_PF
        BCD {aam 10}, 0x0000, 0, 0x0000, FL_ZF | FL_PF
        BCD {aam 16}, 0x00ff, 0, 0x0f0f, FL_PF
        BCD {aam 7}, 0x0064, 0, 0x0e02, 0
        BCD {aad 10}, 0x0907, 0, 0x0061, FL_AF
        BCD {aad 10}, 0x1a0f, 0, 0x0013, FL_AF
        BCD {aad 7}, 0x2345, 0, 0x003a, FL_CF | FL_PF
        BCD {aad 0}, 0x12ff, 0, 0x00ff, FL_SF | FL_PF
        BCD {aad 255}, 0xffff, 0, 0x0000, FL_CF | FL_AF | FL_ZF | FL_PF

        mov ax, 0x1234
        EXC 0, aam 0
        CHECK ax, 0x1234

        PUTS "int_bcd: ok", 10
        PASS

        GUEST_LIB
        INT_LIB
        ROM_END
