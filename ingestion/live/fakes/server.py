"""Fake vendor APIs on 127.0.0.1, serving the mock generators' records in each vendor's wire protocol.

They exist so that live sources are proved offline (tests) and measured
(benchmarks) against the protocol, not against our own assumptions: each family
checks credentials and answers with the vendor's own error bodies, paginates as
the vendor does, throttles (429 + ``Retry-After``, or the vendor's equivalent),
fails transiently (500), and can add a field mid-history. Records come from the
tenant's mock generator, so a tenant landed live against a fake must equal the same
tenant landed from the mock, to the cent.

``FakeApis`` runs one Starlette app (one ``Mount`` per family) under uvicorn in a
background thread; ``Faults`` says which requests misbehave; ``served`` counts
requests and records per family so tests can assert what a refresh fetched.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Self

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount

from gata.tenants import Tenant
from ingestion.landing import generate


@dataclass
class Faults:
    """Which requests a fake answers badly. Deterministic: same seed, same faults."""

    throttle_ratio: float = 0.0  # share of requests answered 429 (or the vendor's throttle)
    throttle_first: bool = True  # the first data request of each family is throttled once
    error_500_at: int | None = 2  # the Nth request of each family answers 500 once
    retry_after: int = 1  # seconds in Retry-After
    field_added_on: date | None = None  # records from this day on carry a field the API added
    revoke_after: int | None = None  # the token is revoked after this many requests of a family
    seed: int = 7
    _rng: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)


class Family:
    """One vendor API: its routes, credentials, counters and fault schedule."""

    name = "family"

    def __init__(self, tenant: Tenant, faults: Faults, today: date, start: date) -> None:
        self.tenant, self.faults, self.today, self.start = tenant, faults, today, start
        self.requests = 0
        self.served: Counter[str] = Counter()  # object -> records served
        self.served_keys: dict[str, list] = {}  # object -> key of every record served (repeats visible)
        self.revoked = False
        self._throttled_once = False
        self._failed_once = False
        self._records: dict[str, dict[str, list[dict]]] = {}
        self.lock = threading.Lock()

    # data -------------------------------------------------------------------------------------
    def records(self, connector: str) -> dict[str, list[dict]]:
        """The connector's mock records for the fake's whole history (start..today)."""
        key = f"{connector}:{self.today}"
        if key not in self._records:
            self._records[key] = generate(self.tenant, connector, self.start, self.today)
        return self._records[key]

    def count(self, obj: str, rows: list[dict], key: Callable[[dict], object] | None = None) -> None:
        with self.lock:
            self.served[obj] += len(rows)
            if key:
                self.served_keys.setdefault(obj, []).extend(key(r) for r in rows)

    def reset_counts(self) -> None:
        with self.lock:
            self.requests, self.served, self.served_keys = 0, Counter(), {}

    # faults -----------------------------------------------------------------------------------
    def fault(self, request: Request) -> Response | None:
        """The bad answer this request gets, if any (auth is checked by the family first)."""
        with self.lock:
            self.requests += 1
            n = self.requests
            f = self.faults
            if f.revoke_after is not None and n > f.revoke_after:
                self.revoked = True
            if self.revoked:
                return self.auth_error("revoked")
            if f.error_500_at is not None and n == f.error_500_at and not self._failed_once:
                self._failed_once = True
                return self.server_error()
            throttle = f.throttle_first and not self._throttled_once
            if throttle:
                self._throttled_once = True
            elif f.throttle_ratio and f._rng.random() < f.throttle_ratio:
                throttle = True
        if throttle:
            with self.lock:
                self.served["_throttled"] += 1
            return self.throttled()
        return None

    def throttled(self) -> Response:
        return JSONResponse({"errors": "Too Many Requests"}, status_code=429,
                            headers={"Retry-After": str(self.faults.retry_after)})

    def server_error(self) -> Response:
        return JSONResponse({"errors": "Internal Server Error"}, status_code=500)

    def auth_error(self, why: str) -> Response:
        raise NotImplementedError

    def settings_for(self, connector: str) -> dict[str, object]:
        """The non-secret ``live:`` settings naming the account this fake serves."""
        raise NotImplementedError

    def secrets_for(self, connector: str) -> dict[str, str]:
        raise NotImplementedError

    def routes(self) -> list:
        raise NotImplementedError


class FakeApis:
    """Several fake families on one local port, each under its own path prefix."""

    def __init__(self, families: dict[str, Family]) -> None:
        self.families = families
        app = Starlette(routes=[Mount(f"/{name}", routes=fam.routes()) for name, fam in families.items()])
        self._server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning",
                                                     lifespan="off"))
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self.port = 0

    def __enter__(self) -> Self:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("fake API server did not start")
            time.sleep(0.01)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def url(self, family: str) -> str:
        return f"http://127.0.0.1:{self.port}/{family}"

    def __getitem__(self, family: str) -> Family:
        return self.families[family]
