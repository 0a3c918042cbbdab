; pm_privilege -- segmentation and privilege: segment-load checks and
; their error codes, limit checks (last byte, expand-down), accessed bits,
; IRET/RETF to outer levels (and the nulling of data segments), call gates
; (32-bit with parameter copy, 16-bit, DPL checks), interrupt-gate stack
; images from CPL 3 and CPL 1, conforming code, IOPL and the I/O bitmap,
; and a double fault.

%define GUEST_NAME "pm_privilege"
%include "rom16.inc"
%include "pm32.inc"

        bits 32
main32:
        PRINT32 {"pm_privilege: protected mode, TR loaded", 10}

; ---------------------------------------------------------------- loads
        EXPECT32 .l1
        mov ax, SEL_NP
.f1:    mov ds, ax
        FAIL32 "MOV DS, not-present: no fault"
.l1:    CHECK_EXC32 11, SEL_NP, .f1, "MOV DS, not-present: #NP(sel)"
        EXPECT32 .l2
        mov ax, SEL_RODATA
.f2:    mov ss, ax
        FAIL32 "MOV SS, read-only: no fault"
.l2:    CHECK_EXC32 13, SEL_RODATA, .f2, "MOV SS, read-only: #GP(sel)"
        EXPECT32 .l3
        mov ax, SEL_XONLY
.f3:    mov es, ax
        FAIL32 "MOV ES, execute-only: no fault"
.l3:    CHECK_EXC32 13, SEL_XONLY, .f3, "MOV ES, execute-only: #GP(sel)"
        EXPECT32 .l4
        mov ax, 0xFFFB
.f4:    mov fs, ax
        FAIL32 "MOV FS, beyond GDT: no fault"
.l4:    CHECK_EXC32 13, 0xFFF8, .f4, "MOV FS, beyond GDT limit: #GP(sel)"
        EXPECT32 .l5
        mov ax, 0x0C
.f5:    mov gs, ax
        FAIL32 "MOV GS, LDT without LDT: no fault"
.l5:    CHECK_EXC32 13, 0x0C, .f5, "MOV GS, LDT selector, no LDT: #GP(sel)"
        EXPECT32 .l6
.f6:    xor eax, eax
        mov ss, ax
        FAIL32 "MOV SS, null: no fault"
.l6:    CHECK_EXC32 13, 0, .f6 + 2, "MOV SS, null: #GP(0)"
        ; A null DS loads; using it faults #GP(0).
        xor eax, eax
        mov ds, ax
        EXPECT32 .l7
.f7:    mov eax, [0]
        FAIL32 "read through null DS: no fault"
.l7:    CHECK_EXC32 13, 0, .f7, "read through a null DS: #GP(0)"
        mov ax, SEL_DATA0
        mov ds, ax
        ; Accessed bit: set by the load of a descriptor that lacked it.
        mov al, [GDT_BASE + SEL_RODATA + 5]
        CHECK32 eax, 0x90, "read-only data descriptor not yet accessed"
        mov ax, SEL_RODATA
        mov fs, ax
        movzx eax, byte [GDT_BASE + SEL_RODATA + 5]
        CHECK32 eax, 0x91, "accessed bit set by MOV FS"
        EXPECT32 .l8
.f8:    mov [fs:0x100], eax
        FAIL32 "write to read-only data: no fault"
.l8:    CHECK_EXC32 13, 0, .f8, "write to read-only data: #GP(0)"
        PASS32 "segment loads: #NP, #GP error codes, null selectors, accessed bit"

; ---------------------------------------------------------------- LDT
ldt_tests:
        mov dword [LDT_BASE + 8], 0x0000FFFF        ; LDT 1: data DPL3, base 20000h
        mov dword [LDT_BASE + 12], 0x00CFF202
        mov ax, SEL_LDT
        lldt ax
        sldt eax
        CHECK32 eax, SEL_LDT, "SLDT after LLDT"
        mov dword [0x20010], 0x0BADCAFE
        mov ax, 0x0F                                ; LDT index 1, RPL 3
        mov fs, ax
        mov eax, [fs:0x10]
        CHECK32 eax, 0x0BADCAFE, "data segment from the LDT"
        movzx eax, byte [LDT_BASE + 13]
        CHECK32 eax, 0xF3, "LDT descriptor marked accessed"
        EXPECT32 .b1
        mov ax, 0x24                                ; LDT index 4: beyond limit 1Fh
.f1:    mov gs, ax
.b1:    CHECK_EXC32 13, 0x24, .f1, "LDT selector beyond the LDT limit: #GP(sel)"
        xor eax, eax
        lldt ax
        PASS32 "LDT: LLDT, SLDT, loads through the LDT, its limit"

; ---------------------------------------------------------------- limits
        mov ax, SEL_SMALL3                  ; base 10000h, limit FFFh
        mov es, ax
        mov dword [0x10FFC], 0x12345678
        mov eax, [es:0xFFC]
        CHECK32 eax, 0x12345678, "dword at the last 4 bytes"
        EXPECT32 .m1
.g1:    mov eax, [es:0xFFD]
        FAIL32 "dword crossing the limit: no fault"
.m1:    CHECK_EXC32 13, 0, .g1, "dword whose last byte is past the limit: #GP(0)"
        mov ax, SEL_EXPDN                   ; expand-down, limit FFFh, 16-bit
        mov es, ax
        mov dword [0x1000], 0xCAFEF00D
        mov eax, [es:0x1000]
        CHECK32 eax, 0xCAFEF00D, "expand-down: limit+1 is valid"
        EXPECT32 .m2
.g2:    mov eax, [es:0xFFF]
        FAIL32 "expand-down at the limit: no fault"
.m2:    CHECK_EXC32 13, 0, .g2, "expand-down: offset = limit: #GP(0)"
        mov ax, SEL_EXPDN                   ; the handler reloaded ES
        mov es, ax
        EXPECT32 .m3
.g3:    mov eax, [es:0xFFFD]
        FAIL32 "expand-down past FFFFh: no fault"
.m3:    CHECK_EXC32 13, 0, .g3, "16-bit expand-down: last byte past FFFFh: #GP(0)"
        mov ax, SEL_DATA0
        mov es, ax
        PASS32 "limit checks: last byte, expand-down"

; ---------------------------------------------------------------- ring 3
        mov ax, SEL_DATA3
        mov es, ax                          ; DPL 3: survives the IRET
        mov ax, SEL_DATA0
        mov gs, ax                          ; DPL 0: nulled by the IRET
        TO_RING3 r3a, 0x0002
r3a:    mov eax, cs
        mov [ss:pm_scratch], eax
        mov eax, ds
        mov [ss:pm_scratch + 4], eax
        mov eax, es
        mov [ss:pm_scratch + 8], eax
        mov eax, gs
        mov [ss:pm_scratch + 12], eax
        mov [ss:pm_scratch + 16], esp
        EXPECT32 .back                      ; [DS] is null now: use SS
.h1:    hlt
.back:  CHECK32 dword [pm_scratch], SEL_CODE3, "IRET to CPL 3: CS"
        CHECK32 dword [pm_scratch + 4], 0, "IRET to CPL 3: DS (DPL 0) nulled"
        CHECK32 dword [pm_scratch + 8], SEL_DATA3, "IRET to CPL 3: ES (DPL 3) kept"
        CHECK32 dword [pm_scratch + 12], 0, "IRET to CPL 3: GS nulled"
        CHECK32 dword [pm_scratch + 16], R3_STACK, "IRET to CPL 3: ESP"
        CHECK_EXC32 13, 0, r3a.h1, "HLT at CPL 3: #GP(0)"
        ; The inter-privilege frame on the TSS ring-0 stack.
        CHECK32 dword [px_esp], TSS_ESP0 - 20, "CPL 3 -> 0: frame at ESP0 - 20 (+ error code)"
        CHECK32 dword [px_frame + 4], SEL_CODE3, "frame: CS"
        CHECK32 dword [px_frame + 8], 0x10002, "frame: EFLAGS (RF set for a fault)"
        CHECK32 dword [px_frame + 12], R3_STACK, "frame: ESP"
        CHECK32 dword [px_frame + 16], SEL_DATA3, "frame: SS"

        TO_RING3 r3b, 0x0002
r3b:    EXPECT32 .back
.h1:    mov ax, SEL_DATA0
        mov ds, ax
.back:  CHECK_EXC32 13, SEL_DATA0, r3b.h1 + 4, "MOV DS, DPL 0 data at CPL 3: #GP(sel)"

        SETGATE 0x30, 0x8E, SEL_CODE0, pm_stub_48
        SETGATE 0x31, 0xEE, SEL_CODE0, pm_stub_49
        TO_RING3 r3c, 0x0002
r3c:    EXPECT32 .back
.h1:    int 0x30
.back:  CHECK_EXC32 13, 0x30*8 + 2, r3c.h1, "INT 30h through a DPL 0 gate: #GP(vector*8+2)"
        TO_RING3 r3d, 0x0202
r3d:    push dword 0x5A5A5A5A
        EXPECT32 .back
        int 0x31
.h1:
.back:  CHECK_EXC32 0x31, 0, r3d.h1, "INT 31h through a DPL 3 gate"
        CHECK32 dword [px_frame + 8], 0x0202, "INT 31h frame: EFLAGS (IF)"
        CHECK32 dword [px_frame + 12], R3_STACK - 4, "INT 31h frame: ESP"
        PASS32 "CPL 3: IRET outward, #GP codes, interrupt frames on the TSS stack"

; ---------------------------------------------------------------- call gates
        TO_RING3 r3e, 0x0002
r3e:    push dword 0x11111111
        push dword 0x22222222
        EXPECT32 .back
        call SEL_GATE3:0
.ret:
.back:  CHECK32 dword [px_vec], 0x100, "CALL gate 32: arrived"
        CHECK32 dword [px_esp], TSS_ESP0 - 24, "CALL gate 32: ESP0 - 24"
        CHECK32 dword [px_frame], r3e.ret, "CALL gate 32: EIP"
        CHECK32 dword [px_frame + 4], SEL_CODE3, "CALL gate 32: CS"
        CHECK32 dword [px_frame + 8], 0x22222222, "CALL gate 32: parameter 2"
        CHECK32 dword [px_frame + 12], 0x11111111, "CALL gate 32: parameter 1"
        CHECK32 dword [px_frame + 16], R3_STACK - 8, "CALL gate 32: old ESP"
        CHECK32 dword [px_frame + 20], SEL_DATA3, "CALL gate 32: old SS"

        TO_RING3 r3f, 0x0002
r3f:    push word 0x7777
        EXPECT32 .back
        call SEL_GATE16:0
.ret:
.back:  CHECK32 dword [px_vec], 0x101, "CALL gate 16: arrived"
        CHECK32 dword [px_esp], TSS_ESP0 - 10, "CALL gate 16: ESP0 - 10"
        CHECK32 dword [px_frame], (SEL_CODE3 << 16) | (r3f.ret - $$), "CALL gate 16: IP, CS"
        CHECK32 dword [px_frame + 4], ((R3_STACK - 2) << 16) | 0x7777, "CALL gate 16: param, SP"
        movzx eax, word [px_frame + 8]
        CHECK32 eax, SEL_DATA3, "CALL gate 16: SS"

        TO_RING3 r3g, 0x0002
r3g:    EXPECT32 .back
.h1:    call SEL_GATE0:0
.back:  CHECK_EXC32 13, SEL_GATE0, r3g.h1, "CALL through a DPL 0 gate at CPL 3: #GP(gate)"

        ; RETF 8 to CPL 3 releases the parameters on the outer stack too.
        push dword SEL_DATA3
        push dword R3_STACK - 0x40
        push dword 0xAAAA
        push dword 0xBBBB
        push dword SEL_CODE3
        push dword r3h
        retf 8
r3h:    mov [ss:pm_scratch], esp
        mov eax, cs
        mov [ss:pm_scratch + 4], eax
        EXPECT32 .back
        int 0x31
.back:  CHECK32 dword [pm_scratch], R3_STACK - 0x40 + 8, "RETF 8 to CPL 3: ESP = popped ESP + 8"
        CHECK32 dword [pm_scratch + 4], SEL_CODE3, "RETF 8 to CPL 3: CS"

        ; A 16-bit RETF to CPL 3 pops IP, CS, SP, SS as words.
        mov esp, R0_STACK
        push word SEL_DATA3
        push word R3_STACK - 0x20
        push word SEL_CODE3
        push word r3h16 - $$
        o16 retf
r3h16:  mov [ss:pm_scratch], esp
        mov eax, cs
        mov [ss:pm_scratch + 4], eax
        mov eax, ss
        mov [ss:pm_scratch + 8], eax
        EXPECT32 .back
        int 0x31
.back:  CHECK32 dword [pm_scratch], R3_STACK - 0x20, "16-bit RETF to CPL 3: SP"
        CHECK32 dword [pm_scratch + 4], SEL_CODE3, "16-bit RETF to CPL 3: CS"
        CHECK32 dword [pm_scratch + 8], SEL_DATA3, "16-bit RETF to CPL 3: SS"

        ; RETF to CPL 1, then an interrupt from CPL 1 uses ESP0 too.
        push dword SEL_DATA1
        push dword 0x7000
        push dword SEL_CODE1
        push dword r1a
        retf
r1a:    mov ax, SEL_DATA2 | 2               ; DPL 2 data is usable at CPL 1
        mov ds, ax
        EXPECT32 .back
        int 0x31
.h1:
.back:  CHECK_EXC32 0x31, 0, r1a.h1, "INT from CPL 1"
        CHECK32 dword [px_frame + 4], SEL_CODE1, "CPL 1 frame: CS"
        CHECK32 dword [px_frame + 12], 0x7000, "CPL 1 frame: ESP"
        CHECK32 dword [px_frame + 16], SEL_DATA1, "CPL 1 frame: SS"
        CHECK32 dword [px_esp], TSS_ESP0 - 20, "CPL 1 -> 0 on ESP0"

        ; Conforming code keeps CPL 3.
        TO_RING3 r3i, 0x0002
r3i:    jmp SEL_CONF0:.conf
.conf:  mov eax, cs
        mov [ss:pm_scratch], eax
        EXPECT32 .back
        int 0x31
.back:  CHECK32 dword [pm_scratch], SEL_CONF0 | 3, "JMP to conforming code: CS.RPL = CPL 3"
        PASS32 "call gates (32/16-bit, parameter copy), RETF n outward, conforming code"

; ---------------------------------------------------------------- IOPL, I/O bitmap
        TO_RING3 r3j, 0x0002
r3j:    EXPECT32 .back
.h1:    cli
.back:  CHECK_EXC32 13, 0, r3j.h1, "CLI at CPL 3, IOPL 0: #GP(0)"
        TO_RING3 r3k, 0x3002
r3k:    cli
        pushfd
        pop eax
        mov [ss:pm_scratch], eax
        in al, 0x80                         ; IOPL 3: no bitmap check
        EXPECT32 .back
        int 0x31
.back:  CHECK32 dword [pm_scratch], 0x3002, "CLI at CPL 3, IOPL 3"
        or byte [TSS_A + TSS_A_IOMAP + 0x80/8], 1 << (0x81 & 7)
        TO_RING3 r3l, 0x0002
r3l:    in al, 0x80                         ; bit clear: allowed
        EXPECT32 .back
.h1:    in ax, 0x80                         ; 80h-81h: 81h denied
.back:  CHECK_EXC32 13, 0, r3l.h1, "IN AX, 80h with port 81h denied: #GP(0)"
        TO_RING3 r3m, 0x0002
r3m:    mov dx, 0x7F
        in al, dx
        EXPECT32 .back
        out 0x81, al
.h1:
.back:  CHECK_EXC32 13, 0, r3m.h1 - 2, "OUT 81h denied by the bitmap: #GP(0)"
        and byte [TSS_A + TSS_A_IOMAP + 0x80/8], ~(1 << (0x81 & 7))
        ; POPF at CPL 3, IOPL 0 leaves IF and IOPL alone, silently.
        TO_RING3 r3n, 0x0202
r3n:    push dword 0x3000 | 0x0002
        popfd
        pushfd
        pop eax
        mov [ss:pm_scratch], eax
        EXPECT32 .back
        int 0x31
.back:  CHECK32 dword [pm_scratch], 0x0202, "POPFD at CPL 3 ignores IF and IOPL"
        PASS32 "IOPL-sensitive CLI, I/O bitmap, POPF masks"

; ---------------------------------------------------------------- double fault
dfault:        mov byte [IDT_BASE + 13*8 + 5], 0x0E    ; #GP gate not present
        EXPECT32 .back
.h1:    mov ax, SEL_NP
        mov ds, ax                          ; #NP(68h)... is fine: that's vector 11
        FAIL32 "no fault"
.back:  CHECK_EXC32 11, SEL_NP, .h1 + 4, "#NP still delivered"
        EXPECT32 .back2
.h2:    mov ax, SEL_RODATA
        mov ss, ax                          ; #GP -> gate not present: #NP -> #DF
.back2: CHECK_EXC32 8, 0, .h2 + 4, "#GP with a not-present #GP gate: #DF(0)"
        mov byte [IDT_BASE + 13*8 + 5], 0x8E
        PASS32 "double fault"

        PASS_EXIT32

        bits 16
        ROM_END
