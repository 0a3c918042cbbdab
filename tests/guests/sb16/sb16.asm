; sb16 -- the Sound Blaster 16 at 0x220 from a real-mode ROM: DSP reset
; and version, identification and test register, speaker status, the
; mixer's IRQ/DMA registers and volumes, then two transfers recorded by
; run_wav.sh (-audio wav:) and compared with what this guest put in memory
; by wavcheck.py:
;
;  A. 16-bit signed stereo, auto-init (0xB6) at 44100 Hz on DMA 5 through
;     a 4 KiB buffer at 0x10000 played as two 512-frame halves: 8 blocks,
;     each half refilled after its IRQ (acknowledged on 0x22F), 0xD9 after
;     the 7th so the 8th is the last. Word n of the stream (n = 0..8191,
;     L and R alternating) is (n * 0x9E37 + 0x1234) mod 65536.
;  B. 8-bit unsigned mono, single-cycle (0xC0) at 22050 Hz on DMA 1 from
;     0x20000: 1000 bytes (i * 37 + 11) mod 256, one IRQ (0x22E).
;  C. the SB 2.0 way: time constant 0xD3 (22222 Hz), block size 500 (0x48),
;     0x1C auto-init from 0x30000 (1000 bytes ((i * 37 + 11) mod 256) | 1),
;     paused (0xD0) for 5 ms in the first block and continued (0xD4), 0xDA
;     after the first IRQ, so the second block is the last.
;
; Master and voice are set to 0 dB so the samples pass unscaled.

%define GUEST_NAME "sb16"
%include "rom16.inc"
%include "pc16.inc"

IRQCNT  equ SCRATCH             ; word: IRQ 5 count
IRQSTAT equ SCRATCH+2           ; byte: mixer 0x82 bits seen in the handler
BLOCKS  equ 8

%macro DSP 1-*
  %rep %0
        mov al, %1
        call dsp_out
    %rotate 1
  %endrep
%endmacro

; MIXR reg -> AL
%macro MIXR 1
        mov dx, 0x224
        mov al, %1
        out dx, al
        inc dx
        in al, dx
%endmacro

main:
        xor ax, ax
        mov ds, ax
        call pic_setup

        ; ---- DSP reset and identity
        mov dx, 0x226
        mov al, 1
        out dx, al
        xor al, al
        out dx, al
        call dsp_in
        CHECK al, 0xAA, "DSP reset answers 0xAA"
        DSP 0xE1
        call dsp_in
        CHECK al, 4, "DSP version major 4"
        call dsp_in
        CHECK al, 5, "DSP version minor 5"
        DSP 0xE0, 0x5A
        call dsp_in
        CHECK al, 0xA5, "0xE0 identification inverts the byte"
        DSP 0xE4, 0x3C, 0xE8
        call dsp_in
        CHECK al, 0x3C, "test register 0xE4/0xE8"
        DSP 0xD1, 0xD8
        call dsp_in
        CHECK al, 0xFF, "speaker on after 0xD1"
        DSP 0xD3, 0xD8
        call dsp_in
        CHECK al, 0x00, "speaker off after 0xD3"
        DSP 0xD1
        mov dx, 0x22E
        in al, dx
        and al, 0x80
        CHECK al, 0, "read buffer empty"
        PASS "DSP reset, version 4.05, 0xE0, test register, speaker"

        ; ---- mixer
        MIXR 0x80
        and al, 0x0F
        CHECK al, 0x02, "mixer 0x80: IRQ 5"
        MIXR 0x81
        CHECK al, 0x22, "mixer 0x81: DMA 1 and 5"
        MIXR 0x30
        CHECK al, 0xC0, "master left at reset"
        MIXW 0x22, 0xFF         ; SBPro master: both nibbles 15
        MIXR 0x31
        CHECK al, 0xF8, "SBPro master 0x22 sets the SB16 master"
        MIXW 0x32, 0xF8
        MIXW 0x33, 0xF8
        MIXR 0x04
        CHECK al, 0xFF, "SBPro voice 0x04 reads the SB16 voice"
        ; forced IRQ through the DSP, status in 0x82, acknowledged
        mov word [IRQCNT], 0
        mov byte [IRQSTAT], 0
        DSP 0xF2
        call wait_irq
        mov al, [IRQSTAT]
        CHECK al, 1, "0xF2 raises the 8-bit IRQ (mixer 0x82 bit 0)"
        MIXR 0x82
        and al, 3
        CHECK al, 0, "IRQ acknowledged through 0x22E"
        PASS "mixer: IRQ/DMA select, volumes, SBPro aliases, 0x82"

        ; ---- A: 16-bit stereo auto-init on DMA 5
        xor bx, bx
        call fill_block
        mov bx, 1
        call fill_block
        mov al, 0x05            ; mask channel 5
        out 0xD4, al
        out 0xD8, al            ; byte pointer
        mov al, 0x59            ; single, auto-init, read, channel 5
        out 0xD6, al
        mov al, 0x00            ; word address 0x8000 = byte 0x10000
        out 0xC4, al
        mov al, 0x80
        out 0xC4, al
        mov al, 0xFF            ; 2048 words
        out 0xC6, al
        mov al, 0x07
        out 0xC6, al
        mov al, 0
        out 0x8B, al
        mov al, 0x01            ; unmask channel 5
        out 0xD4, al
        mov word [IRQCNT], 0
        mov byte [IRQSTAT], 0
        DSP 0x41, 0xAC, 0x44    ; 44100 Hz
        DSP 0xB6, 0x30, 0xFF, 0x03   ; 16-bit out, auto-init, FIFO; signed stereo; 1024 samples
        xor si, si              ; blocks done
.blk:   call wait_irq
        mov al, [IRQSTAT]
        CHECK al, 2, "block end raises the 16-bit IRQ (mixer 0x82 bit 1)"
        mov byte [IRQSTAT], 0
        inc si
        cmp si, BLOCKS - 1
        jne .noexit
        DSP 0xD9                ; exit auto-init after the block playing
.noexit:
        mov bx, si
        inc bx                  ; the half just played takes block si + 1
        cmp bx, BLOCKS
        jae .nofill
        call fill_block
.nofill:
        cmp si, BLOCKS
        jb .blk
        ; Four passes over the buffer: the auto-init channel is back at its start.
        out 0xD8, al
        in al, 0xC6
        mov ah, al
        in al, 0xC6
        xchg al, ah
        CHECK ax, 0x07FF, "DMA 5 count reloaded after 4 passes"
        ; No ninth block: nothing more comes.
        mov word [IRQCNT], 0
        mov ecx, 1500000        ; 3 M instructions: 30 ms, more than a block
.quiet: dec ecx
        jnz .quiet
        CHECK word [IRQCNT], 0, "no IRQ after 0xD9 ended the transfer"
        PASS "16-bit stereo auto-init: 8 half-buffer IRQs, exit with 0xD9"

        ; ---- B: 8-bit mono single-cycle on DMA 1
        push es
        mov ax, 0x2000
        mov es, ax
        xor di, di
        mov al, 11
        mov cx, 1000
.f8:    stosb
        add al, 37
        loop .f8
        pop es
        mov al, 0x05            ; mask channel 1
        out 0x0A, al
        out 0x0C, al
        mov al, 0x49            ; single, read, channel 1
        out 0x0B, al
        xor al, al
        out 0x02, al
        out 0x02, al
        mov al, 0xE7            ; 1000 bytes
        out 0x03, al
        mov al, 0x03
        out 0x03, al
        mov al, 0x02
        out 0x83, al
        mov al, 0x01
        out 0x0A, al
        mov word [IRQCNT], 0
        mov byte [IRQSTAT], 0
        DSP 0x41, 0x56, 0x22    ; 22050 Hz
        DSP 0xC0, 0x00, 0xE7, 0x03   ; 8-bit out, single-cycle; unsigned mono; 1000 samples
        call wait_irq
        mov al, [IRQSTAT]
        CHECK al, 1, "8-bit block end raises the 8-bit IRQ"
        in al, 0x08
        and al, 0x02
        CHECK al, 0x02, "DMA 1 reached terminal count"
        PASS "8-bit mono single-cycle at 22050 Hz"

        ; ---- C: the SB 2.0 commands: time constant, 0x48, 0x1C auto-init,
        ; pause and continue in the first block, 0xDA ends after the second
        push es
        mov ax, 0x3000
        mov es, ax
        xor di, di
        mov al, 11
        mov cx, 1000
.fc:    mov ah, al
        or al, 1                ; odd: never 128, never silence
        stosb
        mov al, ah
        add al, 37
        loop .fc
        pop es
        mov al, 0x05
        out 0x0A, al
        out 0x0C, al
        mov al, 0x59            ; single, auto-init, read, channel 1
        out 0x0B, al
        xor al, al
        out 0x02, al
        out 0x02, al
        mov al, 0xE7            ; 1000 bytes
        out 0x03, al
        mov al, 0x03
        out 0x03, al
        mov al, 0x03
        out 0x83, al
        mov al, 0x01
        out 0x0A, al
        mov word [IRQCNT], 0
        mov byte [IRQSTAT], 0
        DSP 0x40, 0xD3          ; 256 - 45: 22222 Hz
        DSP 0x48, 0xF3, 0x01    ; blocks of 500 bytes
        DSP 0x1C
        mov ecx, 150000         ; about 3 ms into the first block
.c1:    dec ecx
        jnz .c1
        DSP 0xD0                ; pause
        mov ecx, 250000         ; 5 ms paused
.c2:    dec ecx
        jnz .c2
        CHECK word [IRQCNT], 0, "no block end while paused"
        DSP 0xD4                ; continue
        call wait_irq
        DSP 0xDA                ; exit auto-init after the second block
        call wait_irq
        mov al, [IRQSTAT]
        CHECK al, 1, "0x1C blocks raise the 8-bit IRQ"
        mov ecx, 1500000
.c3:    dec ecx
        jnz .c3
        CHECK word [IRQCNT], 0, "no IRQ after 0xDA ended the transfer"
        out 0x0C, al
        in al, 0x03
        mov ah, al
        in al, 0x03
        xchg al, ah
        CHECK ax, 0x03E7, "DMA 1 reloaded after the whole buffer"
        PASS "0x40, 0x48, 0x1C auto-init, pause/continue, exit with 0xDA"
        PASS_EXIT

; fill_block -- block BX of stream A into its half (BX & 1) of the buffer:
; words n = BX * 1024 .. + 1023, each (n * 0x9E37 + 0x1234) mod 65536.
fill_block:
        push es
        mov ax, 0x1000
        mov es, ax
        mov di, bx
        and di, 1
        shl di, 11              ; 2048 bytes a half
        mov ax, bx
        shl ax, 10
        mov dx, 0x9E37
        mul dx                  ; AX = n * 0x9E37 mod 65536
        add ax, 0x1234
        mov cx, 1024
.w:     stosw
        add ax, 0x9E37
        loop .w
        pop es
        ret

pic_setup:
        SETVEC 0x0D, irq5
        PIC_INIT
        mov al, 0xDF            ; only IRQ 5
        out 0x21, al
        mov al, 0xFF
        out 0xA1, al
        mov al, 0xC0            ; channel 4 cascade, unmasked (controller 1's path)
        out 0xD6, al
        mov al, 0x00
        out 0xD4, al
        ret

; IRQ 5: note mixer 0x82, acknowledge what it says, EOI.
irq5:   push ax
        push dx
        push ds
        xor ax, ax
        mov ds, ax
        mov dx, 0x224
        mov al, 0x82
        out dx, al
        inc dx
        in al, dx
        and al, 3
        or [IRQSTAT], al
        test al, 1
        jz .n8
        mov dx, 0x22E
        in al, dx
.n8:    mov dx, 0x224
        mov al, 0x82
        out dx, al
        inc dx
        in al, dx
        test al, 2
        jz .n16
        mov dx, 0x22F
        in al, dx
.n16:   inc word [IRQCNT]
        mov al, 0x20
        out 0x20, al
        pop ds
        pop dx
        pop ax
        iret

; wait_irq -- halt until IRQ 5 came, then count it off.  DS = 0.
wait_irq:
.h:     cli
        cmp word [IRQCNT], 0
        jne .got
        sti
        hlt
        jmp .h
.got:   dec word [IRQCNT]
        sti
        ret

; dsp_out -- AL to the DSP once it takes commands.  Clobbers AH, DX.
dsp_out:
        mov ah, al
        mov dx, 0x22C
.w:     in al, dx
        test al, 0x80
        jnz .w
        mov al, ah
        out dx, al
        ret

; dsp_in -- a byte from the DSP once one is there -> AL.  Clobbers DX.
dsp_in:
        mov dx, 0x22E
.w:     in al, dx
        test al, 0x80
        jz .w
        mov dx, 0x22A
        in al, dx
        ret

        ROM_END
