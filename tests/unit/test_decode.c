/* Focused decoder tests with hand-computed expectations: addressing forms,
 * prefixes, LOCK, the 15-byte limit, truncated input, invalid encodings and
 * the operand forms the interpreter relies on.
 *
 * References are to the Intel SDM, Vol. 2: Tables 2-1 (16-bit ModRM), 2-2
 * (32-bit ModRM) and 2-3 (SIB), 2.1.1 (prefixes), and the opcode maps of
 * Appendix A.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/decode.h"

#define MODE16 0
#define MODE32 1

/* Parse "66 0F B6 C0" into bytes; returns the count. */
static size_t parse_hex(const char *hex, uint8_t *out, size_t max)
{
    size_t n = 0;
    while (*hex) {
        char *end;
        unsigned long v;
        if (*hex == ' ') {
            hex++;
            continue;
        }
        v = strtoul(hex, &end, 16);
        ck_assert_msg(end == hex + 2 && v <= 0xFF && n < max, "bad test bytes \"%s\"", hex);
        out[n++] = (uint8_t)v;
        hex = end;
    }
    return n;
}

/* Decode the whole hex string (avail = its length). */
static enum decode_status dec(int d32, const char *hex, struct insn *in)
{
    uint8_t bytes[32];
    size_t n = parse_hex(hex, bytes, sizeof bytes), need = 0;
    return decode_insn(bytes, n, d32, in, &need);
}

/* Decode, expecting DECODE_OK with the given length. */
static struct insn ok(int d32, const char *hex, unsigned len)
{
    struct insn in;
    enum decode_status st = dec(d32, hex, &in);
    ck_assert_msg(st == DECODE_OK, "%s (%d-bit): status %d, expected OK", hex, d32 ? 32 : 16, st);
    ck_assert_msg(in.len == len, "%s (%d-bit): length %u, expected %u", hex, d32 ? 32 : 16,
                  in.len, len);
    return in;
}

static void expect_status(int d32, const char *hex, enum decode_status want)
{
    struct insn in;
    enum decode_status st = dec(d32, hex, &in);
    ck_assert_msg(st == want, "%s (%d-bit): status %d, expected %d", hex, d32 ? 32 : 16, st, want);
}

static void ud(int d32, const char *hex)
{
    expect_status(d32, hex, DECODE_UD);
}

/* ---- 16-bit ModRM: every byte (SDM Table 2-1) ---- */

struct ea16_row {
    uint8_t base, index, ss;
};

/* r/m 0-7: [BX+SI] [BX+DI] [BP+SI] [BP+DI] [SI] [DI] [BP] [BX]; BP-based
 * forms default to SS. A lone register is recorded as the base. */
static const struct ea16_row ea16_rows[8] = {
    { REG_EBX, REG_ESI, 0 }, { REG_EBX, REG_EDI, 0 }, { REG_EBP, REG_ESI, 1 },
    { REG_EBP, REG_EDI, 1 }, { REG_ESI, EA_NONE, 0 }, { REG_EDI, EA_NONE, 0 },
    { REG_EBP, EA_NONE, 1 }, { REG_EBX, EA_NONE, 0 },
};

static void check_ea16(int d32, const uint8_t *prefix, size_t nprefix, int override)
{
    for (unsigned modrm = 0; modrm < 256; modrm++) {
        unsigned mod = modrm >> 6, rm = modrm & 7;
        uint8_t bytes[16];
        size_t n = 0, need = 0;
        struct insn in;
        unsigned disp_len;
        int32_t disp;
        uint8_t base, index, seg;

        if (nprefix)                    /* prefix may be NULL */
            memcpy(bytes, prefix, nprefix);
        n = nprefix;
        bytes[n++] = 0x8B;              /* MOV Gv, Ev */
        bytes[n++] = (uint8_t)modrm;
        bytes[n++] = 0x88;              /* disp8 -120, disp16 0x9988 */
        bytes[n++] = 0x99;
        ck_assert_int_eq(decode_insn(bytes, n, d32, &in, &need), DECODE_OK);
        ck_assert_uint_eq(in.addrsize, 2);
        ck_assert_uint_eq(in.opnd[0].kind, OPK_REG);
        ck_assert_uint_eq(in.opnd[0].reg, (modrm >> 3) & 7);
        if (mod == 3) {
            ck_assert_uint_eq(in.len, nprefix + 2);
            ck_assert_uint_eq(in.opnd[1].kind, OPK_REG);
            ck_assert_uint_eq(in.opnd[1].reg, rm);
            ck_assert(!in.has_ea);
            continue;
        }
        if (mod == 0 && rm == 6) {      /* [disp16] */
            disp_len = 2, disp = (int16_t)0x9988;
            base = EA_NONE, index = EA_NONE, seg = SEG_DS;
        } else {
            disp_len = mod == 0 ? 0 : mod == 1 ? 1 : 2;
            disp = mod == 0 ? 0 : mod == 1 ? -120 : (int16_t)0x9988;
            base = ea16_rows[rm].base;
            index = ea16_rows[rm].index;
            seg = ea16_rows[rm].ss ? SEG_SS : SEG_DS;
        }
        if (override)
            seg = SEG_ES;
        ck_assert_msg(in.len == nprefix + 2 + disp_len, "modrm %02X: len %u", modrm, in.len);
        ck_assert_msg(in.ea_base == base && in.ea_index == index && in.ea_scale == 0,
                      "modrm %02X: base %u index %u", modrm, in.ea_base, in.ea_index);
        ck_assert_msg(in.disp == disp, "modrm %02X: disp %d", modrm, in.disp);
        ck_assert_msg(in.seg == seg, "modrm %02X: seg %u", modrm, in.seg);
        ck_assert(in.has_ea && !in.has_sib);
        ck_assert_uint_eq(in.opnd[1].kind, OPK_MEM);
        ck_assert_uint_eq(in.opnd[1].size, in.opsize);
    }
}

START_TEST(test_modrm16_every_form)
{
    static const uint8_t addr32[] = { 0x67 }, es[] = { 0x26 };
    check_ea16(MODE16, NULL, 0, 0);
    check_ea16(MODE32, addr32, 1, 0);   /* 67 in 32-bit code */
    check_ea16(MODE16, es, 1, 1);       /* ES override beats the SS default */
}
END_TEST

/* ---- 32-bit ModRM and SIB: every pair (SDM Tables 2-2, 2-3) ---- */

static void check_ea32_one(int d32, const uint8_t *prefix, size_t nprefix, unsigned modrm,
                           unsigned sib, int override)
{
    unsigned mod = modrm >> 6, rm = modrm & 7;
    uint8_t bytes[16];
    size_t n = nprefix, need = 0;
    struct insn in;
    unsigned len = (unsigned)nprefix + 2;
    uint8_t base, index = EA_NONE, scale = 0;
    int32_t disp = 0;
    int has_sib = (rm == 4);

    if (nprefix)                    /* prefix may be NULL */
        memcpy(bytes, prefix, nprefix);
    bytes[n++] = 0x8B;
    bytes[n++] = (uint8_t)modrm;
    if (has_sib)
        bytes[n++] = (uint8_t)sib;
    bytes[n++] = 0x88;                  /* disp8 -120, disp32 0xBBAA9988 */
    bytes[n++] = 0x99;
    bytes[n++] = 0xAA;
    bytes[n++] = 0xBB;
    ck_assert_int_eq(decode_insn(bytes, n, d32, &in, &need), DECODE_OK);
    ck_assert_uint_eq(in.addrsize, 4);

    if (has_sib) {
        len++;
        base = sib & 7;
        if (((sib >> 3) & 7) != 4)      /* index 100b: none, scale ignored */
            index = (sib >> 3) & 7, scale = sib >> 6;
        if (base == 5 && mod == 0)      /* [index*s + disp32] */
            base = EA_NONE;
    } else {
        base = (mod == 0 && rm == 5) ? EA_NONE : rm;     /* [disp32] */
    }
    if (base == EA_NONE || mod == 2)
        len += 4, disp = (int32_t)0xBBAA9988u;
    else if (mod == 1)
        len += 1, disp = -120;
    ck_assert_msg(in.len == len, "modrm %02X sib %02X: len %u, expected %u", modrm, sib, in.len, len);
    ck_assert_msg(in.ea_base == base && in.ea_index == index, "modrm %02X sib %02X: base %u index %u",
                  modrm, sib, in.ea_base, in.ea_index);
    ck_assert_msg(index == EA_NONE || in.ea_scale == scale, "modrm %02X sib %02X: scale", modrm, sib);
    ck_assert_msg(in.disp == disp, "modrm %02X sib %02X: disp %d", modrm, sib, in.disp);
    ck_assert_msg(in.seg == (override ? SEG_FS : (base == REG_ESP || base == REG_EBP) ? SEG_SS : SEG_DS),
                  "modrm %02X sib %02X: seg %u", modrm, sib, in.seg);
    ck_assert(in.has_sib == has_sib && (!has_sib || in.sib == sib));
    ck_assert(in.has_ea);
}

static void check_ea32(int d32, const uint8_t *prefix, size_t nprefix, int override)
{
    for (unsigned modrm = 0; modrm < 0xC0; modrm++) {
        if ((modrm & 7) == 4) {
            for (unsigned sib = 0; sib < 256; sib++)
                check_ea32_one(d32, prefix, nprefix, modrm, sib, override);
        } else {
            check_ea32_one(d32, prefix, nprefix, modrm, 0, override);
        }
    }
}

START_TEST(test_modrm32_every_form)
{
    static const uint8_t addr32[] = { 0x67 }, fs[] = { 0x64 };
    check_ea32(MODE32, NULL, 0, 0);
    check_ea32(MODE16, addr32, 1, 0);   /* 67 in 16-bit code */
    check_ea32(MODE32, fs, 1, 1);
}
END_TEST

START_TEST(test_modrm_spot_checks)
{
    struct insn in;

    in = ok(MODE32, "8B 44 24 08", 4);              /* mov eax, [esp+8] */
    ck_assert(in.ea_base == REG_ESP && in.ea_index == EA_NONE && in.disp == 8 && in.seg == SEG_SS);
    in = ok(MODE32, "8B 04 85 00 10 00 00", 7);     /* mov eax, [eax*4+0x1000] */
    ck_assert(in.ea_base == EA_NONE && in.ea_index == REG_EAX && in.ea_scale == 2);
    ck_assert(in.disp == 0x1000 && in.seg == SEG_DS);
    in = ok(MODE32, "8B 84 CD 78 56 34 12", 7);     /* mov eax, [ebp+ecx*8+0x12345678] */
    ck_assert(in.ea_base == REG_EBP && in.ea_index == REG_ECX && in.ea_scale == 3);
    ck_assert(in.disp == 0x12345678 && in.seg == SEG_SS);
    in = ok(MODE32, "8B 45 FC", 3);                 /* mov eax, [ebp-4] */
    ck_assert(in.ea_base == REG_EBP && in.disp == -4 && in.seg == SEG_SS);
    in = ok(MODE32, "8B 05 78 56 34 12", 6);        /* mov eax, [0x12345678] */
    ck_assert(in.ea_base == EA_NONE && in.ea_index == EA_NONE && in.disp == 0x12345678);
    in = ok(MODE32, "8B 04 25 78 56 34 12", 7);     /* SIB, no base, no index */
    ck_assert(in.ea_base == EA_NONE && in.ea_index == EA_NONE && in.disp == 0x12345678);
    in = ok(MODE32, "8B 04 2C", 3);                 /* mov eax, [esp+ebp]: SS from ESP */
    ck_assert(in.ea_base == REG_ESP && in.ea_index == REG_EBP && in.seg == SEG_SS);
    in = ok(MODE32, "8B 04 2B", 3);                 /* mov eax, [ebx+ebp]: index EBP is DS */
    ck_assert(in.ea_base == REG_EBX && in.ea_index == REG_EBP && in.seg == SEG_DS);
    in = ok(MODE32, "2E 8B 44 24 08", 5);           /* cs: override */
    ck_assert(in.seg == SEG_CS && in.seg_override);
    in = ok(MODE16, "8B 46 02", 3);                 /* mov ax, [bp+2] */
    ck_assert(in.ea_base == REG_EBP && in.ea_index == EA_NONE && in.seg == SEG_SS);
    in = ok(MODE16, "8B 06 34 12", 4);              /* mov ax, [0x1234] */
    ck_assert(in.ea_base == EA_NONE && in.disp == 0x1234 && in.seg == SEG_DS);
    in = ok(MODE16, "8B 87 00 80", 4);              /* mov ax, [bx-0x8000] */
    ck_assert(in.ea_base == REG_EBX && in.disp == -0x8000);
    in = ok(MODE16, "3E 8B 02", 3);                 /* mov ax, ds:[bp+si] */
    ck_assert(in.seg == SEG_DS && in.seg_override && in.ea_base == REG_EBP);
}
END_TEST

/* ---- Prefixes ---- */

START_TEST(test_prefix_any_order_and_repeats)
{
    struct insn in;

    in = ok(MODE32, "26 2E 36 3E 64 65 8B 00", 8);  /* the last segment wins */
    ck_assert(in.seg == SEG_GS && in.seg_override);
    in = ok(MODE32, "65 64 8B 00", 4);
    ck_assert_uint_eq(in.seg, SEG_FS);
    in = ok(MODE32, "66 66 66 B8 34 12", 6);        /* repeats do not toggle back */
    ck_assert_uint_eq(in.opsize, 2);
    ck_assert_uint_eq(in.imm, 0x1234);
    in = ok(MODE32, "67 67 8B 00", 4);
    ck_assert_uint_eq(in.addrsize, 2);
    in = ok(MODE32, "F2 F3 A4", 3);                 /* the last of F2/F3 wins */
    ck_assert_uint_eq(in.rep, REP_E);
    in = ok(MODE32, "F3 F2 A6", 3);
    ck_assert_uint_eq(in.rep, REP_NE);
    in = ok(MODE32, "F3 66 F2 26 A7", 5);
    ck_assert(in.rep == REP_NE && in.opsize == 2 && in.seg == SEG_ES && in.op == OP_CMPS);
    in = ok(MODE32, "F3 A5", 2);
    ck_assert(in.rep == REP_E && in.op == OP_MOVS && in.opnd[0].size == 4);
    in = ok(MODE32, "F3 90", 2);                    /* PAUSE is REP NOP */
    ck_assert(in.op == OP_NOP && in.rep == REP_E);
    in = ok(MODE32, "8B 00", 2);
    ck_assert(!in.seg_override && in.rep == REP_NONE && !in.lock && in.seg == SEG_DS);
    in = ok(MODE32, "F3 8B 00", 3);                 /* REP on a non-string insn: ignored */
    ck_assert(in.op == OP_MOV);
}
END_TEST

START_TEST(test_operand_and_address_size)
{
    struct insn in;

    in = ok(MODE32, "B8 78 56 34 12", 5);
    ck_assert(in.opsize == 4 && in.imm == 0x12345678 && in.opnd[0].size == 4);
    in = ok(MODE32, "66 B8 34 12", 4);
    ck_assert(in.opsize == 2 && in.imm == 0x1234 && in.opnd[0].size == 2);
    in = ok(MODE16, "B8 34 12", 3);
    ck_assert(in.opsize == 2 && in.addrsize == 2);
    in = ok(MODE16, "66 B8 78 56 34 12", 6);
    ck_assert(in.opsize == 4 && in.imm == 0x12345678);
    in = ok(MODE16, "67 8B 00", 3);                 /* mov ax, [eax] */
    ck_assert(in.opsize == 2 && in.addrsize == 4 && in.ea_base == REG_EAX);
    in = ok(MODE16, "66 67 8B 04 24", 5);           /* mov eax, [esp] */
    ck_assert(in.opsize == 4 && in.addrsize == 4 && in.ea_base == REG_ESP && in.seg == SEG_SS);
    in = ok(MODE32, "83 C0 FF", 3);                 /* add eax, -1 */
    ck_assert(in.op == OP_ADD && in.imm == 0xFFFFFFFFu && in.opnd[1].kind == OPK_IMM);
    in = ok(MODE32, "66 83 C0 80", 4);              /* add ax, -128 */
    ck_assert_uint_eq(in.imm, 0xFF80);
    in = ok(MODE32, "6A FE", 2);                    /* push -2 */
    ck_assert(in.op == OP_PUSH && in.imm == 0xFFFFFFFEu && in.opnd[0].size == 4);
    in = ok(MODE16, "68 34 12", 3);
    ck_assert(in.op == OP_PUSH && in.imm == 0x1234 && in.opnd[0].size == 2);
    in = ok(MODE32, "69 C0 78 56 34 12", 6);        /* imul eax, eax, imm32 */
    ck_assert(in.op == OP_IMUL && in.nopnd == 3 && in.imm == 0x12345678);
    in = ok(MODE32, "66 6B C0 FF", 4);              /* imul ax, ax, -1 */
    ck_assert(in.op == OP_IMUL && in.imm == 0xFFFF);
    in = ok(MODE32, "F7 C0 78 56 34 12", 6);        /* test eax, imm32 */
    ck_assert(in.op == OP_TEST && in.imm == 0x12345678);
    in = ok(MODE32, "66 F7 C0 34 12", 5);
    ck_assert_uint_eq(in.imm, 0x1234);
    in = ok(MODE32, "F6 C8 12", 3);                 /* F6 /1: TEST alias */
    ck_assert(in.op == OP_TEST && in.imm == 0x12);
    in = ok(MODE32, "C2 08 00", 3);                 /* ret 8: imm16 always */
    ck_assert(in.op == OP_RET && in.imm == 8);
    in = ok(MODE32, "66 CA 08 00", 4);
    ck_assert(in.op == OP_RETF && in.imm == 8 && in.opsize == 2);
}
END_TEST

/* ---- LOCK (SDM Vol. 2A, LOCK) ---- */

START_TEST(test_lock_allowed)
{
    static const char *const allowed[] = {
        "F0 01 00",             /* add [eax], eax */
        "F0 00 00",             /* add [eax], al */
        "F0 09 00", "F0 11 00", "F0 19 00", "F0 21 00", "F0 29 00", "F0 31 00",
        "F0 80 00 05",          /* add byte [eax], 5 */
        "F0 81 30 01 00 00 00", /* xor dword [eax], 1 */
        "F0 82 08 05",          /* or byte [eax], 5 (82 alias of 80) */
        "F0 83 18 05",          /* sbb dword [eax], 5 */
        "F0 86 00", "F0 87 00", /* xchg */
        "F0 F6 10", "F0 F7 18", /* not, neg */
        "F0 FE 00", "F0 FF 08", /* inc, dec */
        "F0 0F AB 00", "F0 0F B3 00", "F0 0F BB 00",   /* bts, btr, btc */
        "F0 0F BA 28 05", "F0 0F BA 30 05", "F0 0F BA 38 05",
        "F0 0F B0 00", "F0 0F B1 00",                   /* cmpxchg */
        "F0 0F C0 00", "F0 0F C1 00",                   /* xadd */
        "F0 0F C7 08",                                  /* cmpxchg8b */
        "3E F0 66 01 00",       /* any position among the prefixes */
        "F0 F0 01 00",          /* repeated */
        "F2 F0 01 00",          /* F2/F3 before or after do not cancel it */
    };
    for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++) {
        struct insn in;
        ck_assert_msg(dec(MODE32, allowed[i], &in) == DECODE_OK, "%s", allowed[i]);
        ck_assert_msg(in.lock, "%s: lock not set", allowed[i]);
    }
}
END_TEST

START_TEST(test_lock_refused)
{
    static const char *const refused[] = {
        "F0 01 C0",             /* add eax, eax: register destination */
        "F0 03 00",             /* add eax, [eax]: register destination */
        "F0 02 00",
        "F0 89 00",             /* mov */
        "F0 8B 00",
        "F0 C7 00 01 00 00 00",
        "F0 39 00",             /* cmp */
        "F0 38 00",
        "F0 80 38 05",          /* cmp byte [eax], 5 */
        "F0 83 38 05",
        "F0 85 00",             /* test */
        "F0 F6 00 05",
        "F0 0F A3 00",          /* bt */
        "F0 0F BA 20 05",
        "F0 F6 20",             /* mul */
        "F0 FF 30",             /* push */
        "F0 FE C0",             /* inc al */
        "F0 86 C0",             /* xchg al, al */
        "F0 0F C7 C8",          /* cmpxchg8b with mod=3 (#UD anyway) */
        "F0 90", "F0 40", "F0 A4", "F0 D9 00", "F0 0F 1F 00", "F0 8D 00",
        "F0 0F 22 C0",          /* mov cr0, eax (AMD's CR8 alias: not on Intel) */
        "F0 F2 01 C0",
        "F0 F3 40",             /* a later F3 does not hide the LOCK */
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        ud(MODE32, refused[i]);
}
END_TEST

/* ---- The 15-byte limit: #GP(0) (SDM Vol. 2A, 2.3.11) ---- */

START_TEST(test_length_limit)
{
    struct insn in;

    /* add dword [eax], imm32 is 6 bytes: 9 prefixes make 15, 10 make 16. */
    in = ok(MODE32, "3E 3E 3E 3E 3E 3E 3E 3E 3E 81 00 78 56 34 12", 15);
    ck_assert(in.op == OP_ADD && in.imm == 0x12345678);
    expect_status(MODE32, "3E 3E 3E 3E 3E 3E 3E 3E 3E 3E 81 00 78 56 34 12", DECODE_TOO_LONG);
    /* 14 prefixes and a NOP is 15; 15 prefixes leave no room. */
    ok(MODE32, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 90", 15);
    expect_status(MODE32, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 90", DECODE_TOO_LONG);
    expect_status(MODE32, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 66", DECODE_TOO_LONG);
    /* The longest natural form: 66 67 prefixes, [disp32 + SIB], imm. */
    in = ok(MODE32, "26 66 F0 81 84 88 78 56 34 12 34 12", 12);
    ck_assert(in.opsize == 2 && in.imm == 0x1234 && in.disp == 0x12345678);
    in = ok(MODE32, "26 26 26 F0 81 84 88 78 56 34 12 78 56 34 12", 15);
    ck_assert(in.lock && in.imm == 0x12345678 && in.ea_base == REG_EAX && in.ea_index == REG_ECX);
    expect_status(MODE32, "26 26 26 26 F0 81 84 88 78 56 34 12 78 56 34 12", DECODE_TOO_LONG);
    ck_assert_int_eq(dec(MODE32, "26 26 26 26 F0 81 84 88 78 56 34 12 78 56 34 12", &in),
                     DECODE_TOO_LONG);
    ck_assert_uint_eq(in.len, 15);
    /* Too long is known without the missing bytes once the ModRM says so:
     * 11 prefixes + 81 /0 with disp32 and imm32 is 21 bytes. */
    expect_status(MODE32, "3E 3E 3E 3E 3E 3E 3E 3E 3E 3E 3E 81 80", DECODE_TOO_LONG);
    /* The same in 16-bit code: 12 prefixes + C7 06 disp16 imm16 = 18. */
    expect_status(MODE16, "2E 2E 2E 2E 2E 2E 2E 2E 2E 2E 2E 2E C7 06 34 12 78 56", DECODE_TOO_LONG);
    ok(MODE16, "2E 2E 2E 2E 2E 2E 2E 2E 2E C7 06 34 12 78 56", 15);
    /* An invalid opcode is #UD before the length matters. */
    ud(MODE32, "3E 3E 3E 3E 3E 3E 3E 3E 3E 3E 3E 3E 3E 8F C8");
}
END_TEST

/* ---- Truncated input: DECODE_NEED_MORE and `need` ---- */

static void need_more(int d32, const char *hex, size_t want)
{
    uint8_t bytes[32];
    size_t n = parse_hex(hex, bytes, sizeof bytes), need = 0;
    struct insn in;
    enum decode_status st = decode_insn(bytes, n, d32, &in, &need);
    ck_assert_msg(st == DECODE_NEED_MORE, "%s: status %d, expected NEED_MORE", hex, st);
    ck_assert_msg(need == want, "%s: need %zu, expected %zu", hex, need, want);
}

START_TEST(test_need_more)
{
    uint8_t none[1] = { 0 };
    size_t need = 0;
    struct insn in;

    ck_assert_int_eq(decode_insn(none, 0, 1, &in, &need), DECODE_NEED_MORE);
    ck_assert_uint_eq(need, 1);
    ck_assert_int_eq(decode_insn(none, 0, 1, &in, NULL), DECODE_NEED_MORE);  /* need optional */
    need_more(MODE32, "66", 2);
    need_more(MODE32, "F0 F3 26", 4);
    need_more(MODE32, "0F", 2);
    need_more(MODE32, "8B", 2);                 /* ModRM missing */
    need_more(MODE32, "8B 80", 6);              /* disp32 missing */
    need_more(MODE32, "8B 80 00 00 00", 6);
    need_more(MODE32, "8B 04", 3);              /* SIB missing: at least 3 */
    need_more(MODE32, "8B 04 25", 7);           /* SIB says disp32 */
    need_more(MODE16, "8B 06", 4);              /* 16-bit [disp16] */
    need_more(MODE16, "8B 46", 3);
    need_more(MODE32, "B8 01 02", 5);
    need_more(MODE32, "66 B8 01", 4);
    need_more(MODE32, "C7 00 01 02 03", 6);
    need_more(MODE32, "0F 84 00 00", 6);
    need_more(MODE32, "EA 00 00 00 00 08", 7);
    need_more(MODE32, "C8 10 00", 4);
    need_more(MODE32, "A1 00 00", 5);
    need_more(MODE32, "67 A1 00", 4);
    need_more(MODE32, "0F BA 20", 4);
    need_more(MODE32, "D9 05 00", 6);           /* x87 memory operand */
    /* An invalid opcode or ModRM is #UD even when bytes would be missing. */
    ud(MODE32, "8D C0");
    ud(MODE32, "C6 C8");
    ud(MODE32, "FF FF");
    ud(MODE32, "F0 81 38");
}
END_TEST

/* ---- Invalid encodings ---- */

START_TEST(test_invalid_group_forms)
{
    static const char *const invalid[] = {
        "8F C8", "8F 08", "8F 38",              /* 8F /1-/7 */
        "C6 C8 00", "C6 08 00", "C6 F8 00",     /* C6 /1-/7 (C6 F8 is TSX's XABORT) */
        "C7 C8 00 00 00 00", "C7 F8 00 00 00 00",
        "FE D0", "FE 10", "FE 38",              /* FE /2-/7 */
        "FF F8", "FF 38",                       /* FF /7 */
        "FF D8", "FF E8",                       /* far CALL/JMP indirect with mod=3 */
        "0F 00 F0", "0F 00 30", "0F 00 38",     /* 0F 00 /6, /7 */
        "0F 01 28", "0F 01 E8",                 /* 0F 01 /5 */
        "0F 01 C0", "0F 01 C8", "0F 01 D0", "0F 01 D8", "0F 01 F8",  /* SGDT.. with mod=3 */
        "0F 01 C9", "0F 01 F9",                 /* MWAIT, RDTSCP on later CPUs */
        "0F BA 00 00", "0F BA 08 00", "0F BA 10 00", "0F BA 18 00", /* 0F BA /0-/3 */
        "0F C7 00", "0F C7 10", "0F C7 38",     /* 0F C7 other than /1 */
        "0F C7 C8",                             /* CMPXCHG8B with mod=3 */
        "8D C0",                                /* LEA */
        "C4 C0", "C5 C0",                       /* LES, LDS (VEX on later CPUs) */
        "62 C0",                                /* BOUND */
        "0F B2 C0", "0F B4 C0", "0F B5 C0",     /* LSS, LFS, LGS */
    };
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++)
        ud(MODE32, invalid[i]);
    /* The valid neighbours of those. */
    ok(MODE32, "8F C0", 2);
    ok(MODE32, "C6 C0 12", 3);
    ok(MODE32, "FE C8", 2);
    ok(MODE32, "FF F0", 2);                     /* push eax */
    ok(MODE32, "FF 18", 2);                     /* call far [eax] */
    ok(MODE32, "0F 00 E8", 3);                  /* verw ax */
    ok(MODE32, "0F 01 E0", 3);                  /* smsw eax */
    ok(MODE32, "0F 01 F0", 3);                  /* lmsw ax */
    ok(MODE32, "0F 01 38", 3);                  /* invlpg [eax] */
    ok(MODE32, "0F BA E0 05", 4);               /* bt eax, 5 */
    ok(MODE32, "0F C7 08", 3);
}
END_TEST

START_TEST(test_invalid_opcodes)
{
    /* Holes of the maps on this CPU: SSE/MMX/3DNow!, SYSCALL, MOV TRn,
     * LOADALL, UD0/UD1, and the prefix bytes' 0F-map twins. */
    static const char *const invalid[] = {
        "0F 04", "0F 05", "0F 07", "0F 0A", "0F 0C", "0F 0D 00", "0F 0E", "0F 0F 00 00",
        "0F 10 00", "0F 17 00", "0F 24 C0", "0F 26 C0", "0F 27", "0F 28 00", "0F 36",
        "0F 37", "0F 38 00 00", "0F 3A 00 00 00", "0F 3F", "0F 50 00", "0F 6F 00",
        "0F 77", "0F 7F 00", "0F A6", "0F A7", "0F AE 10", "0F AE C0", "0F B8 00", "0F B9 00",
        "0F C2 00 00", "0F C3 00", "0F C6 00 00", "0F D0 00", "0F FF 00", "0F 0F",
        "D9 08", "DB 08", "DB 20", "DB 30", "DD 08", "DD 28", "DF 08",
    };
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++)
        ud(MODE32, invalid[i]);
}
END_TEST

/* 0F AE /0 and /1: FXSAVE and FXRSTOR (memory only); the rest of group
 * 15 came with SSE and is #UD. */
START_TEST(test_fxsave_fxrstor)
{
    struct insn in = ok(MODE32, "0F AE 00", 3);
    ck_assert_uint_eq(in.op, OP_FXSAVE);
    ck_assert(in.has_ea);
    in = ok(MODE32, "0F AE 8C 24 00 02 00 00", 8);
    ck_assert_uint_eq(in.op, OP_FXRSTOR);
    in = ok(MODE16, "0F AE 0F", 3);
    ck_assert_uint_eq(in.op, OP_FXRSTOR);
    ud(MODE32, "0F AE C8");
    ud(MODE32, "0F AE 18");
    ud(MODE32, "F0 0F AE 00");
}
END_TEST

START_TEST(test_ud_reports_what_was_read)
{
    struct insn in;

    ck_assert_int_eq(dec(MODE32, "66 F3 0F FF", &in), DECODE_UD);
    ck_assert_uint_eq(in.len, 4);
    ck_assert_uint_eq(in.opcode, 0x1FF);
    ck_assert(in.opsize == 2 && in.rep == REP_E && !in.has_modrm);
    ck_assert_int_eq(dec(MODE16, "26 8F C8", &in), DECODE_UD);
    ck_assert_uint_eq(in.len, 3);
    ck_assert(in.opcode == 0x8F && in.has_modrm && in.modrm == 0xC8 && in.seg == SEG_ES);
}
END_TEST

/* ---- Segment and control register moves ---- */

START_TEST(test_mov_sreg_and_cr)
{
    struct insn in;

    in = ok(MODE32, "8E D0", 2);                /* mov ss, ax */
    ck_assert(in.op == OP_MOV_TO_SREG && in.opnd[0].kind == OPK_SREG && in.opnd[0].reg == SEG_SS);
    ck_assert(in.opnd[1].kind == OPK_REG && in.opnd[1].size == 2);
    in = ok(MODE32, "8E 18", 2);                /* mov ds, [eax] */
    ck_assert(in.opnd[1].kind == OPK_MEM && in.opnd[1].size == 2);
    /* MOV CS, r/m is #UD (SDM Vol. 2B, MOV): the decoder refuses it. */
    ud(MODE32, "8E C8");
    ud(MODE32, "8E 08");
    ud(MODE32, "8E F0");                        /* Sreg 6 */
    ud(MODE32, "8E 38");                        /* Sreg 7 */
    ud(MODE32, "8C F0");
    in = ok(MODE32, "8C C8", 2);                /* mov eax, cs: register is opsize */
    ck_assert(in.op == OP_MOV_FROM_SREG && in.opnd[0].kind == OPK_REG && in.opnd[0].size == 4);
    ck_assert(in.opnd[1].kind == OPK_SREG && in.opnd[1].reg == SEG_CS);
    in = ok(MODE32, "8C 20", 2);                /* mov [eax], fs: memory is 16-bit */
    ck_assert(in.opnd[0].kind == OPK_MEM && in.opnd[0].size == 2 && in.opnd[1].reg == SEG_FS);

    in = ok(MODE32, "0F 20 C3", 3);             /* mov ebx, cr0 */
    ck_assert(in.op == OP_MOV_FROM_CR && in.opnd[0].reg == REG_EBX && in.opnd[1].kind == OPK_CREG);
    ck_assert_uint_eq(in.opnd[1].reg, 0);
    in = ok(MODE32, "0F 22 E0", 3);             /* mov cr4, eax */
    ck_assert(in.op == OP_MOV_TO_CR && in.opnd[0].reg == 4 && in.opnd[1].reg == REG_EAX);
    ok(MODE32, "0F 22 D0", 3);                  /* cr2 */
    ok(MODE32, "0F 22 D8", 3);                  /* cr3 */
    ud(MODE32, "0F 22 C8");                     /* cr1 */
    ud(MODE32, "0F 22 E8");                     /* cr5 */
    ud(MODE32, "0F 20 F0");                     /* cr6 */
    ud(MODE32, "0F 20 F8");                     /* cr7 */
    /* mod is ignored: 0F 20 00 is mov eax, cr0 with no displacement. */
    in = ok(MODE32, "0F 20 80", 3);
    ck_assert(in.opnd[0].kind == OPK_REG && in.opnd[0].reg == REG_EAX && !in.has_ea);
    in = ok(MODE16, "0F 21 FA", 3);             /* mov edx, dr7: 32-bit in any mode */
    ck_assert(in.op == OP_MOV_FROM_DR && in.opnd[1].kind == OPK_DREG && in.opnd[1].reg == 7);
    ck_assert_uint_eq(in.opnd[0].size, 4);
    in = ok(MODE32, "0F 23 E0", 3);             /* DR4: left to execution (CR4.DE) */
    ck_assert(in.op == OP_MOV_TO_DR && in.opnd[0].reg == 4);
}
END_TEST

/* ---- Operand forms without ModRM ---- */

START_TEST(test_moffs)
{
    struct insn in;

    in = ok(MODE32, "A1 78 56 34 12", 5);
    ck_assert(in.op == OP_MOV && in.opnd[0].kind == OPK_REG && in.opnd[1].kind == OPK_MEM);
    ck_assert(in.disp == 0x12345678 && in.ea_base == EA_NONE && in.ea_index == EA_NONE);
    ck_assert(in.has_ea && in.seg == SEG_DS && in.opnd[1].size == 4);
    in = ok(MODE32, "67 A1 34 12", 4);          /* 16-bit offset */
    ck_assert(in.disp == 0x1234 && in.addrsize == 2);
    in = ok(MODE32, "67 A0 FF FF", 4);          /* moffs is zero-extended */
    ck_assert(in.disp == 0xFFFF && in.opnd[1].size == 1);
    in = ok(MODE16, "A1 34 12", 3);
    ck_assert(in.disp == 0x1234 && in.opnd[1].size == 2);
    in = ok(MODE16, "67 A3 78 56 34 12", 6);
    ck_assert(in.disp == 0x12345678 && in.opnd[0].kind == OPK_MEM && in.opnd[1].kind == OPK_REG);
    in = ok(MODE16, "66 A3 34 12", 4);          /* operand size only changes eAX */
    ck_assert(in.disp == 0x1234 && in.opnd[0].size == 4);
    in = ok(MODE32, "64 A2 78 56 34 12", 6);
    ck_assert(in.seg == SEG_FS && in.opnd[0].size == 1);
}
END_TEST

START_TEST(test_enter_and_far_pointers)
{
    struct insn in;

    in = ok(MODE32, "C8 10 00 02", 4);          /* enter 16, 2 */
    ck_assert(in.op == OP_ENTER && in.imm == 0x10 && in.imm2 == 2);
    in = ok(MODE16, "C8 FF FF FF", 4);
    ck_assert(in.imm == 0xFFFF && in.imm2 == 0xFF);

    in = ok(MODE32, "9A 78 56 34 12 CD AB", 7); /* call far 0xABCD:0x12345678 */
    ck_assert(in.op == OP_CALL_FAR && in.opnd[0].kind == OPK_FAR);
    ck_assert(in.imm == 0x12345678 && in.imm2 == 0xABCD && in.opnd[0].size == 6);
    in = ok(MODE32, "66 9A 34 12 CD AB", 6);
    ck_assert(in.imm == 0x1234 && in.imm2 == 0xABCD && in.opnd[0].size == 4);
    in = ok(MODE16, "EA 34 12 00 F0", 5);       /* jmp far 0xF000:0x1234 */
    ck_assert(in.op == OP_JMP_FAR && in.imm == 0x1234 && in.imm2 == 0xF000);
    in = ok(MODE16, "66 EA 78 56 34 12 08 00", 8);
    ck_assert(in.imm == 0x12345678 && in.imm2 == 8);

    in = ok(MODE32, "FF 18", 2);                /* call far [eax]: m16:32 */
    ck_assert(in.op == OP_CALL_FAR_IND && in.opnd[0].kind == OPK_MEM && in.opnd[0].size == 6);
    in = ok(MODE16, "FF 2F", 2);                /* jmp far [bx]: m16:16 */
    ck_assert(in.op == OP_JMP_FAR_IND && in.opnd[0].size == 4);
    in = ok(MODE32, "C4 00", 2);                /* les eax, [eax] */
    ck_assert(in.op == OP_LES && in.opnd[1].size == 6);
    in = ok(MODE32, "66 0F B2 00", 4);          /* lss ax, [eax] */
    ck_assert(in.op == OP_LSS && in.opnd[1].size == 4);
    in = ok(MODE32, "62 00", 2);                /* bound eax, [eax]: two dwords */
    ck_assert(in.op == OP_BOUND && in.opnd[1].size == 8);
    in = ok(MODE32, "0F 01 10", 3);             /* lgdt [eax]: 6 bytes */
    ck_assert(in.op == OP_LGDT && in.opnd[0].size == 6);
}
END_TEST

START_TEST(test_relative_branches)
{
    struct insn in;

    in = ok(MODE32, "75 80", 2);                /* jne rel8 -128 */
    ck_assert(in.op == OP_JCC && in.cond == 5 && in.imm == 0xFFFFFF80u && in.opnd[0].kind == OPK_REL);
    in = ok(MODE32, "EB 7F", 2);
    ck_assert(in.op == OP_JMP && in.imm == 0x7F);
    in = ok(MODE32, "0F 84 FE FF FF FF", 6);    /* je rel32 */
    ck_assert(in.op == OP_JCC && in.cond == 4 && in.imm == 0xFFFFFFFEu);
    in = ok(MODE32, "66 0F 84 FE FF", 5);       /* je rel16 */
    ck_assert(in.cond == 4 && in.imm == 0xFFFFFFFEu && in.opsize == 2);
    in = ok(MODE16, "0F 8F 00 80", 4);          /* jg rel16 -0x8000 */
    ck_assert(in.cond == 0xF && in.imm == 0xFFFF8000u);
    in = ok(MODE16, "66 0F 80 00 00 00 80", 7); /* jo rel32 in 16-bit code */
    ck_assert(in.cond == 0 && in.imm == 0x80000000u);
    in = ok(MODE32, "E8 00 00 00 00", 5);
    ck_assert(in.op == OP_CALL && in.imm == 0);
    in = ok(MODE32, "66 E8 FD FF", 4);
    ck_assert(in.op == OP_CALL && in.imm == 0xFFFFFFFDu);
    in = ok(MODE32, "F2 66 E8 FD FF", 5);       /* F2 does not change the size */
    ck_assert(in.op == OP_CALL && in.imm == 0xFFFFFFFDu);
    in = ok(MODE16, "E9 00 80", 3);
    ck_assert(in.op == OP_JMP && in.imm == 0xFFFF8000u);
    in = ok(MODE32, "E3 FE", 2);                /* jecxz */
    ck_assert(in.op == OP_JCXZ && in.addrsize == 4);
    in = ok(MODE32, "67 E2 FE", 3);             /* loop with CX */
    ck_assert(in.op == OP_LOOP && in.addrsize == 2 && in.imm == 0xFFFFFFFEu);
    ok(MODE32, "E0 00", 2);
    ok(MODE32, "E1 00", 2);
}
END_TEST

/* ---- Group resolution and the one-byte map ---- */

START_TEST(test_groups)
{
    static const uint16_t grp1[8] = { OP_ADD, OP_OR, OP_ADC, OP_SBB, OP_AND, OP_SUB, OP_XOR, OP_CMP };
    static const uint16_t grp2[8] = { OP_ROL, OP_ROR, OP_RCL, OP_RCR, OP_SHL, OP_SHR, OP_SAL, OP_SAR };
    static const uint16_t grp3[8] = { OP_TEST, OP_TEST, OP_NOT, OP_NEG, OP_MUL, OP_IMUL1, OP_DIV, OP_IDIV };
    struct insn in;
    char hex[32];

    for (unsigned reg = 0; reg < 8; reg++) {
        unsigned modrm = 0xC0 | (reg << 3) | 1;   /* ecx / cl */
        snprintf(hex, sizeof hex, "80 %02X 05", modrm);
        in = ok(MODE32, hex, 3);
        ck_assert(in.op == grp1[reg] && in.opnd[0].size == 1 && in.opnd[0].reg == REG_ECX);
        snprintf(hex, sizeof hex, "81 %02X 78 56 34 12", modrm);
        in = ok(MODE32, hex, 6);
        ck_assert(in.op == grp1[reg] && in.imm == 0x12345678);
        snprintf(hex, sizeof hex, "C1 %02X 05", modrm);
        in = ok(MODE32, hex, 3);
        ck_assert(in.op == grp2[reg] && in.opnd[1].kind == OPK_IMM && in.imm == 5);
        snprintf(hex, sizeof hex, "D0 %02X", modrm);
        in = ok(MODE32, hex, 2);
        ck_assert(in.op == grp2[reg] && in.opnd[1].kind == OPK_CONST1 && in.opnd[0].size == 1);
        snprintf(hex, sizeof hex, "D3 %02X", modrm);
        in = ok(MODE32, hex, 2);
        ck_assert(in.op == grp2[reg] && in.opnd[1].kind == OPK_REG && in.opnd[1].reg == REG_ECX);
        ck_assert_uint_eq(in.opnd[1].size, 1);
        snprintf(hex, sizeof hex, "F7 %02X%s", modrm, reg < 2 ? " 78 56 34 12" : "");
        in = ok(MODE32, hex, reg < 2 ? 6 : 2);  /* only TEST has an immediate */
        ck_assert(in.op == grp3[reg] && in.opnd[0].size == 4);
    }
    in = ok(MODE32, "FF 10", 2);
    ck_assert(in.op == OP_CALL_IND && in.opnd[0].size == 4);
    in = ok(MODE32, "66 FF E0", 3);
    ck_assert(in.op == OP_JMP_IND && in.opnd[0].kind == OPK_REG && in.opnd[0].size == 2);
    in = ok(MODE32, "FF 30", 2);
    ck_assert_uint_eq(in.op, OP_PUSH);
    in = ok(MODE32, "8F 00", 2);
    ck_assert(in.op == OP_POP && in.opnd[0].kind == OPK_MEM);
    in = ok(MODE32, "C7 00 78 56 34 12", 6);
    ck_assert(in.op == OP_MOV && in.imm == 0x12345678);
    in = ok(MODE32, "0F 00 D8", 3);
    ck_assert(in.op == OP_LTR && in.opnd[0].size == 2);
    in = ok(MODE32, "0F 00 C0", 3);             /* sldt eax */
    ck_assert(in.op == OP_SLDT && in.opnd[0].size == 4);
    in = ok(MODE32, "0F 00 00", 3);             /* sldt [eax]: 16-bit store */
    ck_assert(in.op == OP_SLDT && in.opnd[0].size == 2);
    in = ok(MODE32, "0F 00 20", 3);
    ck_assert_uint_eq(in.op, OP_VERR);
    in = ok(MODE32, "0F 01 08", 3);
    ck_assert(in.op == OP_SIDT && in.opnd[0].size == 6);
    in = ok(MODE32, "0F 01 18", 3);
    ck_assert_uint_eq(in.op, OP_LIDT);
    in = ok(MODE32, "0F 01 00", 3);
    ck_assert_uint_eq(in.op, OP_SGDT);
    in = ok(MODE32, "0F BA F8 1F", 4);
    ck_assert(in.op == OP_BTC && in.imm == 0x1F);
    in = ok(MODE32, "0F C7 0C 24", 4);          /* cmpxchg8b [esp] */
    ck_assert(in.op == OP_CMPXCHG8B && in.opnd[0].size == 8 && in.seg == SEG_SS);
}
END_TEST

START_TEST(test_one_byte_map)
{
    struct insn in;

    in = ok(MODE32, "00 C8", 2);                /* add al, cl */
    ck_assert(in.op == OP_ADD && in.opnd[0].reg == REG_EAX && in.opnd[1].reg == REG_ECX);
    ck_assert_uint_eq(in.opnd[0].size, 1);
    in = ok(MODE32, "2B 0B", 2);                /* sub ecx, [ebx] */
    ck_assert(in.op == OP_SUB && in.opnd[0].kind == OPK_REG && in.opnd[1].kind == OPK_MEM);
    in = ok(MODE32, "3C 7F", 2);                /* cmp al, 0x7f */
    ck_assert(in.op == OP_CMP && in.opnd[0].size == 1 && in.imm == 0x7F);
    in = ok(MODE32, "66 3D 34 12", 4);
    ck_assert(in.op == OP_CMP && in.imm == 0x1234 && in.opnd[0].size == 2);
    in = ok(MODE32, "47", 1);
    ck_assert(in.op == OP_INC && in.opnd[0].reg == REG_EDI);
    in = ok(MODE32, "5D", 1);
    ck_assert(in.op == OP_POP && in.opnd[0].reg == REG_EBP);
    in = ok(MODE32, "0E", 1);
    ck_assert(in.op == OP_PUSH_SREG && in.opnd[0].kind == OPK_SREG && in.opnd[0].reg == SEG_CS);
    in = ok(MODE32, "17", 1);
    ck_assert(in.op == OP_POP_SREG && in.opnd[0].reg == SEG_SS);
    in = ok(MODE32, "0F A9", 2);
    ck_assert(in.op == OP_POP_SREG && in.opnd[0].reg == SEG_GS);
    in = ok(MODE32, "93", 1);
    ck_assert(in.op == OP_XCHG && in.opnd[0].reg == REG_EBX && in.opnd[1].reg == REG_EAX);
    in = ok(MODE32, "90", 1);
    ck_assert_uint_eq(in.op, OP_NOP);
    in = ok(MODE32, "B4 12", 2);                /* mov ah, 0x12 */
    ck_assert(in.op == OP_MOV && in.opnd[0].reg == 4 && in.opnd[0].size == 1 && in.imm == 0x12);
    in = ok(MODE32, "8D 04 40", 3);             /* lea eax, [eax+eax*2] */
    ck_assert(in.op == OP_LEA && in.ea_base == REG_EAX && in.ea_index == REG_EAX && in.ea_scale == 1);
    in = ok(MODE32, "E4 60", 2);
    ck_assert(in.op == OP_IN && in.imm == 0x60 && in.opnd[0].size == 1);
    in = ok(MODE32, "66 EF", 2);                /* out dx, ax */
    ck_assert(in.op == OP_OUT && in.opnd[0].reg == REG_EDX && in.opnd[0].size == 2);
    ck_assert_uint_eq(in.opnd[1].size, 2);
    in = ok(MODE32, "6D", 1);
    ck_assert(in.op == OP_INS && in.opnd[0].size == 4);
    in = ok(MODE16, "AC", 1);
    ck_assert(in.op == OP_LODS && in.opnd[0].size == 1 && in.addrsize == 2);
    in = ok(MODE32, "CD 21", 2);
    ck_assert(in.op == OP_INT && in.imm == 0x21);
    in = ok(MODE32, "D4 0A", 2);
    ck_assert(in.op == OP_AAM && in.imm == 10);
    ck_assert_uint_eq(ok(MODE32, "D6", 1).op, OP_SALC);
    ck_assert_uint_eq(ok(MODE32, "F1", 1).op, OP_INT1);
    ck_assert_uint_eq(ok(MODE32, "CC", 1).op, OP_INT3);
    ck_assert_uint_eq(ok(MODE32, "CE", 1).op, OP_INTO);
    ck_assert_uint_eq(ok(MODE32, "CF", 1).op, OP_IRET);
    ck_assert_uint_eq(ok(MODE32, "D7", 1).op, OP_XLAT);
    ck_assert_uint_eq(ok(MODE32, "9B", 1).op, OP_WAIT);
    ck_assert_uint_eq(ok(MODE32, "F4", 1).op, OP_HLT);
    ck_assert_uint_eq(ok(MODE32, "60", 1).op, OP_PUSHA);
    ck_assert_uint_eq(ok(MODE32, "9D", 1).op, OP_POPF);
    ck_assert_uint_eq(ok(MODE32, "99", 1).op, OP_CWD);
    ck_assert_uint_eq(ok(MODE32, "C9", 1).op, OP_LEAVE);
    ck_assert_uint_eq(ok(MODE32, "27", 1).op, OP_DAA);
    in = ok(MODE32, "63 C8", 2);                /* arpl ax, cx */
    ck_assert(in.op == OP_ARPL && in.opnd[0].size == 2 && in.opnd[1].reg == REG_ECX);
}
END_TEST

/* ---- The 0F map of 386, 486, Pentium and P6 ---- */

START_TEST(test_0f_map)
{
    struct insn in;

    in = ok(MODE32, "0F B6 C1", 3);             /* movzx eax, cl */
    ck_assert(in.op == OP_MOVZX && in.opnd[0].size == 4 && in.opnd[1].size == 1);
    in = ok(MODE32, "66 0F BF 00", 4);          /* movsx ax, word [eax] */
    ck_assert(in.op == OP_MOVSX && in.opnd[0].size == 2 && in.opnd[1].size == 2);
    in = ok(MODE32, "0F A3 C8", 3);
    ck_assert(in.op == OP_BT && in.opnd[1].reg == REG_ECX);
    in = ok(MODE32, "0F BC C1", 3);
    ck_assert_uint_eq(in.op, OP_BSF);
    in = ok(MODE32, "0F BD C1", 3);
    ck_assert_uint_eq(in.op, OP_BSR);
    in = ok(MODE32, "0F A4 C8 04", 4);          /* shld eax, ecx, 4 */
    ck_assert(in.op == OP_SHLD && in.nopnd == 3 && in.imm == 4);
    in = ok(MODE32, "0F AD C8", 3);             /* shrd eax, ecx, cl */
    ck_assert(in.op == OP_SHRD && in.opnd[2].kind == OPK_REG && in.opnd[2].reg == REG_ECX);
    in = ok(MODE32, "0F 9C C0", 3);             /* setl al */
    ck_assert(in.op == OP_SETCC && in.cond == 0xC && in.opnd[0].size == 1);
    in = ok(MODE32, "0F 47 C1", 3);             /* cmova eax, ecx */
    ck_assert(in.op == OP_CMOV && in.cond == 7);
    in = ok(MODE32, "0F AF C1", 3);
    ck_assert(in.op == OP_IMUL && in.nopnd == 2);
    in = ok(MODE32, "0F CB", 2);                /* bswap ebx */
    ck_assert(in.op == OP_BSWAP && in.opnd[0].reg == REG_EBX);
    in = ok(MODE32, "0F B1 0B", 3);             /* cmpxchg [ebx], ecx */
    ck_assert(in.op == OP_CMPXCHG && in.opnd[0].kind == OPK_MEM);
    in = ok(MODE32, "0F C0 C1", 3);             /* xadd cl, al */
    ck_assert(in.op == OP_XADD && in.opnd[0].size == 1);
    in = ok(MODE32, "0F 1F 44 00 00", 5);       /* the multi-byte NOPs */
    ck_assert(in.op == OP_NOP && in.has_ea);
    ok(MODE32, "66 0F 1F 84 00 00 00 00 00", 9);
    ok(MODE32, "0F 1F 00", 3);
    ok(MODE32, "0F 1F C0", 3);                  /* register form: also a NOP */
    ok(MODE32, "0F 18 00", 3);                  /* hint NOPs 0F 18-0F 1E */
    ok(MODE32, "0F 1E C0", 3);
    in = ok(MODE32, "0F 02 C1", 3);
    ck_assert(in.op == OP_LAR && in.opnd[1].size == 2);
    ck_assert_uint_eq(ok(MODE32, "0F 03 00", 3).op, OP_LSL);
    ck_assert_uint_eq(ok(MODE32, "0F 06", 2).op, OP_CLTS);
    ck_assert_uint_eq(ok(MODE32, "0F 08", 2).op, OP_INVD);
    ck_assert_uint_eq(ok(MODE32, "0F 09", 2).op, OP_WBINVD);
    ck_assert_uint_eq(ok(MODE32, "0F 0B", 2).op, OP_UD2);   /* executes as #UD */
    ck_assert_uint_eq(ok(MODE32, "0F 30", 2).op, OP_WRMSR);
    ck_assert_uint_eq(ok(MODE32, "0F 31", 2).op, OP_RDTSC);
    ck_assert_uint_eq(ok(MODE32, "0F 32", 2).op, OP_RDMSR);
    ck_assert_uint_eq(ok(MODE32, "0F 33", 2).op, OP_RDPMC);
    ck_assert_uint_eq(ok(MODE32, "0F 34", 2).op, OP_SYSENTER);
    ck_assert_uint_eq(ok(MODE32, "0F 35", 2).op, OP_SYSEXIT);
    ck_assert_uint_eq(ok(MODE32, "0F A2", 2).op, OP_CPUID);
    ck_assert_uint_eq(ok(MODE32, "0F AA", 2).op, OP_RSM);
    in = ok(MODE32, "0F 01 3D 78 56 34 12", 7); /* invlpg [0x12345678] */
    ck_assert(in.op == OP_INVLPG && in.disp == 0x12345678);
}
END_TEST

/* ---- x87 (SDM Vol. 2, Appendix A.5) ---- */

struct fpu_case {
    const char *hex;
    unsigned len, size;         /* size: memory operand bytes */
};

START_TEST(test_fpu_memory_sizes)
{
    static const struct fpu_case cases32[] = {
        { "D8 00", 2, 4 }, { "D8 38", 2, 4 },   /* fadd/fdivr m32fp */
        { "D9 00", 2, 4 }, { "D9 18", 2, 4 },   /* fld/fstp m32fp */
        { "D9 20", 2, 28 }, { "D9 30", 2, 28 }, /* fldenv, fnstenv */
        { "D9 28", 2, 2 }, { "D9 38", 2, 2 },   /* fldcw, fnstcw */
        { "DA 00", 2, 4 }, { "DA 38", 2, 4 },   /* fiadd/fidivr m32int */
        { "DB 00", 2, 4 }, { "DB 18", 2, 4 },   /* fild/fistp m32int */
        { "DB 28", 2, 10 }, { "DB 38", 2, 10 }, /* fld/fstp m80fp */
        { "DC 00", 2, 8 }, { "DC 38", 2, 8 },   /* m64fp */
        { "DD 00", 2, 8 }, { "DD 18", 2, 8 },   /* fld/fstp m64fp */
        { "DD 20", 2, 108 }, { "DD 30", 2, 108 }, /* frstor, fnsave */
        { "DD 38", 2, 2 },                      /* fnstsw m16 */
        { "DE 00", 2, 2 }, { "DE 38", 2, 2 },   /* m16int */
        { "DF 00", 2, 2 }, { "DF 18", 2, 2 },   /* fild/fistp m16int */
        { "DF 20", 2, 10 }, { "DF 30", 2, 10 }, /* fbld, fbstp */
        { "DF 28", 2, 8 }, { "DF 38", 2, 8 },   /* fild/fistp m64int */
        { "66 D9 20", 3, 14 }, { "66 DD 30", 3, 94 },   /* 16-bit images */
        { "D9 05 78 56 34 12", 6, 4 },          /* with a displacement */
        { "DD 44 24 08", 4, 8 },
    };
    static const struct fpu_case cases16[] = {
        { "D9 20", 2, 14 }, { "DD 20", 2, 94 }, { "66 D9 30", 3, 28 }, { "66 DD 30", 3, 108 },
        { "DD 46 FC", 3, 8 },
    };
    for (size_t i = 0; i < sizeof cases32 / sizeof cases32[0]; i++) {
        struct insn in = ok(MODE32, cases32[i].hex, cases32[i].len);
        ck_assert_msg(in.op == OP_FPU && in.opnd[0].kind == OPK_MEM && in.has_ea &&
                      in.opnd[0].size == cases32[i].size, "%s: size %u", cases32[i].hex,
                      in.opnd[0].size);
    }
    for (size_t i = 0; i < sizeof cases16 / sizeof cases16[0]; i++) {
        struct insn in = ok(MODE16, cases16[i].hex, cases16[i].len);
        ck_assert_msg(in.op == OP_FPU && in.opnd[0].size == cases16[i].size, "%s: size %u",
                      cases16[i].hex, in.opnd[0].size);
    }
    /* Reserved memory forms, and FISTTP (SSE3, not on a P6). */
    ud(MODE32, "D9 08");
    ud(MODE32, "DB 20");
    ud(MODE32, "DB 30");
    ud(MODE32, "DD 28");
    ud(MODE32, "DB 08");
    ud(MODE32, "DD 08");
    ud(MODE32, "DF 08");
}
END_TEST

START_TEST(test_fpu_register_forms)
{
    /* Every register form: the valid ones, by escape, listed as ranges. */
    static const struct { uint8_t esc, lo, hi; } valid[] = {
        { 0xD8, 0xC0, 0xFF },
        { 0xD9, 0xC0, 0xCF }, { 0xD9, 0xD0, 0xD0 }, { 0xD9, 0xD8, 0xDF },   /* FNOP; FSTP1 alias */
        { 0xD9, 0xE0, 0xE1 }, { 0xD9, 0xE4, 0xE5 }, { 0xD9, 0xE8, 0xEE },   /* FCHS FABS; FTST FXAM; FLD1..FLDZ */
        { 0xD9, 0xF0, 0xFF },
        { 0xDA, 0xC0, 0xDF }, { 0xDA, 0xE9, 0xE9 },                         /* FCMOVcc; FUCOMPP */
        { 0xDB, 0xC0, 0xDF }, { 0xDB, 0xE0, 0xE4 }, { 0xDB, 0xE8, 0xF7 },   /* FCMOVNcc; FENI..FSETPM; FUCOMI FCOMI */
        { 0xDC, 0xC0, 0xFF },
        { 0xDD, 0xC0, 0xEF },                                               /* FFREE FXCH4 FST FSTP FUCOM FUCOMP */
        { 0xDE, 0xC0, 0xD7 }, { 0xDE, 0xD9, 0xD9 }, { 0xDE, 0xE0, 0xFF },   /* ...; FCOMPP; FSUBRP.. */
        { 0xDF, 0xC0, 0xDF }, { 0xDF, 0xE0, 0xE0 }, { 0xDF, 0xE8, 0xF7 },   /* FFREEP..FSTP9; FNSTSW AX; FUCOMIP FCOMIP */
    };
    unsigned nvalid = 0;

    for (unsigned esc = 0xD8; esc <= 0xDF; esc++) {
        for (unsigned modrm = 0xC0; modrm <= 0xFF; modrm++) {
            uint8_t bytes[2] = { (uint8_t)esc, (uint8_t)modrm };
            int want = 0;
            struct insn in;
            size_t need;
            for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++)
                if (valid[i].esc == esc && modrm >= valid[i].lo && modrm <= valid[i].hi)
                    want = 1;
            enum decode_status st = decode_insn(bytes, 2, 1, &in, &need);
            ck_assert_msg(st == (want ? DECODE_OK : DECODE_UD), "%02X %02X: status %d", esc, modrm, st);
            if (want) {
                nvalid++;
                ck_assert(in.op == OP_FPU && in.len == 2 && in.nopnd == 0 && !in.has_ea);
                ck_assert(in.opcode == esc && in.modrm == modrm);
            }
        }
    }
    /* #UD: D9 7+4+1, DA 8+7+8+8, DB 3+8, DD 16, DE 7, DF 7+8 = 92 of 512. */
    ck_assert_uint_eq(nvalid, 512 - 92);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("decode");
    TCase *tc = tcase_create("decode");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_modrm16_every_form);
    tcase_add_test(tc, test_modrm32_every_form);
    tcase_add_test(tc, test_modrm_spot_checks);
    tcase_add_test(tc, test_prefix_any_order_and_repeats);
    tcase_add_test(tc, test_operand_and_address_size);
    tcase_add_test(tc, test_lock_allowed);
    tcase_add_test(tc, test_lock_refused);
    tcase_add_test(tc, test_length_limit);
    tcase_add_test(tc, test_need_more);
    tcase_add_test(tc, test_invalid_group_forms);
    tcase_add_test(tc, test_invalid_opcodes);
    tcase_add_test(tc, test_ud_reports_what_was_read);
    tcase_add_test(tc, test_mov_sreg_and_cr);
    tcase_add_test(tc, test_moffs);
    tcase_add_test(tc, test_enter_and_far_pointers);
    tcase_add_test(tc, test_relative_branches);
    tcase_add_test(tc, test_groups);
    tcase_add_test(tc, test_one_byte_map);
    tcase_add_test(tc, test_0f_map);
    tcase_add_test(tc, test_fpu_memory_sizes);
    tcase_add_test(tc, test_fpu_register_forms);
    tcase_add_test(tc, test_fxsave_fxrstor);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
