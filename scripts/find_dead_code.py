#!/usr/bin/env python3
"""List functions shadow86 defines but nothing calls (tests included).

Two sources of candidates:
  - every global function (nm: T) the folder libraries define;
  - every `static inline` function defined in a header.
A candidate is dead when its name, as a whole word, appears in the source
tree (every .c/.h, tests and bench included; plus .py/.sh/.cmake/.txt for
names passed by string) only on the lines that declare or define it.
Names a macro builds by token pasting (prefix##_reset, invoked with the
prefix as an argument) count as used. Not a proof: read each hit before
deleting it (a function kept for a planned caller shows up here too).

Usage: find_dead_code.py [--source DIR] [--build DIR]
"""
import argparse
import glob
import os
import re
import subprocess

SRC_EXT = (".c", ".h", ".def", ".inc", ".py", ".sh", ".txt", ".cmake", ".asm", ".S")
INLINE = re.compile(r"^\s*static\s+inline\s+[^(;=]*?\b([A-Za-z_]\w*)\s*\(")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", default=".")
    ap.add_argument("--build", default="build")
    ap.add_argument("--nm", default="nm")
    a = ap.parse_args()

    files = []
    for root, dirs, names in os.walk(a.source):
        dirs[:] = [d for d in dirs if not d.startswith(".") and
                   os.path.abspath(os.path.join(root, d)) != os.path.abspath(a.build)]
        files += [os.path.join(root, n) for n in names if n.endswith(SRC_EXT)]
    text = {}
    for f in files:
        with open(f, errors="replace") as fh:
            text[f] = fh.read().splitlines()

    cands = {}
    for lib in sorted(glob.glob(os.path.join(a.build, "libshadow86_*.a"))):
        out = subprocess.run([a.nm, "--defined-only", "-g", lib], capture_output=True,
                             text=True, check=True).stdout
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[1] == "T":
                cands[parts[2]] = os.path.basename(lib)
    for f, lines in text.items():
        if f.endswith(".h"):
            for line in lines:
                m = INLINE.match(line)
                if m:
                    cands.setdefault(m.group(1), f)

    # Names built by token pasting (`prefix##_reset(d)` in a macro that is
    # invoked with `port61`): a candidate ending in a pasted suffix counts
    # as used when its prefix appears in a macro invocation.
    pasted = set()
    for lines in text.values():
        for line in lines:
            pasted.update(re.findall(r"\w+\s*##\s*(_\w+)", line))

    dead = []
    for name, where in sorted(cands.items()):
        suffix = next((s for s in pasted if name.endswith(s) and len(name) > len(s)), None)
        if suffix:
            prefix = name[: -len(suffix)]
            call = re.compile(r"\(\s*%s\s*[,)]" % re.escape(prefix))
            if any(call.search(line) for lines in text.values() for line in lines):
                continue
        word = re.compile(r"\b%s\b" % re.escape(name))
        uses = 0
        for f, lines in text.items():
            for line in lines:
                if not word.search(line):
                    continue
                # a declaration or definition: the name follows a type at the
                # start of the line (after "static inline", return type...)
                s = line.strip()
                m = re.match(r"^(static\s+)?(inline\s+)?(const\s+)?(struct\s+|enum\s+|unsigned\s+)?"
                             r"(\w+)[\s\*]+%s\s*\(" % re.escape(name), s)
                if m and m.group(5) not in ("return", "else", "case", "do", "goto", "sizeof"):
                    continue
                if s.startswith(("*", "/*", "//", "#")):
                    continue
                uses += 1
        if uses == 0:
            dead.append((name, where))
    for name, where in dead:
        print(f"{name}\t{where}")


if __name__ == "__main__":
    main()
