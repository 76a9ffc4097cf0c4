"""Consent gate and hostile-input checks, on real files in a temporary folder."""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from pathlib import Path

import pytest

from pipeline.ingest.consent import parse_consent, read_consent
from pipeline.ingest.errors import ConsentError, IngestRefusal
from pipeline.ingest.gate import check_media_file, check_name
from pipeline.ingest.names import component_problem, name_problem, printable, slug
from pipeline.ingest.sniff import sniff
from pipeline.settings import load_settings

SETTINGS = load_settings(environ={}).orchestration
LIMITS = SETTINGS.ingest.sidecar
SAMPLE = Path(__file__).resolve().parents[1] / "sample_media"

VALID = """\
klantmanager: "A. de Vries"
client: "C-0142"
recorded_on: 2025-11-20
consent:
  recording: true
  analysis: true
  research_use: false
retention_days: 90
form_reference: "TF-2025-0142"
participants: 2
"""


def test_valid_sidecar_parses() -> None:
    record = parse_consent(VALID.encode(), "x.consent.yaml", LIMITS)
    assert record.klantmanager == "A. de Vries"
    assert record.recorded_on == dt.date(2025, 11, 20)
    assert record.consent.research_use is False
    assert record.participants == 2


@pytest.mark.parametrize(
    ("edit", "code", "words"),
    [
        (lambda t: t.replace('form_reference: "TF-2025-0142"\n', ""), "consent_incomplete", "form_reference"),
        (lambda t: t.replace("analysis: true", "analysis: false"), "consent_refused", "analysis"),
        (lambda t: t.replace("recording: true", "recording: nee"), "consent_invalid", "recording"),
        (lambda t: t.replace('"C-0142"', '"123456782"'), "consent_invalid", "BSN"),
        (lambda t: t.replace('"A. de Vries"', '"../../etc"'), "consent_invalid", "klantmanager"),
        (lambda t: t.replace('"A. de Vries"', '"A\\nB"'), "consent_invalid", "klantmanager"),
        (lambda t: t + "extra: 1\n", "consent_invalid", "extra"),
        (lambda t: t.replace("2025-11-20", "2999-01-01"), "consent_invalid", "future"),
        (lambda t: "klantmanager: [unclosed\n", "consent_unreadable", "YAML"),
        (lambda t: "- just\n- a list\n", "consent_unreadable", "mapping"),
    ],
)
def test_bad_sidecars_are_refused_with_the_problem(edit, code: str, words: str) -> None:
    with pytest.raises(ConsentError) as info:
        parse_consent(edit(VALID).encode(), "x.consent.yaml", LIMITS)
    assert info.value.code == code
    assert words in str(info.value)
    assert "\n" not in str(info.value)


def test_yaml_alias_bomb_is_refused_without_expanding() -> None:
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    for level in range(1, 9):
        prev = chr(ord("a") + level - 1)
        name = chr(ord("a") + level)
        bomb += f"{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
    with pytest.raises(ConsentError) as info:
        parse_consent(bomb.encode(), "bomb.consent.yaml", LIMITS)
    assert info.value.code == "consent_unsafe"
    assert "alias" in str(info.value)


@pytest.mark.parametrize(
    "document",
    [
        VALID.replace('"C-0142"', '"' + "x" * 5000 + '"'),  # huge value
        VALID + "#" * 20_000,  # huge file
        "k: " + "[" * 50 + "]" * 50 + "\n",  # deep nesting
        "\n".join(f"k{i}: {i}" for i in range(500)),  # too many values
    ],
)
def test_oversized_sidecars_are_refused(document: str) -> None:
    with pytest.raises(ConsentError) as info:
        parse_consent(document.encode(), "big.consent.yaml", LIMITS)
    assert info.value.code == "consent_unsafe"


def test_missing_and_symlinked_sidecars(tmp_path: Path) -> None:
    with pytest.raises(ConsentError) as info:
        read_consent(tmp_path / "a.mp4.consent.yaml", LIMITS)
    assert info.value.code == "no_consent"
    real = tmp_path / "real.yaml"
    real.write_text(VALID)
    link = tmp_path / "b.mp4.consent.yaml"
    link.symlink_to(real)
    with pytest.raises(ConsentError) as info:
        read_consent(link, LIMITS)
    assert info.value.code == "consent_unsafe"
    fifo = tmp_path / "c.mp4.consent.yaml"
    os.mkfifo(fifo)
    with pytest.raises(ConsentError):
        read_consent(fifo, LIMITS)  # must not block on the pipe


@pytest.mark.parametrize(
    "name",
    ["../evil.mp4", "/etc/passwd", "a\nb.mp4", "tab\there.mp4", "x" * 252 + ".mp4", "rtl\u202ekp4.mp3", ".."],
)
def test_hostile_names_are_refused(name: str) -> None:
    assert name_problem(name) is not None
    with pytest.raises(IngestRefusal) as info:
        check_name(name, SETTINGS.ingest)
    assert info.value.code == "unsafe_name"
    assert "\n" not in str(info.value)


def test_ordinary_names_pass_and_helpers_are_safe() -> None:
    for name in ("gesprek 2025-11-20.mp4", "cliënt_één.flac", "A. de Vries"):
        assert name_problem(name) is None
    assert component_problem(".hidden") is not None
    assert slug("../../Jansen\ngesprek.mp4") == "Jansen_gesprek.mp4"
    assert "\n" not in printable("a\nb")


def _html(path: Path) -> Path:
    path.write_text("<!DOCTYPE html><html><body>not a video</body></html>")
    return path


def _zip(path: Path) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("video.mp4", b"\x00" * 100)
    path.write_bytes(buffer.getvalue())
    return path


def test_disguised_files_are_refused_by_content(tmp_path: Path) -> None:
    for maker, kind in ((_html, "html"), (_zip, "zip")):
        fake = maker(tmp_path / f"{kind}.mp4")
        assert sniff(fake).kind == kind
        with pytest.raises(IngestRefusal) as info:
            check_media_file(fake, SETTINGS.ingest)
        assert info.value.code == "not_media"
        assert kind in str(info.value)


def test_real_media_passes_the_sniffer() -> None:
    for path in sorted(SAMPLE.glob("*.flac")) + sorted(SAMPLE.glob("*.mp4")):
        assert check_media_file(path, SETTINGS.ingest) in {"flac", "mp4"}


def test_symlinks_empty_large_and_unsupported_files(tmp_path: Path) -> None:
    target = tmp_path / "target.flac"
    target.write_bytes(b"fLaC" + b"\x00" * 100)
    link = tmp_path / "link.flac"
    link.symlink_to(target)
    empty = tmp_path / "empty.mp4"
    empty.touch()
    doc = tmp_path / "notes.docx"
    doc.write_bytes(b"PK\x03\x04")
    small = SETTINGS.model_copy(deep=True).ingest
    small.max_media_bytes = 50
    cases = [
        (link, SETTINGS.ingest, "symlink"),
        (empty, SETTINGS.ingest, "empty"),
        (target, small, "too_large"),
    ]
    cases += [(doc, SETTINGS.ingest, "unsupported_type"), (tmp_path, SETTINGS.ingest, "not_a_file")]
    for path, ingest, code in cases:
        with pytest.raises(IngestRefusal) as info:
            check_media_file(path, ingest)
        assert info.value.code == code
