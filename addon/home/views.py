"""The add-on's front door: home page, language choice, health check."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, jsonify, redirect, render_template, request, session
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from addon.extensions import db
from addon.i18n import language_of
from addon.vendors import available_platforms

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    return render_template("home/index.html", platforms=available_platforms())


@bp.get("/legal/privacy")
def privacy():
    return render_template("home/privacy.html")


@bp.get("/legal/terms")
def terms():
    return render_template("home/terms.html")


@bp.post("/language")
def choose_language():
    language = language_of(request.form.get("language"))
    if language is None:
        abort(400)
    session["language"] = language
    return redirect(_same_site_path(request.form.get("next")))


@bp.get("/healthz")
def health():
    """For load balancers and `make run`: the app answers and its database does too."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


def _same_site_path(target: str | None) -> str:
    """Only ever redirect within the add-on, whatever a form was sent with."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target
