"""What stays in the data root after the lifecycle scenario (tests/privacy_helpers.py) holds no
more personal data than the README's "Privacy" section promises.

* The research exports kept after `purge` (client consented to research use) contain no consent
  names, case numbers or original file names, and their names are pseudonyms.
* Prefect's database and server log (the local server's per-user folder, and <root>/.prefect)
  contain no names, file names or transcript text: they outlive every recording and nobody
  purges them.
"""

from __future__ import annotations

import json

import pytest
from privacy_helpers import lifecycle

pytestmark = pytest.mark.slow  # runs the shared watch/purge/forget scenario

CONSENT_AND_FILE_NAMES = ("Vries", "C-0142", "C-0777", "TF-2026-0142", "gesprek_vries", "kopie_gesprek")


def _leaks(path, words):
    data = path.read_bytes().lower()
    return [w for w in words if w.lower().encode() in data]


@pytest.fixture(scope="module")
def run():
    run = lifecycle()
    assert run.results["watch"].returncode == 0, run.results["watch"].stderr[-3000:]
    assert run.results["purge"].returncode == 0, run.results["purge"].stderr[-3000:]
    return run


def test_purge_kept_only_pseudonymised_research_data(run):
    folder = run.root / "archive" / run.expired_id
    assert sorted(p.name for p in folder.iterdir()) == ["recording.json", "research"]
    meta = json.loads((folder / "recording.json").read_text(encoding="utf-8"))
    assert meta["status"] == "purged"
    files = sorted(p for p in (folder / "research").rglob("*") if p.is_file())
    assert {"events.csv", "transcript.json", "analysis.json"} <= {p.name for p in files}
    for path in files:
        assert _leaks(path, CONSENT_AND_FILE_NAMES) == [], path.name


def test_prefect_state_holds_no_personal_data(run):
    # The command's own Prefect home, and the per-user folder of the local server it started.
    folders = (run.root / ".prefect", run.home / ".local" / "share" / "kijkwijzer" / "prefect-server")
    files = [p for folder in folders for p in folder.rglob("*") if p.is_file()]
    assert any(p.name == "prefect.db" for p in files), "expected Prefect's database"
    words = [*CONSENT_AND_FILE_NAMES, *run.personal_texts]
    leaks = {str(p): _leaks(p, words) for p in files}
    assert {name: found for name, found in leaks.items() if found} == {}
