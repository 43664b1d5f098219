"""How a record's fields land as columns: the one helper the connector tests share."""

from __future__ import annotations

from dlt.common.normalizers.naming.snake_case import NamingConvention

NAMING = NamingConvention()


def flatten(record: dict, prefix: tuple[str, ...] = ()) -> dict[str, object]:
    """Landed column -> value, as dlt names them: snake_case, nested dicts joined with "__";
    lists are left out (lists of dicts land as child tables)."""
    out: dict[str, object] = {}
    for key, value in record.items():
        path = (*prefix, NAMING.normalize_identifier(key))
        if isinstance(value, dict):
            out.update(flatten(value, path))
        elif not isinstance(value, list):
            out["__".join(path)] = value
    return out
