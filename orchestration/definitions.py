"""GATA's Dagster definitions, named by ``[tool.dagster]`` in pyproject.toml.

Loaded by ``dagster dev`` / ``dagster definitions validate``: the tenants come
from tenants.yaml (``GATA_TENANTS_FILE``), the state from ``GATA_HOME``.
"""

from __future__ import annotations

import dagster as dg

from gata.settings import get_paths
from gata.tenants import load_tenants
from orchestration.assets import tenant_assets
from orchestration.checks import tenant_checks
from orchestration.jobs import daily_refresh_job, executor, onboard_tenant, replay_tenant, retire_tenant
from orchestration.manifest import load_manifest
from orchestration.resources import GataResource
from orchestration.schedules import daily_refresh_schedule
from orchestration.sensors import tenants_yaml_sensor


def build_definitions() -> dg.Definitions:
    paths = get_paths().ensure()
    tenants = load_tenants(paths.tenants_file)
    manifest = load_manifest(paths)
    refresh = daily_refresh_job(tenants)
    return dg.Definitions(
        assets=[a for t in tenants.values() for a in tenant_assets(t, manifest)],
        asset_checks=[c for slug in tenants for c in tenant_checks(slug)],
        jobs=[refresh, onboard_tenant, replay_tenant, retire_tenant],
        schedules=[daily_refresh_schedule(refresh)],
        sensors=[tenants_yaml_sensor],
        resources={"gata": GataResource()},
        executor=executor(),
    )


defs = build_definitions()
