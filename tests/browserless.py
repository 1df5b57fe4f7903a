"""Submit an HTML form the way a browser would, without one: for walking through the vendor
stand-ins' consent pages in app tests."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin

import requests


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "fields": [], "buttons": []})
        elif not self.forms:
            return
        elif tag == "input":
            self._input(a)
        elif tag == "button":
            self.forms[-1]["buttons"].append({"name": a.get("name"), "value": a.get("value", ""),
                                              "text": ""})
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and ("selected" in a or not any(
                name == self._select for name, _ in self.forms[-1]["fields"])):
            self.forms[-1]["fields"] = [f for f in self.forms[-1]["fields"] if f[0] != self._select]
            self.forms[-1]["fields"].append((self._select, a.get("value", "")))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None

    def handle_data(self, data):
        if self.forms and self.forms[-1]["buttons"] and not self.forms[-1]["buttons"][-1]["text"]:
            self.forms[-1]["buttons"][-1]["text"] = data.strip()

    def _input(self, a: dict) -> None:
        kind = (a.get("type") or "text").lower()
        if kind == "submit":
            self.forms[-1]["buttons"].append({"name": a.get("name"), "value": a.get("value", ""),
                                              "text": a.get("value", "")})
        elif kind in {"checkbox", "radio"}:
            if "checked" in a:
                self.forms[-1]["fields"].append((a.get("name"), a.get("value", "on")))
        elif a.get("name"):
            self.forms[-1]["fields"].append((a["name"], a.get("value", "")))


def press(session: requests.Session, page_url: str, button_text: str,
          override: dict | None = None) -> requests.Response:
    """Open `page_url`, press the button labelled `button_text` in whichever form holds it,
    and return the answer without following redirects."""
    page = session.get(page_url, timeout=10)
    page.raise_for_status()
    parser = _Forms()
    parser.feed(page.text)
    for form in parser.forms:
        for button in form["buttons"]:
            if button["text"] == button_text:
                data = [f for f in form["fields"] if f[0] not in (override or {})]
                data += list((override or {}).items())
                if button["name"]:
                    data.append((button["name"], button["value"]))
                return session.post(urljoin(page.url, form["action"]) if form["action"]
                                    else page.url, data=data, allow_redirects=False, timeout=10)
    raise AssertionError(f"no button {button_text!r} on {page_url}")
