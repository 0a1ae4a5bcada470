#!/usr/bin/env python3
"""Local stand-ins for the notifier's third parties, so the demo shows what it sent:
an HTTP server for the Slack webhook and the billing API, and an SMTP server for e-mail.

  stub-receivers.py HTTP_PORT SMTP_PORT INBOX_DIR

Every POST to /<name>/... is appended, one JSON object per line, to INBOX_DIR/<name>.jsonl
(with the Idempotency-Key header when there is one and the time it arrived, `received`, in epoch
milliseconds) and answered 200. Every e-mail is appended to INBOX_DIR/email.jsonl with its
Message-ID. So every call that succeeded is in the inbox once per call: a doubled delivery shows as
two lines with the same key. Uses Python 3.11's smtpd (deprecated, still in the standard library).

Failure injection (the benchmark's --chaos uses it): `POST /_control/fail` with
`{"names": ["slack", "billing"], "seconds": 10, "status": 503}` makes POSTs to those names answer
`status` (with `Retry-After: 1`) for that long; `POST /_control/recover` ends it at once;
`GET /_control` shows what is failing. Refused calls go to INBOX_DIR/<name>.refused.jsonl, never
to the inbox."""
import asyncore
import email
import http.server
import json
import os
import smtpd
import sys
import threading
import time

http_port, smtp_port, inbox = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
os.makedirs(inbox, exist_ok=True)
lock = threading.Lock()


def record(name, entry):
    with lock, open(os.path.join(inbox, name + ".jsonl"), "a") as f:
        f.write(json.dumps(entry) + "\n")


failing = {}  # name -> (until, status), guarded by lock


def failure_for(name):
    with lock:
        until, status = failing.get(name, (0, 0))
        return status if time.time() < until else None


class Http(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.rstrip("/") != "/_control":
            return self.answer(404, b"not found")
        now = time.time()
        with lock:
            state = {n: {"status": s, "seconds": round(u - now, 1)} for n, (u, s) in failing.items() if u > now}
        self.answer(200, json.dumps(state).encode(), "application/json")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode("utf-8", "replace")
        if self.path.startswith("/_control/"):
            return self.control(self.path[len("/_control/"):].strip("/"), body)
        name = self.path.strip("/").split("/")[0] or "root"
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = body
        entry = {"path": self.path, "idempotencyKey": self.headers.get("Idempotency-Key"),
                 "received": int(time.time() * 1000), "body": parsed}
        status = failure_for(name)
        if status:
            record(name + ".refused", dict(entry, status=status))
            return self.answer(status, b"injected failure", headers={"Retry-After": "1"})
        record(name, entry)
        self.answer(200, b"ok")

    def control(self, action, body):
        try:
            args = json.loads(body) if body.strip() else {}
        except ValueError:
            return self.answer(400, b"not JSON")
        with lock:
            if action == "fail":
                until = time.time() + float(args.get("seconds", 10))
                for n in args.get("names", ["slack", "billing"]):
                    failing[n] = (until, int(args.get("status", 503)))
            elif action == "recover":
                failing.clear()
            else:
                return self.answer(404, b"unknown control action")
        self.answer(200, b"ok")

    def answer(self, status, payload, content_type="text/plain", headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


class Smtp(smtpd.SMTPServer):
    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
        text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
        record("email", {"from": mailfrom, "to": rcpttos, "messageId": email.message_from_string(text).get("Message-ID"),
                         "received": int(time.time() * 1000), "message": text})


server = http.server.ThreadingHTTPServer(("127.0.0.1", http_port), Http)
threading.Thread(target=server.serve_forever, daemon=True).start()
Smtp(("127.0.0.1", smtp_port), None, decode_data=False)
asyncore.loop()
