; pm_debug -- exceptions and the debug architecture in protected mode:
; trap vs fault EIPs (INT3, INTO, INT1, BOUND, #DE), instruction
; breakpoints (fault, RF = 0 pushed, RF suppressing the re-hit), data
; write and read/write breakpoints (traps after the access), DR6 status,
; general detect (DR7.GD), single-step (DR6.BS), and alignment check (#AC).

%define GUEST_NAME "pm_debug"
%include "rom16.inc"
%include "pm32.inc"

        bits 32
main32:
        PRINT32 {"pm_debug: protected mode", 10}

; ---------------------------------------------------------------- trap vs fault
        EXPECT32 .b1
        int3
.a1:
.b1:    CHECK_EXC32 3, 0, .a1, "INT3: trap, EIP after it"
        EXPECT32 .b2
        mov al, 0x7F
        add al, 1                           ; OF = 1
        into
.a2:
.b2:    CHECK_EXC32 4, 0, .a2, "INTO with OF: trap, EIP after it"
        EXPECT32 .b3
        db 0xF1                             ; INT1 (ICEBP)
.a3:
.b3:    CHECK_EXC32 1, 0, .a3, "INT1: trap, EIP after it"
        mov dword [pm_scratch], 10
        mov dword [pm_scratch + 4], 20
        mov eax, 30
        EXPECT32 .b4
.f4:    bound eax, [pm_scratch]
.b4:    CHECK_EXC32 5, 0, .f4, "BOUND out of range: #BR fault at BOUND"
        mov eax, [px_frame + 8]
        and eax, 0x10000
        CHECK32 eax, 0x10000, "#BR pushes RF = 1"
        xor edx, edx
        xor ecx, ecx
        mov eax, 1
        EXPECT32 .b5
.f5:    div ecx
.b5:    CHECK_EXC32 0, 0, .f5, "DIV by zero: #DE fault at DIV"
        PASS32 "trap and fault return addresses"

; ---------------------------------------------------------------- instruction breakpoint
        mov eax, ROMBASE + ibp
        mov dr0, eax
        mov eax, 0x00000001                 ; L0, RW0 = execute, LEN0 = 1
        mov dr7, eax
        xor eax, eax
        mov dr6, eax
        EXPECT32 ibp_hit
        jmp ibp
ibp:    mov ebx, 0x1111
        jmp ibp_done                        ; only when RF suppressed the hit
ibp_hit:
        CHECK_EXC32 1, 0, ibp, "instruction breakpoint: #DB fault at the instruction"
        mov eax, dr6
        CHECK32 eax, 0xFFFF0FF1, "instruction breakpoint: DR6.B0"
        mov eax, [px_frame + 8]
        and eax, 0x10000
        CHECK32 eax, 0, "instruction breakpoint: RF = 0 pushed"
        ; IRETD with RF = 1 runs the instruction once without the fault.
        xor ebx, ebx
        EXPECT32 ibp_rehit
        pushfd
        or dword [esp], 0x10000
        push dword SEL_CODE0
        push dword ibp
        iretd
ibp_rehit:
        FAIL32 "RF did not suppress the breakpoint"
ibp_done:
        CHECK32 ebx, 0x1111, "RF = 1: the instruction ran"
        pushfd
        pop eax
        and eax, 0x10000
        CHECK32 eax, 0, "RF cleared after the instruction"
        mov dword [px_resume], 0
ibp_after:
        xor eax, eax
        mov dr7, eax
        PASS32 "instruction breakpoint, DR6, RF"

; ---------------------------------------------------------------- data breakpoints
        mov eax, 0x700
        mov dr1, eax
        mov eax, 0x00D00004                 ; L1, RW1 = write (01), LEN1 = 4 (11)
        mov dr7, eax
        xor eax, eax
        mov dr6, eax
        mov eax, [0x700]                    ; a read: no hit
        mov [0x6FC], eax                    ; next to it: no hit
        EXPECT32 .b8
        mov [0x703], al                     ; the last byte: hit
.a8:
.b8:    CHECK_EXC32 1, 0, .a8, "data write breakpoint: #DB trap after the store"
        mov eax, dr6
        CHECK32 eax, 0xFFFF0FF2, "data write breakpoint: DR6.B1"
        mov eax, 0x00F00004                 ; RW1 = read/write (11)
        mov dr7, eax
        EXPECT32 .b9
        mov ecx, [0x6FE]                    ; overlaps 700h-701h
.a9:
.b9:    CHECK_EXC32 1, 0, .a9, "data read/write breakpoint on a read"
        xor eax, eax
        mov dr7, eax
        PASS32 "data breakpoints: write, read/write, overlap, traps"

; ---------------------------------------------------------------- I/O breakpoint
iobp:   mov eax, cr4
        or eax, 8                           ; CR4.DE
        mov cr4, eax
        mov eax, 0x80
        mov dr2, eax
        mov eax, 0x02000010                 ; L2, RW2 = I/O (10), LEN2 = 1
        mov dr7, eax
        xor eax, eax
        mov dr6, eax
        in al, 0x81                         ; another port: no hit
        EXPECT32 .b1
        out 0x80, al
.a1:
.b1:    CHECK_EXC32 1, 0, .a1, "I/O breakpoint on port 80h: #DB trap after OUT"
        mov eax, dr6
        CHECK32 eax, 0xFFFF0FF4, "I/O breakpoint: DR6.B2"
        xor eax, eax
        mov dr7, eax
        EXPECT32 .b2
.f2:    mov eax, dr4                        ; with CR4.DE: #UD
.b2:    CHECK_EXC32 6, 0, .f2, "MOV from DR4 with CR4.DE: #UD"
        mov eax, cr4
        and eax, ~8
        mov cr4, eax
        mov eax, dr4                        ; without: an alias of DR6
        CHECK32 eax, 0xFFFF0FF4, "MOV from DR4 without CR4.DE reads DR6"
        PASS32 "CR4.DE: I/O breakpoints, DR4/DR5"

; ---------------------------------------------------------------- general detect
        mov eax, 0x2000
        mov dr7, eax
        EXPECT32 .b10
.f10:   mov eax, dr0
.b10:   CHECK_EXC32 1, 0, .f10, "MOV from DR0 with DR7.GD: #DB fault"
        mov eax, dr6
        and eax, 0x2000
        CHECK32 eax, 0x2000, "general detect: DR6.BD"
        mov eax, dr7
        CHECK32 eax, 0x400, "general detect: GD cleared for the handler"
        PASS32 "general detect"

; ---------------------------------------------------------------- single step
        xor eax, eax
        mov dr6, eax
        EXPECT32 .b11
        pushfd
        or dword [esp], 0x100
        popfd                               ; TF from here: trap after the next
        mov eax, 5
.a11:   mov eax, 6
.b11:   CHECK_EXC32 1, 0, .a11, "single step: #DB after the instruction that follows POPF"
        mov eax, dr6
        CHECK32 eax, 0xFFFF4FF0, "single step: DR6.BS"
        PASS32 "single-step trap"

; ---------------------------------------------------------------- alignment check
        mov eax, cr0
        or eax, 0x40000                     ; CR0.AM
        mov cr0, eax
        mov dword [0x704], 0x55667788
        mov eax, [0x701]                    ; CPL 0: no check
        TO_RING3 r3ac, 0x40002              ; EFLAGS.AC
r3ac:   mov eax, [ss:0x704]                 ; aligned: fine
        EXPECT32 .back
.f:     mov eax, [ss:0x701]
.back:  CHECK_EXC32 17, 0, r3ac.f, "misaligned dword at CPL 3 with AM and AC: #AC(0)"
        mov eax, cr0
        and eax, ~0x40000
        mov cr0, eax
        PASS32 "alignment check"

        PASS_EXIT32

        bits 16
        ROM_END
