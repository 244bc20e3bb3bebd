#!/usr/bin/env bash
# Installs the system packages snoopy-tui and its tests need on Debian/Ubuntu (idempotent):
# build-essential and libpcap for building the capture binding (cap, node-gyp); nftables/iptables/ipset for blocking; tcpdump, tshark, tcpreplay and netsniff-ng's trafgen (the bench's set-rate live runs), nmap, hping3,
# curl, sshd and tmux for the fixture recordings and end-to-end tests; crowdsec (its Local API),
# crowdsec-firewall-bouncer, prometheus and rsyslog for the fleet and output tests, which start
# their own instances (the system services these packages bring are stopped and disabled again).
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root or install sudo" >&2; exit 1; }
  SUDO="sudo"
fi
PACKAGES=(build-essential libpcap-dev nftables iptables ipset tcpdump tshark tcpreplay netsniff-ng nmap hping3 hydra curl iproute2 python3 openssh-server openssh-client tmux systemd crowdsec crowdsec-firewall-bouncer prometheus rsyslog)
# Services of these packages, when this script installed them: the tests run their own.
TEST_SERVICES=(crowdsec crowdsec-firewall-bouncer prometheus)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all system packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
# Without this file the crowdsec package registers with CrowdSec's Central API at install (it
# needs the internet); present, it installs offline. A comment line is enough.
if [[ " ${missing[*]} " == *" crowdsec "* ]] && [ ! -e /etc/crowdsec/online_api_credentials.yaml ]; then
  $SUDO mkdir -p /etc/crowdsec
  echo "# offline: no Central API (written by snoopy-tui's scripts/install-deps.sh)" | $SUDO tee /etc/crowdsec/online_api_credentials.yaml >/dev/null
fi
$SUDO apt-get update -qq
# tshark asks whether non-root users may capture; answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# A firewall bouncer or a Local API left running would touch this host's firewall and ports.
if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
  for unit in "${TEST_SERVICES[@]}"; do
    [[ " ${missing[*]} " == *" $unit "* ]] && $SUDO systemctl disable --now "$unit" >/dev/null 2>&1 || true
  done
fi
echo "install-deps: done"
