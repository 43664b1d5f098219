"""Who is asking: bearer tokens over HTTP, the command line over stdio.

Every call runs in exactly one scope, decided by the server and never by a tool
argument: a tenant, or admin (every tenant, plus onboarding). Over stdio the scope
is the ``--tenant``/``--admin`` the server was started with; over HTTP it is the
bearer token's. Tokens are random strings printed once by ``gata token create``;
the store (``$GATA_HOME/tokens.json``) keeps only their SHA-256, so a leaked store
grants nothing. The verifier re-reads the store when it changes, so ``gata token
revoke`` takes effect on the next request of a running server.
"""

from __future__ import annotations

from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.auth.provider import AccessToken, TokenVerifier

from gata.tokens import Scope, TokenStore


class GataTokenVerifier(TokenVerifier):
    """The SDK's hook for bearer tokens: an unknown or revoked token yields None, hence a 401."""

    def __init__(self, store: TokenStore) -> None:
        self.store = store

    async def verify_token(self, token: str) -> AccessToken | None:
        record = self.store.lookup(token)
        if record is None:
            return None
        return AccessToken(token=token, client_id=f"gata-token-{record.id}",
                           scopes=["admin"] if record.admin else [f"tenant:{record.tenant}"],
                           claims={"token_id": record.id, "tenant": record.tenant, "admin": record.admin})


def request_scope(fixed: Scope | None) -> Scope | None:
    """The scope of the current request: its bearer token's, else the server's own (stdio)."""
    token = get_access_token()
    if token is not None:
        claims = token.claims or {}
        admin = bool(claims.get("admin"))
        return Scope(
            tenant=None if admin else claims.get("tenant"), admin=admin, via=f"token {claims.get('token_id')}"
        )
    return fixed
