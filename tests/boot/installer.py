#!/usr/bin/env python3
"""installer.py EMULATOR text|gfx -- boot the Debian 12 i386 installer ISO
(scripts/installer-iso.sh) through SeaBIOS and isolinux's graphical menu to
the installer's first screen, language selection, and say how long it took.

The menu entry is chosen by keys typed through the SDL frontend's input
path (--sdl-script pushes SDL key events at points of machine time), under
SDL's offscreen driver: "Graphical install" is the default entry (Return),
"Install" the next (Down, Return). The script also takes a screenshot
through the window every SHOT_MS of machine time; each new one is judged
as it appears, and the first that shows the language screen ends the run.

The language screen is recognised from its pixels (shadow86 renders what
the guest drew; nothing here reads guest memory):
  text  the newt frontend on the framebuffer console: the blue root
        window around a grey dialog whose list has one red (selected)
        row, English, in its middle;
  gfx   the GTK frontend: the Debian banner (dark, across the top), the
        white list of languages below it with a selected (coloured) row.
Exit 0 with the machine and wall time to that screen; 1 with the last
screenshot's path kept when it never came; 77 when the ISO is missing."""
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "guests", "sdl"))
import pngcmp  # noqa: E402

SHOT_MS = 2000
MENU_MS = 16000         # the menu is up by 12 s of machine time
LIMIT_MS = 400000       # machine time allowed to reach the screen


def iso_path():
    cache = os.environ.get("SHADOW86_CACHE", os.path.expanduser("~/.cache/shadow86"))
    return os.path.join(cache, "installer", "mini.iso")


def pixel(img, x, y):
    w, h, rows = img
    return tuple(rows[y][x * 3:x * 3 + 3])


def load(path):
    """(width, height, rows of RGB bytes). shadow86's PNGs (8-bit RGB,
    filter 0 on every row) are sliced directly; others go through
    pngcmp's general reader."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG")
    pos, idat, hdr = 8, b"", None
    while pos + 8 <= len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", data[pos + 8:pos + 21])
        elif kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + n]
        elif kind == b"IEND":
            break
        pos += 12 + n
    else:
        raise ValueError(f"{path}: truncated")
    w, h, depth, ctype = hdr[:4]
    raw = zlib.decompress(idat)
    stride = w * 3
    if depth == 8 and ctype == 2 and all(raw[y * (stride + 1)] == 0 for y in range(h)):
        return (w, h, [raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)] for y in range(h)])
    w, h, rows = pngcmp.read_png(path)
    return (w, h, [b"".join(p[:3] for p in r) for r in rows])


def near(p, q, tol=24):
    return all(abs(a - b) <= tol for a, b in zip(p, q))


def count_row(img, y, x0, x1, colour, tol=24):
    return sum(1 for x in range(x0, x1) if near(pixel(img, x, y), colour, tol))


def text_screen(img):
    """newt's language dialog: blue (00 00 AA) margins, grey (AA AA AA)
    dialog, one red (AA 00 00) selected row near the middle."""
    w, h, _ = img
    if w < 640 or h < 480:
        return False
    blue, grey, red = (0, 0, 0xAA), (0xAA, 0xAA, 0xAA), (0xAA, 0, 0)
    if not all(near(pixel(img, x, y), blue) for x, y in
               ((2, 2), (w - 3, 2), (2, h // 2), (w - 3, h // 2))):
        return False
    if count_row(img, h // 8, w // 8, w - w // 8, grey) < (w * 3 // 4) * 3 // 4:
        return False
    red_rows = [y for y in range(h // 4, h * 3 // 4, 2)
                if count_row(img, y, w // 4, w * 3 // 4, red) > w // 8]
    return bool(red_rows)


def gfx_screen(img):
    """GTK's language page: a dark banner across the top, then a white
    page holding the list, whose selected row is neither white nor grey."""
    w, h, _ = img
    if w < 640 or h < 480:
        return False
    white = (0xFF, 0xFF, 0xFF)
    top = [pixel(img, x, 10) for x in range(0, w, 8)]
    if sum(1 for p in top if sum(p) < 3 * 0x90) < len(top) * 3 // 4:
        return False
    mid = [count_row(img, y, w // 8, w - w // 8, white, 8) for y in range(h // 3, h * 2 // 3, 4)]
    if max(mid) < (w * 3 // 4) // 2:
        return False
    sel = [y for y in range(h // 5, h - h // 6, 2)
           if sum(1 for x in range(w // 4, w * 3 // 4, 4)
                  if (lambda p: max(p) - min(p) > 60)(pixel(img, x, y))) > w // 16]
    return bool(sel)


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in ("text", "gfx"):
        sys.exit("usage: installer.py EMULATOR text|gfx")
    emu, variant = sys.argv[1], sys.argv[2]
    iso = iso_path()
    if not os.path.isfile(iso):
        print(f"installer: {iso} missing: run 'bash scripts/installer-iso.sh' "
              "(scripts/test.sh does; it fetches debian-installer-12-netboot-i386)")
        sys.exit(77)
    judge = text_screen if variant == "text" else gfx_screen
    mem = os.environ.get("SHADOW86_INSTALLER_MEM", "1024")
    d = tempfile.mkdtemp(prefix="s86-installer-")
    script = os.path.join(d, "keys.script")
    with open(script, "w") as f:
        if variant == "text":
            f.write(f"{MENU_MS} key press Down\n{MENU_MS + 500} key press Return\n")
        else:
            f.write(f"{MENU_MS} key press Return\n")
        for t in range(MENU_MS + SHOT_MS, LIMIT_MS + 1, SHOT_MS):
            f.write(f"{t} screenshot {d}/shot-{t:07d}.png\n")
        f.write(f"{LIMIT_MS + 1} quit\n")
    env = dict(os.environ, SDL_VIDEODRIVER="offscreen")
    log = open(os.path.join(d, "stderr"), "w")
    start = time.monotonic()
    p = subprocess.Popen([emu, "-m", mem, "-cdrom", iso, "-boot", "d", "-display", "sdl",
                          "--sdl-script", script, "-snapshot", "-name", "installer-" + variant],
                         stdout=subprocess.DEVNULL, stderr=log, env=env)
    seen, found, last = set(), None, None
    while found is None:
        done = p.poll() is not None
        for name in sorted(os.listdir(d)):
            if not name.startswith("shot-") or name in seen:
                continue
            path = os.path.join(d, name)
            try:
                img = load(path)
            except (OSError, ValueError, TypeError):
                continue                   # still being written: next round
            seen.add(name)
            last = path
            if judge(img):
                found = (int(name[5:12]), time.monotonic() - start, img[0], img[1])
                break
        if found or done:
            break
        time.sleep(0.5)
    if p.poll() is None:
        p.terminate()
        try:
            p.wait(20)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    log.close()
    if found is None:
        keep = os.path.join(tempfile.gettempdir(), f"installer-{variant}-last.png")
        if last:
            shutil.copy(last, keep)
        print(f"installer: no language screen ({variant}) within {LIMIT_MS / 1000:.0f} s of "
              f"machine time (status {p.returncode}); last screenshot: "
              f"{keep if last else 'none'}")
        with open(os.path.join(d, "stderr")) as f:
            sys.stdout.write(f.read()[-2000:])
        shutil.rmtree(d, ignore_errors=True)
        sys.exit(1)
    ms, wall, w, h = found
    print(f"installer: the {variant} installer's language screen ({w}x{h}) after "
          f"{ms / 1000:.0f} s of machine time, {wall:.1f} s wall")
    shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
