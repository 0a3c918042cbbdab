#!/usr/bin/env python3
"""gdb_idle_check.py -- the gdb stub while the guest runs.

    gdb_idle_check.py EMULATOR SPIN_ROM

On spin_rom (a guest that never ends), with -gdb tcp::0 and no -S:

1. silent   a client connects and says nothing: the guest keeps running,
            to --max-insns (status 6), and the client then hears W06.
2. noise    a client stops the guest ('?'), continues it ('c'), then sends
            20,000 bytes of '+' noise and a Ctrl-C: the stop reply (S02)
            must come at once, not after one run slice per noise byte.
3. backlog  while one client is attached, eight more connect at once: every
            connect() completes (the listen queue holds them) instead of
            timing out.
"""
import socket, subprocess, sys, time

emu, rom = sys.argv[1], sys.argv[2]


def start(max_insns=None):
    args = [emu, "-no-reboot", "-bios", rom, "-gdb", "tcp::0"]
    if max_insns:
        args += ["--max-insns", str(max_insns)]
    p = subprocess.Popen(args, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    line = p.stderr.readline()
    assert "listening on 127.0.0.1:" in line, line
    return p, int(line.rsplit(":", 1)[1])


def packet(d):
    return ("$%s#%02x" % (d, sum(d.encode()) & 0xff)).encode()


def recv_packet(s, buf=b""):
    while True:
        i = buf.find(b"$")
        j = buf.find(b"#", i)
        if i >= 0 and j >= 0 and len(buf) >= j + 3:
            return buf[i + 1:j].decode(), buf[j + 3:]
        data = s.recv(4096)
        assert data, "connection closed"
        buf += data


def finish(p, want):
    try:
        rc = p.wait(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        raise AssertionError("the emulator did not end (guest frozen?)")
    assert rc == want, "emulator status %d, want %d" % (rc, want)


# 1. A silent client does not freeze the guest.
p, port = start(max_insns=300_000_000)
s = socket.create_connection(("127.0.0.1", port), timeout=20)
finish(p, 6)
got, _ = recv_packet(s)
assert got == "W06", got
s.close()
print("gdb_idle_check: silent client ok")

# 2. Noise while running does not delay a Ctrl-C.
p, port = start()
s = socket.create_connection(("127.0.0.1", port), timeout=20)
s.sendall(packet("?"))
got, buf = recv_packet(s)
assert got == "S05", got
s.sendall(packet("c"))
time.sleep(0.2)
t0 = time.monotonic()
s.sendall(b"+" * 20000 + b"\x03")
got, buf = recv_packet(s, buf)
dt = time.monotonic() - t0
assert got == "S02", got
assert dt < 2.0, "Ctrl-C after noise took %.1f s" % dt
s.sendall(packet("k"))
s.close()
finish(p, 8)
print("gdb_idle_check: Ctrl-C after noise ok (%.3f s)" % dt)

# 3. More clients than one wait in the listen queue.
p, port = start()
first = socket.create_connection(("127.0.0.1", port), timeout=20)
first.sendall(packet("?"))
got, _ = recv_packet(first)
assert got == "S05", got
more = []
for i in range(8):
    c = socket.socket()
    c.settimeout(2.0)
    try:
        c.connect(("127.0.0.1", port))
    except (socket.timeout, OSError) as e:
        raise AssertionError("connect %d of 8 while a client is attached: %s" % (i + 1, e))
    more.append(c)
first.sendall(packet("k"))
first.close()
finish(p, 8)
for c in more:
    c.close()
print("gdb_idle_check: listen queue ok")
print("gdb_idle_check: ok")
