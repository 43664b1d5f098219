"""One error type per failure a user can act on.

::

    GataError
    ├── ConfigError          tenants.yaml or supported_connectors.yaml is wrong
    ├── ContractError        a generated/landed record breaks its data contract
    ├── LandingError         dlt could not land a connector's data
    │   └── LiveSourceError  a live API refused or failed (missing secret, bad token, no access)
    ├── TransformError       dbt failed for a tenant (names the failing nodes)
    ├── SemanticConfigError  a semantic config or override is invalid
    ├── PipelineBusyError    another writer holds the pipeline lock
    └── NotBuiltError        the warehouse has not been built yet

Each message names the problem and the fix.
"""

from __future__ import annotations


class GataError(Exception):
    """Base of every error GATA raises on purpose."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class ConfigError(GataError):
    pass


class ContractError(GataError):
    pass


class LandingError(GataError):
    pass


class LiveSourceError(LandingError):
    """A live connector could not read its account; ``kind`` says what to fix.

    kinds: ``missing`` (secrets not set), ``auth`` (token invalid/expired/revoked),
    ``permission`` (token lacks a scope), ``not_found`` (unknown account), ``api``
    (the API kept failing after retries). Messages never contain secret values.
    """

    def __init__(self, message: str, kind: str = "api") -> None:
        super().__init__(message)
        self.kind = kind


class TransformError(GataError):
    pass


class SemanticConfigError(GataError):
    pass


class PipelineBusyError(GataError):
    pass


class NotBuiltError(GataError):
    pass
