"""Edit ``tenants.yaml`` atomically, keeping its comments and the other tenants as they are."""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from gata.tenants import Tenant, parse_tenants


def _yaml() -> YAML:
    y = YAML()
    y.preserve_quotes = True
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = 120
    return y


def _flow(items: list[str]) -> CommentedSeq:
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def tenant_entry(tenant: Tenant) -> CommentedMap:
    """A tenant as tenants.yaml writes it (source lists in flow style, like the hand-written ones)."""
    body = CommentedMap()
    body["name"] = tenant.name
    body["sources"] = CommentedMap(
        (d, _flow(list(getattr(tenant.sources, d))))
        for d in ("paid_ads", "ecommerce", "analytics")
        if getattr(tenant.sources, d)
    )
    logic = tenant.business_logic.model_dump(exclude={"attribution"})
    attribution = tenant.business_logic.attribution.model_dump(exclude_defaults=True)
    if attribution:  # only what the tenant overrides: the defaults live in gata/attribution.py
        logic["attribution"] = attribution
    for key in ("conversion_events", "meta_conversion_action_types"):
        logic[key] = _flow(logic[key])
    body["business_logic"] = CommentedMap(logic)
    mock = tenant.mock_data.model_dump(mode="json")
    body["mock_data"] = CommentedMap(mock)
    if tenant.live:  # non-secret settings only; secrets never reach tenants.yaml
        body["live"] = CommentedMap((c, CommentedMap(s.model_dump(mode="json", exclude_none=True)))
                                    for c, s in tenant.live.items())
    return body


def upsert_tenant(path: Path, tenant: Tenant) -> bool:
    """Add or replace one tenant; returns False when the file already says exactly this."""
    y = _yaml()
    text = path.read_text()
    doc: Any = y.load(text)
    tenants = doc["tenants"]
    entry = tenant_entry(tenant)
    if tenant.slug in tenants:
        current = parse_tenants({"tenants": {tenant.slug: _plain(tenants[tenant.slug])}})[tenant.slug]
        if current == tenant:
            return False
    tenants[tenant.slug] = entry
    out = io.StringIO()
    y.dump(doc, out)
    parse_tenants(YAML(typ="safe").load(out.getvalue()))  # never write a file that would not load
    _atomic_write(path, out.getvalue())
    return True


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.replace(tmp, path)
