"""`flask remit …` commands: run the dev stack, run a worker, rotate encryption keys."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from addon.crypto import EncryptedText, rotate
from addon.extensions import db
from addon.settings import VENDOR_CREDENTIALS

remit_cli = AppGroup("remit", help="Remit operations.")


@remit_cli.command("reencrypt")
def reencrypt() -> None:
    """Re-encrypt every stored secret under the newest key in REMIT_ENCRYPTION_KEYS."""
    rotated = 0
    for table, column in encrypted_columns():
        raw = sa.table(table.name, sa.column("id"), sa.column(column.name, sa.Text))
        rows = db.session.execute(
            sa.select(raw.c.id, raw.c[column.name]).where(raw.c[column.name].is_not(None))
        ).all()
        for row_id, ciphertext in rows:
            db.session.execute(
                sa.update(raw).where(raw.c.id == row_id).values({column.name: rotate(ciphertext)})
            )
            rotated += 1
    db.session.commit()
    click.echo(f"Re-encrypted {rotated} stored secret(s) under the newest key.")


def encrypted_columns() -> list[tuple[sa.Table, sa.Column]]:
    return [
        (table, column)
        for table in db.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, EncryptedText)
    ]


@remit_cli.command("worker")
@click.option("--workers", default=2, show_default=True, help="Worker threads.")
def worker(workers: int) -> None:
    """Run a Huey consumer: it executes queued tasks and the periodic sweep."""
    from addon import jobs  # noqa: F401  (registers the tasks)
    from addon.queue import consumer_options, huey, run_tasks_in

    run_tasks_in(current_app._get_current_object())
    huey.create_consumer(**consumer_options(workers)).run()


@remit_cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.option("--upgrade", is_flag=True,
              help="Apply the database migrations first, in this process (what `make run` "
                   "does: one app start instead of two).")
def serve(host: str, port: int, upgrade: bool) -> None:
    """Development server: the add-on, with the vendor sandbox under /sandbox in sandbox mode."""
    from werkzeug.serving import run_simple

    from addon.devserver import combined_app

    app = current_app._get_current_object()
    if upgrade:
        from flask_migrate import upgrade as apply_migrations

        apply_migrations()
    click.echo(f"Remit is running: open http://{host}:{port}/")
    if app.config["SANDBOX_MODE"]:
        click.echo(f"Sandbox mode: vendor stand-ins answer at http://{host}:{port}/sandbox/")
    elif not any(app.config.get(name) for name in VENDOR_CREDENTIALS):
        click.echo("No vendor credentials: for sandbox mode run "
                   "`flask --app addon.devserver remit serve` (what `make run` does).")
    run_simple(host, port, combined_app(app), threaded=True, use_reloader=False)


@remit_cli.command("manifest")
@click.argument("platform")
@click.option("--base-url", required=True, help="Public https URL of this Remit deployment.")
def manifest(platform: str, base_url: str) -> None:
    """Print what to type into a platform's developer portal for this deployment."""
    import yaml

    from addon.manifests import ManifestError, render

    try:
        filled = render(platform, base_url)
    except ManifestError as wrong:
        raise click.UsageError(str(wrong)) from None
    click.echo(yaml.safe_dump(filled, sort_keys=False, allow_unicode=True), nl=False)


def _register_reconcile() -> None:
    from addon.reconcile.command import reconcile

    remit_cli.add_command(reconcile)


_register_reconcile()
