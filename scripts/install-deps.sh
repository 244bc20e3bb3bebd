#!/usr/bin/env bash
# Installs the system packages snoopy-tui and its tests need on Debian/Ubuntu (idempotent):
# build-essential and libpcap for building the capture binding (cap, node-gyp); nftables/iptables/ipset for blocking; tcpdump, tshark, nmap, hping3,
# curl, sshd and tmux for the fixture recordings and end-to-end tests.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root or install sudo" >&2; exit 1; }
  SUDO="sudo"
fi
PACKAGES=(build-essential libpcap-dev nftables iptables ipset tcpdump tshark nmap hping3 hydra curl iproute2 python3 openssh-server openssh-client tmux systemd)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all system packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
# tshark asks whether non-root users may capture; answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
