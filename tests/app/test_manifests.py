"""The manifests say what to type into the developer portals; every URL they give is ours."""

from urllib.parse import urlsplit

import pytest
import yaml
from werkzeug.exceptions import MethodNotAllowed, NotFound

from addon.manifests import ManifestError, available, render, urls

BASE = "https://remit.example.com"


@pytest.mark.parametrize("platform", ["quickbooks", "xero"])
def test_every_url_in_a_manifest_is_served(app, platform):
    manifest = render(platform, BASE)
    ours = [url for url in urls(manifest) if url.startswith(BASE)]
    assert len(ours) >= 4
    adapter = app.url_map.bind("remit.example.com", url_scheme="https")
    for url in ours:
        try:
            adapter.match(urlsplit(url).path, method="GET")
        except (NotFound, MethodNotAllowed):
            pytest.fail(f"{platform} manifest names {url}, which no route serves")


def test_redirect_uris_match_the_callback_route(app):
    assert render("quickbooks", BASE)["keys_and_credentials"]["redirect_uris"] == [
        f"{BASE}/auth/quickbooks/callback"
    ]
    assert render("xero", BASE)["redirect_uris"] == [f"{BASE}/auth/xero/callback"]


def test_manifest_command_prints_the_filled_manifest(runner):
    result = runner.invoke(args=["remit", "manifest", "quickbooks", "--base-url", BASE + "/"])
    assert result.exit_code == 0, result.output
    printed = yaml.safe_load(result.output)
    assert printed["app_urls"]["launch_url"] == f"{BASE}/launch/quickbooks"
    assert printed["app_urls"]["host_domain"] == "remit.example.com"


def test_bad_input_is_refused_clearly(runner):
    result = runner.invoke(args=["remit", "manifest", "sage", "--base-url", BASE])
    assert result.exit_code == 2 and "No manifest for 'sage'" in result.output
    result = runner.invoke(args=["remit", "manifest", "xero", "--base-url", "remit.example.com"])
    assert result.exit_code == 2 and "must look like https://" in result.output
    with pytest.raises(ManifestError):
        render("xero", "ftp://remit.example.com")
    assert available() == ["quickbooks", "xero"]
