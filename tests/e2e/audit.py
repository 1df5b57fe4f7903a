"""What the browser tests check on every page: axe-core's WCAG 2.1 A/AA rules (npm axe-core,
installed into tools/axe by `.ci/run`) and reflow at 320 CSS px (WCAG 1.4.10).

axe is injected as a script tag: the pages' Content-Security-Policy (scripts from 'self' only)
would refuse it, so the contexts that audit are opened with `bypass_csp=True`; the policy
itself is checked by test_content_policy.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

AXE = Path(os.environ.get("REMIT_AXE", REPO_ROOT / "tools" / "axe" / "node_modules" / "axe-core"
                          / "axe.min.js"))
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
NARROW = {"width": 320, "height": 640}  # 1280 px at 400 % zoom, WCAG 1.4.10's own example
WIDE = {"width": 1280, "height": 800}


def axe_script() -> Path:
    """tools/axe's axe-core, else skip saying how to install it (fail under
    REMIT_REQUIRE_BROWSER=1, as CI sets: an audit that cannot run must not pass)."""
    if not AXE.exists():
        reason = (f"axe-core is not installed at {AXE}: "
                  "`npm ci --prefix tools/axe` (.ci/run does it)")
        if os.environ.get("REMIT_REQUIRE_BROWSER") == "1":
            pytest.fail(f"REMIT_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    return AXE


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it stands, one readable line each:
    rule, impact, what it asks, and the elements (CSS selector and axe's summary)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_script()))
    results = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                       resultTypes: ['violations']})""", WCAG_AA)
    lines = []
    for violation in results["violations"]:
        for node in violation["nodes"]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — "
                         f"{' '.join(map(str, node['target']))}: {summary}")
    return lines


def overflow_at_320(page) -> str | None:
    """None when the page, at a 320 CSS px viewport, fits without scrolling sideways; else how
    wide it is and the elements that stick out (to find the culprit without a screenshot)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    if width <= NARROW["width"]:
        return None
    culprits = page.evaluate(
        """limit => [...document.querySelectorAll('body *')]
             .filter(e => e.getBoundingClientRect().right > limit)
             .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                       + (typeof e.className === 'string' && e.className.trim()
                          ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
                       + ` (${Math.round(e.getBoundingClientRect().right)} px)`)
             .slice(0, 6)""", NARROW["width"])
    return f"{width} px wide at a 320 px viewport; sticking out: {', '.join(culprits)}"


def page_problems(page) -> list[str]:
    """Everything wrong with the page as it stands: axe's findings at a desktop width, then at
    320 px (a layout that changes on phones, such as a table turned into cards, is audited
    too), and whether it reflows at 320 px. The viewport is left at the desktop width."""
    problems = axe_violations(page)
    page.set_viewport_size(NARROW)
    try:
        overflow = overflow_at_320(page)
        problems += [f"reflow: {overflow}"] if overflow else []
        problems += [f"at 320 px: {line}" for line in axe_violations(page)
                     if line not in problems]
    finally:
        page.set_viewport_size(WIDE)
    return problems
