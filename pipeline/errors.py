"""Errors that end in a one-line message for the user instead of a traceback."""

from __future__ import annotations

from pathlib import Path


class KijkwijzerError(Exception):
    """A problem the user can fix: bad input, missing model, refused consent.

    The CLI prints ``str(error)`` on one line and exits with :attr:`exit_code`;
    a traceback is only shown with ``--debug``.
    """

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))


class MediaError(KijkwijzerError):
    """A media file cannot be decoded into audio."""

    def __init__(self, path: Path | str, problem: str, fix: str | None = None) -> None:
        text = f"{path}: {problem}"
        if fix:
            text += f" ({fix})"
        super().__init__(text)


class ConfigError(KijkwijzerError):
    """The configuration is unreadable, has an unknown key or a bad value."""


class ModelMissingError(KijkwijzerError):
    """A model file is absent or does not match its expected hash."""
