"""Who is signed in and which company they are working on; access is by membership only."""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import abort, g, redirect, session, url_for
from sqlalchemy import select

from addon.extensions import db
from addon.models import Company, Membership

# What a new sign-in keeps from the session before it: the language, the page to go back to
# and the form kept when the last session ended (addon/auth/expiry.py), and whether the
# sign-in runs in a window opened from a framed Remit (addon/auth/outside.py).
CARRIED_OVER = ("language", "after_sign_in", "kept_form", "finish_in_popup")


def sign_in(user_id: int, company_id: int | None = None) -> None:
    carried = {key: session[key] for key in CARRIED_OVER if key in session}
    session.clear()  # a new identity starts a new session (no fixation)
    session["user_id"] = user_id
    session.update(carried)
    if company_id is not None:
        session["company_id"] = company_id


def companies_of_user() -> list[Company]:
    if g.user is None:
        return []
    query = (select(Company).join(Membership).where(Membership.user_id == g.user.id)
             .order_by(Company.name))
    return list(db.session.scalars(query))


def company_for_user(company_id: int) -> Company:
    """The company if the signed-in user is a member of it; 404 otherwise (never 403, so ids
    of other companies cannot be probed)."""
    if g.user is None:
        abort(404)
    membership = db.session.scalar(
        select(Membership).where(Membership.user_id == g.user.id,
                                 Membership.company_id == company_id)
    )
    if membership is None:
        abort(404)
    return membership.company


def current_company() -> Company | None:
    companies = companies_of_user()
    chosen = session.get("company_id")
    for company in companies:
        if company.id == chosen:
            return company
    return companies[0] if companies else None


def login_required(view: Callable) -> Callable:
    @functools.wraps(view)
    def guarded(*args, **kwargs):
        if g.user is None:
            from addon.auth.expiry import expired_response, session_expired

            if session_expired():
                return expired_response()
            return redirect(url_for("home.index"))
        return view(*args, **kwargs)

    return guarded
