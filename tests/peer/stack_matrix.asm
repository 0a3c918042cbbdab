; tests/peer/stack_matrix.asm -- the stack-instruction matrix, run in Bochs
; and in shadow86 and compared line for line (tests/peer/README.md).
;
; Case k decodes to (template, SS.B, ESP position, CPL, fault):
;   fault = k % 4        none / first / middle / last stack access faults
;   cpl   = k / 4 % 2    0 or 3
;   pos   = k / 8 % 3    ESP = 00000008h (wraps), 0000FFFCh, 00123458h
;   ssb   = k / 24 % 2   16- or 32-bit stack segment
;   t     = k / 48       the template (stack_templates.inc)
; A fault is injected by putting the stack next to a not-present guard
; page so that exactly the chosen access is the first one on it; the
; wrapping position runs without injected faults.  Each case prints the
; state after the instruction (or at its fault) from the main task's TSS.

%include "peer_rom.inc"

F_POP      equ 1                ; the stack accesses go up (pops)
F_CPL0     equ 2                ; only at CPL 0
F_TASK     equ 4                ; print the task dump
F_EBP_SP   equ 8                ; EBP starts equal to ESP (LEAVE)

; Case state (flat).
C          equ 0x0800
c_k        equ C+0x00
c_t        equ C+0x04           ; template record address
c_f        equ C+0x08
c_cpl      equ C+0x0C
c_pos      equ C+0x10
c_ssb      equ C+0x14
c_L        equ C+0x18           ; linear address of SS:ESP
c_base     equ C+0x1C           ; SS base
c_ss       equ C+0x20           ; SS selector of the case
c_ss_other equ C+0x24           ; same DPL, the other size
c_esp      equ C+0x28
c_stub     equ C+0x2C

        bits 32
peer_main:
        mov dword [c_k], 0
        jmp case_top

peer_resume:
        mov ax, SEL_DATA0
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov esp, DRIVER_STACK
next_case:
        inc dword [c_k]
case_top:
        mov esp, DRIVER_STACK
        mov eax, [c_k]
        mov ecx, eax
        and ecx, 3
        mov [c_f], ecx
        shr eax, 2
        mov ecx, eax
        and ecx, 1
        mov [c_cpl], ecx
        shr eax, 1
        xor edx, edx
        mov ecx, 3
        div ecx
        mov [c_pos], edx
        mov ecx, eax
        and ecx, 1
        mov [c_ssb], ecx
        shr eax, 1
        cmp eax, TEMPLATE_COUNT
        jb .go
        PEER_END
.go:    imul eax, eax, TPL_SIZE
        add eax, templates
        mov [c_t], eax
        mov esi, eax
        ; Skip what does not apply.
        cmp dword [c_f], 0
        je .f_ok
        cmp dword [esi + 12], 0
        je next_case
        cmp dword [c_pos], 0
        je next_case
        cmp dword [c_f], 2              ; "middle" needs 3 accesses, "last" 2
        jb .f_ok
        ja .f_last
        cmp dword [esi + 12], 3
        jb next_case
        jmp .f_ok
.f_last:
        cmp dword [esi + 12], 2
        jb next_case
.f_ok:  cmp dword [c_cpl], 0
        je .cpl_ok
        test dword [esi + 20], F_CPL0
        jnz next_case
.cpl_ok:
        ; ESP and the linear address L of SS:ESP.
        mov eax, [c_pos]
        mov eax, [pos_esp + eax * 4]
        mov [c_esp], eax
        cmp dword [c_ssb], 0
        jne .sp32
        and eax, 0xFFFF
.sp32:  mov ebx, eax                        ; EBX = SP as the stack size sees it
        mov ecx, [c_f]
        mov eax, 0
        cmp ecx, 1
        je .j
        mov eax, [esi + 12]
        cmp ecx, 2
        jne .jl
        shr eax, 1
        jmp .j
.jl:    dec eax
.j:     imul eax, [esi + 16]                ; EAX = j * slot size
        mov edx, STACK_PAGE + 0x800
        cmp ecx, 0
        je .L
        test dword [esi + 20], F_POP
        jnz .Lpop
        lea edx, [STACK_PAGE + eax]
        jmp .L
.Lpop:  mov edx, GUARD_HI
        sub edx, eax
.L:     mov [c_L], edx
        sub edx, ebx
        mov [c_base], edx
        ; The four test stacks, all with this base.
        mov eax, edx
        mov edi, GDT_BASE + (SEL_SS16_0 & ~7)
        mov ecx, 0x00009300
        call make_ss16
        mov edi, GDT_BASE + (SEL_SS16_3 & ~7)
        mov ecx, 0x0000F300
        call make_ss16
        mov edi, GDT_BASE + (SEL_SS32_0 & ~7)
        mov ecx, 0x00CF9300
        call make_ss32
        mov edi, GDT_BASE + (SEL_SS32_3 & ~7)
        mov ecx, 0x00CFF300
        call make_ss32
        mov ecx, [c_cpl]                    ; ss_table[ssb + 2 * (cpl == 3)]
        and ecx, 1
        mov eax, [c_ssb]
        lea eax, [eax + ecx * 2]
        mov edx, [ss_table + eax * 4]
        mov [c_ss], edx
        xor eax, 1
        mov edx, [ss_table + eax * 4]
        mov [c_ss_other], edx
        ; Registers.
        mov dword [regs_in + 0], 0x11112222
        mov dword [regs_in + 4], 0x33334444
        mov dword [regs_in + 8], 0x55556666
        mov dword [regs_in + 12], 0xBB000000 | memop
        mov dword [regs_in + 24], 0x77778888
        mov dword [regs_in + 28], 0x9999AAAA
        mov dword [regs_in + 32], 0x000008D7
        mov eax, [c_esp]
        test dword [esi + 20], F_EBP_SP
        jnz .ebp
        add eax, 0x100
.ebp:   cmp dword [c_ssb], 0
        jne .ebp32
        and eax, 0xFFFF
        or eax, 0x00560000
.ebp32: mov [regs_in + 20], eax
        ; Memory: the pattern around the stack (and where a 16-bit SP
        ; wraps to), the ring-0 stack, the memory operand; tasks reset.
        call fill_windows
        mov dword [memop], 0xC1C2C3C4
        mov dword [memop + 4], 0xD1D2D3D4
        mov edi, dump
        xor eax, eax
        mov ecx, 12
        rep stosd
        call reset_tasks
        mov eax, [esi + 4]
        mov [c_stub], eax
        mov eax, [esi + 8]
        test eax, eax
        jz .noprep
        mov ebx, [c_L]
        call eax
.noprep:
        ; Launch at the case's CPL.
        mov [v_drv_esp], esp
        mov ax, SEL_DATA3
        mov ds, ax
        mov es, ax
        mov fs, ax
        mov gs, ax
        cmp dword [c_cpl], 0
        jne .cpl3
        push dword [regs_in + 32]
        popfd
        mov ss, [c_ss]
        mov esp, [c_esp]
        jmp launch
.cpl3:  ; IRET to a 16-bit stack loads only SP: the upper half of ESP stays
        ; what it was at CPL 0 (as on hardware, the "espfix" leak).  Leave
        ; from a stack whose ESP has the case's upper half, so the case
        ; starts with exactly its ESP.
        mov eax, [c_esp]
        and eax, 0xFFFF0000
        mov ebx, eax
        neg eax
        mov edi, GDT_BASE + SEL_LAUNCH
        mov ecx, 0x00CF9300
        call make_ss32
        add ebx, DRIVER_STACK - 0x100
        mov ax, SEL_LAUNCH
        mov ss, ax
        mov esp, ebx
        push dword [c_ss]
        push dword [c_esp]
        push dword [regs_in + 32]
        push dword SEL_CODE3
        push dword launch
        iretd
launch: mov eax, [regs_in + 0]
        mov ecx, [regs_in + 4]
        mov edx, [regs_in + 8]
        mov ebx, [regs_in + 12]
        mov ebp, [regs_in + 20]
        mov esi, [regs_in + 24]
        mov edi, [regs_in + 28]
        jmp [c_stub]

pos_esp:  dd 0x00000008, 0x0000FFFC, 0x00123458
ss_table: dd SEL_SS16_0, SEL_SS32_0, SEL_SS16_3, SEL_SS32_3
pos_name: dd str_lo, str_ffff, str_hi
ssb_name: dd str_ss16, str_ss32
cpl_name: dd str_cpl0, str_cpl3
f_name:   dd str_fnone, str_ffirst, str_fmid, str_flast

; make_ss16/32: EDI = descriptor, EAX = base, ECX = access/flags dword
; (high dword without the base bits).
make_ss16:
        mov word [edi], 0xFFFF
        jmp make_ss_base
make_ss32:
        mov word [edi], 0xFFFF
make_ss_base:
        mov [edi + 2], ax
        mov edx, eax
        shr edx, 16
        and edx, 0xFF
        or edx, ecx
        mov ecx, eax
        and ecx, 0xFF000000
        or edx, ecx
        mov [edi + 4], edx
        ret

; The windows: [L-200h, L+180h), for a 16-bit stack the first and last
; 200h bytes of its 64 KiB, and the top of the ring-0 stack.
%macro WINDOWS 1
        mov edi, [c_L]
        sub edi, 0x200
        and edi, ~3
        mov ecx, 0x380
        call %1
        cmp dword [c_ssb], 0
        jne %%w32
        mov edi, [c_base]
        and edi, ~3
        mov ecx, 0x200
        call %1
        mov edi, [c_base]
        add edi, 0xFE00
        and edi, ~3
        mov ecx, 0x200
        call %1
%%w32:  mov edi, ESP0_STACK - 0x100
        mov ecx, 0x100
        call %1
%endmacro

fill_windows:
        WINDOWS fill_range
        ret

peer_checksum:
        mov dword [v_sum], 0
        WINDOWS sum_range
        mov edi, memop
        mov ecx, 8
        call sum_range
        ret

; reset_tasks: fresh images of the 32-bit and the 16-bit task.
reset_tasks:
        mov edi, TSS_T32
        mov ecx, 0x100 / 4
        xor eax, eax
        rep stosd
        mov edi, TSS_T32
        call tss_flat0
        mov dword [edi + 0x1C], PAGE_DIR
        mov dword [edi + 0x20], t32_code
        mov dword [edi + 0x24], 0x000008D7
        mov eax, 0x32000001
        xor ecx, ecx
.r:     mov [edi + 0x28 + ecx * 4], eax
        inc eax
        inc ecx
        cmp ecx, 8
        jb .r
        mov dword [edi + 0x38], T32_STACK
        mov edi, TSS_T16
        mov word [edi + 0x0E], t16_code - ROM_ORG
        mov word [edi + 0x10], 0x08D7
        mov ax, 0x1601
        xor ecx, ecx
.r16:   mov [edi + 0x12 + ecx * 2], ax
        inc eax
        inc ecx
        cmp ecx, 8
        jb .r16
        mov word [edi + 0x1A], T16_STACK
        mov word [edi + 0x22], SEL_DATA0
        mov word [edi + 0x24], SEL_CODE16
        mov word [edi + 0x26], SEL_DATA16
        mov word [edi + 0x28], SEL_DATA0
        ret

; The tasks a task gate enters: dump EAX..EDI, EFLAGS, FS, GS, report.
t32_code:
        mov [dump + 0], eax
        mov [dump + 4], ecx
        mov [dump + 8], edx
        mov [dump + 12], ebx
        mov [dump + 16], esp
        mov [dump + 20], ebp
        mov [dump + 24], esi
        mov [dump + 28], edi
        pushfd
        pop dword [dump + 32]
        mov [dump + 36], fs
        mov [dump + 40], gs
        int 0x30
        bits 16
t16_code:
        o32 mov [dump + 0], eax
        o32 mov [dump + 4], ecx
        o32 mov [dump + 8], edx
        o32 mov [dump + 12], ebx
        o32 mov [dump + 16], esp
        o32 mov [dump + 20], ebp
        o32 mov [dump + 24], esi
        o32 mov [dump + 28], edi
        pushfd
        o32 pop dword [dump + 32]
        mov [dump + 36], fs
        mov [dump + 40], gs
        int 0x30
        bits 32

; Extra IDT entries: 32h 32-bit interrupt gate, 33h 16-bit one (to the
; same code through the F0000h-based segment), 34h/35h task gates.
peer_idt_extra:
        mov eax, int_target
        mov [IDT_BASE + 0x32 * 8], ax
        mov word [IDT_BASE + 0x32 * 8 + 2], SEL_CODE0
        mov word [IDT_BASE + 0x32 * 8 + 4], 0xEE00
        shr eax, 16
        mov [IDT_BASE + 0x32 * 8 + 6], ax
        mov word [IDT_BASE + 0x33 * 8], int_target - ROM_ORG
        mov word [IDT_BASE + 0x33 * 8 + 2], SEL_CODEF0
        mov word [IDT_BASE + 0x33 * 8 + 4], 0xE600
        mov word [IDT_BASE + 0x34 * 8 + 2], SEL_T32
        mov word [IDT_BASE + 0x34 * 8 + 4], 0xE500
        mov word [IDT_BASE + 0x35 * 8 + 2], SEL_T16
        mov word [IDT_BASE + 0x35 * 8 + 4], 0xE500
        ret

; "k template ssNN esp=POS cplN f=FAULT"
peer_case_name:
        mov eax, [c_k]
        call puthex16
        mov al, ' '
        out 0xE9, al
        mov esi, [c_t]
        add esi, 24
        call puts
        mov eax, [c_ssb]
        mov esi, [ssb_name + eax * 4]
        call puts
        mov eax, [c_pos]
        mov esi, [pos_name + eax * 4]
        call puts
        mov eax, [c_cpl]
        mov esi, [cpl_name + eax * 4]
        call puts
        mov eax, [c_f]
        mov esi, [f_name + eax * 4]
        call puts
        ret

peer_case_extra:
        mov esi, [c_t]
        test dword [esi + 20], F_TASK
        jz .d
        PUTS str_dump
        mov esi, dump
        mov ecx, 11
.l:     mov al, ' '
        out 0xE9, al
        lodsd
        call puthex
        loop .l
.d:     ret

str_ss16:  db " ss16", 0
str_ss32:  db " ss32", 0
str_lo:    db " esp=lo", 0
str_ffff:  db " esp=ffff", 0
str_hi:    db " esp=hi", 0
str_cpl0:  db " cpl0", 0
str_cpl3:  db " cpl3", 0
str_fnone: db " f=none", 0
str_ffirst: db " f=first", 0
str_fmid:  db " f=mid", 0
str_flast: db " f=last", 0
str_dump:  db " dump", 0

%include "stack_templates.inc"

        PEER_ROM_END
