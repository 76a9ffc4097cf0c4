"""Hostile inputs are refused or quarantined with a reason, and nothing is written outside the
data root.

The inbox cases run through the real `kijkwijzer watch --once` (the shared lifecycle scenario in
tests/privacy_helpers.py); `kijkwijzer process` and `forget` are checked directly, since they take
paths from the command line. Names that Linux itself cannot hold (over 255 bytes, containing a
slash) are checked on the name check the inbox uses.
"""

from __future__ import annotations

import pytest
from privacy_helpers import (
    KIJKWIJZER,
    YAML_BOMB,
    consent_text,
    guarded_environment,
    lifecycle,
    run_offline,
    short_clip,
    write_consent,
)

from pipeline.ingest.errors import IngestRefusal
from pipeline.ingest.gate import check_name
from pipeline.ingest.names import printable
from pipeline.settings import load_settings

INGEST = load_settings(environ={}).orchestration.ingest


@pytest.mark.slow
def test_every_hostile_inbox_item_is_quarantined_with_its_reason():
    run = lifecycle()
    assert run.results["watch"].returncode == 0, run.results["watch"].stderr[-3000:]
    for name, codes in run.hostile.items():
        code = run.quarantine_reasons.get(repr(printable(name)))
        assert code in codes, f"{name!r}: quarantined as {code!r}, expected one of {sorted(codes)}"


@pytest.mark.slow
def test_the_inbox_is_emptied_and_nothing_is_lost():
    run = lifecycle()
    assert list((run.root / "inbox").iterdir()) == []
    assert run.quarantine_reasons.get(repr(printable(run.no_consent_name))) == "no_consent"


@pytest.mark.slow
def test_nothing_is_written_outside_the_data_root():
    """Symlink targets, the source media and the escape attempts' targets are untouched."""
    run = lifecycle()
    assert run.outside_after == run.outside_before
    assert not (run.root.parent / "absoluut").exists()
    assert {p.name for p in (run.root / "outbox").iterdir()} <= {"a-de-vries"}  # no escaped names


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd.wav", "/etc/passwd.wav", "x" * 300 + ".wav", "a\nb.wav", "a\x1bb.wav", "..wav"],
)
def test_names_linux_cannot_store_are_refused_too(name):
    with pytest.raises(IngestRefusal):
        check_name(name, INGEST)


def _process(tmp_path, media, *extra):
    env, _ = guarded_environment(tmp_path)
    out = tmp_path / "out"
    argv = [str(KIJKWIJZER), "process", str(media), "--out", str(out), *extra]
    result = run_offline(argv, env, timeout=300)
    return result, out


def _assert_refused(result, out):
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kijkwijzer: error: "), result.stderr[-2000:]
    assert not out.exists()


def test_process_refuses_a_symlinked_recording(tmp_path):
    real = short_clip(tmp_path / "elders" / "gesprek.wav", seconds=2)
    link = tmp_path / "inbox" / "gesprek.wav"
    link.parent.mkdir()
    link.symlink_to(real)
    write_consent(link)
    _assert_refused(*_process(tmp_path, link))


@pytest.mark.parametrize(
    ("suffix", "content"),
    [(".mp4", b"<!DOCTYPE html><html><body>geen video</body></html>"), (".m4a", b"PK\x03\x04" + b"\0" * 64)],
)
def test_process_refuses_disguised_files(tmp_path, suffix, content):
    media = tmp_path / f"gesprek{suffix}"
    media.write_bytes(content)
    write_consent(media)
    _assert_refused(*_process(tmp_path, media))


@pytest.mark.parametrize(
    "consent",
    [
        YAML_BOMB,
        consent_text(klantmanager="A" * 200_000),
        consent_text(klantmanager="../../buiten"),
        consent_text(klantmanager="/etc/kijkwijzer"),
        consent_text(klantmanager="regel\\nbreuk"),  # a YAML escape, so a real newline
    ],
    ids=["alias-bomb", "huge-value", "dot-dot", "absolute", "newline"],
)
def test_process_refuses_hostile_consent(tmp_path, consent):
    media = short_clip(tmp_path / "gesprek.wav", seconds=2)
    write_consent(media, consent)
    _assert_refused(*_process(tmp_path, media))
    assert not (tmp_path / "buiten").exists()


@pytest.mark.parametrize("recording_id", ["../../etc", "/tmp", "rec-0123456789abcdef/../../x", "rec-\n"])
def test_forget_refuses_path_tricks(tmp_path, recording_id):
    env, _ = guarded_environment(tmp_path)
    root = tmp_path / "root"
    victim = tmp_path / "etc"
    victim.mkdir()
    (victim / "keep.txt").write_text("blijft", encoding="utf-8")
    result = run_offline([str(KIJKWIJZER), "forget", recording_id, "--root", str(root)], env, timeout=120)
    assert result.returncode == 2, result.stderr[-2000:]
    assert (victim / "keep.txt").read_text(encoding="utf-8") == "blijft"
