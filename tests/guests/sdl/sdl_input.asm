; sdl_input -- what the keyboard and mouse deliver: keyboard and mouse
; interrupts masked at the PICs, the mouse port enabled and the mouse put
; in IntelliMouse mode (sample rates 200, 100, 80) with reporting on; then
; every byte the i8042 offers is printed on port 0xE9 as "K xx" (keyboard,
; set 1 after the controller's translation) or "M xx" (mouse), a line per
; wake-up. The test's script types keys and moves the mouse in the window.

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
        in al, 0x21
        or al, 0x02             ; IRQ1 off
        out 0x21, al
        in al, 0xA1
        or al, 0x10             ; IRQ12 off
        out 0xA1, al
        mov al, 0xA8            ; enable the mouse port
        call kbc_cmd
        mov bl, 0xF3            ; IntelliMouse: rates 200, 100, 80
        call mouse_cmd
        mov bl, 200
        call mouse_cmd
        mov bl, 0xF3
        call mouse_cmd
        mov bl, 100
        call mouse_cmd
        mov bl, 0xF3
        call mouse_cmd
        mov bl, 80
        call mouse_cmd
        mov bl, 0xF2            ; get ID: 03
        call mouse_cmd
        call read_byte
        call e9_hex8
        mov bl, 0xF4            ; reporting on
        call mouse_cmd
        E9S `ready\n`
.idle:  sti
        hlt
        cli
        xor bp, bp
.drain: in al, 0x64
        test al, 1
        jz .done
        mov ah, al
        in al, 0x60
        mov bl, al
        mov al, 'K'
        test ah, 0x20
        jz .k
        mov al, 'M'
.k:     out 0xE9, al
        mov al, ' '
        out 0xE9, al
        mov al, bl
        call e9_hex8
        inc bp
        jmp .drain
.done:  test bp, bp
        jz .idle
        mov al, 10
        out 0xE9, al
        jmp .idle

; kbc_cmd: AL to the controller's command port.
kbc_cmd:
        push ax
.w:     in al, 0x64
        test al, 2
        jnz .w
        pop ax
        out 0x64, al
        ret

; mouse_cmd: BL to the mouse (D4 prefix), its ACK read and dropped.
mouse_cmd:
        mov al, 0xD4
        call kbc_cmd
.w:     in al, 0x64
        test al, 2
        jnz .w
        mov al, bl
        out 0x60, al
        call read_byte
        ret

; read_byte: wait for a byte from the controller into AL.
read_byte:
.w:     in al, 0x64
        test al, 1
        jz .w
        in al, 0x60
        ret

times 510 - ($ - $$) db 0
dw 0xAA55
