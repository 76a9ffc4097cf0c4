"""Outbox delivery: folder layout, owner-only files, media modes, and the SMTP notice on loopback."""

from __future__ import annotations

import os
import socket
import stat
from collections.abc import Iterator
from datetime import date
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from pipeline.deliver import safe_folder_name, safe_recording_id
from pipeline.deliver.outbox import deliver, media_name, outbox_folder
from pipeline.errors import KijkwijzerError
from pipeline.settings import Settings, load_settings

KM = "A. de Vries"
DAY = date(2026, 11, 20)
SECRET = "Eerlijk gezegd schaam ik me ervoor"  # transcript text that must never be mailed


@pytest.fixture
def settings() -> Settings:
    return load_settings(environ={})


@pytest.fixture
def sheet_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "sheet"
    folder.mkdir()
    for name in ("sheet.html", "sheet.md", "sheet.pdf", "fragments.json"):
        (folder / name).write_text(f"{name}: {SECRET}", encoding="utf-8")
    return folder


@pytest.fixture
def media(tmp_path: Path) -> Path:
    path = tmp_path / "archive" / "Gesprek 12.MP4"
    path.parent.mkdir()
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + os.urandom(4096))
    return path


def test_outbox_layout_and_permissions(
    tmp_path: Path, sheet_dir: Path, media: Path, settings: Settings
) -> None:
    folder = deliver(sheet_dir, tmp_path / "outbox", KM, "rec-0142", DAY, media, settings)
    assert folder == tmp_path / "outbox" / "a-de-vries" / "2026-11-20_rec-0142"
    assert folder == outbox_folder(tmp_path / "outbox", KM, "rec-0142", DAY)
    names = sorted(path.name for path in folder.iterdir())
    assert names == ["fragments.json", "opname.mp4", "sheet.html", "sheet.md", "sheet.pdf"]
    assert media_name(media, settings) == "opname.mp4"
    assert (folder / "opname.mp4").read_bytes() == media.read_bytes()
    for path in [folder, folder.parent, *folder.iterdir()]:
        expected = 0o700 if path.is_dir() else 0o600
        assert stat.S_IMODE(path.stat().st_mode) == expected, path


def test_redelivery_replaces_the_files(
    tmp_path: Path, sheet_dir: Path, media: Path, settings: Settings
) -> None:
    deliver(sheet_dir, tmp_path / "outbox", KM, "rec-1", DAY, media, settings)
    (sheet_dir / "sheet.md").write_text("nieuw", encoding="utf-8")
    folder = deliver(sheet_dir, tmp_path / "outbox", KM, "rec-1", DAY, media, settings)
    assert (folder / "sheet.md").read_text(encoding="utf-8") == "nieuw"
    assert not [path for path in folder.iterdir() if path.name.startswith(".")]


@pytest.mark.parametrize("mode", ["symlink", "hardlink", "none"])
def test_media_modes(mode: str, tmp_path: Path, sheet_dir: Path, media: Path, settings: Settings) -> None:
    settings.deliver.media = mode
    folder = deliver(sheet_dir, tmp_path / "outbox", KM, "rec-2", DAY, media, settings)
    target = folder / "opname.mp4"
    if mode == "none":
        assert not target.exists()
        return
    assert target.read_bytes() == media.read_bytes()
    assert target.is_symlink() == (mode == "symlink")
    if mode == "hardlink":
        assert target.stat().st_ino == media.stat().st_ino


def test_missing_sheet_or_media_is_refused(
    tmp_path: Path, sheet_dir: Path, media: Path, settings: Settings
) -> None:
    (sheet_dir / "sheet.html").unlink()
    with pytest.raises(KijkwijzerError, match=r"sheet\.html missing"):
        deliver(sheet_dir, tmp_path / "outbox", KM, "rec-3", DAY, media, settings)
    (sheet_dir / "sheet.html").write_text("x", encoding="utf-8")
    with pytest.raises(KijkwijzerError, match="recording not found"):
        deliver(sheet_dir, tmp_path / "outbox", KM, "rec-3", DAY, tmp_path / "gone.mp4", settings)


def test_pdf_is_optional(tmp_path: Path, sheet_dir: Path, media: Path, settings: Settings) -> None:
    (sheet_dir / "sheet.pdf").unlink()
    folder = deliver(sheet_dir, tmp_path / "outbox", KM, "rec-4", DAY, media, settings)
    assert not (folder / "sheet.pdf").exists() and (folder / "sheet.html").exists()


@pytest.mark.parametrize(
    ("name", "folder"),
    [
        ("A. de Vries", "a-de-vries"),
        ("Ümit Çelik-Öztürk", "umit-celik-ozturk"),
        ("../../etc/passwd", "etc-passwd"),
        ("/absolute\nname\x00", "absolute-name"),
        (".hidden", "hidden"),
        ("x" * 300, "x" * 64),
    ],
)
def test_safe_folder_names(name: str, folder: str) -> None:
    assert safe_folder_name(name) == folder


def test_names_without_letters_are_refused() -> None:
    with pytest.raises(KijkwijzerError):
        safe_folder_name("../..")
    with pytest.raises(KijkwijzerError):
        safe_recording_id("///")
    assert safe_recording_id("../rec 0142/x") == "rec-0142-x"


class _Inbox:
    """aiosmtpd handler that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], Message]] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.messages.append(
            (envelope.mail_from, list(envelope.rcpt_tos), message_from_bytes(envelope.content))  # type: ignore[attr-defined]
        )
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server() -> Iterator[tuple[_Inbox, int]]:
    """A real SMTP server on loopback (aiosmtpd), for the length of one test."""
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def test_smtp_notice_without_transcript_content(
    tmp_path: Path, sheet_dir: Path, media: Path, settings: Settings, smtp_server: tuple[_Inbox, int]
) -> None:
    inbox, port = smtp_server
    smtp = settings.deliver.smtp
    smtp.enabled, smtp.port = True, port
    smtp.recipients = {KM: "a.devries@example.org"}
    folder = deliver(sheet_dir, tmp_path / "outbox", KM, "rec-5", DAY, media, settings)
    assert len(inbox.messages) == 1
    sender, recipients, message = inbox.messages[0]
    assert recipients == ["a.devries@example.org"] and sender == smtp.sender
    assert message["Subject"] == "Je voorbereidingsblad staat klaar"
    body = message.get_payload(decode=True).decode("utf-8")
    assert "Hallo A. de Vries" in body and "20 november 2026" in body and str(folder) in body
    assert SECRET not in body and "sheet.html" in body


def test_smtp_notice_skips_unknown_recipient(
    tmp_path: Path, sheet_dir: Path, media: Path, settings: Settings, smtp_server: tuple[_Inbox, int]
) -> None:
    inbox, port = smtp_server
    settings.deliver.smtp.enabled, settings.deliver.smtp.port = True, port
    deliver(sheet_dir, tmp_path / "outbox", KM, "rec-6", DAY, media, settings)
    assert inbox.messages == []


def test_failed_notice_keeps_the_delivery(
    tmp_path: Path, sheet_dir: Path, media: Path, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    closed_port = _free_port()  # a loopback port with nobody listening
    smtp = settings.deliver.smtp
    smtp.enabled, smtp.port, smtp.timeout_s = True, closed_port, 2
    smtp.recipients = {KM: "a.devries@example.org"}
    folder = deliver(sheet_dir, tmp_path / "outbox", KM, "rec-7", DAY, media, settings)
    assert (folder / "sheet.html").exists()
    assert "e-mail notice failed" in caplog.text
