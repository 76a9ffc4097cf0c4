"""Pseudonymised copies of everything researcher-facing.

Researchers see derived data only when the consent says ``research_use: true``, and then only
pseudonymised. Use one :class:`Pseudonymizer` per recording for all of its outputs, starting
with the conversation, so that [PERSOON-1] is the same person in the transcript, the events
and the fragments, numbered in the order people are first mentioned.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pipeline.errors import KijkwijzerError
from pipeline.fsutil import atomic_write_json, atomic_write_text
from pipeline.privacy.pseudonyms import Pseudonymizer
from pipeline.types import Analysis, Conversation, Fragment, Transcript

_TIMING_LINE = re.compile(r"-->")
_VOICE_TAG = re.compile(r"^(<v(?:\.[\w.-]+)?\s+)([^>]*)(>)")
_NO_TEXT_KEYS = frozenset(
    {"id", "type", "role", "speaker", "speaker_role", "label", "form", "focus", "theme", "backend"}
)


def pseudonymize_conversation(conversation: Conversation, pseudonymizer: Pseudonymizer) -> Conversation:
    """The conversation with names etc. replaced in turn, sentence and word texts."""
    turns = []
    for turn in conversation.turns:
        sentences = [s.model_copy(update={"text": pseudonymizer.text(s.text)}) for s in turn.sentences]
        turns.append(
            turn.model_copy(
                update={
                    "text": pseudonymizer.text(turn.text),
                    "words": pseudonymizer.words(turn.words),
                    "sentences": sentences,
                }
            )
        )
    return conversation.model_copy(update={"turns": turns})


def pseudonymize_transcript(transcript: Transcript, pseudonymizer: Pseudonymizer) -> Transcript:
    """The ASR transcript with segment and word texts pseudonymised."""
    segments = [
        segment.model_copy(
            update={"text": pseudonymizer.text(segment.text), "words": pseudonymizer.words(segment.words)}
        )
        for segment in transcript.segments
    ]
    return transcript.model_copy(update={"segments": segments})


def pseudonymize_analysis(analysis: Analysis, pseudonymizer: Pseudonymizer) -> Analysis:
    """Events and metrics with every free-text value pseudonymised (``events.csv``'s source)."""
    events = [
        event.model_copy(
            update={
                "text": pseudonymizer.text(event.text),
                "details": pseudonymize_json_value(event.details, pseudonymizer),
            }
        )
        for event in analysis.events
    ]
    return analysis.model_copy(
        update={"events": events, "metrics": pseudonymize_json_value(analysis.metrics, pseudonymizer)}
    )


def pseudonymize_fragments(fragments: Sequence[Fragment], pseudonymizer: Pseudonymizer) -> list[Fragment]:
    """Fragments with their reasons and questions pseudonymised (reasons may quote the client)."""
    return [
        fragment.model_copy(
            update={
                "reason": pseudonymizer.text(fragment.reason),
                "questions": [pseudonymizer.text(q) for q in fragment.questions],
            }
        )
        for fragment in fragments
    ]


def pseudonymize_json_value(value: Any, pseudonymizer: Pseudonymizer) -> Any:
    """Pseudonymise every string in a JSON-like value, except under keys that hold no free text."""
    if isinstance(value, str):
        return pseudonymizer.text(value)
    if isinstance(value, list):
        return [pseudonymize_json_value(item, pseudonymizer) for item in value]
    if isinstance(value, dict):
        return {
            key: item if key in _NO_TEXT_KEYS else pseudonymize_json_value(item, pseudonymizer)
            for key, item in value.items()
        }
    return value


def pseudonymize_csv_text(text: str, pseudonymizer: Pseudonymizer) -> str:
    """A CSV document (with header) with every cell pseudonymised, except pass-through columns."""
    passthrough = set(pseudonymizer.settings.csv_passthrough_columns)
    reader = csv.reader(io.StringIO(text, newline=""))
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    header = next(reader, None)
    if header is None:
        return ""
    writer.writerow(header)
    keep = [column in passthrough for column in header]
    for row in reader:
        writer.writerow(
            cell if (index < len(keep) and keep[index]) else pseudonymizer.text(cell)
            for index, cell in enumerate(row)
        )
    return out.getvalue()


def pseudonymize_subtitles(text: str, pseudonymizer: Pseudonymizer) -> str:
    """A WebVTT or SRT file with cue texts (and real-name voice tags) pseudonymised."""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped == "WEBVTT" or stripped.isdigit() or _TIMING_LINE.search(line):
            lines.append(line)
            continue
        voice = _VOICE_TAG.match(line)
        if voice:
            rest = line[voice.end() :]
            lines.append(
                voice.group(1)
                + pseudonymizer.text(voice.group(2))
                + voice.group(3)
                + pseudonymizer.text(rest)
            )
        else:
            lines.append(pseudonymizer.text(line))
    return "\n".join(lines) + ("\n" if text.endswith("\n") else "")


def pseudonymize_file(source: Path, target: Path, pseudonymizer: Pseudonymizer) -> Path:
    """Write a pseudonymised copy of one output file (owner-only, atomic).

    JSON that is a known stage model (conversation, transcript, analysis, fragments) is
    handled with its model, so that names split over timed words are still found; other
    JSON, CSV, WebVTT/SRT and text files are handled by their format.
    """
    source, target = Path(source), Path(target)
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KijkwijzerError(f"{source}: cannot read for pseudonymisation: {exc}") from exc
    suffix = source.suffix.lower()
    if suffix == ".json":
        return atomic_write_json(target, _pseudonymize_json_document(source, text, pseudonymizer))
    if suffix == ".csv":
        return atomic_write_text(target, pseudonymize_csv_text(text, pseudonymizer))
    if suffix in {".vtt", ".srt"}:
        return atomic_write_text(target, pseudonymize_subtitles(text, pseudonymizer))
    if suffix in {".txt", ".md"}:
        return atomic_write_text(target, "\n".join(pseudonymizer.text(line) for line in text.split("\n")))
    raise KijkwijzerError(
        f"{source}: no pseudonymisation for '{suffix}' files (only share json, csv, vtt, srt, txt, md)"
    )


def pseudonymize_files(sources: Iterable[Path], target_dir: Path, pseudonymizer: Pseudonymizer) -> list[Path]:
    """Pseudonymised copies of ``sources`` in ``target_dir``, under the same names."""
    return [
        pseudonymize_file(source, Path(target_dir) / Path(source).name, pseudonymizer) for source in sources
    ]


def _pseudonymize_json_document(source: Path, text: str, pseudonymizer: Pseudonymizer) -> Any:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise KijkwijzerError(f"{source}: not valid JSON at line {exc.lineno}: {exc.msg}") from exc
    for model, handler in (
        (Conversation, pseudonymize_conversation),
        (Transcript, pseudonymize_transcript),
        (Analysis, pseudonymize_analysis),
    ):
        try:
            parsed = model.model_validate(data)
        except ValidationError:
            continue
        return handler(parsed, pseudonymizer).model_dump(mode="json")
    if isinstance(data, list) and data and all(isinstance(item, dict) for item in data):
        try:
            fragments = [Fragment.model_validate(item) for item in data]
        except ValidationError:
            pass
        else:
            return [f.model_dump(mode="json") for f in pseudonymize_fragments(fragments, pseudonymizer)]
    return pseudonymize_json_value(data, pseudonymizer)
