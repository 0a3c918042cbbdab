; rm_far_transfers -- far control transfers, stack images and unreal mode.
;
; Checks: far JMP direct (EA, with 16- and 32-bit offsets) and indirect
; (FF /5, m16:16 and m16:32); far CALL direct (9A) and indirect (FF /3) with
; the pushed CS:IP, RETF and RETF imm16; 32-bit far CALL (66 9A) pushing
; EIP and a 32-bit CS slot, O32 RETF; near RET imm16; IRET and IRETD from a
; hand-built frame; LDS/LES/LSS/LFS/LGS (16- and 32-bit offsets); near JMP,
; JMP short and CALL whose target wraps at 64 KiB (code run from RAM);
; PUSH SP / PUSH ESP (value before the push), POP SP; PUSHA/POPA and
; PUSHAD/POPAD images (SP slot ignored by POPA); ENTER with nesting levels
; 0, 1 and 3 and LEAVE; 16-bit effective addresses wrapping at 64 KiB and a
; 32-bit one past the limit (#GP); and unreal mode: enter protected mode
; with a flat GDT, load 4 GiB data segments, come back, and use 32-bit
; offsets to reach memory above 1 MiB (A20 on), also after real-mode
; segment loads, which change the base but keep the limit.

%define GUEST_NAME "rm_far_transfers"
%include "rom16.inc"

ALIAS   equ 0xEF00                  ; EF00:(x+1000h) is the same byte as F000:x
CODESEG equ 0x4000                  ; RAM segment for the IP-wrap code
DATASEG equ 0x2000
SAVED_SP equ SCRATCH+0x00
SP_BEFORE equ SCRATCH+0x02
FARPTR1 equ SCRATCH+0x10            ; m16:16
FARPTR2 equ SCRATCH+0x18            ; m16:32
FARPTR3 equ SCRATCH+0x20            ; m16:16 for LxS
FARPTR4 equ SCRATCH+0x28            ; m16:32 for LxS
GDT     equ SCRATCH+0x100
GDTR    equ SCRATCH+0x140

main:
; ---------------------------------------------------------------- far JMP
        xor ax, ax
        jmp ALIAS:fj1_target+0x1000
fj1_back:
        CHECK ax, ALIAS, "JMP ptr16:16 (EA) loads CS"
        xor ax, ax
        jmp dword ALIAS:fj2_target+0x1000
fj2_back:
        CHECK ax, ALIAS, "JMP ptr16:32 (66 EA) loads CS"
        mov word [FARPTR1], fj3_target+0x1000
        mov word [FARPTR1+2], ALIAS
        xor ax, ax
        jmp far [FARPTR1]
fj3_back:
        CHECK ax, ALIAS, "JMP m16:16 (FF /5) loads CS"
        mov dword [FARPTR2], fj4_target+0x1000
        mov word [FARPTR2+4], ALIAS
        xor ax, ax
        o32 jmp far [FARPTR2]
fj4_back:
        CHECK ax, ALIAS, "JMP m16:32 (66 FF /5) loads CS"
        PASS "far JMP"
        jmp farcall

fj1_target:
        mov ax, cs
        jmp ROMSEG:fj1_back
fj2_target:
        mov ax, cs
        jmp ROMSEG:fj2_back
fj3_target:
        mov ax, cs
        jmp ROMSEG:fj3_back
fj4_target:
        mov ax, cs
        jmp ROMSEG:fj4_back

; ---------------------------------------------------------------- far CALL / RET
farcall:
        mov [SP_BEFORE], sp
        call ALIAS:fc_proc+0x1000
fc1_ret:
        CHECK ax, ALIAS, "CALL ptr16:16 (9A) loads CS"
        CHECK bx, fc1_ret, "CALL ptr16:16 pushed IP"
        CHECK cx, ROMSEG, "CALL ptr16:16 pushed CS"
        CHECK sp, [SP_BEFORE], "CALL/RETF: SP balanced"

        mov word [FARPTR1], fc_proc+0x1000
        mov word [FARPTR1+2], ALIAS
        call far [FARPTR1]
fc2_ret:
        CHECK ax, ALIAS, "CALL m16:16 (FF /3) loads CS"
        CHECK bx, fc2_ret, "CALL m16:16 pushed IP"
        CHECK cx, ROMSEG, "CALL m16:16 pushed CS"
        CHECK sp, [SP_BEFORE], "CALL m16:16/RETF: SP balanced"

        push word 0x1111            ; two arguments popped by RETF 4
        push word 0x2222
        call ROMSEG:fc_args
        CHECK sp, [SP_BEFORE], "RETF 4 pops the arguments"
        CHECK dx, 0x2222, "RETF 4: argument at [SP+4]"
        CHECK si, 0x1111, "RETF 4: argument at [SP+6]"

        push word 0x3333            ; near RET 2
        call near_args
        CHECK sp, [SP_BEFORE], "RET 2 pops the argument"
        CHECK dx, 0x3333, "RET 2: argument at [SP+2]"

        mov dword [0x6FF8], 0xFFFFFFFF  ; the slots a 32-bit far call uses
        mov dword [0x6FFC], 0xFFFFFFFF
        call dword ALIAS:fc32_proc+0x1000 ; 66 9A ofs32 sel16
fc3_ret:
        CHECK ax, ALIAS, "CALL ptr16:32 loads CS"
        CHECK ebx, fc3_ret, "CALL ptr16:32 pushed EIP"
        CHECK cx, ROMSEG, "CALL ptr16:32 pushed CS (low half of its dword)"
        CHECK di, 8, "CALL ptr16:32 pushes 8 bytes"
        CHECK sp, [SP_BEFORE], "O32 RETF: SP balanced"

        mov dword [FARPTR2], fc32_proc+0x1000
        mov word [FARPTR2+4], ALIAS
        o32 call far [FARPTR2]
fc4_ret:
        CHECK ebx, fc4_ret, "CALL m16:32 pushed EIP"
        CHECK di, 8, "CALL m16:32 pushes 8 bytes"
        CHECK sp, [SP_BEFORE], "CALL m16:32 / O32 RETF: SP balanced"
        call dword near32_proc      ; 66 E8: pushes a 32-bit EIP
near32_ret:
        CHECK di, 4, "CALL rel32 (66 E8) pushes 4 bytes"
        CHECK ebx, near32_ret, "CALL rel32 pushed EIP"
        CHECK sp, [SP_BEFORE], "O32 RET: SP balanced"
        PASS "far CALL and RET"
        jmp iret_tests

fc_proc:                            ; called through ALIAS
        mov ax, cs
        mov bp, sp
        mov bx, [bp]
        mov cx, [bp+2]
        retf
fc_args:
        mov bp, sp
        mov dx, [bp+4]
        mov si, [bp+6]
        retf 4
near_args:
        mov bp, sp
        mov dx, [bp+2]
        ret 2
near32_proc:
        mov ebx, [esp]              ; ESP = SP here (SS limit 64 KiB, ESP < 10000h)
        mov di, [SP_BEFORE]
        sub di, sp
        o32 ret
fc32_proc:                          ; 16-bit code called with a 32-bit frame
        mov ax, cs
        mov bp, sp
        mov ebx, [bp]
        mov cx, [bp+4]
        mov di, [SP_BEFORE]
        sub di, sp
        o32 retf

; ---------------------------------------------------------------- IRET
iret_tests:
        push word 0x0CD7            ; OF DF SF ZF AF PF CF
        push word ALIAS
        push word ir1_target+0x1000
        iret
ir1_back:
        CHECK ax, 0x0CD7, "IRET loads FLAGS"
        CHECK bx, ALIAS, "IRET loads CS"
        CHECK sp, [SP_BEFORE], "IRET pops 6 bytes"

        push dword 0x00000046       ; ZF PF
        push dword ALIAS
        push dword ir2_target+0x1000
        iretd
ir2_back:
        CHECK eax, 0x00000046, "IRETD loads EFLAGS"
        CHECK bx, ALIAS, "IRETD loads CS"
        CHECK sp, [SP_BEFORE], "IRETD pops 12 bytes"
        PASS "IRET and IRETD"
        jmp lxs_tests

ir1_target:
        pushf
        pop ax
        cld
        mov bx, cs
        jmp ROMSEG:ir1_back
ir2_target:
        pushfd
        pop eax
        mov bx, cs
        jmp ROMSEG:ir2_back

; ---------------------------------------------------------------- LDS and friends
lxs_tests:
        mov word [FARPTR3], 0x1234
        mov word [FARPTR3+2], 0x5678
        mov dword [FARPTR4], 0x89ABCDEF
        mov word [FARPTR4+4], 0x4321
        lds si, [FARPTR3]
        mov ax, ds
        push word 0
        pop ds
        CHECK si, 0x1234, "LDS offset"
        CHECK ax, 0x5678, "LDS segment"
        les di, [FARPTR3]
        mov ax, es
        CHECK di, 0x1234, "LES offset"
        CHECK ax, 0x5678, "LES segment"
        lfs bx, [FARPTR3]
        mov ax, fs
        CHECK bx, 0x1234, "LFS offset"
        CHECK ax, 0x5678, "LFS segment"
        lgs cx, [FARPTR3]
        mov ax, gs
        CHECK cx, 0x1234, "LGS offset"
        CHECK ax, 0x5678, "LGS segment"
        o32 lds esi, [FARPTR4]
        mov ax, ds
        push word 0
        pop ds
        CHECK esi, 0x89ABCDEF, "LDS 32-bit offset"
        CHECK ax, 0x4321, "LDS m16:32 segment"
        o32 lgs edx, [FARPTR4]
        mov ax, gs
        CHECK edx, 0x89ABCDEF, "LGS 32-bit offset"
        CHECK ax, 0x4321, "LGS m16:32 segment"
        mov word [FARPTR3], 0x5800  ; SS:SP = 0100:5800 (linear 6800h)
        mov word [FARPTR3+2], 0x0100
        mov [SAVED_SP], sp
        lss sp, [FARPTR3]
        mov ax, ss
        mov bx, sp
        push word 0xBEEF            ; lands at linear 67FEh
        xor cx, cx
        mov ss, cx
        mov sp, [SAVED_SP]
        CHECK ax, 0x0100, "LSS segment"
        CHECK bx, 0x5800, "LSS offset"
        CHECK word [0x67FE], 0xBEEF, "push after LSS uses the new SS:SP"
        PASS "LDS/LES/LFS/LGS/LSS"

; ---------------------------------------------------------------- 64 KiB IP wrap
        mov ax, CODESEG
        mov es, ax
        mov byte [es:0xFFF0], 0xE9          ; FFF0: jmp near +1Dh -> 0010
        mov word [es:0xFFF1], 0x001D
        mov byte [es:0x0010], 0xEA          ; 0010: jmp F000:wrap1_back
        mov word [es:0x0011], wrap1_back
        mov word [es:0x0013], ROMSEG
        mov byte [es:0xFFF8], 0xE8          ; FFF8: call near +25h -> 0020
        mov word [es:0xFFF9], 0x0025
        mov byte [es:0x0020], 0x58          ; 0020: pop ax
        mov byte [es:0x0021], 0xEA          ; 0021: jmp F000:wrap2_back
        mov word [es:0x0022], wrap2_back
        mov word [es:0x0024], ROMSEG
        mov word [es:0x0030], 0x80EB        ; 0030: jmp short -80h -> FFB2
        mov byte [es:0xFFB2], 0xEA          ; FFB2: jmp F000:wrap3_back
        mov word [es:0xFFB3], wrap3_back
        mov word [es:0xFFB5], ROMSEG
        jmp CODESEG:0xFFF0
wrap1_back:
        jmp CODESEG:0xFFF8
wrap2_back:
        CHECK ax, 0xFFFB, "CALL near at FFF8: pushed IP FFFB"
        CHECK sp, [SP_BEFORE], "CALL near wrap: SP balanced"
        jmp CODESEG:0x0030
wrap3_back:
        PASS "near JMP/CALL wrap at 64 KiB"

; ---------------------------------------------------------------- PUSH SP, POP SP
        mov bx, sp
        push sp
        pop ax
        CHECK ax, bx, "PUSH SP pushes the value before the push"
        mov ebx, esp
        push esp
        pop eax
        CHECK eax, ebx, "PUSH ESP pushes the value before the push"
        mov [SAVED_SP], sp
        push word 0x6000
        pop sp
        mov ax, sp
        mov sp, [SAVED_SP]
        CHECK ax, 0x6000, "POP SP loads SP with the popped value"
        mov [SAVED_SP], sp
        mov bx, sp
        push word 0x5432
        push word [bx-2]            ; PUSH m16 reads its operand first
        pop cx
        pop dx
        CHECK cx, 0x5432, "PUSH [SP-relative]"
        PASS "PUSH SP / POP SP"

; ---------------------------------------------------------------- PUSHA / POPA
        mov [SAVED_SP], sp
        mov ax, 0x1111
        mov cx, 0x2222
        mov dx, 0x3333
        mov bx, 0x4444
        mov bp, 0x5555
        mov si, 0x6666
        mov di, 0x7777
        pusha
        mov bp, sp
        mov ax, [SAVED_SP]
        sub ax, 16
        CHECK bp, ax, "PUSHA pushes 16 bytes"
        CHECK word [bp+14], 0x1111, "PUSHA image: AX"
        CHECK word [bp+12], 0x2222, "PUSHA image: CX"
        CHECK word [bp+10], 0x3333, "PUSHA image: DX"
        CHECK word [bp+8], 0x4444, "PUSHA image: BX"
        mov ax, [SAVED_SP]
        CHECK word [bp+6], ax, "PUSHA image: original SP"
        CHECK word [bp+4], 0x5555, "PUSHA image: BP"
        CHECK word [bp+2], 0x6666, "PUSHA image: SI"
        CHECK word [bp+0], 0x7777, "PUSHA image: DI"
        mov word [bp+6], 0xDEAD     ; POPA must skip this slot
        mov word [bp+14], 0xAAAA
        xor ax, ax
        xor cx, cx
        xor dx, dx
        xor bx, bx
        xor si, si
        xor di, di
        popa
        CHECK sp, [SAVED_SP], "POPA ignores the SP slot"
        CHECK ax, 0xAAAA, "POPA: AX"
        CHECK cx, 0x2222, "POPA: CX"
        CHECK bx, 0x4444, "POPA: BX"
        CHECK bp, 0x5555, "POPA: BP"
        CHECK di, 0x7777, "POPA: DI"

        mov eax, 0x11111111
        mov ecx, 0x22222222
        mov edx, 0x33333333
        mov ebx, 0x44444444
        mov ebp, 0x55555555
        mov esi, 0x66666666
        mov edi, 0x77777777
        pushad
        movzx ebp, sp
        mov eax, [SAVED_SP]
        and eax, 0xFFFF
        CHECK dword [bp+28], 0x11111111, "PUSHAD image: EAX"
        CHECK dword [bp+16], 0x44444444, "PUSHAD image: EBX"
        CHECK word [bp+12], ax, "PUSHAD image: original ESP"
        CHECK dword [bp+0], 0x77777777, "PUSHAD image: EDI"
        mov dword [bp+28], 0xA5A5A5A5
        xor eax, eax
        xor edi, edi
        popad
        CHECK eax, 0xA5A5A5A5, "POPAD: EAX"
        CHECK edi, 0x77777777, "POPAD: EDI"
        CHECK ebp, 0x55555555, "POPAD: EBP"
        CHECK sp, [SAVED_SP], "POPAD: SP"
        PASS "PUSHA/POPA and PUSHAD/POPAD"

; ---------------------------------------------------------------- ENTER / LEAVE
        mov [SAVED_SP], sp
        mov word [0x60FE], 0x1111   ; the caller's display
        mov word [0x60FC], 0x2222
        mov sp, 0x6000
        mov bp, 0x6100
        enter 6, 3
        CHECK bp, 0x5FFE, "ENTER 6,3: BP"
        CHECK sp, 0x5FF2, "ENTER 6,3: SP"
        CHECK word [0x5FFE], 0x6100, "ENTER 6,3: saved BP"
        CHECK word [0x5FFC], 0x1111, "ENTER 6,3: display entry 1"
        CHECK word [0x5FFA], 0x2222, "ENTER 6,3: display entry 2"
        CHECK word [0x5FF8], 0x5FFE, "ENTER 6,3: new frame pointer"
        leave
        CHECK sp, 0x6000, "LEAVE after ENTER 6,3: SP"
        CHECK bp, 0x6100, "LEAVE after ENTER 6,3: BP"
        enter 4, 1
        CHECK bp, 0x5FFE, "ENTER 4,1: BP"
        CHECK sp, 0x5FF8, "ENTER 4,1: SP"
        CHECK word [0x5FFC], 0x5FFE, "ENTER 4,1: frame pointer pushed"
        leave
        enter 8, 0
        CHECK bp, 0x5FFE, "ENTER 8,0: BP"
        CHECK sp, 0x5FF6, "ENTER 8,0: SP"
        leave
        CHECK sp, 0x6000, "LEAVE after ENTER 8,0: SP"
        CHECK bp, 0x6100, "LEAVE after ENTER 8,0: BP"
        mov sp, [SAVED_SP]
        PASS "ENTER/LEAVE"

; ---------------------------------------------------------------- data offset wrap
        mov ax, DATASEG
        mov ds, ax
        mov byte [0xFFFF], 0x5A
        mov byte [0x0000], 0xA5
        mov byte [0x0001], 0x3C
        mov byte [0x0010], 0x77
        mov bx, 0xFFFF
        mov si, 2
        mov al, [bx+si]
        CHECK al, 0x3C, "[BX+SI] wraps at 64 KiB"
        mov bx, 0xFFF0
        mov al, [bx+0x20]
        CHECK al, 0x77, "[BX+disp16] wraps at 64 KiB"
        xor bx, bx
        mov al, [bx-1]
        CHECK al, 0x5A, "[BX-1] wraps to FFFF"
        mov ebx, 0x10
        mov al, [ebx]
        CHECK al, 0x77, "[EBX] 32-bit address in range"
        mov ax, DATASEG+1           ; ES:0000 = DATASEG:0010 (77h)
        mov es, ax
        xor bx, bx
        db 0x2E, 0x26, 0x8A, 0x07   ; cs es mov al, [bx]: the last one wins
        CHECK al, 0x77, "two segment overrides: the last one wins"
%ifndef QEMU                        ; QEMU TCG does not check real-mode limits
        push word 0
        pop ds
        mov ax, DATASEG
        mov es, ax
        mov ebx, 0xFFFF
        mov esi, 2
        EXPECT_EXC aw_resume
aw:     mov al, [es:ebx+esi]        ; 10001h: past the limit, no wrap
aw_resume:
        CHECK_EXC 13, aw, "#GP 32-bit address FFFF+2 past the limit"
%endif
        push word 0
        pop ds
        PASS "data offset wrap"

; ---------------------------------------------------------------- unreal mode
        ; GDT: null, 08h = 16-bit code base F0000h limit FFFFh,
        ;      10h = data base 0 limit 4 GiB (G=1).
        mov dword [GDT+0], 0
        mov dword [GDT+4], 0
        mov dword [GDT+8], 0x0000FFFF
        mov dword [GDT+12], 0x00009B0F
        mov dword [GDT+16], 0x0000FFFF
        mov dword [GDT+20], 0x008F9300
        mov word [GDTR], 23
        mov dword [GDTR+2], GDT
        lgdt [GDTR]
        mov eax, cr0
        or al, 1
        mov cr0, eax
        jmp 0x08:pm16
pm16:   mov ax, 0x10
        mov ds, ax
        mov es, ax
        mov fs, ax
        mov gs, ax
        mov eax, cr0
        and al, 0xFE
        mov cr0, eax
        jmp ROMSEG:rm_again
rm_again:
        xor ax, ax                  ; real-mode loads: base = sel << 4,
        mov ds, ax                  ; the 4 GiB limit stays
        mov es, ax
        mov gs, ax
        mov esi, 0x00200000
        mov dword [esi], 0xCAFEBABE
        mov eax, [esi]
        CHECK eax, 0xCAFEBABE, "unreal: read back at 2 MiB"
        mov dword [dword 0x00100000], 0x12345678
        mov ax, 0xFFFF              ; FFFF:0010 = 100000h with A20 enabled
        mov es, ax
        CHECK dword [es:0x0010], 0x12345678, "unreal: FFFF:0010 sees 1 MiB"
        mov ax, 0x1000
        mov fs, ax
        mov dword [fs:dword 0x00100000], 0x0BADF00D
        CHECK dword [gs:dword 0x00110000], 0x0BADF00D, "unreal: FS=1000h base + 32-bit offset"
        mov dword [dword 0x07FFFFFC], 0x5EA5EA5E
        CHECK dword [dword 0x07FFFFFC], 0x5EA5EA5E, "unreal: last dword of 128 MiB"
        xor ax, ax
        mov es, ax
        mov fs, ax
        PASS "unreal mode"

        PASS_EXIT

        ROM_END
