; halt_idle -- a guest that idles waiting for a key (IRQ 1 open) while
; the PIT runs at 1 kHz with IRQ 0 masked: a timer is armed, so the run
; loop skips from tick to tick, and no tick raises INTR, so every slice
; ends in HLT. SIGTERM and SIGINT must still stop it promptly
; (tests/cli/outputs.sh halt).
bits 16
org 0
%include "pc16.inc"
start:
        cli
        xor ax, ax
        mov ss, ax
        mov sp, 0x7C00
        mov ds, ax
        mov word [8 * 4], tick          ; IVT entry 8: IRQ 0
        mov word [8 * 4 + 2], 0xF000
        PIC_INIT                        ; vectors 0x08, 0x70
        mov al, 0xFD                    ; only IRQ 1 (keyboard) open
        out 0x21, al
        mov al, 0xFF
        out 0xA1, al
        mov al, 0x34                    ; counter 0, lo/hi, mode 2
        out 0x43, al
        mov ax, 1193                    ; 1 ms
        out 0x40, al
        mov al, ah
        out 0x40, al
        mov ax, cs
        mov ds, ax
        mov si, line
        mov dx, 0xE9
.print:
        lodsb
        test al, al
        jz idle
        out dx, al
        jmp .print
idle:
        sti
        hlt
        jmp idle

tick:
        push ax
        mov al, 0x20                    ; non-specific EOI
        out 0x20, al
        pop ax
        iret

line:   db "halt_idle: idling", 10, 0

        times 0xFFF0-($-$$) db 0
        jmp 0xF000:start
        times 0x10000-($-$$) db 0
