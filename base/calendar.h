/* The proleptic Gregorian calendar in seconds since 1970-01-01 UTC: the
 * RTC keeps its date this way and the command line reads -rtc base= dates
 * with it (one statement of the conversions for both). */
#ifndef SHADOW86_BASE_CALENDAR_H
#define SHADOW86_BASE_CALENDAR_H

#include <stdint.h>

struct calendar_civil {
    int64_t year;
    unsigned month, day, hour, minute, second, weekday;  /* weekday 1 = Sunday */
};

/* Days since 1970-01-01 of year-month-day (month 1-12, day 1-31). */
int64_t calendar_days_from_civil(int64_t year, unsigned month, unsigned day);
/* The date and time of `t` seconds since 1970-01-01 (negative: before). */
struct calendar_civil calendar_from_seconds(int64_t t);

#endif
