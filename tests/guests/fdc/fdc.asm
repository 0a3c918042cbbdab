; fdc -- the 82077AA floppy controller from a real-mode ROM, with drive A:
; a 1.44 MiB image and drive B: a 720 KiB one (run_fdc.sh makes them; see
; common/fdc16.inc for their contents).  Every command a BIOS or Linux's
; driver uses: the DOR reset and its four polling statuses, VERSION,
; CONFIGURE/LOCK/DUMPREG (kept across a reset only when locked), SPECIFY,
; PERPENDICULAR, RECALIBRATE/SEEK/SENSE INTERRUPT, the disk-change line in
; DIR, SENSE DRIVE STATUS, READ ID, READ DATA (one head, multi-track across
; heads, end of cylinder without TC), WRITE DATA read back, FORMAT TRACK read
; back, and the errors: wrong cylinder, wrong data rate, DMA not serviced
; (overrun), an unknown command.

%define GUEST_NAME "fdc"
%include "rom16.inc"
%include "fdc16.inc"

BUF     equ 0x1000              ; segment of the DMA buffer (physical 0x10000)

; READ_CHS mt, drive, c, h, r, eot -- READ DATA (MFM), 7 results in RES.
%macro READ_CHS 6
        FDC (0x46 | %1), ((%4 << 2) | %2), %3, %4, %5, 2, %6, 0x1B, 0xFF
        call wait_irq6
        mov cx, 7
        call fdc_results
%endmacro

; CHECK_SECTOR off, lba, letter -- the buffer at BUF:off holds that sector.
%macro CHECK_SECTOR 3
        mov ax, BUF
        mov es, ax
        mov ax, [es:%1]
        CHECK ax, %2, "sector data: LBA word"
        mov al, [es:%1+2]
        CHECK al, %3, "sector data: drive letter"
        mov al, [es:%1+511]
        CHECK al, ((%2) * 7 + 511) & 0xFF, "sector data: last byte"
%endmacro

main:
        xor ax, ax
        mov ds, ax
        call fdc_setup

        ; ---- reset, VERSION, invalid commands
        call fdc_reset
        FDC 0x08
        mov cx, 1
        call fdc_results
        CHECK byte [RES], 0x80, "SENSE INTERRUPT with nothing pending is invalid"
        FDC 0x10
        mov cx, 1
        call fdc_results
        CHECK byte [RES], 0x90, "VERSION is the 82077AA's 0x90"
        FDC 0x1F
        mov cx, 1
        call fdc_results
        CHECK byte [RES], 0x80, "an unknown command answers ST0 0x80"
        mov dx, 0x3F4
        in al, dx
        CHECK al, 0x80, "MSR: idle, ready for a command"
        PASS "reset, polling statuses, VERSION, invalid commands"

        ; ---- SPECIFY, CONFIGURE, PERPENDICULAR, DUMPREG, LOCK
        FDC 0x03, 0xDF, 0x02
        FDC 0x13, 0x00, 0x17, 0x05      ; polling off, FIFO on, threshold 8; PRETRK 5
        FDC 0x12, 0x84                  ; OW: drive 0 perpendicular
        FDC 0x0E
        mov cx, 10
        call fdc_results
        CHECK byte [RES+4], 0xDF, "DUMPREG: SRT/HUT"
        CHECK byte [RES+5], 0x02, "DUMPREG: HLT/ND"
        CHECK byte [RES+7], 0x04, "DUMPREG: unlocked, perpendicular drive 0"
        CHECK byte [RES+8], 0x17, "DUMPREG: CONFIGURE byte"
        CHECK byte [RES+9], 0x05, "DUMPREG: PRETRK"
        FDC 0x94
        mov cx, 1
        call fdc_results
        CHECK byte [RES], 0x10, "LOCK answers 0x10"
        mov dx, 0x3F4
        mov al, 0x80                    ; DSR software reset (polling is off: no IRQ)
        out dx, al
        FDC 0x0E
        mov cx, 10
        call fdc_results
        CHECK byte [RES+7], 0x84, "DUMPREG after a locked reset: LOCK, drive bits kept"
        CHECK byte [RES+8], 0x17, "a locked reset keeps CONFIGURE"
        CHECK byte [RES+9], 0x05, "a locked reset keeps PRETRK"
        FDC 0x14
        mov cx, 1
        call fdc_results
        CHECK byte [RES], 0x00, "UNLOCK answers 0x00"
        FDC 0x12, 0x80                  ; OW with no drive bits
        call fdc_reset                  ; unlocked: CONFIGURE back to polling on
        FDC 0x0E
        mov cx, 10
        call fdc_results
        CHECK byte [RES+8], 0x20, "an unlocked reset restores CONFIGURE"
        CHECK byte [RES+9], 0x00, "an unlocked reset clears PRETRK"
        PASS "SPECIFY, CONFIGURE, PERPENDICULAR, LOCK and DUMPREG"

        ; ---- disk change, RECALIBRATE, SEEK, SENSE DRIVE STATUS
        mov dx, 0x3F7
        in al, dx
        and al, 0x80
        CHECK al, 0x80, "DIR: disk changed after power-on"
        mov al, 0x00                    ; CCR: 500 kb/s
        out dx, al
        FDC 0x07, 0x00
        call wait_irq6
        FDC 0x08
        mov cx, 2
        call fdc_results
        CHECK byte [RES], 0x20, "RECALIBRATE: ST0 seek end"
        CHECK byte [RES+1], 0, "RECALIBRATE: PCN 0"
        mov dx, 0x3F7
        in al, dx
        and al, 0x80
        CHECK al, 0x00, "DIR: the change line cleared by the step"
        FDC 0x04, 0x00
        mov cx, 1
        call fdc_results
        CHECK byte [RES], 0x38, "SENSE DRIVE STATUS at track 0: RDY, T0, two-sided"
        FDC 0x0F, 0x04, 5               ; seek head 1 of drive 0 to cylinder 5
        mov dx, 0x3F4
        in al, dx
        CHECK al, 0x81, "MSR: drive 0 busy seeking, a command may follow"
        call wait_irq6
        FDC 0x08
        mov cx, 2
        call fdc_results
        CHECK byte [RES], 0x24, "SEEK: ST0 seek end, head 1"
        CHECK byte [RES+1], 5, "SEEK: PCN 5"
        FDC 0x04, 0x04
        mov cx, 1
        call fdc_results
        CHECK byte [RES], 0x2C, "SENSE DRIVE STATUS at track 5, head 1"
        FDC 0x07, 0x03                  ; drive 3: none
        call wait_irq6
        FDC 0x08
        mov cx, 2
        call fdc_results
        CHECK byte [RES], 0x73, "RECALIBRATE with no drive: equipment check"
        PASS "disk change line, RECALIBRATE, SEEK, SENSE DRIVE STATUS"

        ; ---- READ ID
        FDC 0x4A, 0x04
        call wait_irq6
        mov cx, 7
        call fdc_results
        CHECK byte [RES], 0x04, "READ ID: ST0"
        CHECK byte [RES+3], 5, "READ ID: C"
        CHECK byte [RES+4], 1, "READ ID: H"
        mov al, [RES+5]
        dec al
        cmp al, 18
        jb .rid_ok
        FAILNOW "READ ID: R outside 1..18"
.rid_ok:
        CHECK byte [RES+6], 2, "READ ID: N = 512 bytes"
        mov dx, 0x3F7
        mov al, 0x02                    ; 250 kb/s: no 1.44 MiB medium there
        out dx, al
        FDC 0x4A, 0x04
        call wait_irq6
        mov cx, 7
        call fdc_results
        CHECK byte [RES], 0x44, "READ ID at the wrong rate: abnormal"
        CHECK byte [RES+1], 0x01, "READ ID at the wrong rate: missing address mark"
        mov dx, 0x3F7
        mov al, 0x00
        out dx, al
        PASS "READ ID and data rates"

        ; ---- READ DATA
        mov al, 0x46                    ; single, increment, write to memory
        mov bx, 0
        mov cl, 1                       ; page 1: physical 0x10000
        mov dx, 1023                    ; two sectors
        call dma2
        READ_CHS 0, 0, 5, 1, 17, 18     ; (5,1,17) and (5,1,18): LBA 214, 215
        CHECK byte [RES], 0x04, "READ: normal end, head 1"
        CHECK byte [RES+1], 0, "READ: ST1"
        CHECK byte [RES+3], 6, "READ ending at EOT: C + 1"
        CHECK byte [RES+4], 1, "READ ending at EOT: H"
        CHECK byte [RES+5], 1, "READ ending at EOT: R = 1"
        CHECK_SECTOR 0, 214, 'A'
        CHECK_SECTOR 512, 215, 'A'
        in al, 0x08
        and al, 0x04
        CHECK al, 0x04, "DMA status: channel 2 reached TC"

        mov al, 0x46
        mov bx, 0
        mov cl, 1
        mov dx, 1023
        call dma2
        READ_CHS 0x80, 0, 5, 0, 18, 18  ; MT: (5,0,18) then (5,1,1): LBA 197, 198
        CHECK byte [RES], 0x04, "MT READ: ends on head 1"
        CHECK byte [RES+3], 5, "MT READ: C"
        CHECK byte [RES+4], 1, "MT READ: H"
        CHECK byte [RES+5], 2, "MT READ: R"
        CHECK_SECTOR 0, 197, 'A'
        CHECK_SECTOR 512, 198, 'A'

        mov al, 0x46
        mov bx, 0
        mov cl, 1
        mov dx, 3 * 512 - 1             ; more than the cylinder holds
        call dma2
        READ_CHS 0, 0, 5, 0, 18, 18
        CHECK byte [RES], 0x40, "READ past EOT without TC: abnormal"
        CHECK byte [RES+1], 0x80, "READ past EOT without TC: end of cylinder"
        CHECK_SECTOR 0, 197, 'A'

        READ_CHS 0, 0, 7, 0, 1, 18      ; the head is at 5
        CHECK byte [RES], 0x40, "READ on the wrong cylinder: abnormal"
        CHECK byte [RES+1], 0x04, "READ on the wrong cylinder: no data"
        CHECK byte [RES+2], 0x10, "READ on the wrong cylinder: wrong cylinder"

        mov al, 0x06                    ; channel 2 masked: nobody takes the data
        out 0x0A, al
        READ_CHS 0, 0, 5, 0, 1, 18
        CHECK byte [RES], 0x40, "READ with DMA masked: abnormal"
        CHECK byte [RES+1], 0x10, "READ with DMA masked: overrun"
        PASS "READ DATA: one head, multi-track, end of cylinder, errors"

        ; ---- WRITE DATA, read back
        mov ax, BUF
        mov es, ax
        xor di, di
        mov cx, 512
        mov al, 0x5A
.fill:  stosb
        inc al
        loop .fill
        mov al, 0x4A                    ; single, increment, read from memory
        mov bx, 0
        mov cl, 1
        mov dx, 511
        call dma2
        FDC 0x45, 0x00, 5, 0, 3, 2, 18, 0x1B, 0xFF
        call wait_irq6
        mov cx, 7
        call fdc_results
        CHECK byte [RES], 0x00, "WRITE: normal end"
        CHECK byte [RES+5], 4, "WRITE: R + 1"
        mov al, 0x46
        mov bx, 0x1000                  ; back to 0x11000
        mov cl, 1
        mov dx, 511
        call dma2
        READ_CHS 0, 0, 5, 0, 3, 18
        CHECK byte [RES], 0x00, "read back: normal end"
        mov ax, BUF
        mov ds, ax
        mov es, ax
        xor si, si
        mov di, 0x1000
        mov cx, 256
        repe cmpsw
        mov ax, 0
        mov ds, ax
        CHECK cx, 0, "read back: the sector holds what was written"
        PASS "WRITE DATA read back"

        ; ---- FORMAT TRACK, read back
        FDC 0x0F, 0x00, 10
        call wait_irq6
        FDC 0x08
        mov cx, 2
        call fdc_results
        CHECK byte [RES+1], 10, "SEEK to 10"
        mov ax, BUF
        mov es, ax
        xor di, di
        mov cx, 1
.ids:   mov al, 10
        stosb
        mov al, 0
        stosb
        mov al, cl
        stosb
        mov al, 2
        stosb
        inc cx
        cmp cx, 19
        jne .ids
        mov al, 0x4A
        mov bx, 0
        mov cl, 1
        mov dx, 18 * 4 - 1
        call dma2
        FDC 0x4D, 0x00, 2, 18, 0x54, 0xE6
        call wait_irq6
        mov cx, 7
        call fdc_results
        CHECK byte [RES], 0x00, "FORMAT: normal end"
        CHECK byte [RES+1], 0x00, "FORMAT: ST1"
        mov al, 0x46
        mov bx, 0
        mov cl, 1
        mov dx, 511
        call dma2
        READ_CHS 0, 0, 10, 0, 7, 18
        CHECK byte [RES], 0x00, "read formatted: normal end"
        mov ax, BUF
        mov es, ax
        xor di, di
        mov cx, 512
        mov al, 0xE6
        repe scasb
        CHECK cx, 0, "read formatted: the sector holds the filler"
        mov al, 0x46
        mov bx, 0
        mov cl, 1
        mov dx, 511
        call dma2
        READ_CHS 0, 0, 10, 1, 7, 18     ; the other side was not formatted
        CHECK_SECTOR 0, (10 * 2 + 1) * 18 + 6, 'A'
        PASS "FORMAT TRACK read back"

        ; ---- drive B: a 720 KiB medium at 250 kb/s
        mov dx, 0x3F2
        mov al, 0x2D                    ; drive B selected, its motor on
        out dx, al
        mov dx, 0x3F7
        mov al, 0x02
        out dx, al
        in al, dx
        and al, 0x80
        CHECK al, 0x80, "DIR: drive B's change line"
        FDC 0x07, 0x01
        call wait_irq6
        FDC 0x08
        mov cx, 2
        call fdc_results
        CHECK byte [RES], 0x21, "drive B: RECALIBRATE"
        FDC 0x0F, 0x01, 79
        call wait_irq6
        FDC 0x08
        mov cx, 2
        call fdc_results
        mov al, 0x46
        mov bx, 0
        mov cl, 1
        mov dx, 511
        call dma2
        READ_CHS 0, 1, 79, 0, 9, 9
        CHECK byte [RES], 0x01, "drive B: READ normal end"
        CHECK_SECTOR 0, (79 * 2) * 9 + 8, 'B'
        PASS "drive B: 720 KiB geometry"

        PASS_EXIT

        ROM_END
