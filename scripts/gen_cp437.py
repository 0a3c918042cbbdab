#!/usr/bin/env python3
"""Write frontends/cli/cp437.c: the CP437 -> Unicode table (run from the repo root)."""
GLYPHS_LOW = [0x0020, 0x263A, 0x263B, 0x2665, 0x2666, 0x2663, 0x2660, 0x2022, 0x25D8, 0x25CB,
              0x25D9, 0x2642, 0x2640, 0x266A, 0x266B, 0x263C, 0x25BA, 0x25C4, 0x2195, 0x203C,
              0x00B6, 0x00A7, 0x25AC, 0x21A8, 0x2191, 0x2193, 0x2192, 0x2190, 0x221F, 0x2194,
              0x25B2, 0x25BC]
table = []
for i in range(256):
    if i < 32:
        table.append(GLYPHS_LOW[i])
    elif i == 0x7F:
        table.append(0x2302)
    elif i < 0x80:
        table.append(i)
    else:
        table.append(ord(bytes([i]).decode('cp437')))
rows = '\n'.join('    ' + ', '.join('0x%04X' % x for x in table[r:r + 8]) + ','
                 for r in range(0, 256, 8))
src = open('frontends/cli/cp437.c').read()
start = src.index('const uint16_t cp437_unicode[256] = {\n') + len('const uint16_t cp437_unicode[256] = {\n')
end = src.index('\n};', start)
open('frontends/cli/cp437.c', 'w').write(src[:start] + rows + src[end:])
