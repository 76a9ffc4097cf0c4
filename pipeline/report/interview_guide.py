"""The client-interview guide: a printable sheet for the researcher who interviews the client.

The method's second source is the client's own view of the conversation, gathered with
video fragments. From the sheet's fragments this picks the 4-6 moments where the client's
experience matters most (emotion, resistance, a long silence after a question, advice given,
the agenda), in that order of priority and then in time order, and asks about each a few
short, open questions in plain Dutch, with room to write the answers. It shows times and a
neutral hint of what happens, never analysis terms or counts: the client is not scored, and
neither is the klantmanager. All wording is in ``report.interview.texts_file``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from markupsafe import Markup

from pipeline.errors import ConfigError
from pipeline.fragments import clock
from pipeline.fsutil import atomic_write_text
from pipeline.report.sheet import _render, load_texts
from pipeline.report.since import format_date
from pipeline.settings import Settings
from pipeline.settings.yaml_files import read_mapping
from pipeline.types import Analysis, Event, Fragment

GUIDE_FILE = "interview_guide.html"
TEMPLATES = Path(__file__).with_name("templates")
# The moments worth the client's view, most important first.
PRIORITY = ("emotion", "resistance", "silence", "advice", "agenda")


@dataclass
class GuideItem:
    """One fragment to show the client, with what to ask."""

    number: int
    range: str
    cue: str
    questions: list[str]


@lru_cache(maxsize=4)
def _load(path: Path) -> dict[str, Any]:
    data = read_mapping(path, "interview guide texts file", "check report.interview.texts_file")
    if not isinstance(data.get("moments"), dict):
        raise ConfigError(f"{path}: the interview guide texts need a 'moments' mapping")
    missing = [kind for kind in (*PRIORITY, "other") if kind not in data["moments"]]
    if missing:
        raise ConfigError(f"{path}: moments {', '.join(missing)} missing from the interview guide texts")
    return data


def interview_texts(settings: Settings) -> dict[str, Any]:
    """The guide's Dutch texts (``config/interview_texts.nl.yaml`` by default)."""
    return _load(settings.resolve(settings.report.interview.texts_file))


def _moment(event: Event, long_silence_s: float) -> str | None:
    if event.type in ("emotion", "resistance", "advice"):
        return event.type
    if event.type in ("agenda", "goal"):
        return "agenda"
    if event.type == "question" and (event.answer_latency_s or 0.0) >= long_silence_s:
        return "silence"
    return None


def moment_of(fragment: Fragment, events: dict[str, Event], long_silence_s: float) -> str | None:
    """The most important kind of moment in the fragment for the client's view, if any."""
    kinds = {_moment(events[i], long_silence_s) for i in fragment.event_ids if i in events}
    return next((kind for kind in PRIORITY if kind in kinds), None)


def choose(fragments: list[Fragment], analysis: Analysis, settings: Settings) -> list[tuple[Fragment, str]]:
    """Up to ``max_fragments`` fragments by priority, topped up to ``min_fragments``; in time order."""
    config = settings.report.interview
    events = {event.id: event for event in analysis.events}
    kinds = [moment_of(fragment, events, config.long_silence_s) for fragment in fragments]
    ranked = sorted((PRIORITY.index(kind), i) for i, kind in enumerate(kinds) if kind is not None)
    chosen = [i for _, i in ranked[: config.max_fragments]]
    others = [i for i, kind in enumerate(kinds) if kind is None]
    chosen += others[: max(0, config.min_fragments - len(chosen))]
    return [(fragments[i], kinds[i] or "other") for i in sorted(chosen, key=lambda i: fragments[i].start)]


def guide_items(fragments: list[Fragment], analysis: Analysis, settings: Settings) -> list[GuideItem]:
    """The guide's fragments with their cue and questions."""
    texts = interview_texts(settings)["moments"]
    return [
        GuideItem(
            number=number,
            range=f"{clock(fragment.start)}–{clock(fragment.end)}",
            cue=texts[kind]["cue"],
            questions=list(texts[kind]["questions"]),
        )
        for number, (fragment, kind) in enumerate(choose(fragments, analysis, settings), start=1)
    ]


def write_interview_guide(
    analysis: Analysis,
    fragments: list[Fragment],
    out_dir: Path,
    settings: Settings,
    recorded_on: date | None = None,
) -> list[Path]:
    """Write ``interview_guide.html`` (self-contained, printable) into ``out_dir``."""
    texts = interview_texts(settings)
    sheet_texts = load_texts(settings)
    context = {
        "g": texts,
        "date_line": texts["date_line"].format(date=format_date(recorded_on, sheet_texts))
        if recorded_on
        else texts["untitled_date_line"],
        "items": guide_items(fragments, analysis, settings),
        "css": Markup((TEMPLATES / "interview_guide.css").read_text(encoding="utf-8")),
    }
    return [atomic_write_text(Path(out_dir) / GUIDE_FILE, _render("interview_guide.html.j2", context))]
