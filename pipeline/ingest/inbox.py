"""Find complete files in the inbox and claim them atomically.

A file is complete when it has not been modified for ``settle_s`` seconds (a copy in
progress keeps refreshing the modification time) and does not carry a temporary name
(``.part``, ``.tmp``, hidden dot-files). Claiming is a rename into a staging folder in
``work/`` on the same file system, which becomes ``work/claim-…`` once complete, so a file
is either still in the inbox or fully claimed, and a crash leaves claims that the next run
(holding the data root's lock) picks up again: nothing is lost or taken twice.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import json
import os
import secrets
import shutil
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.fsutil import FILE_MODE, atomic_write_text, private_dir
from pipeline.ingest.layout import DataRoot
from pipeline.ingest.names import NAME_MAX
from pipeline.settings.orchestration import OrchestrationSettings

_CLAIM_FILE = "claim.json"
_CLAIM_PREFIX = "claim-"
_STAGING_PREFIX = ".new-claim-"  # a claim being assembled; hidden and never picked up as such
_ASSEMBLY_LOCK = ".claims.lock"


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
    """Split the inbox into names ready to claim and names still waiting (read-only).

    An entry that cannot even be looked at (an odd name, a file system error on it) is
    ready: claiming and the gate then quarantine it with a reason, so one bad entry never
    blocks the others.
    """
    now = time.time() if now is None else now
    try:
        names = sorted(os.listdir(root.inbox))
    except FileNotFoundError:
        return [], []
    present = set(names)
    ready: list[str] = []
    waiting: list[Waiting] = []
    for name in names:
        try:
            why = _why_waiting(root, name, present, settings, now)
        except FileNotFoundError:
            continue  # taken or removed meanwhile
        except OSError:
            why = None
        if why is None:
            ready.append(name)
        elif why:
            waiting.append(Waiting(name, why))
    return ready, waiting


def _why_waiting(
    root: DataRoot, name: str, present: set[str], settings: OrchestrationSettings, now: float
) -> str | None:
    """Why ``name`` must wait; None when it is ready, "" when it is silently left alone."""
    suffix = settings.ingest.sidecar_suffix
    watch = settings.watch
    if _is_temporary(name, settings):
        return "temporary name, skipped"
    info = os.lstat(root.inbox / name)
    if name.endswith(suffix) and stat.S_ISREG(info.st_mode):
        media_name = name[: -len(suffix)]
        media_pending = media_name in present or any(
            n.startswith(media_name) and _is_temporary(n, settings) for n in present
        )
        if media_pending:
            return ""  # claimed together with its recording
        if _age(info, now) >= watch.consent_grace_s:
            return None  # a sidecar whose recording never came
        return "consent sidecar waiting for its recording"
    if not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode):
        return None  # symlinks, fifos, devices: refused at once, never opened
    if _age(info, now) < watch.settle_s:
        return "still being written"
    sidecar = sidecar_name_for(name, settings)
    if sidecar is None:
        return None  # no sidecar can ever have this name: refused now, not after the grace period
    try:
        sidecar_info = os.lstat(root.inbox / sidecar)
    except FileNotFoundError:
        sidecar_info = None
    if sidecar_info is not None and _age(sidecar_info, now) < watch.settle_s:
        return "consent sidecar still being written"
    if sidecar_info is None and _age(info, now) < watch.consent_grace_s:
        return "waiting for its consent sidecar"
    return None


@contextlib.contextmanager
def _assembling(root: DataRoot, exclusive: bool = False) -> Iterator[bool]:
    """The claims lock: shared while a claim is assembled, exclusive to tidy up orphans.

    Yields whether it was taken (the exclusive form never waits: a claim being assembled
    at that moment means its staging folder is not an orphan, so tidying waits for the
    next pass). The kernel releases the lock of a killed process, so a staging folder
    whose creator died can always be adopted.
    """
    private_dir(root.work)
    fd = os.open(root.path / _ASSEMBLY_LOCK, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        try:
            fcntl.flock(fd, (fcntl.LOCK_EX | fcntl.LOCK_NB) if exclusive else fcntl.LOCK_SH)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def _write_record(path: Path, info: dict[str, str | None]) -> None:
    """``claim.json`` in ASCII, so a name that is not valid UTF-8 survives until the gate refuses it."""
    atomic_write_text(path, json.dumps(info, ensure_ascii=True, indent=2) + "\n")


def _claimed_name(original: str, settings: OrchestrationSettings) -> str:
    suffix = Path(original).suffix.lower() if "\n" not in original else ""
    return "media" + (suffix if suffix in settings.ingest.media_suffixes else "")


def sidecar_name_for(name: str, settings: OrchestrationSettings) -> str | None:
    """``name`` plus the sidecar suffix, or None when that name could not exist on disk."""
    sidecar = name + settings.ingest.sidecar_suffix
    return sidecar if len(os.fsencode(sidecar)) <= NAME_MAX else None


def claim(root: DataRoot, name: str, settings: OrchestrationSettings) -> Claim | None:
    """Move ``name`` (and its sidecar, if any) from the inbox into a new claim folder.

    The claim is assembled in a hidden staging folder (``claim.json`` first, then the
    media, then the sidecar) and renamed to ``claim-…`` only when complete, so a
    ``claim-…`` folder never gains files afterwards and nobody can judge it empty while
    a file is on its way in. Returns None when another process took the file first.
    """
    suffix = settings.ingest.sidecar_suffix
    is_stray_sidecar = name.endswith(suffix)
    sidecar_name = None if is_stray_sidecar else name + suffix
    token = f"{int(time.time())}-{secrets.token_hex(4)}"
    with _assembling(root):
        staging = private_dir(root.work / f"{_STAGING_PREFIX}{token}")
        target = staging / ("consent.yaml" if is_stray_sidecar else _claimed_name(name, settings))
        try:
            _write_record(staging / _CLAIM_FILE, {"original_name": name, "sidecar_name": sidecar_name})
            os.rename(root.inbox / name, target)
        except FileNotFoundError:
            shutil.rmtree(staging)
            return None
        except BaseException:
            shutil.rmtree(staging)  # nothing moved in: the file is still in the inbox
            raise
        if not is_stray_sidecar:
            _move_sidecar(root, staging, name, settings)
        folder = root.work / f"{_CLAIM_PREFIX}{token}"
        os.rename(staging, folder)
    if is_stray_sidecar:
        return Claim(folder, name, None, folder / "consent.yaml", name)
    return _as_claim(folder, name, folder / target.name, sidecar_name)


def _move_sidecar(root: DataRoot, folder: Path, name: str, settings: OrchestrationSettings) -> None:
    """Move the media's sidecar from the inbox into ``folder`` if it is there."""
    sidecar = folder / "consent.yaml"
    inbox_name = sidecar_name_for(name, settings)
    if inbox_name is None or sidecar.exists() or sidecar.is_symlink():
        return  # no sidecar can have this name (the gate refuses the media), or it is in already
    with contextlib.suppress(FileNotFoundError):
        os.rename(root.inbox / inbox_name, sidecar)


def _as_claim(folder: Path, name: str, media: Path, sidecar_name: str | None) -> Claim:
    sidecar = folder / "consent.yaml"
    present = sidecar.exists() or sidecar.is_symlink()
    return Claim(folder, name, media, sidecar if present else None, sidecar_name if present else None)


def claims_in_work(root: DataRoot) -> int:
    """How many claims wait in ``work/`` (read-only, for ``status``; safe at any moment)."""
    try:
        return sum(1 for name in os.listdir(root.work) if name.startswith((_CLAIM_PREFIX, _STAGING_PREFIX)))
    except FileNotFoundError:
        return 0


def _adopt_orphans(root: DataRoot) -> None:
    """Turn staging folders of killed claimers into claims, or remove them when empty.

    Only runs when no claim is being assembled anywhere (the exclusive claims lock), so
    a staging folder seen here can gain no more files.
    """
    with _assembling(root, exclusive=True) as alone:
        if not alone:
            return
        for folder in sorted(root.work.iterdir()):
            if not folder.name.startswith(_STAGING_PREFIX) or not folder.is_dir():
                continue
            if any(p.name != _CLAIM_FILE and not p.name.startswith(".") for p in folder.iterdir()):
                os.rename(folder, root.work / (_CLAIM_PREFIX + folder.name.removeprefix(_STAGING_PREFIX)))
            else:
                shutil.rmtree(folder)  # killed before the file moved: it is still in the inbox


def pending_claims(root: DataRoot, settings: OrchestrationSettings) -> list[Claim]:
    """Claims left by an interrupted run, completed with their sidecar if it is still in the inbox.

    This tidies ``work/``, so call it only under the data root's lock (``root_lock``),
    as ``watch`` does; ``status`` uses :func:`claims_in_work`, which changes nothing.
    """
    if not root.work.is_dir():
        return []
    _adopt_orphans(root)
    claims = []
    for folder in sorted(root.work.iterdir()):
        if folder.name.startswith(_CLAIM_PREFIX) and folder.is_dir():
            found = _pending_claim(root, folder, settings)
            if found is not None:
                claims.append(found)
    return claims


def _pending_claim(root: DataRoot, folder: Path, settings: OrchestrationSettings) -> Claim | None:
    record = folder / _CLAIM_FILE
    files = sorted(p for p in folder.iterdir() if p.name != _CLAIM_FILE and not p.name.startswith("."))
    if not files and not record.is_file():
        shutil.rmtree(folder)  # its files were archived; only the removal was interrupted
        return None
    try:
        info = json.loads(record.read_text(encoding="utf-8"))
        name, sidecar_name = info["original_name"], info["sidecar_name"]
    except (OSError, ValueError, KeyError, TypeError):
        # No readable record (cannot happen by claim order): keep the files reachable; without
        # an original name the gate quarantines them, so a person can look.
        media = next((p for p in files if p.name.startswith("media")), None)
        sidecar = folder / "consent.yaml"
        has_sidecar = sidecar in files
        if media is None and not has_sidecar:
            return None  # nothing this code would have put there: left alone, not deleted
        return Claim(folder, "unknown-name", media, sidecar if has_sidecar else None,
                     "unknown-name.consent.yaml" if has_sidecar else None)  # fmt: skip
    media = next((p for p in files if p.name.startswith("media")), None)
    if info.get("recording_id"):
        sidecar = folder / "consent.yaml"
        return Claim(
            folder, name, media, sidecar if sidecar.exists() else None, sidecar_name,
            info["recording_id"], info["sha256"],
        )  # fmt: skip
    if not files:
        shutil.rmtree(folder)  # a claim whose files were all archived or quarantined
        return None
    if sidecar_name is None or media is None:
        # A stray sidecar, or (impossible by claim order) only the sidecar moved.
        return Claim(folder, name, None, files[0], sidecar_name or name)
    _move_sidecar(root, folder, name, settings)
    return _as_claim(folder, name, media, sidecar_name)


def mark_archiving(claim_: Claim, recording_id: str, sha256: str) -> Claim:
    """Record in the claim that its files are being moved into ``archive/<recording_id>``.

    After this point a crash can leave the media in the archive and the sidecar still in
    the claim; :func:`pending_claims` then returns the id so archiving is finished, not
    mistaken for a recording without consent.
    """
    record = claim_.dir / _CLAIM_FILE
    info = json.loads(record.read_text(encoding="utf-8"))
    info.update(recording_id=recording_id, sha256=sha256)
    _write_record(record, info)
    return dataclasses.replace(claim_, recording_id=recording_id, sha256=sha256)


def release(claim_: Claim) -> None:
    """Remove an emptied claim folder once its files are archived or quarantined."""
    shutil.rmtree(claim_.dir, ignore_errors=True)
