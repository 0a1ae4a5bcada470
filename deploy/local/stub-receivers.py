#!/usr/bin/env python3
"""Local stand-ins for the notifier's third parties, so the demo shows what it sent:
an HTTP server for the Slack webhook and the billing API, and an SMTP server for e-mail.

  stub-receivers.py HTTP_PORT SMTP_PORT INBOX_DIR

Every POST to /<name>/... is appended, one JSON object per line, to INBOX_DIR/<name>.jsonl
(with the Idempotency-Key header when there is one) and answered 200. Every e-mail is appended
to INBOX_DIR/email.jsonl. Uses Python 3.11's smtpd (deprecated, still in the standard library)."""
import asyncore
import http.server
import json
import os
import smtpd
import sys
import threading

http_port, smtp_port, inbox = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
os.makedirs(inbox, exist_ok=True)
lock = threading.Lock()


def record(name, entry):
    with lock, open(os.path.join(inbox, name + ".jsonl"), "a") as f:
        f.write(json.dumps(entry) + "\n")


class Http(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode("utf-8", "replace")
        name = self.path.strip("/").split("/")[0] or "root"
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = body
        record(name, {"path": self.path, "idempotencyKey": self.headers.get("Idempotency-Key"), "body": parsed})
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


class Smtp(smtpd.SMTPServer):
    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
        text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
        record("email", {"from": mailfrom, "to": rcpttos, "message": text})


server = http.server.ThreadingHTTPServer(("127.0.0.1", http_port), Http)
threading.Thread(target=server.serve_forever, daemon=True).start()
Smtp(("127.0.0.1", smtp_port), None, decode_data=False)
asyncore.loop()
