; bench/guests/entry.asm -- the ROM around a benchmark workload.
;
; The same 64 KiB image boots in shadow86 (-bios), QEMU (-bios) and Bochs
; (romimage: file=X.rom with no address=, so that Bochs maps it to end at
; 4 GiB, where the reset vector is fetched, and mirrors it below 1 MiB;
; address=0xf0000 leaves the top of memory empty and the CPU runs 0xFF
; bytes).  From the reset vector it enables A20, loads a flat GDT,
; enters 32-bit protected mode, copies the workload (PROG, linked to run at
; 1 MiB) from the ROM to RAM and calls it.  The workload prints through
; port 0xE9 and ends through bench_exit() (rt.c).
;
; Assemble with -DPROG=path/to/workload.bin.

bits 16
org 0

PROG_BASE equ 0x100000          ; where the workload is linked to run
ROM_BASE  equ 0xF0000           ; the ROM as seen below 1 MiB

prog:
        incbin PROG
prog_end:

        times 0xE000 - ($ - $$) db 0xFF    ; workload limited to 56 KiB

start16:
        cli
        cld
        in al, 0x92                 ; fast A20
        or al, 2
        and al, 0xFE
        out 0x92, al
        xor ax, ax
        mov ds, ax
        mov ss, ax
        mov sp, 0x7000
        lgdt [cs:gdt_desc]
        mov eax, cr0
        or eax, 1
        mov cr0, eax
        jmp dword 0x08:(ROM_BASE + pm32)

bits 32
pm32:
        mov ax, 0x10
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov fs, ax
        mov gs, ax
        mov esp, 0x00800000         ; 8 MiB: stack below, workload data above 1 MiB
        mov esi, ROM_BASE + prog
        mov edi, PROG_BASE
        mov ecx, prog_end - prog
        rep movsb
        mov eax, PROG_BASE
        call eax                    ; the workload's _start (never returns)
.hang:  cli
        hlt
        jmp .hang

align 8
gdt:    dq 0
        dq 0x00CF9A000000FFFF       ; 0x08: flat 32-bit code
        dq 0x00CF92000000FFFF       ; 0x10: flat data
gdt_desc:
        dw gdt_desc - gdt - 1
        dd ROM_BASE + gdt

        times 0xFFF0 - ($ - $$) db 0xFF
bits 16
reset:  jmp 0xF000:start16
        times 0x10000 - ($ - $$) db 0xFF
