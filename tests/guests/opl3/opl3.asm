; opl3 -- the Sound Blaster 16's OPL3 the way DOS games find and play it:
; the AdLib detection at 0x388 (timers reset, status 0, timer 1 started
; with 0xFF, status & 0xE0 = 0xC0 after 80 us, and bits 1-2 clear: an
; OPL3, not an OPL2), the same at the SB16's 0x220, then two notes that
; run_wav.sh records (-audio wav:) and wavcheck.py measures:
;
;  1. channel 0 through 0x388/0x389 (bank 0), OPL2 mode, F-number 580
;     block 4 (580 * 49716 / 2^16 = 439.99 Hz), a plain sine on both
;     outputs;
;  2. with NEW set (0x105 through 0x38A/0x38B), channel 9 (bank 1)
;     through the SB16's 0x222/0x223, F-number 689 block 5 (1045.3 Hz),
;     on CHB only: the right output.
;
; Each note line: "NOTE fnum block ms outputs" (L, R or LR). The SB16
; mixer's master and FM levels are set to 0 dB first.

%define GUEST_NAME "opl3"
%include "rom16.inc"
%include "pc16.inc"

REFRESH_NS      equ 15085

; WAIT_US us -- busy-wait at least `us` microseconds of machine time.
%macro WAIT_US 1
        mov ecx, (%1 * 1000) / REFRESH_NS + 1
        call wait_toggles
%endmacro

; OPLW address port, register, value -- as games do: the register index,
; 6 status reads, the value, 35 status reads.
%macro OPLW 3
        mov dx, %1
        mov al, %2
        out dx, al
        mov cx, 6
        call opl_delay
        inc dx
        mov al, %3
        out dx, al
        dec dx
        mov cx, 35
        call opl_delay
%endmacro

; DETECT base, "where"
%macro DETECT 2
        OPLW %1, 4, 0x60        ; mask both timers
        OPLW %1, 4, 0x80        ; reset the flags
        mov dx, %1
        in al, dx
        and al, 0xE0
        CHECK al, 0, {%2, ": status 0 after the reset"}
        OPLW %1, 2, 0xFF        ; timer 1: one count
        OPLW %1, 4, 0x21        ; start timer 1, timer 2 masked
        WAIT_US 100
        mov dx, %1
        in al, dx
        mov bl, al
        and al, 0xE0
        CHECK al, 0xC0, {%2, ": timer 1 overflowed"}
        and bl, 0x06
        CHECK bl, 0, {%2, ": status bits 1-2 clear (OPL3)"}
        OPLW %1, 4, 0x60
        OPLW %1, 4, 0x80
        mov dx, %1
        in al, dx
        CHECK al, 0, {%2, ": flags reset"}
%endmacro

main:
        xor ax, ax
        mov ds, ax

        DETECT 0x388, "AdLib ports"
        PASS "AdLib detection at 0x388"
        DETECT 0x220, "SB16 ports"
        PASS "detection at 0x220"

        MIXW 0x30, 0xF8         ; master 0 dB
        MIXW 0x31, 0xF8
        MIXW 0x34, 0xF8         ; FM 0 dB
        MIXW 0x35, 0xF8

        ; ---- note 1: channel 0, OPL2 mode
        OPLW 0x388, 0x20, 0x01  ; modulator: mult 1
        OPLW 0x388, 0x40, 0x3F  ; ... -47 dB
        OPLW 0x388, 0x60, 0x00  ; ... attack rate 0: stays silent
        OPLW 0x388, 0x23, 0x21  ; carrier: sustained, mult 1
        OPLW 0x388, 0x43, 0x00  ; ... 0 dB
        OPLW 0x388, 0x63, 0xF0  ; ... attack 15, decay 0
        OPLW 0x388, 0x83, 0x0F  ; ... sustain 0 dB, release 15
        OPLW 0x388, 0xC0, 0x00  ; FM, no feedback
        OPLW 0x388, 0xA0, 580 & 0xFF
        PRINT {"NOTE 580 4 200 LR", 10}
        OPLW 0x388, 0xB0, 0x20 | (4 << 2) | (580 >> 8)
        WAIT_US 200000
        OPLW 0x388, 0xB0, (4 << 2) | (580 >> 8)
        WAIT_US 30000
        PASS "note on channel 0"

        ; ---- note 2: OPL3 mode, channel 9 (bank 1) through 0x222
        OPLW 0x38A, 0x05, 0x01  ; NEW
        OPLW 0x222, 0x20, 0x01
        OPLW 0x222, 0x40, 0x3F
        OPLW 0x222, 0x60, 0x00
        OPLW 0x222, 0x23, 0x21
        OPLW 0x222, 0x43, 0x00
        OPLW 0x222, 0x63, 0xF0
        OPLW 0x222, 0x83, 0x0F
        OPLW 0x222, 0xC0, 0x20  ; CHB: right only
        OPLW 0x222, 0xA0, 689 & 0xFF
        PRINT {"NOTE 689 5 150 R", 10}
        OPLW 0x222, 0xB0, 0x20 | (5 << 2) | (689 >> 8)
        WAIT_US 150000
        OPLW 0x222, 0xB0, (5 << 2) | (689 >> 8)
        WAIT_US 30000
        PASS "note on channel 9 through 0x222"
        PASS_EXIT

; CX status reads at DX's even port.
opl_delay:
        push dx
        and dx, 0xFFFE
.loop:  in al, dx
        loop .loop
        pop dx
        ret

        WAIT_TOGGLES_ROUTINE

        ROM_END
