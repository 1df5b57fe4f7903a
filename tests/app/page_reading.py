"""Read a rendered page the way a test needs it: the state of its form controls and the text
of its elements, without depending on attribute order or whitespace."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parent: Element | None = None
    parts: list = field(default_factory=list)  # strings and child elements, in order

    @property
    def text(self) -> str:
        return " ".join("".join(p if isinstance(p, str) else f" {p.text} "
                                for p in self.parts).split())

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("root", {})
        self.current = self.root
        self.elements: list[Element] = []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: v if v is not None else "" for k, v in attrs}, self.current)
        self.current.parts.append(element)
        self.elements.append(element)
        if tag not in VOID:
            self.current = element

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.parts.append(data)


class Page:
    def __init__(self, html: str) -> None:
        tree = _Tree()
        tree.feed(html)
        self.elements = tree.elements

    def find(self, tag: str | None = None, **attrs: str) -> list[Element]:
        return [e for e in self.elements if (tag is None or e.tag == tag)
                and all(e.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())]

    def by_id(self, element_id: str) -> Element | None:
        found = self.find(id=element_id)
        return found[0] if found else None

    def with_class(self, name: str) -> list[Element]:
        return [e for e in self.elements if name in e.classes]

    def checked(self, name: str) -> list[str]:
        return [e.attrs["value"] for e in self.find("input", name=name) if "checked" in e.attrs]

    def selected(self, select_id: str) -> str:
        select = self.by_id(select_id)
        assert select is not None, f"no select #{select_id}"
        options = [p for p in _descendants(select) if p.tag == "option"]
        return next((o.attrs.get("value", "") for o in options if "selected" in o.attrs), "")

    def selected_text(self, select_id: str) -> str:
        options = [p for p in _descendants(self.by_id(select_id)) if p.tag == "option"]
        return next((o.text for o in options if "selected" in o.attrs), "")

    def option_texts(self, select_id: str) -> list[str]:
        select = self.by_id(select_id)
        return [p.text for p in _descendants(select) if p.tag == "option"]

    def text_of(self, tag: str) -> str:
        found = self.find(tag)
        return found[0].text if found else ""


def _descendants(element: Element):
    for part in element.parts:
        if isinstance(part, Element):
            yield part
            yield from _descendants(part)


def speak(client, language: str) -> None:
    """Choose the page language; the tests' outer app context would keep the first request's."""
    from flask_babel import refresh

    assert client.post("/language", data={"language": language}).status_code == 302
    refresh()


SENTENCE = re.compile(r"[^.!?]+[.!?]")


def sentences(page: Page) -> list[str]:
    """The sentences of the page's messages: flashes, hints, notices and field errors."""
    found = []
    for element in page.elements:
        if element.classes & {"hint", "notice", "field-error", "muted"} or (
                element.tag == "div" and element.attrs.get("role") in ("alert", "status")):
            found += [s.strip() for s in SENTENCE.findall(element.text) if len(s.split()) > 2]
    return found


def inside(element, ancestor) -> bool:
    """Whether `element` sits somewhere within `ancestor`."""
    node = element.parent
    while node is not None:
        if node is ancestor:
            return True
        node = node.parent
    return False
