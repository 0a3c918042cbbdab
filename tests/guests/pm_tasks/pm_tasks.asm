; pm_tasks -- hardware task switches: JMP to a TSS, CALL through a task
; gate and IRET back with NT, INT through an IDT task gate, an exception
; through a task gate with its error code on the new task's stack, a
; 16-bit TSS, and the checks: busy bits, back link, NT, CR0.TS, saved
; register images, #GP for a busy TSS and #TS for a short one.

%define GUEST_NAME "pm_tasks"
%include "rom16.inc"
%include "pm32.inc"

TB_STACK equ 0x7800

; INIT_TSS_B entry -- a fresh 32-bit task B at CPL 0 entering at `entry`.
%macro INIT_TSS_B 1
        mov edi, TSS_B
        mov ecx, 0x68 / 4
        xor eax, eax
        rep stosd
        mov dword [TSS_B + 0x20], %1
        mov dword [TSS_B + 0x24], 0x0002
        mov dword [TSS_B + 0x28], 0xB0B0B0B0
        mov dword [TSS_B + 0x38], TB_STACK
        mov word [TSS_B + 0x48], SEL_DATA0
        mov word [TSS_B + 0x4C], SEL_CODE0
        mov word [TSS_B + 0x50], SEL_DATA0
        mov word [TSS_B + 0x54], SEL_DATA0
        mov word [TSS_B + 0x58], SEL_DATA0
        mov word [TSS_B + 0x5C], SEL_DATA0
%endmacro

        bits 32
main32:
        PRINT32 {"pm_tasks: protected mode, TR = TSS A", 10}

; ---------------------------------------------------------------- JMP
        INIT_TSS_B taskb_jmp
        clts
        mov eax, 0xA0A0A0A0
        mov ebx, 0xA1A1A1A1
        jmp SEL_TSS_B:0
jmp_back:
        ; Back in task A through B's JMP.
        CHECK32 eax, 0xA0A0A0A0, "JMP back: EAX restored from TSS A"
        CHECK32 ebx, 0xA1A1A1A1, "JMP back: EBX restored"
        mov ecx, esp
        CHECK32 ecx, R0_STACK, "JMP back: ESP restored"
        str eax
        CHECK32 eax, SEL_TSS_A, "JMP back: STR"
        CHECK32 dword [pm_scratch], 0xB0B0B0B0, "task B saw its EAX"
        CHECK32 dword [pm_scratch + 4], SEL_TSS_B, "task B: STR"
        CHECK32 dword [pm_scratch + 8], jmp_back, "task B: TSS A's saved EIP"
        CHECK32 dword [pm_scratch + 12], 0xA0A0A0A0, "task B: TSS A's saved EAX"
        CHECK32 dword [pm_scratch + 16], 0x89, "task B: TSS A not busy after JMP"
        CHECK32 dword [pm_scratch + 20], 0x8B, "task B: TSS B busy"
        CHECK32 dword [pm_scratch + 24], 0, "task B: NT clear after JMP"
        CHECK32 dword [pm_scratch + 28], 8, "task B: CR0.TS set"
        CHECK32 dword [pm_scratch + 32], 0, "task B: back link untouched by JMP"
        movzx eax, byte [GDT_BASE + SEL_TSS_B + 5]
        CHECK32 eax, 0x89, "TSS B not busy after the JMP back"
        CHECK32 dword [TSS_B + 0x20], taskb_jmp.after, "TSS B saved EIP after its JMP"
        PASS32 "JMP to a TSS and back: saved images, busy bits, CR0.TS"

; ---------------------------------------------------------------- CALL via task gate
        INIT_TSS_B taskb_call
        mov ebx, 0x12345678
        call SEL_TGATE:0
call_ret:
        CHECK32 ebx, 0x12345678, "CALL/IRET: EBX of task A"
        pushfd
        pop eax
        and eax, 0x4000
        CHECK32 eax, 0, "CALL/IRET: task A's EFLAGS.NT clear"
        CHECK32 dword [pm_scratch], SEL_TSS_A, "task B: back link = TSS A"
        CHECK32 dword [pm_scratch + 4], 0x4002, "task B: EFLAGS.NT set by CALL"
        CHECK32 dword [pm_scratch + 8], 0x8B, "task B: TSS A still busy during CALL"
        CHECK32 dword [pm_scratch + 12], call_ret, "task B: TSS A's saved EIP"
        movzx eax, byte [GDT_BASE + SEL_TSS_B + 5]
        CHECK32 eax, 0x89, "TSS B not busy after IRET"
        movzx eax, byte [GDT_BASE + SEL_TSS_A + 5]
        CHECK32 eax, 0x8B, "TSS A busy after IRET"
        mov eax, [TSS_B + 0x24]
        CHECK32 eax, 0x0002, "TSS B's saved EFLAGS: NT cleared by IRET"
        PASS32 "CALL through a task gate, IRET with NT"

; ---------------------------------------------------------------- INT via task gate
        INIT_TSS_B taskb_int
        mov word [IDT_BASE + 0x40*8 + 2], SEL_TSS_B
        mov word [IDT_BASE + 0x40*8 + 4], 0x8500
        int 0x40
int_ret:
        CHECK32 dword [pm_scratch], SEL_TSS_A, "INT task gate: back link"
        CHECK32 dword [pm_scratch + 4], TB_STACK, "INT task gate: no error code pushed"
        CHECK32 dword [pm_scratch + 8], int_ret, "INT task gate: TSS A's saved EIP"
        PASS32 "INT through an IDT task gate"

; ---------------------------------------------------------------- exception via task gate
        INIT_TSS_B taskb_gp
        mov word [IDT_BASE + 13*8 + 2], SEL_TSS_B
        mov word [IDT_BASE + 13*8 + 4], 0x8500
        mov ax, SEL_XONLY
gp_at:  mov ds, ax                          ; #GP(98h) -> task B
gp_resume:
        mov ax, SEL_DATA0
        mov ds, ax
        mov word [IDT_BASE + 13*8 + 2], SEL_CODE0
        mov word [IDT_BASE + 13*8 + 4], 0x8E00
        CHECK32 dword [pm_scratch], SEL_XONLY, "#GP task gate: error code on task B's stack"
        CHECK32 dword [pm_scratch + 4], TB_STACK - 4, "#GP task gate: ESP after the error code"
        CHECK32 dword [pm_scratch + 8], gp_at, "#GP task gate: TSS A's EIP = faulting instruction"
        PASS32 "#GP through a task gate, error code pushed"

; ---------------------------------------------------------------- 16-bit TSS
        mov edi, TSS_16
        mov ecx, 0x2C / 2
        xor eax, eax
        rep stosw
        mov word [TSS_16 + 0x0E], task16 - $$
        mov word [TSS_16 + 0x10], 0x0002
        mov word [TSS_16 + 0x12], 0x1616        ; AX
        mov word [TSS_16 + 0x1A], 0x7400        ; SP
        mov word [TSS_16 + 0x22], SEL_DATA0     ; ES
        mov word [TSS_16 + 0x24], SEL_CODE16    ; CS
        mov word [TSS_16 + 0x26], SEL_DATA0     ; SS
        mov word [TSS_16 + 0x28], SEL_DATA0     ; DS
        mov eax, 0xFFFF0000
        jmp SEL_TSS_16:0
t16_back:
        CHECK32 eax, 0xFFFF0000, "back from the 16-bit task: EAX"
        CHECK32 dword [pm_scratch], 0xFFFF1616, "16-bit task: AX loaded, upper EAX kept"
        movzx eax, word [TSS_16 + 0x0E]
        CHECK32 eax, task16.after - $$, "16-bit TSS: saved IP"
        movzx eax, word [TSS_16 + 0x12]
        CHECK32 eax, 0x2222, "16-bit TSS: saved AX"
        movzx eax, word [TSS_16 + 0x1A]
        CHECK32 eax, 0x7400, "16-bit TSS: saved SP"
        PASS32 "16-bit TSS"

; ---------------------------------------------------------------- faults
        EXPECT32 .b1
.f1:    jmp SEL_TSS_A:0                     ; our own TSS: busy
.b1:    CHECK_EXC32 13, SEL_TSS_A, .f1, "JMP to a busy TSS: #GP(sel)"
        INIT_TSS_B taskb_jmp
        mov word [GDT_BASE + SEL_TSS_B], 0x50   ; limit < 67h
        EXPECT32 .b2
.f2:    call SEL_TSS_B:0
.b2:    CHECK_EXC32 10, SEL_TSS_B, .f2, "CALL to a TSS with limit 50h: #TS(sel)"
        mov word [GDT_BASE + SEL_TSS_B], 0x67
        mov byte [GDT_BASE + SEL_TSS_B + 5], 0x09   ; not present
        EXPECT32 .b3
.f3:    jmp SEL_TSS_B:0
.b3:    CHECK_EXC32 11, SEL_TSS_B, .f3, "JMP to a not-present TSS: #NP(sel)"
        mov byte [GDT_BASE + SEL_TSS_B + 5], 0x89
        str eax
        CHECK32 eax, SEL_TSS_A, "failed switches leave TR alone"
        PASS32 "busy, short and not-present TSS faults"

; ---------------------------------------------------------------- #TS through a task gate
        INIT_TSS_B taskb_ts
        mov word [IDT_BASE + 10*8 + 2], SEL_TSS_B
        mov word [IDT_BASE + 10*8 + 4], 0x8500
        mov word [TSS_A + 8], SEL_RODATA        ; SS0 unusable as a stack
        SETGATE 0x31, 0xEE, SEL_CODE0, pm_stub_49
        EXPECT32 ts_back
        TO_RING3 r3ts, 0x0002
r3ts:   int 0x31
.after:
ts_back:
        CHECK32 dword [pm_scratch], SEL_RODATA, "#TS on the ring-0 stack: error code = SS0"
        CHECK32 dword [pm_scratch + 4], r3ts, "#TS: task A's saved EIP = the INT"
        CHECK32 dword [pm_scratch + 8], SEL_CODE3, "#TS: task A's saved CS"
        CHECK32 dword [pm_scratch + 12], R3_STACK, "#TS: task A's saved ESP"
        CHECK_EXC32 0x31, 0, r3ts.after, "INT 31h restarted once the #TS task fixed SS0"
        CHECK32 dword [px_frame + 16], SEL_DATA3, "restarted INT: frame SS"
        mov word [IDT_BASE + 10*8 + 2], SEL_CODE0
        mov word [IDT_BASE + 10*8 + 4], 0x8E00
        PASS32 "#TS from an inter-privilege INT, handled by a task"

; ---------------------------------------------------------------- T bit (last: stays in task B)
        INIT_TSS_B taskb_t
        mov word [TSS_B + 0x64], 1          ; T: debug trap on entry
        xor eax, eax
        mov dr6, eax
        EXPECT32 tbit_back
        jmp SEL_TSS_B:0
tbit_back:
        CHECK_EXC32 1, 0, taskb_t, "T bit: #DB before task B's first instruction"
        mov eax, dr6
        and eax, 0x8000
        CHECK32 eax, 0x8000, "T bit: DR6.BT"
        str eax
        CHECK32 eax, SEL_TSS_B, "T bit: the handler runs in task B"
        PASS32 "debug trap on task switch (TSS T bit)"

        PASS_EXIT32

taskb_t:
        FAIL32 "T bit: task B ran before the trap"

; ---------------------------------------------------------------- task B bodies
taskb_jmp:
        mov [pm_scratch], eax
        str eax
        mov [pm_scratch + 4], eax
        mov eax, [TSS_A + 0x20]
        mov [pm_scratch + 8], eax
        mov eax, [TSS_A + 0x28]
        mov [pm_scratch + 12], eax
        movzx eax, byte [GDT_BASE + SEL_TSS_A + 5]
        mov [pm_scratch + 16], eax
        movzx eax, byte [GDT_BASE + SEL_TSS_B + 5]
        mov [pm_scratch + 20], eax
        pushfd
        pop eax
        and eax, 0x4000
        mov [pm_scratch + 24], eax
        mov eax, cr0
        and eax, 8
        mov [pm_scratch + 28], eax
        movzx eax, word [TSS_B]
        mov [pm_scratch + 32], eax
        jmp SEL_TSS_A:0
.after:

taskb_call:
        movzx eax, word [TSS_B]
        mov [pm_scratch], eax
        pushfd
        pop eax
        mov [pm_scratch + 4], eax
        movzx eax, byte [GDT_BASE + SEL_TSS_A + 5]
        mov [pm_scratch + 8], eax
        mov eax, [TSS_A + 0x20]
        mov [pm_scratch + 12], eax
        iretd

taskb_ts:
        mov eax, [esp]
        mov [pm_scratch], eax
        mov eax, [TSS_A + 0x20]
        mov [pm_scratch + 4], eax
        movzx eax, word [TSS_A + 0x4C]
        mov [pm_scratch + 8], eax
        mov eax, [TSS_A + 0x38]
        mov [pm_scratch + 12], eax
        mov word [TSS_A + 8], SEL_DATA0
        add esp, 4
        iretd

taskb_int:
        movzx eax, word [TSS_B]
        mov [pm_scratch], eax
        mov [pm_scratch + 4], esp
        mov eax, [TSS_A + 0x20]
        mov [pm_scratch + 8], eax
        iretd

taskb_gp:
        mov eax, [esp]
        mov [pm_scratch], eax
        mov [pm_scratch + 4], esp
        mov eax, [TSS_A + 0x20]
        mov [pm_scratch + 8], eax
        add esp, 4                          ; drop the error code
        mov dword [TSS_A + 0x20], gp_resume ; skip the faulting MOV
        iretd

        bits 16
task16:
        mov [pm_scratch], eax
        mov ax, 0x2222
        jmp SEL_TSS_A:0
.after:
        bits 32

        bits 16
        ROM_END
