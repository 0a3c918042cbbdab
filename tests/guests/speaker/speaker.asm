; speaker -- the PC speaker as a tone generator: PIT channel 2 in mode 3
; (square wave) gated and switched onto the speaker through port 0x61
; bits 0-1, as BIOS beep routines do. Plays a known sequence of tones with
; silent gaps between them, timing each with the refresh toggle of port
; 0x61 bit 4 (15.085 us a half period, as a BIOS delay does), and prints
; one "TONE" line per tone: run_speaker.sh records the run twice with
; -audio wav:, requires identical files, and checks each tone's frequency
; from the samples' zero crossings against 1193182 / divisor.

%define GUEST_NAME "speaker"
%include "rom16.inc"
%include "pc16.inc"

REFRESH_NS      equ 15085

; WAIT_MS ms -- busy-wait `ms` milliseconds of machine time.
%macro WAIT_MS 1
        mov ecx, (%1 * 1000000) / REFRESH_NS
        call wait_toggles
%endmacro

; TONE divisor, ms -- play 1193182/divisor Hz for ms, then 20 ms silence.
%macro TONE 2
        PRINT {"TONE ", %str(%1), " ", %str(%2), 10}
        mov al, 0xB6            ; channel 2, LSB then MSB, mode 3, binary
        out 0x43, al
        mov al, (%1) & 0xFF
        out 0x42, al
        mov al, (%1) >> 8
        out 0x42, al
        in al, 0x61
        or al, 3                ; gate on, speaker on
        out 0x61, al
        WAIT_MS %2
        in al, 0x61
        and al, 0xFC
        out 0x61, al
        WAIT_MS 20
%endmacro

main:
        xor ax, ax
        mov ds, ax
        ; Channel 2's OUT is readable on bit 5 while it runs.
        mov al, 0xB6
        out 0x43, al
        mov al, 0
        out 0x42, al
        out 0x42, al            ; divisor 65536: 18.2 Hz, OUT high for 27 ms
        mov al, 1
        out 0x61, al            ; gate on, speaker off
        in al, 0x61
        and al, 0x23
        CHECK al, 0x21, "port 0x61: gate and OUT2 high after the gate rises"
        WAIT_MS 30
        in al, 0x61
        and al, 0x23
        CHECK al, 0x01, "port 0x61: OUT2 low in the second half period"
        xor al, al
        out 0x61, al
        PASS "channel 2 through port 0x61"

        WAIT_MS 20
        TONE 1193, 60           ; 1000.15 Hz
        TONE 2711, 60           ; 440.13 Hz
        TONE 597, 40            ; 1998.63 Hz
        TONE 4554, 80           ; 262.01 Hz (middle C)
        PASS "tone sequence played"
        PASS_EXIT

        WAIT_TOGGLES_ROUTINE

        ROM_END
