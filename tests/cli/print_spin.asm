; print_spin -- writes a line to the port 0xE9 console and one to COM1,
; then counts in AX forever: a guest that never ends by itself, for the
; output tests (tests/cli/outputs.sh): what it wrote must reach the
; -debugcon and -serial files when the run is ended by a signal.
bits 16
org 0
start:
        mov ax, cs
        mov ds, ax
        mov si, debugcon_line
        mov dx, 0xE9
.debugcon:
        lodsb
        test al, al
        jz .serial
        out dx, al
        jmp .debugcon
.serial:
        mov si, serial_line
.next:
        lodsb
        test al, al
        jz spin
        mov bl, al
        mov dx, 0x3FD           ; line status: wait for THR empty
.wait:
        in al, dx
        test al, 0x20
        jz .wait
        mov al, bl
        mov dx, 0x3F8
        out dx, al
        jmp .next
spin:
        inc ax
        jmp spin

debugcon_line: db "print_spin: debugcon", 10, 0
serial_line:   db "print_spin: serial", 10, 0

        times 0xFFF0-($-$$) db 0
        jmp 0xF000:start
        times 0x10000-($-$$) db 0
