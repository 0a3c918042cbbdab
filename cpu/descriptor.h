/* Segment and gate descriptors: decoding the 8-byte forms (SDM Vol. 3,
 * 3.4.5 and 5.8-5.12) and the pure privilege rules built on them. Pure
 * functions of their arguments: the unit tests check them directly. */
#ifndef SHADOW86_CPU_DESCRIPTOR_H
#define SHADOW86_CPU_DESCRIPTOR_H

#include <stdint.h>

/* A raw descriptor: `lo` is bytes 0-3, `hi` bytes 4-7. */
struct desc {
    uint32_t lo, hi;
};

/* System descriptor types (S = 0). */
enum desc_sys_type {
    DESC_TSS16_AVAIL = 0x1, DESC_LDT = 0x2, DESC_TSS16_BUSY = 0x3,
    DESC_CALL_GATE16 = 0x4, DESC_TASK_GATE = 0x5, DESC_INT_GATE16 = 0x6,
    DESC_TRAP_GATE16 = 0x7, DESC_TSS32_AVAIL = 0x9, DESC_TSS32_BUSY = 0xB,
    DESC_CALL_GATE32 = 0xC, DESC_INT_GATE32 = 0xE, DESC_TRAP_GATE32 = 0xF
};

static inline unsigned desc_type(struct desc d)      { return (d.hi >> 8) & 0xF; }
static inline int desc_is_system(struct desc d)      { return !(d.hi & 0x1000); }
static inline unsigned desc_dpl(struct desc d)       { return (d.hi >> 13) & 3u; }
static inline int desc_present(struct desc d)        { return (d.hi & 0x8000) != 0; }
static inline int desc_is_code(struct desc d)        { return !desc_is_system(d) && (d.hi & 0x800); }
static inline int desc_is_data(struct desc d)        { return !desc_is_system(d) && !(d.hi & 0x800); }
static inline int desc_conforming(struct desc d)     { return desc_is_code(d) && (d.hi & 0x400); }
static inline int desc_readable(struct desc d)       { return desc_is_data(d) || (d.hi & 0x200); }
static inline int desc_writable(struct desc d)       { return desc_is_data(d) && (d.hi & 0x200); }

static inline uint32_t desc_base(struct desc d)
{
    return (d.lo >> 16) | ((d.hi & 0xFF) << 16) | (d.hi & 0xFF000000u);
}

/* Limit in bytes (scaled by G: 4 KiB units with the low 12 bits set). */
static inline uint32_t desc_limit(struct desc d)
{
    uint32_t limit = (d.lo & 0xFFFF) | (d.hi & 0x000F0000u);
    return (d.hi & 0x00800000u) ? (limit << 12) | 0xFFF : limit;
}

/* Gates: target selector, offset (32-bit gates use the high word too),
 * parameter count (call gates, 5 bits). */
static inline uint16_t gate_selector(struct desc d) { return (uint16_t)(d.lo >> 16); }
static inline int gate_is_32(struct desc d)         { return (d.hi & 0x800) != 0; }
static inline unsigned gate_param_count(struct desc d) { return d.hi & 0x1F; }
static inline uint32_t gate_offset(struct desc d)
{
    return (d.lo & 0xFFFF) | (gate_is_32(d) ? (d.hi & 0xFFFF0000u) : 0);
}

/* TSS descriptors (available or busy, 16 or 32 bits). */
static inline int desc_is_tss(struct desc d)
{
    unsigned t = desc_type(d);
    return desc_is_system(d) && (t & 5) == 1;   /* 1, 3, 9, B */
}

/* Whether a descriptor may be seen by a data-style access at CPL `cpl`
 * with a selector of RPL `rpl`: conforming code always, anything else when
 * DPL >= max(CPL, RPL) (SDM 5.6). Shared by segment loads, LAR, LSL,
 * VERR and VERW. */
static inline int desc_privilege_ok(struct desc d, unsigned cpl, unsigned rpl)
{
    if (desc_conforming(d))
        return 1;
    unsigned dpl = desc_dpl(d);
    return dpl >= cpl && dpl >= rpl;
}

/* Types LAR accepts (SDM "LAR": every code/data segment, and TSS, LDT,
 * call and task gates; not interrupt/trap gates). */
static inline int desc_lar_type_ok(struct desc d)
{
    if (!desc_is_system(d))
        return 1;
    switch (desc_type(d)) {
    case DESC_TSS16_AVAIL: case DESC_LDT: case DESC_TSS16_BUSY: case DESC_CALL_GATE16:
    case DESC_TASK_GATE: case DESC_TSS32_AVAIL: case DESC_TSS32_BUSY: case DESC_CALL_GATE32:
        return 1;
    default:
        return 0;
    }
}

/* Types LSL accepts: segments with a limit (no gates). */
static inline int desc_lsl_type_ok(struct desc d)
{
    if (!desc_is_system(d))
        return 1;
    return desc_is_tss(d) || desc_type(d) == DESC_LDT;
}

#endif
