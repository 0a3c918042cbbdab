; sdl_vbe32 -- a Bochs VBE mode set through the DISPI ports (320x200,
; 32 bpp, linear frame buffer) and drawn through the frame buffer at the
; VGA's PCI BAR0 (found in configuration space) from unreal mode: pixel
; (x, y) = red x & F0h, green y & F0h, blue (x + y) & 80h.

bits 16
cpu 686
org 0x7C00
        jmp 0:start
%include "sdl16.inc"

%macro DISPI 2
        mov dx, 0x1CE
        mov ax, %1
        out dx, ax
        inc dx
        mov ax, %2
        out dx, ax
%endmacro

start:
        xor ax, ax
        mov ds, ax
        DISPI 4, 0              ; disable
        DISPI 1, 320
        DISPI 2, 200
        DISPI 3, 32
        DISPI 4, 0x41           ; enable, linear frame buffer
        mov dx, 0xCF8
        mov eax, 0x80001010     ; 00:02.0 BAR0
        out dx, eax
        mov dx, 0xCFC
        in eax, dx
        and eax, 0xFFFFFFF0
        mov ebp, eax
        ; unreal mode: FS with a 4 GiB limit
        cli
        lgdt [gdtr]
        mov eax, cr0
        or al, 1
        mov cr0, eax
        jmp short .pm
.pm:    mov bx, 8
        mov fs, bx
        and al, 0xFE
        mov cr0, eax
        jmp short .rm
.rm:    xor bx, bx
        mov fs, bx
        sti
        mov edi, ebp
        xor dx, dx              ; y
.row:   xor cx, cx              ; x
.px:    movzx eax, cl           ; red = x & F0h
        and al, 0xF0
        shl eax, 8
        mov al, dl              ; green = y & F0h
        and al, 0xF0
        shl eax, 8
        mov al, cl
        add al, dl              ; blue = (x + y) & 80h
        and al, 0x80
        mov [fs:edi], eax
        add edi, 4
        inc cx
        cmp cx, 320
        jb .px
        inc dx
        cmp dx, 200
        jb .row
        DRAWN_IDLE

align 8
gdt:    dq 0
        dq 0x00CF92000000FFFF   ; flat data, 4 GiB
gdtr:   dw 15
        dd gdt

times 510 - ($ - $$) db 0
dw 0xAA55
