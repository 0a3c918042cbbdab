; boot_gfx -- a boot sector that sets mode 13h through INT 10h and fills
; the screen so that pixel (x, y) has colour (x + y * 320) & 0x3F, then
; exits. run_boot.sh checks the --screendump image: a 320x200 PPM whose
; pixels are the VGA BIOS's default palette entries (entry 1 dark blue,
; 4 dark red, 15 white, ...), i.e. the chain-4 memory, the DAC and the
; 256-colour scan-out together.

bits 16
cpu 686
org 0x7C00

%include "boot16.inc"

start:
        xor ax, ax
        mov ds, ax
        mov ax, 0x0013
        int 0x10
        mov ah, 0x0F
        int 0x10
        cmp al, 0x13
        FAIL_IF ne, 1, "mode 13h not set"
        push 0xA000
        pop es
        xor di, di
        mov cx, 64000
.fill:  mov ax, di
        and al, 0x3F
        stosb
        loop .fill
        PASS_EXIT

%include "boot16_lib.inc"

times 510 - ($ - $$) db 0
dw 0xAA55
