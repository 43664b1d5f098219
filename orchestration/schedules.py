"""The daily refresh, at 06:00 UTC, running from the moment the code location loads."""

from __future__ import annotations

from typing import TYPE_CHECKING

import dagster as dg

if TYPE_CHECKING:
    from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

DAILY_CRON = "0 6 * * *"


def daily_refresh_schedule(job: UnresolvedAssetJobDefinition) -> dg.ScheduleDefinition:
    return dg.ScheduleDefinition(name="daily_refresh_schedule", job=job, cron_schedule=DAILY_CRON,
                                 execution_timezone="UTC", default_status=dg.DefaultScheduleStatus.RUNNING)
