; sdl_text -- mode 3 (80x25, 9-dot cells, the VGA BIOS's 8x16 font in
; plane 2): every character code 0-255 on rows 0-7 in 32 columns with
; changing colours, box-drawing characters (the ninth column repeats for
; C0h-DFh), a blinking cell, and a block cursor at row 20, column 40.

bits 16
cpu 686
org 0x7C00
        jmp 0:start
%include "sdl16.inc"
start:
        xor ax, ax
        mov ds, ax
        mov ax, 0x0003
        int 0x10
        push 0xB800
        pop es
        ; rows 0-7: characters 0-255, 32 a row, two cells each (char, space)
        xor bx, bx              ; character
.ch:    mov ax, bx
        shr ax, 5               ; row
        imul di, ax, 160
        mov ax, bx
        and ax, 31
        shl ax, 2               ; column * 2 cells * 2 bytes
        add di, ax
        mov al, bl
        mov ah, bl
        and ah, 0x7F            ; attribute: colours from the code, no blink
        or ah, 0x08
        test ah, 0x70
        jnz .st
        or ah, 0x10
.st:    stosw
        inc bx
        cmp bx, 256
        jb .ch
        ; row 10: a box line of C4h joined by C5h, and B3h (no ninth column)
        mov di, 10 * 160
        mov cx, 40
.box:   mov ax, 0x1FC4
        stosw
        mov ax, 0x1FC5
        stosw
        loop .box
        mov di, 11 * 160
        mov cx, 80
        mov ax, 0x2EB3
        rep stosw
        ; row 13: "BLINK" with the blink bit (attribute 8Eh)
        mov di, 13 * 160 + 20
        mov si, blink
.bl:    cs lodsb
        test al, al
        jz .bd
        mov ah, 0x8E
        stosw
        jmp .bl
.bd:    ; cursor: block (scan lines 0-15) at row 20, column 40
        mov ah, 0x01
        mov cx, 0x000F
        int 0x10
        mov ah, 0x02
        xor bh, bh
        mov dx, 0x1428
        int 0x10
        DRAWN_IDLE
blink:  db "BLINK", 0

times 510 - ($ - $$) db 0
dw 0xAA55
