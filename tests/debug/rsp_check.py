#!/usr/bin/env python3
"""rsp_check.py -- the gdb remote protocol spoken directly to the stub.

    rsp_check.py EMULATOR TRACE_ROM

Runs EMULATOR -bios TRACE_ROM -gdb tcp::0 -S and checks, packet by packet:
a write watchpoint (stops after the writing instruction, reports the
address), a breakpoint on a handler entered by exception delivery (no
instruction retires there, the stub rechecks after the delivery), single
step, an unmapped read (E14), bad checksums and junk (refused, session goes
on), removal of points, and the exit (W01). Addresses are linear; the ROM
runs at F000:xxxx (linear 0xF0000 + offset), see trace_rom.asm.
"""
import socket, subprocess, sys, time

emu, rom = sys.argv[1], sys.argv[2]
proc = subprocess.Popen([emu, "-no-reboot", "-bios", rom, "-debugcon", "none",
                         "-gdb", "tcp::0", "-S"], stderr=subprocess.PIPE, text=True)
line = proc.stderr.readline()
assert "listening on 127.0.0.1:" in line, line
port = int(line.rsplit(":", 1)[1])
s = socket.create_connection(("127.0.0.1", port), timeout=20)
buf = b""

def send(d):
    s.sendall(("$%s#%02x" % (d, sum(d.encode()) & 0xff)).encode())

def recv():
    global buf
    while True:
        i = buf.find(b"$")
        j = buf.find(b"#", i)
        if i >= 0 and j >= 0 and len(buf) >= j + 3:
            p = buf[i + 1:j].decode()
            buf = buf[j + 3:]
            return p
        data = s.recv(4096)
        assert data, "connection closed"
        buf += data

def ask(d, want, prefix=False):
    send(d)
    got = recv()
    ok = got.startswith(want) if prefix else got == want
    assert ok, "%r: got %r, want %r" % (d, got, want)
    return got

ask("?", "S05")
ask("p8", "f0ff0000")                        # EIP = 0xFFF0 at reset
ask("Z2,600,2", "OK")                        # write watch on the word at 0x600
ask("c", "T05watch:00000600;")
ask("p8", "28000000")                        # after "mov word [0x600], 0x1234"
ask("m600,2", "3412")
ask("z2,600,2", "OK")
ask("Z0,f0049,1", "OK")                      # ud_handler, entered by #UD delivery
ask("c", "T05hwbreak:;")
ask("p8", "49000000")
ask("s", "S05")
ask("p8", "4b000000")
ask("mf0000000,4", "E14")                    # nothing there: an error, not 0xFF
s.sendall(b"$g#00")                          # bad checksum: refused with '-'
s.sendall(b"\x00junk+-+")                    # noise between packets: ignored
ask("qXfer:features:read:target.xml:0,20", "m<?xml", prefix=True)
ask("Zz", "E01")
ask("z0,f0049,1", "OK")
ask("c", "W01")                              # the guest exits through port 0xF4
s.close()
rc = proc.wait(timeout=20)
assert rc == 1, "emulator status %d" % rc
print("rsp_check: ok")
