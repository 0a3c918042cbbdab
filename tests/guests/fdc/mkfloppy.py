#!/usr/bin/env python3
"""mkfloppy.py FILE SIZE LETTER -- a floppy image for the fdc and dma test
guests: in each 512-byte sector its LBA (little-endian word), LETTER, then
(LBA * 7 + offset) & 0xFF for offsets 3..511."""
import sys

path, size, letter = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode()
ramp = bytes(i & 0xFF for i in range(768))
with open(path, "wb") as f:
    for lba in range(size // 512):
        start = (lba * 7) & 0xFF
        s = bytearray(ramp[start:start + 512])
        s[0:2] = (lba & 0xFFFF).to_bytes(2, "little")
        s[2:3] = letter
        f.write(s)
