"""Regenerate the pictures of a prep sheet in ``docs/``: 1280 px, 390 px (phone) and a printed page.

It builds the sheet for the TTS sample (``sample_media/gesprek_tts.*``) with the real analysis,
from the sample's scripted conversation or, given ``transcript.json`` of a real run
(``kijkwijzer process sample_media/gesprek_tts.mp4 --out DIR``), from what ASR and the
diariser made of it, so the uncertain words show. An invented history of three earlier
recordings makes "Sinds vorige keer" show. Headless Debian Chromium photographs what a
klantmanager sees first on a laptop and on a phone, and the first printed A4 page (print
media at 96 dpi, as pdftoppm is not installed). Run from the repository root:

    .venv/bin/python docs/make_sheet_screenshot.py [DIR/transcript.json]
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

from pipeline.analysis import analyse  # noqa: E402
from pipeline.fragments import select_fragments  # noqa: E402
from pipeline.intentions import intention_metrics, load_history, record_metrics, set_intentions  # noqa: E402
from pipeline.report import write_sheet  # noqa: E402
from pipeline.report.pdf import CHROMIUM_FLAGS  # noqa: E402
from pipeline.settings import load_settings  # noqa: E402
from pipeline.types import Conversation  # noqa: E402

TARGET = REPO / "docs" / "sheet-screenshot.png"
PHONE = REPO / "docs" / "sheet-phone-390.png"
PRINT = REPO / "docs" / "sheet-print-a4.png"
A4_PX = (794, 1123)  # 210 x 297 mm at 96 dpi
KM = "A. de Vries"


def main() -> None:
    """Write the sheet into a temp folder and save the three screenshots."""
    settings = load_settings(environ={})
    settings.report.pdf = False
    _, conversation, analysis = tts_case()
    if len(sys.argv) > 1:
        conversation = Conversation.model_validate_json(Path(sys.argv[1]).read_text(encoding="utf-8"))
        analysis = analyse(conversation, settings)
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
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=list(CHROMIUM_FLAGS)
            )
            page = browser.new_page(viewport={"width": 1280, "height": 1320})
            page.goto((out / "sheet.html").as_uri())
            page.wait_for_timeout(1500)  # let the video show its first frame
            page.screenshot(path=str(TARGET))
            phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
            phone.goto((out / "sheet.html").as_uri())
            phone.wait_for_timeout(1500)
            phone.screenshot(
                path=str(PHONE), full_page=True, clip={"x": 0, "y": 0, "width": 390, "height": 1266}
            )
            paper = browser.new_page(viewport={"width": A4_PX[0], "height": A4_PX[1]})
            paper.emulate_media(media="print")
            paper.goto((out / "sheet.html").as_uri())
            paper.screenshot(path=str(PRINT))
            browser.close()
    print(TARGET, PHONE, PRINT)


if __name__ == "__main__":
    main()
