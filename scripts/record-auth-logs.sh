#!/usr/bin/env bash
# record-auth-logs.sh — records the auth-log fixtures (fixtures/auth/*.log) from real daemons.
#
# Two network namespaces joined by one veth (snp-auth-rec-attacker 10.79.0.1 fd79::1 <-->
# snp-auth-rec-victim 10.79.0.2 fd79::2); nothing is routed anywhere else. In the victim:
#   - sshd (temporary config and host key, UsePAM yes, logging with -E to a file),
#   - vsftpd (temporary config, listen_ipv6 so IPv4 clients appear as ::ffff:a.b.c.d),
# both in a private mount namespace whose /dev/log is a socket of scripts/lib/syslog-listener.py,
# which writes what sshd, PAM, vsftpd and sudo send to syslog the way rsyslog writes auth.log
# (classic and ISO timestamps). From the attacker: hydra (ssh and ftp, wrong passwords, real and
# invalid users, IPv4 and IPv6), ssh with too many password prompts (MaxAuthTries), curl ftp.
# Then sudo runs a few harmless commands whose text matches suspicious patterns (echo only).
#
# Output (fixtures/auth/):
#   sshd-e.log           sshd's own log file (-E): no syslog header, as `sshd -E FILE` writes
#   auth-classic.log     syslog lines "Nov 21 22:15:03 host prog[pid]: msg"
#   auth-iso.log         the same lines "2026-11-21T22:15:03.123456+00:00 host prog[pid]: msg"
#   vsftpd.log           vsftpd's own log (vsftpd_log_file): FAIL LOGIN lines
#
# usage: sudo scripts/record-auth-logs.sh      (needs ip, sshd, vsftpd, hydra, curl, sudo, python3)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
# shellcheck source=lib-netns.sh
source "$HERE/lib-netns.sh"
SNP_NS_A=snp-auth-rec-attacker
SNP_NS_V=snp-auth-rec-victim
SNP_IF_A=snp-auth-a
SNP_IF_V=snp-auth-v
SNP_IP_A=10.79.0.1
SNP_IP_V=10.79.0.2
SNP_IP6_A=fd79::1
SNP_IP6_V=fd79::2
SNP_LOCK=/run/lock/snoopy-record-auth-netns.lock

snp_require_root
snp_require_tools ip /usr/sbin/sshd /usr/sbin/vsftpd hydra curl sudo python3 ssh-keygen unshare timeout
snp_setup_netns
T=$SNP_TMP
OUT=$T/out
mkdir -p "$OUT" "$T/dev" "$T/ssh" /run/sshd /var/run/vsftpd/empty

# A private /dev for the daemons: the usual nodes plus a log socket that is ours.
for n in null zero random urandom tty; do cp -a "/dev/$n" "$T/dev/$n"; done
python3 "$HERE/lib/syslog-listener.py" "$T/dev/log" victim "$OUT/auth-classic.log" "$OUT/auth-iso.log" 9>&- &
SNP_PIDS+=($!)
for ((i = 0; i < 50; i++)); do [[ -S $T/dev/log ]] && break; sleep 0.1; done
[[ -S $T/dev/log ]] || snp_die "syslog listener did not start"
# in_victim_private CMD… — runs CMD in the victim namespace with our /dev (and so our /dev/log).
in_victim_private() {
	ip netns exec "$SNP_NS_V" unshare --mount --propagation private /bin/sh -c 'mount --bind "$0" /dev && exec "$@"' "$T/dev" "$@"
}

ssh-keygen -q -t ed25519 -N '' -C snp-auth-host -f "$T/ssh/host_key"
cat >"$T/ssh/sshd_config" <<CFG
Port 22
ListenAddress 0.0.0.0
ListenAddress ::
HostKey $T/ssh/host_key
PidFile $T/ssh/sshd.pid
UsePAM yes
PermitRootLogin prohibit-password
PasswordAuthentication yes
KbdInteractiveAuthentication no
MaxAuthTries 3
UseDNS no
StrictModes no
SyslogFacility AUTH
CFG
/usr/sbin/sshd -t -f "$T/ssh/sshd_config"
in_victim_private /usr/sbin/sshd -D -f "$T/ssh/sshd_config" -E "$OUT/sshd-e.log" 9>&- &
SNP_PIDS+=($!)
snp_wait_listen "$SNP_NS_V" 22
# A second sshd logging to syslog (no -E), for the auth.log lines of sshd itself.
sed -e 's/^Port 22/Port 2222/' -e "s#sshd.pid#sshd2.pid#" "$T/ssh/sshd_config" >"$T/ssh/sshd2_config"
in_victim_private /usr/sbin/sshd -D -f "$T/ssh/sshd2_config" 9>&- &
SNP_PIDS+=($!)
snp_wait_listen "$SNP_NS_V" 2222

cat >"$T/vsftpd.conf" <<CFG
listen=NO
listen_ipv6=YES
background=NO
anonymous_enable=NO
local_enable=YES
pam_service_name=vsftpd
xferlog_enable=YES
dual_log_enable=YES
vsftpd_log_file=$OUT/vsftpd.log
xferlog_file=$T/xferlog
syslog_enable=NO
secure_chroot_dir=/var/run/vsftpd/empty
seccomp_sandbox=NO
CFG
in_victim_private /usr/sbin/vsftpd "$T/vsftpd.conf" 9>&- &
SNP_PIDS+=($!)
snp_wait_listen "$SNP_NS_V" 21
snp_log "victim services up: sshd :22 (-E file) and :2222 (syslog), vsftpd :21"

printf '%s\n' root admin oracle test >"$T/users.txt"
for ((i = 1; i <= 3; i++)); do printf 'wrong-password-%02d\n' "$i"; done >"$T/passwords.txt"
hydra_run() { (cd "$T" && snp_in_a timeout 120 hydra -I -L "$T/users.txt" -P "$T/passwords.txt" -t 2 -o /dev/null "$@" >/dev/null 2>&1) || true; }

snp_log "hydra ssh (v4, -E file and syslog), ssh v6"
hydra_run "ssh://$SNP_IP_V"
hydra_run -s 2222 "ssh://$SNP_IP_V"
hydra_run -s 2222 "ssh://[$SNP_IP6_V]" -6
snp_log "ssh with more password prompts than MaxAuthTries (SSH_ASKPASS answers every prompt)"
printf '#!/bin/sh\necho wrong-password\n' >"$T/askpass.sh"
chmod +x "$T/askpass.sh"
for port in 22 2222; do
	snp_in_a env SSH_ASKPASS="$T/askpass.sh" SSH_ASKPASS_REQUIRE=force DISPLAY=:0 timeout 20 ssh -F /dev/null -p "$port" \
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o PubkeyAuthentication=no -o NumberOfPasswordPrompts=5 \
		-o LogLevel=ERROR "root@$SNP_IP_V" true </dev/null >/dev/null 2>&1 || true
done
snp_log "hydra ftp, curl ftp (v4 and v6)"
hydra_run "ftp://$SNP_IP_V"
for u in nobody root ftpuser; do
	snp_in_a curl --noproxy '*' -sS --max-time 5 -o /dev/null "ftp://$u:wrong@$SNP_IP_V/" >/dev/null 2>&1 || true
	snp_in_a curl --noproxy '*' -g -sS --max-time 5 -o /dev/null "ftp://$u:wrong@[$SNP_IP6_V]/" >/dev/null 2>&1 || true
done

snp_log "sudo lines (echo only: the suspicious text is an argument, nothing is run)"
in_victim_private /usr/bin/sudo -u nobody /bin/echo rm -rf / >/dev/null
in_victim_private /usr/bin/sudo /bin/echo chmod 777 /etc/shadow >/dev/null
in_victim_private /usr/bin/sudo /bin/echo ls -l /tmp >/dev/null
sleep 1

mkdir -p "$REPO/fixtures/auth"
for f in sshd-e.log auth-classic.log auth-iso.log vsftpd.log; do
	cp "$OUT/$f" "$REPO/fixtures/auth/$f"
	snp_log "fixtures/auth/$f: $(wc -l <"$OUT/$f") lines"
done
