"""Which Host and Origin headers the HTTP server answers: DNS-rebinding protection for every route.

A web page on ``evil.example`` whose name an attacker points at 127.0.0.1 makes the
browser send ``Host: evil.example`` (and ``Origin: http://evil.example``); refusing
any name we were not told about stops it. The names every local client uses are
always accepted, with or without a port, as the MCP specification says: ``localhost``,
``127.0.0.1`` and ``[::1]``. Behind a reverse proxy or on a LAN the operator adds
names with ``--allowed-host`` (``NAME`` for any port, ``NAME:PORT`` for one) and
browser origins with ``--allowed-origin`` (``scheme://name[:port]``); the
environment variables ``GATA_ALLOWED_HOSTS`` / ``GATA_ALLOWED_ORIGINS``
(comma-separated) give the same lists to a server started without flags.

The check wraps the whole Starlette app (MCP, REST, /metrics, /health) rather than
the SDK's per-transport check, whose exact-match lists cannot say "any port".
A refusal is an RFC 9457 problem document that names the header and the flag to use.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from gata.errors import ConfigError

LOCAL_NAMES = ("localhost", "127.0.0.1", "[::1]")
WILDCARD_BINDS = {"0.0.0.0", "::", "[::]", ""}
_NAME_RE = re.compile(
    r"^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*)$"
)
_PORT_RE = re.compile(r"^[0-9]{1,5}$")
ENV_HOSTS = "GATA_ALLOWED_HOSTS"
ENV_ORIGINS = "GATA_ALLOWED_ORIGINS"


def split_host(value: str) -> tuple[str, str | None] | None:
    """``name[:port]`` as (lower-case name, port or None); None when it is not a well-formed host."""
    value = value.strip().lower()
    if value.startswith("["):
        end = value.find("]")
        if end < 0:
            return None
        name, rest = value[: end + 1], value[end + 1 :]
        if rest and not rest.startswith(":"):
            return None
        port = rest[1:] if rest else None
    else:
        name, _, port = value.partition(":")
        port = port if ":" in value else None
    if not _NAME_RE.match(name) or (
        port is not None and not (_PORT_RE.match(port) and 0 < int(port) < 65536)
    ):
        return None
    return name, port


def bracketed(host: str) -> str:
    """An address as it appears in a Host header: IPv6 literals in brackets."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


@dataclass(frozen=True)
class HostPolicy:
    """Allowed host names (any port unless a port is given) and extra allowed browser origins."""

    hosts: frozenset[tuple[str, str | None]] = field(default_factory=frozenset)
    origins: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def build(
        cls, bind: str = "127.0.0.1", allowed_hosts: Iterable[str] = (), allowed_origins: Iterable[str] = ()
    ) -> HostPolicy:
        """The local names, the address we listen on (unless a wildcard), and the operator's additions."""
        hosts: set[tuple[str, str | None]] = {(name, None) for name in LOCAL_NAMES}
        if bind.strip().lower() not in WILDCARD_BINDS:
            parsed = split_host(bracketed(bind))
            if parsed:
                hosts.add((parsed[0], None))
        for entry in allowed_hosts:
            parsed = split_host(entry)
            if parsed is None or entry.strip() in ("", "*"):
                raise ConfigError(
                    f"--allowed-host {entry!r} is not a host name: give NAME (any port) or "
                    "NAME:PORT, e.g. gata.internal or gata.example.com:443"
                )
            hosts.add(parsed)
        return cls(hosts=frozenset(hosts), origins=frozenset(normal_origin(o) for o in allowed_origins))

    def host_ok(self, header: str | None) -> bool:
        parsed = split_host(header) if header else None
        if parsed is None:
            return False
        name, port = parsed
        return (name, None) in self.hosts or (port is not None and (name, port) in self.hosts)

    def origin_ok(self, header: str | None) -> bool:
        """No Origin (not a browser, or same-origin GET) passes; else a listed origin, or one on an allowed host."""
        if header is None:
            return True
        try:
            origin = normal_origin(header)
        except ConfigError:
            return False
        if origin in self.origins:
            return True
        parts = urlsplit(origin)
        return self.host_ok(parts.netloc)


def normal_origin(value: str) -> str:
    """``scheme://host[:port]`` in lower case, without a trailing slash; ConfigError when it is not one."""
    raw = value.strip().lower().rstrip("/")
    parts = urlsplit(raw)
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or parts.path
        or parts.query
        or parts.fragment
        or "@" in parts.netloc
        or split_host(parts.netloc) is None
    ):
        raise ConfigError(
            f"--allowed-origin {value!r} is not an origin: give scheme://host[:port], "
            "e.g. https://bi.example.com"
        )
    return raw


def from_env(name: str) -> list[str]:
    """A comma-separated list from the environment (``GATA_ALLOWED_HOSTS`` / ``GATA_ALLOWED_ORIGINS``)."""
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


class HostCheckMiddleware:
    """Refuse HTTP requests whose Host (421) or Origin (403) the policy does not allow."""

    def __init__(self, app: ASGIApp, policy: HostPolicy) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if not self.policy.host_ok(headers.get("host")):
            await _refuse(
                send,
                421,
                "Misdirected Request",
                "this server does not answer for the host this request was sent to (DNS-rebinding "
                "protection); an operator can allow the name with `gata serve --allowed-host NAME`.",
            )
            return
        if not self.policy.origin_ok(headers.get("origin")):
            await _refuse(
                send,
                403,
                "Forbidden",
                "requests from this browser origin are refused (DNS-rebinding protection); an "
                "operator can allow it with `gata serve --allowed-origin scheme://host[:port]`.",
            )
            return
        await self.app(scope, receive, send)


async def _refuse(send: Send, status: int, title: str, detail: str) -> None:
    body = json.dumps({"type": "about:blank", "title": title, "status": status, "detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
