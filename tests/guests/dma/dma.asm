; dma -- both 8237A DMA controllers and the page registers from a real-mode
; ROM: address/count registers through the byte pointer on controller 1
; and 2, page registers 0x81-0x8F, mask registers (single, all, clear,
; master clear), and transfers driven by the floppy controller on channel 2
; (drive A: a 1.44 MiB image, see common/fdc16.inc): terminal count in the
; status (cleared on read) and the mask set after it, auto-initialize
; reloading address and count, address decrement, the 64 KiB wrap inside a
; page, verify transfers, the cascade channel 4 and the controller-disable
; bit holding controller 1 off the bus, software requests in the status.

%define GUEST_NAME "dma"
%include "rom16.inc"
%include "fdc16.inc"

; READ1 c, h, r -- READ DATA of one sector of drive A (MFM), 7 results in RES.
%macro READ1 3
        FDC 0x46, (%2 << 2), %1, %2, %3, 2, 18, 0x1B, 0xFF
        call wait_irq6
        mov cx, 7
        call fdc_results
%endmacro

; RD16 port -> AX: the two bytes of an address/count register.
%macro RD16 1
        in al, %1
        mov ah, al
        in al, %1
        xchg al, ah
%endmacro

main:
        xor ax, ax
        mov ds, ax
        call fdc_setup

        ; ---- registers
        out 0x0C, al
        mov al, 0x34
        out 0x02, al
        mov al, 0x12
        out 0x02, al
        mov al, 0x78
        out 0x03, al
        mov al, 0x56
        out 0x03, al
        out 0x0C, al
        RD16 0x02
        CHECK ax, 0x1234, "controller 1: channel 1 address through the byte pointer"
        RD16 0x03
        CHECK ax, 0x5678, "controller 1: channel 1 count"
        out 0xD8, al
        mov al, 0xCD
        out 0xC4, al
        mov al, 0xAB
        out 0xC4, al
        mov al, 0x21
        out 0xC6, al
        mov al, 0x43
        out 0xC6, al
        out 0xD8, al
        RD16 0xC4
        CHECK ax, 0xABCD, "controller 2: channel 5 address"
        RD16 0xC6
        CHECK ax, 0x4321, "controller 2: channel 5 count"
        mov dx, 0x81
        mov bl, 0x11
.pw:    mov al, bl
        out dx, al
        add bl, 0x11
        inc dx
        cmp dx, 0x90
        jne .pw
        mov dx, 0x81
        mov bl, 0x11
.pr:    in al, dx
        CHECK al, bl, "page registers 0x81-0x8F read back"
        add bl, 0x11
        inc dx
        cmp dx, 0x90
        jne .pr
        PASS "address, count and page registers of both controllers"

        mov al, 0x05
        out 0x0F, al
        in al, 0x0F
        and al, 0x0F
        CHECK al, 0x05, "write all mask bits"
        mov al, 0x05                    ; set channel 1's
        out 0x0A, al
        in al, 0x0F
        and al, 0x0F
        CHECK al, 0x07, "single mask bit set"
        mov al, 0x00                    ; clear channel 0's
        out 0x0A, al
        in al, 0x0F
        and al, 0x0F
        CHECK al, 0x06, "single mask bit cleared"
        out 0x0E, al
        in al, 0x0F
        and al, 0x0F
        CHECK al, 0x00, "clear all mask bits"
        mov al, 0x0A
        out 0xDE, al
        in al, 0xDE
        and al, 0x0F
        CHECK al, 0x0A, "controller 2: write all mask bits"
        out 0xDA, al                    ; master clear
        in al, 0xDE
        and al, 0x0F
        CHECK al, 0x0F, "controller 2: master clear masks every channel"
        mov al, 0xC0                    ; channel 4 back to cascade, unmasked
        out 0xD6, al
        mov al, 0x00
        out 0xD4, al
        PASS "mask registers"

        ; ---- transfers from the floppy controller
        call fdc_reset
        mov dx, 0x3F7
        mov al, 0
        out dx, al
        FDC 0x07, 0x00
        call wait_irq6
        FDC 0x08
        mov cx, 2
        call fdc_results

        ; TC without auto-init: status bit, mask set, registers past the end.
        mov al, 0x46
        mov bx, 0x0000
        mov cl, 1
        mov dx, 511
        call dma2
        READ1 0, 0, 3                   ; LBA 2
        CHECK byte [RES], 0x00, "read: normal end"
        in al, 0x08
        and al, 0x0F
        CHECK al, 0x04, "status: TC on channel 2"
        in al, 0x08
        and al, 0x0F
        CHECK al, 0x00, "status: TC bits clear when read"
        in al, 0x0F
        and al, 0x04
        CHECK al, 0x04, "no auto-init: the channel masks itself at TC"
        out 0x0C, al
        RD16 0x04
        CHECK ax, 0x0200, "no auto-init: address past the block"
        RD16 0x05
        CHECK ax, 0xFFFF, "no auto-init: count 0xFFFF after TC"
        mov ax, 0x1000
        mov es, ax
        mov ax, [es:0]
        CHECK ax, 2, "the sector reached page 1"

        ; Auto-initialize: base registers reloaded, channel stays unmasked.
        mov al, 0x56
        mov bx, 0x0400
        mov cl, 1
        mov dx, 511
        call dma2
        READ1 0, 0, 4                   ; LBA 3
        in al, 0x08
        and al, 0x04
        CHECK al, 0x04, "auto-init: TC in the status"
        in al, 0x0F
        and al, 0x04
        CHECK al, 0x00, "auto-init: the channel stays unmasked"
        out 0x0C, al
        RD16 0x04
        CHECK ax, 0x0400, "auto-init: address reloaded"
        RD16 0x05
        CHECK ax, 511, "auto-init: count reloaded"
        mov ax, [es:0x400]
        CHECK ax, 3, "auto-init: the data"
        READ1 0, 0, 5                   ; LBA 4, into the same block again
        mov ax, [es:0x400]
        CHECK ax, 4, "auto-init: a second transfer with no reprogramming"

        ; Decrement: byte 0 of the sector at the highest address.
        mov al, 0x66
        mov bx, 0x21FF
        mov cl, 1
        mov dx, 511
        call dma2
        READ1 0, 0, 6                   ; LBA 5
        mov al, [es:0x21FF]
        CHECK al, 5, "decrement: byte 0 at the start address"
        mov al, [es:0x2000]
        CHECK al, (5 * 7 + 511) & 0xFF, "decrement: byte 511 at start - 511"

        ; The address wraps inside its page: the page register never carries.
        mov ax, 0x3000
        mov es, ax
        mov byte [es:0], 0xEE
        mov ax, 0x2000
        mov es, ax
        mov byte [es:0], 0xEE
        mov al, 0x46
        mov bx, 0xFF00
        mov cl, 2
        mov dx, 511
        call dma2
        READ1 0, 0, 7                   ; LBA 6
        mov ax, [es:0xFF00]
        CHECK ax, 6, "wrap: the first 256 bytes at page:FF00"
        mov al, [es:0]
        CHECK al, (6 * 7 + 256) & 0xFF, "wrap: byte 256 at page:0000"
        mov ax, 0x3000
        mov es, ax
        mov al, [es:0]
        CHECK al, 0xEE, "wrap: nothing at the next page"

        ; Verify: counted to TC, memory untouched.
        mov ax, 0x1000
        mov es, ax
        mov word [es:0x3000], 0xBEEF
        mov al, 0x42
        mov bx, 0x3000
        mov cl, 1
        mov dx, 511
        call dma2
        READ1 0, 0, 8
        CHECK byte [RES], 0x00, "verify: the device saw a normal transfer"
        in al, 0x08
        and al, 0x04
        CHECK al, 0x04, "verify: TC"
        mov ax, [es:0x3000]
        CHECK ax, 0xBEEF, "verify: memory untouched"
        PASS "transfers: TC, auto-init, decrement, page wrap, verify"

        ; Controller 1 needs channel 4 and both controllers enabled.
        mov al, 0x04                    ; mask channel 4
        out 0xD4, al
        mov al, 0x46
        mov bx, 0
        mov cl, 1
        mov dx, 511
        call dma2
        READ1 0, 0, 9
        CHECK byte [RES+1], 0x10, "channel 4 masked: controller 1 gets no bus (overrun)"
        mov al, 0x00
        out 0xD4, al
        mov al, 0x04                    ; controller 1 disabled
        out 0x08, al
        READ1 0, 0, 9
        CHECK byte [RES+1], 0x10, "controller disabled: overrun"
        mov al, 0x00
        out 0x08, al
        READ1 0, 0, 9
        CHECK byte [RES+1], 0x00, "enabled again: the transfer runs"
        mov al, 0x06                    ; software request on channel 2
        out 0x09, al
        in al, 0x08
        and al, 0xF0
        CHECK al, 0x40, "status: a software request shows in bits 4-7"
        mov al, 0x02
        out 0x09, al
        in al, 0x08
        and al, 0xF0
        CHECK al, 0x00, "status: the request withdrawn"
        PASS "cascade, controller enable, requests"

        PASS_EXIT

        ROM_END
