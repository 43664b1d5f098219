"""The ``gata`` command: one entry point whose subcommands grow with each capability."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from gata.errors import GataError

if TYPE_CHECKING:  # for annotations only: the commands import what they run, so `gata --help` stays fast
    from gata.tenants import Tenant
    from pipeline.parallel import Step

CONFIG_ERROR_EXIT = 2  # a configuration or input error: the same status argparse uses for a bad command line


def _tenants_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--tenant", metavar="SLUG", help="only this tenant (default: every tenant in tenants.yaml)"
    )


def _jobs_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                   help="tenants run N at a time, each in its own process (default: one per CPU, at most "
                        "4; GATA_WORKERS overrides)")


def _selected_tenants(args: argparse.Namespace) -> list[Tenant]:
    from gata.tenants import get_tenant, load_tenants

    tenants = load_tenants()
    return [get_tenant(args.tenant, tenants)] if getattr(args, "tenant", None) else list(tenants.values())


def cmd_info(args: argparse.Namespace) -> int:
    from gata.settings import get_paths
    from gata.tenants import load_tenants
    from pipeline.publish import current_version

    paths = get_paths()
    tenants = load_tenants()
    info: dict[str, Any] = {
        "gata_home": str(paths.home),
        "tenants_file": str(paths.tenants_file),
        "tenant_databases": str(paths.tenant_dbs_dir),
        "dlt_pipelines": str(paths.dlt_dir),
        "dbt_artifacts": str(paths.dbt_dir),
        "semantic_configs": str(paths.semantic_configs_dir),
        "serving": str(paths.serving_dir),
        "serving_snapshot": str(version) if (version := current_version(paths)) else None,
        "tokens": str(paths.tokens_file),
        "tenants": {slug: {"name": t.name, "sources": t.connectors} for slug, t in tenants.items()},
    }
    if args.json:
        print(json.dumps(info, indent=2))
    else:
        width = max(len(k) for k in info)
        for key, value in info.items():
            if key != "tenants":
                print(f"{key:<{width}}  {value}")
        print("tenants:")
        for slug, t in info["tenants"].items():
            print(f"  {slug:<20} {t['name']:<22} {', '.join(t['sources'])}")
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from pipeline import steps

    return _run_per_tenant(args, partial(steps.ingest, days=args.days, end=args.end_date, progress=_progress))


def _progress(msg: str) -> None:
    print(msg, flush=True)


def _run_per_tenant(args: argparse.Namespace, step: Step, publish: bool = False) -> int:
    """Run a step for each selected tenant, ``--jobs`` at a time; one tenant's failure does not stop the
    others.

    With ``publish``, what succeeded is published for serving once all tenants ran.
    """
    from gata.settings import get_paths
    from pipeline.parallel import run_and_publish, run_tenants

    paths = get_paths().ensure()
    tenants = _selected_tenants(args)
    jobs = getattr(args, "jobs", None)
    failed = (run_and_publish(step, tenants, paths, jobs, _progress) if publish
              else run_tenants(step, tenants, paths, jobs))
    if failed:
        print(f"failed tenants: {', '.join(sorted(failed))}", file=sys.stderr)
        return 1
    return 0


def cmd_transform(args: argparse.Namespace) -> int:
    from pipeline import steps

    return _run_per_tenant(args, partial(steps.transform, progress=_progress), publish=True)


def cmd_semantics(args: argparse.Namespace) -> int:
    from pipeline import steps

    return _run_per_tenant(args, partial(steps.semantics, progress=_progress), publish=True)


def cmd_build(args: argparse.Namespace) -> int:
    from pipeline import steps

    return _run_per_tenant(args, partial(steps.build, progress=_progress), publish=True)


def cmd_replay(args: argparse.Namespace) -> int:
    from pipeline import steps

    return _run_per_tenant(args, partial(steps.replay, progress=_progress), publish=True)


def cmd_refresh(args: argparse.Namespace) -> int:
    from pipeline import steps

    return _run_per_tenant(args, partial(steps.refresh, days=args.days, progress=_progress,
                                         lookback=args.lookback), publish=True)


def _live_settings(items: list[str]) -> dict[str, dict[str, str]]:
    """``--live shopify:shop_domain=acme.myshopify.com`` (repeatable) -> the ``live:`` block."""
    from gata.errors import ConfigError

    live: dict[str, dict[str, str]] = {}
    for item in items:
        connector, _, pairs = item.partition(":")
        live.setdefault(connector.strip(), {})
        for pair in filter(None, pairs.split(",")):
            key, eq, value = pair.partition("=")
            if not eq:
                raise ConfigError(f"--live {item!r}: write CONNECTOR:key=value[,key=value], "
                                  "e.g. shopify:shop_domain=acme.myshopify.com")
            live[connector.strip()][key.strip()] = value.strip()
    return live


def cmd_onboard(args: argparse.Namespace) -> int:
    from gata.settings import get_paths
    from pipeline.onboarding import OnboardRequest, onboard

    optional: dict[str, Any] = {}  # left out when not given, so the request's defaults apply
    if args.conversion_events:
        optional["conversion_events"] = args.conversion_events.split(",")
    if args.volume:
        optional["volume"] = args.volume
    if args.live:
        optional["live"] = _live_settings(args.live)
    request = OnboardRequest(
        slug=args.slug, name=args.name, sources=[s.strip() for s in args.sources.split(",") if s.strip()],
        currency=args.currency, days=args.days, create_token=args.token, **optional,
    )

    def progress(done: float, total: float | None, message: str) -> None:
        print(f"[{int(done)}/{int(total or 0)}] {message}", flush=True)

    result = onboard(request, get_paths().ensure(), progress)
    print(json.dumps(result.model_dump(mode="json"), indent=2))
    if result.token:
        print(f"\ntoken for {result.tenant} (shown once): {result.token}")
    return 0


def cmd_check_connection(args: argparse.Namespace) -> int:
    """Each live connector's credentials tried with its cheapest real call; non-zero on any problem."""
    from gata.tenants import get_tenant
    from ingestion.live import check_tenant

    tenant = get_tenant(args.tenant)
    if not tenant.live:
        print(
            f"{tenant.slug}: no live connectors (every source uses mock data); add a `live:` block in "
            "tenants.yaml"
        )
        return 0
    checks = check_tenant(tenant, args.connector)
    for c in checks:
        print(f"{c.connector:<18} {'ok' if c.ok else c.kind.upper():<11} {c.message}")
    return 0 if all(c.ok for c in checks) else 1


def cmd_health(args: argparse.Namespace) -> int:
    from gata.settings import get_paths
    from pipeline.health import tenant_health
    from pipeline.publish import served

    with served(get_paths()) as con:
        if con is None:
            print("nothing published yet: run `gata build`", file=sys.stderr)
            return 2
        reports = [tenant_health(con, tenant.slug) for tenant in _selected_tenants(args)]
    if args.json:
        print(json.dumps([r.model_dump(mode="json") for r in reports], indent=2))
    else:
        for r in reports:
            print(f"{r.tenant}: {r.status.upper()} - {r.reason}")
            for s in r.sources:
                when = f"{s.last_load_at:%Y-%m-%d %H:%M}" if s.last_load_at else "never"
                print(f"  source {s.connector:<18} last load {when} ({s.rows} rows, load {s.load_id})")
                if s.last_error:
                    print(f"         FAILED since {s.failed_at:%Y-%m-%d %H:%M}: {s.last_error}")
            for d in r.drift:
                print(
                    f"  drift  {d.connector}.{d.table}: +{d.added_columns} -{d.removed_columns} "
                    f"~{d.retyped_columns}"
                    f"{' (current)' if d.current else ''}"
                )
            if r.last_build:
                b = r.last_build
                print(f"  build  {b.status}: models {b.models_pass} ok / {b.models_error} error, "
                      f"tests {b.tests_pass} pass / {b.tests_fail} fail")
            for t in r.tables:
                print(f"  table  {t.table:<40} {t.rows:>8} rows  {t.date_min or ''} .. {t.date_max or ''}")
    return 0 if all(r.status != "failing" for r in reports) else 1


def cmd_library(args: argparse.Namespace) -> int:
    from ingestion import dna
    from ingestion.library import compute_blueprints

    blueprints = compute_blueprints()
    current = {(b.connector, b.table): b.dna for b in dna.load_blueprints()}
    fresh = {(b.connector, b.table): b.dna for b in blueprints}
    changed = sorted(k for k in fresh.keys() | current.keys() if fresh.get(k) != current.get(k))
    for connector, table in changed:
        print(f"  {connector}.{table}: {current.get((connector, table))} -> {fresh.get((connector, table))}")
    if args.write:
        dna.write_blueprints(blueprints)
        print(f"wrote {len(blueprints)} blueprints to {dna.BLUEPRINTS_FILE}")
    elif changed:
        print("blueprints are out of date: run `gata library --write`")
        return 1
    else:
        print(f"{len(blueprints)} blueprints are current")
    return 0


def cmd_scaffold(args: argparse.Namespace) -> int:
    from warehouse.scaffold import write_library

    changed = write_library()
    for path in changed:
        print(f"  wrote {path}")
    print(f"library models: {len(changed)} file(s) changed")
    if args.tenant:
        from gata.settings import get_paths
        from warehouse.runner import scaffold_routing

        paths = get_paths()
        for tenant in _selected_tenants(args):
            for path in scaffold_routing(tenant, paths):
                print(f"  {tenant.slug}: {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gata", description="Governed, tenant-scoped marketing analytics for AI agents."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("info", help="where the warehouse and generated files live, and which tenants exist")
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.set_defaults(handler=cmd_info)

    p = sub.add_parser("ingest", help="land tenants' source data into the warehouse (dlt)")
    _tenants_arg(p)
    _jobs_arg(p)
    p.add_argument(
        "--days", type=int, help="land the last N days up to the end date (default: the tenant's days)"
    )
    p.add_argument(
        "--end-date",
        type=date.fromisoformat,
        help="last day to land, YYYY-MM-DD (default: the tenant's end_date)",
    )
    p.set_defaults(handler=cmd_ingest)

    p = sub.add_parser("library", help="recompute connector blueprints (schema DNA) from reference landings")
    p.add_argument("--write", action="store_true", help="write ingestion/connector_blueprints.json")
    p.set_defaults(handler=cmd_library)

    p = sub.add_parser(
        "scaffold", help="regenerate library models from the catalog (and a tenant's DNA routing)"
    )
    _tenants_arg(p)
    p.set_defaults(handler=cmd_scaffold)

    p = sub.add_parser("transform", help="scaffold routing and run dbt build, per tenant")
    _tenants_arg(p)
    _jobs_arg(p)
    p.set_defaults(handler=cmd_transform)

    p = sub.add_parser(
        "semantics", help="write tenants' semantic configs (boring-semantic-layer YAML) and publish"
    )
    _tenants_arg(p)
    _jobs_arg(p)
    p.set_defaults(handler=cmd_semantics)

    p = sub.add_parser(
        "replay", help="rebuild a tenant's reporting layer from raw payloads after a logic change"
    )
    _tenants_arg(p)
    _jobs_arg(p)
    p.set_defaults(handler=cmd_replay)

    p = sub.add_parser("refresh", help="the daily job: land the newest days, build what changed, publish")
    _tenants_arg(p)
    _jobs_arg(p)
    p.add_argument(
        "--days", type=int, default=1, help="new days to land after the last landed day (default 1)"
    )
    p.add_argument("--lookback", type=int, default=1,
                   help="landed days to land again for late data (default 1, the last landed day)")
    p.set_defaults(handler=cmd_refresh)

    p = sub.add_parser(
        "onboard", help="onboard a tenant end to end (the same path as the onboard_tenant tool)"
    )
    p.add_argument("slug")
    p.add_argument("--name", required=True)
    p.add_argument(
        "--sources",
        required=True,
        help="comma-separated connector keys, e.g. tiktok_ads,woocommerce,amplitude",
    )
    p.add_argument("--currency", default="USD")
    p.add_argument("--conversion-events", help="comma-separated analytics events that convert a session")
    p.add_argument("--days", type=int, default=90)
    p.add_argument("--volume", type=float)
    p.add_argument("--token", action="store_true", help="also create an MCP token for the tenant")
    p.add_argument(
        "--live",
        action="append",
        metavar="CONNECTOR:KEY=VALUE,...",
        help="read this connector from a real account, e.g. shopify:shop_domain=acme.myshopify.com "
        "(repeatable; secrets come from the environment or .dlt/secrets.toml)",
    )
    p.set_defaults(handler=cmd_onboard)

    p = sub.add_parser("check-connection", help="try each live connector's credentials; say what works, "
                       "what is missing and what is wrong")
    p.add_argument("--tenant", metavar="SLUG", required=True)
    p.add_argument("--connector", help="only this connector (default: every live connector of the tenant)")
    p.set_defaults(handler=cmd_check_connection)

    p = sub.add_parser(
        "health", help="pipeline health per tenant: loads, drift, last build, tables, freshness"
    )
    _tenants_arg(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_health)

    p = sub.add_parser("build", help="ingest + transform + semantic configs + publish, per tenant")
    _tenants_arg(p)
    _jobs_arg(p)
    p.set_defaults(handler=cmd_build)

    from cli.serve import add_parsers as add_mcp_parsers  # `gata serve` and `gata token`

    add_mcp_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    try:
        code: int = args.handler(args)
        return code
    except GataError as exc:  # every configuration or input error exits 2 (the README says so)
        print(f"error: {exc}", file=sys.stderr)
        return CONFIG_ERROR_EXIT
    except (
        ValidationError
    ) as exc:  # options that break a request's declared limits (e.g. gata onboard --days 0)
        print(
            "error: " + "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:5]),
            file=sys.stderr,
        )
        return CONFIG_ERROR_EXIT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
