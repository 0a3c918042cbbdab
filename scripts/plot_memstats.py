#!/usr/bin/env python3
"""Draw shadow86's --stats-interval output (docs/overcommit.md).

    shadow86 --stats-interval 500 ... 2> run.log
    scripts/plot_memstats.py run.log                # text chart on stdout
    scripts/plot_memstats.py run.log -o mem.png     # PNG (needs matplotlib)

Reads the 'memstats key=value ...' lines (other lines are ignored) and
draws, over machine time, the host pages of the pool by what holds them:
resident (host pages in use), saved by sharing (guest pages mapping a
shared frame minus the frames), ballooned, swapped out, and the limit.
Without matplotlib, or without -o, it prints a table and a text chart.
"""
import argparse
import sys

SERIES = [
    # (label, function of one sample, chart letter)
    ("resident", lambda s: s["resident"], "R"),
    ("saved by sharing", lambda s: s["shared_refs"] - s["shared_frames"], "S"),
    ("ballooned", lambda s: s["ballooned"], "B"),
    ("swapped out", lambda s: s["swapped"], "W"),
]


def parse(path):
    samples = []
    try:
        f = sys.stdin if path == "-" else open(path, encoding="utf-8", errors="replace")
    except OSError as e:
        sys.exit(f"plot_memstats: {path}: {e.strerror}")
    with f:
        for n, line in enumerate(f, 1):
            if not line.startswith("memstats "):
                continue
            s = {}
            for word in line.split()[1:]:
                key, eq, value = word.partition("=")
                if not eq or not value.isdigit():
                    sys.exit(f"plot_memstats: {path}:{n}: '{word}' is not key=number")
                s[key] = int(value)
            for key in ("t_ms", "resident", "limit", "shared_refs", "shared_frames",
                        "ballooned", "swapped"):
                if key not in s:
                    sys.exit(f"plot_memstats: {path}:{n}: no {key}= in the memstats line")
            samples.append(s)
    if not samples:
        sys.exit(f"plot_memstats: {path}: no memstats lines (run shadow86 with --stats-interval)")
    return samples


def text_chart(samples, out, width=60):
    limit = samples[-1]["limit"]
    top = max([limit] + [fn(s) for s in samples for _, fn, _ in SERIES]) or 1
    out.write("  t (s)  " + "".join(f"{label:>18}" for label, _, _ in SERIES) + "\n")
    for s in samples:
        out.write(f"{s['t_ms'] / 1000:7.2f}  " +
                  "".join(f"{fn(s):>18}" for _, fn, _ in SERIES) + "\n")
    out.write(f"\npages, 0..{top} across ({', '.join(f'{c}={lbl}' for lbl, _, c in SERIES)}"
              f"{', |=limit' if limit else ''})\n")
    step = max(1, len(samples) // 40)
    for s in samples[::step]:
        row = [" "] * (width + 1)
        if limit:
            row[limit * width // top] = "|"
        for _, fn, c in SERIES:
            v = fn(s)
            if v:
                row[v * width // top] = c
        out.write(f"{s['t_ms'] / 1000:7.2f} " + "".join(row).rstrip() + "\n")


def png_chart(samples, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    t = [s["t_ms"] / 1000 for s in samples]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for label, fn, _ in SERIES:
        ax.plot(t, [fn(s) for s in samples], label=label)
    if samples[-1]["limit"]:
        ax.axhline(samples[-1]["limit"], linestyle="--", color="grey", label="--host-mem limit")
    ax.set_xlabel("machine time (s)")
    ax.set_ylabel("4 KiB pages")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)


def main():
    ap = argparse.ArgumentParser(description="draw shadow86 --stats-interval memstats lines")
    ap.add_argument("log", help="stderr of a run with --stats-interval ('-': stdin)")
    ap.add_argument("-o", "--output", help="write a PNG here (needs matplotlib)")
    a = ap.parse_args()
    samples = parse(a.log)
    if a.output:
        try:
            png_chart(samples, a.output)
            print(f"plot_memstats: wrote {a.output}")
            return
        except ImportError:
            print("plot_memstats: matplotlib is not installed: a text chart instead",
                  file=sys.stderr)
    text_chart(samples, sys.stdout)


if __name__ == "__main__":
    main()
