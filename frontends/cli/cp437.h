/* Code page 437 to Unicode / UTF-8. */
#ifndef SHADOW86_CLI_CP437_H
#define SHADOW86_CLI_CP437_H

#include <stddef.h>
#include <stdint.h>

extern const uint16_t cp437_unicode[256];

/* UTF-8 bytes of CP437 character c in out; returns how many (1-3). */
size_t cp437_to_utf8(uint8_t c, char out[4]);

#endif
