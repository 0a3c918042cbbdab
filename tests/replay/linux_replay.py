#!/usr/bin/env python3
"""linux_replay.py -- record a Linux shell session, replay it exactly.

  linux_replay.py EMULATOR WORKDIR

Records (-record) Debian's 686 kernel with the busybox shell on a pseudo-
terminal, typing commands after random host delays (so the instruction
counts at which the bytes arrive differ from run to run), then `poweroff`.
Then replays the log: with the translator in both MMU modes, and with the
interpreter from a state saved near the end (--save-at on a replay, then
-replay --load-state: a recorded run cut into segments). Each replay must
report that it matched the recording (same end instruction count, the same
final state hash, every checkpoint) and give the same serial transcript.
Last, a replay with one serial input byte flipped (--replay-perturb) must
be caught: exit status 12, and a report naming the instruction count.
"""
import os
import pty
import random
import re
import select
import subprocess
import sys
import time

emu, work = sys.argv[1], sys.argv[2]
cache = os.path.join(os.environ.get("SHADOW86_CACHE") or
                     os.path.join(os.path.expanduser("~"), ".cache", "shadow86"), "linux")
kernel = os.path.join(cache, "vmlinuz-686")
initrd = os.path.join(cache, "initramfs.gz")
for f in (kernel, initrd):
    if not os.path.exists(f):
        print("linux_replay: %s missing: run 'bash scripts/linux-guest.sh'" % f)
        sys.exit(77)
os.makedirs(work, exist_ok=True)
log = os.path.join(work, "shell.log")
machine = ["-m", "256", "-kernel", kernel, "-initrd", initrd,
           "-append", "console=ttyS0 cryptomgr.notests=1 noisapnp", "-no-reboot"]

pid, fd = pty.fork()
if pid == 0:
    os.execv(emu, [emu] + machine + ["-nographic", "-record", log])
buf = b""
deadline = time.monotonic() + 300


def wait_for(pattern, start=0):
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
    sys.exit("linux_replay: %s\n--- terminal (end) ---\n%s" % (what, buf[-1500:].decode(errors="replace")))


PROMPT = b"shadow86:/# "
if not wait_for(PROMPT):
    fail("no shell prompt")
rng = random.Random()
for line, want in ((b"echo sum=$((40+2))", b"sum=42"), (b"uname -sm", b"Linux i686"),
                   (b"echo $RANDOM-$RANDOM", b"-")):
    time.sleep(rng.uniform(0.0, 1.5))
    start = len(buf)
    os.write(fd, line + b"\r")
    if not wait_for(want, start) or not wait_for(PROMPT, start):
        fail("typed %r, no %r" % (line, want))
time.sleep(rng.uniform(0.0, 1.0))
os.write(fd, b"poweroff\r")
while True:
    r, _, _ = select.select([fd], [], [], 1.0)
    try:
        data = os.read(fd, 4096) if r else b""
    except OSError:
        break
    if r and not data:
        break
    buf += data
_, status = os.waitpid(pid, 0)
if os.WEXITSTATUS(status) != 0 or not os.path.exists(log):
    fail("the recorded run ended with status %d" % os.WEXITSTATUS(status))
recorded = re.sub(rb"shadow86: the guest powered off.*\r?\n$", b"", buf).replace(b"\r", b"")
print("recorded: %d bytes of log, %d bytes of transcript" % (os.path.getsize(log), len(recorded)))


def replay(name, extra, want_status=0):
    out = os.path.join(work, name + ".txt")
    t = time.monotonic()
    p = subprocess.run([emu] + machine + ["-nographic", "-serial", "file:" + out, "-replay", log] + extra,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=600)
    err = p.stderr.decode(errors="replace")
    print("%s: status %d in %.1f s: %s" % (name, p.returncode, time.monotonic() - t,
                                           err.strip().splitlines()[-1] if err.strip() else ""))
    if p.returncode != want_status:
        sys.exit("linux_replay: %s: status %d, want %d\n%s" % (name, p.returncode, want_status, err))
    return open(out, "rb").read().replace(b"\r", b""), err


ok = True
for name, extra in (("dbt-nested", []), ("dbt-shadow", ["--mmu", "shadow"])):
    text, err = replay(name, extra)
    if "matched the recording" not in err or text != recorded:
        print("linux_replay: %s: transcript or end state differs" % name)
        ok = False
# The interpreter from a state 40 M instructions before the end.
end = int(re.search(r"matched the recording: (\d+)", err).group(1))
state = os.path.join(work, "late.s86")
replay("cut", ["--save-state", state, "--save-at", str(end - 40000000)])
text, err = replay("interp-shadow", ["--no-dbt", "--mmu", "shadow", "--load-state", state])
if "matched the recording" not in err or not recorded.endswith(text) or len(text) == 0:
    print("linux_replay: interpreter segment: transcript or end state differs")
    ok = False
# One typed byte flipped: caught, and pinpointed.
text, err = replay("perturbed", ["--replay-perturb", "serial:3"], want_status=12)
m = re.search(r"first difference after instruction (\d+)", err)
if not m or "replay diverged" not in err:
    print("linux_replay: the perturbed replay was not pinpointed:\n" + err)
    ok = False
else:
    print("perturbed: first difference after instruction %s" % m.group(1))
sys.exit(0 if ok else 1)
