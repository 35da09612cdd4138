#!/usr/bin/env python3
# A stand-in for journald's native socket: bind a datagram socket at PATH,
# append every datagram received to OUT followed by "--- end", until
# nothing arrives for TIMEOUT seconds or SIGTERM. Touches OUT.ready once
# bound, so the test knows when to start.
import os
import signal
import socket
import sys

path, out = sys.argv[1], sys.argv[2]
timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 60
signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
open(out + ".ready", "w").close()
s.settimeout(timeout)
with open(out, "ab", buffering=0) as f:
    while True:
        try:
            data, anc, flags, addr = s.recvmsg(1 << 20, socket.CMSG_SPACE(64))
        except socket.timeout:
            break
        if anc:
            # journald accepts a memfd for large entries; we never send one.
            f.write(b"(ancillary data: a passed fd)\n")
        f.write(data + b"\n--- end\n")
