"""The money after the payment, in Xero: fees and dispute steps (record_journal), payouts
(record_payout), refunds (record_refund) and a clearing account's balance (account_balance).
A mixin of XeroConnector (its session, client, tenant and base currency), kept apart so
connector.py stays about payments.

Xero's idioms (reference §2.7): a movement that touches exactly one BANK account is a bank
transaction on it (Xero reconciles only those against the bank feed; a manual journal on a
bank account never matches a statement line); any other is a POSTED manual journal, which Xero
keeps in the base currency. Bank transactions need a contact: the payment processor's name,
which Xero matches to a contact or creates (COUNTERPARTY). A bank transaction's lines may be
negative (a refund or a dispute inside a payout) as long as its total is positive, which a
payout's is (PayoutPosting checks it).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from connectors.base import (
    JournalLine,
    JournalPosting,
    LedgerWrite,
    PayoutPosting,
    RefundPosting,
    Rejected,
)
from connectors.xero import transformers
from connectors.xero.client import (
    NewBankTransaction,
    NewCreditNote,
    NewJournal,
    NewLine,
    NewPayment,
    NewTransfer,
)

COUNTERPARTY = "Stripe"  # the contact of payout and fee bank transactions
CREDIT_NOTE_KEY_SUFFIX, REFUND_PAYMENT_KEY_SUFFIX = "-cn", "-pay"
CENT = Decimal("0.01")


class XeroPostings:
    """record_journal, record_payout, record_refund and account_balance for XeroConnector."""

    tenant_id: str
    _session: Any
    _xero: Any
    _base: Any  # XeroConnector's: the organisation's base currency

    def record_journal(self, posting: JournalPosting) -> LedgerWrite:
        """One read (GET /Accounts: every line's account, its type and currency; plus the
        Organisation when the base currency was not given), then one write under the
        posting's key: a SPEND (the bank line is a credit) or RECEIVE (a debit) bank
        transaction when exactly one line is on a BANK account, the other lines as its line
        items in the posting's currency; otherwise a POSTED manual journal, in the base
        currency (foreign amounts converted at `exchange_rate`, rounded so the lines still
        balance), narrated with the memo.

        Given `bank_account_ids`, no read: the add-on's cached chart says which lines are on
        BANK accounts (and that their currency is the posting's). That cache is trusted because
        the set-up form validated the roles' accounts against it, and the payments' accounts
        are re-validated live by the runner; a stale one makes Xero refuse the write (a bank
        transaction on a non-BANK account, in another currency, or with a line on a BANK
        account), a Rejected like any other."""
        if posting.bank_account_ids is not None:
            banks = [line for line in posting.lines
                     if line.account_id in posting.bank_account_ids]
            if len(banks) == 1:
                return self._bank_journal(posting, banks[0], posting.currency)
            return self._manual_journal(posting)
        chart = {account.id: account for account in self._chart()}
        missing = [line.account_id for line in posting.lines if line.account_id not in chart]
        if missing:
            raise Rejected(f"Xero has no account {missing[0]}.",
                           "An account of this journal no longer exists in Xero.")
        banks = [line for line in posting.lines if chart[line.account_id].account_type == "BANK"]
        if len(banks) == 1:
            return self._bank_journal(posting, banks[0], chart[banks[0].account_id].currency)
        return self._manual_journal(posting)

    def _manual_journal(self, posting: JournalPosting) -> LedgerWrite:
        lines = _in_base(posting, self._base())
        journal = NewJournal(narration=posting.memo or posting.reference,
                             posted_on=posting.posted_on, lines=lines)
        created = self._session.run(lambda token: self._xero.create_manual_journal(
            token, self.tenant_id, journal, posting.idempotency_key))
        return LedgerWrite("ManualJournal", (str(created.manual_journal_id),))

    def _bank_journal(self, posting: JournalPosting, bank: JournalLine,
                      bank_currency: str) -> LedgerWrite:
        if bank_currency != posting.currency:
            raise Rejected(f"A {posting.currency} movement cannot be booked on a "
                           f"{bank_currency} bank account in Xero.",
                           f"The bank account is in {bank_currency}, the movement in "
                           f"{posting.currency}.")
        kind, sign = ("SPEND", 1) if bank.amount < 0 else ("RECEIVE", -1)
        lines = tuple(NewLine(line.account_id, sign * line.amount, line.description)
                      for line in posting.lines if line is not bank)
        transaction = NewBankTransaction(
            kind=kind, bank_account_id=bank.account_id, contact_name=COUNTERPARTY,
            on=posting.posted_on, reference=posting.reference, currency=posting.currency,
            lines=lines, currency_rate=transformers.currency_rate(posting.exchange_rate))
        return self._bank_transaction(transaction, posting.idempotency_key)

    def record_payout(self, posting: PayoutPosting) -> LedgerWrite:
        """One read (GET /Accounts/{clearing}: is it a BANK account?), then one write under
        the posting's key. A RECEIVE bank transaction on the settlement bank with one line per
        item coded to the clearing account (signed amounts, total = the payout), dated the
        arrival date, the payout id as Reference; reversed: a SPEND on the bank with one line
        to clearing. When the clearing account is itself a BANK account, Xero takes no line
        coded to a bank account: a BankTransfer clearing -> bank (bank -> clearing reversed),
        which lists no items (its Reference is the payout id).

        Given `bank_account_ids`, no read: the clearing account is a bank account when it is
        in it (trusted as record_journal says; a stale answer is refused by Xero)."""
        if posting.bank_account_ids is not None:
            clearing_is_bank = posting.clearing_account_id in posting.bank_account_ids
        else:
            clearing = self._session.run(lambda token: self._xero.account(
                token, self.tenant_id, posting.clearing_account_id))
            clearing_is_bank = transformers.own_currency(clearing) is not None
        if clearing_is_bank:
            return self._transfer(posting)
        rate = transformers.currency_rate(posting.exchange_rate)
        if posting.reverse:
            kind, lines = "SPEND", (NewLine(posting.clearing_account_id, posting.amount,
                                            f"Payout {posting.reference} returned"),)
        else:
            kind, lines = "RECEIVE", tuple(
                NewLine(posting.clearing_account_id, item.amount, item.description)
                for item in posting.items)
        transaction = NewBankTransaction(
            kind=kind, bank_account_id=posting.bank_account_id, contact_name=COUNTERPARTY,
            on=posting.arrival_date, reference=posting.reference, currency=posting.currency,
            lines=lines, currency_rate=rate)
        return self._bank_transaction(transaction, posting.idempotency_key)

    def _transfer(self, posting: PayoutPosting) -> LedgerWrite:
        ends = (posting.clearing_account_id, posting.bank_account_id)
        source, target = reversed(ends) if posting.reverse else ends
        transfer = NewTransfer(source, target, posting.amount, posting.arrival_date,
                               posting.reference)
        created = self._session.run(lambda token: self._xero.create_bank_transfer(
            token, self.tenant_id, transfer, posting.idempotency_key))
        return LedgerWrite("BankTransfer", (str(created.bank_transfer_id),))

    def _bank_transaction(self, transaction: NewBankTransaction, key: str) -> LedgerWrite:
        created = self._session.run(lambda token: self._xero.create_bank_transaction(
            token, self.tenant_id, transaction, key))
        return LedgerWrite("BankTransaction", (str(created.bank_transaction_id),))

    def record_refund(self, posting: RefundPosting) -> LedgerWrite:
        """Two writes, no read: PUT /CreditNotes (an AUTHORISED ACCRECCREDIT for the customer,
        one line on the invoice's account code `income_ref`, in the refund's currency at its
        rate) under key + "-cn", then PUT /Payments paying it out of `from_account_id`
        (ARCREDITPAYMENT) under key + "-pay". A retry after the first write gets the same
        credit note back (its key replays it) and goes on. The ids: credit note, payment."""
        if not posting.income_ref:
            raise Rejected("The refunded invoice's account code is unknown.",
                           "The invoice's first line has no account code to credit.")
        if posting.amount <= 0:
            raise Rejected("A refund moves a positive amount.", f"{posting.amount} refunded.")
        rate = transformers.currency_rate(posting.exchange_rate)
        credit_note = NewCreditNote(
            contact_id=posting.customer_id, on=posting.refunded_on,
            reference=posting.reference, currency=posting.currency, currency_rate=rate,
            lines=(NewLine(None, posting.amount, posting.memo or posting.reference,
                           account_code=posting.income_ref),))
        created = self._session.run(lambda token: self._xero.create_credit_note(
            token, self.tenant_id, credit_note, posting.idempotency_key + CREDIT_NOTE_KEY_SUFFIX))
        credit_note_id = str(created.credit_note_id)
        payment = NewPayment(invoice_id="", credit_note_id=credit_note_id,
                             account_id=posting.from_account_id, amount=posting.amount,
                             paid_on=posting.refunded_on, reference=posting.reference,
                             currency_rate=rate)
        paid = self._session.run(lambda token: self._xero.create_payments(
            token, self.tenant_id, [payment],
            posting.idempotency_key + REFUND_PAYMENT_KEY_SUFFIX))
        return LedgerWrite("CreditNote", (credit_note_id,
                                          *transformers.ledger_write(paid).object_ids))

    def account_balance(self, account_id: str) -> Decimal:
        """One read, GET /Reports/TrialBalance (today): the account's YTD debit less its YTD
        credit, in the base currency as Xero's trial balance is (so a foreign BANK account's
        balance comes converted), 0.00 when the report has no row for it (no movement)."""
        report = self._session.run(lambda token: self._xero.trial_balance(
            token, self.tenant_id))
        return transformers.trial_balance_of(report, account_id)

    def _chart(self):
        base = self._base()
        models = self._session.run(lambda token: self._xero.accounts(token, self.tenant_id))
        return [transformers.ledger_account(model, base) for model in models]


def _in_base(posting: JournalPosting, base: str) -> tuple[NewLine, ...]:
    """The lines in the base currency: converted at `exchange_rate` to the cent, the rounding
    put on the largest line so debits still equal credits."""
    if posting.currency == base:
        return tuple(NewLine(line.account_id, line.amount, line.description)
                     for line in posting.lines)
    if posting.exchange_rate is None or posting.exchange_rate <= 0:
        raise Rejected(f"A {posting.currency} journal needs its rate to {base}.",
                       f"Xero keeps manual journals in {base}: the rate is missing.")
    amounts = [(line.amount * posting.exchange_rate).quantize(CENT, ROUND_HALF_UP)
               for line in posting.lines]
    largest = max(range(len(amounts)), key=lambda index: abs(amounts[index]))
    amounts[largest] -= sum(amounts)
    return tuple(NewLine(line.account_id, amount,
                         f"{line.description} ({line.amount} {posting.currency})")
                 for line, amount in zip(posting.lines, amounts, strict=True))
