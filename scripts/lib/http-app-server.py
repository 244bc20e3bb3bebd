#!/usr/bin/env python3
"""A small HTTP/1.1 application for recording fixtures (scripts/record-fixtures.sh).

    http-app-server.py PORT PASSWORD [DOWNLOAD_BYTES]

Keep-alive on every answer; request bodies are read (Content-Length or chunked) so pipelined and
keep-alive requests after a POST stay in step. Routes:
  GET  /protected, /admin/...  Basic auth as admin:PASSWORD, else 401 with a Basic challenge
  POST /login                  form or JSON user/pass: 200 when admin:PASSWORD, else 403 "denied"
  GET  /download               DOWNLOAD_BYTES of data (default 20 MB)
  GET  /missing...             404
  anything else                200, a small HTML page (POST/PUT echo the body length)
"""
import base64
import json
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(sys.argv[1])
PASSWORD = sys.argv[2]
DOWNLOAD = int(sys.argv[3]) if len(sys.argv) > 3 else 20 * 1024 * 1024
EXPECTED = base64.b64encode(f"admin:{PASSWORD}".encode()).decode()


class App(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "snoopy-app/1.0"

    def log_message(self, *args):
        pass

    def read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            out = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return out
                out += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def answer(self, status: int, body: bytes, ctype: str = "text/html", extra: dict | None = None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def page(self, title: str) -> bytes:
        return f"<!doctype html><title>{title}</title><p>{title}</p>\n".encode()

    def authorized(self) -> bool:
        auth = self.headers.get("Authorization") or ""
        return auth.startswith("Basic ") and auth[6:].strip() == EXPECTED

    def do_GET(self):
        path = urllib.parse.urlsplit(self.path).path
        if path.startswith("/protected") or path.startswith("/admin"):
            if not self.authorized():
                return self.answer(401, self.page("authorization required"), extra={"WWW-Authenticate": 'Basic realm="snoopy"'})
            return self.answer(200, self.page("welcome admin"))
        if path == "/download":
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(DOWNLOAD))
            self.end_headers()
            chunk = bytes(range(256)) * 256
            left = DOWNLOAD
            while left > 0:
                n = min(left, len(chunk))
                self.wfile.write(chunk[:n])
                left -= n
            return None
        if path.startswith("/missing"):
            return self.answer(404, self.page("not found"))
        return self.answer(200, self.page(f"page {path}"))

    do_HEAD = do_GET

    def do_POST(self):
        body = self.read_body()
        path = urllib.parse.urlsplit(self.path).path
        if path == "/login":
            ctype = (self.headers.get("Content-Type") or "").lower()
            try:
                fields = json.loads(body) if "json" in ctype else {k: v[0] for k, v in urllib.parse.parse_qs(body.decode("latin1")).items()}
            except ValueError:
                fields = {}
            if fields.get("user") == "admin" and fields.get("pass") == PASSWORD:
                return self.answer(200, self.page("welcome"), extra={"Set-Cookie": "session=0123456789abcdef; HttpOnly"})
            return self.answer(403, b"denied\n", "text/plain")
        return self.answer(200, json.dumps({"ok": True, "received": len(body)}).encode(), "application/json")

    do_PUT = do_POST


class Server(ThreadingHTTPServer):
    address_family = __import__("socket").AF_INET6
    daemon_threads = True


if __name__ == "__main__":
    server = Server(("::", PORT), App)
    print(f"app listening on {PORT}", flush=True)
    server.serve_forever()
