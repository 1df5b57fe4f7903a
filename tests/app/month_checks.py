"""What must hold after the simulated month (tests/app/month.py), computed from the stand-ins'
own state (the Stripe stand-in's balance transactions and payouts, the ledger stand-in's
transactions and balances) and the month's own record of what customers paid, never from
Remit's code or tables.

- the clearing account follows Stripe: its balance moved by exactly Stripe's pending +
  available balance in the settlement currency, every day, and is back to its opening once
  everything is paid out;
- each payout nets to zero in clearing: each entry it contains moved clearing by its net, and
  the payout's own transaction took out its amount, one line per entry;
- each invoice's balance is its total less what the month paid on it, to the minor unit;
- every ledger transaction Remit wrote derives from one Stripe object (a payment's charge, a
  fee, a refund, a dispute step, a payout) with the same amount, and each Stripe object that
  moves money has its ledger transaction once: nothing missing, nothing posted twice.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal

from sandbox import stripe_balance
from tests.app.month import Month
from tests.app.month_books import LedgerTxn


def _major(minor: int, currency: str) -> Decimal:
    from gateways.stripe.currencies import exponent

    return Decimal(minor).scaleb(-exponent(currency.upper()))


def stripe_balance_total(month: Month) -> Decimal:
    """Stripe's pending + available for the settlement currency, from its transactions."""
    sums = stripe_balance.balance(month.account_id)
    currency = month.settlement.lower()
    return _major(sums["available"].get(currency, 0) + sums["pending"].get(currency, 0),
                  currency)


def clearing_follows_stripe(month: Month, books) -> tuple[Decimal, Decimal]:
    """(clearing's movement since the set-up, Stripe's balance): equal when all is right."""
    return books.clearing_balance() - books.opening_clearing, stripe_balance_total(month)


def invoice_errors(month: Month, books) -> list[str]:
    wrong = []
    for bill in month.bills.values():
        found = books.invoice_balance(bill.id)
        if found != bill.total - bill.paid:
            wrong.append(f"invoice {bill.id} {bill.currency}: balance {found}, expected "
                         f"{bill.total} - {bill.paid} = {bill.total - bill.paid}")
    return wrong


class Matched:
    """Each Stripe object of the month with the ledger transactions naming it."""

    def __init__(self, month: Month, books) -> None:
        self.month, self.books = month, books
        entries = stripe_balance.transactions(month.account_id)
        self.entries = {entry["id"]: entry for entry in entries}
        self.by_source = {entry["source"]: entry for entry in entries
                          if entry["type"] in ("charge", "refund")}
        self.payouts = {po["id"]: po for po in stripe_balance.payouts()
                        if po["id"] in set(month.payouts)}
        self.charge_of_intent = self._charges()
        self.found: dict[tuple[str, str], list[LedgerTxn]] = defaultdict(list)
        self.strays: list[str] = []
        for txn in books.remit_transactions():
            key = self._stripe_object(txn)
            if key is None:
                self.strays.append(f"{txn.type} {txn.id} names no Stripe object of the month "
                                   f"({sorted(txn.stripe_ids)})")
            else:
                self.found[key].append(txn)

    def _charges(self) -> dict[str, str]:
        from sandbox import stripe_payments

        found = {}
        for payment in self.month.payments:
            intent = stripe_payments.intent(payment.intent_id)
            found[payment.intent_id] = intent["latest_charge"]
        return found

    def _known_ids(self) -> list[str]:
        return [*self.entries, *self.by_source, *self.payouts, *self.charge_of_intent]

    def _named(self, txn: LedgerTxn) -> set[str]:
        """The Stripe ids a transaction names in full, and those its reference fields end
        (a reference cut to the ledger's limit), when only one known id ends so."""
        ids = set(txn.stripe_ids)
        for reference in txn.references:
            ending = {known for known in self._known_ids() if known.endswith(reference)}
            # a PaymentIntent and its Charge share their ending at the stand-in: one payment
            ending = {self.charge_of_intent.get(known, known) for known in ending}
            if len(ending) == 1:
                ids |= ending
        return ids

    def _stripe_object(self, txn: LedgerTxn) -> tuple[str, str] | None:
        """Which Stripe object a ledger transaction records: (kind, id)."""
        ids = self._named(txn)
        payouts = [i for i in ids if i in self.payouts]
        if payouts:
            return ("payout", payouts[0]) if len(payouts) == 1 else None
        refunds = [i for i in ids if i.startswith("re_") and i in self.by_source]
        if refunds:
            return ("refund", refunds[0]) if len(refunds) == 1 else None
        if txn.type in self.books.payment_types:
            charges = {i for i in ids if i.startswith("ch_") and i in self.by_source}
            charges |= {self.charge_of_intent[i] for i in ids if i in self.charge_of_intent}
            return ("payment", charges.pop()) if len(charges) == 1 else None
        steps = [i for i in ids if i in self.entries
                 and self.entries[i]["type"] in ("charge", "adjustment")]
        if len(steps) != 1:
            return None
        return ("fee" if self.entries[steps[0]]["type"] == "charge" else "dispute", steps[0])

    def expected(self) -> list[tuple[str, str]]:
        """Every Stripe object the ledger must record once."""
        wanted = [("payout", po) for po in self.payouts]
        for entry in self.entries.values():
            if entry["type"] == "charge":
                wanted += [("payment", entry["source"]), ("fee", entry["id"])]
            elif entry["type"] == "refund":
                wanted.append(("refund", entry["source"]))
            elif entry["type"] == "adjustment":
                wanted.append(("dispute", entry["id"]))
        return wanted

    def problems(self) -> list[str]:
        found = list(self.strays)
        wanted = self.expected()
        for key in wanted:
            txns = self.found.get(key, [])
            if not txns:
                found.append(f"{key[0]} {key[1]}: no ledger transaction")
            elif len(txns) > self.books.writes_per(key[0], self._invoices(key)):
                found.append(f"{key[0]} {key[1]}: posted {len(txns)} times "
                             f"({[t.type + ' ' + t.id for t in txns]})")
            else:
                found += self._amount_problems(key, txns)
        for key in set(self.found) - set(wanted):
            found.append(f"{key[0]} {key[1]}: recorded but not a Stripe object of the month")
        found += self._payouts_net_to_zero()
        return found

    def _invoices(self, key: tuple[str, str]) -> int:
        if key[0] != "payment":
            return 1
        intent = next(i for i, c in self.charge_of_intent.items() if c == key[1])
        return len(next(p for p in self.month.payments if p.intent_id == intent).parts)

    def entry_of(self, key: tuple[str, str]) -> dict:
        kind, object_id = key
        return self.by_source[object_id] if kind in ("payment", "refund") else \
            self.entries[object_id]

    def clearing_movement(self, entry: dict) -> Decimal:
        """What the ledger moved in clearing for one Stripe entry (its charge and fee, its
        refund or its dispute step)."""
        if entry["type"] == "charge":
            keys = [("payment", entry["source"]), ("fee", entry["id"])]
        elif entry["type"] == "refund":
            keys = [("refund", entry["source"])]
        else:
            keys = [("dispute", entry["id"])]
        return sum((t.clearing for key in keys for t in self.found.get(key, [])), Decimal(0))

    def _amount_problems(self, key: tuple[str, str], txns: list[LedgerTxn]) -> list[str]:
        kind = key[0]
        if kind == "payout":
            payout = self.payouts[key[1]]
            (txn,) = txns
            amount = _major(payout["amount"], payout["currency"])
            wrong = []
            if txn.clearing != -amount:
                wrong.append(f"payout {key[1]}: clearing moved {txn.clearing}, paid out {amount}")
            return wrong
        entry = self.entry_of(key)
        settled = _major(entry["amount"], entry["currency"])
        if kind == "payment":
            booked = sum((t.clearing for t in txns), Decimal(0))
            return [] if booked == settled else [
                f"payment {key[1]}: clearing +{booked}, Stripe settled {settled} "
                f"({entry['amount']} {entry['currency']} at {entry['exchange_rate']}; ledger: "
                f"{[(t.type, str(t.amount), t.currency, str(t.clearing)) for t in txns]})"]
        if kind == "fee":
            fee = _major(entry["fee"], entry["currency"])
            return [] if txns[0].clearing == -fee else [
                f"fee {key[1]}: clearing {txns[0].clearing}, Stripe fee {fee}"]
        net = _major(entry["net"], entry["currency"])
        booked = sum((t.clearing for t in txns), Decimal(0))
        return [] if booked == net else [f"{kind} {key[1]}: clearing {booked}, Stripe net {net}"]

    def _payouts_net_to_zero(self) -> list[str]:
        wrong = []
        for payout_id, payout in self.payouts.items():
            if payout["status"] != "paid":
                continue
            contents = [e for e in stripe_balance.transactions(self.month.account_id,
                                                               payout=payout_id)
                        if e["type"] not in ("payout", "payout_failure", "payout_cancel")]
            moved = sum((self.clearing_movement(e) for e in contents), Decimal(0))
            amount = _major(payout["amount"], payout["currency"])
            if moved != amount:
                wrong.append(f"payout {payout_id}: its entries moved clearing by {moved}, "
                             f"{amount} paid out")
            txns = self.found.get(("payout", payout_id), [])
            nets = Counter(_major(e["net"], e["currency"]) for e in contents)
            if txns and Counter(txns[0].lines) != nets:
                wrong.append(f"payout {payout_id}: lines {sorted(txns[0].lines)}, entries' "
                             f"nets {sorted(nets.elements())}")
        return wrong
