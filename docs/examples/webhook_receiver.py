"""A webhook receiver for Twoway, standard library only (Python 3.9+).

Run it, register ``http(s)://<your host>:8088/twoway`` as a webhook endpoint in the seller center
(Integrations), and put the endpoint's signing secret in TWOWAY_WEBHOOK_SECRET:

    TWOWAY_WEBHOOK_SECRET=whsec_... python webhook_receiver.py

Every request carries ``Twoway-Signature: t=<unix seconds>,v1=<hex>``, the HMAC-SHA256 of
``<t>.<raw body>`` under the secret. Check it over the RAW body before parsing, refuse old
timestamps (replays), and de-duplicate on the event id (a delivery may come more than once,
and "send again" repeats an event with the same id). Answer 2xx quickly; anything else is retried
with exponential backoff.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

TOLERANCE_SECONDS = 300


def verify(
    secret: str,
    header: str,
    body: bytes,
    now: float | None = None,
    tolerance: int = TOLERANCE_SECONDS,
) -> bool:
    """True when ``header`` (the Twoway-Signature value) signs ``body`` with ``secret``."""
    timestamp, signatures = None, []
    for part in (header or "").split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1" and value:
            signatures.append(value)
    if timestamp is None or not signatures:
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return any(hmac.compare_digest(expected, s) for s in signatures)


SEEN: set[str] = set()  # use your database in real life


class Receiver(BaseHTTPRequestHandler):
    secret = os.environ.get("TWOWAY_WEBHOOK_SECRET", "")

    def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if not verify(self.secret, self.headers.get("Twoway-Signature", ""), body):
            self.send_response(400)
            self.end_headers()
            return
        event = json.loads(body)
        if event["id"] not in SEEN:
            SEEN.add(event["id"])
            print(event["type"], json.dumps(event["data"], ensure_ascii=False))  # noqa: T201
        self.send_response(204)
        self.end_headers()


if __name__ == "__main__":
    HTTPServer(("0.0.0.0", 8088), Receiver).serve_forever()  # noqa: S104 - an example server
