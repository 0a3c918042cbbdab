; boot_disk -- a hard-disk boot sector (and 7 more sectors it loads) that
; checks SeaBIOS's INT 13h (CHS and extended reads/writes, drive
; parameters) and INT 10h (teletype, cursor, mode set, pixels) on shadow86's
; IDE and VGA. The image is made by mkdisk: this program in sectors 0-7,
; then every sector N holds "SECT", N as a dword, and bytes (N + i) & 0xFF.
; Geometry of the 4 MiB image: 8192 sectors, translated 8/16/63.

bits 16
cpu 686
org 0x7C00

%include "boot16.inc"

STAGE2_SECTORS  equ 7
BUF1            equ 0x8000          ; segment of the read buffers
BUF2            equ 0x9000

start:
        cli
        xor ax, ax
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov sp, 0x7C00
        sti
        mov [boot_drive], dl
        ; Load the rest with a CHS read: cylinder 0, head 0, sector 2.
        mov ax, 0x0200 | STAGE2_SECTORS
        mov bx, 0x7E00
        mov cx, 0x0002
        xor dh, dh
        int 0x13
        jc .loadfail
        jmp stage2
.loadfail:
        mov al, 0x7E
        out 0xF4, al
        hlt

boot_drive: db 0

times 510 - ($ - $$) db 0
dw 0xAA55

; ---------------------------------------------------------------- stage 2
stage2:
        PUTS msg_hello
        ; A. boot drive
        PUTS msg_drive
        movzx ax, byte [boot_drive]
        call puthex16
        call crlf
        cmp byte [boot_drive], 0x80
        FAIL_IF ne, 1, "boot drive is not 0x80"

        ; B. INT 13h AH=08h drive parameters
        mov ah, 0x08
        mov dl, 0x80
        xor di, di
        int 0x13
        FAIL_IF c, 2, "AH=08h failed"
        mov [dp_dh], dh
        mov [dp_dl], dl
        mov [dp_cx], cx
        PUTS msg_geom
        mov ax, [dp_cx]             ; cylinders = (CH | (CL & 0xC0) << 2) + 1
        xchg al, ah
        shr ah, 6
        inc ax
        call putdec
        ; 8 cylinders, less the last one, which PC BIOSes (SeaBIOS too)
        ; keep back from AH=08h as the old diagnostic cylinder.
        cmp ax, 7
        FAIL_IF ne, 3, "AH=08h cylinders"
        PUTS msg_heads
        movzx ax, byte [dp_dh]
        inc ax
        call putdec
        cmp ax, 16
        FAIL_IF ne, 4, "AH=08h heads"
        PUTS msg_spt
        mov ax, [dp_cx]
        and ax, 0x3F
        call putdec
        cmp ax, 63
        FAIL_IF ne, 5, "AH=08h sectors per track"
        PUTS msg_drives
        movzx ax, byte [dp_dl]
        call putdec
        call crlf
        cmp byte [dp_dl], 1
        FAIL_IF ne, 6, "AH=08h drive count"

        ; B2. the AT CMOS disk fields: type F0h (disk 0 in 0x19), 47,
        ; and the user-defined geometry block at 0x1B
        mov al, 0x12
        call cmos_read
        cmp al, 0xF0
        FAIL_IF ne, 32, "CMOS 0x12 disk types"
        mov al, 0x19
        call cmos_read
        cmp al, 47
        FAIL_IF ne, 33, "CMOS 0x19 extended type"
        mov al, 0x1B
        call cmos_read
        cmp al, 8
        FAIL_IF ne, 34, "CMOS 0x1B cylinders"
        mov al, 0x1D
        call cmos_read
        cmp al, 16
        FAIL_IF ne, 35, "CMOS 0x1D heads"
        mov al, 0x23
        call cmos_read
        cmp al, 63
        FAIL_IF ne, 36, "CMOS 0x23 sectors"
        PUTS msg_cmos

        ; C. INT 13h AH=41h extensions present
        mov ah, 0x41
        mov bx, 0x55AA
        mov dl, 0x80
        int 0x13
        FAIL_IF c, 7, "AH=41h: no extensions"
        cmp bx, 0xAA55
        FAIL_IF ne, 8, "AH=41h signature"
        test cx, 1
        FAIL_IF z, 9, "AH=41h: no extended disk access"
        PUTS msg_edd

        ; D. INT 13h AH=48h extended parameters
        mov word [edd_buf], 0x1A
        mov ah, 0x48
        mov dl, 0x80
        mov si, edd_buf
        int 0x13
        FAIL_IF c, 10, "AH=48h failed"
        PUTS msg_total
        mov ax, [edd_buf + 16]
        call putdec
        call crlf
        cmp dword [edd_buf + 16], 8192
        FAIL_IF ne, 11, "AH=48h total sectors"
        cmp dword [edd_buf + 20], 0
        FAIL_IF ne, 12, "AH=48h total sectors (high)"
        cmp word [edd_buf + 24], 512
        FAIL_IF ne, 13, "AH=48h bytes per sector"

        ; E. extended read of LBA 1000-1001
        mov eax, 1000
        mov cx, 2
        mov bx, BUF1
        mov ah, 0x42
        call ext_io_1000
        FAIL_IF c, 14, "AH=42h read failed"
        mov ax, BUF1
        mov ebx, 1000
        call check_pattern
        FAIL_IF c, 15, "AH=42h read: sector 1000 content"
        mov ax, BUF1 + 0x20
        mov ebx, 1001
        call check_pattern
        FAIL_IF c, 16, "AH=42h read: sector 1001 content"
        PUTS msg_lba_read

        ; F. CHS read of the same sector: LBA 1000 = C 0 H 15 S 56
        push es
        mov ax, BUF2
        mov es, ax
        xor bx, bx
        mov ax, 0x0201
        mov cx, (0 << 8) | 56
        mov dh, 15
        mov dl, 0x80
        int 0x13
        pop es
        FAIL_IF c, 17, "AH=02h read failed"
        mov ax, BUF2
        mov ebx, 1000
        call check_pattern
        FAIL_IF c, 18, "AH=02h read: CHS 0/15/56 is not LBA 1000"
        PUTS msg_chs_read

        ; G. extended write of LBA 2000, read back by CHS (C 1 H 15 S 48)
        push es
        mov ax, BUF1
        mov es, ax
        xor di, di
        mov cx, 512
        mov al, 0xC3
        rep stosb
        mov dword [es:0], 'WRIT'
        pop es
        mov dword [dap_lba], 2000
        mov word [dap_count], 1
        mov word [dap_seg], BUF1
        mov ah, 0x43
        xor al, al
        mov dl, 0x80
        mov si, dap
        int 0x13
        FAIL_IF c, 19, "AH=43h write failed"
        push es
        mov ax, BUF2
        mov es, ax
        xor bx, bx
        mov ax, 0x0201
        mov cx, (1 << 8) | 48
        mov dh, 15
        mov dl, 0x80
        int 0x13
        FAIL_IF c, 20, "AH=02h read-back failed"
        cmp dword [es:0], 'WRIT'
        FAIL_IF ne, 21, "write/read-back: signature"
        cmp byte [es:511], 0xC3
        FAIL_IF ne, 22, "write/read-back: last byte"
        pop es
        PUTS msg_write

        ; H. CHS write of C 2 H 0 S 1 (LBA 2016), read back by LBA
        push es
        mov ax, BUF1
        mov es, ax
        mov dword [es:0], 'CHSW'
        xor bx, bx
        mov ax, 0x0301
        mov cx, (2 << 8) | 1
        xor dh, dh
        mov dl, 0x80
        int 0x13
        pop es
        FAIL_IF c, 23, "AH=03h write failed"
        mov dword [dap_lba], 2016
        mov word [dap_seg], BUF2
        mov ah, 0x42
        mov dl, 0x80
        mov si, dap
        int 0x13
        FAIL_IF c, 24, "AH=42h read of LBA 2016 failed"
        push es
        mov ax, BUF2
        mov es, ax
        cmp dword [es:0], 'CHSW'
        pop es
        FAIL_IF ne, 25, "CHS write landed elsewhere than LBA 2016"
        PUTS msg_chs_write

        ; I. reading past the end fails
        mov dword [dap_lba], 9000
        mov ah, 0x42
        mov dl, 0x80
        mov si, dap
        int 0x13
        FAIL_IF nc, 26, "AH=42h past the end did not fail"
        PUTS msg_past_end

        ; J. video: mode, cursor, pixels
        mov ah, 0x0F
        int 0x10
        cmp al, 3
        FAIL_IF ne, 27, "AH=0Fh: not mode 3"
        cmp ah, 80
        FAIL_IF ne, 28, "AH=0Fh: not 80 columns"
        mov ah, 0x02
        xor bh, bh
        mov dx, (12 << 8) | 30
        int 0x10
        mov ah, 0x03
        xor bh, bh
        int 0x10
        cmp dx, (12 << 8) | 30
        FAIL_IF ne, 29, "AH=03h cursor position"
        mov ax, 0x0013
        int 0x10
        mov ax, 0x0C05
        xor bh, bh
        mov cx, 10
        mov dx, 10
        int 0x10
        mov ah, 0x0D
        xor bh, bh
        mov cx, 10
        mov dx, 10
        int 0x10
        mov [pixel], al
        push es
        mov ax, 0xA000
        mov es, ax
        mov al, [es:10 * 320 + 10]
        mov [pixel_mem], al
        pop es
        mov ax, 0x0003
        int 0x10
        cmp byte [pixel], 5
        FAIL_IF ne, 30, "mode 13h: AH=0Dh pixel"
        cmp byte [pixel_mem], 5
        FAIL_IF ne, 31, "mode 13h: pixel not at A000:0C8A"
        PUTS msg_video
        PUTS msg_pass
        PASS_EXIT

; ext_io_1000: AH = 42h/43h, EAX low word ignored; reads CX sectors at
; LBA 1000 into segment BX through the DAP.
ext_io_1000:
        mov dword [dap_lba], 1000
        mov [dap_count], cx
        mov [dap_seg], bx
        mov dl, 0x80
        mov si, dap
        xor al, al
        int 0x13
        ret

; cmos_read: AL = CMOS register -> AL = its value (NMI left enabled).
cmos_read:
        out 0x70, al
        in al, 0x71
        ret

; check_pattern: segment AX holds sector EBX as mkdisk wrote it? CF=1 if not.
check_pattern:
        push es
        pusha
        mov es, ax
        cmp dword [es:0], 'SECT'
        jne .bad
        cmp [es:4], ebx
        jne .bad
        mov di, 8
.loop:  mov ax, di
        add ax, bx
        cmp [es:di], al
        jne .bad
        inc di
        cmp di, 512
        jb .loop
        popa
        pop es
        clc
        ret
.bad:   popa
        pop es
        stc
        ret

%include "boot16_lib.inc"

msg_hello:      db "boot_disk: stage 2 running", 13, 10, 0
msg_drive:      db "boot drive ", 0
msg_geom:       db "geometry: cylinders ", 0
msg_heads:      db " heads ", 0
msg_spt:        db " sectors ", 0
msg_drives:     db " drives ", 0
msg_edd:        db "INT 13h extensions present", 13, 10, 0
msg_cmos:       db "CMOS disk 0: type 47, 8/16/63", 13, 10, 0
msg_total:      db "total sectors ", 0
msg_lba_read:   db "extended read ok", 13, 10, 0
msg_chs_read:   db "CHS read ok", 13, 10, 0
msg_write:      db "extended write, CHS read-back ok", 13, 10, 0
msg_chs_write:  db "CHS write, extended read-back ok", 13, 10, 0
msg_past_end:   db "read past the end fails ok", 13, 10, 0
msg_video:      db "video: mode 3, cursor, mode 13h pixel ok", 13, 10, 0
msg_pass:       db "boot_disk: all checks passed", 13, 10, 0

align 4
dap:            db 0x10, 0
dap_count:      dw 1
dap_off:        dw 0
dap_seg:        dw 0
dap_lba:        dq 0
dp_cx:          dw 0
dp_dh:          db 0
dp_dl:          db 0
pixel:          db 0
pixel_mem:      db 0
align 4
edd_buf:        times 0x1A db 0

times 512 * (1 + STAGE2_SECTORS) - ($ - $$) db 0
