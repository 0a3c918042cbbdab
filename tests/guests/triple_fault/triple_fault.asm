; triple_fault -- shutdown and reset.
;
; First boot: enter protected mode with a flat GDT and an empty IDT (limit
; 0), then UD2: #UD cannot be delivered -> #GP -> #DF -> triple fault.
; With -no-reboot shadow86 must stop there (status 4).  Without it the
; machine resets: the CPU starts again at F000:FFF0 in real mode with RAM
; kept, as on a PC, so the ROM sees its boot record, checks it is back in
; real mode and exits through port 0xF4 with 0 (status 1).

%define GUEST_NAME "triple_fault"
%include "rom16.inc"

ROMBASE equ 0xF0000
BOOTREC equ 0x7E00                  ; above the stack, not cleared by rom_start
GDT     equ 0x0900
GDTR    equ 0x0940
IDTR    equ 0x0948

main:
        cmp dword [BOOTREC], 'BOOT'
        je second_boot
        mov dword [BOOTREC], 'BOOT'
        PRINT {"triple_fault: first boot: protected mode with an empty IDT, then UD2", 10}
        mov dword [GDT+0], 0
        mov dword [GDT+4], 0
        mov dword [GDT+8], 0x0000FFFF       ; 08h: code32 flat
        mov dword [GDT+12], 0x00CF9A00
        mov dword [GDT+16], 0x0000FFFF      ; 10h: data flat
        mov dword [GDT+20], 0x00CF9200
        mov word [GDTR], 23
        mov dword [GDTR+2], GDT
        mov word [IDTR], 0
        mov dword [IDTR+2], 0
        lgdt [GDTR]
        lidt [IDTR]
        mov eax, cr0
        or al, 1
        mov cr0, eax
        jmp dword 0x08:ROMBASE+pm32

        bits 32
pm32:   mov ax, 0x10
        mov ds, ax
        mov ss, ax
        mov esp, 0x90000
        ud2                                 ; -> shutdown
        mov al, 0x7E                        ; must never get here
        out 0xF4, al
        hlt
        bits 16

second_boot:
        mov dword [BOOTREC], 0
        mov eax, cr0
        test al, 1
        jz .real
        FAILNOW "CR0.PE still set after the reset"
.real:  mov ax, cs
        CHECK ax, ROMSEG, "CS after the reset vector's far jump"
        PRINT {"triple_fault: second boot: the machine reset, back in real mode", 10}
        PASS_EXIT

        ROM_END
