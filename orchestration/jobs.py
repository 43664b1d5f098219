"""Jobs: the daily refresh over every tenant's assets, and per-tenant onboarding, replay and retirement.

Onboarding, replay and retirement are partitioned by the dynamic ``tenants``
partitions, which the tenants.yaml sensor keeps in step with the file: a tenant
added to tenants.yaml is onboarded (and one removed retired) by these jobs
without reloading the definitions, because they read the tenant from the file at
run time. Its asset graph appears at the next reload (``dagster dev`` restart or
"Reload definitions" in the UI).
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

import dagster as dg

if TYPE_CHECKING:
    from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

from gata.lock import tenant_step
from gata.tenants import Tenant
from orchestration.assets import published_key
from orchestration.resources import GataResource
from pipeline import steps
from pipeline.parallel import default_jobs

TENANTS_PARTITIONS = "tenants"
tenants_partitions = dg.DynamicPartitionsDefinition(name=TENANTS_PARTITIONS)

# the daily refresh lands the newest day and lands the last LOOKBACK_DAYS again for late corrections
REFRESH_DAYS = 1
LOOKBACK_DAYS = 2


def workers() -> int:
    """How many steps run at once in a run: what the CLI's ``--jobs`` defaults to (GATA_WORKERS, else the
    cores, at most four)."""
    return default_jobs()


def executor() -> dg.ExecutorDefinition:
    return dg.multiprocess_executor.configured({"max_concurrent": workers()})


def refresh_config(tenants: dict[str, Tenant]) -> dict:
    return {"ops": {f"{slug}__landing": {"config": {"mode": "refresh", "days": REFRESH_DAYS,
                                                      "lookback_days": LOOKBACK_DAYS}}
                    for slug in tenants}}


def daily_refresh_job(tenants: dict[str, Tenant]) -> "UnresolvedAssetJobDefinition":
    return dg.define_asset_job(
        "daily_refresh", selection=dg.AssetSelection.all(), config=refresh_config(tenants),
        description=f"every tenant: land the newest {REFRESH_DAYS} day(s) plus {LOOKBACK_DAYS} again, "
                    "build, regenerate its semantic config, publish")


def _build_and_publish(
    context: dg.OpExecutionContext, gata: GataResource, step: Callable[..., object], what: str
) -> None:
    """The tenant of this run's partition, read from tenants.yaml now: its step, then its publish."""
    slug, paths = context.partition_key, gata.paths()
    with tenant_step(paths, slug):
        step(gata.tenant(slug), paths, context.log.info)
        steps.publish(paths, context.log.info, changed={slug})
    context.log_event(dg.AssetMaterialization(published_key(slug), description=what))


@dg.op(
    description="land the tenant's full history, build it, write its semantic config, publish (gata build)"
)
def onboard_tenant_op(context: dg.OpExecutionContext, gata: GataResource) -> None:
    _build_and_publish(context, gata, steps.build, "onboarded")


@dg.op(
    description="rebuild the reporting layer from raw payloads with the current business logic (gata replay)"
)
def replay_tenant_op(context: dg.OpExecutionContext, gata: GataResource) -> None:
    _build_and_publish(context, gata, steps.replay, "replayed")


@dg.op(description="stop serving a tenant removed from tenants.yaml (its build files are kept)")
def retire_tenant_op(context: dg.OpExecutionContext, gata: GataResource) -> None:
    slug, paths = context.partition_key, gata.paths()
    with tenant_step(paths, slug):
        steps.retire(slug, paths, context.log.info)


@dg.job(partitions_def=tenants_partitions, description="onboard one tenant of tenants.yaml")
def onboard_tenant() -> None:
    onboard_tenant_op()


@dg.job(partitions_def=tenants_partitions, description="replay one tenant after a business-logic change")
def replay_tenant() -> None:
    replay_tenant_op()


@dg.job(partitions_def=tenants_partitions, description="retire one tenant removed from tenants.yaml")
def retire_tenant() -> None:
    retire_tenant_op()
