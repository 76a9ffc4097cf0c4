"""The sheet in a real browser: headless Debian Chromium opens it from file:// and plays fragments.

Playwright drives ``/usr/bin/chromium`` (apt package ``chromium``) with networking features
off. The page's Content-Security-Policy forbids string evaluation, so the test polls the
player's state with ``page.evaluate`` on function expressions instead of ``wait_for_function``.
axe-core comes from ``node_modules`` (``package.json``, installed by ``make``), injected into
the page by the test; the sheet itself never loads it.
"""

from __future__ import annotations

import base64
import re
import shutil
import time
import wave
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from browser_helpers import chromium, serious_violations
from playwright.sync_api import Browser, Page
from sheet_helpers import TTS_MEDIA, synthetic_conversation, tts_case

from pipeline.fragments import select_fragments
from pipeline.report import write_sheet
from pipeline.settings import Settings, load_settings
from pipeline.types import Analysis

A4_POINTS = (595.0, 842.0)  # 210 x 297 mm


@pytest.fixture(scope="module")
def settings() -> Settings:
    quick = load_settings(environ={})
    quick.report.pdf = False  # printing is covered in test_report; here the page matters
    return quick


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


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
    assert check_controls_seek(page, ".timeline-moments button") >= 6
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


def test_axe_finds_no_serious_or_critical_violations(browser: Browser, video_sheet: Path) -> None:
    """axe-core 4 (WCAG 2 A/AA rules and best practices) on the whole sheet, transcript opened."""
    for width in (1280, 390):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(video_sheet.as_uri())
        page.locator("details.full-transcript summary").click()
        bad = serious_violations(page)
        assert bad == [], (width, bad)
        page.close()


def test_phone_shows_the_first_moment_early_and_uses_the_width(browser: Browser, video_sheet: Path) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page.goto(video_sheet.as_uri())
    layout = page.evaluate(
        """() => {
            const title = document.querySelector('article.fragment h3');
            const card = document.querySelector('article.fragment');
            const said = card.querySelector('.transcript .said');
            const player = document.querySelector('aside.player');
            const scroller = document.querySelector('.timeline-scroll');
            const label = document.querySelector('svg.timeline text');
            return {
                title: title.getBoundingClientRect().top + window.scrollY,
                card: card.getBoundingClientRect().width,
                said: said.getBoundingClientRect().width,
                position: getComputedStyle(player).position,
                player: player.getBoundingClientRect().height,
                scrolls: scroller.scrollWidth > scroller.clientWidth,
                label: label.getBoundingClientRect().height,
                page: document.documentElement.scrollWidth,
            };
        }"""
    )
    assert layout["title"] <= 1.5 * 844, layout
    assert layout["position"] != "sticky" and layout["player"] < 0.5 * 844, layout
    assert layout["said"] >= 0.8 * layout["card"], layout  # the excerpt uses the full width
    assert layout["scrolls"] and layout["label"] >= 10, layout  # the timeline scrolls sideways, readable
    assert layout["page"] <= 390, layout  # nothing else overflows the screen
    page.close()


def test_clicking_a_card_plays_it_and_stops_at_its_end(browser: Browser, video_sheet: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(video_sheet.as_uri())
    poll(page, "() => document.getElementById('player').readyState >= 1")
    cards = page.locator("article.fragment")
    lengths = [
        float(cards.nth(i).get_attribute("data-end") or 0)
        - float(cards.nth(i).get_attribute("data-start") or 0)
        for i in range(cards.count())
    ]
    card = cards.nth(lengths.index(min(lengths)))
    start, end = float(card.get_attribute("data-start") or 0), float(card.get_attribute("data-end") or 0)
    page.evaluate(
        "() => { const p = document.getElementById('player'); p.muted = true; p.playbackRate = 3; }"
    )
    card.locator(".reason").click()  # not the play button: anywhere on the card
    poll(page, f"() => document.getElementById('player').currentTime >= {start}")
    assert page.locator("article.fragment.playing").count() == 1
    assert page.locator("#now-playing").inner_text().strip() != ""
    poll(
        page,
        "() => { const p = document.getElementById('player'); return p.paused && p.currentTime > "
        f"{start} + 1; }}",
        timeout_s=end - start,
    )
    stopped = page.evaluate("() => document.getElementById('player').currentTime")
    assert abs(stopped - end) <= 0.3, (stopped, end)
    # the clip ended: "now playing" is cleared
    assert page.locator("article.fragment.playing").count() == 0
    assert page.locator("#now-playing").inner_text().strip() == ""
    # scrubbing away from a playing clip clears it too
    card.locator(".reason").click()
    poll(page, "() => document.querySelectorAll('article.fragment.playing').length === 1")
    page.evaluate(f"() => {{ document.getElementById('player').currentTime = {end} + 20; }}")
    poll(page, "() => document.querySelectorAll('article.fragment.playing').length === 0")
    page.close()


def test_full_transcript_lines_play_from_their_time(browser: Browser, video_sheet: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(video_sheet.as_uri())
    poll(page, "() => document.getElementById('player').readyState >= 1")
    page.locator("details.full-transcript summary").click()
    line = page.locator(".transcript-lines button.line").nth(10)
    start = float(line.get_attribute("data-start") or 0)
    line.click()
    poll(
        page,
        "() => { const p = document.getElementById('player');"
        f" return !p.seeking && p.currentTime >= {start} - 0.05 && p.currentTime < {start} + 1.5; }}",
    )
    page.close()


def test_notes_stay_in_the_browser_and_save_as_text(browser: Browser, video_sheet: Path) -> None:
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(video_sheet.as_uri())
    page.locator("#notes-1").fill("Hier vroeg ik door.")
    page.reload()
    assert page.locator("#notes-1").input_value() == "Hier vroeg ik door."
    with page.expect_download() as info:
        page.locator("#save-notes").click()
    download = info.value
    assert download.suggested_filename == "aantekeningen.txt"
    text = Path(download.path()).read_text(encoding="utf-8")
    assert "Moment 1" in text and "Hier vroeg ik door." in text
    context.close()


def test_printed_sheet_is_a4_with_notes_boxes(tmp_path: Path, video_sheet: Path, settings: Settings) -> None:
    from pipeline.report.pdf import print_pdf

    pdf = print_pdf(video_sheet, tmp_path / "sheet.pdf", settings.report).read_bytes()
    boxes = {
        (round(float(w)), round(float(h)))
        for w, h in re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    }
    assert boxes == {(round(A4_POINTS[0]), round(A4_POINTS[1]))}, boxes
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert 2 <= pages <= 8, pages  # compact: not a page per fragment
