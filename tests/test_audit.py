"""Audit completeness: every processed, quarantined, purged or forgotten item has an entry, and
audit.log holds no names, file names or transcript text.

Uses the shared lifecycle scenario (tests/privacy_helpers.py): `watch --once` on an inbox with two
good recordings, a duplicate, one without consent and every hostile input; then `purge` (the first
recording's retention has passed) and `forget` (the second).
"""

from __future__ import annotations

import json
import re
import stat

import pytest
from privacy_helpers import lifecycle

from pipeline.ingest.audit import read_audit

pytestmark = pytest.mark.slow  # runs the shared watch/purge/forget scenario

SAFE_VALUE = re.compile(r"^[A-Za-z0-9_.:+\-]{0,80}$")


@pytest.fixture(scope="module")
def run():
    run = lifecycle()
    for command, result in run.results.items():
        assert result.returncode == 0, f"{command}: {result.stderr[-3000:]}"
    return run


@pytest.fixture(scope="module")
def entries(run):
    return read_audit(run.root / "audit.log")


def _actions(entries, recording_id):
    return [e["action"] for e in entries if e["recording_id"] == recording_id]


def test_processed_purged_and_forgotten_recordings_are_audited(run, entries):
    expired = _actions(entries, run.expired_id)
    assert expired[:1] == ["ingested"] and "processed" in expired and expired[-1] == "purged", expired
    forgotten = _actions(entries, run.forgotten_id)
    assert forgotten[:1] == ["ingested"] and "processed" in forgotten, forgotten
    assert "duplicate" in forgotten and forgotten[-1] == "forgotten", forgotten
    outcomes = {(e["action"], e["recording_id"]): e["outcome"] for e in entries}
    assert outcomes[("forgotten", run.forgotten_id)] == "removed"


def test_every_quarantined_item_is_audited(run, entries):
    folders = sorted(p.name.split("_")[0] for p in (run.root / "quarantine").iterdir())
    audited = sorted(e.get("item") or e["recording_id"] for e in entries if e["action"] == "quarantined")
    assert folders and audited == folders
    assert len(folders) == len(run.hostile) + 1  # every hostile input plus the one without consent


def test_audit_entries_hold_only_ids_codes_and_times(entries):
    for entry in entries:
        assert {"time", "action", "recording_id", "outcome", "actor"} <= entry.keys(), entry
        for key, value in entry.items():
            if isinstance(value, str) and key != "time":
                assert SAFE_VALUE.match(value), (key, value)


def test_audit_log_contains_no_names_or_transcript_text(run):
    text = (run.root / "audit.log").read_text(encoding="utf-8")
    assert len(run.personal_texts) > 10, "the scenario should have produced transcript words to check"
    found = [word for word in run.personal_texts if word.lower() in text.lower()]
    assert found == []
    for line in text.splitlines():
        json.loads(line)  # one JSON object a line, no free-text continuation lines


def test_audit_log_is_owner_only(run):
    assert stat.S_IMODE((run.root / "audit.log").stat().st_mode) == 0o600
