"""Visitors meet styled, translated error pages with a way back; machines get plain answers."""

import logging

import pytest
from flask import abort
from werkzeug.exceptions import MethodNotAllowed, NotFound, TooManyRequests

HEADINGS = {
    400: ("We could not understand that request", "Nous n’avons pas pu comprendre cette demande"),
    403: ("You cannot open this page", "Vous ne pouvez pas ouvrir cette page"),
    404: ("We could not find that page", "Nous n’avons pas trouvé cette page"),
    405: ("That action is not available here", "Cette action n’est pas possible ici"),
    429: ("Too many requests", "Trop de demandes"),
    500: ("Something went wrong on our side", "Un problème est survenu de notre côté"),
}
HOME_LINK = {"en": "Go to the home page", "fr": "Aller à l’accueil"}


@pytest.fixture
def erring_app(make_app):
    """A fresh add-on with test-only routes that fail as asked (the product has no such hooks)."""
    app = make_app()
    app.config["PROPAGATE_EXCEPTIONS"] = False  # behave as in production: no traceback escapes

    @app.get("/test-only/abort/<int:code>")
    def abort_with(code):
        if code == 429:
            raise TooManyRequests(retry_after=30)
        abort(code)

    @app.get("/test-only/crash")
    def crash():
        raise RuntimeError("secret-internal-detail")

    return app


@pytest.mark.parametrize("code", sorted(HEADINGS))
@pytest.mark.parametrize("language", ["en", "fr"])
def test_each_error_has_a_styled_translated_page(erring_app, code, language):
    path = "/test-only/crash" if code == 500 else f"/test-only/abort/{code}"
    response = erring_app.test_client().get(path, headers={"Accept-Language": language})
    assert response.status_code == code
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    heading = HEADINGS[code][language == "fr"]
    assert f'<h1 id="error-heading">{heading}</h1>' in page
    assert f'<html lang="{language}"' in page
    assert 'href="/static/remit.css"' in page
    assert f'href="/">{HOME_LINK[language]}</a>' in page
    assert "Werkzeug" not in page and "Traceback" not in page


def test_the_500_page_shows_no_exception_text_and_logs_it(erring_app, caplog):
    with caplog.at_level(logging.ERROR):
        response = erring_app.test_client().get("/test-only/crash",
                                                headers={"X-Request-Id": "req-4711"})
    assert response.status_code == 500
    assert "secret-internal-detail" not in response.get_data(as_text=True)
    assert "RuntimeError" not in response.get_data(as_text=True)
    logged = [r for r in caplog.records if r.name == "addon.errors"]
    assert logged and "req-4711" in logged[0].getMessage()
    assert "secret-internal-detail" in str(logged[0].exc_info[1])


def test_429_keeps_retry_after(erring_app):
    response = erring_app.test_client().get("/test-only/abort/429")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "30"


def test_unknown_url_is_404_in_french(client):
    response = client.get("/no/such/page", headers={"Accept-Language": "fr-CA"})
    assert response.status_code == 404
    assert "Nous n’avons pas trouvé cette page" in response.get_data(as_text=True)


def test_405_keeps_its_allow_header(client):
    response = client.post("/legal/terms")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert "That action is not available here" in response.get_data(as_text=True)


def test_go_back_only_for_a_same_origin_referrer(client):
    same = client.get("/nowhere", headers={"Referer": "http://localhost/legal/terms"})
    assert 'href="http://localhost/legal/terms">Go back</a>' in same.get_data(as_text=True)
    other = client.get("/nowhere", headers={"Referer": "https://evil.example/x"})
    assert "evil.example" not in other.get_data(as_text=True)
    assert "Go back" not in other.get_data(as_text=True)


def test_webhooks_keep_their_plain_answers(client):
    unknown = client.post("/webhooks/no-such-gateway", data=b"{}")
    assert unknown.status_code == 404
    assert unknown.get_data() == NotFound().get_response().get_data()
    wrong_method = client.get("/webhooks/stripe")
    assert wrong_method.status_code == 405
    assert wrong_method.get_data() == MethodNotAllowed().get_response().get_data()
    assert "POST" in wrong_method.headers["Allow"]
