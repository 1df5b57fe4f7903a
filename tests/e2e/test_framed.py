"""Remit inside another site's frame, as QuickBooks and Xero show it, in Chromium.

A page on another local origin (a second loopback port, allowed by REMIT_FRAME_ANCESTORS) frames
Remit. Connect to QuickBooks and Connect to Stripe open in a window of their own (the stand-ins'
consent pages refuse framing, as the vendors' do), the consent completes there, that window
hands the landing page back to the frame and closes, and the frame shows the result; the top
page never moves. A page on an origin not allowed is refused the frame by the browser."""

from __future__ import annotations

import contextlib
import re
import socket
import threading

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Response

from addon.devserver import combined_app
from tests.conftest import SANDBOX_APPS


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serving(wsgi_app, port: int):
    server = make_server("127.0.0.1", port, wsgi_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        thread.join()


def host_page(remit_url: str):
    """Another site's page holding Remit in a frame, as QuickBooks' and Xero's do."""
    html = ("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Ledger app</title>"
            "</head><body><h1>Ledger app</h1>"
            f"<iframe id='remit' title='Remit' src='{remit_url}/' width='1000' height='900'>"
            "</iframe></body></html>")
    return lambda environ, start_response: Response(html, mimetype="text/html")(
        environ, start_response)


@pytest.fixture
def framed(app, make_app):
    """Remit served for this test, framable by one loopback origin: (host page, Remit) URLs,
    plus a host page on an origin Remit does not allow."""
    remit_port, host_port, stranger_port = free_port(), free_port(), free_port()
    remit_url = f"http://127.0.0.1:{remit_port}"
    host_url = f"http://127.0.0.1:{host_port}"
    remit = make_app(BASE_URL=remit_url, FRAME_ANCESTORS=host_url)
    for stand_ins in SANDBOX_APPS:  # Stripe's events go to this Remit
        stand_ins.config["REMIT_ADDON_URL"] = remit_url
    with (serving(combined_app(remit, addon_url=remit_url), remit_port),
          serving(host_page(remit_url), host_port),
          serving(host_page(remit_url), stranger_port) as stranger_url):
        yield host_url, remit_url, stranger_url


def wait_for_frame(page, url_pattern: str):
    for _ in range(100):
        for candidate in page.frames[1:]:
            if re.search(url_pattern, candidate.url):
                return candidate
        page.wait_for_timeout(100)
    raise AssertionError(f"no frame at {url_pattern}: {[f.url for f in page.frames]}")


def test_framed_remit_connects_outside_the_frame(chromium, framed, screenshots):
    host_url, remit_url, _ = framed
    page = chromium.new_context(locale="en-US").new_page()
    page.goto(host_url + "/")
    remit = page.frame_locator("#remit")
    remit.get_by_role("link", name="Connect to QuickBooks").wait_for()
    page.screenshot(path=screenshots / "1-framed-home.png", full_page=True)

    with page.expect_popup() as opened:
        remit.get_by_role("link", name="Connect to QuickBooks").click()
    consent = opened.value
    consent.get_by_role("button", name="Approve").click()
    consent.wait_for_event("close")  # it handed /settings/gateways back to the frame
    remit.get_by_role("button", name="Disconnect from QuickBooks").wait_for()

    remit.get_by_role("link", name="Add new gateway").click()
    with page.expect_popup() as opened:
        remit.get_by_role("dialog").get_by_role("button", name="Connect to Stripe").click()
    stripe = opened.value
    stripe.get_by_role("button", name="Connect my Stripe account").click()
    stripe.wait_for_event("close")

    frame = wait_for_frame(page, r"/settings/gateways/\d+$")
    assert frame.url.startswith(remit_url)
    frame.get_by_role("heading", level=1).wait_for()
    assert "Remit Sandbox Shop" in frame.content()  # the connected Stripe account
    assert page.url == host_url + "/"  # the ledger app around Remit never moved
    page.screenshot(path=screenshots / "2-framed-gateway-set-up.png", full_page=True)


def test_a_site_not_allowed_cannot_frame_remit(chromium, framed):
    _, _, stranger_url = framed
    page = chromium.new_context(locale="en-US").new_page()
    refusals = []
    page.on("console", lambda message: refusals.append(message.text))
    page.goto(stranger_url + "/")
    page.wait_for_timeout(500)
    remit = page.frame_locator("#remit")
    assert remit.get_by_role("link", name="Connect to QuickBooks").count() == 0
    assert any("frame-ancestors" in text for text in refusals), refusals


def test_trying_again_in_the_own_window_still_hands_back_to_the_frame(chromium, framed):
    host_url, _, _ = framed
    page = chromium.new_context(locale="fr-CA").new_page()
    page.goto(host_url + "/")
    remit = page.frame_locator("#remit")
    with page.expect_popup() as opened:
        remit.get_by_role("link", name="Se connecter à QuickBooks").click()
    consent = opened.value
    consent.get_by_role("button", name="Deny").click()
    consent.get_by_role("link", name="Réessayer").click()  # in the same window
    consent.get_by_role("button", name="Approve").click()
    consent.wait_for_event("close")
    remit.get_by_role("button", name="Déconnecter Remit de QuickBooks").wait_for()
    assert page.url == host_url + "/"
