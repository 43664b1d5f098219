"""tenants.yaml, watched: an added tenant is onboarded, a removed one retired, without a restart.

The dynamic ``tenants`` partitions are the sensor's memory of the file: each tick
compares the file's tenants with them. A tenant that already has landed data when
it is first seen (built by the CLI, or before Dagster ran) is registered, not
rebuilt. A tenants.yaml that does not validate skips the tick with the loader's
message, so the operator sees what to fix; so does an added tenant whose file a CLI
step is writing at that moment (DuckDB lets no reader beside a writer).
"""

import dagster as dg

from gata.errors import ConfigError, PipelineBusyError
from orchestration.jobs import TENANTS_PARTITIONS, onboard_tenant, retire_tenant, tenants_partitions
from orchestration.resources import GataResource
from pipeline import steps


@dg.sensor(jobs=[onboard_tenant, retire_tenant], minimum_interval_seconds=30,
           default_status=dg.DefaultSensorStatus.RUNNING,
           description="onboards tenants added to tenants.yaml and retires removed ones")
def tenants_yaml_sensor(
    context: dg.SensorEvaluationContext, gata: GataResource
) -> dg.SensorResult | dg.SkipReason:
    try:
        tenants = gata.tenants()
    except ConfigError as exc:
        return dg.SkipReason(f"tenants.yaml does not validate, nothing changed: {exc}")
    paths = gata.paths()
    known = set(context.instance.get_dynamic_partitions(TENANTS_PARTITIONS))
    added = sorted(set(tenants) - known)
    removed = sorted(known - set(tenants))
    if not added and not removed:
        return dg.SkipReason(f"{len(tenants)} tenant(s), no change")
    version = context.cursor or "0"
    try:
        never_landed = [slug for slug in added if steps.last_landed_day(tenants[slug], paths) is None]
    except PipelineBusyError as exc:  # a CLI step is writing that tenant: decide on the next tick
        return dg.SkipReason(f"nothing changed this tick: {exc}")
    runs = [
        dg.RunRequest(job_name=onboard_tenant.name, partition_key=slug, run_key=f"onboard:{slug}:{version}")
        for slug in never_landed
    ]
    runs += [
        dg.RunRequest(job_name=retire_tenant.name, partition_key=slug, run_key=f"retire:{slug}:{version}")
        for slug in removed
    ]
    requests = ([tenants_partitions.build_add_request(added)] if added else []) + (
        [tenants_partitions.build_delete_request(removed)] if removed else []
    )
    context.log.info(f"tenants.yaml: added {added or 'none'}, removed {removed or 'none'}")
    return dg.SensorResult(
        run_requests=runs, dynamic_partitions_requests=requests, cursor=str(int(version) + 1)
    )
