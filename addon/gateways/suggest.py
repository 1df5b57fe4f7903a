"""What a set-up form can fill in by itself, where there is only one sensible answer, and which
currencies it shows first. Nothing here is saved: the user sees the suggestion and presses Save.

- a currency's receivable account, when the ledger has exactly one in that currency;
- its deposit account, when the clearing account Remit creates ("Stripe Clearing EUR") exists,
  or when one account only can take deposits in it (a bank account only where no clearing
  account can be made: Xero's foreign currencies);
- for a gateway not set up yet, the currencies worth collecting: the home currency, and those
  with a receivable and a deposit account, that no other active gateway already collects;
- first in the list, the currencies that matter; the others fold behind "More currencies".
"""

from __future__ import annotations

from addon.gateways.mapping import GatewaySetup, RoleChoices
from addon.gateways.new_accounts import account_name
from addon.models import Company, Gateway


def fill_accounts(setup: GatewaySetup, gateway: Gateway, options: dict[str, RoleChoices],
                  codes: list[str]) -> None:
    """Choose, for each currency of `codes` left blank, its one sensible account per role."""
    for code in codes:
        option = options.get(code)
        if option is None:
            continue
        if not setup.receivable.get(code) and len(option.receivable) == 1:
            setup.receivable[code] = option.receivable[0].id
        if not setup.deposit.get(code):
            setup.deposit[code] = _deposit(gateway, option, code)


def _deposit(gateway: Gateway, option: RoleChoices, code: str) -> str:
    """The clearing account Remit created for `code`, else the only account that can take
    deposits in it, unless that is a bank account where a clearing account could be made."""
    clearing = account_name(gateway, "deposit", code).casefold()
    created = [a for a in option.deposit if a.name.casefold() == clearing]
    if len(created) == 1:
        return created[0].id
    ledger = gateway.company.ledger
    clearing_possible = (not ledger.clearing_in_home_currency_only
                         or code == gateway.company.home_currency)
    if len(option.deposit) == 1 and (option.deposit[0].account_type
                                     not in ledger.clearing_advised_for
                                     or not clearing_possible):
        return option.deposit[0].id
    return ""


def collectable(option: RoleChoices) -> bool:
    """Payments in this currency could be saved today: it has both required accounts."""
    return bool(option.receivable) and bool(option.deposit)


def fill_currencies(setup: GatewaySetup, company: Company, options: dict[str, RoleChoices],
                    taken: set[str]) -> None:
    """A new gateway's currencies: the home currency and every collectable one, except those
    another active gateway of the company collects (`taken`): two gateways for one currency
    is a deliberate choice, never a default."""
    setup.currencies = [code for code in ordered(company, options)
                        if code not in taken
                        and (code == company.home_currency or collectable(options[code]))]


def ordered(company: Company, codes) -> list[str]:
    """The home currency first, then alphabetical."""
    return sorted(codes, key=lambda code: (code != company.home_currency, code))


def split_currencies(setup: GatewaySetup, company: Company,
                     options: dict[str, RoleChoices]) -> tuple[list[str], list[str]]:
    """(shown, behind "More currencies"): shown are the home currency, the chosen ones and
    those the ledger has an account to deposit into; the rest both sides support, but the
    ledger has no account ready for them."""
    shown = [code for code in ordered(company, options)
             if code == company.home_currency or code in setup.currencies
             or options[code].deposit]
    return shown, [code for code in ordered(company, options) if code not in shown]
