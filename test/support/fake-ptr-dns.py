"""A tiny DNS server for tests: answers every PTR query with one hostile name.

Run inside a network namespace the test created (ip netns exec NS python3 fake-ptr-dns.py),
where /etc/netns/NS/resolv.conf points at 127.0.0.1. Never reachable from anywhere else.
"""
import socket
import struct
import sys

# Labels may carry any byte on the wire: ESC sequences, BEL, a bidi override.
LABELS = [b'evil\x1b]52;c;QQ==\x07', b'x\xe2\x80\xaey', b'example', b'test']


def name(labels):
    return b''.join(struct.pack('B', len(l)) + l for l in labels) + b'\x00'


def answer(query):
    ident, flags, qd = struct.unpack('>HHH', query[:6])
    # Skip the question name to find its end.
    i = 12
    while query[i] != 0:
        i += query[i] + 1
    question = query[12:i + 5]
    qtype = struct.unpack('>H', query[i + 1:i + 3])[0]
    header = struct.pack('>HHHHHH', ident, 0x8180, 1, 1 if qtype == 12 else 0, 0, 0)
    if qtype != 12:
        return header + question
    rdata = name(LABELS)
    record = b'\xc0\x0c' + struct.pack('>HHIH', 12, 1, 60, len(rdata)) + rdata
    return header + question + record


def main():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('127.0.0.1', 53))
    sys.stdout.write('ready\n')
    sys.stdout.flush()
    while True:
        data, addr = s.recvfrom(4096)
        try:
            s.sendto(answer(data), addr)
        except Exception:
            pass


main()
