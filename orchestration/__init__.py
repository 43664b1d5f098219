"""Dagster control plane for GATA: assets per tenant, jobs, schedules, sensors and checks.

This layer only orchestrates. Every asset, op and check calls the functions the
CLI calls (``gata.pipeline``, ``gata.publish``, ``gata.health``) under the same
locks (``gata.lock.tenant_step``); nothing here computes, lands or transforms data.
"""
