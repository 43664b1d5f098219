"""Every error GATA raises on purpose, in one tree; each message names the problem and the fix.

::

    GataError
    ├── ConfigError          tenants.yaml, supported_connectors.yaml, a setting or a CLI option is wrong
    ├── ContractError        a generated or landed record breaks its data contract
    ├── LandingError         dlt could not land a connector's data
    │   └── LiveSourceError  a live API refused or failed (missing secret, bad token, no access)
    ├── TransformError       dbt failed for a tenant (names the failing nodes)
    ├── SemanticConfigError  a semantic config or override is invalid
    ├── PipelineBusyError    another writer holds the pipeline lock
    ├── OnboardingError      onboarding stopped at a named step; nothing was changed
    ├── NotBuiltError        nothing has been published yet: build first
    └── QueryError           a query the asker can correct (unknown metric, bad filter, ...)
        ├── ChartError       the rows cannot be charted as asked
        ├── QueryTimeout     the request ran past its time budget and was stopped
        └── QueryCancelled   the client cancelled (or went away) and its query was stopped

The CLI turns any GataError into ``error: <message>`` and exit status 2; the MCP
server turns a QueryError (and the refusals it decides itself) into a tool error
the agent reads and corrects from, and REST into problem+json with the same text.
Anything else reaching a user is a bug.
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


class OnboardingError(GataError):
    """Onboarding failed at a named step; nothing was changed."""

    def __init__(self, step: str, reason: str) -> None:
        self.step = step
        self.reason = reason
        super().__init__(f"onboarding failed at step '{step}': {reason} (nothing was changed)")


class NotBuiltError(GataError):
    pass


class QueryError(GataError):
    """A mistake in a query that the asker can correct; the message says how."""


class ChartError(QueryError):
    """The rows cannot be charted as asked (the message says why and what to ask for instead)."""


class QueryTimeout(QueryError):
    """The request ran past its time budget and was stopped."""


class QueryCancelled(QueryError):
    """The client cancelled the request (or went away) and its query was stopped."""
