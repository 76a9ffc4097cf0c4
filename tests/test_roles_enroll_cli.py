"""``kijkwijzer enroll``: stores a profile from a stretch of a recording; bad input is one line, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kijkwijzer.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "diarize"


@pytest.fixture
def profiles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KIJKWIJZER_ROLES__PROFILES_DIR", str(tmp_path / "profiles"))
    monkeypatch.setenv("KIJKWIJZER_ROLES__PROFILE_MIN_SPEECH_S", "2")
    return tmp_path / "profiles"


def test_enrol_from_a_stretch(profiles: Path, capsys: pytest.CaptureFixture[str]) -> None:
    media = FIXTURES / "flemish_clean.flac"
    main(["enroll", "--klantmanager", "A. de Vries", str(media), "--start", "0.2", "--end", "3.5"])
    written = Path(capsys.readouterr().out.strip())
    assert written.parent == profiles and "Vries" not in written.name
    profile = json.loads(written.read_text(encoding="utf-8"))
    assert profile["klantmanager"] == "A. de Vries" and len(profile["embedding"]) == 256


def test_bad_stretch_is_one_line_and_exit_2(profiles: Path, capsys: pytest.CaptureFixture[str]) -> None:
    media = FIXTURES / "flemish_clean.flac"
    with pytest.raises(SystemExit) as exit_info:
        main(["enroll", "--klantmanager", "A", str(media), "--start", "3", "--end", "1"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "not a stretch" in err
    assert not profiles.exists()
