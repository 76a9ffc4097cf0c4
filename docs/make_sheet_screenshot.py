"""Regenerate ``docs/sheet-screenshot.png``, the README's picture of a prep sheet.

It builds the sheet for the TTS sample (``sample_media/gesprek_tts.*``) from the sample's
scripted conversation and the real analysis, with an invented history of three earlier
recordings so "Sinds vorige keer" shows, and photographs what a klantmanager sees first
in headless Debian Chromium. Run from the repository root:

    .venv/bin/python docs/make_sheet_screenshot.py
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))  # the ground-truth conversation builder lives with the tests

from sheet_helpers import TTS_MEDIA, tts_case  # noqa: E402

from pipeline.fragments import select_fragments  # noqa: E402
from pipeline.intentions import intention_metrics, load_history, record_metrics, set_intentions  # noqa: E402
from pipeline.report import write_sheet  # noqa: E402
from pipeline.settings import load_settings  # noqa: E402

TARGET = REPO / "docs" / "sheet-screenshot.png"
FLAGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
KM = "A. de Vries"


def main() -> None:
    """Write the sheet into a temp folder and save a 1280x1320 screenshot of its top."""
    settings = load_settings(environ={})
    settings.report.pdf = False
    _, conversation, analysis = tts_case()
    with tempfile.TemporaryDirectory() as tmp:
        root, out = Path(tmp) / "root", Path(tmp) / "sheet"
        set_intentions(
            root, KM, ["Meer open vragen stellen", "Eén vraag tegelijk stellen"], settings, date(2026, 10, 1)
        )
        values = intention_metrics(analysis, conversation, settings)
        for index, day in enumerate((date(2026, 9, 4), date(2026, 10, 2), date(2026, 10, 23))):
            earlier = {**values, "open_question_share": 0.38 + 0.05 * index, "stacked_questions": 5 - index}
            record_metrics(root, KM, f"eerder-{index}", day, earlier, 1500 + 300 * index, settings)
        history = load_history(root, KM, settings, recording_id="voorbeeld", recorded_on=date(2026, 11, 20))
        fragments = select_fragments(analysis, conversation, settings)
        day = date(2026, 11, 20)
        write_sheet(conversation, analysis, fragments, out, settings, "opname.mp4", history, recorded_on=day)
        shutil.copyfile(TTS_MEDIA, out / "opname.mp4")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
            page = browser.new_page(viewport={"width": 1280, "height": 1320})
            page.goto((out / "sheet.html").as_uri())
            page.wait_for_timeout(1500)  # let the video show its first frame
            page.screenshot(path=str(TARGET))
            browser.close()
    print(TARGET)


if __name__ == "__main__":
    main()
