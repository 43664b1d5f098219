"""Attribution computed in plain Python from the raw landed records: the oracle for the warehouse's models.

Independent of the dbt models: GA4 sessions are rebuilt from the raw export
(user_pseudo_id + ga_session_id, first non-empty source/medium/campaign params in
time order), devices are joined to a person by the user_id they ever logged in
with, shop orders are read from the raw Shopify records, and each paid order's
path is the person's sessions in the lookback window before its converting
session (or the order time). Only the documented rules are shared: the tenant's
channel rules (data from tenants.yaml), the models' definitions and the cent
rule (each touch gets the floor of its share in cents; leftover cents go to the
largest remainders, ties to the earlier touch).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import duckdb

from gata.attribution import AttributionSettings
from gata.catalog import dataset_name


@dataclass
class Visit:
    key: tuple[str, int]
    pseudo: str
    start: datetime
    source: str
    medium: str
    user_id: str | None
    transaction_ids: set[str]


def _channel(settings: AttributionSettings, source: str, medium: str) -> str:
    for rule in settings.channel_rules:
        if re.fullmatch(rule.source, source.lower()) and re.fullmatch(rule.medium, medium.lower()):
            return rule.channel
    return "other"


def ga4_visits(con: duckdb.DuckDBPyConnection, tenant: str, conversion_events: list[str]) -> list[Visit]:
    ds = f'"{dataset_name(tenant, "google_analytics")}"'
    params: dict[str, dict[str, object]] = defaultdict(dict)
    for parent, key, s, i in con.execute(
        f"select _dlt_parent_id, key, value__string_value, value__int_value from {ds}.events__event_params "
        "where key in ('ga_session_id', 'source', 'medium', 'campaign', 'transaction_id')"
    ).fetchall():
        params[parent][key] = i if key == "ga_session_id" else s
    events = con.execute(
        f"select _dlt_id, user_pseudo_id, user_id, event_timestamp, event_name, "
        f"ecommerce__transaction_id from {ds}.events"
    ).fetchall()
    by_session: dict[tuple[str, int], list[tuple]] = defaultdict(list)
    for dlt_id, pseudo, user_id, ts, name, txn in events:
        p = params[dlt_id]
        by_session[(pseudo, int(p["ga_session_id"]))].append((ts, name, user_id, p, txn))
    visits = []
    for key, evs in by_session.items():
        evs.sort(key=lambda e: (e[0], e[1]))
        source = next((e[3]["source"] for e in evs if e[3].get("source")), None)
        medium = next((e[3]["medium"] for e in evs if e[3].get("medium")), None)
        txns = set()
        for _, name, _, p, txn in evs:
            if name in conversion_events:
                order = txn if txn and txn != "(not set)" else p.get("transaction_id")
                if order and order != "(not set)":
                    txns.add(str(order))
        users = [e[2] for e in evs if e[2]]
        visits.append(
            Visit(
                key,
                key[0],
                datetime.fromtimestamp(evs[0][0] / 1_000_000, UTC),
                source or "(direct)",
                medium or "(none)",
                max(users) if users else None,
                txns,
            )
        )
    return visits


def shopify_paid_orders(
    con: duckdb.DuckDBPyConnection, tenant: str
) -> list[tuple[str, datetime, Decimal, str]]:
    ds = f'"{dataset_name(tenant, "shopify")}"'
    out = []
    for oid, created, total, status, customer in con.execute(
        f"select id, created_at, total_price, financial_status, customer__id from {ds}.orders"
    ).fetchall():
        if status in ("paid", "partially_refunded"):
            out.append((str(oid), datetime.fromisoformat(created), Decimal(total), str(customer)))
    return out


def _cents(total: Decimal, credits: list[Fraction]) -> list[int]:
    cents = int(total * 100)
    shares = [cents * c for c in credits]
    floors = [int(s) for s in shares]  # shares are never negative
    left = cents - sum(floors)
    order = sorted(range(len(shares)), key=lambda i: (-(shares[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return floors


def attribute(
    con: duckdb.DuckDBPyConnection, tenant: str, conversion_events: list[str], settings: AttributionSettings
) -> dict[str, dict[str, Decimal]]:
    """{model: {channel: attributed revenue}} for last_non_direct and linear, 'unattributed' included."""
    visits = ga4_visits(con, tenant, conversion_events)
    login: dict[str, str] = {}
    for v in visits:
        if v.user_id and v.user_id > login.get(v.pseudo, ""):
            login[v.pseudo] = v.user_id

    def person(v: Visit) -> str:
        return login.get(v.pseudo) or v.user_id or f"anon:{v.pseudo}"

    journeys: dict[str, list[Visit]] = defaultdict(list)
    converting: dict[str, Visit] = {}
    for v in visits:
        journeys[person(v)].append(v)
        for t in v.transaction_ids:
            if t not in converting or (v.start, f"{v.key[0]}-{v.key[1]}") < (
                converting[t].start,
                f"{converting[t].key[0]}-{converting[t].key[1]}",
            ):
                converting[t] = v
    out: dict[str, dict[str, Decimal]] = {
        "last_non_direct": defaultdict(Decimal),
        "linear": defaultdict(Decimal),
    }
    window = timedelta(days=settings.lookback_days)
    for order_id, created, total, customer in shopify_paid_orders(con, tenant):
        conv = converting.get(order_id)
        who = person(conv) if conv else customer
        at = conv.start if conv else created
        path = sorted(
            (v for v in journeys.get(who, []) if at - window <= v.start <= at),
            key=lambda v: (v.start, f"{v.key[0]}-{v.key[1]}"),
        )
        if not path:
            for by_channel in out.values():
                by_channel["unattributed"] += total
            continue
        channels = [_channel(settings, v.source, v.medium) for v in path]
        non_direct = [i for i, c in enumerate(channels) if c != "direct"]
        last = non_direct[-1] if non_direct else len(path) - 1
        for model, credits in (
            ("last_non_direct", [Fraction(int(i == last)) for i in range(len(path))]),
            ("linear", [Fraction(1, len(path))] * len(path)),
        ):
            for channel, cents in zip(channels, _cents(total, credits), strict=True):
                out[model][channel] += Decimal(cents) / 100
    return {m: {c: v.quantize(Decimal("0.01")) for c, v in by.items() if v} for m, by in out.items()}
