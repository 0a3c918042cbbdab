; spin_rom -- counts in AX forever: a guest that never ends by itself, for
; the signal tests (SIGUSR1 prints --stats, SIGUSR2 the --trace-ring,
; SIGINT stops the run and prints the ring; exit status 130).
bits 16
org 0
start:
        inc ax
        jmp start
        times 0xFFF0-($-$$) db 0
        jmp 0xF000:start
        times 0x10000-($-$$) db 0
