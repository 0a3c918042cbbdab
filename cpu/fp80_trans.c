/* Transcendentals: F2XM1, FYL2X, FYL2XP1, FPATAN, FSIN, FCOS, FPTAN.
 *
 * NOT YET IMPLEMENTED (intermediate merge so the instruction layer can
 * link): every function raises IE and returns the real indefinite. */
#include "cpu/fp80_internal.h"

static struct fp80 not_yet(struct fp80_ctx *ctx)
{
    ctx->c1 = 0;
    return fp80_invalid(ctx);
}

struct fp80 fp80_f2xm1(struct fp80_ctx *ctx, struct fp80 a) { (void)a; return not_yet(ctx); }
struct fp80 fp80_fyl2x(struct fp80_ctx *ctx, struct fp80 x, struct fp80 y) { (void)x; (void)y; return not_yet(ctx); }
struct fp80 fp80_fyl2xp1(struct fp80_ctx *ctx, struct fp80 x, struct fp80 y) { (void)x; (void)y; return not_yet(ctx); }
struct fp80 fp80_fpatan(struct fp80_ctx *ctx, struct fp80 y, struct fp80 x) { (void)x; (void)y; return not_yet(ctx); }

static struct fp80 trig_not_yet(struct fp80_ctx *ctx, struct fp80 a, int *out_of_range)
{
    *out_of_range = 0;
    if (!fp80_is_nan(a) && !fp80_is_unsupported(a) && !fp80_is_inf(a) && !fp80_is_zero(a) &&
        fp80_unpack(a).exp - FP80_BIAS >= 63) {
        *out_of_range = 1;
        return a;
    }
    return not_yet(ctx);
}
struct fp80 fp80_sin(struct fp80_ctx *ctx, struct fp80 a, int *out_of_range) { return trig_not_yet(ctx, a, out_of_range); }
struct fp80 fp80_cos(struct fp80_ctx *ctx, struct fp80 a, int *out_of_range) { return trig_not_yet(ctx, a, out_of_range); }
struct fp80 fp80_tan(struct fp80_ctx *ctx, struct fp80 a, int *out_of_range) { return trig_not_yet(ctx, a, out_of_range); }
