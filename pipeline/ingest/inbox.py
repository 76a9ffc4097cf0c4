"""Find complete files in the inbox and claim them atomically.

A file is complete when it has not been modified for ``settle_s`` seconds (a copy in
progress keeps refreshing the modification time) and does not carry a temporary name
(``.part``, ``.tmp``, hidden dot-files). Claiming is a rename into ``work/<claim>/`` on
the same file system, so a file is either still in the inbox or fully claimed, and a
crash leaves claims that the next run picks up again: nothing is lost or taken twice.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import secrets
import shutil
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from pipeline.fsutil import atomic_write_json, private_dir
from pipeline.ingest.layout import DataRoot
from pipeline.settings.orchestration import OrchestrationSettings

_CLAIM_FILE = "claim.json"


@dataclass(frozen=True)
class Claim:
    """Files taken from the inbox together, waiting to be archived or quarantined."""

    dir: Path
    original_name: str  # of the media (or of the stray sidecar / odd entry)
    media: Path | None
    sidecar: Path | None
    sidecar_name: str | None
    recording_id: str | None = None  # set once archiving of this claim has begun
    sha256: str | None = None

    @property
    def files(self) -> list[tuple[Path, str]]:
        """(claimed path, original name) of every file in the claim."""
        pairs = [(self.media, self.original_name), (self.sidecar, self.sidecar_name)]
        return [(path, name) for path, name in pairs if path is not None and name is not None]


@dataclass(frozen=True)
class Waiting:
    """An inbox entry left alone for now, and why (for ``kijkwijzer status``)."""

    name: str
    why: str


def _is_temporary(name: str, settings: OrchestrationSettings) -> bool:
    lowered = name.lower()
    return name.startswith(".") or any(lowered.endswith(s) for s in settings.watch.skip_suffixes)


def _age(info: os.stat_result, now: float) -> float:
    return now - max(info.st_mtime, info.st_ctime)


def scan_inbox(
    root: DataRoot, settings: OrchestrationSettings, now: float | None = None
) -> tuple[list[str], list[Waiting]]:
    """Split the inbox into names ready to claim and names still waiting."""
    now = time.time() if now is None else now
    suffix = settings.ingest.sidecar_suffix
    watch = settings.watch
    try:
        names = sorted(os.listdir(root.inbox))
    except FileNotFoundError:
        return [], []
    present = set(names)
    ready: list[str] = []
    waiting: list[Waiting] = []
    for name in names:
        if _is_temporary(name, settings):
            waiting.append(Waiting(name, "temporary name, skipped"))
            continue
        try:
            info = os.lstat(root.inbox / name)
        except FileNotFoundError:
            continue
        is_sidecar = name.endswith(suffix) and stat.S_ISREG(info.st_mode)
        if is_sidecar:
            media_name = name[: -len(suffix)]
            media_pending = media_name in present or any(
                n.startswith(media_name) and _is_temporary(n, settings) for n in present
            )
            if not media_pending and _age(info, now) >= watch.consent_grace_s:
                ready.append(name)  # a sidecar whose recording never came
            elif not media_pending:
                waiting.append(Waiting(name, "consent sidecar waiting for its recording"))
            continue
        if not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode):
            ready.append(name)  # symlinks, fifos, devices: refused at once, never opened
            continue
        if _age(info, now) < watch.settle_s:
            waiting.append(Waiting(name, "still being written"))
            continue
        sidecar = root.inbox / (name + suffix)
        try:
            sidecar_info = os.lstat(sidecar)
        except FileNotFoundError:
            sidecar_info = None
        if sidecar_info is not None and _age(sidecar_info, now) < watch.settle_s:
            waiting.append(Waiting(name, "consent sidecar still being written"))
        elif sidecar_info is None and _age(info, now) < watch.consent_grace_s:
            waiting.append(Waiting(name, "waiting for its consent sidecar"))
        else:
            ready.append(name)
    return ready, waiting


def _new_claim_dir(root: DataRoot) -> Path:
    return private_dir(root.work / f"claim-{int(time.time())}-{secrets.token_hex(4)}")


def _claimed_name(original: str, settings: OrchestrationSettings) -> str:
    suffix = Path(original).suffix.lower() if "\n" not in original else ""
    return "media" + (suffix if suffix in settings.ingest.media_suffixes else "")


def claim(root: DataRoot, name: str, settings: OrchestrationSettings) -> Claim | None:
    """Move ``name`` (and its sidecar, if any) from the inbox into a new claim folder.

    Returns None when another process took the file first.
    """
    suffix = settings.ingest.sidecar_suffix
    is_stray_sidecar = name.endswith(suffix)
    folder = _new_claim_dir(root)
    sidecar_name = None if is_stray_sidecar else name + suffix
    atomic_write_json(folder / _CLAIM_FILE, {"original_name": name, "sidecar_name": sidecar_name})
    target = folder / ("consent.yaml" if is_stray_sidecar else _claimed_name(name, settings))
    try:
        os.rename(root.inbox / name, target)
    except FileNotFoundError:
        shutil.rmtree(folder)
        return None
    if is_stray_sidecar:
        return Claim(folder, name, None, target, name)
    return _claim_sidecar(root, folder, name, target, sidecar_name)


def _claim_sidecar(root: DataRoot, folder: Path, name: str, media: Path, sidecar_name: str) -> Claim:
    sidecar = folder / "consent.yaml"
    if not sidecar.exists() and not sidecar.is_symlink():
        with contextlib.suppress(FileNotFoundError):
            os.rename(root.inbox / sidecar_name, sidecar)
    present = sidecar.exists() or sidecar.is_symlink()
    return Claim(folder, name, media, sidecar if present else None, sidecar_name if present else None)


def pending_claims(root: DataRoot) -> list[Claim]:
    """Claims left by an interrupted run, completed with their sidecar if it is still in the inbox."""
    claims = []
    if not root.work.is_dir():
        return claims
    for folder in sorted(root.work.iterdir()):
        record = folder / _CLAIM_FILE
        if not record.is_file():
            shutil.rmtree(folder)  # interrupted before anything was moved in
            continue
        info = json.loads(record.read_text(encoding="utf-8"))
        name, sidecar_name = info["original_name"], info["sidecar_name"]
        files = [p for p in folder.iterdir() if p.name != _CLAIM_FILE]
        if info.get("recording_id"):
            media = next((p for p in files if p.name.startswith("media")), None)
            sidecar = folder / "consent.yaml"
            claims.append(
                Claim(
                    folder, name, media, sidecar if sidecar.exists() else None, sidecar_name,
                    info["recording_id"], info["sha256"],
                )
            )  # fmt: skip
            continue
        if not files:
            shutil.rmtree(folder)  # the file never left the inbox; it will be claimed afresh
            continue
        if sidecar_name is None:
            claims.append(Claim(folder, name, None, files[0], name))
            continue
        media = next((p for p in files if p.name.startswith("media")), None)
        if media is None:
            # Only the sidecar moved: impossible by claim order, but keep it reachable.
            claims.append(Claim(folder, name, None, files[0], sidecar_name))
            continue
        claims.append(_claim_sidecar(root, folder, name, media, sidecar_name))
    return claims


def mark_archiving(claim_: Claim, recording_id: str, sha256: str) -> Claim:
    """Record in the claim that its files are being moved into ``archive/<recording_id>``.

    After this point a crash can leave the media in the archive and the sidecar still in
    the claim; :func:`pending_claims` then returns the id so archiving is finished, not
    mistaken for a recording without consent.
    """
    record = claim_.dir / _CLAIM_FILE
    info = json.loads(record.read_text(encoding="utf-8"))
    info.update(recording_id=recording_id, sha256=sha256)
    atomic_write_json(record, info)
    return dataclasses.replace(claim_, recording_id=recording_id, sha256=sha256)


def release(claim_: Claim) -> None:
    """Remove an emptied claim folder once its files are archived or quarantined."""
    shutil.rmtree(claim_.dir, ignore_errors=True)
