"""Steps that leave Remit, run in a window of their own (a framed Remit opens them so): the
step ends on a page that hands the landing page back to the frame; otherwise nothing changes.
Remit may be framed by the origins REMIT_FRAME_ANCESTORS names."""

from __future__ import annotations

from urllib.parse import urlsplit

import requests
from sqlalchemy import select

from addon.extensions import db
from addon.models import Gateway
from tests.app.oauth_flow import connect
from tests.browserless import press


def finish(client, start: str, button: str):
    """Open `start` (Remit's first step), press `button` on the vendor's page: Remit's answer
    to the vendor's redirect back."""
    first = client.get(start)
    assert first.status_code == 302, first.get_data(as_text=True)
    answer = press(requests.Session(), first.headers["Location"], button)
    back = urlsplit(answer.headers["Location"])
    return client.get(f"{back.path}?{back.query}")


def test_a_sign_in_in_its_own_window_hands_the_landing_page_back(client):
    answer = finish(client, "/connect/quickbooks?window=popup", "Approve")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert 'data-finished-outside="/settings/gateways"' in page
    assert "Done: you can close this window" in page
    assert client.get("/settings/gateways").status_code == 200  # signed in, in both windows


def test_a_sign_in_in_the_same_window_just_lands(client):
    answer = finish(client, "/connect/quickbooks", "Approve")
    assert answer.status_code == 302 and answer.headers["Location"] == "/settings/gateways"


def test_connect_to_stripe_in_its_own_window_hands_back_the_set_up_form(client):
    connect(client, "quickbooks")
    answer = finish(client, "/settings/gateways/connect/stripe?landing=login&window=popup",
                    "Connect my Stripe account")
    gateway = db.session.scalar(select(Gateway))
    assert f'data-finished-outside="/settings/gateways/{gateway.id}"' in answer.get_data(
        as_text=True)
    later = finish(client, "/connect/quickbooks", "Approve")  # a later step, same window
    assert later.status_code == 302


def test_leaving_links_reach_the_top_window_without_javascript(client):
    home = client.get("/").get_data(as_text=True)
    assert 'href="/connect/quickbooks" target="_top" data-leaves-remit' in home


def test_frame_ancestors_are_the_configured_origins(make_app):
    framed = make_app(FRAME_ANCESTORS="https://app.example https://books.example")
    policy = framed.test_client().get("/").headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://app.example https://books.example" in policy


def test_a_step_loaded_inside_a_frame_offers_to_open_outside_it(client):
    """A marketplace's launch link (or a page without JavaScript) loads Connect in the frame,
    where the vendor's page would be refused: a button to open it outside instead."""
    framed = client.get("/launch/quickbooks", headers={"Sec-Fetch-Dest": "iframe"},
                        follow_redirects=True)
    page = framed.get_data(as_text=True)
    assert framed.status_code == 200 and "opens in a window of its own" in page
    assert 'href="/connect/quickbooks" target="_top" data-leaves-remit' in page
    connect(client, "quickbooks")
    stripe = client.get("/settings/gateways/connect/stripe?landing=register",
                        headers={"Sec-Fetch-Dest": "iframe"}).get_data(as_text=True)
    assert 'href="/settings/gateways/connect/stripe?landing=register" target="_top"' in stripe
