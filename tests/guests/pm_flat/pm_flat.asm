; pm_flat -- 32-bit code in flat protected mode: addressing and sizes.
;
; The ROM enters protected mode with a flat GDT (no IDT: any exception
; triple-faults, which -no-reboot turns into a failed run) and checks, in
; 32-bit code: ModRM/SIB addressing (scales, no-base disp32, disp8 < 0,
; ESP base), the default segment (SS for an EBP or ESP base, DS otherwise,
; also for EBP as an index and for a no-base SIB), using an SS whose base
; differs from DS; the 67h prefix (16-bit addressing and CX/SI/DI counts in
; 32-bit code) and the 66h prefix (16-bit operands: upper halves kept,
; PUSH imm16 moves ESP by 2); LEA forms; indirect JMP/CALL through tables;
; RET imm16; ENTER with a nesting level; PUSHAD/POPAD; BT with a large
; register offset; LOOP and JECXZ with ECX vs CX.

%define GUEST_NAME "pm_flat"
%include "rom16.inc"

ROMBASE equ 0xF0000
GDT     equ 0x0900
GDTR    equ 0x0940
IDTR    equ 0x0948
DATA    equ 0x00002000              ; d[i] = A0000000h + i, i = 0..63
SSBASE  equ 0x00100000              ; base of the 18h stack segment

; ---- 32-bit reporting (the 16-bit CHECK/PASS can't be used in 32-bit code)
%macro CHECK32 3
        cmp %1, %2
        je %%ok
  %assign CHECKNO CHECKNO+1
        mov bl, (CHECKNO - 1) % 126 + 1
        mov esi, ROMBASE+%%msg
        jmp fail32
%%msg:  db %3, 0
%%ok:
%endmacro
%macro FAIL32 1
  %assign CHECKNO CHECKNO+1
        mov bl, (CHECKNO - 1) % 126 + 1
        mov esi, ROMBASE+%%msg
        jmp fail32
%%msg:  db %1, 0
%endmacro
%macro PRINT32 1
        jmp %%code
%%s:    db %1, 0
%%code: push esi
        mov esi, ROMBASE+%%s
        call puts32
        pop esi
%endmacro
%macro PASS32 1
        PRINT32 {"PASS ", GUEST_NAME, ": ", %1, 10}
%endmacro

main:
        mov dword [GDT+0], 0
        mov dword [GDT+4], 0
        mov dword [GDT+8], 0x0000FFFF       ; 08h: code32, base 0, 4 GiB
        mov dword [GDT+12], 0x00CF9A00
        mov dword [GDT+16], 0x0000FFFF      ; 10h: data, base 0, 4 GiB
        mov dword [GDT+20], 0x00CF9200
        mov dword [GDT+24], 0x0000FFFF      ; 18h: data, base 1 MiB, 4 GiB, B=1
        mov dword [GDT+28], 0x00CF9210
        mov word [GDTR], 31
        mov dword [GDTR+2], GDT
        mov word [IDTR], 0                  ; no IDT: exceptions triple-fault
        mov dword [IDTR+2], 0
        lgdt [GDTR]
        lidt [IDTR]
        mov eax, cr0
        or al, 1
        mov cr0, eax
        jmp dword 0x08:ROMBASE+pm32

        bits 32
pm32:   mov ax, 0x10
        mov ds, ax
        mov es, ax
        mov fs, ax
        mov gs, ax
        mov ss, ax
        mov esp, 0x00090000
        mov edi, DATA                       ; d[i] = A0000000h + i
        xor ecx, ecx
.fill:  lea eax, [ecx + 0xA0000000]
        stosd
        inc ecx
        cmp ecx, 64
        jb .fill
        PRINT32 {"pm_flat: running 32-bit code in flat protected mode", 10}

; ---------------------------------------------------------------- ModRM / SIB
        mov ebx, DATA
        mov ecx, 3
        mov eax, [ebx + ecx*4]
        CHECK32 eax, 0xA0000003, "[EBX+ECX*4]"
        mov eax, [ebx + ecx*8 + 4]
        CHECK32 eax, 0xA0000007, "[EBX+ECX*8+disp8]"
        mov eax, [nosplit ecx*2 + DATA + 2]
        CHECK32 eax, 0xA0000002, "[ECX*2+disp32] (SIB, no base)"
        mov eax, [ebx + ecx]
        CHECK32 eax, 0x000001A0, "[EBX+ECX] unaligned"
        lea esi, [ebx + 16]
        mov eax, [esi - 4]
        CHECK32 eax, 0xA0000003, "[ESI-4] (negative disp8)"
        mov eax, [dword DATA + 0x20]
        CHECK32 eax, 0xA0000008, "[disp32] (ModRM mod=00 rm=101)"
        mov eax, [ebx + 0xFC]
        CHECK32 eax, 0xA000003F, "[EBX+disp32]"
        push dword 0x11111111
        push dword 0x22222222
        mov eax, [esp]
        mov edx, [esp + 4]
        add esp, 8
        CHECK32 eax, 0x22222222, "[ESP]"
        CHECK32 edx, 0x11111111, "[ESP+disp8]"
        PASS32 "ModRM and SIB addressing"

; ---------------------------------------------------------------- default segment
        ; SS = 18h (base 1 MiB): an EBP or ESP base means SS, anything
        ; else means DS, whatever register the index is.
        mov ax, 0x18
        mov ss, ax
        mov esp, 0x00080000                 ; linear 180000h
        mov dword [SSBASE + DATA], 0x55555555  ; what SS:DATA sees
        mov ebp, DATA
        xor ecx, ecx
        mov eax, [ebp]
        CHECK32 eax, 0x55555555, "[EBP] uses SS"
        mov eax, [ebp + ecx*4]
        CHECK32 eax, 0x55555555, "[EBP+ECX*4] uses SS"
        mov eax, [ecx + ebp]                ; NASM: base ECX, index EBP
        CHECK32 eax, 0xA0000000, "[ECX+EBP*1] (EBP as index) uses DS"
        mov ebp, DATA / 2
        mov eax, [nosplit ebp*2]            ; SIB, no base, disp32 = 0
        CHECK32 eax, 0xA0000000, "[EBP*2+disp32] (no base) uses DS"
        mov eax, [ebp + ebp]                ; base EBP: SS
        CHECK32 eax, 0x55555555, "[EBP+EBP] uses SS"
        mov dword [esp - 4], 0x66666666     ; SS:7FFFCh = linear 17FFFCh
        CHECK32 dword [SSBASE + 0x7FFFC], 0x66666666, "[ESP-4] uses SS"
        push dword 0x77777777
        CHECK32 dword [SSBASE + 0x7FFFC], 0x77777777, "PUSH writes SS:ESP-4"
        pop eax
        mov ebp, DATA
        mov eax, [ds:ebp]
        CHECK32 eax, 0xA0000000, "DS:[EBP] override"
        mov ax, 0x10
        mov ss, ax
        mov esp, 0x00090000
        PASS32 "default segment for EBP/ESP"

; ---------------------------------------------------------------- 66h / 67h prefixes
        mov eax, 0xAAAAAAAA
        mov ax, 0x1234
        CHECK32 eax, 0xAAAA1234, "66: MOV AX keeps EAX[31:16]"
        mov edx, esp
        push word 0x4321
        sub edx, esp
        CHECK32 edx, 2, "66: PUSH imm16 moves ESP by 2"
        pop ax
        CHECK32 ax, 0x4321, "66: POP r16"
        mov ebx, 0xFFFF0000 + DATA          ; 16-bit addressing: BX only
        mov esi, 0xFFFF0004
        a16 mov eax, [bx + si]
        CHECK32 eax, 0xA0000001, "67: [BX+SI] in 32-bit code"
        mov dword [DATA + 0x200], 0xFFFFFFFF
        mov esi, 0x12340000 + DATA + 3      ; bytes A0h 01h
        mov edi, 0x56780000 + DATA + 0x200
        mov ecx, 0x00010002
        a16 rep movsb                       ; counts CX=2, SI/DI only
        CHECK32 ecx, 0x00010000, "67: REP MOVSB counts CX only"
        CHECK32 esi, 0x12340000 + DATA + 5, "67: REP MOVSB advances SI only"
        CHECK32 dword [DATA + 0x200], 0xFFFF01A0, "67: REP MOVSB copied 2 bytes"
        mov esi, DATA + 4
        mov edi, DATA + 0x204
        mov ecx, 2
        rep movsd
        CHECK32 dword [DATA + 0x208], 0xA0000002, "REP MOVSD with ECX"
        CHECK32 edi, DATA + 0x20C, "REP MOVSD: EDI"
        PASS32 "operand- and address-size prefixes"

; ---------------------------------------------------------------- LEA, indirect transfers, RET imm
        mov eax, 7
        lea eax, [eax*8 + eax]
        CHECK32 eax, 63, "LEA [EAX*8+EAX]"
        mov ebx, 0x1000
        mov ecx, 0x10
        lea edx, [ebx + ecx*4 + 0x10]
        CHECK32 edx, 0x1050, "LEA [EBX+ECX*4+disp8]"
        mov edx, 0xFFFF0000
        lea dx, [ebx + ecx*4 + 0x10]        ; 16-bit destination
        CHECK32 edx, 0xFFFF1050, "LEA r16 (upper EDX kept)"
        mov ecx, 2
        xor eax, eax
        jmp [ROMBASE + jtab + ecx*4]
.j0:    mov eax, 100
        jmp .jd
.j1:    mov eax, 101
        jmp .jd
.j2:    mov eax, 102
.jd:    CHECK32 eax, 102, "JMP [table+ECX*4]"
        mov eax, ROMBASE + add3
        mov edx, 4
        call eax
        CHECK32 edx, 7, "CALL EAX"
        call [ROMBASE + fptr]
        CHECK32 edx, 10, "CALL [m32]"
        mov edx, esp
        push dword 1
        push dword 2
        call sum2
        sub edx, esp
        CHECK32 edx, 0, "RET 8 pops the arguments"
        CHECK32 eax, 3, "RET 8: callee saw both arguments"
        mov esi, DATA
        mov ecx, 3
        imul eax, [esi + ecx*2 + 2], 10     ; dword at DATA+8 = d[2]
        CHECK32 eax, 0x40000014, "IMUL r32, [ESI+ECX*2+disp8], imm8"
        PASS32 "LEA, indirect JMP/CALL, RET imm16"

; ---------------------------------------------------------------- stack frames
        mov ebp, 0x12345678
        mov edx, esp
        push dword 0xAAAA0001               ; caller's frame pointer display
        push dword 0xAAAA0002
        mov ebp, esp
        add ebp, 8                          ; EBP points above the display
        mov edi, esp                        ; SP before ENTER
        enter 12, 2
        mov eax, edi
        sub eax, 4
        CHECK32 ebp, eax, "ENTER 12,2: EBP = ESP after pushing EBP"
        CHECK32 dword [ebp], edx, "ENTER 12,2: saved EBP"
        CHECK32 dword [ebp - 4], 0xAAAA0001, "ENTER 12,2: display copied"
        CHECK32 dword [ebp - 8], eax, "ENTER 12,2: own frame pointer"
        lea eax, [ebp - 8 - 12]
        CHECK32 esp, eax, "ENTER 12,2: ESP"
        leave
        CHECK32 esp, edi, "LEAVE: ESP"
        CHECK32 ebp, edx, "LEAVE: EBP"
        mov esp, edx
        mov eax, 1
        mov ecx, 2
        mov edx, 3
        mov ebx, 4
        mov ebp, 6
        mov esi, 7
        mov edi, 8
        mov [DATA + 0x300], esp
        pushad
        mov eax, [DATA + 0x300]
        CHECK32 dword [esp + 12], eax, "PUSHAD: ESP slot"
        CHECK32 dword [esp + 28], 1, "PUSHAD: EAX slot"
        CHECK32 dword [esp], 8, "PUSHAD: EDI slot"
        mov dword [esp + 12], 0             ; ignored by POPAD
        xor eax, eax
        popad
        CHECK32 esp, [DATA + 0x300], "POPAD: ESP"
        CHECK32 eax, 1, "POPAD: EAX"
        CHECK32 ebp, 6, "POPAD: EBP"
        mov edx, esp
        push dword 0x11111111
        push dword 0x22222222
        pop dword [esp]             ; address computed after the pop
        CHECK32 dword [esp], 0x22222222, "POP [ESP] uses ESP after the pop"
        lea eax, [edx - 4]
        CHECK32 esp, eax, "POP [ESP]: ESP"
        push dword [esp]            ; address computed before the push
        CHECK32 dword [esp], 0x22222222, "PUSH [ESP] reads before the push"
        mov esp, edx
        PASS32 "ENTER/LEAVE, PUSHAD/POPAD, POP/PUSH [ESP]"

; ---------------------------------------------------------------- BT, LOOP, JECXZ
        mov eax, 0x2004                     ; bit 8196: dword at +1024, bit 4
        bts [DATA], eax
        CHECK32 dword [DATA + 1024], 0x00000010, "BTS m32, r32=2004h"
        mov ecx, 0x00010001
        loop .bad1, cx                      ; 67: CX 1 -> 0: not taken
        CHECK32 ecx, 0x00010000, "67: LOOP counts CX"
        mov ecx, 0x00010001
        loop .t2                            ; ECX -> 10000h: taken
.bad1:  FAIL32 "LOOP went the wrong way"
.t2:    CHECK32 ecx, 0x00010000, "LOOP counts ECX"
        mov ecx, 0x00010000
        jecxz .bad3
        jcxz .t4                            ; 67 E3 in 32-bit code
.bad3:  FAIL32 "JECXZ/JCXZ went the wrong way"
.t4:    PASS32 "BT, LOOP, JECXZ"

; ---------------------------------------------------------------- REP MOVS/STOS runs
; Long runs across page boundaries, unaligned, and an overlapping forward
; MOVSB that must repeat its first byte (the interpreter may move a run
; of iterations on one page at once: it must be the same as one by one).
SBUF    equ 0x00030000
        mov edi, SBUF + 0xF02                ; 300 dwords across 31000h
        mov ecx, 300
        mov eax, 0x5AA55AA5
        mov dword [SBUF + 0xF02 + 1200], 0x11111111
        cld
        rep stosd
        CHECK32 ecx, 0, "REP STOSD run: ECX"
        CHECK32 edi, SBUF + 0xF02 + 1200, "REP STOSD run: EDI"
        CHECK32 dword [SBUF + 0xF02], 0x5AA55AA5, "REP STOSD run: first"
        CHECK32 dword [SBUF + 0xFFE], 0x5AA55AA5, "REP STOSD run: across the page"
        CHECK32 dword [SBUF + 0xF02 + 1196], 0x5AA55AA5, "REP STOSD run: last"
        CHECK32 dword [SBUF + 0xF02 + 1200], 0x11111111, "REP STOSD run: one past"
        mov byte [SBUF + 0x2000], 0x77       ; overlapping forward move
        mov byte [SBUF + 0x2001], 0x01
        mov esi, SBUF + 0x2000
        mov edi, SBUF + 0x2001
        mov ecx, 100
        rep movsb
        CHECK32 byte [SBUF + 0x2001], 0x77, "REP MOVSB overlap: second"
        CHECK32 byte [SBUF + 0x2064], 0x77, "REP MOVSB overlap: last"
        CHECK32 esi, SBUF + 0x2064, "REP MOVSB overlap: ESI"
        mov esi, SBUF + 0xF02                ; source across 31000h
        mov edi, SBUF + 0x3001
        mov ecx, 200
        rep movsd
        CHECK32 dword [SBUF + 0x3001 + 796], 0x5AA55AA5, "REP MOVSD run: last"
        CHECK32 esi, SBUF + 0xF02 + 800, "REP MOVSD run: ESI"
        std                                 ; backwards: one at a time
        mov esi, SBUF + 0x3001 + 4
        mov edi, SBUF + 0x4000
        mov ecx, 2
        rep movsd
        cld
        CHECK32 edi, SBUF + 0x4000 - 8, "REP MOVSD with DF: EDI"
        CHECK32 dword [SBUF + 0x3FFC], 0x5AA55AA5, "REP MOVSD with DF: data"
        PASS32 "REP MOVS/STOS runs"

        PRINT32 {"DONE ", GUEST_NAME, ": all "}
        mov eax, CHECKNO_TOTAL
        call putdec32_32
        PRINT32 {" checks passed", 10}
        mov al, 0
        out 0xF4, al
        cli
        hlt

; ---------------------------------------------------------------- helpers
add3:   add edx, 3
        ret
sum2:   mov eax, [esp + 4]
        add eax, [esp + 8]
        ret 8
fptr:   dd ROMBASE + add3
jtab:   dd ROMBASE + pm32.j0, ROMBASE + pm32.j1, ROMBASE + pm32.j2

puts32: push eax
        push esi
.l:     lodsb
        test al, al
        jz .d
        out 0xE9, al
        jmp .l
.d:     pop esi
        pop eax
        ret

putdec32_32:                        ; EAX
        pushad
        mov ebx, 10
        xor ecx, ecx
.div:   xor edx, edx
        div ebx
        push edx
        inc ecx
        test eax, eax
        jnz .div
.out:   pop eax
        add al, '0'
        out 0xE9, al
        loop .out
        popad
        ret

fail32: push esi
        mov esi, ROMBASE + str_fail
        call puts32
        pop esi
        call puts32
        mov al, 10
        out 0xE9, al
        mov al, bl
        out 0xF4, al
        cli
        hlt

CHECKNO_TOTAL equ CHECKNO
        bits 16
        ROM_END
