; boot_floppy -- a floppy boot sector booted by SeaBIOS (or by syslinux's
; memdisk from a floppy, run_floppy.sh): reports the drive and the
; geometry INT 13h AH=08h gives, reads a whole track of head 1, cylinder 1
; (the image holds each sector's LBA in its first word: fdc/mkfloppy.py),
; writes a sector and reads it back.  Port 0xE9 output, port 0xF4 exit
; (0: passed).
org 0x7C00
bits 16
start:  cli
        xor ax, ax
        mov ds, ax
        mov ss, ax
        mov sp, 0x7C00
        sti
        cld
        mov [drive], dl
        mov si, m_boot
        call puts
        movzx ax, byte [drive]
        call putdec
        mov ah, 0x08
        mov dl, [drive]
        int 0x13
        jc fail
        mov al, cl
        and al, 0x3F
        mov [spt], al
        inc dh
        mov [heads], dh
        mov al, cl              ; cylinders: CH + CL bits 6-7 << 8, plus 1
        shr al, 6
        mov ah, al
        mov al, ch
        inc ax
        push ax
        mov si, m_geo
        call puts
        pop ax
        call putdec
        mov al, '/'
        out 0xE9, al
        movzx ax, byte [heads]
        call putdec
        mov al, '/'
        out 0xE9, al
        movzx ax, byte [spt]
        call putdec
        mov al, 10
        out 0xE9, al
        ; Track (1, 1): LBA (1 * heads + 1) * spt + i for sector i + 1.
        mov ax, 0x1000
        mov es, ax
        xor bx, bx
        mov ah, 0x02
        mov al, [spt]
        mov cx, 0x0101
        mov dh, 1
        mov dl, [drive]
        int 0x13
        jc fail
        movzx ax, byte [heads]
        inc ax
        movzx dx, byte [spt]
        mul dx                  ; AX = first LBA of the track
        movzx cx, byte [spt]
        xor di, di
.chk:   cmp [es:di], ax
        jne fail
        inc ax
        add di, 512
        loop .chk
        ; Write (2, 0, 3) from 0x2000:0 (bytes 0..255, twice), read it back.
        mov ax, 0x2000
        mov es, ax
        xor di, di
        xor ax, ax
.fill:  stosb
        inc al
        cmp di, 512
        jne .fill
        xor bx, bx
        mov ax, 0x0301
        mov cx, 0x0203
        xor dh, dh
        mov dl, [drive]
        int 0x13
        jc fail
        mov ax, 0x3000
        mov es, ax
        xor bx, bx
        mov ax, 0x0201
        mov cx, 0x0203
        xor dh, dh
        mov dl, [drive]
        int 0x13
        jc fail
        push ds
        mov ax, 0x2000
        mov ds, ax
        xor si, si
        xor di, di
        mov cx, 256
        repe cmpsw
        pop ds
        jne fail
        mov si, m_ok
        call puts
        mov al, 0
        out 0xF4, al
        cli
        hlt
fail:   mov si, m_fail
        call puts
        mov al, 1
        out 0xF4, al
        cli
        hlt

puts:   lodsb
        test al, al
        jz .d
        out 0xE9, al
        jmp puts
.d:     ret

; putdec -- AX in decimal to port 0xE9.
putdec: xor cx, cx
        mov bx, 10
.div:   xor dx, dx
        div bx
        push dx
        inc cx
        test ax, ax
        jnz .div
.out:   pop ax
        add al, '0'
        out 0xE9, al
        loop .out
        ret

m_boot: db "boot_floppy: booted from drive ", 0
m_geo:  db 10, "boot_floppy: geometry ", 0
m_ok:   db "boot_floppy: track read, write and read-back ok", 10, 0
m_fail: db 10, "boot_floppy: FAIL", 10, 0
drive:  db 0
spt:    db 0
heads:  db 0
        times 510 - ($ - $$) db 0
        dw 0xAA55
