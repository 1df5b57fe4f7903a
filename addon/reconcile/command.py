"""`flask remit reconcile`: the Reconciliation page's table in a terminal, for one company's
gateways and currencies, with a progress bar over the payouts it reads."""

from __future__ import annotations

import sys

import click
from flask_babel import force_locale
from sqlalchemy import select

from addon.extensions import db
from addon.gateways.registry import exponent
from addon.i18n import LANGUAGES
from addon.models import Company, Gateway
from addon.money import format_amount
from addon.reconcile import data
from addon.reconcile.export import headers, table


@click.command("reconcile")
@click.option("--company", "company_id", type=int, required=True, help="Company id.")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), required=True,
              help="Payouts arriving on or after this date (YYYY-MM-DD).")
@click.option("--gateway", "gateway_id", type=int, help="Only this gateway (id).")
@click.option("--currency", help="Only this currency (ISO code).")
@click.option("--balances/--no-balances", default=True, show_default=True,
              help="Also ask the ledger and the gateway for the clearing balances.")
@click.option("--language", type=click.Choice(LANGUAGES), default=LANGUAGES[0],
              show_default=True, help="Language of the headers and statuses.")
def reconcile(company_id: int, since, gateway_id: int | None, currency: str | None,
              balances: bool, language: str) -> None:
    """Each payout with its gross, fees, refunds, disputes, net, ledger transaction and
    status (balanced, waiting, off by X), per gateway and currency."""
    with force_locale(language):  # no request here to choose one
        _reconcile(company_id, since, gateway_id, currency, balances)


def _reconcile(company_id: int, since, gateway_id: int | None, currency: str | None,
               balances: bool) -> None:
    company = db.session.get(Company, company_id)
    if company is None:
        raise click.UsageError(f"No company {company_id}.")
    wanted = _sections(company, gateway_id, currency.upper() if currency else None)
    if not wanted:
        raise click.UsageError("No gateway and currency match these options.")
    payouts = {(g.id, code): data.payouts(g, code) for g, code in wanted}
    total = sum(len(found) for found in payouts.values())
    computed = {}
    with click.progressbar(length=total + len(wanted), label="Reading payouts",
                           file=sys.stderr) as bar:
        for gateway, code in wanted:
            found = payouts[(gateway.id, code)]
            computed[(gateway.id, code)] = data.rows(gateway, code, since.date(), found)
            bar.update(len(found) + 1)
    for gateway, code in wanted:
        click.echo("")
        click.echo(f"{gateway.description or data.gateway_name(gateway)} ({gateway.account_id}) · "
                   f"{code}")
        if balances:
            click.echo(_balance_line(company, gateway, code))
        rows = computed[(gateway.id, code)]
        if rows:
            click.echo(_aligned([headers(), *table(rows, data.gateway_name(gateway))]))
        else:
            click.echo(f"No payout since {since.date().isoformat()}.")


def _sections(company: Company, gateway_id: int | None,
              currency: str | None) -> list[tuple[Gateway, str]]:
    query = select(Gateway).where(Gateway.company_id == company.id).order_by(Gateway.id)
    if gateway_id is not None:
        query = query.where(Gateway.id == gateway_id)
    return [(gateway, code) for gateway in db.session.scalars(query)
            for code in data.currencies(gateway) if currency in (None, code)]


def _balance_line(company: Company, gateway: Gateway, currency: str) -> str:
    found = data.balances(company, gateway, currency)
    places = exponent(gateway.kind, currency)

    def written(amount) -> str:
        return "could not be read" if amount is None else \
            f"{format_amount(amount, currency, 'en', places)} {currency}"

    comparison = found.comparison
    difference = "unknown" if comparison.difference is None else written(comparison.difference)
    return (f"Clearing account in {company.ledger.display_name}: {written(comparison.ledger)}"
            f" · {data.gateway_name(gateway)} pending + available: {written(comparison.gateway)}"
            f" · difference: {difference}")


def _aligned(lines: list[list[str]]) -> str:
    """Columns padded to their widest cell; the last (details) left free."""
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]) - 1)]
    return "\n".join("  ".join([*(cell.ljust(w) for cell, w in zip(line, widths, strict=False)),
                                line[-1]]).rstrip() for line in lines)
