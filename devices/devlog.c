#include <stdarg.h>

#include "devices/devlog.h"

void devlog_once(FILE *log, uint32_t *seen, unsigned bit, const char *fmt, ...)
{
    uint32_t mask = 1u << (bit & 31);
    if (*seen & mask)
        return;
    *seen |= mask;
    if (!log)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("shadow86: ", log);
    vfprintf(log, fmt, ap);
    fputc('\n', log);
    va_end(ap);
    fflush(log);
}
