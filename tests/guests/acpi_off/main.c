/* acpi_off -- power the machine off the way an ACPI OS does, from nothing
 * but what the platform publishes (ACPI 6.4 chapter 5 and 7.4.2):
 *
 *   1. find the RSDP on a 16-byte boundary in 0xE0000-0xFFFFF, checksum it;
 *   2. follow it to the RSDT and the RSDT to the FADT ("FACP"), checking
 *      both checksums; read the PM1a control block, the PM timer block, the
 *      SCI, the reset register and the FACS and DSDT pointers;
 *   3. check that the FACS is writable RAM and the PM timer runs;
 *   4. check the DSDT's checksum and find Name(\_S5, Package(){a, b, ...}),
 *      decoding the PkgLength and the integer encodings of SLP_TYPa;
 *   5. write SLP_TYPa | SLP_EN to PM1a_CNT.
 *
 * If the machine is still running afterwards, the guest reports a failure
 * through port 0xF4; a run that ends with status 0 right after "powering
 * off" is one the platform ended. Built as a multiboot kernel: no BIOS.
 *
 * With the command line "reset" it resets through the FADT's RESET_REG
 * instead (ACPI 6.4 4.8.3.6), which -no-reboot turns into status 10. */
#include "guest_cpu.h"

static u32 rd32(const volatile u8 *p)
{
    return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static u8 sum(const volatile u8 *p, u32 n)
{
    u8 s = 0;
    for (u32 i = 0; i < n; i++)
        s = (u8)(s + p[i]);
    return s;
}

static u32 fail(const char *what, u32 got, u32 code)
{
    puts("FAIL acpi_off: ");
    puts(what);
    puts(" (got 0x");
    puthex32(got);
    puts(")\n");
    return code;
}

static const volatile u8 *find_rsdp(void)
{
    for (u32 a = 0xE0000; a < 0x100000; a += 16) {
        const volatile u8 *p = (const volatile u8 *)a;
        if (p[0] == 'R' && p[1] == 'S' && p[2] == 'D' && p[3] == ' ' && p[4] == 'P' &&
            p[5] == 'T' && p[6] == 'R' && p[7] == ' ' && sum(p, 20) == 0)
            return p;
    }
    return 0;
}

static int sig_is(const volatile u8 *t, const char *sig)
{
    return t[0] == sig[0] && t[1] == sig[1] && t[2] == sig[2] && t[3] == sig[3];
}

/* A PkgLength (20.2.4): returns the length, *used the bytes it took. */
static u32 pkglength(const volatile u8 *p, u32 *used)
{
    u32 follow = p[0] >> 6;
    if (follow == 0) {
        *used = 1;
        return p[0] & 0x3F;
    }
    u32 len = p[0] & 0x0F;
    for (u32 i = 0; i < follow; i++)
        len |= (u32)p[1 + i] << (4 + 8 * i);
    *used = 1 + follow;
    return len;
}

/* An integer data object (ZeroOp, OneOp, Byte/Word/DWordPrefix); returns
 * 0 and sets *v, or -1 for anything else. */
static int aml_int(const volatile u8 *p, u32 *v)
{
    switch (p[0]) {
    case 0x00: *v = 0; return 0;
    case 0x01: *v = 1; return 0;
    case 0xFF: *v = 0xFFFFFFFFu; return 0;
    case 0x0A: *v = p[1]; return 0;
    case 0x0B: *v = (u32)p[1] | (u32)p[2] << 8; return 0;
    case 0x0C: *v = rd32(p + 1); return 0;
    default: return -1;
    }
}

/* Find Name(_S5, Package) in the DSDT's AML and return SLP_TYPa. */
static int find_s5(const volatile u8 *aml, u32 len, u32 *slp_typa)
{
    for (u32 i = 0; i + 8 < len; i++) {
        u32 at = i;
        if (aml[at] != 0x08)
            continue;
        at++;
        if (aml[at] == '\\')
            at++;
        if (!(aml[at] == '_' && aml[at + 1] == 'S' && aml[at + 2] == '5' && aml[at + 3] == '_'))
            continue;
        at += 4;
        if (aml[at] != 0x12)   /* PackageOp */
            continue;
        u32 used;
        pkglength(aml + at + 1, &used);
        at += 1 + used;
        if (aml[at] < 2)       /* NumElements: SLP_TYPa and SLP_TYPb at least */
            return -1;
        return aml_int(aml + at + 1, slp_typa);
    }
    return -1;
}

static int cmdline_is(u32 info, const char *want)
{
    const volatile u32 *mbi = (const volatile u32 *)info;
    if (!(mbi[0] & (1u << 2)))   /* flags: cmdline present */
        return 0;
    return strcmp(cmdline_args((const char *)mbi[4]), want) == 0;
}

u32 guest_main(u32 magic, u32 info)
{
    if (magic != 0x2BADB002)
        return fail("multiboot magic", magic, 1);

    const volatile u8 *rsdp = find_rsdp();
    if (!rsdp)
        return fail("no RSDP in E0000-FFFFF", 0, 2);
    puts("RSDP at ");
    puthex32((u32)rsdp);
    puts(", revision ");
    putdec64(rsdp[15]);
    puts("\n");

    const volatile u8 *rsdt = (const volatile u8 *)rd32(rsdp + 16);
    if (!sig_is(rsdt, "RSDT"))
        return fail("RSDT signature", rd32(rsdt), 3);
    if (sum(rsdt, rd32(rsdt + 4)) != 0)
        return fail("RSDT checksum", sum(rsdt, rd32(rsdt + 4)), 4);
    const volatile u8 *fadt = 0;
    for (u32 off = 36; off + 4 <= rd32(rsdt + 4); off += 4) {
        const volatile u8 *t = (const volatile u8 *)rd32(rsdt + off);
        if (sig_is(t, "FACP"))
            fadt = t;
    }
    if (!fadt)
        return fail("no FACP in the RSDT", 0, 5);
    if (sum(fadt, rd32(fadt + 4)) != 0)
        return fail("FADT checksum", sum(fadt, rd32(fadt + 4)), 6);
    u32 pm1a_cnt = rd32(fadt + 64), pm_tmr = rd32(fadt + 76);
    u32 sci = (u32)fadt[46] | (u32)fadt[47] << 8;
    puts("FADT revision ");
    putdec64(fadt[8]);
    puts(": SCI_INT ");
    putdec64(sci);
    puts(", SMI_CMD ");
    puthex32(rd32(fadt + 48));
    puts(", PM1a_CNT ");
    puthex32(pm1a_cnt);
    puts(", PM_TMR ");
    puthex32(pm_tmr);
    puts("\n");
    if (rd32(fadt + 4) >= 129 && (rd32(fadt + 112) & (1u << 10))) {
        puts("RESET_REG space ");
        putdec64(fadt[116]);
        puts(" address ");
        puthex32(rd32(fadt + 120));
        puts(" value ");
        putdec64(fadt[128]);
        puts("\n");
        if (cmdline_is(info, "reset")) {
            if (fadt[116] != 1)
                return fail("RESET_REG not in system I/O space", fadt[116], 15);
            puts("resetting\n");
            outb((u16)rd32(fadt + 120), fadt[128]);
            for (volatile int i = 0; i < 1000000; i++)
                ;
            return fail("still running after the reset register write", 0, 16);
        }
    } else if (cmdline_is(info, "reset")) {
        return fail("no RESET_REG in the FADT", rd32(fadt + 112), 17);
    }

    /* The FACS is read/write memory (5.2.10): the OS writes the waking
     * vector there. */
    volatile u8 *facs = (volatile u8 *)rd32(fadt + 36);
    if (!sig_is(facs, "FACS") || ((u32)facs & 63))
        return fail("FACS signature or alignment", (u32)facs, 7);
    facs[12] = 0x5A;
    if (facs[12] != 0x5A)
        return fail("FACS waking vector not writable", facs[12], 8);
    facs[12] = 0;

    /* The PM timer runs (and is at most 24 bits wide unless TMR_VAL_EXT). */
    u32 t0 = inl((u16)pm_tmr), t1 = t0;
    for (int i = 0; i < 100000 && t1 == t0; i++)
        t1 = inl((u16)pm_tmr);
    if (t1 == t0)
        return fail("PM timer does not advance", t0, 9);
    if (!(rd32(fadt + 112) & (1u << 8)) && ((t0 | t1) >> 24))
        return fail("PM timer wider than 24 bits", t1, 10);
    puts("PM timer advances\n");

    const volatile u8 *dsdt = (const volatile u8 *)rd32(fadt + 40);
    if (!sig_is(dsdt, "DSDT"))
        return fail("DSDT signature", rd32(dsdt), 11);
    u32 dlen = rd32(dsdt + 4);
    if (sum(dsdt, dlen) != 0)
        return fail("DSDT checksum", sum(dsdt, dlen), 12);
    u32 slp_typa;
    if (find_s5(dsdt + 36, dlen - 36, &slp_typa) != 0)
        return fail("no Name(_S5, Package) with an integer SLP_TYPa in the DSDT", dlen, 13);
    puts("_S5: SLP_TYPa ");
    putdec64(slp_typa);
    puts("\n");

    u16 cnt = inw((u16)pm1a_cnt);
    puts("PM1a_CNT SCI_EN ");
    putdec64(cnt & 1);
    puts("\n");

    puts("powering off\n");
    outw((u16)pm1a_cnt, (u16)((cnt & ~0x3C00u) | ((slp_typa & 7) << 10) | 0x2000));
    for (volatile int i = 0; i < 1000000; i++)
        ;
    return fail("still running after SLP_EN", inw((u16)pm1a_cnt), 14);
}
