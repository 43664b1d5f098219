"""One dbt manifest for every tenant's asset graph.

The warehouse's models are shared; a tenant's build enables the models of its
sources through its environment (GATA_TENANT_SOURCES, see warehouse/runner.py).
Parsing once with every catalog source enabled gives the union graph, and each
tenant selects its slice from it (``tenant_selection``), so loading the
definitions costs one ``dbt parse`` whatever the number of
tenants, and none at all while the project files are unchanged (the manifest is
cached under ``GATA_HOME`` by a hash of the project).
"""

from __future__ import annotations

import json
from pathlib import Path

from gata.catalog import catalog
from gata.settings import Paths
from gata.tenants import Tenant
from warehouse import scaffold
from warehouse.runner import mix_name, parsed_project, project_digest


def all_sources() -> dict[str, list[str]]:
    mix: dict[str, list[str]] = {"paid_ads": [], "ecommerce": [], "analytics": []}
    for key, conn in catalog().connectors.items():
        mix[conn.domain].append(key)
    return mix


def manifest_path(paths: Paths) -> Path:
    """The union manifest, parsed now if the project changed since the last parse."""
    sources = all_sources()
    target = paths.dbt_target(mix_name(sources))
    stamp = target / "project_digest"
    manifest = target / "manifest.json"
    scaffold.write_library()  # the generated models are part of the digest: current with the catalog first
    digest = project_digest()
    if manifest.exists() and stamp.exists() and stamp.read_text() == digest:
        return manifest
    parsed_project(sources, paths)  # the same parse a build of a tenant with every source would use
    stamp.write_text(digest)
    return manifest


def tenant_models(tenant: Tenant, manifest: dict) -> list[str]:
    """The models a build of this tenant runs: source-specific ones for its sources, and every shared one."""
    cat = catalog()
    mine = set(tenant.connectors)
    prefixes = {f"stg_{c}__": c in mine for c in cat.connectors} | {
        f"int_{c}__": c in mine for c in cat.connectors
    }
    prefixes |= {f"platform_mm__{c.master_model_id}_": False for c in cat.connectors.values()}
    prefixes |= {f"platform_mm__{cat.connectors[c].master_model_id}_": True for c in mine}
    names = []
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model":
            continue
        name = node["name"]
        matched = [ok for p, ok in prefixes.items() if name.startswith(p)]
        if not matched or any(matched):
            names.append(name)
    return sorted(names)


def load_manifest(paths: Paths) -> dict:
    return json.loads(manifest_path(paths).read_text())
