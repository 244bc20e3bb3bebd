#!/usr/bin/env bash
# record-synflood.sh OUT_FILE [PACKETS] [--rand-source]
#
# Records a real hping3 SYN flood for the benchmark: hping3 -S --flood -p 80 runs in the
# attacker namespace (10.77.0.1) against the victim namespace (10.77.0.2, python3 -m
# http.server on port 80), and tcpdump in the victim namespace writes the first PACKETS
# packets (default 1200000; SYNs plus the victim's answers) to OUT_FILE. With --rand-source
# hping3 spoofs random source addresses. The file is big: do not commit it.
#
#   sudo bash scripts/record-synflood.sh /tmp/synflood.pcap
#   sudo bash scripts/record-synflood.sh /tmp/ddos.pcap 1200000 --rand-source
#
# Traffic stays between the two namespaces this script creates; both are removed on exit.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib-netns.sh
source "$HERE/lib-netns.sh"

usage() { sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

OUT_FILE=""
PACKETS=1200000
HPING_EXTRA=()
pos=0
for arg in "$@"; do
	case $arg in
	-h | --help) usage; exit 0 ;;
	--rand-source) HPING_EXTRA+=(--rand-source) ;;
	-*) snp_die "unknown option: $arg" ;;
	*)
		case $pos in
		0) OUT_FILE=$arg ;;
		1) PACKETS=$arg ;;
		*) snp_die "too many arguments (see --help)" ;;
		esac
		pos=$((pos + 1))
		;;
	esac
done
[[ -n $OUT_FILE ]] || { usage >&2; exit 2; }
[[ $PACKETS =~ ^[1-9][0-9]*$ ]] || snp_die "PACKETS must be a positive integer, got '$PACKETS'"
OUT_DIR=$(cd "$(dirname "$OUT_FILE")" 2>/dev/null && pwd) || snp_die "no such directory: $(dirname "$OUT_FILE")"
OUT_FILE=$OUT_DIR/$(basename "$OUT_FILE")

snp_require_root
snp_require_tools ip tcpdump hping3 capinfos python3 timeout

snp_log "setting up namespaces $SNP_NS_A and $SNP_NS_V"
snp_setup_netns
snp_start_http

rm -f "$OUT_FILE"
ip netns exec "$SNP_NS_V" tcpdump -n -i "$SNP_IF_V" -B 262144 -c "$PACKETS" -Z root -w "$OUT_FILE" 2>"$SNP_TMP/tcpdump.err" 9>&- &
TCPDUMP_PID=$!
SNP_PIDS+=("$TCPDUMP_PID")
snp_wait_pattern "$SNP_TMP/tcpdump.err" 'listening on' 15 "$TCPDUMP_PID"
sleep 1

snp_log "flooding: hping3 -S --flood -p 80 ${HPING_EXTRA[*]:+${HPING_EXTRA[*]} }$SNP_IP_V until tcpdump has $PACKETS packets"
t0=$(date +%s.%N)
ip netns exec "$SNP_NS_A" hping3 -S --flood -p 80 "${HPING_EXTRA[@]}" "$SNP_IP_V" >"$SNP_TMP/hping3.log" 2>&1 9>&- &
HPING_PID=$!
SNP_PIDS+=("$HPING_PID")

# tcpdump exits by itself after -c packets; give up after 10 minutes.
for ((i = 0; i < 6000; i++)); do
	snp_alive "$TCPDUMP_PID" || break
	snp_alive "$HPING_PID" || { cat "$SNP_TMP/hping3.log" >&2; snp_die "hping3 exited early"; }
	sleep 0.1
done
snp_alive "$TCPDUMP_PID" && snp_die "tcpdump did not reach $PACKETS packets within 10 minutes"
wait "$TCPDUMP_PID" || true
t1=$(date +%s.%N)
kill -INT "$HPING_PID" 2>/dev/null || true
wait "$HPING_PID" 2>/dev/null || true

sed 's/^/  tcpdump: /' "$SNP_TMP/tcpdump.err"
grep -E 'packets transmitted' "$SNP_TMP/hping3.log" | sed 's/^/  hping3: /' || true
n=$(capinfos -M -T -r -c "$OUT_FILE" | cut -f2)
printf 'wrote %s: %s packets, %s bytes, flood ran %.1f s\n' "$OUT_FILE" "$n" "$(stat -c %s "$OUT_FILE")" \
	"$(echo "$t1 - $t0" | bc -l 2>/dev/null || python3 -c "print($t1 - $t0)")"
capinfos -M -c "$OUT_FILE"
