#!/usr/bin/env python3
"""linux_shell.py -- the README's first command's path, driven as a user
would: shadow86 -nographic on a pseudo-terminal (raw mode, COM1 on the
terminal), Debian's 686 kernel and the busybox initramfs with no script on
the command line, so /init starts the interactive shell. Waits for the
prompt, types commands, checks their output, types `poweroff` and expects
the run to end with status 0 (ACPI power-off).

  linux_shell.py EMULATOR
"""
import os
import pty
import select
import sys
import time

emu = sys.argv[1]
cache = os.path.join(os.environ.get("SHADOW86_CACHE") or
                     os.path.join(os.path.expanduser("~"), ".cache", "shadow86"), "linux")
kernel = os.path.join(cache, "vmlinuz-686")
initrd = os.path.join(cache, "initramfs.gz")
for f in (kernel, initrd):
    if not os.path.exists(f):
        sys.exit("linux_shell: %s missing: run 'bash scripts/linux-guest.sh' "
                 "(scripts/test.sh does)" % f)
timeout = int(os.environ.get("SHADOW86_GUEST_TIMEOUT", "240"))
cmd = [emu, "-m", "256", "-kernel", kernel, "-initrd", initrd,
       "-append", "console=ttyS0 cryptomgr.notests=1 noisapnp", "-nographic", "-no-reboot"]

pid, fd = pty.fork()
if pid == 0:
    os.execv(emu, cmd)

buf = b""
deadline = time.monotonic() + timeout


def wait_for(pattern, start=0):
    """Wait until `pattern` appears in the output after offset `start`."""
    global buf
    while pattern not in buf[start:]:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        r, _, _ = select.select([fd], [], [], min(left, 1.0))
        if r:
            try:
                data = os.read(fd, 4096)
            except OSError:
                return False
            if not data:
                return False
            buf += data
    return True


def fail(what):
    try:
        os.kill(pid, 9)
    except OSError:
        pass
    tail = buf[-1500:].decode(errors="replace")
    sys.exit("linux_shell: %s\n--- terminal (end) ---\n%s" % (what, tail))


PROMPT = b"shadow86:/# "
if not wait_for(PROMPT):
    fail("no shell prompt within %d s" % timeout)
# Typed one line at a time, after each prompt, as a user would.
for line, want in ((b"echo sum=$((40+2))", b"sum=42"),
                   (b"uname -sm", b"Linux i686"),
                   (b"tty", b"/dev/ttyS0"),
                   (b"cat /proc/cmdline", b"console=ttyS0 cryptomgr.notests=1 noisapnp")):
    start = len(buf)
    os.write(fd, line + b"\r")
    if not wait_for(want, start) or not wait_for(PROMPT, start):
        fail("typed %r, did not see %r and a new prompt" % (line, want))
os.write(fd, b"poweroff\r")
end = time.monotonic() + 60
status = None
while time.monotonic() < end:
    try:
        r, _, _ = select.select([fd], [], [], 1.0)
        if r:
            data = os.read(fd, 4096)
            if data:
                buf += data
    except OSError:
        pass
    wpid, st = os.waitpid(pid, os.WNOHANG)
    if wpid == pid:
        status = os.WEXITSTATUS(st) if os.WIFEXITED(st) else -1
        break
if status is None:
    fail("still running 60 s after poweroff")
if status != 0:
    fail("exit status %d after poweroff, expected 0" % status)
print("linux_shell: prompt, four commands and poweroff (status 0)")
