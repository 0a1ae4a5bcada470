#!/usr/bin/env python3
"""A local stand-in for a Slack incoming webhook: appends every POSTed body, one JSON per line,
to the file given as the second argument and answers 200 "ok". Used by deploy/local/up when no
real webhook is configured, so the demo shows what the notifier sent."""
import http.server
import sys

port, inbox = int(sys.argv[1]), sys.argv[2]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open(inbox, "ab") as f:
            f.write(body.replace(b"\n", b" ") + b"\n")
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
