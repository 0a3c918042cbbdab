; boot_cd -- an El Torito "no emulation" boot image (2 KiB, loaded at
; 0000:7C00 by SeaBIOS) that checks INT 13h on the CD-ROM: extensions,
; drive parameters (2048-byte sectors), a two-sector extended read of the
; ISO's volume descriptors at LBA 16-17, and that a read past the end
; fails. It runs on shadow86's ATAPI drive through SeaBIOS's CD code.

bits 16
cpu 686
org 0x7C00

%include "boot16.inc"

BUF             equ 0x8000          ; segment of the read buffer

start:
        cli
        xor ax, ax
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov sp, 0x7C00
        sti
        mov [boot_drive], dl
        PUTS msg_hello
        PUTS msg_drive
        movzx ax, byte [boot_drive]
        call puthex16
        call crlf
        cmp byte [boot_drive], 0xE0
        FAIL_IF b, 1, "boot drive is not a CD drive number (>= 0xE0)"

        mov ah, 0x41
        mov bx, 0x55AA
        mov dl, [boot_drive]
        int 0x13
        FAIL_IF c, 2, "AH=41h: no extensions"
        cmp bx, 0xAA55
        FAIL_IF ne, 3, "AH=41h signature"
        PUTS msg_edd

        mov word [edd_buf], 0x1A
        mov ah, 0x48
        mov dl, [boot_drive]
        mov si, edd_buf
        int 0x13
        FAIL_IF c, 4, "AH=48h failed"
        PUTS msg_bps
        mov ax, [edd_buf + 24]
        call putdec
        call crlf
        cmp word [edd_buf + 24], 2048
        FAIL_IF ne, 5, "AH=48h: sector size is not 2048"

        ; LBA 16: primary volume descriptor; 17: El Torito boot record.
        mov dword [dap_lba], 16
        mov word [dap_count], 2
        mov ah, 0x42
        xor al, al
        mov dl, [boot_drive]
        mov si, dap
        int 0x13
        FAIL_IF c, 6, "AH=42h read of LBA 16-17 failed"
        push es
        mov ax, BUF
        mov es, ax
        cmp byte [es:0], 1
        FAIL_IF ne, 7, "LBA 16 is not a primary volume descriptor"
        cmp dword [es:1], 'CD00'
        FAIL_IF ne, 8, "LBA 16: no CD001 signature"
        cmp byte [es:2048], 0
        FAIL_IF ne, 9, "LBA 17 is not a boot record"
        cmp dword [es:2048 + 7], 'EL T'
        FAIL_IF ne, 10, "LBA 17: not EL TORITO"
        pop es
        PUTS msg_read

        mov dword [dap_lba], 0x00FFFFF0
        mov word [dap_count], 1
        mov ah, 0x42
        xor al, al
        mov dl, [boot_drive]
        mov si, dap
        int 0x13
        FAIL_IF nc, 11, "AH=42h past the end did not fail"
        PUTS msg_past_end
        PUTS msg_pass
        PASS_EXIT

%include "boot16_lib.inc"

msg_hello:      db "boot_cd: booted from CD", 13, 10, 0
msg_drive:      db "boot drive ", 0
msg_edd:        db "INT 13h extensions present", 13, 10, 0
msg_bps:        db "bytes per sector ", 0
msg_read:       db "volume descriptors read ok", 13, 10, 0
msg_past_end:   db "read past the end fails ok", 13, 10, 0
msg_pass:       db "boot_cd: all checks passed", 13, 10, 0

boot_drive:     db 0
align 4
dap:            db 0x10, 0
dap_count:      dw 1
dap_off:        dw 0
dap_seg:        dw BUF
dap_lba:        dq 0
align 4
edd_buf:        times 0x1A db 0

times 2048 - ($ - $$) db 0
