"""The sheet in a real browser: headless Debian Chromium opens it from file:// and plays fragments.

Playwright drives ``/usr/bin/chromium`` (apt package ``chromium``) with networking features
off. The page's Content-Security-Policy forbids string evaluation, so the test polls the
player's state with ``page.evaluate`` on function expressions instead of ``wait_for_function``.
"""

from __future__ import annotations

import base64
import shutil
import time
import wave
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from sheet_helpers import TTS_MEDIA, synthetic_conversation, tts_case

from pipeline.fragments import select_fragments
from pipeline.report import write_sheet
from pipeline.settings import Settings, load_settings
from pipeline.types import Analysis

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def settings() -> Settings:
    quick = load_settings(environ={})
    quick.report.pdf = False  # printing is covered in test_report; here the page matters
    return quick


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


def poll(page: Page, script: str, timeout_s: float = 10.0) -> object:
    """Evaluate ``script`` (a function expression) until it returns something truthy."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = page.evaluate(script)
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {script}")


def check_controls_seek(page: Page, selector: str) -> int:
    """Click every control; the player must land on its fragment's start."""
    poll(page, "() => document.getElementById('player').readyState >= 1")
    controls = page.locator(selector)
    for index in range(controls.count()):
        control = controls.nth(index)
        start = float(control.get_attribute("data-start") or "nan")
        control.scroll_into_view_if_needed()
        control.click()
        poll(
            page,
            "() => { const p = document.getElementById('player');"
            f" return !p.seeking && p.currentTime >= {start} - 0.05 && p.currentTime < {start} + 1.5; }}",
        )
    return controls.count()


def pixel_spread(browser: Browser, png: bytes) -> tuple[int, float]:
    """Number of distinct colours (sampled) and the brightness spread of a screenshot."""
    page = browser.new_page()
    try:
        page.set_content("<canvas id='c'></canvas>")
        data_url = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        stats = page.evaluate(
            """async (src) => {
                const img = new Image(); img.src = src; await img.decode();
                const c = document.getElementById('c'); c.width = img.width; c.height = img.height;
                const ctx = c.getContext('2d'); ctx.drawImage(img, 0, 0);
                const d = ctx.getImageData(0, 0, img.width, img.height).data;
                const colours = new Set(); let sum = 0, sq = 0, n = 0;
                for (let i = 0; i < d.length; i += 4 * 97) {
                    colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
                    const y = 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2];
                    sum += y; sq += y * y; n += 1;
                }
                return [colours.size, Math.sqrt(sq / n - (sum / n) ** 2)];
            }""",
            data_url,
        )
        return int(stats[0]), float(stats[1])
    finally:
        page.close()


@pytest.fixture(scope="module")
def video_sheet(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> Path:
    _, conversation, analysis = tts_case()
    out = tmp_path_factory.mktemp("browser") / "sheet"
    fragments = select_fragments(analysis, conversation, settings)
    write_sheet(
        conversation,
        analysis,
        fragments,
        out,
        settings,
        media_href="opname.mp4",
        recorded_on=date(2026, 11, 20),
    )
    shutil.copyfile(TTS_MEDIA, out / "opname.mp4")
    return out / "sheet.html"


def test_sheet_renders_and_is_not_blank(browser: Browser, video_sheet: Path) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(video_sheet.as_uri())
    poll(page, "() => document.getElementById('player').readyState >= 1")
    colours, spread = pixel_spread(browser, page.screenshot(full_page=False))
    assert colours > 50 and spread > 20, (colours, spread)
    assert page.evaluate("() => document.getElementById('player').duration") > 60
    assert errors == []
    page.close()


def test_each_fragment_control_seeks_the_video(browser: Browser, video_sheet: Path) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(video_sheet.as_uri())
    assert check_controls_seek(page, "button.play") >= 6
    assert check_controls_seek(page, "svg.timeline .tl-fragment") >= 6
    assert page.locator("article.fragment.playing").count() == 1
    page.close()


def test_audio_player_seeks_too(browser: Browser, tmp_path: Path, settings: Settings) -> None:
    """Audio-only recordings get an <audio> player; a generated WAV gives it something to seek."""
    conversation = synthetic_conversation(240)
    analysis = Analysis(events=[], metrics={})
    fragments = select_fragments(analysis, conversation, settings)
    write_sheet(conversation, analysis, fragments, tmp_path, settings, media_href="opname.wav")
    rate = 8000
    tone = (0.05 * np.sin(np.arange(int(240 * rate)) * 2 * np.pi * 220 / rate) * 32767).astype("<i2")
    with wave.open(str(tmp_path / "opname.wav"), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(tone.tobytes())
    page = browser.new_page()
    page.goto((tmp_path / "sheet.html").as_uri())
    assert page.evaluate("() => document.getElementById('player').tagName") == "AUDIO"
    assert check_controls_seek(page, "button.play") == settings.fragments.min_count
    page.close()
