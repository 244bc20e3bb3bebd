#!/usr/bin/env python3
"""A stand-in for rsyslog while recording auth-log fixtures.

Listens on a Unix datagram socket (bind-mounted as /dev/log in the recording's private mount
namespace) and writes every message twice, the way rsyslog writes /var/log/auth.log:
  classic: "Nov 21 22:15:03 HOST prog[pid]: msg"       (RSYSLOG_TraditionalFileFormat)
  iso:     "2026-11-21T22:15:03.123456+00:00 HOST prog[pid]: msg" (Debian 12's default)
The message text is exactly what the program (sshd, PAM, vsftpd, sudo) sent; only the header is
re-stamped with the reception time, as rsyslog does.

usage: syslog-listener.py SOCKET HOSTNAME CLASSIC_FILE ISO_FILE
"""
import datetime
import os
import re
import socket
import sys

sock_path, host, classic_path, iso_path = sys.argv[1:5]
if os.path.exists(sock_path):
    os.unlink(sock_path)
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sock_path)
os.chmod(sock_path, 0o666)
# libc's syslog(): "<PRI>Mmm dd hh:mm:ss TAG[PID]: MSG"
header = re.compile(rb"^<\d+>(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d )?(.*)$", re.S)
with open(classic_path, "ab", buffering=0) as classic, open(iso_path, "ab", buffering=0) as iso:
    while True:
        data = s.recv(65536)
        m = header.match(data)
        body = (m.group(1) if m else data).rstrip(b"\n")
        now = datetime.datetime.now(datetime.timezone.utc)
        classic.write(f"{now:%b} {now.day:2d} {now:%H:%M:%S}".encode() + b" " + host.encode() + b" " + body + b"\n")
        iso.write(now.isoformat(timespec="microseconds").encode() + b" " + host.encode() + b" " + body + b"\n")
