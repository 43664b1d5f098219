"""Compare two landings of one tenant x connector row for row (live vs mock), for tests and benchmarks."""

from __future__ import annotations

import duckdb

from gata.catalog import dataset_name
from gata.settings import Paths
from ingestion import dna


def landed_rows(paths: Paths, tenant: str, connector: str, columns_of: Paths | None = None) -> dict[str, list[tuple]]:
    """Every landed table of a connector as a sorted list of rows, dlt bookkeeping columns left out.

    ``columns_of`` restricts the columns to those the other landing has (a live source
    may land a field the API added, which the mock does not know).
    """
    ds = dataset_name(tenant, connector)
    out: dict[str, list[tuple]] = {}
    with duckdb.connect(str((columns_of or paths).tenant_db(tenant)), read_only=True) as ref:
        shape = dna.dataset_columns(ref, ds)
    with duckdb.connect(str(paths.tenant_db(tenant)), read_only=True) as con:
        for table, cols in shape.items():
            names = sorted(c for c in cols if not c.startswith("_dlt"))
            select = ", ".join(f'"{c}"' for c in names)
            out[table] = sorted(con.execute(f'select {select} from "{ds}"."{table}"').fetchall(), key=repr)
    return out
