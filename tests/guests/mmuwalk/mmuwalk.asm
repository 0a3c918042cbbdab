; mmuwalk -- the smallest guest that makes each MMU event happen once or
; twice, for the golden `--trace mmu` tests (tests/debug) and the teaching
; walkthrough docs/teaching/nested-vs-shadow.md. With 2-level paging (no
; PSE, no PAE) it
;   1. reads one page and writes another at 40000000h (two walks: the
;      accessed bits, and the dirty bit for the write);
;   2. reads the first page again (a TLB hit: nothing to report);
;   3. INVLPGs it and reads it again (shadow mode drops its entry);
;   4. points a PTE at another frame and INVLPGs it (shadow mode traps the
;      store to its write-tracked page table and resyncs);
;   5. reads a page whose PTE is not present (#PF, error code 0);
;   6. switches CR3 to a second address space and back (shadow mode builds
;      a table for the new CR3, then reuses the first one).
; Every value read is checked; the output is the same in both MMU modes.
; Written in NASM so that the golden traces depend on nothing but this file.

%define GUEST_NAME "mmuwalk"
%include "rom16.inc"
%include "pm32.inc"

PD_A    equ 0x20000             ; address space A: its page directory
PD_B    equ 0x21000             ; address space B
PT_ID   equ 0x22000             ; identity map of 0-4 MiB, shared by A and B
PT_A    equ 0x23000             ; A's page table for 40000000h-403FFFFFh
PT_B    equ 0x24000             ; B's
VA      equ 0x40000000
FRAMES  equ 0x300000            ; data frames 0-3, identity-mapped too
PG_P    equ 1
PG_RW   equ 2

        bits 32
main32:
        mov edi, PT_ID
        mov eax, PG_P | PG_RW
        mov ecx, 1024
.identity:
        stosd
        add eax, 4096
        loop .identity
%assign i 0
%rep 4
        mov dword [FRAMES + i * 4096], 0x1000 + i
        mov dword [PT_A + i * 4], (FRAMES + i * 4096) | PG_P | PG_RW
        mov dword [PT_B + i * 4], (FRAMES + (3 - i) * 4096) | PG_P | PG_RW
  %assign i i + 1
%endrep
        mov dword [PD_A], PT_ID | PG_P | PG_RW
        mov dword [PD_B], PT_ID | PG_P | PG_RW
        mov dword [PD_A + (VA >> 22) * 4], PT_A | PG_P | PG_RW
        mov dword [PD_B + (VA >> 22) * 4], PT_B | PG_P | PG_RW
        mov eax, PD_A
        mov cr3, eax
        mov eax, cr0
        or eax, 0x80000000
        mov cr0, eax

        mov eax, [VA]                           ; 1
        CHECK32 eax, 0x1000, "1: page 0 reads frame 0"
        mov dword [VA + 0x1004], 0x2222
        mov eax, [VA + 8]                       ; 2
        CHECK32 eax, 0, "2: page 0 again"
        invlpg [VA]                             ; 3
        mov eax, [VA]
        CHECK32 eax, 0x1000, "3: page 0 after INVLPG"
        mov dword [PT_A + 2 * 4], (FRAMES + 1 * 4096) | PG_P | PG_RW   ; 4
        invlpg [VA + 0x2000]
        mov eax, [VA + 0x2004]
        CHECK32 eax, 0x2222, "4: page 2 remapped to frame 1"
        EXPECT32 .resume5                       ; 5
.fault5:
        mov eax, [VA + 0x5000]
.resume5:
        CHECK_EXC32 14, 0, .fault5, "5: not-present page"
        mov eax, cr2
        CHECK32 eax, VA + 0x5000, "5: CR2"
        mov eax, PD_B                           ; 6
        mov cr3, eax
        mov eax, [VA]
        CHECK32 eax, 0x1003, "6: page 0 in space B"
        mov eax, PD_A
        mov cr3, eax
        mov eax, [VA]
        CHECK32 eax, 0x1000, "6: page 0 back in space A"

        mov eax, cr0
        and eax, 0x7FFFFFFF
        mov cr0, eax
        PASS32 "walks, A/D bits, INVLPG, a PTE store, #PF, CR3 switch"
        PASS_EXIT32

        bits 16
        ROM_END
