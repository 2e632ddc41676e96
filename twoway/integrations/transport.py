"""Sending one webhook: an HTTP POST with a short timeout, with care for server-side request
forgery (SSRF).

- Only ``https`` URLs, unless ``TWOWAY_WEBHOOK_ALLOW_HTTP`` (demo and tests; never production).
- The host is resolved once and EVERY address must be public (not private, loopback, link-local,
  multicast, reserved) unless ``TWOWAY_WEBHOOK_ALLOW_PRIVATE_HOSTS`` (demo and tests); the
  connection goes to the address that was checked (no second lookup a DNS rebinding could
  change), with the host name kept for TLS and the Host header.
- Redirects are not followed (a 3xx counts as a failure), the answer body is read only up to 1 KB.

Stdlib only (``http.client``), so no new dependency.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


class UnsafeUrl(ValueError):
    """The URL may not be called (scheme, host or address refused); the message says why."""


@dataclass(frozen=True)
class Answer:
    status: int | None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def _allow_http() -> bool:
    return bool(getattr(settings, "TWOWAY_WEBHOOK_ALLOW_HTTP", False))


def _allow_private() -> bool:
    return bool(getattr(settings, "TWOWAY_WEBHOOK_ALLOW_PRIVATE_HOSTS", False))


def check_url_shape(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path) of a URL that may be registered, or UnsafeUrl."""
    parts = urlsplit((url or "").strip())
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http") or (scheme == "http" and not _allow_http()):
        raise UnsafeUrl(_("The webhook URL must start with https://."))
    if not parts.hostname:
        raise UnsafeUrl(_("The webhook URL needs a host name."))
    if parts.username or parts.password:
        raise UnsafeUrl(_("The webhook URL may not carry a user name or password."))
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise UnsafeUrl(_("The webhook URL has an invalid port.")) from None
    try:
        literal = ipaddress.ip_address(parts.hostname)
    except ValueError:
        literal = None
    if literal is not None and not literal.is_global and not _allow_private():
        raise UnsafeUrl(_("The webhook URL points to a private or local address."))
    if parts.hostname.lower() in ("localhost", "localhost.localdomain") and not _allow_private():
        raise UnsafeUrl(_("The webhook URL points to a private or local address."))
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return scheme, parts.hostname, port, path


def resolve_checked(host: str, port: int) -> str:
    """One address of ``host`` after checking every address it resolves to."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise UnsafeUrl(_("The host %(host)s could not be resolved.") % {"host": host}) from None
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise UnsafeUrl(_("The host %(host)s has no address.") % {"host": host})
    if not _allow_private():
        for address in addresses:
            if not ipaddress.ip_address(address.split("%")[0]).is_global:
                raise UnsafeUrl(
                    _("The host %(host)s resolves to a private or local address.") % {"host": host}
                )
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        context = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address
        self._ssl_context = context

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._ssl_context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float | None = None) -> Answer:
    """POST ``body`` to ``url``; never raises for network trouble (the answer says what)."""
    timeout = (
        float(timeout) if timeout else float(getattr(settings, "TWOWAY_WEBHOOK_TIMEOUT_SECONDS", 5))
    )
    try:
        scheme, host, port, path = check_url_shape(url)
        address = resolve_checked(host, port)
    except UnsafeUrl as exc:
        return Answer(None, str(exc))
    cls = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    connection = cls(host, port, address, timeout)
    try:
        connection.request(
            "POST",
            path,
            body=body,
            headers={
                **headers,
                "Content-Type": "application/json",
                "User-Agent": "Twoway-Webhooks/1",
            },
        )
        response = connection.getresponse()
        response.read(1024)
        status = response.status
    except (OSError, http.client.HTTPException) as exc:
        return Answer(None, f"{type(exc).__name__}: {exc}"[:500])
    finally:
        connection.close()
    if 300 <= status < 400:
        return Answer(status, "Redirects are not followed; give the final URL.")
    if not 200 <= status < 300:
        return Answer(status, f"The endpoint answered HTTP {status}.")
    return Answer(status)
