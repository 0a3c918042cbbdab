; pm_triple -- a protected-mode triple fault: with an empty IDT, INT3
; raises #GP (vector beyond the IDT limit), whose delivery raises #GP
; again (#DF), whose delivery faults once more: shutdown. With -no-reboot
; the run ends with status 4 and a message naming the chain; nothing
; after the INT3 may run.

%define GUEST_NAME "pm_triple"
%include "rom16.inc"
%include "pm32.inc"

        bits 32
main32:
        PRINT32 {"pm_triple: loading an empty IDT, then INT3", 10}
        mov word [pm_idtr], 0
        lidt [pm_idtr]
        int3
        PRINT32 {"FAIL pm_triple: still running after the triple fault", 10}
        mov al, 1
        out 0xF4, al
        hlt

        bits 16
        ROM_END
