"""One inbox item never stops the pass: names at and over the file-name limit, mixed with good files.

A 244-byte recording name fits Linux's 255-byte limit, but its consent sidecar's name does
not; looking that sidecar up used to end every ``watch --once`` with ``OSError: [Errno 36]
File name too long`` and left every other file in the inbox. Every item must now end in the
archive or in quarantine with a reason.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest
from concurrency_helpers import CONSENT, SETTINGS, days_ago, watch_pass
from orchestration_helpers import cli

from pipeline.ingest.layout import DataRoot
from pipeline.ingest.records import load_meta

SUFFIX = SETTINGS.ingest.sidecar_suffix


def _name(total_bytes: int, stem: str = "g", ext: str = ".flac") -> str:
    """A name of exactly ``total_bytes`` bytes (multi-byte characters included)."""
    body = total_bytes - len(ext.encode()) - len(stem.encode())
    name = stem + "é" * (body // 2) + "x" * (body % 2) + ext
    assert len(name.encode()) == total_bytes
    return name


def _drop_mix(inbox: Path) -> dict[str, str | None]:
    """Every kind of name at the limit; returns sha256 of each dropped file -> expected
    quarantine code (None: archived)."""
    expected: dict[str, str | None] = {}
    number = 0

    def write(path: Path, data: bytes, code: str | None) -> None:
        path.write_bytes(data)
        expected[hashlib.sha256(data).hexdigest()] = code

    def media(name: str, with_consent: bool, code: str | None) -> None:
        nonlocal number
        number += 1
        write(inbox / name, b"fLaC" + os.urandom(32) + number.to_bytes(4, "big"), code)
        if with_consent:
            consent = CONSENT.format(number=number, recorded_on=days_ago(10)).encode()
            write(inbox / (name + SUFFIX), consent, code)

    for size in range(240, 256):  # 240-242: the sidecar still fits; 243-255: it cannot exist
        fits = size + len(SUFFIX) <= 255
        media(_name(size), with_consent=fits, code=None if fits else "name_too_long")
    media(_name(244, stem="issue"), with_consent=False, code="name_too_long")  # the reported case
    for size in (240, 250, 255):  # consent sidecars without a recording, at the limit
        consent = CONSENT.format(number=900 + size, recorded_on=days_ago(10)).encode()
        write(inbox / _name(size, stem="s", ext=SUFFIX), consent, "no_recording")
    media("gewoon-gesprek.flac", with_consent=True, code=None)
    media("tweede gesprek.flac", with_consent=True, code=None)
    media("zonder-toestemming.flac", with_consent=False, code="no_consent")
    media(os.fsdecode(b"ongeldig-\xff\xfe.flac"), with_consent=False, code="unsafe_name")  # not UTF-8
    write(inbox / "pagina.mp4", b"<!doctype html><html></html>", "not_media")
    return expected


def _where(root: DataRoot) -> dict[str, str | None]:
    """sha256 of every stored file -> its quarantine code (None: in the archive)."""
    found: dict[str, str | None] = {}
    for paths in root.recordings():
        for path in (paths.find_media(), paths.consent):
            found[hashlib.sha256(path.read_bytes()).hexdigest()] = None
    for item in root.quarantine.iterdir():
        code = (item / "reason.txt").read_text(encoding="utf-8").splitlines()[0].removeprefix("reason: ")
        for path in item.iterdir():
            if path.name != "reason.txt":
                found[hashlib.sha256(path.read_bytes()).hexdigest()] = code
    return found


def test_every_item_at_the_name_limit_ends_somewhere(tmp_path: Path) -> None:
    root = DataRoot(tmp_path / "data").ensure()
    expected = _drop_mix(root.inbox)
    watch_pass(root)
    assert os.listdir(root.inbox) == [] and os.listdir(root.work) == []
    assert _where(root) == expected
    assert len(root.recordings()) == 5  # three names of 240-242 bytes and the two ordinary ones
    assert all(load_meta(paths).status == "ingested" for paths in root.recordings())


@pytest.mark.slow
def test_watch_once_never_ends_with_an_internal_error(tmp_path: Path) -> None:
    """The real command: the pass finishes, exit code 0, and the inbox is emptied."""
    root = DataRoot(tmp_path / "data").ensure()
    expected = _drop_mix(root.inbox)
    time.sleep(1.2)  # fast.yaml: complete after 1 s
    result = cli("watch", "--once", "--root", str(root.path))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "internal error" not in result.stderr
    assert os.listdir(root.inbox) == [] and os.listdir(root.work) == []
    # The fake recordings with consent are archived, then refused by the decoder: quarantined too.
    assert root.recordings() == []
    where = _where(root)
    assert set(where) == set(expected)
    assert {sha: code for sha, code in where.items() if expected[sha] is not None} == {
        sha: code for sha, code in expected.items() if code is not None
    }
    assert {where[sha] for sha, code in expected.items() if code is None} == {"media_error"}


def test_a_claim_with_an_unreadable_record_is_quarantined_not_lost(tmp_path: Path) -> None:
    root = DataRoot(tmp_path / "data").ensure()
    folder = root.work / "claim-1-kapot"
    folder.mkdir(mode=0o700)
    (folder / "claim.json").write_text('{"original_na', encoding="utf-8")
    content = b"fLaC" + os.urandom(32)
    (folder / "media.flac").write_bytes(content)
    expected = _drop_mix(root.inbox)
    watch_pass(root)  # the other items are handled as always
    assert os.listdir(root.work) == [] and os.listdir(root.inbox) == []
    where = _where(root)
    assert where.pop(hashlib.sha256(content).hexdigest()) == "unsupported_type"  # no name, so no type
    assert where == expected
