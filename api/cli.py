"""The `memberflow` command: set up, run and check an installation."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from alembic import command
from alembic.config import Config

from api.bootstrap import Services, bootstrap, load_registry
from api.logging_config import configure_cli_logging
from api.settings import Settings
from engine import audit
from engine.authz import SYSTEM
from engine.calendar_store import load_schedule
from engine.errors import EngineError
from engine.registry import to_mermaid
from engine.versions import migrate_cases, record_definitions

ROOT = Path(__file__).resolve().parent.parent


def migrate_database(services: Services) -> None:
    """Bring the schema to the newest alembic revision, on the services' own connection."""
    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    with services.db.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@click.group()
def main() -> None:
    """memberflow：党的基层组织党员工作流程管理。"""
    settings = Settings()
    configure_cli_logging(settings.log_level, settings.log_format)


@main.command()
def init() -> None:
    """Create or migrate the database and record the workflow definitions."""
    services = bootstrap()
    migrate_database(services)
    with services.engine.sessions.begin() as session:
        added = record_definitions(session, services.registry)
    click.echo(f"database ready: {services.settings.database_url}")
    for name in added:
        click.echo(f"recorded definition {name}")


@main.command()
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has organizations.")
def demo(if_empty: bool) -> None:
    """Load demo organizations, people, users and cases."""
    from api.demo import load_demo

    services = bootstrap()
    summary = load_demo(services, if_empty=if_empty)
    click.echo(summary)


@main.command()
@click.option("--with-worker", is_flag=True, help="Also run the background worker in this process.")
def serve(with_worker: bool) -> None:
    """Run the web server (and, embedded, the worker)."""
    import uvicorn

    from api.app import create_app
    from api.demo import DEMO_LOGINS
    from api.logging_config import server_log_config

    services = bootstrap()
    app = create_app(services, with_worker=with_worker)
    click.echo(f"memberflow on http://{services.settings.host}:{services.settings.port}")
    click.echo(DEMO_LOGINS)
    log_config = server_log_config(services.settings.log_level, services.settings.log_format)
    uvicorn.run(app, host=services.settings.host, port=services.settings.port, log_config=log_config)


@main.command()
def worker() -> None:
    """Run a background worker against the configured broker (production)."""
    from api.jobs import run_worker

    run_worker(bootstrap())


@main.command()
def check() -> None:
    """Validate every workflow definition and policy profile."""
    try:
        registry = load_registry()
    except EngineError as exc:
        click.echo(exc.message, err=True)
        for problem in getattr(exc, "problems", []):
            click.echo(f"  - {problem}", err=True)
        sys.exit(1)
    for workflow in registry.workflows():
        click.echo(f"ok {workflow.name} {workflow.version}: {len(workflow.actions)} actions")


@main.command()
@click.argument("workflow")
def diagram(workflow: str) -> None:
    """Print the Mermaid state diagram of WORKFLOW."""
    try:
        click.echo(to_mermaid(load_registry().get(workflow)), nl=False)
    except EngineError as exc:
        raise click.ClickException(exc.message) from exc


@main.command("verify-audit")
def verify_audit() -> None:
    """Check every case's hash chain; name the first tampered or missing event."""
    services = bootstrap()
    with services.engine.sessions() as session:
        problems = audit.verify(session)
    for p in problems:
        click.echo(f"case {p.case_id} event seq {p.seq} (id {p.event_id}): {p.message}", err=True)
    if problems:
        sys.exit(1)
    click.echo("audit chain intact")


@main.command("migrate-cases")
@click.argument("workflow")
@click.option("--to", "to_version", required=True, help="Target definition version.")
@click.option("--map", "mappings", multiple=True, help="OLD=NEW state path, repeatable.")
@click.option("--reason", required=True, help="Why the cases move (recorded in each case).")
def migrate_cases_command(workflow: str, to_version: str, mappings: tuple[str, ...], reason: str) -> None:
    """Move running cases of WORKFLOW to another definition version."""
    mapping = dict(m.split("=", 1) for m in mappings)
    services = bootstrap()
    try:
        moved = migrate_cases(services.engine, workflow, to_version, mapping, SYSTEM, reason)
    except EngineError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"migrated {len(moved)} cases")


@main.command("calendar-load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def calendar_load(file: Path) -> None:
    """Load a year's official holiday schedule (see docs/calendar.md for the format)."""
    services = bootstrap()
    try:
        with services.engine.sessions.begin() as session:
            schedule = load_schedule(session, file.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"loaded {schedule.year}: {len(schedule.holidays)} holidays, "
        f"{len(schedule.make_up_workdays)} make-up workdays"
    )


# -- spreadsheets (issue 12) -------------------------------------------------------------------

SPREADSHEET = click.Path(dir_okay=False, path_type=Path)


@main.group("import")
def import_group() -> None:
    """导入组织或人员花名册（.xlsx，格式见 `memberflow template`）。"""


def _run_import(kind: str, file: Path, dry_run: bool, details: bool) -> None:
    from api.importing import import_orgs, import_people

    services = bootstrap()
    data = file.read_bytes()
    with services.engine.sessions.begin() as session:
        if kind == "orgs":
            report = import_orgs(session, data, dry_run=dry_run, filename=file.name, engine=services.engine)
        else:
            report = import_people(
                session, data, dry_run=dry_run, filename=file.name, engine=services.engine,
                profile=services.settings.policy_profile,
            )  # fmt: skip
    for line in report.lines(details=details):
        click.echo(line, err=not report.ok)
    if not report.ok:
        sys.exit(1)


@import_group.command("orgs")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="只检查并报告将新增和更新的内容，不写入。")
@click.option("--details", is_flag=True, help="逐行列出处理结果（含新增和无变化的行）。")
def import_orgs_command(file: Path, dry_run: bool, details: bool) -> None:
    """导入组织（“组织”工作表）。"""
    _run_import("orgs", file, dry_run, details)


@import_group.command("people")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="只检查并报告将新增和更新的内容，不写入。")
@click.option("--details", is_flag=True, help="逐行列出处理结果（含新增和无变化的行）。")
def import_people_command(file: Path, dry_run: bool, details: bool) -> None:
    """导入人员花名册（“人员”工作表；同一文件中的“组织”工作表先导入）。"""
    _run_import("people", file, dry_run, details)


@main.command("export")
@click.argument("kind", type=click.Choice(["orgs", "people"]))
@click.argument("file", type=SPREADSHEET)
@click.option("--org", "org_name", default="", help="人员：只导出该组织（全称）及其下级组织的人员。")
def export_command(kind: str, file: Path, org_name: str) -> None:
    """导出组织或人员花名册，格式与导入模板相同（可修改后再导入）。"""
    from sqlalchemy import select

    from api.importing import export_orgs, export_people
    from engine.models import Org

    services = bootstrap()
    with services.engine.sessions() as session:
        if kind == "orgs":
            data = export_orgs(session)
        else:
            org_id = session.scalar(select(Org.id).where(Org.name == org_name)) if org_name else None
            if org_name and org_id is None:
                raise click.ClickException(f"找不到组织“{org_name}”")
            data = export_people(session, org_id=org_id)
    file.write_bytes(data)
    click.echo(f"已导出到 {file}")


@main.command("template")
@click.argument("kind", type=click.Choice(["orgs", "people"]))
@click.argument("file", type=SPREADSHEET)
def template_command(kind: str, file: Path) -> None:
    """写出空白导入模板（含填写说明工作表）。"""
    from api.importing import template

    file.write_bytes(template(kind))
    click.echo(f"已写出{'组织' if kind == 'orgs' else '人员'}导入模板 {file}")


@main.command()
@click.argument("case_id", type=int)
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def archive(case_id: int, out: Path) -> None:
    """Write a case's archive (材料归档) to OUT: contents, history and every document, as one PDF."""
    from api.archive import build_archive

    services = bootstrap()
    try:
        out.write_bytes(build_archive(services, case_id, SYSTEM))
    except EngineError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"archive of case {case_id} written to {out}")


@main.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(file: Path) -> None:
    """Write a consistent backup of the database to FILE (the service may keep running)."""
    from api.backup import backup

    settings = Settings()
    try:
        backup(settings.database_url, file)
    except (RuntimeError, ValueError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"backup written to {file} ({file.stat().st_size} bytes)")


@main.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
def restore_command(file: Path, yes: bool) -> None:
    """Replace the database with the backup in FILE; stop the servers and workers first."""
    from api.backup import restore

    settings = Settings()
    if not yes:
        click.confirm(f"replace the database {settings.database_url} with {file}?", abort=True)
    try:
        restore(settings.database_url, file)
    except (RuntimeError, ValueError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"database restored from {file}; run `memberflow verify-audit` to check it")
