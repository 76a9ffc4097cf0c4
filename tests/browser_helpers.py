"""Real Chromium for the browser tests: one launch recipe and one accessibility check.

Playwright drives ``/usr/bin/chromium`` (apt package ``chromium``) with networking features
off; axe-core comes from ``node_modules`` (``package.json``, installed by ``make``) and is
injected by the test, never loaded by the pages themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
FLAGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]  # fmt: skip


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Chromium for one test module."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


def serious_violations(page: Page) -> list[tuple]:
    """axe-core's serious and critical findings on the page as it is now (id, impact, count, first target)."""
    assert AXE.exists(), "axe-core is missing: run `npm ci` (make setup does)"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        (v["id"], v["impact"], len(v["nodes"]), v["nodes"][0]["target"])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
