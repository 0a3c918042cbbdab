; tests/peer/sys_matrix.asm -- protected-mode system checks, run in Bochs
; and in shadow86 and compared line for line (tests/peer/README.md).
;
; A case is a record (sys_cases.inc): a stub run at CPL 0 or 3, a
; preparation routine run before it at CPL 0 (EBX = arg, EDX = arg2), and
; a name. Before each case the driver restores the world: the test
; descriptors, the IDT, the ring-0 stack in the TSS, CR0/CR4, the page
; tables and the memory the cases touch. The stub ends with INT 30h, or
; faults; either way a catcher task prints the state (peer_rom.inc), plus
; FS, GS, CR0, CR4 and a dword the stub may store (`user`).

%define GDT_SIZE 0x400
%include "peer_rom.inc"

CASE_STACK equ 0x8800           ; ESP the stub starts with (SS flat, its CPL)
SCRATCH    equ 0x50000          ; a page the CR0.WP / #AC cases use
BIG_PAGE   equ 0x400000         ; PDE 1: a 4 MiB page when CR4.PSE is on

; Test descriptors (the GDT image gdt_tests, restored per case).
T_RO3      equ 0x190            ; data, read-only, DPL 3
T_NP3      equ 0x198            ; data, RW, DPL 3, not present
T_D0       equ 0x1A0            ; data, RW, DPL 0
T_XO3      equ 0x1A8            ; code, execute-only, DPL 3
T_XR0      equ 0x1B0            ; code, readable, DPL 0
T_CONF0    equ 0x1B8            ; code, readable, conforming, DPL 0
T_XR1      equ 0x1C0            ; code, readable, DPL 1
T_ED3      equ 0x1C8            ; data, RW, expand-down, 16-bit, limit 0FFFh, DPL 3
T_D1       equ 0x1D0            ; data, RW, DPL 1
T_XR2      equ 0x1D8            ; code, readable, DPL 2
T_D2       equ 0x1E0            ; data, RW, DPL 2
T_GATE     equ 0x1E8            ; the call gate a case writes
T_NPD0     equ 0x1F0            ; data, RW, DPL 0, not present
T_NPC0     equ 0x1F8            ; code, DPL 0, not present
T_SMALL0   equ 0x200            ; data, RW, DPL 0, base 8000h, limit 0Fh
T_NPC3     equ 0x210            ; code, DPL 3, not present
T_TINY3    equ 0x218            ; code, DPL 3, limit FFh
T_BEYOND   equ GDT_SIZE         ; first selector past the GDT limit

C          equ 0x0800
c_k        equ C+0x00
c_rec      equ C+0x04
c_cr0      equ C+0x08           ; CR0 as the ROM set it up
v_user     equ C+0x0C           ; a dword the stub may store; printed

REC_SIZE   equ 48               ; stub, prep, cpl, arg, arg2, then the name

        bits 32
peer_main:
        mov eax, cr0
        and eax, ~8                     ; TS
        mov [c_cr0], eax
        mov dword [c_k], 0
        jmp case_top

peer_resume:
        mov ax, SEL_DATA0
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov esp, DRIVER_STACK
        inc dword [c_k]
case_top:
        mov esp, DRIVER_STACK
        mov eax, [c_k]
        cmp eax, CASE_COUNT
        jb .go
        PEER_END
.go:    imul esi, eax, REC_SIZE
        add esi, cases
        mov [c_rec], esi
        call reset_world
        mov esi, [c_rec]
        mov ebx, [esi + 12]
        mov edx, [esi + 16]
        mov eax, [esi + 4]
        test eax, eax
        jz .noprep
        call eax
.noprep:
        mov esi, [c_rec]
        mov [v_drv_esp], esp
        mov ax, SEL_DATA3
        mov ds, ax
        mov es, ax
        mov fs, ax
        mov gs, ax
        mov ebp, [esi]                  ; the stub
        mov eax, [esi + 12]             ; EAX = arg
        mov ebx, 0xBB000000 | farptr
        mov ecx, 0x33334444
        mov edx, 0x55556666
        mov edi, 0x9999AAAA
        cmp dword [esi + 8], 0
        jne .cpl3
        push dword 0x000008D7
        popfd
        mov esi, 0x77778888
        push word SEL_DATA0
        pop ss
        mov esp, CASE_STACK
        jmp ebp
.cpl3:  push dword SEL_DATA3
        push dword CASE_STACK
        push dword 0x000008D7
        push dword SEL_CODE3
        push ebp
        mov esi, 0x77778888
        iretd

; reset_world: everything a case may change, back to its start state.
reset_world:
        mov esi, gdt_tests
        mov edi, GDT_BASE + T_RO3
        mov ecx, (gdt_tests_end - gdt_tests) / 4
        rep movsd
        ; IDT: vectors 0-31 task gates to the catchers, 40h empty.
        xor ebx, ebx
.idt:   lea eax, [SEL_CATCH + ebx * 8]
        mov word [IDT_BASE + ebx * 8], 0
        mov [IDT_BASE + ebx * 8 + 2], ax
        mov word [IDT_BASE + ebx * 8 + 4], 0x8500
        mov word [IDT_BASE + ebx * 8 + 6], 0
        inc ebx
        cmp ebx, 32
        jb .idt
        mov dword [IDT_BASE + 0x40 * 8], 0
        mov dword [IDT_BASE + 0x40 * 8 + 4], 0
        mov dword [TSS_MAIN + 4], ESP0_STACK
        mov word [TSS_MAIN + 8], SEL_DATA0
        xor eax, eax
        lldt ax
        mov cr4, eax
        mov eax, [c_cr0]
        mov cr0, eax
        mov dword [PAGE_TAB + (SCRATCH >> 12) * 4], SCRATCH | 7
        mov dword [PAGE_DIR + 4], 0
        mov eax, cr3
        mov cr3, eax
        mov dword [v_user], 0
        ; Memory: the case stack, the ring-0 stack, the scratch page.
        mov edi, CASE_STACK - 0x100
        mov ecx, 0x140
        call fill_range
        mov edi, ESP0_STACK - 0x100
        mov ecx, 0x100
        call fill_range
        mov edi, SCRATCH
        mov ecx, 0x40
        call fill_range
        mov edi, 0x8000
        mov ecx, 0x10
        call fill_range
        ret

gdt_tests:
        DESC 0, 0xFFFFF, 0xF0, 0xC0            ; 190 RO data DPL3
        DESC 0, 0xFFFFF, 0x72, 0xC0            ; 198 not present DPL3
        DESC 0, 0xFFFFF, 0x92, 0xC0            ; 1A0 data DPL0
        DESC 0, 0xFFFFF, 0xF8, 0xC0            ; 1A8 code XO DPL3
        DESC 0, 0xFFFFF, 0x9A, 0xC0            ; 1B0 code XR DPL0
        DESC 0, 0xFFFFF, 0x9E, 0xC0            ; 1B8 conforming XR DPL0
        DESC 0, 0xFFFFF, 0xBA, 0xC0            ; 1C0 code XR DPL1
        DESC 0, 0x00FFF, 0xF6, 0x00            ; 1C8 expand-down 16-bit DPL3
        DESC 0, 0xFFFFF, 0xB2, 0xC0            ; 1D0 data DPL1
        DESC 0, 0xFFFFF, 0xDA, 0xC0            ; 1D8 code XR DPL2
        DESC 0, 0xFFFFF, 0xD2, 0xC0            ; 1E0 data DPL2
        dq 0                                   ; 1E8 the gate
        DESC 0, 0xFFFFF, 0x12, 0xC0            ; 1F0 data DPL0 not present
        DESC 0, 0xFFFFF, 0x1A, 0xC0            ; 1F8 code DPL0 not present
        DESC 0x8000, 0x0000F, 0x92, 0x40       ; 200 small data DPL0
        dq 0                                   ; 208
        DESC 0, 0xFFFFF, 0x7A, 0xC0            ; 210 code DPL3 not present
        DESC 0, 0x000FF, 0xFA, 0x40            ; 218 tiny code DPL3
gdt_tests_end:

peer_idt_extra:
        ret

; "kkkk name arg=A arg2=B cplN"
peer_case_name:
        mov eax, [c_k]
        call puthex16
        mov al, ' '
        out 0xE9, al
        mov esi, [c_rec]
        push esi
        add esi, 20
        call puts
        pop esi
        PUTS str_arg
        mov eax, [esi + 12]
        call puthex
        PUTS str_arg2
        mov eax, [esi + 16]
        call puthex
        PUTS str_cpl
        mov al, [esi + 8]
        add al, '0'
        out 0xE9, al
        ret

peer_case_extra:
        mov esi, [v_tss]
        PUTS str_fs
        mov ax, [esi + 0x58]
        call puthex16
        PUTS str_gs
        mov ax, [esi + 0x5C]
        call puthex16
        PUTS str_cr0
        mov eax, cr0
        call puthex
        PUTS str_cr4
        mov eax, cr4
        call puthex
        PUTS str_user
        mov eax, [v_user]
        call puthex
        ret

peer_checksum:
        mov dword [v_sum], 0
        mov edi, GDT_BASE
        mov ecx, GDT_SIZE
        call sum_range
        mov edi, CASE_STACK - 0x100
        mov ecx, 0x140
        call sum_range
        mov edi, ESP0_STACK - 0x100
        mov ecx, 0x100
        call sum_range
        mov edi, SCRATCH
        mov ecx, 0x40
        call sum_range
        mov edi, 0x8000
        mov ecx, 0x10
        call sum_range
        ret

str_arg:  db " arg=", 0
str_arg2: db " arg2=", 0
str_cpl:  db " cpl", 0
str_fs:   db " fs=", 0
str_gs:   db " gs=", 0
str_cr0:  db " cr0=", 0
str_cr4:  db " cr4=", 0
str_user: db " user=", 0

%include "sys_cases.inc"

        PEER_ROM_END
