"""Why an input was refused: a stable code for the audit log and a message for people."""

from __future__ import annotations

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
