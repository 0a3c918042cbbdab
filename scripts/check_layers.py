#!/usr/bin/env python3
"""Check that each folder of shadow86 uses only the folders it may.

The allowed arrows (user -> used) come from the layers file the build
writes from CMakeLists.txt (one "folder: used used ..." line each). Two
checks, both of which fail the build:

  includes  every `#include "X/..."` in a folder's .c/.h files names the
            folder itself or one it may use;
  symbols   every symbol a folder's library leaves undefined (nm) and
            another project library defines comes from a library it may
            use: a prototype written by hand cannot get round the rule.

Usage: check_layers.py --source DIR --layers FILE --nm NM folder=lib.a ...
"""
import argparse
import os
import re
import subprocess
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/')


def read_layers(path):
    layers = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            name, _, used = line.partition(":")
            layers[name.strip()] = set(used.split())
    return layers


def check_includes(src, layers):
    errors = []
    for folder, used in layers.items():
        root = os.path.join(src, folder)
        for dirpath, _, files in os.walk(root):
            for fn in sorted(files):
                if not fn.endswith((".c", ".h")):
                    continue
                path = os.path.join(dirpath, fn)
                with open(path, errors="replace") as f:
                    for n, line in enumerate(f, 1):
                        m = INCLUDE.match(line)
                        if not m:
                            continue
                        target = m.group(1)
                        if target in layers and target != folder and target not in used:
                            rel = os.path.relpath(path, src)
                            errors.append(f"{rel}:{n}: includes {target}/, but {folder}/ may use only "
                                          f"{', '.join(sorted(used)) or 'nothing'}")
    return errors


def nm_symbols(nm, lib):
    """(defined, undefined-with-object) of a static library."""
    out = subprocess.run([nm, "-A", "--defined-only", lib], capture_output=True, text=True,
                         check=True).stdout
    defined = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[-2] not in ("U", "w", "v"):
            defined.add(parts[-1])
    out = subprocess.run([nm, "-A", "--undefined-only", lib], capture_output=True, text=True,
                         check=True).stdout
    undefined = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2:
            obj = parts[0].rstrip(":").split(":")[-1]
            undefined.append((obj, parts[-1]))
    return defined, undefined


def check_symbols(nm, libs, layers):
    errors = []
    syms = {name: nm_symbols(nm, path) for name, path in libs.items()}
    owner = {}
    for name, (defined, _) in syms.items():
        for s in defined:
            owner.setdefault(s, name)
    for name, (_, undefined) in syms.items():
        used = layers.get(name, set())
        for obj, s in undefined:
            o = owner.get(s)
            if o and o != name and o not in used:
                errors.append(f"{name}/{obj}: calls {s} of {o}/, but {name}/ may use only "
                              f"{', '.join(sorted(used)) or 'nothing'}")
    return errors


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", required=True)
    ap.add_argument("--layers", required=True)
    ap.add_argument("--nm", default="nm")
    ap.add_argument("libs", nargs="*")
    a = ap.parse_args()
    layers = read_layers(a.layers)
    libs = dict(x.split("=", 1) for x in a.libs)
    errors = check_includes(a.source, layers) + check_symbols(a.nm, libs, layers)
    for e in errors:
        print("layer check: " + e, file=sys.stderr)
    if errors:
        print(f"layer check: {len(errors)} forbidden arrow(s); the allowed ones are in "
              "CMakeLists.txt (SHADOW86_LAYERS) and docs/architecture.md", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
