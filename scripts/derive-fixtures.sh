#!/usr/bin/env bash
# Fixtures derived offline from recorded ones (no traffic is sent): addresses rewritten with
# tcprewrite so replays can exercise public-address handling (geo tags) without ever sending a
# packet to a public address. Needs tcpreplay's tcprewrite and capinfos.
set -euo pipefail
cd "$(dirname "$0")/../fixtures"
# nmap -sS recording with the scanner 10.77.0.1 shown as 81.2.69.142 (GeoLite2: GB).
tcprewrite --infile=nmap-syn.pcap --outfile=nmap-syn-public.pcap \
  --srcipmap=10.77.0.1/32:81.2.69.142/32 --dstipmap=10.77.0.1/32:81.2.69.142/32 --fixcsum
capinfos -c -M nmap-syn-public.pcap | grep 'Number of packets'
