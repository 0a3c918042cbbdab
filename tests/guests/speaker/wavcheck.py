#!/usr/bin/env python3
"""wavcheck.py WAV GUEST_OUTPUT -- check the PC speaker's tones in a WAV.

GUEST_OUTPUT holds the speaker guest's lines "TONE <divisor> <ms>", in the
order it played them. The WAV (16-bit stereo, from -audio wav:) must hold
exactly that many sounding stretches (frames not zero), separated by
silence (frames exactly zero), with both channels equal; for each one:

  - its length is <ms> milliseconds (within one 15.085 us refresh toggle
    of the guest's timing and one frame);
  - its frequency from the zero crossings, (crossings - 1) / 2 over the
    time from the first crossing to the last, is 1193182 / divisor within
    0.1 % (the samples are point samples of the square wave, so each
    crossing is placed to within one frame: 1 frame in the 0.04 s shortest
    tone is 0.06 %).

Prints one line per tone; exits 1 on the first failure.
"""
import struct
import sys
import wave

PIT_HZ = 1193182


def fail(msg):
    print("wavcheck: FAIL: " + msg)
    sys.exit(1)


def main():
    wav_path, out_path = sys.argv[1], sys.argv[2]
    tones = []
    with open(out_path) as f:
        for line in f:
            w = line.split()
            if len(w) == 3 and w[0] == "TONE":
                tones.append((int(w[1]), int(w[2])))
    if not tones:
        fail("no TONE lines in " + out_path)
    with wave.open(wav_path, "rb") as w:
        if w.getnchannels() != 2 or w.getsampwidth() != 2:
            fail("not 16-bit stereo")
        rate = w.getframerate()
        raw = w.readframes(w.getnframes())
    n = len(raw) // 4
    frames = struct.unpack("<%dh" % (2 * n), raw[: 4 * n])
    left, right = frames[0::2], frames[1::2]
    if left != right:
        fail("the channels differ (the speaker is mono)")
    # Sounding stretches: maximal runs of nonzero frames.
    runs, i = [], 0
    while i < n:
        if left[i] == 0:
            i += 1
            continue
        j = i
        while j < n and left[j] != 0:
            j += 1
        runs.append((i, j))
        i = j
    if len(runs) != len(tones):
        fail("%d sounding stretches in the WAV, the guest played %d tones" % (len(runs), len(tones)))
    for (div, ms), (a, b) in zip(tones, runs):
        got_ms = (b - a) * 1000.0 / rate
        if abs(got_ms - ms) > 0.1:
            fail("divisor %d: %.3f ms long, the guest played %d ms" % (div, got_ms, ms))
        seg = left[a:b]
        cross = [k for k in range(1, len(seg)) if (seg[k] > 0) != (seg[k - 1] > 0)]
        if len(cross) < 3:
            fail("divisor %d: %d zero crossings" % (div, len(cross)))
        hz = (len(cross) - 1) / 2.0 / ((cross[-1] - cross[0]) / float(rate))
        want = PIT_HZ / float(div)
        err = abs(hz - want) / want
        print("wavcheck: divisor %5d: %.3f Hz measured, %.3f Hz expected (%.4f %%), %.1f ms"
              % (div, hz, want, 100 * err, got_ms))
        if err > 0.001:
            fail("divisor %d: %.3f Hz, expected %.3f Hz" % (div, hz, want))
    print("wavcheck: PASS: %d tones" % len(tones))


if __name__ == "__main__":
    main()
