#!/usr/bin/env python3
"""wavcheck.py WAV GUEST_OUTPUT -- the sb16 guest's two transfers in a WAV.

The sb16 guest (sb16.asm) plays, at 0 dB:
  A. 8 blocks of 512 16-bit signed stereo frames at 44100 Hz: word n of
     the stream (L, R alternating, n = 0..8191) is (n*0x9E37 + 0x1234)
     mod 65536; at the output rate each frame must appear exactly once,
     bit for bit, and the 8193rd frame must not be stream data (0xD9 ended
     the transfer after the 8th block);
  B. 1000 8-bit unsigned mono bytes (i*37 + 11) mod 256 at 22050 Hz: each
     must appear as two equal frames (L = R = (byte - 128) << 8).
  C. 1000 8-bit bytes ((i*37 + 11) mod 256) | 1 at 22222 Hz (time
     constant 0xD3): held by nearest sample, so with the silent frames of
     the pause taken out and runs of equal frames collapsed, exactly those
     bytes in order; the pause gives at least 200 silent frames inside.
A is found by its first frame, B by its first frame after A. Frames
outside the two are silence (0, 0). GUEST_OUTPUT must hold the guest's
DONE line (it passed its own checks).
"""
import struct
import sys
import wave


def fail(msg):
    print("wavcheck: FAIL: " + msg)
    sys.exit(1)


def s16(v):
    v &= 0xFFFF
    return v - 0x10000 if v & 0x8000 else v


def main():
    wav_path, out_path = sys.argv[1], sys.argv[2]
    if "DONE sb16" not in open(out_path).read():
        fail("the guest's output has no DONE line")
    with wave.open(wav_path, "rb") as w:
        if w.getnchannels() != 2 or w.getsampwidth() != 2 or w.getframerate() != 44100:
            fail("not 44100 Hz 16-bit stereo")
        raw = w.readframes(w.getnframes())
    n = len(raw) // 4
    v = struct.unpack("<%dh" % (2 * n), raw[: 4 * n])
    frames = list(zip(v[0::2], v[1::2]))

    a = [(s16(2 * i * 0x9E37 + 0x1234), s16((2 * i + 1) * 0x9E37 + 0x1234)) for i in range(4096)]
    b = []
    for i in range(1000):
        x = ((i * 37 + 11) & 0xFF) - 128
        b += [(x << 8, x << 8)] * 2
    try:
        sa = frames.index(a[0])
    except ValueError:
        fail("stream A's first frame %r is not in the WAV" % (a[0],))
    got = frames[sa:sa + len(a)]
    for i, (g, e) in enumerate(zip(got, a)):
        if g != e:
            fail("stream A frame %d (block %d): %r, the guest wrote %r" % (i, i // 512, g, e))
    if len(got) != len(a):
        fail("stream A cut short: %d of %d frames" % (len(got), len(a)))
    after = sa + len(a)
    if after < n and frames[after] != (0, 0):
        fail("frame after stream A is %r, not silence: a 9th block played" % (frames[after],))
    try:
        sb = frames.index(b[0], after)
    except ValueError:
        fail("stream B's first frame is not in the WAV after A")
    got = frames[sb:sb + len(b)]
    for i, (g, e) in enumerate(zip(got, b)):
        if g != e:
            fail("stream B frame %d (byte %d): %r, expected %r" % (i, i // 2, g, e))
    if len(got) != len(b):
        fail("stream B cut short")
    cb = [((((i * 37 + 11) & 0xFF) | 1) - 128) << 8 for i in range(1000)]
    after = sb + len(b)
    try:
        sc = frames.index((cb[0], cb[0]), after)
    except ValueError:
        fail("stream C's first frame is not in the WAV after B")
    seq, silent, i = [], 0, sc
    while i < n and len(seq) < len(cb) + 1:
        f = frames[i]
        if f == (0, 0):
            silent += 1
        elif f[0] != f[1]:
            fail("stream C frame %d: channels differ %r" % (i - sc, f))
        elif not seq or seq[-1] != f[0]:
            seq.append(f[0])
        i += 1
        if len(seq) == len(cb) and (i >= n or frames[i] == (0, 0)):
            break
    ec = i
    if seq != cb:
        k = next((j for j in range(min(len(seq), len(cb))) if seq[j] != cb[j]), min(len(seq), len(cb)))
        fail("stream C differs at byte %d: got %s, expected %s" % (k, seq[k:k + 3], cb[k:k + 3]))
    if silent < 200:
        fail("stream C: %d silent frames inside, the 5 ms pause should give about 220" % silent)
    if ec < n and frames[ec] != (0, 0):
        fail("frame after stream C is not silence")
    print("wavcheck: C: 1000 bytes from frame %d, %d silent frames paused, %d frames long"
          % (sc, silent, ec - sc))
    for i, f in enumerate(frames):
        if not (sa <= i < sa + len(a) or sb <= i < sb + len(b) or sc <= i < ec) and f != (0, 0):
            fail("frame %d outside the transfers is %r, not silence" % (i, f))
    print("wavcheck: PASS: A %d frames from frame %d, B %d frames from frame %d, %d frames in all"
          % (len(a), sa, len(b), sb, n))


if __name__ == "__main__":
    main()
