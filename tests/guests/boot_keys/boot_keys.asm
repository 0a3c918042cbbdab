; boot_keys -- a boot sector that reads the keyboard through INT 16h and
; prints each key's scan code and character, until Enter. The test types
; "Hi!", an Up arrow, Ctrl-C and Enter into `-display text`, so the keys
; travel terminal -> keymap -> PS/2 keyboard (set 2) -> i8042 translation
; -> IRQ 1 -> SeaBIOS's buffer -> INT 16h.

bits 16
cpu 686
org 0x7C00

%include "boot16.inc"

start:
        cli
        xor ax, ax
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov sp, 0x7C00
        sti
        PUTS msg_ready
.key:   xor ah, ah
        int 0x16
        push ax
        mov al, 'k'
        call putc
        mov al, ' '
        call putc
        pop ax
        call puthex16                   ; AH scan code, AL character
        call crlf
        cmp al, 13
        jne .key
        PUTS msg_done
        PASS_EXIT

%include "boot16_lib.inc"

msg_ready:      db "boot_keys: type", 13, 10, 0
msg_done:       db "boot_keys: enter", 13, 10, 0

times 510 - ($ - $$) db 0
dw 0xAA55
