"""Why an input was refused: a stable code for the audit log and a message for people."""

from __future__ import annotations

import errno

from pipeline.errors import KijkwijzerError


class IngestRefusal(KijkwijzerError):
    """An input that must not be processed; it goes to quarantine (or the CLI exits 2).

    ``code`` is a short fixed identifier (``no_consent``, ``not_media``, ...) that is safe
    to write to the audit log, which must never contain names or free text; the message
    may name the file and is only written next to the quarantined file and to the terminal.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class ConsentError(IngestRefusal):
    """The consent sidecar is missing, unreadable, incomplete or says no."""


DISK_FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT)


class DiskFullError(KijkwijzerError):
    """The data root's file system is full: nothing is refused or lost, the run stops.

    It is not the input's fault, so nothing is quarantined and the recording keeps its
    state; the next run, once there is space, finishes it.
    """

    code = "disk_full"


def disk_full_cause(error: BaseException | None) -> OSError | None:
    """The "no space left" error behind ``error`` (itself, a cause or a context), if any."""
    seen = 0
    while error is not None and seen < 20:
        if isinstance(error, OSError) and error.errno in DISK_FULL_ERRNOS:
            return error
        error = error.__cause__ or error.__context__
        seen += 1
    return None


def disk_full(where: object | None, error: OSError) -> DiskFullError:
    """The one-line error for a full disk under ``where`` (the data root or output folder)."""
    return DiskFullError(
        (f"{where}: " if where else "")
        + f"the disk is full ({error.strerror or 'no space left on device'}); "
        "nothing was lost or half-written: free space and run the command again"
    )
