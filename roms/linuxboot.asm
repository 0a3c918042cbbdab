; linuxboot.asm -- the -kernel option ROM (`-kernel-boot firmware`).
;
; With `-kernel FILE -kernel-boot firmware` the machine does not start the
; kernel itself: it runs SeaBIOS, and hands the kernel over through fw_cfg
; (devices/fw_cfg.h) as QEMU does, in QEMU's numbered items:
;   SETUP_ADDR/SIZE/DATA    the image's boot sector and real-mode setup
;                           (setup_sects + 1 sectors), vid_mode already set
;                           from `vga=` (the kernel reads it before it parses
;                           its command line, so the loader must)
;   KERNEL_ADDR/SIZE/DATA   the protected-mode part, for 1 MiB
;   CMDLINE_ADDR/SIZE/DATA  the command line with its NUL
;   INITRD_SIZE/DATA        the initrd (no address: this ROM chooses it)
; and this ROM as the fw_cfg file "genroms/linuxboot.bin", with a
; "bootorder" file naming it first. SeaBIOS copies the ROM into the option
; ROM area, calls its initialisation entry, and registers the PnP header's
; Bootstrap Entry Vector as a boot device; when it boots it, the code below
; does what a boot loader does for the 16-bit boot protocol
; (Documentation/arch/x86/boot.rst): load the pieces, fill the setup header,
; and jump to the real-mode setup, so the kernel's setup code runs on real
; BIOS services (E820, INT 10h video modes: `vga=` works).
;
; The copies go by fw_cfg DMA straight to their physical addresses (1 MiB
; and up need no protected-mode excursion or INT 15h block moves, and a
; 20 MiB kernel + initrd is one transfer each instead of a port read per
; byte).
;
; Assembled with `nasm -f bin`; scripts/mkrom.py then pads it to 512-byte
; blocks, sets the size byte and the two checksums (PnP header, whole ROM).

        cpu 486                 ; BSWAP for the big-endian DMA descriptor; a
                                ; Linux i386 kernel needs a 486 anyway
        bits 16
        org 0

FW_CFG_PORT_SEL         equ 0x510
FW_CFG_PORT_DATA        equ 0x511
FW_CFG_PORT_DMA_HIGH    equ 0x514
FW_CFG_PORT_DMA_LOW     equ 0x518

FW_CFG_SIGNATURE        equ 0x00
FW_CFG_ID               equ 0x01
FW_CFG_KERNEL_ADDR      equ 0x07
FW_CFG_KERNEL_SIZE      equ 0x08
FW_CFG_INITRD_SIZE      equ 0x0B
FW_CFG_KERNEL_DATA      equ 0x11
FW_CFG_INITRD_DATA      equ 0x12
FW_CFG_CMDLINE_ADDR     equ 0x13
FW_CFG_CMDLINE_SIZE     equ 0x14
FW_CFG_CMDLINE_DATA     equ 0x15
FW_CFG_SETUP_ADDR       equ 0x16
FW_CFG_SETUP_SIZE       equ 0x17
FW_CFG_SETUP_DATA       equ 0x18

FW_CFG_ID_DMA           equ 0x02
DMA_CTL_ERROR           equ 0x01
DMA_CTL_READ            equ 0x02
DMA_CTL_SELECT          equ 0x08

; The setup header, at the same offsets in the boot sector (boot.rst).
HDR_MAGIC               equ 0x202       ; "HdrS"
HDR_VERSION             equ 0x206
HDR_TYPE_OF_LOADER      equ 0x210
HDR_LOADFLAGS           equ 0x211
HDR_RAMDISK_IMAGE       equ 0x218
HDR_RAMDISK_SIZE        equ 0x21C
HDR_HEAP_END_PTR        equ 0x224
HDR_CMD_LINE_PTR        equ 0x228
HDR_INITRD_ADDR_MAX     equ 0x22C
HDR_INIT_SIZE           equ 0x260

LOADER_UNDEFINED        equ 0xFF        ; boot.rst: "0xFF undefined"
CAN_USE_HEAP            equ 0x80
; The setup segment holds setup, its heap and its stack: all 64 KiB of it
; (the stack at its top, SP = 0). heap_end_ptr is "end of heap minus 0x200".
HEAP_END                equ 0x10000 - 0x200

E820_SMAP               equ 0x534D4150  ; "SMAP"
E820_RAM                equ 1

; Locals, on the stack SeaBIOS boots us with (addressed from BP, so SS).
V_SETUP_ADDR            equ 0
V_SETUP_SIZE            equ 4
V_KERNEL_ADDR           equ 8
V_KERNEL_SIZE           equ 12
V_CMDLINE_ADDR          equ 16
V_CMDLINE_SIZE          equ 20
V_INITRD_SIZE           equ 24
V_TOP                   equ 28
V_E820                  equ 32          ; one 20-byte E820 entry
FRAME                   equ 52

; --- option ROM header -------------------------------------------------
        db 0x55, 0xAA
        db 0                    ; size in 512-byte blocks: mkrom.py
        retf                    ; offset 3, the POST initialisation entry:
                                ; nothing to set up before boot time
        times 0x18 - ($ - $$) db 0
        dw 0                    ; no PCI data structure: not a card's ROM
        dw pnp_header           ; the PnP expansion header, for the BEV

        align 16
pnp_header:                     ; BIOS Boot Specification 1.01, appendix A
        db '$PnP'
        db 1                    ; structure revision
        db 2                    ; length, 16-byte units
        dw 0                    ; no next header
        db 0                    ; reserved
        db 0                    ; checksum of these 32 bytes: mkrom.py
        dd 0                    ; device identifier
        dw manufacturer
        dw product              ; SeaBIOS shows it in its boot menu
        db 0, 0, 0              ; device type code
        db 0                    ; device indicators
        dw 0                    ; boot connection vector: not a disk
        dw 0                    ; disconnect vector
        dw boot                 ; bootstrap entry vector
        dw 0                    ; reserved
        dw 0                    ; static resource information vector

manufacturer:   db 'shadow86', 0
product:        db 'Linux kernel (-kernel)', 0

; --- the bootstrap entry ----------------------------------------------
boot:
        cld
        push cs
        pop ds                  ; DS: this ROM, for the messages
        sub sp, FRAME
        mov bp, sp

        mov ax, FW_CFG_SIGNATURE
        call cfg_read32
        mov si, msg_no_fw_cfg
        cmp eax, 'QEMU'
        jne fail
        mov ax, FW_CFG_ID
        call cfg_read32
        mov si, msg_no_dma
        test al, FW_CFG_ID_DMA
        jz fail

        ; What the machine published.
        mov ax, FW_CFG_SETUP_ADDR
        call cfg_read32
        mov [bp + V_SETUP_ADDR], eax
        mov ax, FW_CFG_SETUP_SIZE
        call cfg_read32
        mov [bp + V_SETUP_SIZE], eax
        mov ax, FW_CFG_KERNEL_ADDR
        call cfg_read32
        mov [bp + V_KERNEL_ADDR], eax
        mov ax, FW_CFG_KERNEL_SIZE
        call cfg_read32
        mov [bp + V_KERNEL_SIZE], eax
        mov ax, FW_CFG_CMDLINE_ADDR
        call cfg_read32
        mov [bp + V_CMDLINE_ADDR], eax
        mov ax, FW_CFG_CMDLINE_SIZE
        call cfg_read32
        mov [bp + V_CMDLINE_SIZE], eax
        mov ax, FW_CFG_INITRD_SIZE
        call cfg_read32
        mov [bp + V_INITRD_SIZE], eax

        ; The setup must be a real-mode segment's start below 640 KiB, and
        ; fit one segment (its stack shares it).
        mov eax, [bp + V_SETUP_ADDR]
        mov si, msg_bad_setup
        test eax, 0xF
        jnz fail
        cmp eax, 0xA0000 - 0x10000
        ja fail
        cmp dword [bp + V_SETUP_SIZE], 0x8000
        ja fail
        cmp dword [bp + V_SETUP_SIZE], HDR_INIT_SIZE + 4
        jb fail

        ; Setup, kernel and command line to where the machine said.
        mov ax, FW_CFG_SETUP_DATA
        mov edi, [bp + V_SETUP_ADDR]
        mov ecx, [bp + V_SETUP_SIZE]
        call dma_read
        mov ax, FW_CFG_KERNEL_DATA
        mov edi, [bp + V_KERNEL_ADDR]
        mov ecx, [bp + V_KERNEL_SIZE]
        call dma_read
        mov ax, FW_CFG_CMDLINE_DATA
        mov edi, [bp + V_CMDLINE_ADDR]
        mov ecx, [bp + V_CMDLINE_SIZE]
        call dma_read

        mov eax, [bp + V_SETUP_ADDR]
        shr eax, 4
        mov es, ax              ; ES: the setup header from here on
        mov si, msg_bad_setup
        cmp dword [es:HDR_MAGIC], 'HdrS'
        jne fail

        ; The initrd: as high as the BIOS's memory map and the kernel's
        ; initrd_addr_max allow, page aligned, above the area the kernel
        ; decompresses into (1 MiB + max(kernel, init_size)).
        mov ecx, [bp + V_INITRD_SIZE]
        test ecx, ecx
        jz .no_initrd
        call ram_top            ; EAX: end of the RAM range holding 1 MiB
        mov si, msg_no_e820
        test eax, eax
        jz fail
        mov edx, 0x37FFFFFF     ; before 2.03 there is no initrd_addr_max
        cmp word [es:HDR_VERSION], 0x0203
        jb .have_max
        mov edx, [es:HDR_INITRD_ADDR_MAX]
.have_max:
        dec eax                 ; top = min(RAM end - 1, initrd_addr_max) + 1
        cmp eax, edx
        jbe .have_top
        mov eax, edx
.have_top:
        inc eax
        mov si, msg_initrd_fit
        sub eax, ecx
        jb fail
        and eax, ~0xFFF
        mov ebx, [bp + V_KERNEL_SIZE]
        cmp word [es:HDR_VERSION], 0x020A
        jb .have_need
        cmp ebx, [es:HDR_INIT_SIZE]
        jae .have_need
        mov ebx, [es:HDR_INIT_SIZE]
.have_need:
        add ebx, [bp + V_KERNEL_ADDR]
        cmp eax, ebx
        jb fail
        mov edi, eax
        mov [es:HDR_RAMDISK_IMAGE], edi
        mov [es:HDR_RAMDISK_SIZE], ecx
        mov ax, FW_CFG_INITRD_DATA
        call dma_read
.no_initrd:

        ; The loader's part of the setup header.
        mov byte [es:HDR_TYPE_OF_LOADER], LOADER_UNDEFINED
        or byte [es:HDR_LOADFLAGS], CAN_USE_HEAP
        mov word [es:HDR_HEAP_END_PTR], HEAP_END
        mov eax, [bp + V_CMDLINE_ADDR]
        mov [es:HDR_CMD_LINE_PTR], eax

        ; Enter the real-mode setup at offset 0x200 of its segment, with
        ; every data segment and the stack in that segment (boot.rst,
        ; "Running the kernel"), interrupts off.
        cli
        mov ax, es
        mov ds, ax
        mov fs, ax
        mov gs, ax
        mov ss, ax
        xor sp, sp
        add ax, 0x20
        push ax
        push word 0
        retf

; cfg_read32: the first four bytes of item AX, little-endian, in EAX
; (port interface: a handful of bytes do not need a DMA descriptor).
cfg_read32:
        push cx
        push dx
        mov dx, FW_CFG_PORT_SEL
        out dx, ax
        mov dx, FW_CFG_PORT_DATA
        mov cx, 4
.byte:  in al, dx
        ror eax, 8              ; after four turns the first byte is lowest
        loop .byte
        pop dx
        pop cx
        ret

; dma_read: item AX, ECX bytes, to physical address EDI by fw_cfg DMA.
; The descriptor lives on the stack (the ROM area may be read-only), and
; is big-endian. The device finishes before the OUT returns, then clears
; the control word or leaves the error bit; an error ends the boot.
dma_read:
        push eax
        push edx
        push bp
        sub sp, 16
        mov bp, sp
        movzx eax, ax
        shl eax, 16             ; the selector in bits 31-16
        or al, DMA_CTL_SELECT | DMA_CTL_READ
        bswap eax
        mov [bp + 0], eax       ; control
        mov eax, ecx
        bswap eax
        mov [bp + 4], eax       ; length
        mov dword [bp + 8], 0   ; address, high half
        mov eax, edi
        bswap eax
        mov [bp + 12], eax      ; address, low half
        xor eax, eax
        mov dx, FW_CFG_PORT_DMA_HIGH
        out dx, eax             ; the descriptor is below 4 GiB
        mov ax, ss
        shl eax, 4
        movzx edx, bp
        add eax, edx            ; the descriptor's physical address
        bswap eax
        mov dx, FW_CFG_PORT_DMA_LOW
        out dx, eax             ; starts the transfer
.wait:  mov eax, [bp + 0]
        bswap eax
        test eax, ~DMA_CTL_ERROR
        jnz .wait
        test al, DMA_CTL_ERROR
        lea sp, [bp + 16]
        pop bp
        pop edx
        pop eax
        jnz .error
        ret
.error: mov si, msg_dma_error
        jmp fail

; ram_top: EAX = end of the E820 RAM range that contains 1 MiB (capped
; below 4 GiB), or 0 if the BIOS reports none. Uses V_E820 and V_TOP.
ram_top:
        push es
        push ebx
        push ecx
        push edx
        push edi
        push ss
        pop es
        lea di, [bp + V_E820]
        mov dword [bp + V_TOP], 0
        xor ebx, ebx
.next:  mov eax, 0xE820
        mov edx, E820_SMAP
        mov ecx, 20
        int 0x15
        jc .done
        cmp eax, E820_SMAP
        jne .done
        cmp dword [bp + V_E820 + 16], E820_RAM
        jne .skip
        cmp dword [bp + V_E820 + 4], 0          ; base above 4 GiB
        jne .skip
        mov eax, [bp + V_E820]
        cmp eax, 0x100000
        ja .skip
        cmp dword [bp + V_E820 + 12], 0         ; length of 4 GiB or more
        jne .cap
        add eax, [bp + V_E820 + 8]
        jc .cap
        cmp eax, 0x100000
        jbe .skip
        mov [bp + V_TOP], eax
        jmp .skip
.cap:   mov dword [bp + V_TOP], 0xFFFFF000
.skip:  test ebx, ebx
        jnz .next
.done:  mov eax, [bp + V_TOP]
        pop edi
        pop edx
        pop ecx
        pop ebx
        pop es
        ret

; fail: print the message at CS:SI on the screen (INT 10h teletype) and
; give the boot back to the BIOS (INT 18h: SeaBIOS tries the next device
; or reports that nothing booted).
fail:
        push cs
        pop ds
        push si
        mov si, msg_prefix
        call print
        pop si
        call print
        mov si, msg_crlf
        call print
        int 0x18

print:
        lodsb
        test al, al
        jz .done
        mov ah, 0x0E
        mov bx, 0x0007
        int 0x10
        jmp print
.done:  ret

msg_prefix:     db 'linuxboot: ', 0
msg_crlf:       db 13, 10, 0
msg_no_fw_cfg:  db 'no fw_cfg device', 0
msg_no_dma:     db 'fw_cfg has no DMA interface', 0
msg_bad_setup:  db 'bad kernel setup item', 0
msg_no_e820:    db 'no E820 RAM range above 1 MiB', 0
msg_initrd_fit: db 'the initrd does not fit below initrd_addr_max', 0
msg_dma_error:  db 'fw_cfg DMA transfer failed', 0
