#!/usr/bin/env python3
"""Build the Linux guest's initramfs: a gzip-compressed "newc" cpio archive
(the format the kernel unpacks, Documentation/driver-api/early-userspace/
buffer-format.rst) holding busybox, one symlink per applet, the device
nodes the kernel needs before devtmpfs is mounted, and a tree of files from
the repository (/init and the boot-test scripts).

Written for this project: no cpio(1) needed, and the archive is the same
bit for bit on every run (fixed owner, times and inode numbers).

Usage: mkinitramfs.py --busybox FILE --tree DIR [--modules DIR] -o OUT.gz
"""
import argparse
import gzip
import os
import stat
import subprocess
import sys

# Applets linked into /bin when `busybox --list` cannot be run (a
# non-x86 host): what /init and the boot tests use, and a usable shell.
FALLBACK_APPLETS = """sh ash cat cp mv rm ls ln mkdir rmdir mount umount echo printf
uname dmesg grep sed awk head tail wc md5sum sha1sum sha256sum seq dd sleep
date poweroff reboot halt setsid cttyhack stty tr cut sort uniq expr test true
false ps kill free df du touch chmod vi less more env hostname id sync
find xargs od hexdump which time""".split()


class Cpio:
    """newc writer: 110-byte ASCII header, name and data padded to 4."""

    def __init__(self):
        self.out = bytearray()
        self.ino = 1

    def _pad(self):
        while len(self.out) % 4:
            self.out.append(0)

    def add(self, name, mode, data=b"", nlink=1, rdev=(0, 0)):
        name_b = name.encode() + b"\0"
        fields = [
            self.ino, mode, 0, 0, nlink, 0, len(data),
            0, 0, rdev[0], rdev[1], len(name_b), 0,
        ]
        self.ino += 1
        self.out += b"070701" + b"".join(b"%08X" % f for f in fields)
        self.out += name_b
        self._pad()
        self.out += data
        self._pad()

    def dir(self, name, perm=0o755):
        self.add(name, stat.S_IFDIR | perm, nlink=2)

    def file(self, name, data, perm=0o644):
        self.add(name, stat.S_IFREG | perm, data)

    def symlink(self, name, target):
        self.add(name, stat.S_IFLNK | 0o777, target.encode())

    def chardev(self, name, major, minor, perm=0o600):
        self.add(name, stat.S_IFCHR | perm, rdev=(major, minor))

    def finish(self):
        self.add("TRAILER!!!", 0, nlink=1)
        # Pad to 512 bytes, as cpio(1) does; the kernel accepts either.
        while len(self.out) % 512:
            self.out.append(0)
        return bytes(self.out)


def applets(busybox):
    try:
        res = subprocess.run([busybox, "--list"], capture_output=True, timeout=10, check=True)
        names = res.stdout.decode().split()
        if names:
            return sorted(set(names))
    except (OSError, subprocess.SubprocessError):
        pass
    return FALLBACK_APPLETS


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--busybox", required=True)
    ap.add_argument("--tree", required=True)
    ap.add_argument("--modules", help="a folder VERSION/NAME.ko... put under /lib/modules")
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args()

    try:
        with open(args.busybox, "rb") as f:
            bb = f.read()
    except OSError as e:
        sys.exit("mkinitramfs: %s: %s" % (args.busybox, e.strerror))
    if bb[:4] != b"\x7fELF":
        sys.exit("mkinitramfs: %s: not an ELF executable" % args.busybox)
    if not os.path.isdir(args.tree):
        sys.exit("mkinitramfs: %s: not a directory" % args.tree)

    c = Cpio()
    for d in ("bin", "sbin", "usr", "usr/bin", "usr/sbin", "dev", "proc", "sys", "tmp",
              "etc", "root", "mnt"):
        c.dir(d)
    # The console must exist before devtmpfs is mounted: the kernel opens
    # /dev/console for init's stdin/stdout/stderr.
    c.chardev("dev/console", 5, 1)
    c.chardev("dev/null", 1, 3, 0o666)
    c.file("bin/busybox", bb, 0o755)
    for name in applets(args.busybox):
        if name == "busybox" or "/" in name:
            continue
        c.symlink("bin/" + name, "busybox")

    tree = os.path.abspath(args.tree)
    for root, dirs, files in os.walk(tree):
        dirs.sort()
        rel = os.path.relpath(root, tree)
        for d in dirs:
            p = os.path.normpath(os.path.join(rel, d))
            if p not in ("bin", "sbin", "usr", "dev", "proc", "sys", "tmp", "etc", "root", "mnt"):
                c.dir(p)
        for fn in sorted(files):
            src = os.path.join(root, fn)
            p = os.path.normpath(os.path.join(rel, fn))
            with open(src, "rb") as f:
                data = f.read()
            perm = 0o755 if os.access(src, os.X_OK) or p == "init" or p.endswith(".sh") else 0o644
            c.file(p, data, perm)

    # Kernel modules (the network card's driver), one folder per kernel
    # version, so one initramfs serves both flavours: `uname -r` picks.
    if args.modules:
        if not os.path.isdir(args.modules):
            sys.exit("mkinitramfs: %s: not a directory" % args.modules)
        c.dir("lib")
        c.dir("lib/modules")
        for version in sorted(os.listdir(args.modules)):
            vdir = os.path.join(args.modules, version)
            if not os.path.isdir(vdir):
                continue
            c.dir("lib/modules/" + version)
            for fn in sorted(os.listdir(vdir)):
                with open(os.path.join(vdir, fn), "rb") as f:
                    c.file("lib/modules/%s/%s" % (version, fn), f.read())

    data = gzip.compress(c.finish(), compresslevel=9, mtime=0)
    with open(args.output, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
