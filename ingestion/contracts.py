"""Data contracts at the landing boundary: validate records, derive column hints.

Contracts are pydantic models with every field optional, so a vendor dropping a field never blocks a landing.
They do two jobs here: reject records that break the API's shape before anything
lands, and tell dlt the physical type of every scalar column (nested dicts
flattened with ``__``), so a column exists even on days when all its values are
null: the schema DNA of a table must not depend on the luck of a sample.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from dlt.common.normalizers.naming.snake_case import NamingConvention
from pydantic import BaseModel, ValidationError

from gata.errors import ContractError

_NAMING = NamingConvention()
_SCALARS: dict[type, str] = {str: "text", int: "bigint", float: "double", bool: "bool"}


def _unwrap_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def column_hints(contract: type[BaseModel], prefix: str = "") -> dict[str, dict[str, Any]]:
    """dlt column hints for every scalar field of a contract, nested models flattened.

    Lists are left to dlt: lists of dicts become child tables, inferred from the data.
    """
    hints: dict[str, dict[str, Any]] = {}
    for name, field in contract.model_fields.items():
        api_name = field.alias or name
        path = _NAMING.make_path(prefix, _NAMING.normalize_identifier(api_name)) if prefix else (
            _NAMING.normalize_identifier(api_name))
        annotation = _unwrap_optional(field.annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            hints.update(column_hints(annotation, path))
        elif annotation in _SCALARS:
            hints[path] = {"name": path, "data_type": _SCALARS[annotation], "nullable": True}
    return hints


def validate_records(connector: str, obj: str, contract: type[BaseModel], records: list[dict]) -> None:
    """Raise ContractError naming the object, the record and the field when any record is off."""
    failures: list[str] = []
    for i, record in enumerate(records):
        try:
            contract.model_validate(record)
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"]) or "(record)"
            failures.append(f"record {i}: field {field!r}: {err['msg']}")
            if len(failures) >= 5:
                break
    if failures:
        raise ContractError(
            f"{connector}.{obj}: {len(failures)}{'+' if len(failures) >= 5 else ''} record(s) break the "
            f"{contract.__name__} contract, nothing was landed:\n  " + "\n  ".join(failures)
            + "\nFix the source (or the contract in ingestion/connectors/) and land again."
        )
