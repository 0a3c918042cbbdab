; tests/guests/smc/smc.asm -- self-modifying code must run its new bytes.
;
; The test code ("the blob") is copied from the ROM to RAM at 1000:0000
; (linear 0x10000) and called there, so it can rewrite itself.  Each test
; first runs code (so a translator has translated it), then stores into it,
; then runs it again and checks the new bytes took effect:
;   1. a store into the very next instruction;
;   2. a store into an instruction later in the same straight-line block;
;   3. a store into a block reached through a direct (chainable) jump,
;      after that jump has already been taken once;
;   4. a store into the second page of an instruction that straddles a
;      4 KiB page boundary;
;   5. a whole routine replaced by REP MOVSB and called again.
; Every check is exact; the interpreter passes trivially, the translator
; only if its invalidation is exact.

%define GUEST_NAME "smc"
%include "rom16.inc"

BLOBSEG equ 0x1000

%define OFS(x) ((x) - blob)

main:
        ; Copy the blob to 1000:0000.
        push ds
        push es
        mov ax, cs
        mov ds, ax
        mov ax, BLOBSEG
        mov es, ax
        mov si, blob
        xor di, di
        mov cx, blob_end - blob
        cld
        rep movsb
        pop es
        pop ds

        ; 1. the next instruction
        call BLOBSEG:OFS(t1)
        CHECK al, 0x42, "store into the next instruction"
        push es                       ; put the old byte back and run again:
        mov ax, BLOBSEG               ; now a store from outside the block
        mov es, ax
        mov byte [es:OFS(t1_next) + 1], 0x00
        pop es
        call BLOBSEG:OFS(t1)
        CHECK al, 0x42, "store into the next instruction, second run"
        PASS "store into the next instruction runs the new bytes"

        ; 2. later in the same block
        call BLOBSEG:OFS(t2)
        CHECK al, 0x43, "store into a later instruction of the same block"
        PASS "store into a later instruction of the same block"

        ; 3. a chained block
        call BLOBSEG:OFS(t3)
        CHECK al, 0x44, "store into a block reached through a chained jump"
        CHECK bl, 0x00, "first pass through the chained block saw the old bytes"
        PASS "store into a block reached through a chained jump"

        ; 4. an instruction straddling a page boundary
        call BLOBSEG:OFS(t4)
        CHECK ax, 0x1234, "straddling instruction, first run"
        push es
        mov ax, BLOBSEG
        mov es, ax
        mov byte [es:OFS(t4_insn) + 2], 0x56     ; the byte on the second page
        pop es
        call BLOBSEG:OFS(t4)
        CHECK ax, 0x5634, "store into the second page of a straddling instruction"
        PASS "store into the second page of a page-straddling instruction"

        ; 5. a routine replaced wholesale
        call BLOBSEG:OFS(t5)
        CHECK ax, 0x0001, "routine before replacement"
        push ds
        push es
        mov ax, cs
        mov ds, ax
        mov ax, BLOBSEG
        mov es, ax
        mov si, t5_new
        mov di, OFS(t5)
        mov cx, t5_new_end - t5_new
        rep movsb
        pop es
        pop ds
        call BLOBSEG:OFS(t5)
        CHECK ax, 0x0777, "routine replaced by REP MOVSB"
        PASS "routine replaced by REP MOVSB runs the new code"

        PASS_EXIT

; ----------------------------------------------------------------------
; The blob: runs at BLOBSEG:OFS(label).  All self-references use OFS().
align 16
blob:
t1:     mov byte [cs:OFS(t1_next) + 1], 0x42   ; patches the next instruction
t1_next:
        mov al, 0x00
        retf

t2:     mov byte [cs:OFS(t2_later) + 1], 0x43
        nop
        inc bx
        dec bx
        nop
t2_later:
        mov al, 0x00
        retf

t3:     mov cx, 2
        mov bl, 0xFF
t3_loop:
        jmp short t3_target          ; a direct jump: chainable
t3_target:
        mov al, 0x00                 ; patched after the first pass
        cmp cx, 2
        jne .second
        mov bl, al                   ; first pass: remember what we saw
.second:
        dec cx
        jz .done
        mov byte [cs:OFS(t3_target) + 1], 0x44
        jmp short t3_loop
.done:  retf

t5:     mov ax, 0x0001
        retf
        times 16 db 0x90             ; room for the replacement

        ; t4: "mov ax, 0x1234" with its opcode at blob offset 0xFFE, so its
        ; last byte lies on the next 4 KiB page (linear 0x11000).
        times 0xFFE - ($ - blob) - 3 db 0x90
t4:     nop
        nop
        nop
t4_insn:
        mov ax, 0x1234               ; B8 34 12: 0xFFE, 0xFFF | 0x1000
        retf
blob_end:

t5_new: mov ax, 0x0700
        or ax, 0x0077
        retf
t5_new_end:

        ROM_END
