; smc_alias -- self-modifying code through a second virtual alias, and
; code whose mapping changes under it (paging).
;
; Code runs at linear 0xF8000-0xFAFFF (inside the 64 KiB code segment of
; pm32.inc, base 0xF0000), which the page tables map to RAM; the rest of
; linear 0-4 MiB is identity-mapped and linear 4 MiB (0x400000) is a third
; view of the routine's page.  A routine "mov eax, imm32 / ret" runs through
; its code address and is rewritten through the other two views; each call
; must return the new immediate.  Then the code page is remapped to other
; code (with INVLPG), and an instruction straddling two pages has its second
; page remapped: each call must run what the page tables now map, although
; no byte of the old code was written.

%define GUEST_NAME "smc_alias"
%include "rom16.inc"
%include "pm32.inc"

PD      equ 0x20000
PT0     equ 0x21000                 ; linear 0-4 MiB, identity
PT1     equ 0x22000                 ; linear 4-8 MiB, the aliases
ALIAS   equ 0x400000
CODE_A  equ 0x100000                ; routine A (aliased at ALIAS)
CODE_B  equ 0x101000                ; routine B (ALIAS remapped here)
STR_1   equ 0x102000                ; first page of the straddling routine
STR_2A  equ 0x103000                ; its second page, version A
STR_2B  equ 0x104000                ; its second page, version B
PTE     equ 3                       ; present, writable
EXEC_A  equ 0xF8000                 ; linear code views (CS offsets 8000h..)
EXEC_S  equ 0xF9FFE                 ; the straddling instruction

; call_lin linear -- call code at a linear address (CS base is ROMBASE).
%macro CALL_LIN 1
        mov eax, %1 - ROMBASE
        call eax
%endmacro

; put_routine phys, imm -- "mov eax, imm32 ; ret" at a physical (= identity
; linear) address.
%macro PUT_ROUTINE 2
        mov byte [%1], 0xB8
        mov dword [%1 + 1], %2
        mov byte [%1 + 5], 0xC3
%endmacro

        bits 32
main32:
        ; Page tables: identity for 0-4 MiB, aliases in 4-8 MiB.
        mov edi, PT0
        mov eax, PTE
        mov ecx, 1024
.id:    stosd
        add eax, 0x1000
        loop .id
        mov dword [PT0 + 0xF8*4], CODE_A | PTE   ; code view of routine A
        mov dword [PT0 + 0xF9*4], STR_1 | PTE    ; straddle, page 1
        mov dword [PT0 + 0xFA*4], STR_2A | PTE   ; straddle, page 2 (A)
        mov edi, PT1
        xor eax, eax
        mov ecx, 1024
        rep stosd
        mov dword [PT1 + 0*4], CODE_A | PTE      ; 0x400000: a third view of A
        mov edi, PD
        xor eax, eax
        mov ecx, 1024
        rep stosd
        mov dword [PD + 0], PT0 | PTE
        mov dword [PD + 4], PT1 | PTE

        PUT_ROUTINE CODE_A, 0x11111111
        PUT_ROUTINE CODE_B, 0x55555555
        ; The straddling routine: B8 at 0x401FFE, imm bytes at 0x401FFF and
        ; 0x402000-0x402002, then RET on the second page.
        mov byte [STR_1 + 0xFFE], 0xB8
        mov byte [STR_1 + 0xFFF], 0x78
        mov dword [STR_2A], 0xC3123456           ; imm 56 34 12, then ret
        mov dword [STR_2B], 0xC39ABCDE           ; imm DE BC 9A, then ret

        mov eax, PD
        mov cr3, eax
        mov eax, cr0
        or eax, 0x80000000
        mov cr0, eax
        jmp .paged
.paged:

        ; 1. rewrite through a second virtual alias.
        CALL_LIN EXEC_A
        CHECK32 eax, 0x11111111, "routine A through its code address"
        mov dword [ALIAS + 1], 0x22222222
        CALL_LIN EXEC_A
        CHECK32 eax, 0x22222222, "rewritten through the 0x400000 alias"
        PASS32 "store through a second virtual alias invalidates the code"

        ; 2. and through a third.
        mov dword [CODE_A + 1], 0x33333333
        CALL_LIN EXEC_A
        CHECK32 eax, 0x33333333, "rewritten through the identity view"
        PASS32 "store through a third view invalidates the code"

        ; 3. remap the code page to other code: no code byte is written.
        mov dword [PT0 + 0xF8*4], CODE_B | PTE
        invlpg [EXEC_A]
        CALL_LIN EXEC_A
        CHECK32 eax, 0x55555555, "code page remapped to routine B"
        PASS32 "a remapped code page runs the code it now maps"

        ; 4. an instruction straddling two pages; remap its second page.
        CALL_LIN EXEC_S
        CHECK32 eax, 0x12345678, "straddling instruction, second page A"
        mov dword [PT0 + 0xFA*4], STR_2B | PTE
        invlpg [EXEC_S + 2]
        CALL_LIN EXEC_S
        CHECK32 eax, 0x9ABCDE78, "straddling instruction, second page remapped to B"
        PASS32 "remapping the second page of a straddling instruction"

        PASS_EXIT32

        bits 16
        ROM_END
