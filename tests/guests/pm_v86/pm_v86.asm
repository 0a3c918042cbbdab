; pm_v86 -- virtual-8086 mode: entry by IRETD from CPL 0, the ring-0
; frame of an exit (GS FS DS ES SS ESP EFLAGS CS EIP, error code) with the
; data segments nulled, IOPL-sensitive instructions (#GP(0) at IOPL 0,
; allowed at IOPL 3), INT n through a DPL 3 gate at IOPL 3, the I/O bitmap
; (consulted whatever IOPL), protected-mode-only instructions (#UD), and
; CR4.VME: virtual IF for CLI/STI/PUSHF/POPF, INT n redirected through the
; V86 IVT by the TSS redirection bitmap, and a set bitmap bit faulting.

%define GUEST_NAME "pm_v86"
%include "rom16.inc"
%include "pm32.inc"

V86_SP   equ 0x7000
REDIR    equ TSS_A + TSS_A_IOMAP - 32

; ENTER_V86 ip, eflags -- IRETD into V86 at F000:ip with ES..GS = 20h..50h.
%macro ENTER_V86 2
        push dword 0x0050
        push dword 0x0040
        push dword 0x0030
        push dword 0x0020
        push dword 0
        push dword V86_SP
        push dword %2
        push dword 0xF000
        push dword (%1) - $$
        iretd
%endmacro

        bits 32
main32:
        PRINT32 {"pm_v86: protected mode, TSS A with I/O and redirection bitmaps", 10}
        SETGATE 0x31, 0xEE, SEL_CODE0, pm_stub_49

; ---------------------------------------------------------------- exit frame
        EXPECT32 .back
        ENTER_V86 v1, 0x20002
.back:  CHECK_EXC32 13, 0, v1.int - $$, "INT 21h in V86 at IOPL 0: #GP(0)"
        CHECK32 dword [px_esp], TSS_ESP0 - 36, "V86 exit: 9-dword frame on ESP0"
        CHECK32 dword [px_frame + 4], 0xF000, "V86 frame: CS"
        CHECK32 dword [px_frame + 8], 0x30002, "V86 frame: EFLAGS (VM, RF)"
        CHECK32 dword [px_frame + 12], V86_SP, "V86 frame: ESP"
        CHECK32 dword [px_frame + 16], 0, "V86 frame: SS"
        CHECK32 dword [px_frame + 20], 0x20, "V86 frame: ES"
        CHECK32 dword [px_frame + 24], 0x30, "V86 frame: DS"
        CHECK32 dword [px_frame + 28], 0x40, "V86 frame: FS"
        CHECK32 dword [px_frame + 32], 0x50, "V86 frame: GS"
        CHECK32 dword [pm_scratch], 0x30, "in V86: DS selector"
        CHECK32 dword [pm_scratch + 4], 0x1234, "in V86: DS base is selector * 16"
        PASS32 "IRETD into V86, exit frame with segment registers"

; ---------------------------------------------------------------- IOPL 0
        EXPECT32 .b1
        ENTER_V86 v2a, 0x20002
.b1:    CHECK_EXC32 13, 0, v2a - $$, "CLI in V86, IOPL 0: #GP(0)"
        EXPECT32 .b2
        ENTER_V86 v2b, 0x20002
.b2:    CHECK_EXC32 13, 0, v2b - $$, "PUSHF in V86, IOPL 0: #GP(0)"
        EXPECT32 .b3
        ENTER_V86 v2c, 0x20002
.b3:    CHECK_EXC32 13, 0, v2c.f - $$, "POPF in V86, IOPL 0: #GP(0)"
        EXPECT32 .b4
        ENTER_V86 v2d, 0x20002
.b4:    CHECK_EXC32 13, 0, v2d - $$, "IRET in V86, IOPL 0: #GP(0)"
        EXPECT32 .b5
        ENTER_V86 v2e, 0x20002
.b5:    CHECK_EXC32 6, 0, v2e - $$, "LAR in V86: #UD"
        or byte [TSS_A + TSS_A_IOMAP + 0x81/8], 1 << (0x81 & 7)
        EXPECT32 .b6
        ENTER_V86 v2f, 0x23002              ; IOPL 3 still checks the bitmap
.b6:    CHECK_EXC32 13, 0, v2f.f - $$, "IN AL, 81h in V86 with the bit set: #GP(0)"
        and byte [TSS_A + TSS_A_IOMAP + 0x81/8], ~(1 << (0x81 & 7))
        ; INT3 is not IOPL-sensitive: it goes to the IDT, gate DPL checked.
        EXPECT32 .b7
        ENTER_V86 v2g, 0x20002
.b7:    CHECK_EXC32 13, 3*8 + 2, v2g - $$, "INT3 in V86 through a DPL 0 gate: #GP(1Ah)"
        SETGATE 3, 0xEE, SEL_CODE0, pm_stub_3
        EXPECT32 .b8
        ENTER_V86 v2g, 0x20002
.b8:    CHECK_EXC32 3, 0, v2g.after - $$, "INT3 in V86 at IOPL 0 through a DPL 3 gate"
        SETGATE 3, 0x8E, SEL_CODE0, pm_stub_3
        PASS32 "IOPL-sensitive instructions fault at IOPL 0; I/O bitmap; #UD"

; ---------------------------------------------------------------- IOPL 3
        EXPECT32 .b9
        ENTER_V86 v3, 0x23202
.b9:    CHECK_EXC32 0x31, 0, v3.after - $$, "INT 31h in V86 at IOPL 3 through a DPL 3 gate"
        CHECK32 dword [px_frame + 8], 0x23002, "INT 31h frame: EFLAGS (VM, IOPL 3, IF cleared by CLI)"
        CHECK32 dword [px_frame + 12], V86_SP, "INT 31h frame: ESP"
        CHECK32 dword [pm_scratch], 0x3002, "PUSHF after CLI at IOPL 3"
        PASS32 "V86 at IOPL 3: CLI/PUSHF, INT n to a ring-0 gate"

; ---------------------------------------------------------------- VME
        mov eax, cr4
        or eax, 1                           ; CR4.VME
        mov cr4, eax
        mov word [0x21*4], v86_int21 - $$
        mov word [0x21*4 + 2], 0xF000
        or byte [REDIR + 0x22/8], 1 << (0x22 & 7)
        EXPECT32 .b10
        ENTER_V86 v4, 0x20002 | 0x80000     ; VIF set, IOPL 0
.b10:    CHECK_EXC32 13, 0, v4.hlt - $$, "VME: ends with HLT"
        CHECK32 dword [pm_scratch], 0x3202, "VME: PUSHF shows IF = VIF and IOPL 3"
        CHECK32 dword [pm_scratch + 4], 0x3002, "VME: PUSHF after CLI shows IF = 0"
        CHECK32 dword [pm_scratch + 8], 0x3202, "VME: INT 21h redirected, FLAGS image IF = VIF"
        CHECK32 dword [pm_scratch + 12], 0xF000, "VME: INT 21h redirected, CS image"
        CHECK32 dword [pm_scratch + 16], v4.ret21 - $$, "VME: INT 21h redirected, IP image"
        CHECK32 dword [pm_scratch + 20], 0x3002, "VME: inside the redirected handler VIF = 0"
        CHECK32 dword [pm_scratch + 24], 0xABCD, "VME: the handler ran and IRET returned"
        CHECK32 dword [px_frame + 8], 0xB0002, "VME: EFLAGS at the end (VIF set by STI, VM, RF)"
        EXPECT32 .b11
        ENTER_V86 v5, 0x20002
.b11:    CHECK_EXC32 13, 0, v5 - $$, "VME: INT 22h with its redirection bit set: #GP(0)"
        mov eax, cr4
        and eax, ~1
        mov cr4, eax
        PASS32 "CR4.VME: virtual IF, INT redirection bitmap"

; ---------------------------------------------------------------- PVI
        SETGATE 0x31, 0xEE, SEL_CODE0, pm_stub_49
        mov eax, cr4
        or eax, 2                           ; CR4.PVI
        mov cr4, eax
        TO_RING3 r3pvi, 0x0202 | 0x80000    ; CPL 3, IOPL 0, IF, VIF
r3pvi:  cli                                 ; clears VIF, not IF
        pushfd
        pop dword [ss:pm_scratch]
        sti                                 ; sets VIF again
        pushfd
        pop dword [ss:pm_scratch + 4]
        push dword 0x0202 | 0x180000        ; VIF and VIP
        popfd                               ; POPF never changes VIF/VIP
        pushfd
        pop dword [ss:pm_scratch + 8]
        EXPECT32 .back
        int 0x31
.back:  TO_RING3 r3vip, 0x0202 | 0x100000   ; IRETD at CPL 0 may set VIP
r3vip:  EXPECT32 .back
.f:     sti                                 ; VIP pending: #GP(0)
.back:  CHECK_EXC32 13, 0, r3vip.f, "PVI: STI with VIP set: #GP(0)"
        CHECK32 dword [pm_scratch], 0x0202, "PVI: CLI at CPL 3 cleared VIF, kept IF"
        CHECK32 dword [pm_scratch + 4], 0x80202, "PVI: STI at CPL 3 set VIF"
        CHECK32 dword [pm_scratch + 8], 0x80202, "POPFD at CPL 3 leaves VIF and VIP alone"
        mov eax, cr4
        and eax, ~2
        mov cr4, eax
        PASS32 "CR4.PVI: CLI/STI at CPL 3 act on VIF"

        PASS_EXIT32

; ---------------------------------------------------------------- V86 code
        bits 16
v1:     mov ax, ds
        mov [ss:pm_scratch], ax
        mov word [ss:pm_scratch + 2], 0
        mov word [ss:0x300 + 0x10], 0x1234  ; DS:10h = linear 310h
        mov ax, [0x10]
        mov [ss:pm_scratch + 4], ax
        mov word [ss:pm_scratch + 6], 0
.int:   int 0x21
v2a:    cli
v2b:    pushf
v2c:    push word 0
.f:     popf
v2d:    iret
v2e:    lar ax, bx
v2f:    in al, 0x80
.f:     in al, 0x81
v2g:    int3
.after:
v3:     cli
        pushf
        pop word [ss:pm_scratch]
        mov word [ss:pm_scratch + 2], 0
        int 0x31
.after:
v4:     pushf
        pop word [ss:pm_scratch]
        cli
        pushf
        pop word [ss:pm_scratch + 4]
        mov word [ss:pm_scratch + 2], 0
        mov word [ss:pm_scratch + 6], 0
        sti
        int 0x21
.ret21: sti
.hlt:   hlt
v5:     int 0x22

v86_int21:                              ; the V86 task's own handler
        mov bp, sp
        mov ax, [bp + 4]
        mov [ss:pm_scratch + 8], ax
        mov ax, [bp + 2]
        mov [ss:pm_scratch + 12], ax
        mov ax, [bp]
        mov [ss:pm_scratch + 16], ax
        pushf
        pop word [ss:pm_scratch + 20]
        xor ax, ax
        mov [ss:pm_scratch + 10], ax
        mov [ss:pm_scratch + 14], ax
        mov [ss:pm_scratch + 18], ax
        mov [ss:pm_scratch + 22], ax
        mov dword [ss:pm_scratch + 24], 0xABCD
        iret

        ROM_END
