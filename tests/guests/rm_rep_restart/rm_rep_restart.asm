; rm_rep_restart -- string instructions, REP prefixes and restart after a fault.
;
; Checks: REP MOVS/STOS/LODS (byte/word/dword), DF=0 and DF=1, REPE/REPNE
; termination of CMPS/SCAS (final CX, SI, DI, flags), REP with CX=0 (no
; access, flags unchanged), 16-bit addressing that ignores and preserves the
; high halves of ESI/EDI/ECX, 32-bit addressing (67h) that uses them all
; (ECX=10000h must run 65536 times), SI wrapping at 64 KiB, single-step traps
; after each iteration, and restart: a REP MOVSW/STOSW that reaches a word at
; offset FFFFh faults (#GP, 386 real mode) after exactly the completed
; iterations; the handler checks CX/SI/DI and the pushed IP (at the first
; prefix), moves the segment base so the same linear bytes are in range, and
; IRETs to re-execute the instruction, which finishes the copy.

%define GUEST_NAME "rm_rep_restart"
%include "rom16.inc"

SRCSEG  equ 0x1000                  ; pattern, byte i = pat(i)
MARKSEG equ 0x2000                  ; 16 marker bytes C0..CF at linear 20000h
DSTSEG  equ 0x3000                  ; destination, pre-filled with EEh
BIGSEG  equ 0x5000                  ; target of the 64 KiB a32 fill

STR1    equ SCRATCH+0x00            ; "ABCDE"
STR2    equ SCRATCH+0x08            ; "ABXDE"
STR3    equ SCRATCH+0x10            ; "ABCDE"
; restart handler records and parameters (segment 0)
R_COUNT equ SCRATCH+0x20
R_IP    equ SCRATCH+0x22
R_CX    equ SCRATCH+0x24
R_SI    equ SCRATCH+0x26
R_DI    equ SCRATCH+0x28
R_FIX   equ SCRATCH+0x2A            ; 0: fix DS:SI, 1: fix ES:DI, 2: fix ES:SI
SS_COUNT equ SCRATCH+0x30
SS_IPS  equ SCRATCH+0x32

main:
; ---------------------------------------------------------------- set-up
        mov ax, SRCSEG              ; SRC[i] = pat(i) for all 65536 offsets
        mov es, ax
        xor di, di
        xor cx, cx                  ; LOOP from CX=0 runs 65536 times
.fill:  mov bx, di
        call pat
        mov [es:di], al
        inc di
        loop .fill
        mov ax, MARKSEG
        mov es, ax
        xor bx, bx
.mark:  lea ax, [bx+0xC0]
        mov [es:bx], al
        inc bx
        cmp bx, 16
        jb .mark
        mov ax, DSTSEG              ; DST[0..FFFF] = EEh, by hand
        mov es, ax
        xor bx, bx
.dst:   mov byte [es:bx], 0xEE
        inc bx
        jnz .dst
        mov dword [STR1], 'ABCD'
        mov word [STR1+4], 'E'
        mov dword [STR2], 'ABXD'
        mov word [STR2+4], 'E'
        mov dword [STR3], 'ABCD'
        mov word [STR3+4], 'E'

; ---------------------------------------------------------------- STOS
        mov ax, DSTSEG
        mov es, ax
        mov di, 0x0100
        mov cx, 0x10
        mov al, 0x11
        cld
        rep stosb
        CHECK cx, 0, "REP STOSB: CX"
        CHECK di, 0x0110, "REP STOSB: DI"
        CHECK byte [es:0x010F], 0x11, "REP STOSB: last byte"
        CHECK byte [es:0x0110], 0xEE, "REP STOSB: one byte too many"
        CHECK byte [es:0x00FF], 0xEE, "REP STOSB: byte before"

        std
        mov di, 0x0130
        mov cx, 4
        mov ax, 0x1234
        rep stosw                   ; words at 130, 12E, 12C, 12A
        cld
        CHECK di, 0x0128, "REP STOSW DF=1: DI"
        CHECK word [es:0x0130], 0x1234, "REP STOSW DF=1: first word"
        CHECK word [es:0x012A], 0x1234, "REP STOSW DF=1: last word"
        CHECK word [es:0x0128], 0xEEEE, "REP STOSW DF=1: one word too many"
        CHECK byte [es:0x0132], 0xEE, "REP STOSW DF=1: byte after"

        mov di, 0x0140
        mov cx, 3
        mov eax, 0xA1B2C3D4
        rep stosd
        CHECK di, 0x014C, "REP STOSD: DI"
        CHECK dword [es:0x0148], 0xA1B2C3D4, "REP STOSD: last dword"
        CHECK dword [es:0x014C], 0xEEEEEEEE, "REP STOSD: one dword too many"
        PASS "REP STOS"

; ---------------------------------------------------------------- MOVS
        mov ax, SRCSEG
        mov ds, ax
        mov si, 0x0200
        mov di, 0x0200
        mov cx, 37
        rep movsb
        CHECK cx, 0, "REP MOVSB: CX"
        CHECK si, 0x0225, "REP MOVSB: SI"
        CHECK di, 0x0225, "REP MOVSB: DI"
        mov si, 0x0200
        mov di, 0x0200
        mov cx, 37
        call cmpmem
        CHECK ax, 0, "REP MOVSB: copied bytes"
        CHECK byte [es:0x0225], 0xEE, "REP MOVSB: one byte too many"

        std
        mov si, 0x0301              ; odd addresses, backwards
        mov di, 0x0401
        mov cx, 5
        rep movsw                   ; words at 301, 2FF, 2FD, 2FB, 2F9
        cld
        CHECK si, 0x02F7, "REP MOVSW DF=1: SI"
        CHECK di, 0x03F7, "REP MOVSW DF=1: DI"
        mov si, 0x02F9
        mov di, 0x03F9
        mov cx, 10
        call cmpmem
        CHECK ax, 0, "REP MOVSW DF=1: copied bytes"
        CHECK byte [es:0x03F8], 0xEE, "REP MOVSW DF=1: byte below"
        CHECK byte [es:0x0403], 0xEE, "REP MOVSW DF=1: byte above"

        mov si, 0x0500
        mov di, 0x0600
        mov cx, 3
        rep movsd
        CHECK si, 0x050C, "REP MOVSD: SI"
        CHECK di, 0x060C, "REP MOVSD: DI"
        mov si, 0x0500
        mov di, 0x0600
        mov cx, 12
        call cmpmem
        CHECK ax, 0, "REP MOVSD: copied bytes"
        CHECK byte [es:0x060C], 0xEE, "REP MOVSD: byte after"

        mov si, 0x0700              ; CX = 0: nothing at all happens
        mov di, 0x0700
        xor cx, cx
        rep movsb
        CHECK si, 0x0700, "REP MOVSB CX=0: SI"
        CHECK byte [es:0x0700], 0xEE, "REP MOVSB CX=0: memory"
        PASS "REP MOVS"

; ---------------------------------------------------------------- LODS
        mov si, 0x0010
        mov cx, 5
        rep lodsb
        mov dx, ax
        mov bx, 0x0014
        call pat
        CHECK dl, al, "REP LODSB: AL is the last byte"
        CHECK si, 0x0015, "REP LODSB: SI"
        CHECK cx, 0, "REP LODSB: CX"
        mov si, 0x0020
        lodsw
        CHECK ax, [0x0020], "LODSW: AX"
        CHECK si, 0x0022, "LODSW: SI"
        std
        mov si, 0x0040
        lodsd
        cld
        CHECK eax, [0x0040], "LODSD DF=1: EAX"
        CHECK si, 0x003C, "LODSD DF=1: SI"
        push ds
        pop es                      ; ES = SRC
        push word 0
        pop ds                      ; DS = 0
        mov si, 0x0033
        es lodsb
        mov dl, al
        mov bx, 0x0033
        call pat
        CHECK dl, al, "ES: LODSB segment override"
        PASS "LODS"

; ---------------------------------------------------------------- CMPS / SCAS
        push word 0
        pop es                      ; DS = ES = 0
        mov si, STR1
        mov di, STR2
        mov cx, 5
        repe cmpsb                  ; stops at 'C' vs 'X'
        pushf
        CHECK cx, 2, "REPE CMPSB mismatch: CX"
        CHECK si, STR1+3, "REPE CMPSB mismatch: SI"
        CHECK di, STR2+3, "REPE CMPSB mismatch: DI"
        popf
        CHECKFL FL_ARITH, FL_CF|FL_SF|FL_AF|FL_PF, "REPE CMPSB mismatch: flags of 43h-58h"

        mov si, STR1
        mov di, STR3
        mov cx, 5
        repe cmpsb
        pushf
        CHECK cx, 0, "REPE CMPSB equal: CX"
        CHECK si, STR1+5, "REPE CMPSB equal: SI"
        popf
        CHECKFL FL_ZF, FL_ZF, "REPE CMPSB equal: ZF"

        mov si, STR1
        mov di, STR2
        mov cx, 5
        repne cmpsb                 ; first pair already equal: one compare
        pushf
        CHECK cx, 4, "REPNE CMPSB: CX"
        popf
        CHECKFL FL_ZF, FL_ZF, "REPNE CMPSB: ZF"

        mov di, STR1
        mov al, 'D'
        mov cx, 5
        repne scasb
        pushf
        CHECK cx, 1, "REPNE SCASB found: CX"
        CHECK di, STR1+4, "REPNE SCASB found: DI"
        popf
        CHECKFL FL_ZF, FL_ZF, "REPNE SCASB found: ZF"

        mov di, STR1
        mov al, 'Z'
        mov cx, 5
        repne scasb
        pushf
        CHECK cx, 0, "REPNE SCASB not found: CX"
        CHECK di, STR1+5, "REPNE SCASB not found: DI"
        popf
        CHECKFL FL_ZF, 0, "REPNE SCASB not found: ZF"

        mov di, STR1
        mov ax, 'AB'                ; 4241h, 'BA' in memory order is 4241h
        mov cx, 3
        repe scasw                  ; 'AB' == 4241h, 'CD' != 4241h
        pushf
        CHECK cx, 1, "REPE SCASW: CX"
        CHECK di, STR1+4, "REPE SCASW: DI"
        popf
        CHECKFL FL_ZF, 0, "REPE SCASW: ZF"

        mov si, STR1                ; CX = 0: flags and pointers unchanged
        mov di, STR2
        xor cx, cx
        push word 0x0083            ; SF ZF=0 CF
        popf
        repe cmpsb
        CHECKFL FL_ARITH, FL_SF|FL_CF, "REPE CMPSB CX=0: flags unchanged"
        CHECK si, STR1, "REPE CMPSB CX=0: SI"
        PASS "REPE/REPNE CMPS and SCAS"

; ---------------------------------------------------------------- overrides
        ; A segment override applies to the source (DS:SI) only; the
        ; destination ES:DI cannot be overridden.
        mov ax, SRCSEG
        mov ds, ax
        mov ax, DSTSEG
        mov es, ax
        mov ax, MARKSEG
        mov fs, ax
        mov di, 0x0F00
        mov al, 0x3C
        fs stosb                    ; still ES:DI
        CHECK byte [es:0x0F00], 0x3C, "FS: STOSB writes ES:DI"
        CHECK byte [fs:0x0F00], 0x00, "FS: STOSB must not write FS:DI"
        xor si, si
        fs movsb                    ; FS:SI -> ES:DI
        CHECK byte [es:0x0F01], 0xC0, "FS: MOVSB reads FS:SI"
        mov si, 0x0005
        mov di, 0x0F10
        mov byte [es:0x0F10], 0xC5
        fs cmpsb                    ; FS:0005 (C5h) vs ES:0F10 (C5h)
        CHECKFL FL_ZF, FL_ZF, "FS: CMPSB compares FS:SI with ES:DI"
        mov si, str_rom
        cs lodsb
        CHECK al, 'R', "CS: LODSB reads the ROM"
        mov di, 0x0F20
        mov si, str_rom
        mov cx, 3
        rep cs movsb
        CHECK word [es:0x0F20], 'RO', "REP CS: MOVSB copies from the ROM"
        CHECK byte [es:0x0F22], 'M', "REP CS: MOVSB third byte"
        PASS "segment overrides on string instructions"

; ---------------------------------------------------------------- address size
        mov ax, SRCSEG
        mov ds, ax
        mov ax, DSTSEG
        mov es, ax
        mov esi, 0xABCD0800         ; 16-bit addressing: only SI/DI/CX count,
        mov edi, 0x12340800         ; the high halves are left alone
        mov ecx, 0x00050003
        rep movsb
        CHECK esi, 0xABCD0803, "a16 REP MOVSB: ESI high half preserved"
        CHECK edi, 0x12340803, "a16 REP MOVSB: EDI high half preserved"
        CHECK ecx, 0x00050000, "a16 REP MOVSB: only CX counted"

        mov esi, 0x00000810
        mov edi, 0x00000810
        mov ecx, 3
        a32 rep movsb
        CHECK esi, 0x00000813, "a32 REP MOVSB: ESI"
        CHECK edi, 0x00000813, "a32 REP MOVSB: EDI"
        CHECK ecx, 0, "a32 REP MOVSB: ECX"
        mov si, 0x0810
        mov di, 0x0810
        mov cx, 3
        call cmpmem
        CHECK ax, 0, "a32 REP MOVSB: copied bytes"

        mov ax, BIGSEG
        mov es, ax
        xor edi, edi
        mov ecx, 0x00010000         ; CX = 0 but ECX = 65536
        mov al, 0x5A
        a32 rep stosb
        CHECK ecx, 0, "a32 REP STOSB 64 KiB: ECX"
        CHECK edi, 0x00010000, "a32 REP STOSB 64 KiB: EDI"
        CHECK byte [es:0x0000], 0x5A, "a32 REP STOSB 64 KiB: first byte"
        CHECK byte [es:0xFFFF], 0x5A, "a32 REP STOSB 64 KiB: last byte"
        mov ax, BIGSEG+0x1000
        mov es, ax
        CHECK byte [es:0x0000], 0, "a32 REP STOSB 64 KiB: byte after"

        mov ax, DSTSEG              ; 16-bit SI wraps from FFFF to 0000
        mov es, ax
        mov si, 0xFFFE
        mov di, 0x0900
        mov cx, 4
        rep movsb
        CHECK si, 0x0002, "a16 REP MOVSB: SI wraps at 64 KiB"
        mov bx, 0xFFFF
        call pat
        CHECK byte [es:0x0901], al, "a16 REP MOVSB wrap: byte from FFFF"
        mov bx, 0x0000
        call pat
        CHECK byte [es:0x0902], al, "a16 REP MOVSB wrap: byte from 0000"
        PASS "address size and wrap"

; ---------------------------------------------------------------- single-step
        SETVEC 1, ss_handler
        push word 0
        pop ds
        mov word [SS_COUNT], 0
        mov ax, SRCSEG
        mov ds, ax
        mov si, 0x0A00
        mov di, 0x0A00
        mov cx, 3
        push word 0x0102            ; TF
        popf
ss_rep: rep movsb                   ; trap after each iteration
ss_next:
        nop
        pushf
        pop ax
        and ah, 0xFE
        push ax
        popf
        RESTOREVEC 1
        push word 0
        pop ds
        CHECK word [SS_IPS+0], ss_rep, "TF + REP MOVSB: trap 1 at the REP"
        CHECK word [SS_IPS+2], ss_rep, "TF + REP MOVSB: trap 2 at the REP"
        CHECK word [SS_IPS+4], ss_next, "TF + REP MOVSB: trap 3 after it"
        CHECK word [SS_IPS+6], ss_next+1, "TF: trap after the NOP"
        CHECK cx, 0, "TF + REP MOVSB: CX"
        PASS "single-step through REP"

; ---------------------------------------------------------------- restart
%ifndef QEMU                        ; QEMU TCG does not check real-mode limits
        SETVEC 13, restart_handler
        ; Forward REP MOVSW from SI = FFF7: words at FFF7, FFF9, FFFB, FFFD
        ; are fine, the word at FFFF is #GP.  The handler moves DS:SI to
        ; 1F00:0FFF (the same linear byte) and the copy finishes.
        mov word [R_COUNT], 0
        mov word [R_FIX], 0
        mov ax, SRCSEG
        mov ds, ax
        mov ax, DSTSEG
        mov es, ax
        mov si, 0xFFF7
        mov di, 0x0B00
        mov cx, 8
rs1:    rep movsw
        push word 0
        pop ds
        CHECK word [R_COUNT], 1, "restart MOVSW: one #GP"
        CHECK word [R_IP], rs1, "restart MOVSW: #GP IP at the REP"
        CHECK word [R_CX], 4, "restart MOVSW: CX at the fault"
        CHECK word [R_SI], 0xFFFF, "restart MOVSW: SI at the fault"
        CHECK word [R_DI], 0x0B08, "restart MOVSW: DI at the fault"
        CHECK cx, 0, "restart MOVSW: final CX"
        CHECK si, 0x1007, "restart MOVSW: final SI"
        CHECK di, 0x0B10, "restart MOVSW: final DI"
        mov ax, SRCSEG+0x0F00
        mov ds, ax
        mov si, 0x0FF7              ; = 1000:FFF7 linear
        mov di, 0x0B00
        mov cx, 16
        call cmpmem
        CHECK ax, 0, "restart MOVSW: all 16 bytes copied"
        CHECK byte [es:0x0B0F], 0xC6, "restart MOVSW: last byte is from 20006h"
        CHECK byte [es:0x0B10], 0xEE, "restart MOVSW: byte after"
        PASS "restart REP MOVSW forward"

        ; Backward REP MOVSW from SI = 0005: 0005, 0003, 0001, then SI wraps
        ; to FFFF: #GP with CX = 3.
        push word 0
        pop ds
        mov word [R_COUNT], 0
        mov ax, SRCSEG
        mov ds, ax
        mov si, 0x0005
        mov di, 0x0C20
        mov cx, 6
        std
rs2:    rep movsw
        cld
        push word 0
        pop ds
        CHECK word [R_COUNT], 1, "restart MOVSW DF=1: one #GP"
        CHECK word [R_IP], rs2, "restart MOVSW DF=1: #GP IP"
        CHECK word [R_CX], 3, "restart MOVSW DF=1: CX at the fault"
        CHECK word [R_SI], 0xFFFF, "restart MOVSW DF=1: SI at the fault"
        CHECK word [R_DI], 0x0C1A, "restart MOVSW DF=1: DI at the fault"
        CHECK si, 0x0FF9, "restart MOVSW DF=1: final SI"
        CHECK di, 0x0C14, "restart MOVSW DF=1: final DI"
        mov ax, SRCSEG
        mov ds, ax
        mov ax, [0x0005]
        CHECK word [es:0x0C20], ax, "restart MOVSW DF=1: word 1"
        mov ax, [0x0001]
        CHECK word [es:0x0C1C], ax, "restart MOVSW DF=1: word 3"
        mov bx, 0xFFFF
        call pat
        CHECK byte [es:0x0C1A], al, "restart MOVSW DF=1: word 4 low (1000:FFFF)"
        CHECK byte [es:0x0C1B], 0xC0, "restart MOVSW DF=1: word 4 high (20000h)"
        mov ax, [0xFFFB]
        CHECK word [es:0x0C16], ax, "restart MOVSW DF=1: word 6"
        CHECK byte [es:0x0C15], 0xEE, "restart MOVSW DF=1: byte below"
        CHECK byte [es:0x0C22], 0xEE, "restart MOVSW DF=1: byte above"
        PASS "restart REP MOVSW backward"

        ; REP STOSW whose ES:DI runs into FFFF, behind an ES: override on
        ; the instruction as well (26 F3 AB: the IP must name the 26).
        push word 0
        pop ds
        mov word [R_COUNT], 0
        mov word [R_FIX], 1
        mov ax, DSTSEG
        mov es, ax
        mov di, 0xFFFB
        mov cx, 4
        mov ax, 0x5AA5
rs3:    db 0x26, 0xF3, 0xAB         ; es rep stosw
        CHECK word [R_COUNT], 1, "restart STOSW: one #GP"
        CHECK word [R_IP], rs3, "restart STOSW: #GP IP at the first prefix"
        CHECK word [R_CX], 2, "restart STOSW: CX at the fault"
        CHECK word [R_DI], 0xFFFF, "restart STOSW: DI at the fault"
        CHECK di, 0x1003, "restart STOSW: final DI"
        mov ax, DSTSEG+0x0FFF       ; linear 3FFF0h
        mov es, ax
        CHECK dword [es:0x000F], 0x5AA55AA5, "restart STOSW: bytes 3FFFFh..40002h"
        CHECK byte [es:0x000E], 0x5A, "restart STOSW: byte 3FFFEh"
        PASS "restart REP STOSW"

        ; ES: source override on MOVSW: the fault is on ES:SI (#GP) after one
        ; word; the handler points SI at 0100h and the restarted instruction
        ; must still read ES:SI (DS:0100 holds 11h bytes, ES:0100 does not).
        mov word [R_COUNT], 0
        mov word [R_FIX], 2
        mov ax, SRCSEG
        mov es, ax                  ; source (override) and destination
        push word DSTSEG
        pop ds
        mov si, 0xFFFD
        mov di, 0x0E00
        mov cx, 3
rs4:    db 0x26, 0xF3, 0xA5         ; es rep movsw
        push word 0
        pop ds
        CHECK word [R_COUNT], 1, "restart ES: MOVSW: one #GP"
        CHECK word [R_IP], rs4, "restart ES: MOVSW: IP at the override"
        CHECK word [R_CX], 2, "restart ES: MOVSW: CX at the fault"
        CHECK word [R_SI], 0xFFFF, "restart ES: MOVSW: SI at the fault"
        CHECK word [R_DI], 0x0E02, "restart ES: MOVSW: DI at the fault"
        CHECK cx, 0, "restart ES: MOVSW: final CX"
        CHECK si, 0x0104, "restart ES: MOVSW: final SI"
        CHECK di, 0x0E06, "restart ES: MOVSW: final DI"
        mov ax, [es:0xFFFD]
        CHECK word [es:0x0E00], ax, "restart ES: MOVSW: word 1 from ES:FFFD"
        mov ax, [es:0x0100]
        CHECK word [es:0x0E02], ax, "restart ES: MOVSW: word 2 from ES:0100 (override kept)"
        mov ax, [es:0x0102]
        CHECK word [es:0x0E04], ax, "restart ES: MOVSW: word 3 from ES:0102"
        PASS "restart with a segment override"
%endif
        jmp done

done:
        PASS_EXIT

; ---------------------------------------------------------------- helpers
str_rom: db "ROM", 0

; pat: AL = pattern byte for offset BX = low8(BX*37 + 11h) XOR high8(BX*37+11h).
pat:    push dx
        imul ax, bx, 37
        add ax, 0x11
        xor al, ah
        pop dx
        ret

; cmpmem: compare CX bytes DS:SI with ES:DI by hand (no string
; instructions).  AX = 0 if equal, else 1 + index of the first difference.
cmpmem: push bx
        push cx
        push dx
        xor bx, bx
.l:     jcxz .eq
        mov dl, [si+bx]
        cmp dl, [es:di+bx]
        jne .ne
        inc bx
        dec cx
        jmp .l
.eq:    xor ax, ax
        jmp .out
.ne:    lea ax, [bx+1]
.out:   pop dx
        pop cx
        pop bx
        ret

; #GP handler for the restart tests: record CX/SI/DI and the pushed IP, then
; move the faulting segment 0F00h paragraphs up and its offset F000h down so
; the same linear bytes are far from the limit, and IRET to the instruction.
restart_handler:
        push bp
        mov bp, sp
        push ax
        mov ax, [bp+2]
        mov [ss:R_IP], ax
        mov [ss:R_CX], cx
        mov [ss:R_SI], si
        mov [ss:R_DI], di
        inc word [ss:R_COUNT]
        cmp word [ss:R_COUNT], 1
        jne .again                  ; a second fault: let it retry unchanged
        cmp word [ss:R_FIX], 1
        je .fixdi
        ja .fixessi
        mov ax, ds
        add ax, 0x0F00
        mov ds, ax
        sub si, 0xF000
        jmp .again
.fixdi: mov ax, es
        add ax, 0x0F00
        mov es, ax
        sub di, 0xF000
        jmp .again
.fixessi:
        mov si, 0x0100              ; continue from another source offset
.again: cmp word [ss:R_COUNT], 4
        jb .ret
        FAILNOW "restart: instruction keeps faulting"
.ret:   pop ax
        pop bp
        iret

ss_handler:
        push bp
        mov bp, sp
        push ax
        push bx
        mov bx, [ss:SS_COUNT]
        cmp bx, 16
        jae .full
        mov ax, [bp+2]
        mov [ss:SS_IPS+bx], ax
        add bx, 2
        mov [ss:SS_COUNT], bx
.full:  pop bx
        pop ax
        pop bp
        iret

        ROM_END
