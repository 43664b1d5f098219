"""Who may ask: scopes and the token store, shared by the CLI, onboarding and the server.

A scope is a tenant or admin (every tenant, plus onboarding). Tokens are random
strings printed once by ``gata token create``; the store (``$GATA_HOME/tokens.json``)
keeps only their SHA-256, so a leaked store grants nothing. Writes are atomic and
serialised by a lock file, so ``gata token revoke`` and onboarding can run beside a
serving process that re-reads the store when it changes.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from gata import clock

TOKEN_PREFIX = "gata_"


@dataclass(frozen=True)
class Scope:
    """The tenant a call may read (``None`` with ``admin``: any tenant)."""

    tenant: str | None
    admin: bool = False
    via: str = "stdio"  # "stdio" or "token <id>", for messages and logs

    def __post_init__(self) -> None:
        if self.admin == (self.tenant is not None):
            raise ValueError("a scope is either one tenant or admin")

    def describe(self) -> str:
        who = "admin (every tenant)" if self.admin else f"tenant {self.tenant!r}"
        return f"{who}, from {self.via}"


class TokenRecord(BaseModel):
    id: str
    sha256: str
    tenant: str | None = None
    admin: bool = False
    created_at: datetime
    note: str = ""

    @property
    def scope(self) -> Scope:
        return Scope(tenant=None if self.admin else self.tenant, admin=self.admin, via=f"token {self.id}")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenStore:
    """``tokens.json``: token hashes with their scope. Writes are atomic and serialised by a lock file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._cache: tuple[tuple[int, int, int], dict[str, TokenRecord]] | None = None

    # ---- reading ---------------------------------------------------------------------------------
    def records(self) -> list[TokenRecord]:
        return list(self._by_hash().values())

    def _by_hash(self) -> dict[str, TokenRecord]:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return {}
        key = (st.st_ino, st.st_mtime_ns, st.st_size)
        if self._cache and self._cache[0] == key:
            return self._cache[1]
        data = json.loads(self.path.read_text() or "{}")
        records = {r["sha256"]: TokenRecord.model_validate(r) for r in data.get("tokens", [])}
        self._cache = (key, records)
        return records

    def lookup(self, token: str) -> TokenRecord | None:
        if not token.startswith(TOKEN_PREFIX):
            return None
        return self._by_hash().get(_digest(token))

    # ---- writing ---------------------------------------------------------------------------------
    @contextmanager
    def _locked(self) -> Iterator[list[dict[str, Any]]]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            tokens = json.loads(self.path.read_text() or "{}").get("tokens", []) if self.path.exists() else []
            yield tokens
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tokens.", suffix=".json")
            with os.fdopen(fd, "w") as f:
                json.dump({"version": 1, "tokens": tokens}, f, indent=2, default=str)
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)

    def create(self, tenant: str | None = None, admin: bool = False, note: str = "") -> tuple[str, str]:
        """A new token for one tenant (or admin); returns ``(id, token)``. The token is not stored."""
        if admin == (tenant is not None):
            raise ValueError("create a token for exactly one of: a tenant, or admin")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        record = TokenRecord(id=secrets.token_hex(4), sha256=_digest(token), tenant=tenant, admin=admin,
                             created_at=clock.now().replace(microsecond=0), note=note)
        with self._locked() as tokens:
            tokens.append(record.model_dump(mode="json"))
        return record.id, token

    def revoke(self, token_id: str) -> bool:
        """Remove a token by id; False if there was none."""
        with self._locked() as tokens:
            kept = [t for t in tokens if t["id"] != token_id]
            removed = len(kept) != len(tokens)
            tokens[:] = kept
        return removed
