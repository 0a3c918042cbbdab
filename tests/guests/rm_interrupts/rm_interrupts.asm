; rm_interrupts -- real-mode interrupt and exception delivery through the IVT.
;
; Checks: INT n frame (FLAGS, CS, IP order and values), IF/TF cleared in the
; handler, IRET restoring a modified FLAGS image, vectors whose CS differs
; from the caller's, INT3 (CC) and INT 3 (CD 03), INTO taken/not taken,
; ICEBP (F1), single-step traps after every instruction, and faults whose
; pushed IP names the faulting instruction (first prefix included): #DE
; (divide by zero, quotient overflow, AAM 0), #UD (UD2, UD0, FE /7, FF /7,
; LEA/LDS with a register operand, MOV CS, LOCK on a non-lockable or
; register form), #BR (BOUND), and the 386 real-mode segment-limit faults:
; a word/dword access past offset 0xFFFF is #GP (13), or #SS (12) through SS,
; and writes nothing.

%define GUEST_NAME "rm_interrupts"
%include "rom16.inc"

H_FLAGS_IN  equ SCRATCH+0           ; int40_handler's records
H_IP        equ SCRATCH+2
H_CS        equ SCRATCH+4
H_FLAGS     equ SCRATCH+6
H_SP        equ SCRATCH+8
SP_BEFORE   equ SCRATCH+12
BOUNDS16    equ SCRATCH+0x40
BOUNDS32    equ SCRATCH+0x48
SS_FLAGS_IN equ SCRATCH+0xFC        ; single-step handler's records
SS_COUNT    equ SCRATCH+0xFE
SS_IPS      equ SCRATCH+0x100

main:
; ---------------------------------------------------------------- INT n
        SETVEC 0x40, int40_handler
        push word 0x02C3            ; IF SF ZF CF (+ reserved bit 1)
        popf
        pushf
        pop ax
        CHECK ax, 0x02C3, "PUSHF after POPF 02C3"
        push word 0x02C3
        popf
        mov [SP_BEFORE], sp
int40_site:
        int 0x40
int40_after:
        pushf                       ; handler cleared CF and set OF in the image
        cli
        pop ax
        CHECK ax, 0x0AC2, "IRET restores FLAGS image from stack"
        CHECK sp, [SP_BEFORE], "INT/IRET leaves SP balanced"
        CHECK word [H_IP], int40_after, "INT 40h pushed IP"
        CHECK word [H_CS], ROMSEG, "INT 40h pushed CS"
        CHECK word [H_FLAGS], 0x02C3, "INT 40h pushed FLAGS"
        mov ax, [SP_BEFORE]
        sub ax, 6
        CHECK word [H_SP], ax, "INT 40h pushes 3 words"
        CHECK word [H_FLAGS_IN], 0x00C3, "INT 40h clears IF and TF only"

        ; INT n with TF=1: the handler must run with TF=0 (it would trap on
        ; its own first instruction otherwise); the pushed image keeps TF,
        ; so IRET turns single-stepping back on.  Exactly where the traps
        ; after the IRET fall is not checked here (see "single-step").
        SETVEC 1, ss_handler
        mov word [SS_COUNT], 0
        push word 0x0102            ; TF
        popf
        int 0x40
        nop
        pushf
        pop ax
        and ah, 0xFE
        push ax
        popf
        RESTOREVEC 1
        CHECK word [H_FLAGS], 0x0102, "INT 40h with TF=1: pushed FLAGS"
        CHECK word [H_FLAGS_IN], 0x0002, "INT 40h with TF=1: handler runs with TF=0"
        cmp word [SS_COUNT], 0
        jne .traced
        FAILNOW "INT 40h with TF=1: IRET did not restore TF"
.traced:
        PASS "INT n frame and IRET"

        ; A vector whose segment differs from the caller's: EF00:(h+1000h)
        ; is the same byte as F000:h.
        mov word [0x41*4], int41_handler + 0x1000
        mov word [0x41*4+2], 0xEF00
        xor ax, ax
        xor bx, bx
        int 0x41
int41_after:
        CHECK ax, 0xEF00, "INT 41h runs with CS from the IVT"
        CHECK bx, int41_after, "INT 41h pushed IP"
        CHECK cx, ROMSEG, "INT 41h pushed CS"

        ; SP wraps at 64 KiB: INT with SS:SP = 3000:0002 pushes FLAGS at
        ; 0000, CS at FFFE and IP at FFFC (all inside the 64 KiB limit).
        mov word [0x42*4], int42_handler
        mov word [0x42*4+2], ROMSEG
        mov ax, 0x3000
        mov es, ax
        mov word [es:0xFFFC], 0
        mov word [es:0xFFFE], 0
        mov word [es:0x0000], 0
        mov bx, sp
        push word 0x0002            ; known FLAGS for the frame
        popf
        mov ss, ax
        mov sp, 0x0002
        int 0x42
int42_after:
        mov dx, sp
        xor ax, ax
        mov ss, ax
        mov sp, bx
        CHECK cx, 0xFFFC, "INT with SP=0002: SP in the handler wrapped to FFFC"
        CHECK dx, 0x0002, "IRET with SP=FFFC: SP wraps back to 0002"
        CHECK word [es:0xFFFC], int42_after, "INT with SP wrap: IP at SS:FFFC"
        CHECK word [es:0xFFFE], ROMSEG, "INT with SP wrap: CS at SS:FFFE"
        CHECK word [es:0x0000], 0x0002, "INT with SP wrap: FLAGS at SS:0000"
        mov ax, 0x3000
        cli
        mov ss, ax
        xor sp, sp
        push word 0x1234            ; SP 0000 -> FFFE
        mov dx, sp
        pop cx
        xor ax, ax
        mov ss, ax
        mov sp, bx
        CHECK dx, 0xFFFE, "PUSH with SP=0000 wraps to FFFE"
        CHECK word [es:0xFFFE], 0x1234, "PUSH with SP=0000 writes SS:FFFE"
        CHECK cx, 0x1234, "POP at SP=FFFE"
        PASS "INT n with another CS, SP wrap"

; ---------------------------------------------------------------- INT3, INT 3, INTO, ICEBP
        EXPECT_EXC int3_after
        int3
int3_after:
        CHECK_EXC 3, int3_after, "INT3 (CC)"
        EXPECT_EXC int3b_after
        db 0xCD, 0x03               ; INT 3, long form
int3b_after:
        CHECK_EXC 3, int3b_after, "INT 3 (CD 03)"

        push word 0x0002            ; OF = 0: INTO does nothing
        popf
        EXPECT_EXC into_bad
        into
        mov word [exc_resume], 0
        CHECK word [exc_count], 0, "INTO with OF=0 must not trap"
        push word 0x0802            ; OF = 1: INTO raises vector 4 as a trap
        popf
        EXPECT_EXC into_after
        into
into_after:
        CHECK_EXC 4, into_after, "INTO with OF=1"
        CHECK word [exc_fl], 0x0802, "INTO pushed FLAGS"

%ifndef QEMU                        ; QEMU 7.2 TCG raises #UD for F1
        EXPECT_EXC icebp_after
        db 0xF1                     ; ICEBP / INT1 (SDM: a debug trap)
icebp_after:
        CHECK_EXC 1, icebp_after, "ICEBP (F1)"
%endif
        PASS "INT3, INTO, ICEBP"
        jmp singlestep
into_bad:
        FAILNOW "INTO with OF=0 trapped"

; ---------------------------------------------------------------- single-step
singlestep:
        SETVEC 1, ss_handler
        mov word [SS_COUNT], 0
        push word 0x0102            ; TF = 1; POPF started with TF = 0: no trap
        popf
ss1:    nop                         ; trap -> IP ss2
ss2:    nop                         ; trap -> IP ss3
ss3:    pushf                       ; trap -> IP ss4
ss4:    pop ax                      ; trap -> IP ss5
ss5:    and ah, 0xFE                ; trap -> IP ss6
ss6:    push ax                     ; trap -> IP ss7
ss7:    popf                        ; started with TF = 1: trap -> IP ss8
ss8:    nop                         ; TF = 0 now: no trap
        RESTOREVEC 1
        CHECK word [SS_COUNT], 14, "single-step: 7 traps"
        CHECK word [SS_IPS+0], ss2, "single-step trap 1 IP"
        CHECK word [SS_IPS+2], ss3, "single-step trap 2 IP"
        CHECK word [SS_IPS+4], ss4, "single-step trap 3 IP"
        CHECK word [SS_IPS+6], ss5, "single-step trap 4 IP"
        CHECK word [SS_IPS+8], ss6, "single-step trap 5 IP"
        CHECK word [SS_IPS+10], ss7, "single-step trap 6 IP"
        CHECK word [SS_IPS+12], ss8, "single-step trap 7 IP"
        mov ax, [SS_FLAGS_IN]
        and ax, FL_TF | FL_IF
        CHECK ax, 0, "single-step handler runs with TF=0"

        ; MOV SS and POP SS hold off the trap until after the next
        ; instruction (SDM, MOV: "inhibits ... debug exceptions on the
        ; following instruction boundary"): one trap covers both.
        SETVEC 1, ss_handler
        mov word [SS_COUNT], 0
        xor ax, ax
        push word 0x0102
        popf
sm1:    mov ss, ax                  ; no trap here
sm2:    nop                         ; trap -> IP sm3
sm3:    nop                         ; trap -> IP sm4
sm4:    push ss                     ; trap -> IP sm5
sm5:    pop ss                      ; no trap here
sm6:    nop                         ; trap -> IP sm7
sm7:    pushf                       ; trap -> IP sm8
sm8:    pop ax                      ; trap -> IP sm9
sm9:    and ah, 0xFE                ; trap -> IP sm10
sm10:   push ax                     ; trap -> IP sm11
sm11:   popf                        ; trap -> IP sm12
sm12:   RESTOREVEC 1
        CHECK word [SS_COUNT], 18, "single-step with MOV SS/POP SS: 9 traps"
        CHECK word [SS_IPS+0], sm3, "single-step: no trap right after MOV SS"
        CHECK word [SS_IPS+2], sm4, "single-step after MOV SS: trap 2 IP"
        CHECK word [SS_IPS+4], sm5, "single-step after MOV SS: trap 3 IP"
        CHECK word [SS_IPS+6], sm7, "single-step: no trap right after POP SS"
        CHECK word [SS_IPS+16], sm12, "single-step after POP SS: last trap IP"
        PASS "single-step traps"

; ---------------------------------------------------------------- #DE
        mov ax, 0x1234
        mov bl, 0
        EXPECT_EXC de1_resume
de1:    div bl
de1_resume:
        CHECK ax, 0x1234, "#DE leaves AX unchanged"
        CHECK_EXC 0, de1, "#DE DIV r8 by zero"

        mov ax, 0x1000              ; 1000h / 10h = 100h does not fit AL
        mov bl, 0x10
        EXPECT_EXC de2_resume
de2:    div bl
de2_resume:
        CHECK_EXC 0, de2, "#DE DIV r8 quotient overflow"

        mov ax, 0x8000              ; -32768 / -1 = +32768 does not fit AL
        mov bl, 0xFF
        EXPECT_EXC de3_resume
de3:    idiv bl
de3_resume:
        CHECK_EXC 0, de3, "#DE IDIV r8 overflow"

        mov edx, 1                  ; 1_0000_0000h / 1 does not fit EAX
        xor eax, eax
        mov ecx, 1
        EXPECT_EXC de4_resume
de4:    div ecx                     ; 66 F7 F1: the IP must point at the 66
de4_resume:
        CHECK_EXC 0, de4, "#DE DIV r32 overflow (66 prefix)"
        CHECK edx, 1, "#DE leaves EDX unchanged"

        mov ax, 0x0042
        EXPECT_EXC de5_resume
de5:    db 0xD4, 0x00               ; AAM 0
de5_resume:
        CHECK_EXC 0, de5, "#DE AAM 0"

        xor cx, cx
        push word 0x0203            ; IF=1 CF=1 while faulting
        popf
        EXPECT_EXC de6_resume
de6:    div cx
de6_resume:
        cli
        CHECK_EXC 0, de6, "#DE DIV r16 with IF=1"
        CHECK word [exc_fl], 0x0203, "#DE pushed FLAGS with IF=1"
        mov ax, [exc_inflags]
        and ax, FL_IF | FL_TF
        CHECK ax, 0, "#DE handler entered with IF=0"
        PASS "#DE"

; ---------------------------------------------------------------- #UD
%macro UD_CASE 2                    ; bytes, "what"
        EXPECT_EXC %%resume
%%at:   db %1
        nop
        nop
        nop
%%resume:
        CHECK_EXC 6, %%at, %2
%endmacro
        UD_CASE {0x0F, 0x0B}, "#UD UD2"
        UD_CASE {0x66, 0x0F, 0x0B}, "#UD UD2 after 66 prefix"
        UD_CASE {0x0F, 0xFF, 0xC0}, "#UD UD0"
        UD_CASE {0xFE, 0xF8}, "#UD FE /7"
        UD_CASE {0xFF, 0xF8}, "#UD FF /7"
        UD_CASE {0x8D, 0xC0}, "#UD LEA with register operand"
        UD_CASE {0xC5, 0xC0}, "#UD LDS with register operand"
        UD_CASE {0x8E, 0xC8}, "#UD MOV CS, AX"
        UD_CASE {0xF0, 0x90}, "#UD LOCK NOP"
        UD_CASE {0xF0, 0x01, 0xD8}, "#UD LOCK ADD to a register"
        UD_CASE {0x62, 0xC0}, "#UD BOUND with register operand"
        UD_CASE {0x8E, 0xF0}, "#UD MOV to segment register 6"
        UD_CASE {0x8C, 0xF8}, "#UD MOV from segment register 7"
        mov word [SCRATCH+0x80], 40
        mov ax, 2
        EXPECT_EXC ud_bad
        lock add [SCRATCH+0x80], ax ; LOCK on a memory destination is fine
        lock xchg [SCRATCH+0x80], ax
        CHECK word [exc_count], 0, "LOCK ADD/XCHG to memory must not fault"
        CHECK ax, 42, "LOCK ADD then XCHG: AX"
        CHECK word [SCRATCH+0x80], 2, "LOCK XCHG: memory"
        jmp ud_long
ud_bad: FAILNOW "LOCK on a memory destination faulted"

ud_long:
        ; 15 bytes is the longest instruction; 16 is #GP(0).
        EXPECT_EXC lg_bad
        times 14 db 0x26
        nop                         ; 15 bytes: fine
        CHECK word [exc_count], 0, "15-byte instruction must not fault"
        EXPECT_EXC lg_resume
lg:     times 15 db 0x26
        nop                         ; 16 bytes
lg_resume:
        CHECK_EXC 13, lg, "#GP instruction longer than 15 bytes"
        jmp ud_done
lg_bad: FAILNOW "15-byte instruction faulted"
ud_done:
        PASS "#UD"

; ---------------------------------------------------------------- #BR
        mov word [BOUNDS16], 10
        mov word [BOUNDS16+2], 20
        mov dword [BOUNDS32], -5
        mov dword [BOUNDS32+4], 5
        EXPECT_EXC br_bad
        mov ax, 15
        bound ax, [BOUNDS16]
        mov ax, 10
        bound ax, [BOUNDS16]
        mov ax, 20
        bound ax, [BOUNDS16]
        mov eax, -5
        bound eax, [BOUNDS32]
        mov eax, 5
        bound eax, [BOUNDS32]
        CHECK word [exc_count], 0, "BOUND in range must not trap"
        mov ax, 21
        EXPECT_EXC br1_resume
br1:    bound ax, [BOUNDS16]
br1_resume:
        CHECK_EXC 5, br1, "#BR above upper bound"
        mov ax, 0xFFFF              ; -1 is below 10 (signed compare)
        EXPECT_EXC br2_resume
br2:    bound ax, [BOUNDS16]
br2_resume:
        CHECK_EXC 5, br2, "#BR below lower bound (signed)"
        mov eax, 6
        EXPECT_EXC br3_resume
br3:    bound eax, [BOUNDS32]
br3_resume:
        CHECK_EXC 5, br3, "#BR 32-bit bound (66 prefix)"
        PASS "#BR"
        jmp seglimit
br_bad:
        FAILNOW "BOUND in range trapped"

; ---------------------------------------------------------------- segment limit
seglimit:
        mov byte [0xFFFF], 0x5A
        mov byte [0xFFFE], 0xA5
        mov ax, 0x1000
        mov es, ax
        mov byte [es:0x0000], 0x77  ; linear 0x10000, where a wrap would land
        EXPECT_EXC sl_bad
        mov al, [0xFFFF]            ; a byte at FFFF is fine
        CHECK al, 0x5A, "byte read at DS:FFFF"
        mov ax, [0xFFFE]            ; so is a word at FFFE
        CHECK ax, 0x5AA5, "word read at DS:FFFE"
        CHECK word [exc_count], 0, "in-limit accesses must not fault"

%ifndef QEMU                        ; QEMU TCG does not check real-mode limits
        EXPECT_EXC sl1_resume
sl1:    mov ax, [0xFFFF]
sl1_resume:
        CHECK_EXC 13, sl1, "#GP word read at DS:FFFF"

        mov bx, 0x1234
        EXPECT_EXC sl2_resume
sl2:    mov [0xFFFF], bx
sl2_resume:
        CHECK_EXC 13, sl2, "#GP word write at DS:FFFF"
        CHECK byte [0xFFFF], 0x5A, "faulting word write changed DS:FFFF"
        CHECK byte [es:0x0000], 0x77, "faulting word write changed 1000:0000"

        EXPECT_EXC sl3_resume
sl3:    mov eax, [0xFFFD]
sl3_resume:
        CHECK_EXC 13, sl3, "#GP dword read at DS:FFFD (66 prefix)"

        mov bp, 0xFFFF
        EXPECT_EXC sl4_resume
sl4:    mov ax, [bp+0]
sl4_resume:
        CHECK_EXC 12, sl4, "#SS word read at SS:FFFF"

        mov bx, 0xFFFF
        EXPECT_EXC sl5_resume
sl5:    inc word [es:bx]
sl5_resume:
        CHECK_EXC 13, sl5, "#GP INC word at ES:FFFF (prefix)"
%endif
        PASS "segment limit faults"
        jmp done
sl_bad:
        FAILNOW "in-limit access faulted"

done:
        PASS_EXIT

; ---------------------------------------------------------------- handlers
int40_handler:
        pushf
        push bp
        mov bp, sp                  ; [bp+2]=FLAGS now [bp+4]=IP [bp+6]=CS [bp+8]=FLAGS
        push ax
        push ds
        xor ax, ax
        mov ds, ax
        mov ax, [bp+2]
        mov [H_FLAGS_IN], ax
        mov ax, [bp+4]
        mov [H_IP], ax
        mov ax, [bp+6]
        mov [H_CS], ax
        mov ax, [bp+8]
        mov [H_FLAGS], ax
        lea ax, [bp+4]
        mov [H_SP], ax
        and word [bp+8], ~FL_CF & 0xFFFF
        or word [bp+8], FL_OF
        pop ds
        pop ax
        pop bp
        popf
        iret

int42_handler:
        mov cx, sp
        iret

int41_handler:                      ; runs as EF00:(int41_handler+1000h)
        mov ax, cs
        push bp
        mov bp, sp
        mov bx, [bp+2]
        mov cx, [bp+4]
        pop bp
        iret

ss_handler:
        push bp
        mov bp, sp
        push ax
        push bx
        push ds
        xor ax, ax
        mov ds, ax
        pushf
        pop word [SS_FLAGS_IN]
        mov bx, [SS_COUNT]
        cmp bx, 32
        jae .full
        mov ax, [bp+2]
        mov [SS_IPS+bx], ax
        add bx, 2
        mov [SS_COUNT], bx
.full:  pop ds
        pop bx
        pop ax
        pop bp
        iret

        ROM_END
