#!/usr/bin/env python3
"""linux_net.py -- the network card under Debian's kernel and driver.

    linux_net.py EMULATOR FLAVOUR [MB]

Boots the Linux guest with -nic user,model=rtl8139 and a hostfwd rule,
running /etc/s86/net.sh: 8139too loads, udhcpc takes a lease from slirp's
DHCP server, wget fetches a generated file from this script's HTTP server
on 127.0.0.1 through the gateway 10.0.2.2 and uploads MB MiB of random data
to it (timed here, for the throughput figure), then the guest's busybox
httpd serves the file back through the forward (host 127.0.0.1:P ->
guest :8080). Every step's result is checked; only loopback addresses are
used, each wait is bounded. Extra emulator flags: SHADOW86_GUEST_FLAGS.
SHADOW86_NET_SAVE=DIR keeps the command line (cmd.json), the serial
transcript and the pcap there (tests/replay/linux_net_replay.py).
"""
import hashlib
import http.server
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

TIMEOUT = int(os.environ.get("SHADOW86_GUEST_TIMEOUT", "400"))


def fail(msg):
    print("linux_net: " + msg)
    return 1


def payload():
    # 200 KiB that differ from one 1 KiB block to the next.
    return b"".join(hashlib.sha256(b"shadow86 %d" % i).digest() * 32 for i in range(200))


class State:
    upload = None          # (bytes, md5, seconds from first to last byte)


def make_handler(data, state):
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            if self.path != "/file":
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            n = int(self.headers.get("Content-Length", "0"))
            h = hashlib.md5()
            got = 0
            start = None
            while got < n:
                chunk = self.rfile.read(min(65536, n - got))
                if not chunk:
                    break
                if start is None:
                    start = time.monotonic()
                h.update(chunk)
                got += len(chunk)
            secs = time.monotonic() - (start or time.monotonic())
            state.upload = (got, h.hexdigest(), secs)
            body = ("%d %s" % (got, h.hexdigest())).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
    return Handler


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def main():
    emu, flavour = sys.argv[1], sys.argv[2]
    mb = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    cache = os.path.join(os.environ.get("SHADOW86_CACHE", os.path.expanduser("~/.cache/shadow86")), "linux")
    kernel = os.path.join(cache, "vmlinuz-" + flavour)
    initrd = os.path.join(cache, "initramfs.gz")
    for f in (kernel, initrd):
        if not os.path.exists(f):
            return fail("%s missing: run 'bash scripts/linux-guest.sh'" % f)
    data = payload()
    state = State()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make_handler(data, state))
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    fwd = free_port()
    tmp = tempfile.mkdtemp()
    out = os.path.join(tmp, "serial.txt")
    dump = os.path.join(tmp, "net.pcap")
    cmd = [emu] + os.environ.get("SHADOW86_GUEST_FLAGS", "").split() + [
        "-m", "256", "-kernel", kernel, "-initrd", initrd, "-no-reboot",
        "-serial", "file:" + out, "-netdump", dump,
        "-nic", "user,model=rtl8139,hostfwd=tcp:127.0.0.1:%d-:8080" % fwd,
        "-append", "console=ttyS0 cryptomgr.notests=1 noisapnp s86.script=net "
                   "s86.port=%d s86.mb=%d" % (port, mb)]
    qemu = os.path.basename(emu).startswith("qemu")
    if qemu:
        # The same guest under QEMU TCG for the throughput comparison
        # (docs/network.md): no -netdump there.
        i = cmd.index("-netdump")
        del cmd[i:i + 2]
        cmd[1:1] = ["-accel", "tcg", "-display", "none", "-monitor", "none"]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    served = None
    deadline = start + TIMEOUT
    # The serial file is written in blocks, so it cannot say when the
    # guest's httpd is up: once the upload has arrived, try the forward
    # every second (a refused attempt is reset by the guest) until the
    # file comes back whole.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))   # loopback only
    while proc.poll() is None and time.monotonic() < deadline:
        time.sleep(1)
        if served == data or state.upload is None:
            continue
        try:
            served = opener.open("http://127.0.0.1:%d/file" % fwd, timeout=20).read()
            if served == data:
                opener.open("http://127.0.0.1:%d/cgi-bin/done" % fwd, timeout=20).read()
        except OSError as e:
            served = b"error: " + str(e).encode()
    if proc.poll() is None:
        proc.kill()
        proc.wait()
        print(open(out, errors="replace").read()[-3000:])
        return fail("timed out after %d s" % TIMEOUT)
    wall = time.monotonic() - start
    err = proc.stderr.read().decode(errors="replace")
    text = open(out, errors="replace").read().replace("\r", "")
    lines = set(text.splitlines())
    bad = 0
    if proc.returncode != 0:
        bad = fail("exit status %d, expected 0; stderr: %s" % (proc.returncode, err.strip()[-500:]))

    def want(line):
        nonlocal bad
        if line not in lines:
            bad = fail("missing line: " + line)
    want("S86 net driver " + ("8139cp" if qemu else "8139too"))
    want("S86 net mac 52:54:00:12:34:56")
    want("S86 net ip 10.0.2.15/24")
    want("S86 net route 10.0.2.2")
    want("S86 net fetched %s  -" % hashlib.md5(data).hexdigest())
    want("S86 net served yes")
    up = [l for l in lines if l.startswith("S86 net upload md5 ")]
    if not up:
        bad = fail("no upload checksum line")
    elif state.upload is None:
        bad = fail("the upload never reached the host")
    else:
        md5 = up[0].split()[4]
        if state.upload[1] != md5 or state.upload[0] != mb << 20:
            bad = fail("upload: host got %d bytes md5 %s, guest sent %d bytes md5 %s"
                       % (state.upload[0], state.upload[1], mb << 20, md5))
        want("S86 net upload reply %d %s" % (mb << 20, md5))
    if served != data:
        bad = fail("the file fetched through hostfwd differs (%r...)" % (served or b"")[:60])
    pcap = b"\xd4\xc3\xb2\xa1" + bytes(24 + (mb << 20))
    if not qemu:
        with open(dump, "rb") as f:
            pcap = f.read()
    if pcap[:4] != b"\xd4\xc3\xb2\xa1" or len(pcap) < 24 + (mb << 20):
        bad = fail("-netdump: %d bytes, not a pcap holding the upload" % len(pcap))
    save = os.environ.get("SHADOW86_NET_SAVE")
    if save and not bad:
        with open(os.path.join(save, "cmd.json"), "w") as f:
            json.dump(cmd, f)
        with open(os.path.join(save, "serial.txt"), "wb") as f:
            f.write(open(out, "rb").read())
        with open(os.path.join(save, "net.pcap"), "wb") as f:
            f.write(open(dump, "rb").read())
    if bad:
        print(text[-3000:])
        return 1
    if state.upload:
        print("linux_net: OK (%.1f s); upload %d MiB in %.2f s host time = %.2f MiB/s"
              % (wall, mb, state.upload[2], mb / max(state.upload[2], 1e-6)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
