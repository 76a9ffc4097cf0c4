"""sheet.pdf is printed once per distinct sheet: identical HTML reuses the earlier print.

An analysis-only reprocess recomputes every sheet; Chromium (a second process, 2-3 s of
wall time each) only runs for the sheets whose HTML changed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.report.pdf import print_pdf
from pipeline.settings import Settings, load_settings

HTML = "<!doctype html><html lang='nl'><body><h1>Voorbereiding</h1><p>Moment 1</p></body></html>"


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings()


def _sheet(folder: Path, html: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "sheet.html").write_text(html, encoding="utf-8")
    return folder / "sheet.html"


def test_identical_html_reuses_the_earlier_pdf(tmp_path: Path, settings: Settings) -> None:
    earlier = tmp_path / "sheet-old"
    first = print_pdf(_sheet(earlier, HTML), earlier / "sheet.pdf", settings.report).read_bytes()
    assert first.startswith(b"%PDF")
    again = _sheet(tmp_path / "work", HTML)
    # A marker in the earlier print shows the bytes were copied, not printed again.
    (earlier / "sheet.pdf").write_bytes(first + b"%reused\n")
    copied = print_pdf(again, tmp_path / "work" / "sheet.pdf", settings.report, [tmp_path / "none", earlier])
    assert copied.read_bytes() == first + b"%reused\n"
    assert copied.stat().st_mode & 0o077 == 0  # owner-only like a printed one


def test_changed_html_is_printed_again(tmp_path: Path, settings: Settings) -> None:
    earlier = tmp_path / "sheet-old"
    _sheet(earlier, HTML)
    (earlier / "sheet.pdf").write_bytes(b"%PDF-1.4 stale\n")
    changed = _sheet(tmp_path / "work", HTML.replace("Moment 1", "Moment 2"))
    printed = print_pdf(changed, tmp_path / "work" / "sheet.pdf", settings.report, [earlier]).read_bytes()
    assert printed.startswith(b"%PDF") and printed != b"%PDF-1.4 stale\n"
    assert len(printed) > 1000  # a real rendering, not the earlier file


def test_empty_earlier_pdf_is_not_reused(tmp_path: Path, settings: Settings) -> None:
    earlier = tmp_path / "sheet-old"
    _sheet(earlier, HTML)
    (earlier / "sheet.pdf").write_bytes(b"")  # a damaged earlier print
    printed = print_pdf(_sheet(tmp_path / "work", HTML), tmp_path / "out.pdf", settings.report, [earlier])
    assert printed.read_bytes().startswith(b"%PDF")
