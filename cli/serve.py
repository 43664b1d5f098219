"""``gata serve`` and ``gata token``: the command-line face of the MCP server.

Everything here writes to stderr except what a script needs (a new token, ``token
list --json``): over stdio, stdout *is* the MCP transport.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

from gata.settings import PROJECT_ROOT, get_paths

if TYPE_CHECKING:
    from gata.tokens import TokenStore

DEFAULT_PORT = 8765


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("serve", help="serve the MCP server (HTTP by default; stdio for Claude Desktop)",
                       description="Serve GATA's MCP server. Over HTTP the bearer token decides each call's "
                                   "tenant; over stdio, --tenant or --admin does.")
    p.add_argument(
        "--transport",
        choices=["http", "sse", "stdio"],
        default="http",
        help="http (streamable HTTP at /mcp; SSE at /sse is served too), sse, or stdio (default: http)",
    )
    p.add_argument("--host", default="127.0.0.1", help="HTTP address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"HTTP port (default: {DEFAULT_PORT})")
    p.add_argument(
        "--allowed-host",
        action="append",
        metavar="NAME[:PORT]",
        default=None,
        help="HTTP: also answer requests addressed to this host name (a reverse proxy's or LAN name; "
        "any port unless given). localhost, 127.0.0.1 and [::1] are always allowed. Repeatable; "
        "default from env GATA_ALLOWED_HOSTS (comma-separated)",
    )
    p.add_argument("--allowed-origin", action="append", metavar="SCHEME://HOST[:PORT]", default=None,
                   help="HTTP: also accept browser requests from this origin (e.g. https://bi.example.com). "
                        "Repeatable; default from env GATA_ALLOWED_ORIGINS (comma-separated)")
    who = p.add_mutually_exclusive_group()
    who.add_argument("--tenant", metavar="SLUG", help="stdio only: serve this tenant")
    who.add_argument("--admin", action="store_true", help="stdio only: serve every tenant, with onboarding")
    p.add_argument(
        "--query-timeout",
        type=float,
        default=float(os.environ.get("GATA_QUERY_TIMEOUT_SECONDS", "30")),
        help="seconds before a query is cancelled (default 30, env GATA_QUERY_TIMEOUT_SECONDS)",
    )
    p.add_argument(
        "--max-response-bytes",
        type=int,
        default=int(os.environ.get("GATA_MAX_RESPONSE_BYTES", "1000000")),
        help="cap on a query's rows in bytes of JSON (default 1000000, env GATA_MAX_RESPONSE_BYTES)",
    )
    p.set_defaults(handler=serve)

    t = sub.add_parser("token", help="create, list or revoke MCP bearer tokens (HTTP scope)")
    tsub = t.add_subparsers(dest="token_command", required=True)
    c = tsub.add_parser("create", help="print a new token once (only its hash is stored)")
    scope = c.add_mutually_exclusive_group(required=True)
    scope.add_argument("--tenant", metavar="SLUG", help="the one tenant the token may read")
    scope.add_argument("--admin", action="store_true", help="every tenant, and onboarding")
    c.add_argument("--note", default="", help="a reminder of who holds it")
    c.set_defaults(handler=token_create)
    r = tsub.add_parser("revoke", help="revoke a token by id (see `gata token list`)")
    r.add_argument("id")
    r.set_defaults(handler=token_revoke)
    ls = tsub.add_parser("list", help="token ids and scopes (never the tokens)")
    ls.add_argument("--json", action="store_true", help="print as JSON")
    ls.set_defaults(handler=token_list)


def _err(*lines: str) -> None:
    print("\n".join(lines), file=sys.stderr, flush=True)


@contextlib.contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    """Send everything (this process and its children) that writes to stdout to stderr instead."""
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def _ensure_published() -> bool:
    """On a fresh clone, build the demo warehouse (every tenant in tenants.yaml) and publish it."""
    from pipeline.publish import current_version

    paths = get_paths().ensure()
    if current_version(paths) is not None:
        return True
    # only now: the build pulls in dlt and pyarrow, which a server answering from a snapshot never needs
    # (about 50 MB of resident memory and a second of start-up)
    from functools import partial

    from gata.tenants import load_tenants
    from pipeline import steps
    from pipeline.parallel import run_and_publish

    _err(f"No published data under {paths.serving_dir}: building the demo tenants first (a few minutes)...")
    with _stdout_to_stderr():
        run_and_publish(partial(steps.build, progress=print), load_tenants().values(), paths)
    return current_version(paths) is not None


def claude_desktop_config(tenant: str) -> dict[str, object]:
    return {
        "mcpServers": {
            f"gata-{tenant}": {
                "command": "uv",
                "args": [
                    "--directory",
                    str(PROJECT_ROOT),
                    "run",
                    "gata",
                    "serve",
                    "--transport",
                    "stdio",
                    "--tenant",
                    tenant,
                ],
            }
        }
    }


def _banner(args: argparse.Namespace, tenants: list[str], version: str) -> None:
    example = args.tenant or (tenants[0] if tenants else "tyrell_corp")
    lines = [f"GATA MCP server: snapshot {version}, tenants: {', '.join(tenants) or 'none'}"]
    if args.transport == "stdio":
        lines.append(f"  stdio, scope: {'admin' if args.admin else 'tenant ' + args.tenant}")
    else:
        base = f"http://{args.host}:{args.port}"
        lines += [
            f"  streamable HTTP: {base}/mcp    SSE: {base}/sse    health: {base}/health",
            (f"  REST: {base}/api/v1 (OpenAPI: {base}/api/v1/openapi.json)    "
             f"Prometheus: {base}/metrics (admin)"),
            f"  create a token:  uv run gata token create --tenant {example}   (or --admin)",
            ("  MCP Inspector:   npx @modelcontextprotocol/inspector, transport Streamable HTTP, "
             f"URL {base}/mcp,"),
            "                   header 'Authorization: Bearer <token>'",
        ]
    lines += ["  Claude Desktop (stdio), in claude_desktop_config.json:",
              *("    " + line for line in json.dumps(claude_desktop_config(example), indent=2).splitlines())]
    _err(*lines)


def serve(args: argparse.Namespace) -> int:
    from gata.tokens import Scope
    from mcp_server.server import build_server, http_app
    from mcp_server.snapshot import SnapshotManager
    from mcp_server.state import ServerConfig

    stdio = args.transport == "stdio"
    if stdio and not (args.tenant or args.admin):
        _err("error: a stdio server serves one scope: add --tenant SLUG (or --admin)")
        return 2
    if not stdio and (args.tenant or args.admin):
        _err(
            "error: over HTTP each request's bearer token decides its tenant; --tenant/--admin apply to "
            "stdio. "
            "Create a token with `gata token create --tenant SLUG`."
        )
        return 2
    from gata.errors import ConfigError
    from mcp_server.hosts import ENV_HOSTS, ENV_ORIGINS, HostPolicy, from_env

    try:
        policy = HostPolicy.build(
            args.host,
            args.allowed_host if args.allowed_host is not None else from_env(ENV_HOSTS),
            args.allowed_origin if args.allowed_origin is not None else from_env(ENV_ORIGINS),
        )
    except ConfigError as exc:
        _err(f"error: {exc}")
        return 2
    if not _ensure_published():
        _err("error: the demo build published nothing; see the errors above")
        return 1
    paths = get_paths()
    config = ServerConfig(query_timeout_s=args.query_timeout, max_response_bytes=args.max_response_bytes)
    scope = (Scope(tenant=None, admin=True) if args.admin else Scope(tenant=args.tenant)) if stdio else None
    mcp = build_server(paths, scope, http=not stdio, host=args.host, port=args.port, config=config)
    published = SnapshotManager(paths)  # what the banner names; the server opens its own while it runs
    snap = published.peek()
    tenants, version = (snap.tenants, snap.version) if snap else ([], "none")
    published.close()
    _banner(args, tenants, version)
    if stdio and args.tenant and snap and args.tenant not in tenants:
        _err(f"warning: tenant {args.tenant!r} has no published data; its tool calls will say so")
    if stdio:
        import anyio

        anyio.run(mcp.run_stdio_async)
        return 0
    import uvicorn

    uvicorn.run(
        http_app(mcp, args.host, args.port, policy), host=args.host, port=args.port, log_level="warning"
    )
    return 0


# ---- tokens ------------------------------------------------------------------------------------------
def _store() -> TokenStore:
    from gata.tokens import TokenStore

    return TokenStore(get_paths().ensure().tokens_file)


def token_create(args: argparse.Namespace) -> int:
    from gata.tenants import SLUG_RE, SLUG_RULE

    if args.tenant:
        if not SLUG_RE.fullmatch(args.tenant):
            _err(f"error: malformed tenant slug {args.tenant!r}: use {SLUG_RULE}")
            return 2
        try:
            from gata.tenants import load_tenants

            if args.tenant not in load_tenants():
                _err(
                    f"warning: {args.tenant!r} is not in tenants.yaml (yet); the token works once it is "
                    "published"
                )
        except Exception as exc:  # noqa: BLE001 - a broken tenants.yaml must not block token management
            _err(f"warning: could not read tenants.yaml ({exc}); creating the token anyway")
    token_id, token = _store().create(tenant=args.tenant, admin=args.admin, note=args.note)
    print(token, flush=True)
    scope = "admin (every tenant)" if args.admin else f"tenant {args.tenant}"
    _err(f"token {token_id} for {scope}: shown once, only its hash is stored in {get_paths().tokens_file}.",
         "Send it as 'Authorization: Bearer <token>'; revoke with `gata token revoke " + token_id + "`.")
    return 0


def token_revoke(args: argparse.Namespace) -> int:
    if not _store().revoke(args.id):
        _err(f"error: no token with id {args.id!r} (see `gata token list`)")
        return 1
    _err(f"revoked token {args.id}: requests with it now get 401")
    return 0


def token_list(args: argparse.Namespace) -> int:
    records = _store().records()
    rows = [{"id": r.id, "scope": "admin" if r.admin else f"tenant:{r.tenant}",
             "created_at": r.created_at.isoformat(), "note": r.note} for r in records]
    if args.json:
        print(json.dumps(rows, indent=2))
    elif not rows:
        print("no tokens; create one with `gata token create --tenant SLUG`")
    else:
        for row in rows:
            print(f"{row['id']}  {row['scope']:<32} {row['created_at']}  {row['note']}")
    return 0
