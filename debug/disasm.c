#include <capstone/capstone.h>
#include <stdio.h>

#include "debug/disasm.h"

static int open_one(cs_mode mode, size_t *handle, void **insn)
{
    csh h;
    if (cs_open(CS_ARCH_X86, mode, &h) != CS_ERR_OK)
        return -1;
    cs_option(h, CS_OPT_SYNTAX, CS_OPT_SYNTAX_INTEL);
    *insn = cs_malloc(h);
    if (!*insn) {
        cs_close(&h);
        return -1;
    }
    *handle = h;
    return 0;
}

int disasm_open(struct disasm *d)
{
    d->handle16 = d->handle32 = 0;
    d->insn16 = d->insn32 = NULL;
    if (open_one(CS_MODE_16, &d->handle16, &d->insn16) != 0)
        return -1;
    if (open_one(CS_MODE_32, &d->handle32, &d->insn32) != 0) {
        disasm_close(d);
        return -1;
    }
    return 0;
}

void disasm_close(struct disasm *d)
{
    if (d->insn16)
        cs_free(d->insn16, 1);
    if (d->insn32)
        cs_free(d->insn32, 1);
    if (d->handle16) {
        csh h = d->handle16;
        cs_close(&h);
    }
    if (d->handle32) {
        csh h = d->handle32;
        cs_close(&h);
    }
    d->handle16 = d->handle32 = 0;
    d->insn16 = d->insn32 = NULL;
}

void disasm_set_att(struct disasm *d, int att)
{
    size_t syntax = att ? CS_OPT_SYNTAX_ATT : CS_OPT_SYNTAX_INTEL;
    if (d->handle16)
        cs_option((csh)d->handle16, CS_OPT_SYNTAX, syntax);
    if (d->handle32)
        cs_option((csh)d->handle32, CS_OPT_SYNTAX, syntax);
}

unsigned disasm_format(struct disasm *d, const uint8_t *bytes, size_t len, uint32_t eip,
                       int code32, char *out, size_t outsz)
{
    csh h = code32 ? d->handle32 : d->handle16;
    cs_insn *insn = code32 ? d->insn32 : d->insn16;
    const uint8_t *code = bytes;
    size_t size = len;
    uint64_t addr = eip;

    if (h && insn && cs_disasm_iter(h, &code, &size, &addr, insn)) {
        if (insn->op_str[0])
            snprintf(out, outsz, "%s %s", insn->mnemonic, insn->op_str);
        else
            snprintf(out, outsz, "%s", insn->mnemonic);
        return insn->size;
    }
    snprintf(out, outsz, "(bad)");
    return 0;
}
