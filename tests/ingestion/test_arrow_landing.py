"""Arrow landing keeps dlt's merge semantics: child rows replaced per record, types held, drift seen.

Real dlt pipelines into real DuckDB files. The table shapes themselves are checked
by ``test_committed_blueprints_are_current`` (every blueprint recomputed through
this path equals the committed one), and Arrow's own conversion against the row walk
on every connector's records.
"""

from __future__ import annotations

import copy
from datetime import date

import duckdb
import pyarrow as pa
import pytest

from gata.catalog import catalog, dataset_name
from gata.settings import Paths
from ingestion.arrow_rows import NotFlat, _by_columns, _by_rows, flatten
from ingestion.connectors import connector_module
from ingestion.contracts import column_hints
from ingestion.landing import generate, land_records
from tests.ingestion.test_landing import make_tenant

START, END = date(2026, 10, 1), date(2026, 10, 2)


def _line_items(paths: Paths, slug: str, order_id: int) -> list[tuple]:
    ds = dataset_name(slug, "shopify")
    with duckdb.connect(str(paths.tenant_db(slug)), read_only=True) as con:
        return con.execute(f'select li._dlt_list_idx, li.id from "{ds}".orders o join "{ds}".orders__line_items li '
                           "on li._dlt_parent_id = o._dlt_id where o.id = ? order by 1", [order_id]).fetchall()


def test_a_record_landed_again_replaces_its_child_rows_whole(home: Paths) -> None:
    tenant = make_tenant("arrow_merge", {"ecommerce": ["shopify"]})
    records = generate(tenant, "shopify", START, END)
    first, second = [o for o in records["orders"] if o.get("line_items")][:2]
    land_records(tenant.slug, "shopify", records, START, END, home)
    assert len(_line_items(home, tenant.slug, first["id"])) == len(first["line_items"])

    again = copy.deepcopy(records)
    by_id = {o["id"]: o for o in again["orders"]}
    by_id[first["id"]]["line_items"] = by_id[first["id"]]["line_items"][:1]  # a shorter list
    by_id[second["id"]]["line_items"] = []  # and an emptied one
    land_records(tenant.slug, "shopify", again, START, END, home)
    assert _line_items(home, tenant.slug, first["id"]) == [(0, first["line_items"][0]["id"])]
    assert _line_items(home, tenant.slug, second["id"]) == []
    others = [o for o in records["orders"] if o["id"] not in (first["id"], second["id"])]
    assert sum(len(_line_items(home, tenant.slug, o["id"])) for o in others) == \
        sum(len(o.get("line_items") or []) for o in others)  # nobody else's rows touched


def test_a_value_of_another_type_lands_beside_its_column_as_drift(home: Paths) -> None:
    tenant = make_tenant("arrow_retype", {"ecommerce": ["shopify"]})
    records = generate(tenant, "shopify", START, END)
    land_records(tenant.slug, "shopify", records, START, END, home)
    for order in records["orders"]:
        for item in order.get("line_items") or []:
            item["quantity"] = f"{item['quantity']} units"  # bigint column, text values now
    result = land_records(tenant.slug, "shopify", records, START, END, home)
    drifted = {c.table: c for c in result.drift}
    assert drifted["orders__line_items"].retyped == ["quantity"]  # dlt's variant column, named as retyped


def test_what_arrow_cannot_reproduce_is_refused_for_dlts_normaliser() -> None:
    for records in ([{"id": 1, "tags": [["a"], ["b"]]}],  # a list of lists
                    [{"id": 1, "n": 1}, {"id": 2, "n": "two"}]):  # two types in one load
        try:
            flatten("t", records, ["id"], {}, {})
        except NotFlat:
            continue
        raise AssertionError(f"flattened {records}")


def test_a_primary_key_inside_a_nested_dict_keys_each_record_apart() -> None:
    records = [{"dateRange": {"start": {"day": d}}, "pivotValues": [f"urn:{d}"]} for d in (1, 2)]
    tables = flatten("ad_analytics", records, ["date_range__start__day"], {}, {})
    ids = tables["ad_analytics"].column("_dlt_id").to_pylist()
    assert len(set(ids)) == 2
    assert tables["ad_analytics__pivot_values"].column("_dlt_root_id").to_pylist() == ids


def _same_tables(by_columns: dict[str, pa.Table], by_rows: dict[str, pa.Table]) -> None:
    assert list(by_columns) and set(by_columns) == set(by_rows)
    for name, table in by_rows.items():
        assert by_columns[name].schema == table.schema, name  # names, order and types
        assert by_columns[name].sort_by("_dlt_id").equals(table.sort_by("_dlt_id")), name


@pytest.mark.parametrize("connector", sorted(catalog().connectors))
def test_arrows_own_conversion_cuts_the_tables_the_row_walk_cuts(connector: str) -> None:
    """Every connector's records, every object: the same tables, columns, types and values either way."""
    conn = catalog().get(connector)
    records = generate(make_tenant("cut", {conn.domain: [connector]}), connector, START, END)
    contracts = connector_module(connector).CONTRACTS
    for obj, spec in conn.objects.items():
        if not records.get(obj):
            continue
        args = (obj, records[obj], list(spec.primary_key), column_hints(contracts[obj]))
        by_columns = _by_columns(*args)
        assert by_columns is not None, f"{connector}.{obj} fell back to the row walk"
        _same_tables(by_columns, _by_rows(*args))


def test_where_arrows_types_do_not_settle_it_the_row_walk_decides() -> None:
    cases = [
        [{"id": 1, "n": 2}, {"id": 2, "n": 2.5}],  # a whole number first: the walk types it bigint
        [{"id": 1, "Name": "a", "name": "b"}],  # two keys, one column name: the later wins
        [{"id": 1, "at": "2026-10-01T00:00:00Z"}, {"id": 2, "at": "soon"}],  # an ISO string first, then not
        [{"id": 1, "items": [{"q": 1.5}, {"q": 2}]}, {"id": 2, "items": []}],  # fractions first in a child
        [{"id": 1, "tags": ["a", None]}],  # a list holding a null
    ]
    for records in cases:
        try:
            expected = _by_rows("t", records, ["id"], {})
        except NotFlat:
            with pytest.raises(NotFlat):
                flatten("t", records, ["id"], {}, {})
            continue
        got = _by_columns("t", records, ["id"], {})
        if got is not None:
            _same_tables(got, expected)
        _same_tables(flatten("t", records, ["id"], {}, {}), expected)


def test_a_record_served_twice_in_one_batch_lands_once_with_its_children_once(home: Paths) -> None:
    """First landing (new tables are appended, not merged) and the same batch again (merged)."""
    tenant = make_tenant("arrow_twice", {"ecommerce": ["shopify"]})
    records = generate(tenant, "shopify", START, END)
    first = next(o for o in records["orders"] if o.get("line_items"))
    records["orders"].append(copy.deepcopy(first))  # a page served twice
    ds = dataset_name(tenant.slug, "shopify")
    for _ in range(2):
        land_records(tenant.slug, "shopify", records, START, END, home)
        with duckdb.connect(str(home.tenant_db(tenant.slug)), read_only=True) as con:
            counts = con.execute(f'select count(*), count(distinct id) from "{ds}".orders').fetchone()
            products = con.execute(f'select count(*), count(distinct id) from "{ds}".products').fetchone()
        assert counts is not None and counts[0] == counts[1] == len(records["orders"]) - 1
        assert products is not None and products[0] == products[1] == len(records["products"])
        assert len(_line_items(home, tenant.slug, first["id"])) == len(first["line_items"])
