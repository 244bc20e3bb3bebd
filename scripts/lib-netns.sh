# shellcheck shell=bash
# lib-netns.sh — shared by record-fixtures.sh and record-synflood.sh (source it, do not run it).
#
# Two network namespaces joined by one veth pair; nothing else is connected to them, so no
# packet can leave them (no route, no bridge, no NAT to the host):
#
#   snp-rec-attacker [snp-a 10.77.0.1/24 fd77::1/64] <--veth--> [snp-v 10.77.0.2/24 fd77::2/64] snp-rec-victim
#
# The veth is created directly inside the namespaces, so the host namespace is never touched.
# SNP_REC_PREFIX (default snp-rec) names the namespaces and the lock, so two checkouts can record
# at the same time without touching each other's namespaces (e.g. SNP_REC_PREFIX=snp-scan).

SNP_REC_PREFIX=${SNP_REC_PREFIX:-snp-rec}
[[ $SNP_REC_PREFIX =~ ^[a-z][a-z0-9-]{0,15}$ ]] || { echo "error: SNP_REC_PREFIX must be 1-16 of [a-z0-9-], got '$SNP_REC_PREFIX'" >&2; exit 1; }
SNP_NS_A=$SNP_REC_PREFIX-attacker
SNP_NS_V=$SNP_REC_PREFIX-victim
SNP_IF_A=snp-a
SNP_IF_V=snp-v
SNP_IP_A=10.77.0.1
SNP_IP_V=10.77.0.2
SNP_IP6_A=fd77::1
SNP_IP6_V=fd77::2

SNP_PIDS=()   # background processes this script started (killed by id on exit)
SNP_EXTRA_NS=() # more namespaces a recorder made (deleted with ours on exit)
SNP_TMP=""    # temporary directory (removed on exit)

snp_log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"; }
snp_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

snp_require_root() {
	[[ $(id -u) -eq 0 ]] || snp_die "must run as root (network namespaces, raw sockets, packet capture)"
}

snp_require_tools() {
	local t missing=()
	for t in "$@"; do command -v "$t" >/dev/null 2>&1 || missing+=("$t"); done
	((${#missing[@]} == 0)) || snp_die "missing tools: ${missing[*]} (apt-get install -y tcpdump tshark nmap hping3 openssh-server openssh-client curl python3 iproute2 jq ethtool)"
}

# (Start background jobs with "ip netns exec NS cmd &" directly, not through these functions:
# a backgrounded function is a subshell, so $! would not be the tool's own pid.)
snp_in_a() { ip netns exec "$SNP_NS_A" "$@"; }
snp_in_v() { ip netns exec "$SNP_NS_V" "$@"; }

# Kill (by id) every process still running inside our namespaces — only processes started by
# this script or an earlier run of it can be in there — then delete the namespaces.
snp_teardown_netns() {
	local ns pid pids
	for ns in "${SNP_EXTRA_NS[@]}" "$SNP_NS_A" "$SNP_NS_V"; do
		[[ -e /run/netns/$ns ]] || continue
		pids=$(ip netns pids "$ns" 2>/dev/null || true)
		for pid in $pids; do kill -TERM "$pid" 2>/dev/null || true; done
		if [[ -n $pids ]]; then
			sleep 0.3
			for pid in $(ip netns pids "$ns" 2>/dev/null || true); do kill -KILL "$pid" 2>/dev/null || true; done
		fi
		ip netns del "$ns" 2>/dev/null || true
	done
}

snp_cleanup() {
	local rc=$? pid
	trap - EXIT INT TERM
	for pid in "${SNP_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
	for pid in "${SNP_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
	snp_teardown_netns
	[[ -n $SNP_TMP && -d $SNP_TMP ]] && rm -rf -- "$SNP_TMP"
	exit "$rc"
}

SNP_LOCK=/run/lock/snoopy-record-netns-$SNP_REC_PREFIX.lock

# snp_csum_off NS IFACE — compute checksums in software: with the veth's default checksum offload
# every TCP/UDP checksum in a capture would be a partial one, unlike packets on a real wire.
snp_csum_off() {
	if command -v ethtool >/dev/null 2>&1; then
		ip netns exec "$1" ethtool -K "$2" tx off >/dev/null
	else
		echo "warning: ethtool missing; TCP/UDP checksums in captures will be partial (apt-get install ethtool)" >&2
	fi
}

# Installs the cleanup trap, removes leftovers of an earlier run, creates namespaces and veth.
# Both recording scripts use the same namespace names (per SNP_REC_PREFIX), so one lock per
# prefix serialises them: a second
# recording waits (up to 15 min) instead of tearing down the first one's namespaces.
snp_setup_netns() {
	trap snp_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
	trap 'exit 141' PIPE # stdout closed (| head): still clean up
	mkdir -p "$(dirname "$SNP_LOCK")"
	exec 9>"$SNP_LOCK"
	if ! flock -n 9; then
		snp_log "another recording holds $SNP_LOCK; waiting"
		flock -w 900 9 || snp_die "timed out waiting for $SNP_LOCK"
	fi
	SNP_TMP=$(mktemp -d /tmp/snp-rec.XXXXXX)
	chmod 755 "$SNP_TMP"

	snp_teardown_netns
	ip netns add "$SNP_NS_A"
	ip netns add "$SNP_NS_V"
	ip -n "$SNP_NS_A" link add "$SNP_IF_A" type veth peer name "$SNP_IF_V" netns "$SNP_NS_V"
	local ns ifc ip4 ip6
	for ns in "$SNP_NS_A" "$SNP_NS_V"; do
		if [[ $ns == "$SNP_NS_A" ]]; then ifc=$SNP_IF_A ip4=$SNP_IP_A ip6=$SNP_IP6_A; else ifc=$SNP_IF_V ip4=$SNP_IP_V ip6=$SNP_IP6_V; fi
		ip -n "$ns" link set lo up
		ip -n "$ns" addr add "$ip4/24" dev "$ifc"
		ip -n "$ns" addr add "$ip6/64" dev "$ifc" nodad
		snp_csum_off "$ns" "$ifc"
		ip -n "$ns" link set "$ifc" up
	done
	# No ICMP rate limit in the victim: closed UDP ports answer at once, UDP scans stay quick.
	snp_in_v sysctl -q -w net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0
	# The global ICMP budget (burst 50) would still drop some port-unreachables. Only touch it
	# where it is per namespace: a sysctl visible inside a new namespace belongs to that namespace.
	if snp_in_v test -w /proc/sys/net/ipv4/icmp_msgs_per_sec; then
		snp_in_v sysctl -q -w net.ipv4.icmp_msgs_per_sec=100000 net.ipv4.icmp_msgs_burst=100000
	fi
}

# snp_alive PID — running (kill -0 alone also succeeds for an exited child not yet waited for)
snp_alive() {
	local st
	st=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) || return 1
	[[ $st != Z && $st != X ]]
}

# snp_wait_pattern FILE REGEX TIMEOUT_S PID — wait until FILE contains REGEX (a capture tool's
# "listening on" line), fail if PID dies first or time runs out.
snp_wait_pattern() {
	local file=$1 re=$2 timeout=$3 pid=$4 i
	for ((i = 0; i < timeout * 10; i++)); do
		grep -Eq "$re" "$file" 2>/dev/null && return 0
		snp_alive "$pid" || { cat "$file" >&2; snp_die "process $pid exited before: $re"; }
		sleep 0.1
	done
	cat "$file" >&2
	snp_die "timed out waiting for: $re"
}

# snp_wait_listen NS PORT — wait until a TCP socket listens on PORT in namespace NS.
snp_wait_listen() {
	local ns=$1 port=$2 i
	for ((i = 0; i < 100; i++)); do
		ip netns exec "$ns" ss -Hltn "sport = :$port" | grep -q . && return 0
		sleep 0.1
	done
	snp_die "nothing listens on port $port in $ns"
}

# Web server in the victim namespace: python3 -m http.server 80 (dual stack, v4 and v6).
snp_start_http() {
	local root=$SNP_TMP/www py
	py=$(command -v /usr/bin/python3 || command -v python3)
	mkdir -p "$root/docs" "$root/img"
	printf '<!doctype html><title>snoopy test</title><h1>It works</h1><a href="docs/">docs</a>\n' >"$root/index.html"
	printf 'hello from the victim namespace\n' >"$root/hello.txt"
	printf '{"name":"snoopy","items":[1,2,3]}\n' >"$root/data.json"
	printf 'User-agent: *\nDisallow: /private/\n' >"$root/robots.txt"
	printf '# Docs\nNothing to see here.\n' >"$root/docs/readme.md"
	printf 'body { color: #333; }\n' >"$root/docs/style.css"
	head -c 3000 /dev/zero | tr '\0' 'x' >"$root/img/blob.bin"
	ip netns exec "$SNP_NS_V" "$py" -m http.server 80 --bind :: --directory "$root" >"$SNP_TMP/http.log" 2>&1 9>&- &
	SNP_PIDS+=($!)
	snp_wait_listen "$SNP_NS_V" 80
	# both address families reach it from the attacker namespace
	local ip
	for ip in "$SNP_IP_V" "$SNP_IP6_V"; do
		snp_in_a timeout 5 bash -c "exec 3<>/dev/tcp/$ip/80" || snp_die "veth: $ip port 80 not reachable from $SNP_NS_A"
	done
}
