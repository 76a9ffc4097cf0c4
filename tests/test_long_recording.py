"""A 10-minute conversation end to end through ``kijkwijzer process`` (the other end-to-end
tests use clips of at most 9 s, and the sample is 5 minutes).

The input is built from the committed samples (``tests/long_conversation.py``). The test
checks that every stage finishes and that the outputs cover the whole recording: turns to
the end, both roles, fragments within their limits, a sheet. Figures for 60 minutes come
from ``bench/long_recording.py`` (README), which is a benchmark, not a test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from long_conversation import build, write_consent
from orchestration_helpers import cli, leftovers

pytestmark = pytest.mark.slow
MINUTES = 10


def test_ten_minute_conversation_end_to_end(tmp_path: Path) -> None:
    built = build(tmp_path / "lang-gesprek.flac", MINUTES)
    write_consent(built.path)
    out = tmp_path / "uit"
    result = cli("process", str(built.path), "--out", str(out), timeout=1500)
    assert result.returncode == 0, result.stderr[-3000:]
    transcript = json.loads((out / "transcript.json").read_text(encoding="utf-8"))
    turns = transcript["turns"]
    roles = {turn["role"] for turn in turns}
    assert {"klantmanager", "client"} <= roles
    assert turns[-1]["end"] > built.duration_s - 60  # transcribed to the end, not cut short
    assert len(turns) >= len(built.turns) // 3  # merged turns and missed short ones, but not lost
    fragments = json.loads((out / "fragments.json").read_text(encoding="utf-8"))
    assert 6 <= len(fragments) <= 12
    assert max(fragment["end"] for fragment in fragments) <= built.duration_s + 1
    assert (out / "sheet.html").stat().st_size > 0
    analysis = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    assert analysis["metrics"]
    assert leftovers(tmp_path) == []
    print(f"{MINUTES} min: {len(built.turns)} turns placed, {len(turns)} found, {len(fragments)} fragments")
