from addon.extensions import db
from addon.models import Platform, User
from tests.conftest import real_mode


def test_home_page_in_english_with_the_sandbox_banner(client):
    page = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Stripe payments, recorded in your books" in html
    assert "Sandbox mode." in html


def test_home_page_in_french_from_the_browser_language(client):
    html = client.get("/", headers={"Accept-Language": "fr-CA,fr;q=0.9"}).get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert "Les paiements Stripe, enregistrés dans vos livres" in html
    assert "Mode bac à sable." in html
    assert "Stripe payments, recorded in your books" not in html


def test_the_platform_locale_wins_over_the_browser(client, app):
    user = User(platform=Platform.QUICKBOOKS, subject="sub-1", locale="fr-FR")
    db.session.add(user)
    db.session.commit()
    with client.session_transaction() as session:
        session["user_id"] = user.id
    html = client.get("/", headers={"Accept-Language": "en-US"}).get_data(as_text=True)
    assert '<html lang="fr">' in html


def test_choosing_a_language_sticks_and_stays_on_site(client):
    answer = client.post("/language", data={"language": "fr", "next": "https://evil.example/"})
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/"
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert client.post("/language", data={"language": "xx"}).status_code == 400


def test_language_form_needs_a_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    answer = app.test_client().post("/language", data={"language": "fr"})
    assert answer.status_code == 400


def test_no_banner_once_vendor_credentials_are_configured(make_app):
    app = make_app(**real_mode())
    html = app.test_client().get("/").get_data(as_text=True)
    assert "Sandbox mode." not in html


