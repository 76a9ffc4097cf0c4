"""Write the reflection prep sheet: sheet.html, sheet.md, sheet.pdf and fragments.json.

The HTML is one self-contained file (inline CSS, SVG and a few lines of script; no
network, no CDN) that works from ``file://`` with the recording next to it. The Markdown
carries the same content for people who read in a text editor or import it elsewhere, and
the PDF is Chromium's print of the HTML. All wording comes from the texts file and the
themes file; transcript text is untrusted and always escaped.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2
from markupsafe import Markup

from pipeline.errors import ConfigError
from pipeline.fragments import ThemeCatalog, clock, load_themes
from pipeline.fragments.confidence import WordIndex, confident, uncertain_ids
from pipeline.fsutil import atomic_write_text, private_dir
from pipeline.intentions import History, load_metric_catalog
from pipeline.report import svg
from pipeline.report.counts import amount, counted, noun, phrase
from pipeline.report.excerpts import Block, excerpt, line_words
from pipeline.report.glance import Fact, glance_facts
from pipeline.report.overview import Overview, build_overview
from pipeline.report.pdf import print_pdf
from pipeline.report.since import SinceRow, format_date, since_rows
from pipeline.review.fragment_edits import ADDED_THEME, FragmentNotes, Review
from pipeline.settings import Settings
from pipeline.settings.report import ReportSettings
from pipeline.settings.yaml_files import read_mapping
from pipeline.types import Analysis, Conversation, Fragment

TEMPLATES = Path(__file__).with_name("templates")
DEFAULT_TEXTS = ReportSettings.model_fields["texts_file"].default  # named in error messages
_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|~])")


@dataclass
class FragmentView:
    """A fragment with everything the templates show for it."""

    number: int
    fragment: Fragment
    theme_title: str
    range: str
    blocks: list[Block]
    truncated: bool
    notes: FragmentNotes | None = None  # the researcher's and the client's words (review desk)


@lru_cache(maxsize=8)
def _load_texts(path: Path) -> dict[str, Any]:
    return read_mapping(path, "sheet texts file", "check report.texts_file")


def load_texts(settings: Settings) -> dict[str, Any]:
    """The sheet texts named by ``report.texts_file`` (``config/sheet_texts.nl.yaml`` by default)."""
    return _load_texts(settings.resolve(settings.report.texts_file))


def md_escape(value: object) -> str:
    """Make untrusted text inert in Markdown: no HTML, links, emphasis or table breaks."""
    text = " ".join(str(value).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


# CPython 3.11.7 can fail with "AST constructor recursion depth mismatch" when two threads
# compile code at once (the thread and Dask runners render sheets in parallel), so templates
# are compiled once per process, under a lock.
_COMPILE_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_escape
    env.filters["clock"] = clock
    return env


def _render(name: str, context: dict[str, Any]) -> str:
    try:
        with _COMPILE_LOCK:
            template = _environment().get_template(name)
        return template.render(**context)
    except jinja2.UndefinedError as exc:
        raise ConfigError(f"sheet texts: missing text ({exc.message}); compare with {DEFAULT_TEXTS}") from exc


def _facts(overview: Overview, texts: dict[str, Any], duration: str, uncertain: int) -> list[Fact]:
    try:
        return glance_facts(overview, texts, duration, uncertain)
    except KeyError as exc:
        raise ConfigError(f"sheet texts: missing text ({exc}); compare with {DEFAULT_TEXTS}") from exc


def _duration_text(seconds: float, texts: dict[str, Any]) -> str:
    minutes = round(seconds / 60)
    if minutes >= 2:
        return texts["glance"]["minutes"].format(value=minutes)
    return clock(seconds)


def _in_short(texts: dict[str, Any], overview: Overview, fragments: int, duration: str) -> str:
    """The opening lines: duration, questions, and how many fragments wait (counts that agree)."""
    words = texts["in_short"]
    none_word = texts["counts"]["none"]
    sentences = [
        words["duration"].format(duration=duration),
        phrase(words["questions"], overview.questions, open=amount(overview.open, none_word)),
        phrase(words["fragments"], fragments),
    ]
    return " ".join(sentence for sentence in sentences if sentence)


def closing_prompts(fragments: list[Fragment], texts: dict[str, Any], count: int) -> list[str]:
    """Prompts for the themes among the fragments first (in order), then the SLIM question once,
    then general ones."""
    by_theme = texts["prompts"]["by_theme"]
    prompts: list[str] = []
    for fragment in fragments:
        prompt = by_theme.get(fragment.theme)
        if prompt and prompt not in prompts:
            prompts.append(prompt)
    general = list(texts["prompts"]["general"])
    # keep room for the SLIM question and at least two general prompts: one about what went
    # well, one to take along
    themed = [*prompts[: max(count - 3, 1)], texts["prompts"]["slim"]]
    return themed + general[: count - len(themed)]


@dataclass
class TranscriptLine:
    """One turn of the full transcript: who, when, and the words."""

    role: str
    label: str
    start: float
    clock: str
    words: list[tuple[str, bool]]


def _transcript(
    conversation: Conversation, labels: dict[str, str], index: WordIndex, uncertain_below: float
) -> list[TranscriptLine]:
    return [
        TranscriptLine(
            role=turn.role,
            label=labels.get(turn.role, turn.role),
            start=turn.start,
            clock=clock(turn.start),
            words=[
                pair for sentence in turn.sentences for pair in line_words(sentence, index, uncertain_below)
            ],
        )
        for turn in sorted(conversation.turns, key=lambda turn: turn.start)
    ]


def _fragment_views(
    fragments: list[Fragment],
    conversation: Conversation,
    analysis: Analysis,
    texts: dict[str, Any],
    themes: ThemeCatalog,
    settings: Settings,
    index: WordIndex,
    review: Review | None,
) -> list[FragmentView]:
    views = []
    kept = review.kept() if review is not None else []
    if review is not None and len(kept) != len(fragments):
        raise ValueError("the reviewed fragments and the fragments to show differ")
    for number, fragment in enumerate(fragments, start=1):
        blocks, truncated = excerpt(
            fragment,
            conversation,
            analysis.events,
            texts["roles"],
            texts["marks"],
            settings.report.excerpt_max_sentences,
            index,
            settings.fragments.uncertain_below,
        )
        theme = themes.themes.get(fragment.theme)
        title = theme.title if theme else fragment.theme
        if fragment.theme == ADDED_THEME and review is not None:
            title = texts["review"]["added_theme"]
        views.append(
            FragmentView(
                number=number,
                fragment=fragment,
                theme_title=title,
                range=f"{clock(fragment.start)}–{clock(fragment.end)}",
                blocks=blocks,
                truncated=truncated,
                notes=kept[number - 1].notes if review is not None else None,
            )
        )
    return views


def _media(media_href: str | None, media_kind: str | None, settings: Settings) -> dict[str, str] | None:
    if not media_href:
        return None
    if media_kind is None:
        suffix = PurePosixPath(media_href.split("?")[0]).suffix.lower().lstrip(".")
        media_kind = "video" if suffix in settings.report.video_extensions else "audio"
    return {"href": media_href, "kind": media_kind}


def _fragments_json(views: list[FragmentView]) -> list[dict[str, Any]]:
    """``fragments.json``: the issue's fields first, then what a researcher's tool may want."""
    return [
        {
            "start": view.fragment.start,
            "end": view.fragment.end,
            "theme": view.fragment.theme,
            "reason": view.fragment.reason,
            "event_ids": view.fragment.event_ids,
            "questions": view.fragment.questions,
            "number": view.number,
            "theme_title": view.theme_title,
            "positive": view.fragment.positive,
            "score": view.fragment.score,
            **({"notes": view.notes.model_dump()} if view.notes is not None else {}),
            "excerpt": [
                {
                    "role": block.role,
                    "label": block.label,
                    "start": line.start,
                    "text": line.text,
                    "marks": line.marks,
                    "uncertain_words": line.uncertain_words,
                }
                for block in view.blocks
                for line in block.lines
            ],
        }
        for view in views
    ]


def _context(
    conversation: Conversation,
    analysis: Analysis,
    fragments: list[Fragment],
    settings: Settings,
    media_href: str | None,
    history: History | None,
    recorded_on: date | None,
    media_kind: str | None,
    review: Review | None = None,
) -> tuple[dict[str, Any], list[FragmentView]]:
    texts = load_texts(settings)
    themes = load_themes(settings)
    index = WordIndex(conversation)
    uncertain = uncertain_ids(analysis, conversation, settings.fragments)
    # the sheet counts only what was heard clearly enough (pipeline.fragments.confidence)
    counted_analysis = confident(analysis, conversation, settings.fragments)
    overview: Overview = build_overview(counted_analysis, conversation, settings)
    views = _fragment_views(fragments, conversation, counted_analysis, texts, themes, settings, index, review)
    labels = texts["roles"]
    since: list[SinceRow] | None = None
    if history is not None and (history.intentions or history.records):
        since = since_rows(
            history, overview.metrics, conversation.duration_s, load_metric_catalog(settings), texts, settings
        )
    glance = texts["glance"]
    duration = _duration_text(conversation.duration_s, texts)
    media = _media(media_href, media_kind, settings)
    transcript = _transcript(conversation, labels, index, settings.fragments.uncertain_below)
    context = {
        "t": texts,
        "date_line": texts["date_line"].format(date=format_date(recorded_on, texts))
        if recorded_on
        else texts["untitled_date_line"],
        "duration": duration,
        "o": overview,
        "facts": _facts(overview, texts, duration, sum(1 for e in analysis.events if e.id in uncertain)),
        "labels": labels,
        "fragments": views,
        "review": review,
        "media": media,
        "media_name": PurePosixPath(media_href.split("?")[0]).name if media_href else None,
        "since": since,
        "has_history": history is not None,
        "prompts": closing_prompts(fragments, texts, settings.report.closing_prompts),
        "timeline": svg.timeline(
            conversation,
            counted_analysis.events,
            fragments,
            labels,
            settings.report.timeline_width,
            glance["timeline_title"],
            described_by="timeline-moments",
        ),
        "share_bar": svg.talk_share_bar(overview.talk_share, labels, glance["talk_share_title"]),
        "legend": {kind: svg.legend_marker(kind) for kind in ("open", "closed", "summary", "fragment")},
        "role_colours": svg.ROLE_COLOURS,
        "transcript": transcript,
        "has_uncertain": any(unsure for line in transcript for _, unsure in line.words),
        "css": Markup((TEMPLATES / "sheet.css").read_text(encoding="utf-8")),
        "script": Markup((TEMPLATES / "sheet.js").read_text(encoding="utf-8")),
        "in_short": _in_short(texts, overview, len(fragments), duration),
        "noun": noun,
        "phrase": phrase,
        "counted": lambda forms, n: counted(forms, n, texts["counts"]["none"]),
    }
    return context, views


def write_sheet(
    conversation: Conversation,
    analysis: Analysis,
    fragments: list[Fragment],
    out_dir: Path,
    settings: Settings,
    media_href: str | None = None,
    history: History | None = None,
    *,
    recorded_on: date | None = None,
    media_kind: str | None = None,
    review: Review | None = None,
    earlier: Iterable[Path] = (),
) -> list[Path]:
    """Write sheet.html, sheet.md, fragments.json and (when enabled) sheet.pdf into ``out_dir``.

    ``media_href`` is the recording as the HTML should load it, usually a file name next to
    the sheet (``pipeline.deliver.outbox.media_name``); without it the sheet has no player.
    ``media_kind`` ("video" or "audio") defaults to a guess from the extension.
    ``history`` (``pipeline.intentions.load_history``) adds "Sinds vorige keer".
    ``review`` (``pipeline.review``), when a researcher published the sheet, must hold the
    same fragments in its kept list; it adds her notes and the client's feedback, marked as theirs.
    ``earlier``: folders of sheets written before, whose PDF is reused for identical HTML.
    """
    out_dir = private_dir(Path(out_dir))
    context, views = _context(
        conversation, analysis, fragments, settings, media_href, history, recorded_on, media_kind, review
    )
    html_path = atomic_write_text(out_dir / "sheet.html", _render("sheet.html.j2", context))
    md_path = atomic_write_text(out_dir / "sheet.md", _render("sheet.md.j2", context))
    json_path = atomic_write_text(
        out_dir / "fragments.json", json.dumps(_fragments_json(views), ensure_ascii=False, indent=2) + "\n"
    )
    written = [html_path, md_path, json_path]
    if settings.report.pdf:
        written.append(print_pdf(html_path, out_dir / "sheet.pdf", settings.report, earlier))
    return written
