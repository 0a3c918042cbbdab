#!/usr/bin/env python3
"""doccheck.py -- run the commands a document shows and check their output.

    doccheck.py --build BUILD_DIR DOC.md

Every fenced block whose info string is `console` is a session:

    ```console
    $ build/shadow86 -no-reboot -bios build/tests/guests/mmuwalk.rom --stats
    stats: mmu.walks 19
    ...
    stats: mmu.refs_per_walk_max 8
    ```

A line starting with "$ " is a command (a trailing backslash continues it
on the next line); the lines after it, up to the next command or the end
of the block, are what it prints. A line "..." stands for lines left out:
the shown lines between two "..." (or the block's edges) must appear in the
output as consecutive lines, each group after the previous one. Shown lines
are compared exactly, trailing blanks aside. The output is the command's
stdout followed by its stderr (on a line of its own).

Commands run with `sh -c` in the source tree (the current directory), each
`build/` at the start of a word replaced by BUILD_DIR, so the text a reader
copies is the text that was tested. A document with no console block
fails: a check that checks nothing is not a check.
"""
import argparse
import os
import re
import subprocess
import sys


def sessions(path):
    """Yield (line number, command, [shown lines]) for each command."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    in_block = False
    cmd = None
    for no, raw in enumerate(lines, 1):
        line = raw.rstrip()
        if not in_block:
            if line.strip() == "```console":
                in_block = True
            continue
        if line.strip() == "```":
            if cmd is not None:
                yield cmd
            cmd = None
            in_block = False
            continue
        if cmd is not None and cmd[1].endswith("\\") and not cmd[2]:
            cmd = (cmd[0], cmd[1][:-1] + " " + line.strip(), cmd[2])
            continue
        if line.startswith("$ "):
            if cmd is not None:
                yield cmd
            cmd = (no, line[2:].strip(), [])
        elif cmd is None:
            raise SystemExit(f"{path}:{no}: output before any '$ ' command")
        else:
            cmd[2].append(line)
    if in_block:
        raise SystemExit(f"{path}: a console block is not closed")


def groups(shown):
    out, cur = [], []
    for line in shown:
        if line.strip() == "...":
            if cur:
                out.append(cur)
            cur = []
        else:
            cur.append(line)
    if cur:
        out.append(cur)
    return out


def find_group(output, group, start):
    n = len(group)
    for i in range(start, len(output) - n + 1):
        if output[i:i + n] == group:
            return i + n
    return -1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    # What runs `build/shadow86` when that is not the program itself (a
    # cross build's wrapper that runs it under qemu-user).
    ap.add_argument("--shadow86")
    ap.add_argument("doc")
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    failures = ran = 0
    for no, cmd, shown in sessions(a.doc):
        real = cmd
        if a.shadow86:
            real = re.sub(r"(?<![\w/.-])build/shadow86(?![\w/.-])", a.shadow86, real)
        real = re.sub(r"(?<![\w/.-])build/", build + "/", real)
        try:
            p = subprocess.run(["sh", "-c", real], capture_output=True, timeout=120)
        except subprocess.TimeoutExpired:
            print(f"{a.doc}:{no}: FAIL: timed out: {cmd}")
            failures += 1
            continue
        ran += 1
        out = p.stdout
        if out and not out.endswith(b"\n"):
            out += b"\n"   # a guest's last line without one must not swallow stderr's first
        text = (out + p.stderr).decode("utf-8", "replace")
        output = [l.rstrip() for l in text.split("\n")]
        pos = 0
        for g in groups(shown):
            end = find_group(output, g, pos)
            if end < 0:
                print(f"{a.doc}:{no}: FAIL: `{cmd}` does not print, at this point:")
                for l in g:
                    print(f"    | {l}")
                print("  its output (first 60 lines):")
                for l in output[:60]:
                    print(f"    > {l}")
                failures += 1
                break
            pos = end
    if ran == 0 and failures == 0:
        print(f"{a.doc}: FAIL: no ```console block with a '$ ' command")
        return 1
    print(f"{a.doc}: {ran} commands run, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
