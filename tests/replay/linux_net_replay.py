#!/usr/bin/env python3
"""linux_net_replay.py -- frames from the host are inputs: record, replay.

  linux_net_replay.py EMULATOR WORKDIR

Records (-record, virtual clock) the network boot test
(tests/boot/linux_net.py: 8139too, a DHCP lease from slirp, a fetch from
a host server, a 1 MiB upload, a file served back through hostfwd), then
replays the log with the same command line: no slirp is opened (nothing
listens, nothing connects), every frame the guest receives comes from the
log. The replay must report that it matched the recording (same end
instruction count and state hash, every checkpoint), and give the same
serial transcript and the same -netdump pcap (frames both ways, stamped
with machine time) byte for byte.
"""
import json
import os
import re
import shutil
import subprocess
import sys

emu, work = sys.argv[1], sys.argv[2]
here = os.path.dirname(os.path.abspath(__file__))
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
log = os.path.join(work, "net.log")


def fail(msg):
    print("linux_net_replay: " + msg)
    sys.exit(1)


env = dict(os.environ, SHADOW86_NET_SAVE=work,
           SHADOW86_GUEST_FLAGS=(os.environ.get("SHADOW86_GUEST_FLAGS", "") + " -record " + log).strip())
r = subprocess.run([sys.executable, os.path.join(here, "..", "boot", "linux_net.py"), emu, "686", "1"],
                   env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
print(r.stdout.strip().splitlines()[-1] if r.stdout.strip() else "(no output)")
if r.returncode != 0:
    print(r.stdout[-3000:])
    fail("the recording run failed (status %d)" % r.returncode)
if not os.path.exists(log):
    fail("-record wrote no log")
cmd = json.load(open(os.path.join(work, "cmd.json")))
# The same machine and guest command line, the log instead of the host.
i = cmd.index("-record")
cmd[i:i + 2] = ["-replay", log]
out2 = os.path.join(work, "replay-serial.txt")
dump2 = os.path.join(work, "replay.pcap")
cmd = [a if not a.startswith("file:") else "file:" + out2 for a in cmd]
cmd[cmd.index("-netdump") + 1] = dump2
p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=900)
m = re.search(r"replay of .* matched the recording: (\d+) instructions", p.stderr)
if p.returncode != 0 or not m:
    fail("replay: status %d, stderr: %s" % (p.returncode, p.stderr.strip()[-800:]))
a = open(os.path.join(work, "serial.txt"), "rb").read()
b = open(out2, "rb").read()
if a != b:
    fail("serial transcripts differ (%d bytes recorded, %d replayed)" % (len(a), len(b)))
a = open(os.path.join(work, "net.pcap"), "rb").read()
b = open(dump2, "rb").read()
if a != b:
    fail("-netdump differs (%d bytes recorded, %d replayed)" % (len(a), len(b)))
if b"S86 net fetched" not in open(out2, "rb").read():
    fail("the replayed transcript has no fetch")
print("linux_net_replay: OK: replay matched at %s instructions; serial (%d bytes) and pcap "
      "(%d bytes) identical; log %d bytes" % (m.group(1), len(open(out2, "rb").read()), len(b),
                                             os.path.getsize(log)))
