"""Apply the researcher's fragment choices and notes to the proposed fragments.

Runs when the sheet is written (these records are a key input of the sheet stage only), so
accepting, removing, reordering or re-cutting fragments and writing notes never re-runs
the analysis. A fragment is named by its key, ``<theme>:<start ms>-<end ms>`` as first
proposed, or ``added:<record id>`` for one she added. After a re-analysis the proposal may
shift a little: a key then names the fragment of the same theme that overlaps its span
most (at least half, as intersection over union), so her choices stay with "the same"
moment. A record whose fragment is gone is reported as stale.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from pipeline.review.records import SHEET_KINDS, Correction
from pipeline.types import Analysis, Fragment

ADDED_THEME = "onderzoeker"  # the theme of a fragment the researcher added (its title is in the texts)
MIN_OVERLAP = 0.5


class FragmentNotes(BaseModel):
    """What the researcher wrote to one fragment."""

    researcher: str = ""  # her "vreemde ogen" observation
    client: str = ""  # what the client said about this moment in the interview


class ReviewedFragment(BaseModel):
    """A fragment as the desk shows it: its key, whether it stays, and its notes."""

    key: str
    fragment: Fragment
    accepted: bool = False
    added: bool = False
    removed: bool = False
    notes: FragmentNotes = Field(default_factory=FragmentNotes)


class Review(BaseModel):
    """The researcher's selection and notes for one recording."""

    fragments: list[ReviewedFragment]
    general_note: str = ""
    client_overall: str = ""
    stale: list[str] = Field(default_factory=list)

    def kept(self) -> list[ReviewedFragment]:
        """The fragments that go on the sheet, in her order."""
        return [item for item in self.fragments if not item.removed]

    @property
    def has_notes(self) -> bool:
        """Whether anything she wrote goes on the sheet."""
        return bool(self.general_note or self.client_overall) or any(
            item.notes.researcher or item.notes.client for item in self.kept()
        )


def fragment_key(fragment: Fragment) -> str:
    """The key of a proposed fragment."""
    return f"{fragment.theme}:{round(fragment.start * 1000)}-{round(fragment.end * 1000)}"


def _span(key: str) -> tuple[str, float, float] | None:
    theme, _, span = key.rpartition(":")
    start, _, end = span.partition("-")
    try:
        return theme, int(start) / 1000, int(end) / 1000
    except ValueError:
        return None


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    inter = max(0.0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union > 0 else 0.0


def _resolve(key: str | None, items: list[ReviewedFragment]) -> ReviewedFragment | None:
    if not key:
        return None
    for item in items:
        if item.key == key:
            return item
    parsed = _span(key)
    if parsed is None or key.startswith("added:"):
        return None
    theme, start, end = parsed
    scored = [
        (_overlap((start, end), (item.fragment.start, item.fragment.end)), item)
        for item in items
        if not item.added and item.fragment.theme == theme
    ]
    best = max(scored, key=lambda pair: pair[0], default=None)
    return best[1] if best is not None and best[0] >= MIN_OVERLAP else None


def _bounds(value: Any) -> tuple[float, float] | None:
    if not isinstance(value, dict):
        return None
    try:
        start, end = float(value["start"]), float(value["end"])
    except (KeyError, TypeError, ValueError):
        return None
    return (start, end) if end > start >= 0 else None


def _event_ids(analysis: Analysis, start: float, end: float) -> list[str]:
    return [event.id for event in analysis.events if event.start < end and event.end > start]


def apply_fragment_edits(
    fragments: list[Fragment], analysis: Analysis, records: list[Correction], texts: dict[str, Any]
) -> Review:
    """The proposal with the researcher's records applied in order.

    ``texts`` is the sheet texts' ``review`` section: the reason and questions of an added
    fragment.
    """
    items = [ReviewedFragment(key=fragment_key(f), fragment=f) for f in fragments]
    review = Review(fragments=items)
    for record in records:
        if record.kind not in SHEET_KINDS:
            continue
        if record.kind == "general_note":
            review.general_note = str(record.after or "").strip()
            continue
        if record.kind == "client_overall":
            review.client_overall = str(record.after or "").strip()
            continue
        if record.kind == "fragment_add":
            span = _bounds(record.after)
            if span is None:
                review.stale.append(record.id)
                continue
            added = Fragment(
                start=span[0],
                end=span[1],
                theme=ADDED_THEME,
                reason=texts["added_reason"],
                event_ids=_event_ids(analysis, *span),
                questions=list(texts["added_questions"]),
                score=0.0,
            )
            review.fragments.append(
                ReviewedFragment(key=f"added:{record.id}", fragment=added, added=True, accepted=True)
            )
            continue
        if record.kind == "fragment_order":
            order = [str(key) for key in record.after] if isinstance(record.after, list) else []
            chosen = [item for key in order if (item := _resolve(key, review.fragments)) is not None]
            ranked = list(dict.fromkeys(id(item) for item in chosen))
            rest = [item for item in review.fragments if id(item) not in ranked]
            by_id = {id(item): item for item in review.fragments}
            review.fragments = [by_id[i] for i in ranked] + rest
            continue
        item = _resolve(record.target, review.fragments)
        if item is None:
            review.stale.append(record.id)
        elif record.kind == "fragment_remove":
            item.removed = record.after is not False
        elif record.kind == "fragment_accept":
            item.accepted = record.after is not False
        elif record.kind == "fragment_bounds":
            span = _bounds(record.after)
            if span is None:
                review.stale.append(record.id)
            else:
                item.fragment = item.fragment.model_copy(update={"start": span[0], "end": span[1]})
        elif record.kind == "researcher_note":
            item.notes.researcher = str(record.after or "").strip()
        elif record.kind == "client_note":
            item.notes.client = str(record.after or "").strip()
    return review
