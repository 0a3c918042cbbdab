; trace_rom -- a tiny real-mode ROM whose trace is checked in (golden files
; beside this one). It exercises each trace category the CPU reports now:
; memory reads and writes, flag changes, a software interrupt, an
; exception (#UD), port output, and sensitive-unprivileged instructions
; (SMSW, PUSHF/POPF, SGDT) for the callout trace and the Popek-Goldberg
; report. It sets up only what it uses (no rom16.inc scaffolding) so the
; golden traces stay short. Exit: writes 0 to port 0xF4 (status 1).
;
; Symbols for the System.map test are in trace_rom.map (linear addresses:
; the ROM runs at F000:xxxx = 0xF0000 + offset after the first jump).

bits 16
cpu 686
org 0

start:
        cli
        xor ax, ax
        mov ds, ax
        mov ss, ax
        mov sp, 0x7000
        mov word [0x30*4], soft_handler     ; IVT entry of INT 30h
        mov word [0x30*4+2], 0xF000
        mov word [6*4], ud_handler          ; IVT entry of #UD
        mov word [6*4+2], 0xF000
        mov word [0x600], 0x1234
        mov ax, [0x600]
        add ax, 0xEDCC                      ; 0x1234 + 0xEDCC = 0x10000: CF, ZF
        int 0x30
        ud2                                 ; #UD; the handler skips it
        smsw bx
        pushf
        popf
        sgdt [0x610]
        mov al, 'K'
        out 0xE9, al
        mov al, 0
        out 0xF4, al
        hlt

soft_handler:
        mov cx, 0x55
        iret

ud_handler:
        mov bp, sp
        add word [bp], 2                    ; return past the 2-byte UD2
        iret

        times 0xFFF0-($-$$) db 0
reset:
        jmp 0xF000:start
        times 0x10000-($-$$) db 0
