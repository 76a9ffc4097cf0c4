"""WebVTT and SRT writers over a neutral list of cues.

The transcription stage writes cues per ASR segment; after alignment the same
writers get one cue per turn with a voice (``<v klantmanager>``), which is the
form researchers correct by hand and feed back into ``kijkwijzer analyse``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Cue:
    """One subtitle cue; ``voice`` becomes a WebVTT voice tag."""

    start: float
    end: float
    text: str
    voice: str | None = None


def _timestamp(seconds: float, decimal: str) -> str:
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{decimal}{millis:03d}"


def _clean(text: str) -> str:
    # "-->" or a blank line inside a cue would end it early.
    return " ".join(text.replace("-->", "->").split())


def to_webvtt(cues: list[Cue]) -> str:
    """Render cues as WebVTT with optional voice tags."""
    lines = ["WEBVTT", ""]
    for cue in cues:
        lines.append(f"{_timestamp(cue.start, '.')} --> {_timestamp(cue.end, '.')}")
        text = _clean(cue.text)
        lines.append(f"<v {cue.voice}>{text}" if cue.voice else text)
        lines.append("")
    return "\n".join(lines)


def to_srt(cues: list[Cue]) -> str:
    """Render cues as SRT; the voice, if any, is prefixed as ``voice: text``."""
    lines: list[str] = []
    for number, cue in enumerate(cues, start=1):
        text = _clean(cue.text)
        lines += [
            str(number),
            f"{_timestamp(cue.start, ',')} --> {_timestamp(cue.end, ',')}",
            f"{cue.voice}: {text}" if cue.voice else text,
            "",
        ]
    return "\n".join(lines)


_SENTENCE_END = (".", "?", "!", "…")


class TimedText(Protocol):
    """Anything with a start, an end and text: ASR words and aligned words alike."""

    start: float
    end: float
    text: str


def cues_from_words(
    words: Sequence[TimedText], max_cue_s: float, max_chars: int, voice: str | None = None
) -> list[Cue]:
    """Group timed words (anything with start/end/text) into readable cues.

    Batched Whisper returns ~30 s segments; subtitles and hand correction need
    cue-sized pieces, so a cue ends at a sentence end or when it grows too long.
    """
    cues: list[Cue] = []
    current: list[TimedText] = []
    for word in words:
        if current and (
            word.end - current[0].start > max_cue_s
            or len(" ".join(w.text for w in current)) + len(word.text) > max_chars
        ):
            cues.append(Cue(current[0].start, current[-1].end, " ".join(w.text for w in current), voice))
            current = []
        current.append(word)
        if word.text.endswith(_SENTENCE_END):
            cues.append(Cue(current[0].start, current[-1].end, " ".join(w.text for w in current), voice))
            current = []
    if current:
        cues.append(Cue(current[0].start, current[-1].end, " ".join(w.text for w in current), voice))
    return cues
