"""Recognise media by its first bytes, not by its name.

An HTML page or a zip archive renamed to ``.mp4`` must not reach the decoder (FFmpeg
parses many formats, including some that can reference other files). Only content that
starts like a known audio or video container passes; anything else is described so the
quarantine reason says what the file really looks like.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

_HEAD_BYTES = 512
_MP4_BOXES = {b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}


@dataclass(frozen=True)
class Sniffed:
    """What the first bytes of a file look like."""

    is_media: bool
    kind: str  # e.g. "mp4", "flac", "html", "zip", "unknown"


# Leading bytes of formats recognised by a plain prefix; media first, then what a
# recording is often mistaken for (so the refusal can say what the file is instead).
_MEDIA_MAGIC = {
    b"fLaC": "flac",
    b"OggS": "ogg",
    b"\x1aE\xdf\xa3": "matroska",
    b"ID3": "mp3",
    b"#!AMR": "amr",
    b"0&\xb2u\x8ef\xcf\x11": "asf",
    b".snd": "au",
    b"FLV": "flv",
    b"\x00\x00\x01\xba": "mpeg-ps",
}
_OTHER_MAGIC = {
    b"PK\x03\x04": "zip",
    b"PK\x05\x06": "zip",
    b"%PDF": "pdf",
    b"\x1f\x8b": "gzip",
    b"\x7fELF": "executable",
    b"MZ": "executable",
    b"#!": "script",
    b"7z\xbc\xaf": "7z",
    b"Rar!": "rar",
}


def _by_magic(head: bytes, table: dict[bytes, str]) -> str | None:
    return next((kind for magic, kind in table.items() if head.startswith(magic)), None)


def _media_kind(head: bytes) -> str | None:
    if head[:4] in (b"RIFF", b"RF64") and head[8:12] in (b"WAVE", b"AVI "):
        return "wav" if head[8:12] == b"WAVE" else "avi"
    if head[4:8] in _MP4_BOXES:
        return "mp4"
    if kind := _by_magic(head, _MEDIA_MAGIC):
        return kind
    if head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
        return "aiff"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        return "mpeg-audio"  # MP3 frame sync or AAC ADTS
    if len(head) > 188 and head[0] == 0x47 and head[188] == 0x47:
        return "mpeg-ts"
    return None


def _other_kind(head: bytes) -> str:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype", b"<html", b"<head", b"<body", b"<script", b"<?xml", b"<svg")):
        return "html"
    if kind := _by_magic(head, _OTHER_MAGIC):
        return kind
    if text.startswith(b"<"):
        return "html"
    if head and all(32 <= b < 127 or b in (9, 10, 13) for b in head):
        return "text"
    return "unknown"


def sniff(path: Path) -> Sniffed:
    """Read the first bytes of ``path`` (never following a symlink) and classify them."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    try:
        head = os.read(fd, _HEAD_BYTES)
    finally:
        os.close(fd)
    kind = _media_kind(head)
    if kind is not None:
        return Sniffed(True, kind)
    return Sniffed(False, _other_kind(head))
