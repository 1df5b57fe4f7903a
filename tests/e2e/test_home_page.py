def test_home_page_renders_in_english_and_french(chromium, live_server, screenshots):
    english = chromium.new_context(locale="en-US")
    page = english.new_page()
    page.goto(live_server + "/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Stripe payments, recorded in your books"
    )
    assert page.get_by_role("status").inner_text().startswith("Sandbox mode.")
    page.screenshot(path=screenshots / "home-en.png", full_page=True)

    page.keyboard.press("Tab")  # the first stop is the skip link, for keyboard users
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"

    page.get_by_role("button", name="Français").click()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Les paiements Stripe, enregistrés dans vos livres"
    )
    english.close()

    french = chromium.new_context(locale="fr-CA")
    page = french.new_page()
    page.goto(live_server + "/")
    assert page.get_by_role("heading", level=2).inner_text() == "Comment ça marche"
    page.screenshot(path=screenshots / "home-fr.png", full_page=True)
    french.close()


def test_sandbox_is_served_beside_the_add_on(chromium, live_server):
    context = chromium.new_context()
    page = context.new_page()
    page.goto(live_server + "/sandbox/")
    assert page.get_by_role("heading", level=1).inner_text() == "Remit sandbox"
    context.close()
