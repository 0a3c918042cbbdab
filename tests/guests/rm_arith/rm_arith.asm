; rm_arith -- integer arithmetic with exact results and defined flags.
;
; Checks: DAA/DAS/AAA/AAS/AAM/AAD (incl. AAA's AX+106h carry into AH and
; AAM/AAD with a base other than 10), MUL/IMUL (1-, 2- and 3-operand forms)
; and DIV/IDIV at 8/16/32 bits with CF/OF, signed division truncating toward
; zero, shifts and rotates with counts masked to 5 bits, counts >= the
; operand width, count 0 leaving flags alone, RCL/RCR counting modulo 9/17,
; ADC/SBB chains, NEG, INC keeping CF, CBW/CWD/CWDE/CDQ, MOVSX/MOVZX.
; Only flags the SDM defines for each instruction are compared.

%define GUEST_NAME "rm_arith"
%include "rom16.inc"

MEM equ SCRATCH

main:
; ---------------------------------------------------------------- BCD
        xor cx, cx                  ; CF = AF = 0
        mov al, 0x79
        add al, 0x35                ; AEh, AF=0 CF=0
        daa                         ; 79 + 35 = 114 (BCD)
        CHECKFL FL_CF|FL_AF|FL_ZF|FL_SF|FL_PF, FL_CF|FL_AF|FL_PF, "DAA 79+35: flags"
        CHECK al, 0x14, "DAA 79+35: AL"

        mov al, 0x35
        sub al, 0x47                ; EEh, CF=1 AF=1
        das                         ; 35 - 47 = 88 borrow 1
        CHECKFL FL_CF|FL_AF|FL_ZF|FL_SF|FL_PF, FL_CF|FL_AF|FL_SF|FL_PF, "DAS 35-47: flags"
        CHECK al, 0x88, "DAS 35-47: AL"

        mov ax, 0x0009
        add al, 8                   ; 11h, AF=1
        aaa
        CHECKFL FL_CF|FL_AF, FL_CF|FL_AF, "AAA 9+8: flags"
        CHECK ax, 0x0107, "AAA 9+8: AX"

        mov ax, 0x00FA
        add cx, cx                  ; AF = CF = 0 (CX = 0)
        aaa                         ; low nibble Ah > 9: AX + 106h = 0200h
        CHECKFL FL_CF|FL_AF, FL_CF|FL_AF, "AAA AL=FAh: flags"
        CHECK ax, 0x0200, "AAA AL=FAh: AX+106h carries into AH"

        mov ax, 0x0102
        sub al, 5                   ; FDh, AF=1 CF=1
        aas                         ; 12 - 5 = 07
        CHECKFL FL_CF|FL_AF, FL_CF|FL_AF, "AAS 12-5: flags"
        CHECK ax, 0x0007, "AAS 12-5: AX"

        mov ax, 0x003F
        aam                         ; 63 = 6*10 + 3
        CHECKFL FL_ZF|FL_SF|FL_PF, FL_PF, "AAM 63: flags"
        CHECK ax, 0x0603, "AAM 63: AX"
        mov ax, 0x003F
        db 0xD4, 0x10               ; AAM 16
        CHECK ax, 0x030F, "AAM 16: AX"

        mov ax, 0x0607
        aad                         ; 6*10 + 7 = 67 = 43h
        CHECKFL FL_ZF|FL_SF|FL_PF, 0, "AAD 67: flags"
        CHECK ax, 0x0043, "AAD 67: AX"
        mov ax, 0x0203
        db 0xD5, 0x10               ; AAD 16
        CHECK ax, 0x0023, "AAD 16: AX"
        PASS "BCD adjust"

; ---------------------------------------------------------------- MUL / IMUL
        mov al, 200
        mov bl, 3
        mul bl
        CHECKFL FL_CF|FL_OF, FL_CF|FL_OF, "MUL r8 200*3: CF=OF=1"
        CHECK ax, 600, "MUL r8 200*3"
        mov al, 10
        mov bl, 20
        mul bl
        CHECKFL FL_CF|FL_OF, 0, "MUL r8 10*20: CF=OF=0"
        CHECK ax, 200, "MUL r8 10*20"
        mov ax, 0xFFFF
        mov bx, 0xFFFF
        mul bx
        CHECKFL FL_CF|FL_OF, FL_CF|FL_OF, "MUL r16: CF=OF=1"
        CHECK dx, 0xFFFE, "MUL r16 FFFF*FFFF: DX"
        CHECK ax, 0x0001, "MUL r16 FFFF*FFFF: AX"
        mov eax, 0x12345678
        mov ecx, 0x9ABCDEF0
        mul ecx
        CHECK edx, 0x0B00EA4E, "MUL r32: EDX"
        CHECK eax, 0x242D2080, "MUL r32: EAX"
        mov al, 0x80
        mov bl, 0xFF
        imul bl                     ; -128 * -1 = +128: does not fit AL
        CHECKFL FL_CF|FL_OF, FL_CF|FL_OF, "IMUL r8 -128*-1: CF=OF=1"
        CHECK ax, 0x0080, "IMUL r8 -128*-1"
        mov al, 0xFE
        mov bl, 0x05
        imul bl                     ; -2 * 5 = -10 fits
        CHECKFL FL_CF|FL_OF, 0, "IMUL r8 -2*5: CF=OF=0"
        CHECK ax, 0xFFF6, "IMUL r8 -2*5"
        mov bx, 1000
        imul ax, bx, -3
        CHECKFL FL_CF|FL_OF, 0, "IMUL r16,r16,imm8: CF=OF=0"
        CHECK ax, 0xF448, "IMUL r16,r16,imm8 1000*-3"
        mov eax, 0x7FFFFFFF
        mov ecx, 2
        imul eax, ecx
        CHECKFL FL_CF|FL_OF, FL_CF|FL_OF, "IMUL r32,r32 overflow: CF=OF=1"
        CHECK eax, 0xFFFFFFFE, "IMUL r32,r32 7FFFFFFFh*2"
        mov ecx, 0x12345
        imul edx, ecx, 0x10001
        CHECKFL FL_CF|FL_OF, FL_CF|FL_OF, "IMUL r32,r32,imm32: CF=OF=1"
        CHECK edx, 0x23462345, "IMUL r32,r32,imm32"
        mov eax, -12345678
        mov ebx, 1000
        imul ebx
        CHECK edx, 0xFFFFFFFD, "IMUL r32 -12345678*1000: EDX"
        CHECK eax, 0x2023E750, "IMUL r32 -12345678*1000: EAX"
        PASS "MUL and IMUL"

; ---------------------------------------------------------------- DIV / IDIV
        mov ax, 1000
        mov bl, 7
        div bl
        CHECK ax, 0x068E, "DIV r8 1000/7: AH=6 AL=142"
        mov dx, 0x0001
        mov ax, 0x86A0              ; 100000
        mov bx, 300
        div bx
        CHECK ax, 333, "DIV r16 100000/300: quotient"
        CHECK dx, 100, "DIV r16 100000/300: remainder"
        mov edx, 1
        xor eax, eax
        mov ecx, 0x10
        div ecx
        CHECK eax, 0x10000000, "DIV r32 1_0000_0000h/10h: quotient"
        CHECK edx, 0, "DIV r32: remainder"
        mov ax, -100
        mov bl, 7
        idiv bl                     ; -14 rem -2: truncation toward zero
        CHECK ax, 0xFEF2, "IDIV r8 -100/7: AH=-2 AL=-14"
        mov ax, 0xFF80              ; -128 / 1 = -128 just fits
        mov bl, 1
        idiv bl
        CHECK al, 0x80, "IDIV r8 -128/1"
        mov dx, 0xFFFE
        mov ax, 0x7960              ; -100000
        mov bx, 300
        idiv bx
        CHECK ax, 0xFEB3, "IDIV r16 -100000/300: quotient -333"
        CHECK dx, 0xFF9C, "IDIV r16 -100000/300: remainder -100"
        mov eax, -7
        cdq
        CHECK edx, 0xFFFFFFFF, "CDQ of -7"
        mov ecx, 2
        idiv ecx
        CHECK eax, 0xFFFFFFFD, "IDIV r32 -7/2: quotient -3"
        CHECK edx, 0xFFFFFFFF, "IDIV r32 -7/2: remainder -1"
        mov eax, 7
        cdq
        mov ecx, -2
        idiv ecx
        CHECK eax, 0xFFFFFFFD, "IDIV r32 7/-2: quotient -3"
        CHECK edx, 1, "IDIV r32 7/-2: remainder 1"
        mov dword [MEM], 1000
        mov eax, 123456789
        xor edx, edx
        div dword [MEM]
        CHECK eax, 123456, "DIV m32: quotient"
        CHECK edx, 789, "DIV m32: remainder"
        PASS "DIV and IDIV"

; ---------------------------------------------------------------- shifts and rotates
        mov al, 0xFF
        mov cl, 9
        shl al, cl                  ; 8-bit operand, count 9 (not masked)
        CHECKFL FL_ZF|FL_SF, FL_ZF, "SHL r8 by 9: ZF"
        CHECK al, 0, "SHL r8 by 9"
        mov ax, 0x8001
        mov cl, 33                  ; masked to 1
        shl ax, cl
        CHECKFL FL_CF|FL_OF|FL_ZF|FL_SF|FL_PF, FL_CF|FL_OF, "SHL r16 by 33 (=1): flags"
        CHECK ax, 0x0002, "SHL r16 by 33 (=1)"
        mov al, 0x80
        mov cl, 7
        sar al, cl
        CHECKFL FL_CF|FL_ZF|FL_SF|FL_PF, FL_SF|FL_PF, "SAR r8 80h by 7: flags"
        CHECK al, 0xFF, "SAR r8 80h by 7"
        mov eax, 0x12345678
        mov cl, 0x24                ; masked to 4
        shr eax, cl
        CHECKFL FL_CF|FL_ZF|FL_SF|FL_PF, FL_CF, "SHR r32 by 24h (=4): flags"
        CHECK eax, 0x01234567, "SHR r32 by 24h (=4)"
        mov ax, 0x1234
        mov cl, 32                  ; masked to 0: nothing changes
        push word 0x08C3            ; OF SF ZF CF
        popf
        shl ax, cl
        CHECKFL FL_ARITH, FL_OF|FL_SF|FL_ZF|FL_CF, "SHL by 32 (=0) keeps flags"
        CHECK ax, 0x1234, "SHL by 32 (=0) keeps the operand"
        mov eax, 0x80000000
        sar eax, 31
        CHECKFL FL_CF, 0, "SAR r32 by 31: CF"
        CHECK eax, 0xFFFFFFFF, "SAR r32 by 31"
        mov byte [MEM], 0x41
        shl byte [MEM], 1
        CHECKFL FL_CF|FL_OF, FL_OF, "SHL m8 41h by 1: OF=1 CF=0"
        CHECK byte [MEM], 0x82, "SHL m8 41h by 1"

        mov al, 0x81
        mov cl, 9                   ; rotate by 9 mod 8 = 1
        rol al, cl
        CHECKFL FL_CF, FL_CF, "ROL r8 by 9: CF"
        CHECK al, 0x03, "ROL r8 by 9"
        stc
        mov al, 0x80
        mov cl, 8                   ; rotate by 0, but CF = LSB(result)
        rol al, cl
        CHECKFL FL_CF, 0, "ROL r8 by 8: CF = LSB"
        CHECK al, 0x80, "ROL r8 by 8"
        mov eax, 0x12345678
        ror eax, 8
        CHECKFL FL_CF, 0, "ROR r32 by 8: CF = MSB"
        CHECK eax, 0x78123456, "ROR r32 by 8"
        mov ax, 0x8001
        ror ax, 1
        CHECKFL FL_CF|FL_OF, FL_CF, "ROR r16 by 1: CF=1 OF=0"
        CHECK ax, 0xC000, "ROR r16 8001h by 1"
        clc
        mov al, 0x80
        mov cl, 10                  ; RCL r8 counts modulo 9: 10 -> 1
        rcl al, cl
        CHECKFL FL_CF, FL_CF, "RCL r8 by 10 (=1): CF"
        CHECK al, 0x00, "RCL r8 by 10 (=1)"
        stc
        mov ax, 0x0001
        mov cl, 18                  ; RCR r16 counts modulo 17: 18 -> 1
        rcr ax, cl
        CHECKFL FL_CF, FL_CF, "RCR r16 by 18 (=1): CF"
        CHECK ax, 0x8000, "RCR r16 by 18 (=1)"
        stc
        mov ax, 0x1234
        mov cl, 17                  ; 17 mod 17 = 0: unchanged, CF too
        rcr ax, cl
        CHECKFL FL_CF, FL_CF, "RCR r16 by 17 (=0): CF kept"
        CHECK ax, 0x1234, "RCR r16 by 17 (=0)"
        stc
        mov eax, 0x80000000
        rcl eax, 1
        CHECKFL FL_CF|FL_OF, FL_CF|FL_OF, "RCL r32 by 1: CF=1 OF=1"
        CHECK eax, 0x00000001, "RCL r32 80000000h by 1 with CF"
        stc
        mov al, 0x35
        mov cl, 4
        rcr al, cl                  ; 9-bit rotate of CF:AL right by 4
        CHECKFL FL_CF, 0, "RCR r8 35h by 4: CF"
        CHECK al, 0xB3, "RCR r8 35h by 4 with CF=1"
        clc
        mov al, 0x80
        mov cl, 8                   ; ROR by 8: value kept, CF = MSB(result)
        ror al, cl
        CHECKFL FL_CF, FL_CF, "ROR r8 by 8: CF = MSB"
        CHECK al, 0x80, "ROR r8 by 8"
        PASS "shifts and rotates"

; ---------------------------------------------------------------- ADC/SBB, NEG, INC
        mov edx, 0x00000001
        mov eax, 0xFFFFFFFF
        add eax, 1
        adc edx, 0
        CHECK edx, 2, "64-bit ADD/ADC: high"
        CHECK eax, 0, "64-bit ADD/ADC: low"
        sub eax, 1
        sbb edx, 0
        CHECKFL FL_CF|FL_ZF, 0, "64-bit SUB/SBB: CF=0 ZF=0"
        CHECK edx, 1, "64-bit SUB/SBB: high"
        CHECK eax, 0xFFFFFFFF, "64-bit SUB/SBB: low"
        stc
        mov al, 0x7F
        adc al, 0                   ; 7Fh + 0 + 1 = 80h: OF
        CHECKFL FL_ARITH, FL_OF|FL_SF|FL_AF, "ADC 7Fh+0+CF: flags"
        CHECK al, 0x80, "ADC 7Fh+0+CF"
        stc
        mov al, 0x00
        sbb al, 0                   ; 0 - 0 - 1 = FFh
        CHECKFL FL_ARITH, FL_CF|FL_SF|FL_AF|FL_PF, "SBB 0-0-CF: flags"
        CHECK al, 0xFF, "SBB 0-0-CF"
        xor ax, ax
        neg ax
        CHECKFL FL_CF|FL_ZF, FL_ZF, "NEG 0: CF=0 ZF=1"
        mov ax, 0x8000
        neg ax
        CHECKFL FL_CF|FL_OF, FL_CF|FL_OF, "NEG 8000h: CF=1 OF=1"
        CHECK ax, 0x8000, "NEG 8000h"
        stc
        mov ax, 0xFFFF
        inc ax
        CHECKFL FL_CF|FL_ZF|FL_AF, FL_CF|FL_ZF|FL_AF, "INC FFFFh keeps CF, sets ZF AF"
        clc
        mov eax, 0x80000000
        dec eax
        CHECKFL FL_CF|FL_OF|FL_SF, FL_OF, "DEC 80000000h: OF, CF kept clear"
        mov al, 0x80
        cmp al, 1
        CHECKFL FL_ARITH, FL_OF|FL_AF, "CMP 80h,1: OF=1, SF=0, CF=0"
        PASS "ADC/SBB, NEG, INC/DEC, CMP"

; ---------------------------------------------------------------- widening
        mov al, 0x80
        cbw
        CHECK ax, 0xFF80, "CBW"
        mov ax, 0x8000
        cwd
        CHECK dx, 0xFFFF, "CWD"
        mov eax, 0x12348000
        cwde
        CHECK eax, 0xFFFF8000, "CWDE"
        mov byte [MEM], 0x80
        movsx eax, byte [MEM]
        CHECK eax, 0xFFFFFF80, "MOVSX r32, m8"
        movzx eax, byte [MEM]
        CHECK eax, 0x00000080, "MOVZX r32, m8"
        mov bx, 0x8123
        movsx ecx, bx
        CHECK ecx, 0xFFFF8123, "MOVSX r32, r16"
        movsx dx, bl
        CHECK dx, 0x0023, "MOVSX r16, r8"
        PASS "sign and zero extension"

; ---------------------------------------------------------------- FLAGS register
        push word 0xFCFF            ; everything but TF and IF
        popf
        pushf
        pop ax
        cld
        CHECK ax, 0x7CD7, "POPF FCFFh: bit 15 and reserved bits 3/5 read 0"
        push dword 0xFFFCFCFF       ; also AC (18), ID (21), VM/RF (17/16)...
        popfd
        pushfd
        pop eax
        cld
        and eax, 0x003FFFFF
        CHECK eax, 0x00247CD7, "POPFD: AC and ID set, RF cleared, VM unchanged"
        push dword 0x00000002
        popfd
        mov ah, 0xFF
        sahf                        ; SF ZF AF PF CF from AH
        pushf
        pop bx
        CHECK bx, 0x00D7, "SAHF FFh"
        push word 0x08C1            ; OF SF ZF CF
        popf
        mov ah, 0
        lahf
        CHECK ah, 0xC3, "LAHF: SF ZF 0 AF 0 PF 1 CF"
        stc
        cmc
        CHECKFL FL_CF, 0, "CMC after STC"
        cmc
        CHECKFL FL_CF, FL_CF, "CMC again"
        PASS "FLAGS register"

        PASS_EXIT

        ROM_END
