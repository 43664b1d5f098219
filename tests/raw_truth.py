"""Figures computed straight from the raw landed API records, in Python: the reconciliation oracle.

Deliberately independent of the warehouse's SQL: each connector's unit
conversion is written again here from the API's documented shape (string money,
micros, RFC-2822 dates, epoch units), and sessions are counted from raw events.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime

import duckdb

from gata.catalog import catalog, dataset_name

Totals = dict[str, Decimal]


def _rows(con: duckdb.DuckDBPyConnection, tenant: str, connector: str, sql: str) -> list[tuple]:
    return con.execute(sql.replace("{ds}", f'"{dataset_name(tenant, connector)}"')).fetchall()


def _cents(value: object) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _ad_sql(connector: str) -> str:
    """(day as text, spend as the API sends it, impressions, clicks) of the raw delivery rows, where the
    connector's catalog row says they are; the unit conversion is done here, in Python."""
    o = catalog().get(connector).oracle
    assert o is not None, f"{connector} has no reconciliation oracle in its catalog row"
    return f"select {o.day}, {o.spend}, {o.impressions}, {o.clicks} from {{ds}}.{o.table}"


def ads(con: duckdb.DuckDBPyConnection, tenant: str, connector: str, start: date, end: date) -> Totals:
    out = defaultdict(Decimal)
    micros = catalog().get(connector).oracle.spend_unit == "micros"  # type: ignore[union-attr]
    for day, spend, impressions, clicks in _rows(con, tenant, connector, _ad_sql(connector)):
        if not start <= date.fromisoformat(str(day)[:10]) <= end:
            continue
        out["spend"] += Decimal(spend) / 1_000_000 if micros else _cents(spend)
        out["impressions"] += int(impressions)
        out["clicks"] += int(clicks)
    out["spend"] = out["spend"].quantize(Decimal("0.01"))
    return dict(out)


PAID = {"shopify": {"paid", "partially_refunded"}, "bigcommerce": {10, 2, 11, 14},
        "woocommerce": {"completed", "processing"}}
ORDER_SQL = {
    "shopify": "select created_at, total_price, financial_status from {ds}.orders",
    "bigcommerce": "select date_created, total_inc_tax, status_id from {ds}.orders",
    "woocommerce": "select date_created_gmt, total, status from {ds}.orders",
}


def _order_day(connector: str, raw: str) -> date:
    if connector == "bigcommerce":
        return parsedate_to_datetime(raw).astimezone(UTC).date()
    ts = datetime.fromisoformat(raw)
    return (ts if ts.tzinfo else ts.replace(tzinfo=UTC)).astimezone(UTC).date()


def orders(con: duckdb.DuckDBPyConnection, tenant: str, connector: str, start: date, end: date) -> Totals:
    out = {"orders": Decimal(0), "revenue": Decimal(0), "gross_revenue": Decimal(0)}
    for created, total, status in _rows(con, tenant, connector, ORDER_SQL[connector]):
        if not start <= _order_day(connector, str(created)) <= end:
            continue
        out["orders"] += 1
        out["gross_revenue"] += Decimal(total)
        if status in PAID[connector]:
            out["revenue"] += Decimal(total)
    return {k: v.quantize(Decimal("0.01")) if k != "orders" else v for k, v in out.items()}


def sessions(con: duckdb.DuckDBPyConnection, tenant: str, connector: str, start: date, end: date,
             timeout_minutes: int = 30) -> int:
    starts: list[datetime] = []
    if connector == "google_analytics":
        starts = [
            datetime.fromtimestamp(sid, UTC)
            for (_, sid) in _rows(
                con,
                tenant,
                connector,
                "select distinct e.user_pseudo_id, p.value__int_value from {ds}.events e join "
                "{ds}.events__event_params p on p._dlt_parent_id = e._dlt_id where p.key = 'ga_session_id'",
            )
        ]
    elif connector == "amplitude":
        starts = [
            datetime.fromtimestamp(sid / 1000, UTC)
            for (_, sid) in _rows(
                con, tenant, connector, "select distinct amplitude_id, session_id from {ds}.events"
            )
        ]
    else:  # mixpanel: no session id; a gap longer than the timeout starts a new session
        by_user: dict[str, list[int]] = defaultdict(list)
        for user, t in _rows(
            con, tenant, connector, "select properties__distinct_id, properties__time from {ds}.events"
        ):
            by_user[user].append(t)
        for times in by_user.values():
            times.sort()
            prev = None
            for t in times:
                if prev is None or t - prev > timeout_minutes * 60:
                    starts.append(datetime.fromtimestamp(t, UTC))
                prev = t
    return sum(1 for s in starts if start <= s.date() <= end)
