#!/usr/bin/env python3
"""Rewrite (or, with --check, verify) README.md's options tables.

The tables between the markers

    <!-- options:begin ... -->
    <!-- options:end -->

are generated from frontends/cli/options.def by the build's
shadow86-optdoc; nothing between the markers is written by hand. The build
target `readme-options` rewrites them; the ctest docs-readme-options runs
this with --check, which fails (and shows the difference) when the README
is out of date with the list.

Usage: readme_options.py --optdoc BUILD/shadow86-optdoc [--check] README.md
"""
import argparse
import difflib
import subprocess
import sys

BEGIN = "<!-- options:begin"
END = "<!-- options:end -->"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--optdoc", required=True, help="the built shadow86-optdoc")
    ap.add_argument("--check", action="store_true", help="only compare; exit 1 if stale")
    ap.add_argument("readme")
    a = ap.parse_args()

    table = subprocess.run([a.optdoc, "markdown", "-"], check=True, capture_output=True,
                           text=True).stdout
    with open(a.readme) as f:
        text = f.read()
    b = text.find(BEGIN)
    e = text.find(END)
    if b < 0 or e < b:
        sys.exit(f"{a.readme}: no '{BEGIN} ... -->' ... '{END}' markers")
    start = text.index("\n", b) + 1
    new = text[:start] + table + text[e:]
    if new == text:
        return 0
    if a.check:
        sys.stdout.writelines(difflib.unified_diff(
            text.splitlines(True), new.splitlines(True), a.readme, a.readme + " (from options.def)"))
        print(f"{a.readme}: the options table is out of date with frontends/cli/options.def; "
              "run: cmake --build build --target readme-options", file=sys.stderr)
        return 1
    with open(a.readme, "w") as f:
        f.write(new)
    print(f"{a.readme}: options table rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
