"""Dagster control plane for GATA: assets per tenant, jobs, schedules, sensors and checks.

This layer only orchestrates. Every asset, op and check calls the functions the
CLI calls (``pipeline.steps``, ``pipeline.publish``, ``pipeline.health``) under the same
locks (``gata.lock.tenant_step``); nothing here computes, lands or transforms data.
"""
