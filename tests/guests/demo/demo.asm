; demo -- the guest the README's first command runs:
;
;     build/shadow86 -bios build/tests/guests/demo.rom
;
; A 64 KiB ROM that starts where every PC starts (F000:FFF0, real mode),
; prints a banner and a few results computed by the CPU through port 0xE9,
; switches to 32-bit protected mode with a flat GDT, prints from there too,
; and halts with interrupts disabled, which ends the run with status 0.
; tests/guests/demo/expected.txt holds its exact output.

%define GUEST_NAME "demo"
%include "rom16.inc"

ROMBASE equ 0xF0000                 ; linear address of this ROM's offset 0
SIEVE   equ 0x1000                  ; 100 bytes, segment 0
STRBUF  equ 0x1100
GDT     equ 0x0900
GDTR    equ 0x0940

main:
        mov al, 0x01
        out 0x80, al                ; POST code 01: ROM entered
        PRINT {"==================================================================", 10}
        PRINT {" shadow86 demo ROM: hello from a real-mode guest", 10}
        PRINT {"==================================================================", 10}
        PRINT {"The CPU came out of reset at F000:FFF0 and jumped here, to F000:"}
        call .here
.here:  pop ax                      ; IP of .here, from the CALL
        call puthex16
        PRINT {".", 10}

; ---------------------------------------------------------------- sieve
        PRINT {"[1] Primes below 100 (sieve of Eratosthenes):", 10, "   "}
        mov di, SIEVE               ; SIEVE[i] = 1: i is prime
        mov cx, 100
        mov al, 1
        rep stosb
        mov byte [SIEVE+0], 0
        mov byte [SIEVE+1], 0
        mov bx, 2
.outer: mov ax, bx
        mul bx                      ; i*i
        cmp ax, 100
        jae .list
        cmp byte [SIEVE+bx], 0
        je .next
.cross: mov si, ax                  ; cross out i*i, i*i+i, ...
        mov byte [SIEVE+si], 0
        add ax, bx
        cmp ax, 100
        jb .cross
.next:  inc bx
        jmp .outer
.list:  xor bx, bx
        xor dx, dx                  ; count
.lp:    cmp byte [SIEVE+bx], 0
        je .skip
        mov al, ' '
        call putc
        movzx eax, bx
        call putdec32
        inc dx
.skip:  inc bx
        cmp bx, 100
        jb .lp
        PRINT {10, "    ("}
        movzx eax, dx
        call putdec32
        PRINT {" primes)", 10}

; ---------------------------------------------------------------- CRC-32
        PRINT {'[2] CRC-32 of "The quick brown fox jumps over the lazy dog" = '}
        mov si, fox
        mov cx, fox_len
        mov edx, 0xFFFFFFFF
.crcbyte:
        cs lodsb
        xor dl, al
        mov bl, 8
.bit:   shr edx, 1
        jnc .nox
        xor edx, 0xEDB88320         ; reflected IEEE 802.3 polynomial
.nox:   dec bl
        jnz .bit
        loop .crcbyte
        not edx
        mov eax, edx
        call puthex32
        PRINT {10}

; ---------------------------------------------------------------- factorial, Fibonacci
        PRINT {"[3] 12! = "}
        mov eax, 1
        mov ecx, 1
.fact:  mul ecx
        inc ecx
        cmp ecx, 12
        jbe .fact
        call putdec32
        PRINT {", fib(40) = "}
        xor eax, eax                ; fib(0)
        mov ebx, 1                  ; fib(1)
        mov cx, 40
.fib:   xadd ebx, eax               ; (EAX, EBX) = (a, b) <- (b, a+b)
        loop .fib
        call putdec32
        PRINT {10}

; ---------------------------------------------------------------- strings
        PRINT {'[4] String instructions: "shadow86" reversed with STD/LODSB is "'}
        push cs
        pop ds
        mov si, name_str + name_len - 1
        mov di, STRBUF
        mov cx, name_len
.rev:   std
        lodsb
        cld
        stosb
        loop .rev
        mov byte [es:di], 0
        push word 0
        pop ds
        mov si, STRBUF
.show:  lodsb
        test al, al
        jz .shown
        call putc
        jmp .show
.shown: PRINT {'",', 10, "    and REPNE SCASB finds the 'w' of "}
        mov al, '"'
        call putc
        mov si, name_str
        call puts
        PRINT {'" at index '}
        push cs
        pop es
        mov di, name_str
        mov cx, name_len
        mov al, 'w'
        repne scasb
        push word 0
        pop es
        lea ax, [di - name_str - 1]
        movzx eax, ax
        call putdec32
        PRINT {".", 10}

; ---------------------------------------------------------------- protected mode
        PRINT {"[5] Switching to 32-bit protected mode with a flat GDT...", 10}
        mov al, 0x05
        out 0x80, al
        mov dword [GDT+0], 0        ; null
        mov dword [GDT+4], 0
        mov dword [GDT+8], 0x0000FFFF   ; 08h: code, base 0, 4 GiB, 32-bit
        mov dword [GDT+12], 0x00CF9A00
        mov dword [GDT+16], 0x0000FFFF  ; 10h: data, base 0, 4 GiB
        mov dword [GDT+20], 0x00CF9200
        mov word [GDTR], 23
        mov dword [GDTR+2], GDT
        lgdt [GDTR]
        mov eax, cr0
        or al, 1
        mov cr0, eax
        jmp dword 0x08:ROMBASE+pm_entry

; ---------------------------------------------------------------- 32-bit code
        bits 32
pm_entry:
        mov ax, 0x10
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov esp, 0x90000
        mov esi, ROMBASE+pm_hello
        call pm_puts
        mov eax, cr0
        and eax, 1
        add al, '0'
        call pm_putc
        mov esi, ROMBASE+pm_cs
        call pm_puts
        mov ax, cs
        call pm_puthex16
        mov al, 10
        call pm_putc

        ; 1 + 2 + ... + 100000 in 64 bits (EDX:EAX)
        xor eax, eax
        xor edx, edx
        mov ecx, 100000
.sum:   add eax, ecx
        adc edx, 0
        loop .sum
        push eax
        push edx
        mov esi, ROMBASE+pm_sum
        call pm_puts
        pop edx
        pop eax
        call pm_putdec64
        mov al, 10
        call pm_putc

        ; fill 1 MiB above 2 MiB with an address-derived pattern, verify it
        mov esi, ROMBASE+pm_mem
        call pm_puts
        mov edi, 0x00200000
.fill:  mov eax, edi
        xor eax, 0x5A5A5A5A
        mov [edi], eax
        add edi, 4
        cmp edi, 0x00300000
        jb .fill
        mov edi, 0x00200000
.check: mov eax, edi
        xor eax, 0x5A5A5A5A
        cmp [edi], eax
        jne .bad
        add edi, 4
        cmp edi, 0x00300000
        jb .check
        mov esi, ROMBASE+pm_ok
        call pm_puts
        jmp .bye
.bad:   mov esi, ROMBASE+pm_badmem
        call pm_puts
        mov eax, edi
        call pm_puthex32
        mov al, 10
        call pm_putc
.bye:   mov esi, ROMBASE+pm_bye
        call pm_puts
        mov al, 0xDE
        out 0x80, al                ; POST code DE: demo done
        cli
        hlt                         ; IF=0: the run ends with status 0
        jmp .bye

pm_putc:
        out 0xE9, al
        ret
pm_puts:                            ; ESI: zero-terminated, linear
        push eax
.l:     lodsb
        test al, al
        jz .d
        out 0xE9, al
        jmp .l
.d:     pop eax
        ret
pm_puthex16:                        ; AX
        push ecx
        push eax
        mov ecx, 4
        shl eax, 16
        jmp pm_hexloop
pm_puthex32:                        ; EAX
        push ecx
        push eax
        mov ecx, 8
pm_hexloop:
        rol eax, 4
        push eax
        and al, 0x0F
        add al, '0'
        cmp al, '9'
        jbe .o
        add al, 'A' - '9' - 1
.o:     out 0xE9, al
        pop eax
        loop pm_hexloop
        pop eax
        pop ecx
        ret
pm_putdec64:                        ; EDX:EAX unsigned
        push ebx
        push ecx
        push esi
        mov ebx, 10
        xor ecx, ecx
.div:   mov esi, eax                ; long division by 10: high half first
        mov eax, edx
        xor edx, edx
        div ebx                     ; EAX = high quotient, EDX = carry
        xchg eax, esi
        div ebx                     ; EAX = low quotient, EDX = digit
        push edx
        inc ecx
        mov edx, esi
        mov esi, eax
        or esi, edx
        jnz .div
.out:   pop eax
        add al, '0'
        out 0xE9, al
        loop .out
        pop esi
        pop ecx
        pop ebx
        ret

pm_hello:  db "    Now running 32-bit code: CR0.PE = ", 0
pm_cs:     db ", CS = ", 0
pm_sum:    db "    1 + 2 + ... + 100000 = ", 0
pm_mem:    db "    Writing and verifying 1 MiB at 00200000h..002FFFFFh: ", 0
pm_ok:     db "OK", 10, 0
pm_badmem: db "MISMATCH at ", 0
pm_bye:    db "Goodbye! Halting with interrupts disabled (exit status 0).", 10, 0

        bits 16
fox:       db "The quick brown fox jumps over the lazy dog"
fox_len    equ $ - fox
name_str:  db "shadow86", 0
name_len   equ $ - name_str - 1

        ROM_END
