#!/usr/bin/env python3
"""pngcmp.py GOT EXPECTED: compare two 8-bit RGB/RGBA PNG images pixel for
pixel. Exit 0 when equal; else 1 with the size difference or the number of
differing pixels and the first one."""
import struct
import sys
import zlib


def read_png(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG")
    pos, idat, hdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = hdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise ValueError(f"{path}: only 8-bit RGB(A) without interlace is read here")
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        ft = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ft == 1:
                line[i] = (line[i] + a) & 255
            elif ft == 2:
                line[i] = (line[i] + b) & 255
            elif ft == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ft == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pr) & 255
        rows.append(bytes(line[j:j + 3]) for j in range(0, stride, bpp))
        rows[-1] = list(rows[-1])
        prev = line
    return w, h, rows


def main():
    got, want = read_png(sys.argv[1]), read_png(sys.argv[2])
    if got[:2] != want[:2]:
        print(f"pngcmp: {sys.argv[1]} is {got[0]}x{got[1]}, expected {want[0]}x{want[1]}")
        return 1
    diff, first = 0, None
    for y, (rg, rw) in enumerate(zip(got[2], want[2])):
        for x, (pg, pw) in enumerate(zip(rg, rw)):
            if pg != pw:
                diff += 1
                if first is None:
                    first = (x, y, pg.hex(), pw.hex())
    if diff:
        x, y, g, w = first
        print(f"pngcmp: {diff} pixels differ; first at ({x}, {y}): {g}, expected {w}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
