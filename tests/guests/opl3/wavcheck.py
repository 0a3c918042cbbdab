#!/usr/bin/env python3
"""wavcheck.py WAV GUEST_OUTPUT -- check the OPL3 guest's notes in a WAV.

GUEST_OUTPUT holds the opl3 guest's lines "NOTE <fnum> <block> <ms> <outs>"
in the order it played them (outs: L, R or LR, the outputs that sound).
The WAV (44100 Hz 16-bit stereo, from -audio wav:) must hold exactly that
many sounding stretches (runs of frames separated by at least 10 ms of
frames exactly zero); for each one:

  - its length is <ms> milliseconds within 2 ms (the release at rate 15
    takes under 1 ms; the guest times its notes with the refresh toggle),
    or within $WAVCHECK_MS_TOLERANCE ms if set (a Linux guest's usleep);
  - the outputs not named are exactly zero, the named ones sound;
  - its dominant frequency (the largest bin of a Hann-windowed DFT
    searched from 40 Hz to 8 kHz, refined to 0.25 Hz) is
    fnum * 49716 / 2^(20 - block) within 0.2 %, and the zero crossings
    over the note agree within 0.5 %.

Prints one line per note; exits 1 on the first failure.
"""
import math
import os
import struct
import sys
import wave

OPL_HZ = 49716
RATE = 44100


def fail(msg):
    print("wavcheck: FAIL: " + msg)
    sys.exit(1)


def magnitude(v, f):
    n = len(v)
    re = im = 0.0
    w = 2 * math.pi * f / RATE
    for i, x in enumerate(v):
        h = 0.5 - 0.5 * math.cos(2 * math.pi * i / n)
        re += h * x * math.cos(w * i)
        im += h * x * math.sin(w * i)
    return 4 * math.hypot(re, im) / n


def dominant(v):
    short = v[:2048]
    best = max(range(40, 8000, 10), key=lambda f: magnitude(short, f))
    fine = v[:8192]
    f0 = best - 15
    return max((f0 + 0.25 * i for i in range(121)), key=lambda f: magnitude(fine, f))


def crossings_hz(v):
    idx = [i for i in range(1, len(v)) if (v[i - 1] < 0) != (v[i] < 0) and v[i] != v[i - 1]]
    if len(idx) < 3:
        return 0.0
    return (len(idx) - 1) / 2 / ((idx[-1] - idx[0]) / RATE)


def main():
    wav_path, out_path = sys.argv[1], sys.argv[2]
    notes = []
    with open(out_path) as f:
        for line in f:
            w = line.split()
            if len(w) == 5 and w[0] == "NOTE":
                notes.append((int(w[1]), int(w[2]), int(w[3]), w[4]))
    if not notes:
        fail("no NOTE lines in " + out_path)
    with wave.open(wav_path, "rb") as w:
        if w.getnchannels() != 2 or w.getsampwidth() != 2 or w.getframerate() != RATE:
            fail("not 44100 Hz 16-bit stereo")
        raw = w.readframes(w.getnframes())
    n = len(raw) // 4
    v = struct.unpack("<%dh" % (2 * n), raw[:4 * n])
    left, right = v[0::2], v[1::2]

    # Sounding stretches: gaps of >= 441 silent frames split them.
    stretches, start, quiet = [], None, 0
    for i in range(n):
        if left[i] or right[i]:
            if start is None:
                start = i
            quiet, last = 0, i
        elif start is not None:
            quiet += 1
            if quiet >= 441:
                stretches.append((start, last + 1))
                start = None
    if start is not None:
        stretches.append((start, last + 1))
    if len(stretches) != len(notes):
        fail("%d sounding stretches in the WAV, the guest played %d notes" % (len(stretches), len(notes)))

    for (fnum, block, ms, outs), (a, b) in zip(notes, stretches):
        want = fnum * OPL_HZ / 2 ** (20 - block)
        got_ms = (b - a) * 1000 / RATE
        if abs(got_ms - ms) > float(os.environ.get("WAVCHECK_MS_TOLERANCE", "2")):
            fail("note %d/%d lasts %.2f ms, not %d" % (fnum, block, got_ms, ms))
        chans = {"L": left[a:b], "R": right[a:b]}
        for c, data in chans.items():
            sounding = any(data)
            if sounding != (c in outs):
                fail("note %d/%d: output %s %s" % (fnum, block, c, "sounds" if sounding else "is silent"))
        data = chans[outs[0]]
        f = dominant(data)
        if abs(f - want) > want * 0.002:
            fail("note %d/%d: dominant %.2f Hz, expected %.2f" % (fnum, block, f, want))
        zc = crossings_hz(data)
        if abs(zc - want) > want * 0.005:
            fail("note %d/%d: %.2f Hz from zero crossings, expected %.2f" % (fnum, block, zc, want))
        print("wavcheck: note %d block %d: %.2f ms on %s, dominant %.2f Hz, crossings %.2f Hz "
              "(expected %.2f)" % (fnum, block, got_ms, outs, f, zc, want))
    print("wavcheck: PASS: %d notes" % len(notes))


if __name__ == "__main__":
    main()
