"""The review desk end to end in real Chromium on the TTS sample (issue 17's acceptance flow).

The sample is processed once by the real ``kijkwijzer watch --once`` (ASR, diarisation and
all: slow). Then the real ``kijkwijzer review`` serves the desk; Playwright changes one turn's
role, removes one fragment and adds one from two turns, writes a researcher note and a
client-feedback note, and publishes. The test then reads what landed: the sheet in the
outbox, the stage cache (ASR and diarisation untouched) and the correction records.
Set ``REVIEW_DESK_SCREENSHOT=docs/review_desk.png`` to refresh the README's screenshot.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_helpers import chromium, serious_violations
from playwright.sync_api import Browser, Page
from review_helpers import copy_of_sample, start_desk, stop_desk

from kijkwijzer.cli.review_cmd import stage_folders
from pipeline.deliver.outbox import outbox_folder
from pipeline.ingest.layout import DataRoot
from pipeline.ingest.records import load_meta
from pipeline.review.records import load_records
from pipeline.types import Conversation

pytestmark = pytest.mark.slow

RESEARCHER_NOTE = "Ze kijkt weg als de schulden ter sprake komen; de klantmanager gaat door."
CLIENT_NOTE = "Toen dacht ik: ze snapt niet hoe erg ik me schaam."


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def _reloads(page: Page, action) -> None:
    """Do ``action`` and wait for the page to come back from the server."""
    with page.expect_event("load", timeout=60_000):
        action()


def review_flow(page: Page, url: str) -> dict[str, object]:
    """The researcher's steps; returns what the test needs to check them."""
    page.goto(url)
    client_turn = page.locator("li.desk-turn").filter(has=page.locator("select.role.client")).nth(1)
    turn_target = client_turn.get_attribute("data-target")
    _reloads(page, lambda: client_turn.locator("select.role").select_option("other"))
    assert page.locator(f"li.desk-turn[data-target='{turn_target}'] select.role").input_value() == "other"

    cards = page.locator("article.fragment")
    before = cards.count()
    removed = cards.nth(1)
    removed_key = removed.get_attribute("data-key")
    _reloads(page, lambda: removed.locator("button.remove").click())
    assert (
        page.locator(f"article.fragment[data-key='{removed_key}']").get_attribute("class")
        == "fragment removed"
    )

    turns = page.locator("li.desk-turn")
    first, last = turns.nth(turns.count() - 4), turns.nth(turns.count() - 3)
    first.locator("input.pick").check()
    last.locator("input.pick").check()
    added_start = first.get_attribute("data-target")
    _reloads(page, lambda: page.locator("#add-fragment").click())
    assert page.locator("article.fragment").count() == before + 1

    noted = page.locator("article.fragment:not(.removed)").first
    noted_key = noted.get_attribute("data-key")
    noted.locator("textarea").nth(0).fill(RESEARCHER_NOTE)
    _reloads(page, lambda: noted.locator("button", has_text="Bewaren").nth(0).click())
    noted = page.locator(f"article.fragment[data-key='{noted_key}']")
    noted.locator("textarea").nth(1).fill(CLIENT_NOTE)
    _reloads(page, lambda: noted.locator("button", has_text="Bewaren").nth(1).click())
    assert (
        page.locator(f"article.fragment[data-key='{noted_key}'] textarea").nth(0).input_value()
        == RESEARCHER_NOTE
    )

    screenshot = os.environ.get("REVIEW_DESK_SCREENSHOT")
    if screenshot:
        page.set_viewport_size({"width": 1280, "height": 900})
        page.evaluate("() => window.scrollTo(0, 0)")
        page.screenshot(path=screenshot)

    page.locator("#publish").click()
    result = page.locator("#publish-result p").first
    result.wait_for(timeout=600_000)
    return {
        "turn_target": turn_target,
        "removed_key": removed_key,
        "added_start": added_start,
        "message": page.locator("#publish-result").inner_text(),
    }


def test_review_publish_end_to_end(browser: Browser, tmp_path: Path) -> None:
    root = copy_of_sample(tmp_path / "root")
    [paths] = root.recordings()
    rid = paths.recording_id
    meta = load_meta(paths)
    cache_before = stage_folders(paths.cache)
    mtimes = {stage: (paths.cache / cache_before[stage] / "result.json").stat().st_mtime_ns
              for stage in ("transcribe", "diarize")}  # fmt: skip
    outbox = outbox_folder(root.outbox, meta.consent.klantmanager, rid, meta.consent.recorded_on)
    old_sheet = (outbox / "sheet.html").read_text(encoding="utf-8")
    assert RESEARCHER_NOTE not in old_sheet

    process, url, _port, _token = start_desk(root.path, rid)
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        seen = review_flow(page, url)
        assert errors == []
    finally:
        stop_desk(process)

    # 1. the sheet in the outbox has the new fragment set and both notes
    assert "Gepubliceerd" in str(seen["message"]), seen["message"]
    sheet = (outbox / "sheet.html").read_text(encoding="utf-8")
    assert RESEARCHER_NOTE in sheet and CLIENT_NOTE in sheet
    assert "Vreemde ogen" in sheet and "De cliënt zei hierover" in sheet
    shown = json.loads((outbox / "fragments.json").read_text(encoding="utf-8"))
    proposal = json.loads((paths.cache / stage_folders(paths.cache)["fragments"] / "result.json").read_text())
    assert len(shown) == len(proposal)  # one removed, one added
    removed_theme, span = str(seen["removed_key"]).rsplit(":", 1)
    removed_span = tuple(int(ms) / 1000 for ms in span.split("-"))
    assert not any(f["theme"] == removed_theme and (f["start"], f["end"]) == removed_span for f in shown)
    added = [f for f in shown if f["theme"] == "onderzoeker"]
    assert len(added) == 1 and added[0]["theme_title"] == "Gekozen door de onderzoeker"
    assert round(added[0]["start"] * 1000) == int(str(seen["added_start"]).removeprefix("turn:"))
    assert [f["notes"] for f in shown if f["notes"]["researcher"]] == [
        {"researcher": RESEARCHER_NOTE, "client": CLIENT_NOTE}
    ]
    conversation = Conversation.model_validate_json((paths.out / "transcript.json").read_bytes())
    at = int(str(seen["turn_target"]).removeprefix("turn:")) / 1000
    assert next(t for t in conversation.turns if abs(t.start - at) < 0.05).role == "other"

    # 2. the stage cache shows that ASR and diarisation were not re-run
    cache_after = stage_folders(paths.cache)
    for stage in ("transcribe", "diarize"):
        assert cache_after[stage] == cache_before[stage]
        assert (paths.cache / cache_after[stage] / "result.json").stat().st_mtime_ns == mtimes[stage]
    for stage in ("align", "analysis", "fragments", "sheet"):
        assert cache_after[stage] != cache_before[stage], stage
    cached_line = next(line for line in str(seen["message"]).splitlines() if line.startswith("Uit de opslag"))
    assert "spraakherkenning" in cached_line and "sprekerherkenning" in cached_line

    # 3. the correction records exist (who, when, before, after), and the audit log has no content
    records = load_records(DataRoot(root.path), rid)
    assert [r.kind for r in records] == ["role", "fragment_remove", "fragment_add", "researcher_note",
                                         "client_note", "publish"]  # fmt: skip
    assert all(r.who == "onderzoeker-1" and r.time for r in records)
    assert records[0].before == "client" and records[0].after == "other"
    assert records[3].after == RESEARCHER_NOTE
    log = root.audit_log.read_text(encoding="ascii")
    assert "schaam" not in log and "onderzoeker-1" not in log


def test_review_page_accessibility(browser: Browser, tmp_path: Path) -> None:
    """axe-core on the desk (WCAG 2 A/AA and best practices): no serious or critical violations."""
    root = copy_of_sample(tmp_path / "root")
    [paths] = root.recordings()
    process, url, _port, _token = start_desk(root.path, paths.recording_id)
    try:
        for width in (1280, 390):
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(url)
            page.locator("details.edit summary").first.click()
            bad = serious_violations(page)
            assert bad == [], (width, bad)
            page.close()
    finally:
        stop_desk(process)
