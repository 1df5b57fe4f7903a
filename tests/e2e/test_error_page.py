"""A French visitor on an unknown address sees the French 404 page and a way back."""


def test_unknown_url_shows_the_french_404_with_a_way_back(chromium, live_server, screenshots):
    context = chromium.new_context(locale="fr-FR")
    page = context.new_page()
    response = page.goto(live_server + "/cette/page/n-existe/pas")
    assert response.status == 404
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", level=1).inner_text() == "Nous n’avons pas trouvé cette page"
    page.screenshot(path=screenshots / "404-fr.png", full_page=True)

    page.get_by_role("link", name="Aller à l’accueil").click()
    page.wait_for_url(live_server + "/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Les paiements Stripe, enregistrés dans vos livres"
    )
    context.close()
