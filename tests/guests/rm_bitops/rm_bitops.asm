; rm_bitops -- bit instructions, compare-exchange, conditional moves, loops.
;
; Checks: BT/BTS/BTR/BTC with a register bit offset into memory (the offset
; selects another word/dword, also negative ones) versus an immediate
; offset (taken modulo the operand size) and register operands; BSF/BSR
; (ZF for a zero source); SHLD/SHRD (CF, counts masked to 5 bits, count 0);
; CMPXCHG (both outcomes, the flags of the compare), CMPXCHG8B, XADD, BSWAP;
; CMOVcc taken/not taken (register and memory); SETcc after a compare;
; XLAT (with a segment override and 32-bit addressing); LOOP/LOOPE/LOOPNE,
; JCXZ/JECXZ, with 16- and 32-bit address size (CX vs ECX).

%define GUEST_NAME "rm_bitops"
%include "rom16.inc"

MEM     equ 0x1000                  ; 0FF0h..101Fh: bit-string playground
Q       equ 0x1100                  ; qword for CMPXCHG8B
TABLE   equ 0x1200                  ; XLAT table: TABLE[i] = 3*i
TABLE2  equ 0x0400                  ; in segment 0100h (linear 1400h): A0h + i

main:
; ---------------------------------------------------------------- BT family
        mov di, 0x0FF0
        mov cx, 0x18
        xor ax, ax
        rep stosw                   ; 0FF0h..101Fh = 0
        mov word [MEM], 0x0002
        mov word [MEM+4], 0x0002
        mov word [MEM-2], 0x8000
        mov dword [MEM-8], 0x80000001

        bt word [MEM], 17           ; immediate: 17 mod 16 = bit 1 of [MEM]
        CHECKFL FL_CF, FL_CF, "BT m16, imm 17 uses bit 1 of the same word"
        mov ax, 17
        bt [MEM], ax                ; register: bit 1 of the word at MEM+2
        CHECKFL FL_CF, 0, "BT m16, r16=17 addresses the next word"
        mov ax, 33
        bt [MEM], ax                ; bit 1 of the word at MEM+4
        CHECKFL FL_CF, FL_CF, "BT m16, r16=33 addresses MEM+4"
        mov ax, -1
        bt [MEM], ax                ; bit 15 of the word at MEM-2
        CHECKFL FL_CF, FL_CF, "BT m16, r16=-1 addresses MEM-2 bit 15"
        mov eax, 100
        bts [MEM], eax              ; bit 4 of the dword at MEM+12
        CHECKFL FL_CF, 0, "BTS m32, r32=100: old bit"
        CHECK dword [MEM+12], 0x10, "BTS m32, r32=100 sets bit 4 of MEM+12"
        mov eax, -33
        btr [MEM], eax              ; bit 31 of the dword at MEM-8
        CHECKFL FL_CF, FL_CF, "BTR m32, r32=-33: old bit"
        CHECK dword [MEM-8], 0x00000001, "BTR m32, r32=-33 clears bit 31 of MEM-8"
        btc word [MEM], 0x1F        ; immediate 31 mod 16 = bit 15
        CHECKFL FL_CF, 0, "BTC m16, imm 31: old bit"
        CHECK word [MEM], 0x8002, "BTC m16, imm 31 flips bit 15"
        btc word [MEM], 0x1F
        CHECKFL FL_CF, FL_CF, "BTC again: old bit set"
        CHECK word [MEM], 0x0002, "BTC again flips it back"
        mov ax, 0x0002
        mov cx, 17
        bt ax, cx                   ; register operand: 17 mod 16 = 1
        CHECKFL FL_CF, FL_CF, "BT r16, r16=17 is bit 1"
        xor eax, eax
        mov ecx, 35
        bts eax, ecx                ; 35 mod 32 = 3
        CHECK eax, 0x00000008, "BTS r32, r32=35 sets bit 3"
        PASS "BT/BTS/BTR/BTC"

; ---------------------------------------------------------------- BSF / BSR
        mov bx, 0x0100
        bsf ax, bx
        CHECKFL FL_ZF, 0, "BSF nonzero: ZF=0"
        CHECK ax, 8, "BSF 0100h"
        mov ecx, 0x00F00000
        bsr eax, ecx
        CHECK eax, 23, "BSR 00F00000h"
        mov ecx, 0x00F00000
        bsf eax, ecx
        CHECK eax, 20, "BSF 00F00000h"
        mov word [MEM+16], 0x8001
        bsr dx, [MEM+16]
        CHECK dx, 15, "BSR m16 8001h"
        xor bx, bx
        mov ax, 0x1234
        test ax, ax                 ; ZF=0 before
        bsf ax, bx
        CHECKFL FL_ZF, FL_ZF, "BSF zero source: ZF=1"
        PASS "BSF/BSR"

; ---------------------------------------------------------------- SHLD / SHRD
        mov ax, 0x1234
        mov bx, 0xABCD
        shld ax, bx, 4
        CHECKFL FL_CF|FL_ZF|FL_SF, FL_CF, "SHLD r16 by 4: flags"
        CHECK ax, 0x234A, "SHLD r16 by 4"
        mov eax, 0x12345678
        mov ebx, 0xAABBCCDD
        shrd eax, ebx, 8
        CHECKFL FL_CF|FL_ZF|FL_SF, FL_SF, "SHRD r32 by 8: flags"
        CHECK eax, 0xDD123456, "SHRD r32 by 8"
        mov eax, 0x12345678
        mov ebx, 0x9ABCDEF0
        mov cl, 36                  ; masked to 4
        shld eax, ebx, cl
        CHECKFL FL_CF, FL_CF, "SHLD r32 by 36 (=4): CF"
        CHECK eax, 0x23456789, "SHLD r32 by 36 (=4)"
        mov eax, 0x12345678
        mov cl, 32                  ; masked to 0: no change at all
        push word 0x0041            ; ZF CF
        popf
        shrd eax, ebx, cl
        CHECKFL FL_ARITH, FL_ZF|FL_CF, "SHRD by 32 (=0) keeps flags"
        CHECK eax, 0x12345678, "SHRD by 32 (=0) keeps the operand"
        mov word [MEM+16], 0x8001
        mov bx, 0x0001
        shrd [MEM+16], bx, 1
        CHECKFL FL_CF, FL_CF, "SHRD m16 by 1: CF"
        CHECK word [MEM+16], 0xC000, "SHRD m16 by 1"
        PASS "SHLD/SHRD"

; ---------------------------------------------------------------- CMPXCHG, XADD, BSWAP
        mov ax, 5
        mov bx, 5
        mov cx, 9
        test cx, cx                 ; ZF=0 before
        cmpxchg bx, cx
        CHECKFL FL_ZF, FL_ZF, "CMPXCHG equal: ZF=1"
        CHECK bx, 9, "CMPXCHG equal stores the source"
        CHECK ax, 5, "CMPXCHG equal keeps AX"
        mov ax, 5
        mov bx, 6
        cmpxchg bx, cx
        CHECKFL FL_ZF, 0, "CMPXCHG different: ZF=0"
        CHECK ax, 6, "CMPXCHG different loads AX"
        CHECK bx, 6, "CMPXCHG different keeps the destination"
        mov al, 3
        mov bl, 5
        cmpxchg bl, cl
        CHECKFL FL_ARITH, FL_CF|FL_SF|FL_AF, "CMPXCHG r8 flags are CMP 3,5"
        CHECK al, 5, "CMPXCHG r8 different loads AL"
        mov dword [MEM+16], 0xCAFEF00D
        mov eax, 0xCAFEF00D
        mov ecx, 0x12345678
        cmpxchg [MEM+16], ecx
        CHECK dword [MEM+16], 0x12345678, "CMPXCHG m32 equal stores"

        mov dword [Q], 0x22222222
        mov dword [Q+4], 0x11111111
        mov edx, 0x11111111
        mov eax, 0x22222222
        mov ecx, 0x33333333
        mov ebx, 0x44444444
        test ebx, ebx               ; ZF=0 before
        cmpxchg8b [Q]
        CHECKFL FL_ZF, FL_ZF, "CMPXCHG8B equal: ZF=1"
        CHECK dword [Q], 0x44444444, "CMPXCHG8B equal stores EBX"
        CHECK dword [Q+4], 0x33333333, "CMPXCHG8B equal stores ECX"
        xor edx, edx
        xor eax, eax
        cmpxchg8b [Q]
        CHECKFL FL_ZF, 0, "CMPXCHG8B different: ZF=0"
        CHECK eax, 0x44444444, "CMPXCHG8B different loads EAX"
        CHECK edx, 0x33333333, "CMPXCHG8B different loads EDX"

        mov ax, 3
        mov bx, 4
        xadd ax, bx
        CHECK ax, 7, "XADD r16: sum"
        CHECK bx, 3, "XADD r16: old destination"
        mov al, 0xFF
        mov bl, 1
        xadd al, bl
        CHECKFL FL_CF|FL_ZF|FL_AF, FL_CF|FL_ZF|FL_AF, "XADD r8 FFh+1: flags of ADD"
        CHECK bl, 0xFF, "XADD r8: old destination"
        mov dword [MEM+16], 1000
        mov eax, 234
        xadd [MEM+16], eax
        CHECK dword [MEM+16], 1234, "XADD m32: sum"
        CHECK eax, 1000, "XADD m32: old value"

        mov eax, 0x12345678
        bswap eax
        CHECK eax, 0x78563412, "BSWAP EAX"
        mov esi, 0x0000FF01
        bswap esi
        CHECK esi, 0x01FF0000, "BSWAP ESI"
        PASS "CMPXCHG, CMPXCHG8B, XADD, BSWAP"

; ---------------------------------------------------------------- CMOVcc, SETcc
        mov ax, 1
        mov bx, 2
        xor cx, cx                  ; ZF=1
        cmovz ax, bx
        CHECK ax, 2, "CMOVZ taken"
        mov ax, 1
        or cx, 1                    ; ZF=0
        cmovz ax, bx
        CHECK ax, 1, "CMOVZ not taken"
        mov dword [MEM+16], 0x55AA55AA
        xor ecx, ecx
        mov al, 5
        cmp al, 3                   ; 5 > 3 signed
        cmovg ecx, [MEM+16]
        CHECK ecx, 0x55AA55AA, "CMOVG m32 taken"
        mov al, 0x80
        cmp al, 1                   ; -128 < 1 signed, 80h > 1 unsigned
        mov edx, 7
        cmovl edx, [MEM+16]
        CHECK edx, 0x55AA55AA, "CMOVL taken (SF != OF)"
        mov al, 0x80
        cmp al, 1
        mov edx, 7
        cmovb edx, [MEM+16]
        CHECK edx, 7, "CMOVB not taken (CF=0)"

        mov al, 3
        cmp al, 5                   ; 3 - 5 = FEh: CF SF AF, PF=0
        setb bl
        seta bh
        setl cl
        setg ch
        setle dl
        setnp dh
        mov al, 0xEE
        sets byte [MEM+16]
        CHECK bl, 1, "SETB after CMP 3,5"
        CHECK bh, 0, "SETA after CMP 3,5"
        CHECK cl, 1, "SETL after CMP 3,5"
        CHECK ch, 0, "SETG after CMP 3,5"
        CHECK dl, 1, "SETLE after CMP 3,5"
        CHECK dh, 1, "SETNP after CMP 3,5"
        CHECK byte [MEM+16], 1, "SETS m8 after CMP 3,5"
        PASS "CMOVcc and SETcc"

; ---------------------------------------------------------------- XLAT
        xor bx, bx
.tab:   mov al, bl
        mov ah, 3
        mul ah
        mov [TABLE+bx], al
        inc bx
        cmp bx, 64
        jb .tab
        mov ax, 0x0100
        mov es, ax
        xor bx, bx
.tab2:  lea ax, [bx+0xA0]
        mov [es:TABLE2+bx], al
        inc bx
        cmp bx, 64
        jb .tab2
        mov bx, TABLE
        mov al, 5
        xlatb
        CHECK al, 15, "XLAT DS:[BX+AL]"
        mov bx, TABLE2
        mov al, 7
        es xlatb
        CHECK al, 0xA7, "ES: XLAT"
        mov ebx, TABLE
        mov al, 20
        a32 xlatb
        CHECK al, 60, "XLAT with 32-bit address size"
        PASS "XLAT"

; ---------------------------------------------------------------- loops
        xor ax, ax
        mov cx, 5
.l1:    inc ax
        loop .l1
        CHECK ax, 5, "LOOP runs CX times"
        mov ecx, 0x00010001         ; 16-bit address size: CX 1 -> 0, not taken
        loop .bad1
        CHECK ecx, 0x00010000, "LOOP (a16) decrements CX only"
        mov ecx, 0x00010001         ; 32-bit address size: ECX 10001h -> 10000h
        loop .t2, ecx
        FAILNOW "LOOP (a32) not taken with ECX=10000h"
.bad1:  FAILNOW "LOOP (a16) taken with CX=0"
.t2:    CHECK ecx, 0x00010000, "LOOP (a32) decrements ECX"
        mov cx, 3
        xor dx, dx                  ; ZF=1
        loope .t3
        FAILNOW "LOOPE not taken with ZF=1, CX=2"
.t3:    CHECK cx, 2, "LOOPE: CX"
        or dx, 1                    ; ZF=0
        loope .bad4
        jmp .ok4
.bad4:  FAILNOW "LOOPE taken with ZF=0"
.ok4:   CHECK cx, 1, "LOOPE not taken: CX still decremented"
        xor dx, dx                  ; ZF=1
        mov cx, 4
        loopne .bad5
        jmp .ok5
.bad5:  FAILNOW "LOOPNE taken with ZF=1"
.ok5:   CHECK cx, 3, "LOOPNE not taken with ZF=1"
        stc
        mov cx, 2
        loop .t5                    ; LOOP leaves the flags alone
        FAILNOW "LOOP not taken with CX=1"
.t5:    CHECKFL FL_CF, FL_CF, "LOOP keeps CF"
        mov ecx, 0x00010000
        jcxz .t6
        FAILNOW "JCXZ not taken with CX=0 (ECX=10000h)"
.t6:    jecxz .bad7
        xor ecx, ecx
        jecxz .t8
.bad7:  FAILNOW "JECXZ wrong with ECX=10000h / ECX=0"
.t8:    PASS "LOOP/LOOPcc/JCXZ/JECXZ"

        PASS_EXIT

        ROM_END
