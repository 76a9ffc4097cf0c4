"""What the review page shows for one recording: the current proposal with every record applied.

The page shows drafts too (records after the last publish), so the researcher sees her own
work; the pipeline applies only the published ones (:mod:`pipeline.review.stage_inputs`).
It reads the recording's current outputs (``out/transcript.json``, ``out/analysis.json``)
and the fragment proposal from the stage cache, whose layout is ``<stage>-<key>/result.json``
(``pipeline/stages/store.py``); after a run the cache holds one result per stage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from pipeline.align.conversation import split_sentences
from pipeline.errors import KijkwijzerError
from pipeline.fragments import clock, load_themes
from pipeline.ingest.layout import DataRoot, RecordingPaths
from pipeline.ingest.records import try_load_meta
from pipeline.report.sheet import load_texts
from pipeline.review.fragment_edits import ADDED_THEME, Review, apply_fragment_edits
from pipeline.review.hold import held_dir
from pipeline.review.records import Correction, is_published, load_records, published
from pipeline.review.turn_edits import apply_turn_edits, turn_target
from pipeline.settings import Settings
from pipeline.settings.yaml_files import read_mapping
from pipeline.types import Analysis, Conversation, Fragment, Turn

_FRAGMENTS = TypeAdapter(list[Fragment])
BOUND_TURNS = 6  # a fragment's edges can move this many turns either way


class NotReviewable(KijkwijzerError):
    """The recording has no finished outputs yet (still processing, failed or purged)."""


@lru_cache(maxsize=4)
def _load_texts(path: Path) -> dict[str, Any]:
    return read_mapping(path, "review page texts file", "check report.review_texts_file")


def review_texts(settings: Settings) -> dict[str, Any]:
    """The page's Dutch texts (``report.review_texts_file``)."""
    return _load_texts(settings.resolve(settings.report.review_texts_file))


@dataclass
class DeskWord:
    """A word of a turn: its text, whether it was heard uncertainly, and its start (ms)."""

    text: str
    unsure: bool
    start_ms: int


@dataclass
class DeskTurn:
    """One turn as the desk shows it."""

    target: str
    start: float
    end: float
    clock: str
    role: str
    text: str
    words: list[DeskWord]


@dataclass
class DeskFragment:
    """One fragment as the desk shows it, with the turn edges it may move to."""

    key: str
    number: int
    start: float
    end: float
    range: str
    theme_title: str
    reason: str
    accepted: bool
    added: bool
    removed: bool
    researcher_note: str
    client_note: str
    starts: list[tuple[float, str]] = field(default_factory=list)  # (seconds, clock) of turn starts
    ends: list[tuple[float, str]] = field(default_factory=list)


@dataclass
class Desk:
    """Everything the page needs for one recording."""

    recording_id: str
    recorded_on: date
    media: Path | None
    media_kind: str
    published: bool
    held: bool
    drafts: int
    stale: int
    turns: list[DeskTurn]
    fragments: list[DeskFragment]
    general_note: str
    client_overall: str


def reviewable(root: DataRoot) -> list[RecordingPaths]:
    """The archived recordings with finished outputs (the ids the server accepts)."""
    found = []
    for paths in root.recordings():
        meta = try_load_meta(paths)
        if meta is not None and meta.status == "done" and (paths.out / "transcript.json").is_file():
            found.append(paths)
    return found


@dataclass
class DeskRow:
    """One line of the desk's list of recordings (read without loading the transcripts)."""

    recording_id: str
    recorded_on: date
    published: bool
    held: bool


def desk_row(root: DataRoot, paths: RecordingPaths) -> DeskRow:
    """The list line of a reviewable recording."""
    meta = try_load_meta(paths)
    if meta is None:
        raise NotReviewable(f"{paths.recording_id}: recording.json missing or damaged")
    return DeskRow(
        recording_id=paths.recording_id,
        recorded_on=meta.consent.recorded_on,
        published=is_published(load_records(root, paths.recording_id)),
        held=(held_dir(root, paths.recording_id) / "sheet.html").is_file(),
    )


def proposed_fragments(paths: RecordingPaths) -> list[Fragment]:
    """The fragment stage's current result (the newest, should a run have left two)."""
    results = sorted(paths.cache.glob("fragments-*/result.json"), key=lambda p: p.stat().st_mtime_ns)
    if not results:
        raise NotReviewable(f"{paths.recording_id}: no fragments computed yet (run `kijkwijzer reprocess`)")
    return _FRAGMENTS.validate_json(results[-1].read_bytes())


def current_outputs(paths: RecordingPaths) -> tuple[Conversation, Analysis]:
    """The aligned conversation and analysis the sheet was last written from."""
    try:
        conversation = Conversation.model_validate_json((paths.out / "transcript.json").read_bytes())
        analysis = Analysis.model_validate_json((paths.out / "analysis.json").read_bytes())
    except (OSError, ValueError) as exc:
        raise NotReviewable(f"{paths.recording_id}: outputs missing or damaged ({exc})") from exc
    return conversation, analysis


def _turn_view(turn: Turn, uncertain_below: float) -> DeskTurn:
    return DeskTurn(
        target=turn_target(turn),
        start=turn.start,
        end=turn.end,
        clock=clock(turn.start),
        role=turn.role,
        text=turn.text,
        words=[DeskWord(w.text, w.probability < uncertain_below, round(w.start * 1000)) for w in turn.words],
    )


def _edges(
    turns: list[Turn], start: float, end: float
) -> tuple[list[tuple[float, str]], list[tuple[float, str]]]:
    first = min(range(len(turns)), key=lambda i: abs(turns[i].start - start), default=0)
    last = min(range(len(turns)), key=lambda i: abs(turns[i].end - end), default=0)
    near_start = turns[max(0, first - BOUND_TURNS) : first + BOUND_TURNS + 1]
    near_end = turns[max(0, last - BOUND_TURNS) : last + BOUND_TURNS + 1]
    starts = sorted({t.start for t in near_start} | {start})  # the current edge stays a choice
    ends = sorted({t.end for t in near_end} | {end})
    return [(s, clock(s)) for s in starts], [(e, clock(e)) for e in ends]


def _fragment_views(review: Review, turns: list[Turn], settings: Settings) -> list[DeskFragment]:
    themes = load_themes(settings).themes
    added_title = load_texts(settings)["review"]["added_theme"]
    views = []
    number = 0
    for item in review.fragments:
        fragment = item.fragment
        number += 0 if item.removed else 1
        theme = themes.get(fragment.theme)
        starts, ends = _edges(turns, fragment.start, fragment.end)
        views.append(
            DeskFragment(
                key=item.key,
                number=number if not item.removed else 0,
                start=fragment.start,
                end=fragment.end,
                range=f"{clock(fragment.start)}–{clock(fragment.end)}",
                theme_title=added_title
                if fragment.theme == ADDED_THEME
                else (theme.title if theme else fragment.theme),
                reason=fragment.reason,
                accepted=item.accepted,
                added=item.added,
                removed=item.removed,
                researcher_note=item.notes.researcher,
                client_note=item.notes.client,
                starts=starts,
                ends=ends,
            )
        )
    return views


def load_desk(root: DataRoot, recording_id: str, settings: Settings) -> Desk:
    """The desk of one reviewable recording, with all records (drafts too) applied."""
    paths = root.recording(recording_id)
    meta = try_load_meta(paths)
    if meta is None:
        raise NotReviewable(f"{recording_id}: recording.json missing or damaged")
    conversation, analysis = current_outputs(paths)
    records: list[Correction] = load_records(root, recording_id)
    language = settings.align.spacy_language
    fixed, stale_turns = apply_turn_edits(
        conversation, records, lambda words: split_sentences(words, language)
    )
    review = apply_fragment_edits(
        proposed_fragments(paths), analysis, records, load_texts(settings)["review"]
    )
    media = paths.find_media()
    suffix = media.suffix.lower().lstrip(".") if media else ""
    return Desk(
        recording_id=recording_id,
        recorded_on=meta.consent.recorded_on,
        media=media,
        media_kind="video" if suffix in settings.report.video_extensions else "audio",
        published=is_published(records),
        held=(held_dir(root, recording_id) / "sheet.html").is_file(),
        drafts=len(records) - len(published(records)),
        stale=len(stale_turns) + len(review.stale),
        turns=[_turn_view(turn, settings.fragments.uncertain_below) for turn in fixed.turns],
        fragments=_fragment_views(review, fixed.turns, settings),
        general_note=review.general_note,
        client_overall=review.client_overall,
    )
