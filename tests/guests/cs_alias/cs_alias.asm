; cs_alias -- the same code reached through many CS bases. TARGETS bytes of
; RETF at physical 18000h.. are called far through every segment that
; reaches them (0801h..1800h: 4,096 CS bases each), so the translator makes
; 4,096 x TARGETS blocks whose linear address is the same per target and
; whose CS base differs. A block cache keyed by CS base + EIP alone put
; them all in TARGETS hash buckets and translation went quadratic (20,000
; blocks: 2.3 s). Reports through port 0xE9, exits through port 0xF4.
; Assemble with -DTARGETS=n for a larger run (bench figures, docs/dbt.md).
%ifndef TARGETS
%define TARGETS 5
%endif
bits 16
org 0
J       equ 0x500               ; target index j
FARPTR  equ 0x502               ; IP, CS of the call
start:
        cli
        xor ax, ax
        mov ds, ax
        mov ss, ax
        mov sp, 0x7000
        mov ax, 0x1800          ; RETF bytes at 18000h..1800Fh
        mov es, ax
        xor di, di
        mov cx, 16
        mov al, 0xCB
        rep stosb
        mov si, msg_start
        call print
        mov word [J], 0
.jloop:
        mov bx, 0x0801
.sloop:
        mov ax, bx              ; IP = 18000h + j - 16 * CS
        shl ax, 4
        neg ax
        add ax, 0x8000
        add ax, [J]
        mov [FARPTR], ax
        mov [FARPTR + 2], bx
        call far [FARPTR]
        inc bx
        cmp bx, 0x1801
        jne .sloop
        inc word [J]
        cmp word [J], TARGETS
        jne .jloop
        mov si, msg_done
        call print
        mov al, 0
        out 0xF4, al            ; status 1: pass
        hlt

print:
        cs lodsb
        test al, al
        jz .out
        out 0xE9, al
        jmp print
.out:
        ret

msg_start: db "cs_alias: far calls to the same bytes through 4096 CS bases", 10, 0
msg_done:  db "PASS cs_alias: every call returned", 10, 0

        times 0xFFF0-($-$$) db 0
        jmp 0xF000:start
        times 0x10000-($-$$) db 0
