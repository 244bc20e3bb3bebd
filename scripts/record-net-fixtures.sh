# shellcheck shell=bash
# record-net-fixtures.sh — network-layer recorders of record-fixtures.sh (source it, do not run it):
# fragmented scans and floods, rate floods of every TCP flag, floods from several and from
# spoofed sources, a DNS reflection with fragmented answers, split, SCTP and decoy scans, and the
# benign captures that must raise nothing (a download served from the home net, echo replies to
# a flood, DNS bursts with fragmented answers). Every function records one fixture; the
# namespaces, capture helpers and addresses are record-fixtures.sh's.

# --- fragmented scans ---------------------------------------------------------------------------
# nmap splits each probe into 8-byte (-f) or 16-byte (--mtu 16) fragments.
rec_nmap_frag_pcap() {
	tcpdump_start nmap-frag.pcap
	nmap_a -sS -f "${NMAP_TCP[@]}"
	cap_stop
	finish nmap-frag.pcap
}
rec_nmap_mtu16_pcap() {
	tcpdump_start nmap-mtu16.pcap
	nmap_a -sS --mtu 16 "${NMAP_TCP[@]}"
	cap_stop
	finish nmap-mtu16.pcap
}

# --- floods at a chosen rate ------------------------------------------------------------------
# rec_rate_flood NAME KEEP SECONDS hping3-options… — hping3 at the rate its -i gives, from the
# attacker namespace, for SECONDS; the first KEEP packets are kept.
rec_rate_flood() {
	local name=$1 keep=$2 secs=$3
	shift 3
	tcpdump_start "$name.full" -B 65536
	snp_in_a timeout "$secs" hping3 "$@" "$SNP_IP_V" 2>&1 | sed 's/^/    /' || true
	cap_stop
	snp_log "  full capture: $(cap_packets "$OUT/$name.full") packets over $(capinfos -M -T -r -u "$OUT/$name.full" | cut -f2) s, keeping 1-$keep"
	editcap -F pcap -r "$OUT/$name.full" "$OUT/$name" "1-$keep"
	rm -f "$OUT/$name.full"
	finish "$name"
}
# hping3 -f: fragments of 16 bytes (its default virtual MTU), so a SYN is two fragments.
rec_hping3_synflood_frag_pcap() { rec_proto_flood hping3-synflood-frag.pcap 6000 -S -f -p 80; }
# 64 bytes of data: each datagram is five fragments.
rec_hping3_udpflood_frag_pcap() { rec_proto_flood hping3-udpflood-frag.pcap 8000 --udp -f -d 64 -p 7777; }
# About 4000 packets a second (-i u250): ACKs of no connection (the victim answers RST) and RSTs.
rec_hping3_ackflood_pcap() { rec_rate_flood hping3-ackflood.pcap 6000 2 -A -i u250 -p 80; }
rec_hping3_rstflood_pcap() { rec_rate_flood hping3-rstflood.pcap 6000 2 -R -i u250 -p 80; }
# One source, about 300 SYNs a second for 10 s, to a closed port (the victim answers RST).
rec_synflood_slow_pcap() { rec_rate_flood synflood-slow.pcap 7000 11 -S -i u3333 -c 3000 -p 8081; }
# 0.4 s of UDP at about 10,000 datagrams a second, each from a random spoofed source (no route
# back from the victim, so no answers).
rec_udp_burst_randsrc_pcap() { rec_rate_flood udp-burst-randsrc.pcap 10000 0.4 --udp --rand-source -i u15 -p 7777; }

# Ten sources at about 49 SYNs a second each for about 12 s; the source addresses are spoofed
# and unassigned, so the victim's SYN-ACKs go nowhere (it only asks ARP for them).
SYN10_PREFIX=10.77.0
rec_synflood_10src_pcap() {
	local h pids=() pid
	tcpdump_start synflood-10src.pcap
	for ((h = 31; h <= 40; h++)); do
		ip netns exec "$SNP_NS_A" hping3 -q -S -a "$SYN10_PREFIX.$h" -i u20408 -c 600 -p 80 "$SNP_IP_V" >/dev/null 2>&1 9>&- &
		pids+=($!)
		SNP_PIDS+=($!)
	done
	for pid in "${pids[@]}"; do wait "$pid" || true; done
	cap_stop
	snp_log "  $(tshark -n -r "$OUT/synflood-10src.pcap" -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 0' -T fields -e ip.src 2>/dev/null | sort | uniq -c | tr -s ' \n' ' ')(SYNs per source)"
	finish synflood-10src.pcap
}

# --- DNS reflection with fragmented answers -----------------------------------------------------
# A third namespace holds the resolver (10.77.5.53, behind the attacker namespace, which routes);
# its link has MTU 576, so each 700-byte answer leaves it in two fragments. hping3 in the
# attacker namespace sends TXT queries whose source is the victim's address, from a new source
# port each time; the resolver answers them all to the victim, who never asked (and answers
# port unreachable). The first 3000 packets are kept.
RESOLVER_IP=10.77.5.53
write_txt_resolver() {
	cat >"$SNP_TMP/txt-resolver.py" <<'PY'
"""txt-resolver ADDR — answers every DNS query with one 700-byte TXT record (UDP port 53)."""
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 53))
txt = b"".join(bytes([250]) + bytes([97 + i]) * 250 for i in range(2)) + bytes([180]) + b"z" * 180
print("resolver ready", flush=True)
while True:
    q, peer = s.recvfrom(2048)
    if len(q) < 17:
        continue
    end = q.index(b"\0", 12) + 5  # question: name, type, class
    head = q[:2] + struct.pack(">HHHHH", 0x8180, 1, 1, 0, 0)
    answer = b"\xc0\x0c" + struct.pack(">HHIH", 16, 1, 300, len(txt)) + txt
    s.sendto(head + q[12:end] + answer, peer)
PY
}
dns_query_bytes() { # FILE — one TXT query for big.reflect.test, RD set
	printf '\x13\x37\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x03big\x07reflect\x04test\x00\x00\x10\x00\x01' >"$1"
}
rec_dns_reflection_frag_pcap() {
	local ns=$SNP_REC_PREFIX-resolver q=$SNP_TMP/query.bin rpid
	write_txt_resolver
	dns_query_bytes "$q"
	ip netns add "$ns"
	SNP_EXTRA_NS+=("$ns")
	ip -n "$SNP_NS_A" link add snp-r type veth peer name snp-rr netns "$ns"
	ip -n "$SNP_NS_A" addr add 10.77.5.1/24 dev snp-r
	ip -n "$ns" addr add "$RESOLVER_IP/24" dev snp-rr
	snp_csum_off "$SNP_NS_A" snp-r
	snp_csum_off "$ns" snp-rr
	ip -n "$ns" link set snp-rr mtu 576
	ip -n "$SNP_NS_A" link set snp-r mtu 576
	ip -n "$ns" link set lo up
	ip -n "$ns" link set snp-rr up
	ip -n "$SNP_NS_A" link set snp-r up
	ip -n "$ns" route add default via 10.77.5.1
	ip -n "$SNP_NS_V" route add 10.77.5.0/24 via "$SNP_IP_A"
	snp_in_a sysctl -q -w net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.snp-a.rp_filter=0
	ip netns exec "$ns" /usr/bin/python3 "$SNP_TMP/txt-resolver.py" "$RESOLVER_IP" >"$SNP_TMP/resolver.log" 2>&1 9>&- &
	rpid=$!
	SNP_PIDS+=("$rpid")
	snp_wait_pattern "$SNP_TMP/resolver.log" 'resolver ready' 10 "$rpid"
	tcpdump_start dns-reflection-frag.pcap.full
	# 2000 queries at about 2000 a second, source 10.77.0.2, source ports 20000 upwards
	snp_in_a timeout 5 hping3 -q --udp -a "$SNP_IP_V" -s 20000 -p 53 -E "$q" -d "$(stat -c %s "$q")" -i u400 -c 2000 "$RESOLVER_IP" 2>&1 | sed 's/^/    /' || true
	cap_stop
	kill -TERM "$rpid" 2>/dev/null || true
	wait "$rpid" 2>/dev/null || true
	ip -n "$SNP_NS_V" route del 10.77.5.0/24 via "$SNP_IP_A"
	ip netns del "$ns"
	editcap -F pcap -r "$OUT/dns-reflection-frag.pcap.full" "$OUT/dns-reflection-frag.pcap" 1-3000
	rm -f "$OUT/dns-reflection-frag.pcap.full"
	snp_log "  $(tshark -n -r "$OUT/dns-reflection-frag.pcap" -Y 'ip.src == 10.77.5.53 && ip.flags.mf == 1' 2>/dev/null | wc -l) first fragments," \
		"$(tshark -n -r "$OUT/dns-reflection-frag.pcap" -Y 'dns.flags.response == 1' 2>/dev/null | wc -l) reassembled answers"
	finish dns-reflection-frag.pcap
}

# --- scans: split, SCTP, decoys ----------------------------------------------------------------
# Two addresses of the attacker each probe 14 ports of the victim at the same time.
rec_nmap_split_2src_pcap() {
	local pids=() pid
	ip -n "$SNP_NS_A" addr add 10.77.0.11/24 dev "$SNP_IF_A"
	ip -n "$SNP_NS_A" addr add 10.77.0.12/24 dev "$SNP_IF_A"
	tcpdump_start nmap-split-2src.pcap
	snp_in_a nmap -Pn -n -sS -T4 -S 10.77.0.11 -e "$SNP_IF_A" -p 1-14 "$SNP_IP_V" >/dev/null 9>&- &
	pids+=($!)
	snp_in_a nmap -Pn -n -sS -T4 -S 10.77.0.12 -e "$SNP_IF_A" -p 15-28 "$SNP_IP_V" >/dev/null 9>&- &
	pids+=($!)
	for pid in "${pids[@]}"; do wait "$pid" || snp_die "nmap $pid failed"; done
	cap_stop
	ip -n "$SNP_NS_A" addr del 10.77.0.11/24 dev "$SNP_IF_A"
	ip -n "$SNP_NS_A" addr del 10.77.0.12/24 dev "$SNP_IF_A"
	finish nmap-split-2src.pcap
}
# SCTP INIT (-sY) and COOKIE-ECHO (-sZ) scans of ports 1-100; the victim has no SCTP endpoint.
rec_sctp_scan() { # NAME FLAG
	tcpdump_start "$1"
	nmap_a "$2" -Pn -n -T4 --max-retries 1 -p 1-100 "$SNP_IP_V"
	cap_stop
	finish "$1"
}
rec_nmap_sctp_init_pcap() { rec_sctp_scan nmap-sctp-init.pcap -sY; }
rec_nmap_sctp_cookie_pcap() { rec_sctp_scan nmap-sctp-cookie.pcap -sZ; }
# Three decoys nobody holds: the victim's answers to them go nowhere (ARP is never answered).
rec_nmap_decoy_pcap() {
	tcpdump_start nmap-decoy.pcap
	nmap_a -sS -D 10.77.0.21,10.77.0.22,ME,10.77.0.23 -Pn -n -T4 --top-ports 200 "$SNP_IP_V"
	cap_stop
	finish nmap-decoy.pcap
}

# --- benign: what must not be exfiltration, reflection or a flood ---------------------------------
# An outside client (10.77.0.1) downloads 30 MB from a web server in the home net (the victim,
# replayed with --home-net 10.77.0.2/32). Jumbo frames and headers only, as for the upload.
rec_benign_served_download_pcap() {
	local root=$SNP_TMP/served pid
	mkdir -p "$root"
	head -c 30000000 /dev/urandom >"$root/backup.tar"
	ip netns exec "$SNP_NS_V" /usr/bin/python3 -m http.server 8080 --bind 0.0.0.0 --directory "$root" >"$SNP_TMP/served.log" 2>&1 9>&- &
	pid=$!
	SNP_PIDS+=("$pid")
	snp_wait_listen "$SNP_NS_V" 8080
	veth_mtu 9000
	tcpdump_start benign-served-download.pcap -s 96
	snp_in_a curl --noproxy '*' -sS -o /dev/null --max-time 60 -w '    %{http_code} %{size_download} bytes in %{time_total} s\n' "http://$SNP_IP_V:8080/backup.tar"
	cap_stop
	veth_mtu 1500
	kill -TERM "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	finish benign-served-download.pcap
}
# An ICMP flood of 8000-byte echo requests; the victim's echo replies (12 MB within the first
# 3000 packets) leave the home net but are no exfiltration. Replayed with high-security.
rec_icmpflood_replies_pcap() {
	veth_mtu 9000
	tcpdump_start icmpflood-replies.pcap.full -s 96 -B 65536
	snp_in_a timeout 1 hping3 --flood --icmp -d 8000 "$SNP_IP_V" 2>&1 | sed 's/^/    /' || true
	cap_stop
	veth_mtu 1500
	editcap -F pcap -r "$OUT/icmpflood-replies.pcap.full" "$OUT/icmpflood-replies.pcap" 1-3000
	rm -f "$OUT/icmpflood-replies.pcap.full"
	finish icmpflood-replies.pcap
}
# The victim (home) resolves in bursts through an outside dnsmasq (10.77.0.1): 4 bursts of 250
# lookups sent at once, then large TXT answers that arrive fragmented (EDNS 4096) over IPv4 and
# IPv6, and pings of 3000 bytes both ways (fragmented echo requests and replies).
write_dns_burst() {
	cat >"$SNP_TMP/dns-burst.py" <<'PY'
"""dns-burst SERVER COUNT — COUNT A queries sent at once, each from its own socket, then the answers."""
import os, select, socket, struct, sys
server, count = sys.argv[1], int(sys.argv[2])
fam = socket.AF_INET6 if ":" in server else socket.AF_INET
socks = []
for i in range(count):
    s = socket.socket(fam, socket.SOCK_DGRAM)
    name = b"".join(bytes([len(p)]) + p for p in [b"host%d" % (i % 40), b"home", b"test"]) + b"\0"
    s.sendto(struct.pack(">HHHHHH", i, 0x0100, 1, 0, 0, 0) + name + b"\0\x01\0\x01", (server, 53))
    socks.append(s)
got = 0
while socks:
    ready, _, _ = select.select(socks, [], [], 2)
    if not ready:
        break
    for s in ready:
        s.recv(4096)
        socks.remove(s)
        s.close()
        got += 1
print("    %d/%d answers from %s" % (got, count, server))
PY
}
rec_benign_dns_burst_pcap() {
	local dns_pid i big
	snp_require_tools dnsmasq dig
	write_dns_burst
	big=$(printf 'v=%0250d' 0)
	ip netns exec "$SNP_NS_A" dnsmasq --keep-in-foreground --no-resolv --no-hosts --no-poll --user=root \
		--listen-address="$SNP_IP_A" --listen-address="$SNP_IP6_A" --bind-interfaces --port=53 --pid-file="$SNP_TMP/dnsmasq-out.pid" \
		--local=/home.test/ --domain=home.test --address=/home.test/10.77.0.80 --edns-packet-max=4096 \
		--txt-record="keys.home.test,$big,$big,$big,$big,$big,$big,$big,$big,$big,$big,$big" 2>"$SNP_TMP/dnsmasq-out.log" 9>&- &
	dns_pid=$!
	SNP_PIDS+=("$dns_pid")
	sleep 0.5
	tcpdump_start benign-dns-burst.pcap
	for ((i = 0; i < 4; i++)); do
		snp_in_v /usr/bin/python3 "$SNP_TMP/dns-burst.py" "$SNP_IP_A" 250
		sleep 0.3
	done
	snp_in_v /usr/bin/python3 "$SNP_TMP/dns-burst.py" "$SNP_IP6_A" 100
	for ((i = 0; i < 5; i++)); do
		snp_in_v dig @"$SNP_IP_A" +bufsize=4096 +ignore +tries=1 +time=2 keys.home.test TXT | grep -c 'v=0' | sed 's/^/    TXT strings (v4): /'
		snp_in_v dig @"$SNP_IP6_A" +bufsize=4096 +ignore +tries=1 +time=2 keys.home.test TXT | grep -c 'v=0' | sed 's/^/    TXT strings (v6): /'
	done
	snp_in_v ping -c 3 -i 0.2 -s 3000 -q "$SNP_IP_A" | sed -n 's/^/    /;/packets/p'
	snp_in_v ping -6 -c 3 -i 0.2 -s 3000 -q "$SNP_IP6_A" | sed -n 's/^/    /;/packets/p'
	snp_in_a ping -c 3 -i 0.2 -s 3000 -q "$SNP_IP_V" | sed -n 's/^/    /;/packets/p'
	cap_stop
	kill -TERM "$dns_pid" 2>/dev/null || true
	wait "$dns_pid" 2>/dev/null || true
	snp_log "  $(tshark -n -r "$OUT/benign-dns-burst.pcap" -Y 'ip.flags.mf == 1 || ipv6.fragment' 2>/dev/null | wc -l) first/middle fragments"
	finish benign-dns-burst.pcap
}

# 40 key logins from the outside (10.77.0.1) to the victim's sshd (home net), in 4 waves of 10
# started at once (sshd's MaxStartups lets 10 unauthenticated connections in without drops): a
# burst of connections a busy server takes, neither a flood nor a brute force.
rec_benign_ssh_parallel_pcap() {
	local i w pids pid ok=0
	tcpdump_start benign-ssh-parallel.pcap
	for ((w = 0; w < 4; w++)); do
		pids=()
		for ((i = 1; i <= 10; i++)); do
			snp_in_a timeout 30 ssh -F /dev/null -i "$SSH_DIR/id_ed25519" -o IdentitiesOnly=yes -o BatchMode=yes \
				-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
				"root@$SNP_IP_V" 'uname -n' >/dev/null 2>&1 9>&- &
			pids+=($!)
		done
		for pid in "${pids[@]}"; do wait "$pid" && ok=$((ok + 1)); done
	done
	cap_stop
	echo "    $ok/40 parallel logins succeeded"
	((ok == 40)) || snp_die "parallel ssh logins: only $ok/40 succeeded"
	finish benign-ssh-parallel.pcap
}
