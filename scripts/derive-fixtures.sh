#!/usr/bin/env bash
# Fixtures derived offline from recorded ones (no traffic is sent):
# - nmap-syn-public.pcap: addresses rewritten with tcprewrite so replays can exercise
#   public-address handling (geo tags) without ever sending a packet to a public address;
# - nmap-slow.pcap: nmap-scan-delay.pcap with every timestamp stretched 60 times from the first
#   packet (packet bytes unchanged), so a real nmap scan at 2 probes a second becomes one probe
#   every 30 s over about 20 minutes of packet time: a slow scan without 20 minutes of recording.
# Needs tcpreplay's tcprewrite, capinfos and python3.
set -euo pipefail
cd "$(dirname "$0")/../fixtures"
# nmap -sS recording with the scanner 10.77.0.1 shown as 81.2.69.142 (GeoLite2: GB).
tcprewrite --infile=nmap-syn.pcap --outfile=nmap-syn-public.pcap \
  --srcipmap=10.77.0.1/32:81.2.69.142/32 --dstipmap=10.77.0.1/32:81.2.69.142/32 --fixcsum
capinfos -c -M nmap-syn-public.pcap | grep 'Number of packets'

# stretch_pcap FACTOR IN OUT — classic pcap (µs or ns, either byte order): ts' = t0 + (ts - t0) × FACTOR.
stretch_pcap() {
  python3 - "$@" <<'PY'
import struct, sys
factor, src, dst = float(sys.argv[1]), sys.argv[2], sys.argv[3]
data = bytearray(open(src, 'rb').read())
magic = data[:4]
order = {b'\xd4\xc3\xb2\xa1': '<', b'\x4d\x3c\xb2\xa1': '<', b'\xa1\xb2\xc3\xd4': '>', b'\xa1\xb2\x3c\x4d': '>'}.get(bytes(magic))
if order is None:
    sys.exit(f'{src}: not a classic pcap file')
unit = 1_000_000_000 if magic in (b'\x4d\x3c\xb2\xa1', b'\xa1\xb2\x3c\x4d') else 1_000_000
off, t0 = 24, None
while off + 16 <= len(data):
    sec, frac, incl, _orig = struct.unpack_from(order + 'IIII', data, off)
    t = sec * unit + frac
    t0 = t if t0 is None else t0
    t = t0 + round((t - t0) * factor)
    struct.pack_into(order + 'II', data, off, t // unit, t % unit)
    off += 16 + incl
open(dst, 'wb').write(data)
PY
}
stretch_pcap 60 nmap-scan-delay.pcap nmap-slow.pcap
capinfos -c -u -M nmap-slow.pcap | grep -E 'Number of packets|Capture duration'
