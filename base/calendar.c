#include "base/calendar.h"

/* Days since 1970-01-01 of a proleptic Gregorian date, and back (the
 * civil-calendar conversions of H. Hinnant's "chrono-compatible low-level
 * date algorithms"; eras of 400 years keep them exact). */
int64_t calendar_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

struct calendar_civil calendar_from_seconds(int64_t t)
{
    struct calendar_civil c;
    int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
    int64_t sod = t - days * 86400;
    c.hour = (unsigned)(sod / 3600);
    c.minute = (unsigned)(sod / 60 % 60);
    c.second = (unsigned)(sod % 60);
    c.weekday = (unsigned)(((days % 7) + 7 + 4) % 7) + 1;  /* 1970-01-01 was a Thursday */
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    c.day = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    c.month = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    c.year = yoe + era * 400 + (c.month <= 2);
    return c;
}
