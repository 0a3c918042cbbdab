; sdl_13h -- mode 13h (320x200, 256 colours, chain-4): blocks of 20x25
; pixels in colours 16 * (y / 25) + x / 20 of the default palette, DAC
; entry 255 reprogrammed to (63, 32, 0) and a diagonal of it.

bits 16
cpu 686
org 0x7C00
        jmp 0:start
%include "sdl16.inc"
start:
        mov ax, 0x0013
        int 0x10
        push 0xA000
        pop es
        xor di, di
        xor dx, dx              ; y
.row:   xor cx, cx              ; x
.px:    mov ax, dx
        mov bl, 25
        div bl                  ; al = y / 25
        shl al, 4
        mov bh, al
        mov ax, cx
        mov bl, 20
        div bl                  ; al = x / 20
        add al, bh
        cmp cx, dx
        jne .st
        mov al, 255
.st:    stosb
        inc cx
        cmp cx, 320
        jb .px
        inc dx
        cmp dx, 200
        jb .row
        mov dx, 0x3C8
        mov al, 255
        out dx, al
        inc dx
        mov al, 63
        out dx, al
        mov al, 32
        out dx, al
        xor al, al
        out dx, al
        DRAWN_IDLE

times 510 - ($ - $$) db 0
dw 0xAA55
