; pc_platform -- the PC board's devices seen from a real-mode guest:
; PIC + PIT interrupts while idling in HLT (virtual time skips ahead),
; RTC date/time (run with -rtc base=2001-02-03T04:05:06) and its
; update-ended interrupt on IRQ 8 through the slave PIC, PIT latch and
; channel 2 through port 0x61, UART loopback, A20 through port 0x92 and
; the keyboard controller's self test, echo and translated identify.
; Run with the virtual clock (the default): every count below is exact.

%define GUEST_NAME "pc_platform"
%include "rom16.inc"
%include "pc16.inc"

TICKS   equ SCRATCH         ; word: IRQ 0 count
RTCIRQ  equ SCRATCH+2       ; word: IRQ 8 count
RTCC    equ SCRATCH+4       ; byte: register C seen by the IRQ 8 handler
TSC0    equ SCRATCH+8       ; dword: TSC before the HLT loop

main:
        xor ax, ax
        mov ds, ax
        mov word [TICKS], 0
        mov word [RTCIRQ], 0
        SETVEC 0x08, irq0
        SETVEC 0x70, irq8

        PIC_INIT
        mov al, 0xFA            ; IRQ 0 and the cascade
        out 0x21, al
        mov al, 0xFE            ; IRQ 8
        out 0xA1, al
        in al, 0x21
        CHECK al, 0xFA, "PIC IMR reads back"

        ; PIT channel 0, mode 2, 1193 -> 1000.15 Hz.
        mov al, 0x34
        out 0x43, al
        mov ax, 1193
        out 0x40, al
        mov al, ah
        out 0x40, al
        rdtsc
        mov [TSC0], eax
        sti
.idle:  hlt
        cmp word [TICKS], 100
        jb .idle
        cli
        mov ax, [TICKS]
        CHECK ax, 100, "one IRQ 0 per HLT wake-up"
        ; The TSC counts virtual time (100 MHz), also the time HLT skips:
        ; the 100 IRQs span at least 99 PIT periods (99 ms, 9.9 M ticks; checked
        ; against 9.5 M), while the loop
        ; itself retires only a few thousand instructions.
        rdtsc
        sub eax, [TSC0]
        cmp eax, 9500000
        setae al
        CHECK al, 1, "TSC advances through HLT (99 PIT periods, 9.9 M ticks)"
        PASS "PIT IRQ 0 through the PIC while halted"

        ; RTC: BCD, 24 h, the date given with -rtc base=.
        mov al, 0x0B
        call cmos_read
        CHECK al, 0x02, "RTC register B at power-on"
        mov al, 0x09
        call cmos_read
        CHECK al, 0x01, "RTC year"
        mov al, 0x32
        call cmos_read
        CHECK al, 0x20, "RTC century"
        mov al, 0x08
        call cmos_read
        CHECK al, 0x02, "RTC month"
        mov al, 0x07
        call cmos_read
        CHECK al, 0x03, "RTC day"
        mov al, 0x06
        call cmos_read
        CHECK al, 0x07, "RTC weekday (Saturday)"
        mov al, 0x04
        call cmos_read
        CHECK al, 0x04, "RTC hours"
        mov al, 0x02
        call cmos_read
        CHECK al, 0x05, "RTC minutes"
        mov al, 0x00
        call cmos_read
        CHECK al, 0x06, "RTC seconds"
        ; CMOS memory sizes for 128 MiB: 640 KiB base, 65535 KiB extended.
        mov al, 0x15
        call cmos_read
        CHECK al, 0x80, "CMOS base memory low"
        mov al, 0x16
        call cmos_read
        CHECK al, 0x02, "CMOS base memory high"
        mov al, 0x34
        call cmos_read
        CHECK al, 0x00, "CMOS memory above 16 MiB low"
        mov al, 0x35
        call cmos_read
        CHECK al, 0x07, "CMOS memory above 16 MiB high (112 MiB / 64 KiB)"
        PASS "RTC date and CMOS memory sizes"

        ; Update-ended interrupt: second 06 -> 07 while PIT ticks go on.
        mov al, 0x0C
        call cmos_read          ; clear flags
        mov al, 0x0B
        mov ah, 0x12            ; UIE, 24 h, BCD
        call cmos_write
        sti
.wait8: hlt
        cmp word [RTCIRQ], 0
        je .wait8
        cli
        mov al, [RTCC]
        and al, 0x90
        CHECK al, 0x90, "RTC register C: IRQF and UF"
        mov al, 0x00
        call cmos_read
        CHECK al, 0x07, "RTC seconds after the update"
        mov ax, [TICKS]
        cmp ax, 900
        jb .badticks
        cmp ax, 1001
        jbe .okticks
.badticks:
        CHECK ax, 1000, "PIT ticks in the first second"
.okticks:
        mov al, 0x0B
        mov ah, 0x02
        call cmos_write
        PASS "RTC update-ended IRQ 8 through the slave PIC"

        ; PIT counter latch: the count moves down between two latches.
        mov al, 0xFF
        out 0x21, al
        mov al, 0x00
        out 0x43, al
        in al, 0x40
        mov bl, al
        in al, 0x40
        mov bh, al
        mov cx, 200
.spin:  loop .spin
        mov al, 0x00
        out 0x43, al
        in al, 0x40
        mov dl, al
        in al, 0x40
        mov dh, al
        cmp bx, dx
        jne .moved
        CHECK dx, 0, "PIT count did not move"
.moved:
        ; Channel 2, mode 0 with the gate from port 0x61: OUT low while
        ; counting, high at terminal count.
        mov al, 0x00
        out 0x61, al
        mov al, 0xB0
        out 0x43, al
        mov al, 100
        out 0x42, al
        mov al, 0
        out 0x42, al
        mov al, 0x01
        out 0x61, al
        in al, 0x61
        and al, 0x21
        CHECK al, 0x01, "port 0x61: gate set, channel 2 OUT low"
        mov cx, 10000
.out2:  in al, 0x61
        test al, 0x20
        jnz .out2hi
        loop .out2
.out2hi:
        and al, 0x20
        CHECK al, 0x20, "channel 2 OUT high at terminal count"
        PASS "PIT latch and channel 2 through port 0x61"

        ; UART loopback on COM1.
        mov dx, 0x3FC
        mov al, 0x10
        out dx, al
        mov dx, 0x3F8
        mov al, 'Z'
        out dx, al
        mov dx, 0x3FD
        in al, dx
        and al, 0x61
        CHECK al, 0x61, "COM1 LSR: data ready, transmitter empty"
        mov dx, 0x3F8
        in al, dx
        CHECK al, 'Z', "COM1 loopback byte"
        mov dx, 0x3FE
        in al, dx
        CHECK al, 0x0B, "COM1 MSR deltas on entering loopback"
        mov dx, 0x3FC
        mov al, 0
        out dx, al
        PASS "UART loopback"

        ; A20 through port 0x92 (the keyboard controller holds it on at
        ; power-on, so turn that off first with its output port).
        mov al, 0xD1
        out 0x64, al
        mov al, 0x01
        out 0x60, al
        mov al, 0x00
        out 0x92, al
        mov ax, 0xFFFF
        mov es, ax
        mov byte [0x0600], 0x11
        mov byte [es:0x0610], 0x22
        mov al, [0x0600]
        CHECK al, 0x22, "A20 off: FFFF:0610 wraps to 0:0600"
        mov al, 0x02
        out 0x92, al
        mov byte [es:0x0610], 0x33
        mov al, [0x0600]
        CHECK al, 0x22, "A20 on: FFFF:0610 is 1 MiB + 0x600"
        in al, 0x92
        CHECK al, 0x02, "port 0x92 reads back"
        PASS "A20 through port 0x92 and the keyboard controller"

        ; Keyboard controller self test, keyboard echo and identify (the
        ; second ID byte 83h comes out translated to set 1: 41h).
        mov al, 0xAA
        out 0x64, al
        call kbc_read
        CHECK al, 0x55, "i8042 self test"
        mov al, 0xEE
        out 0x60, al
        call kbc_read
        CHECK al, 0xEE, "keyboard echo"
        mov al, 0xF2
        out 0x60, al
        call kbc_read
        CHECK al, 0xFA, "identify: ACK"
        call kbc_read
        CHECK al, 0xAB, "identify: first byte"
        call kbc_read
        CHECK al, 0x41, "identify: second byte, translated"
        PASS "i8042 and PS/2 keyboard"

        PASS_EXIT

; AL = CMOS index -> AL = value (waits out an update in progress).
cmos_read:
        push bx
        mov bl, al
.uip:   mov al, 0x0A
        out 0x70, al
        in al, 0x71
        test al, 0x80
        jnz .uip
        mov al, bl
        out 0x70, al
        in al, 0x71
        pop bx
        ret

; AL = index, AH = value.
cmos_write:
        out 0x70, al
        mov al, ah
        out 0x71, al
        ret

; Wait for the output buffer, AL = byte.
kbc_read:
        push cx
        mov cx, 1000
.w:     in al, 0x64
        test al, 1
        jnz .r
        loop .w
.r:     in al, 0x60
        pop cx
        ret

irq0:
        push ax
        push ds
        xor ax, ax
        mov ds, ax
        inc word [TICKS]
        mov al, 0x20
        out 0x20, al
        pop ds
        pop ax
        iret

irq8:
        push ax
        push ds
        xor ax, ax
        mov ds, ax
        inc word [RTCIRQ]
        mov al, 0x0C
        out 0x70, al
        in al, 0x71
        mov [RTCC], al
        mov al, 0x20
        out 0xA0, al
        out 0x20, al
        pop ds
        pop ax
        iret

        ROM_END
