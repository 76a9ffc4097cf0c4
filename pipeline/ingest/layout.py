"""Where everything lives under the data root (``--root`` or ``KIJKWIJZER_ROOT``).

inbox/                     incoming recordings and their .consent.yaml sidecars
work/<claim>/              files claimed from the inbox and not yet archived
archive/<recording-id>/    original media, consent.yaml, recording.json,
                           cache/ (stage results), out/ (current outputs),
                           research/ (pseudonymised exports), duplicates/
quarantine/<item>/         refused input files plus reason.txt
outbox/<klantmanager>/     sheets, written by the deliver stage
audit.log                  JSON lines without personal content
.prefect/                  Prefect's database (PREFECT_HOME)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.fsutil import private_dir
from pipeline.ingest.hashing import check_recording_id


@dataclass(frozen=True)
class RecordingPaths:
    """The archive folder of one recording."""

    dir: Path

    @property
    def recording_id(self) -> str:
        """The id, which is the folder's name."""
        return self.dir.name

    @property
    def meta(self) -> Path:
        """``recording.json``: consent, hashes, status."""
        return self.dir / "recording.json"

    @property
    def consent(self) -> Path:
        """The original sidecar, moved in untouched."""
        return self.dir / "consent.yaml"

    @property
    def cache(self) -> Path:
        """Stage results keyed by their cache keys (and Prefect's result records)."""
        return self.dir / "cache"

    @property
    def out(self) -> Path:
        """The current output files of the recording."""
        return self.dir / "out"

    @property
    def research(self) -> Path:
        """Pseudonymised exports, only when the client consented to research use."""
        return self.dir / "research"

    @property
    def duplicates(self) -> Path:
        """Later copies of the same content, kept (never deleted silently) but not processed."""
        return self.dir / "duplicates"

    def media(self, suffix: str) -> Path:
        """Where the original media with this suffix is kept."""
        return self.dir / f"original{suffix.lower()}"

    def find_media(self) -> Path | None:
        """The archived original, whatever its suffix (None also when the folder is gone)."""
        try:
            found = sorted(self.dir.glob("original.*"))
        except FileNotFoundError:  # removed while we looked (forget, purge)
            return None
        return found[0] if found else None


@dataclass(frozen=True)
class DataRoot:
    """The folders of one data root; create them with :meth:`ensure`."""

    path: Path

    @property
    def inbox(self) -> Path:
        return self.path / "inbox"

    @property
    def work(self) -> Path:
        return self.path / "work"

    @property
    def archive(self) -> Path:
        return self.path / "archive"

    @property
    def quarantine(self) -> Path:
        return self.path / "quarantine"

    @property
    def outbox(self) -> Path:
        return self.path / "outbox"

    @property
    def audit_log(self) -> Path:
        return self.path / "audit.log"

    @property
    def prefect_home(self) -> Path:
        return self.path / ".prefect"

    def ensure(self) -> DataRoot:
        """Create the root and its folders owner-only (0700)."""
        for folder in (self.inbox, self.work, self.archive, self.quarantine, self.outbox):
            private_dir(folder)
        return self

    def recording(self, recording_id: str) -> RecordingPaths:
        """The archive folder of ``recording_id`` (validated, so it cannot escape the root)."""
        return RecordingPaths(self.archive / check_recording_id(recording_id))

    def recordings(self) -> list[RecordingPaths]:
        """Every archived recording, in id order."""
        if not self.archive.is_dir():
            return []
        return [
            RecordingPaths(entry)
            for entry in sorted(self.archive.iterdir())
            if entry.is_dir() and not entry.is_symlink() and entry.name.startswith("rec-")
        ]
