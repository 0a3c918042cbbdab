; rm_unreal -- the hidden descriptor cache: after a round trip through
; protected mode with a 4 GiB data segment, real-mode code keeps the 4 GiB
; limit in FS (unreal mode) even across real-mode loads of FS, which set
; only the selector and base; a segment whose cache still holds 64 KiB
; faults past FFFFh (#GP, vector 13, in real mode). Protected mode is
; entered from a code segment whose selector has RPL bits 3: the CPL is 0
; until CS is reloaded (SDM 9.9.1).

%define GUEST_NAME "rm_unreal"
%include "rom16.inc"

GDT   equ SCRATCH
GDTR  equ SCRATCH + 0x20

main:
        mov dword [GDT], 0
        mov dword [GDT + 4], 0
        mov dword [GDT + 8], 0x0000FFFF     ; 08: data, base 0, 4 GiB
        mov dword [GDT + 12], 0x00CF9200
        mov word [GDTR], 15
        mov dword [GDTR + 2], GDT
        lgdt [GDTR]
        ; Enter protected mode from CS = EFF3h (RPL bits 3): until CS is
        ; reloaded the CPL stays 0, so the DPL 0 load below must work.
        jmp 0xEFF3:.odd + 0x00D0
.odd:   mov eax, cr0
        or al, 1
        mov cr0, eax
        mov bx, 0x08
        mov fs, bx                          ; cache: base 0, limit 4 GiB
        and al, 0xFE
        mov cr0, eax                        ; back to real mode (CS cache kept)
        jmp ROMSEG:.real
.real:  xor ax, ax
        mov fs, ax                          ; real-mode load: selector/base only
        mov esi, 0x00200000
        mov dword [fs:esi], 0x600DF00D
        mov eax, [fs:esi]
        CHECK eax, 0x600DF00D, "unreal FS reaches 2 MiB after a real-mode load"
        mov ax, fs
        CHECK ax, 0, "FS selector is 0"
        xor ax, ax
        mov ds, ax
        EXPECT_EXC .gp0
.f0:    mov ecx, [esi]                      ; DS never had a 4 GiB cache
.gp0:   CHECK_EXC 13, .f0, "DS offset 2 MiB with a 64 KiB cache: #GP"
        mov eax, [fs:esi]
        CHECK eax, 0x600DF00D, "the same bytes through unreal FS"
        PASS "unreal mode: the 4 GiB limit survives in the cache"

        ; GS was never loaded in protected mode: its cache holds 64 KiB.
        xor ax, ax
        mov gs, ax
        EXPECT_EXC .back
        mov esi, 0x00010000
.f:     mov eax, [gs:esi]
.back:  CHECK_EXC 13, .f, "GS offset 10000h with a 64 KiB cache: #GP (int 13)"
        EXPECT_EXC .back2
.f2:    mov eax, [gs:0xFFFE]                ; the last byte is past FFFFh
.back2: CHECK_EXC 13, .f2, "dword at FFFEh: #GP (int 13)"
        PASS "real-mode limit checks on every byte"

        smsw ax
        CHECK ax, 0x0010, "SMSW in real mode: ET"
        PASS_EXIT
        ROM_END
