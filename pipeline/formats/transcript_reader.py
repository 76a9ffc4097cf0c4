"""Read a transcript for ``kijkwijzer analyse``: the pipeline's transcript.json or a WebVTT.

Researchers correct transcripts by hand, usually in a subtitle editor, so besides the
pipeline's own ``transcript.json`` (a :class:`~pipeline.types.Conversation`) a WebVTT with
voice tags is accepted: ``<v klantmanager>`` is the klantmanager, ``<v client>`` or
``<v cliënt>`` the client (case-insensitive; the names are configurable), any other voice an
``other`` participant. Cue times are the turn times; consecutive cues of one voice closer than
``analysis.vtt_merge_gap_s`` form one turn (editors split long turns into short cues), and
word times are interpolated over each cue by character position. Cues of different voices
that overlap in time become :class:`~pipeline.types.Overlap` records; the one who starts later
and talks on past the other's end interrupts.

Any problem with the input is a :class:`TranscriptError`: one line naming the file, the
problem and the fix. These readers face hand-edited and hostile files, so they check
everything they rely on and never let another exception escape.
"""

from __future__ import annotations

import html
import json
import math
import re
import unicodedata
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pipeline.errors import KijkwijzerError
from pipeline.settings.analysis import AnalysisSettings
from pipeline.types import Conversation, Overlap, Speaker, TimedWord, Turn

_TIMESTAMP = r"(?:(\d{1,6}):)?([0-5]?\d):([0-5]\d)[.,](\d{1,3})"
_TIMING = re.compile(rf"^\s*{_TIMESTAMP}\s*-->\s*{_TIMESTAMP}(?:\s.*)?$")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?(?:\s+([^>]*))?>", re.IGNORECASE)
_TAG = re.compile(r"</?[^>]*>")


class TranscriptError(KijkwijzerError):
    """A transcript file cannot be read as a conversation."""

    def __init__(self, source: str, problem: str, fix: str) -> None:
        super().__init__(f"{source}: {problem} ({fix})")


@dataclass(frozen=True)
class _Cue:
    start: float
    end: float
    voice: str
    text: str


def _fold(name: str) -> str:
    """Lowercase without accents, so "Cliënt" and "client" are the same voice."""
    decomposed = unicodedata.normalize("NFKD", name.strip().casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _seconds(groups: tuple[str | None, ...]) -> float:
    hours, minutes, seconds, millis = groups
    return (
        int(hours or 0) * 3600
        + int(minutes or 0) * 60
        + int(seconds or 0)
        + int((millis or "0").ljust(3, "0")) / 1000
    )


def _voice_spans(payload: str) -> list[tuple[str | None, str]]:
    """Split a cue payload into (voice, text) spans; text before any voice tag has voice None."""
    spans: list[tuple[str | None, str]] = []
    voice: str | None = None
    position = 0
    for match in _VOICE.finditer(payload):
        spans.append((voice, payload[position : match.start()]))
        voice = (match.group(1) or "").strip() or None
        position = match.end()
    spans.append((voice, payload[position:]))
    cleaned = []
    for name, text in spans:
        plain = " ".join(html.unescape(_TAG.sub(" ", text)).split())
        if plain:
            cleaned.append((name, plain))
    return cleaned


def _parse_cues(text: str, source: str) -> list[_Cue]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not lines or not re.match(r"^WEBVTT(?:[ \t].*)?$", lines[0]):
        raise TranscriptError(source, "not a WebVTT file: the first line must be 'WEBVTT'", "check the file")
    cues: list[_Cue] = []
    previous_voice: str | None = None
    i = 1
    while i < len(lines):
        match = _TIMING.match(lines[i]) if "-->" in lines[i] else None
        if match is None:
            i += 1
            continue
        line_number = i + 1
        start, end = _seconds(match.groups()[:4]), _seconds(match.groups()[4:])
        if end < start:
            raise TranscriptError(source, f"cue at line {line_number} ends before it starts", "fix its times")
        i += 1
        payload_lines = []
        while i < len(lines) and lines[i].strip() and "-->" not in lines[i]:
            payload_lines.append(lines[i])
            i += 1
        spans = _voice_spans(" ".join(payload_lines))
        total = sum(len(t) for _, t in spans) or 1
        cursor = start
        for name, span_text in spans:
            voice = name or previous_voice
            if voice is None:
                raise TranscriptError(
                    source,
                    f"cue at line {line_number} has no voice tag",
                    "start each speaker's text with <v klantmanager>, <v client> or <v NAME>",
                )
            share = (end - start) * len(span_text) / total
            cues.append(_Cue(cursor, cursor + share, voice, span_text))
            cursor += share
            previous_voice = voice
    if not cues:
        raise TranscriptError(source, "the WebVTT file has no cues with text", "check the file")
    return sorted(cues, key=lambda cue: cue.start)


def _speakers(cues: list[_Cue], settings: AnalysisSettings) -> dict[str, Speaker]:
    names = {_fold(alias): role for role, aliases in settings.vtt_voices.items() for alias in aliases}
    speakers: dict[str, Speaker] = {}
    others = 0
    for cue in cues:
        key = _fold(cue.voice)
        if key in speakers:
            continue
        role = names.get(key, "other")
        if role == "other":
            others += 1
            label = "other" if others == 1 else f"other{others}"
            speakers[key] = Speaker(id=cue.voice.strip(), role="other", label=label)
        else:
            speakers[key] = Speaker(id=role, role=role, label=role)  # type: ignore[arg-type]
    return speakers


def _cue_words(cue: _Cue, speaker: str) -> list[TimedWord]:
    """The cue's words with times interpolated by character position (cue-level timing only)."""
    words = cue.text.split()
    total = max(1, len(cue.text))
    out, position = [], 0
    for word in words:
        offset = cue.text.index(word, position)
        position = offset + len(word)
        start = cue.start + (cue.end - cue.start) * offset / total
        end = cue.start + (cue.end - cue.start) * position / total
        out.append(TimedWord(start=round(start, 3), end=round(end, 3), text=word, speaker=speaker))
    return out


def _overlaps(cues: list[_Cue], speakers: dict[str, Speaker]) -> list[Overlap]:
    overlaps = []
    for before, after in pairwise(cues):
        first, second = speakers[_fold(before.voice)], speakers[_fold(after.voice)]
        if first.id == second.id or after.start >= before.end:
            continue
        takes_turn = after.end > before.end
        overlaps.append(
            Overlap(
                start=after.start,
                end=min(before.end, after.end),
                speakers=[first.id, second.id],
                interrupter=second.id if takes_turn else None,
                interrupted=first.id if takes_turn else None,
            )
        )
    return overlaps


def parse_webvtt(
    text: str, source: str = "<webvtt>", settings: AnalysisSettings | None = None
) -> Conversation:
    """A conversation from WebVTT text with voice tags."""
    settings = settings or AnalysisSettings()
    cues = _parse_cues(text.lstrip("\ufeff"), source)
    speakers = _speakers(cues, settings)
    turns: list[Turn] = []
    groups: list[list[_Cue]] = []
    for cue in cues:
        last = groups[-1][-1] if groups else None
        same = last is not None and _fold(last.voice) == _fold(cue.voice)
        if same and cue.start - last.end <= settings.vtt_merge_gap_s:  # type: ignore[union-attr]
            groups[-1].append(cue)
        else:
            groups.append([cue])
    for index, group in enumerate(groups):
        speaker = speakers[_fold(group[0].voice)]
        words = [word for cue in group for word in _cue_words(cue, speaker.id)]
        text = " ".join(cue.text for cue in group)
        turns.append(
            speaker.turn(index, text, words, round(group[0].start, 3), round(max(c.end for c in group), 3))
        )
    duration = max(cue.end for cue in cues)
    return Conversation(
        duration_s=round(duration, 3),
        speakers=list(speakers.values()),
        turns=turns,
        overlaps=_overlaps(cues, speakers),
    )


def _check_times(conversation: Conversation, source: str) -> None:
    items: list[tuple[str, Any]] = [("duration_s", conversation.duration_s)]
    for turn in conversation.turns:
        items += [(f"turn {turn.index} start", turn.start), (f"turn {turn.index} end", turn.end)]
        items += [
            (f"turn {turn.index} sentence {s.index}", t) for s in turn.sentences for t in (s.start, s.end)
        ]
        items += [(f"turn {turn.index} word '{w.text}'", t) for w in turn.words for t in (w.start, w.end)]
    for where, value in items:
        if not math.isfinite(value) or value < 0:
            raise TranscriptError(source, f"{where} has an impossible time {value!r}", "fix the times")
    for turn in conversation.turns:
        if turn.end < turn.start:
            raise TranscriptError(source, f"turn {turn.index} ends before it starts", "fix its times")


def parse_conversation_json(text: str, source: str = "<json>") -> Conversation:
    """A conversation from the pipeline's transcript.json (``Conversation`` as JSON)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TranscriptError(source, f"not valid JSON at line {exc.lineno}", "check the file") from exc
    except RecursionError as exc:
        raise TranscriptError(source, "JSON is nested too deeply", "check the file") from exc
    if not isinstance(data, dict):
        raise TranscriptError(source, "expected a JSON object with 'turns'", "use kijkwijzer process output")
    if "turns" not in data:
        hint = "an ASR-only transcript has no speakers" if "segments" in data else "no 'turns' key"
        raise TranscriptError(
            source, f"not a conversation transcript: {hint}", "use the transcript.json of kijkwijzer process"
        )
    known = {name: data[name] for name in Conversation.model_fields if name in data}
    try:
        conversation = Conversation.model_validate(known)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "document"
        problem = (
            f"missing '{where}'" if first["type"] == "missing" else f"bad value at '{where}': {first['msg']}"
        )
        raise TranscriptError(source, problem, "fix or regenerate the file") from exc
    except RecursionError as exc:
        raise TranscriptError(source, "JSON is nested too deeply", "check the file") from exc
    _check_times(conversation, source)
    return conversation


def read_transcript(path: Path, settings: AnalysisSettings | None = None) -> Conversation:
    """Read ``transcript.json`` or a WebVTT (by content, falling back on the extension)."""
    settings = settings or AnalysisSettings()
    path = Path(path)
    source = str(path)
    try:
        if not path.is_file():
            raise TranscriptError(source, "no such file", "check the path")
        if path.stat().st_size > settings.transcript_max_bytes:
            raise TranscriptError(
                source,
                "file is too large for a transcript",
                "raise analysis.transcript_max_bytes if it is real",
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise TranscriptError(
            source, f"cannot read the file: {exc.strerror or exc}", "check permissions"
        ) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TranscriptError(source, "not UTF-8 text", "save the transcript as UTF-8") from exc
    head = text.lstrip()[:6]
    if head.startswith("WEBVTT") or (path.suffix.lower() == ".vtt" and not head.startswith("{")):
        return parse_webvtt(text, source, settings)
    if head.startswith("{") or path.suffix.lower() == ".json":
        return parse_conversation_json(text, source)
    raise TranscriptError(
        source, "neither WebVTT nor transcript JSON", "give a .vtt with voice tags or transcript.json"
    )
