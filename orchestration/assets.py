"""The asset factory: one tenant of tenants.yaml -> its landing, dbt, semantic config and publish assets.

Keys are ``[tenant, name]`` and each tenant is its own group, so the UI shows one
lineage per tenant: ``raw_{connector}`` (a landed dlt dataset) -> the tenant's dbt
models (staging pushers, its master-model slices, intermediate, star tables) ->
``semantic_config`` -> ``published``. Each body calls the function the CLI calls.
"""

from collections.abc import Iterator, Mapping
from typing import Any, Literal

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, dbt_assets

from gata.catalog import catalog, dataset_name
from gata.errors import TransformError
from gata.lock import tenant_step
from gata.tenants import Tenant
from orchestration.manifest import tenant_models
from orchestration.resources import GataResource
from pipeline import steps
from warehouse.runner import BuildResult


class LandingConfig(dg.Config):
    """full: the tenant's whole history (a first build). refresh: the newest days plus a lookback."""

    mode: Literal["full", "refresh"] = "full"
    days: int = 1
    lookback_days: int = 1


def raw_key(slug: str, connector: str) -> dg.AssetKey:
    return dg.AssetKey([slug, f"raw_{connector}"])


def published_key(slug: str) -> dg.AssetKey:
    return dg.AssetKey([slug, "published"])


def semantic_config_key(slug: str) -> dg.AssetKey:
    return dg.AssetKey([slug, "semantic_config"])


class TenantTranslator(DagsterDbtTranslator):
    """dbt nodes as one tenant's assets: key ``[tenant, model]``, staging pushers fed by the raw datasets."""

    def __init__(self, tenant: Tenant, models: list[str]) -> None:
        super().__init__(DagsterDbtTranslatorSettings(enable_asset_checks=True, enable_code_references=False))
        self.tenant = tenant
        self.models = set(models)

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":  # a landed table: under its dataset's asset
            return dg.AssetKey([self.tenant.slug, dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return dg.AssetKey([self.tenant.slug, dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return self.tenant.slug

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project: Any) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        # the union manifest links each factory to every connector's models; keep this tenant's
        deps = [d for d in spec.deps if d.asset_key.path[-1] in self.models]
        name = manifest["nodes"].get(unique_id, {}).get("name", "")
        if name.startswith("stg_"):
            deps.append(dg.AssetDep(raw_key(self.tenant.slug, name[len("stg_"):].split("__", 1)[0])))
        return spec.replace_attributes(deps=deps)


def tenant_assets(tenant: Tenant, manifest: dict) -> list[dg.AssetsDefinition]:
    slug = tenant.slug
    models = tenant_models(tenant, manifest)
    translator = TenantTranslator(tenant, models)
    star = [dg.AssetKey([slug, n["name"]]) for n in manifest["nodes"].values()
            if n["resource_type"] == "model" and n["fqn"][1:2] == ["analytics"]]

    @dg.multi_asset(
        name=f"{slug}__landing",
        specs=[dg.AssetSpec(raw_key(slug, c), group_name=slug, kinds={"dlt", "duckdb"},
                            description=f"{catalog().get(c).name} landed by dlt into {dataset_name(slug, c)}",
                            metadata={"dataset": dataset_name(slug, c)}) for c in tenant.connectors],
        op_tags={"gata/tenant": slug},
    )
    def landing(
        context: dg.AssetExecutionContext, config: LandingConfig, gata: GataResource
    ) -> Iterator[Any]:
        paths, current = gata.paths(), gata.tenant(slug)
        log = context.log.info
        with tenant_step(paths, slug):
            if config.mode == "refresh":
                results = steps.land_newest(current, paths, config.days, config.lookback_days, log)
            else:
                results = steps.ingest(current, paths, progress=log)
        for r in results:
            key = raw_key(slug, r.connector)
            if key in context.selected_asset_keys:
                yield dg.MaterializeResult(
                    asset_key=key,
                    metadata={
                        "dataset": r.dataset,
                        "load_id": r.load_id,
                        "rows": sum(r.rows.values()),
                        "rows_by_table": dg.MetadataValue.json(r.rows),
                        "drift": [c.describe() for c in r.drift],
                    },
                )

    # singular reconciliation tests hang off the star tables; keep the ones of this tenant's connectors
    others = " ".join(f"reconcile_{c}" for c in catalog().connectors if c not in tenant.connectors)

    @dbt_assets(
        manifest=manifest,
        select=" ".join(models),
        exclude=others or None,
        name=f"{slug}__dbt",
        dagster_dbt_translator=translator,
        op_tags={"gata/tenant": slug},
    )
    def dbt_models(context: dg.AssetExecutionContext, gata: GataResource) -> Iterator[Any]:
        paths, current = gata.paths(), gata.tenant(slug)
        with tenant_step(paths, slug):
            result = steps.transform(current, paths, context.log.info, raise_on_error=False)
        yield from build_events(context, result, manifest, slug)
        if not result.success:
            failed = "; ".join(f"{n.resource_type} {n.name}: {n.message[:200]}" for n in result.failures[:5])
            raise TransformError(f"dbt build failed for {slug}: {failed}")

    @dg.asset(
        key=semantic_config_key(slug),
        deps=star,
        group_name=slug,
        kinds={"yaml"},
        description="boring-semantic-layer config and metric catalog, validated before it replaces the last one",
        op_tags={"gata/tenant": slug},
    )
    def semantic_config(context: dg.AssetExecutionContext, gata: GataResource) -> dg.MaterializeResult:
        paths, current = gata.paths(), gata.tenant(slug)
        with tenant_step(paths, slug):
            steps.semantics(current, paths, context.log.info)
        return dg.MaterializeResult(metadata={"path": str(paths.semantic_configs_dir / f"{slug}.yaml")})

    @dg.asset(
        key=published_key(slug),
        deps=[semantic_config_key(slug)],
        group_name=slug,
        description="the serving snapshot the MCP server answers from, switched in atomically",
        op_tags={"gata/tenant": slug},
    )
    def published(context: dg.AssetExecutionContext, gata: GataResource) -> dg.MaterializeResult:
        paths = gata.paths()
        with tenant_step(paths, slug):
            steps.publish(paths, context.log.info, changed={slug})
        from pipeline.publish import current_version

        return dg.MaterializeResult(metadata={"snapshot": str(current_version(paths))})

    return [landing, dbt_models, semantic_config, published]


def build_events(
    context: dg.AssetExecutionContext, result: BuildResult, manifest: dict, slug: str
) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    """dbt's run results as Dagster events: a materialization per built model, a check result per test."""
    attached = {
        n["name"]: manifest["nodes"].get(n.get("attached_node") or "", {}).get("name")
        for n in manifest["nodes"].values()
        if n["resource_type"] == "test"
    }
    selected_checks = context.selected_asset_check_keys
    for node in result.nodes:
        if node.resource_type in ("model", "snapshot", "seed") and node.status == "success":
            key = dg.AssetKey([slug, node.name])
            if key in context.selected_asset_keys:
                yield dg.MaterializeResult(asset_key=key, metadata={"dbt_status": node.status})
        elif node.resource_type == "test" and attached.get(node.name):
            check = dg.AssetCheckKey(dg.AssetKey([slug, attached[node.name]]), node.name)
            if check in selected_checks:
                yield dg.AssetCheckResult(
                    asset_key=check.asset_key,
                    check_name=check.name,
                    passed=node.status == "pass",
                    metadata={"status": node.status, "message": node.message or ""},
                )
