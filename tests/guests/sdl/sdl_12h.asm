; sdl_12h -- mode 12h (640x480, 16 colours, planar): sixteen vertical bars
; 40 pixels wide in colours 0-15 drawn with write mode 2, then a white
; diagonal drawn a pixel at a time through the bit mask (read-modify-write
; through the latches), and bands of colour 4 via set/reset in write mode 0.

bits 16
cpu 686
org 0x7C00
        jmp 0:start
%include "sdl16.inc"
start:
        mov ax, 0x0012
        int 0x10
        push 0xA000
        pop es
        mov dx, 0x3CE
        mov ax, 0x0205          ; GC 5: write mode 2
        out dx, ax
        xor di, di
        xor bx, bx              ; y
.row:   xor cx, cx              ; byte in row
.byte:  mov ax, cx
        mov bl, 5
        div bl                  ; al = byte / 5 = colour
        mov [es:di], al
        inc di
        inc cx
        cmp cx, 80
        jb .byte
        inc bh
        cmp di, 80 * 480
        jb .row
        ; diagonal: pixel (y, y) for y < 480, colour 15, bit mask per pixel
        xor si, si              ; y
.diag:  mov ax, si
        imul di, ax, 80
        mov bx, si
        shr bx, 3
        add di, bx
        mov cx, si
        and cl, 7
        mov ah, 0x80
        shr ah, cl
        mov al, 8               ; GC 8: bit mask
        out dx, ax
        mov al, [es:di]         ; load the latches
        mov byte [es:di], 15
        inc si
        cmp si, 480
        jb .diag
        ; write mode 0 with set/reset: rows 200-209 colour 4, all planes
        mov ax, 0x0005
        out dx, ax
        mov ax, 0xFF08
        out dx, ax
        mov ax, 0x0400          ; set/reset = 4
        out dx, ax
        mov ax, 0x0F01          ; enable set/reset on all planes
        out dx, ax
        mov di, 200 * 80
        mov cx, 10 * 80
        rep stosb
        mov ax, 0x0001
        out dx, ax
        DRAWN_IDLE

times 510 - ($ - $$) db 0
dw 0xAA55
