"""Research exports that open where researchers work: ELAN with event tiers, and MAXQDA/ATLAS.ti text.

``transcript.eaf`` (research folder) is the conversation's ELAN file (a tier per participant,
the overlaps) plus:

- a ``MEDIA_DESCRIPTOR`` linking the archived recording, with a relative URL
  (``../original.<ext>``, since the research folder sits in the recording's archive folder)
  so ELAN finds it wherever the archive is mounted;
- tiers for the analysis events: ``vraagvorm`` (open/gesloten), ``vraagfocus``
  (beleving/feit/anders), ``zelf-ingevuld``, ``gestapeld``, ``samenvatting``, one
  ``thema-<name>`` tier per other kind of moment present, and ``fragment`` (the sheet's
  fragments by theme). Each tier's type refers to a controlled vocabulary, so ELAN offers the
  same values for the researcher's own annotations. Event tiers hold only vocabulary values,
  never transcript text.

``transcript_maxqda.txt`` is the transcript as MAXQDA's and ATLAS.ti's transcript import reads
it: one paragraph per turn, starting with an f4-style timestamp ``#hh:mm:ss-d#`` and the
speaker label ("Klantmanager:"), paragraphs separated by a blank line.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pipeline.formats.conversation_files import conversation_eaf, eaf_bytes
from pipeline.fsutil import atomic_write_bytes, atomic_write_text
from pipeline.types import Analysis, Conversation, Event, Fragment

LANGUAGE = ("nld", "http://cdb.iso.org/lg/CDB-00138580-001", "Dutch (nld)")
FORMS = {"open": "open", "closed": "gesloten"}
FOCUSES = {"feeling": "beleving", "fact": "feit", "other": "anders"}
THEMES = {
    "agenda": "agenda",
    "goal": "doel",
    "metacommunication": "metacommunicatie",
    "feedback_request": "feedbackvraag",
    "emotion": "emotie",
    "resistance": "weerstand",
    "advice": "advies",
    "monologue": "monoloog",
    "ping_pong": "pingpong",
    "interruption": "onderbreking",
}
SPEAKERS = {"klantmanager": "Klantmanager", "client": "Cliënt", "other": "Ander"}
MAXQDA_FILE = "transcript_maxqda.txt"


def _vocabulary(eaf: Any, cv_id: str, values: Iterable[tuple[str, str]]) -> None:
    """A controlled vocabulary with a linguistic type of the same name that uses it."""
    eaf.add_controlled_vocabulary(cv_id)
    for number, (value, description) in enumerate(values, start=1):
        eaf.add_cv_entry(cv_id, f"{cv_id}-{number}", [(value, LANGUAGE[0], description)])
    eaf.add_linguistic_type(
        cv_id,
        param_dict={
            "LINGUISTIC_TYPE_ID": cv_id,
            "TIME_ALIGNABLE": "true",
            "GRAPHIC_REFERENCES": "false",
            "CONTROLLED_VOCABULARY_REF": cv_id,
        },
    )


def _tier(eaf: Any, tier: str, cv_id: str, spans: list[tuple[float, float, str]]) -> None:
    """One tier of vocabulary values; an annotation starting inside the previous one starts at its end."""
    eaf.add_tier(tier, ling=cv_id)
    last_end = -1
    for start_s, end_s, value in sorted(spans):
        start, end = max(round(start_s * 1000), last_end), max(round(end_s * 1000), round(start_s * 1000) + 1)
        if end <= start:
            continue
        eaf.add_annotation(tier, start, end, value)
        last_end = end


def _spans(events: list[Event], value: Any) -> list[tuple[float, float, str]]:
    return [(e.start, e.end, v) for e in events if (v := value(e)) is not None]


def research_eaf(
    conversation: Conversation,
    analysis: Analysis,
    fragments: list[Fragment],
    theme_titles: dict[str, str],
    media: Path,
    relative_media: str,
) -> bytes:
    """The ELAN file of the research folder (see the module docstring)."""
    eaf = conversation_eaf(conversation)
    # pympi labels its output 2.8; what it writes (and what we add) is valid EAF 3.0, which the tests check
    eaf.adocument.update(
        {
            "VERSION": "3.0",
            "FORMAT": "3.0",
            "xsi:noNamespaceSchemaLocation": "http://www.mpi.nl/tools/elan/EAFv3.0.xsd",
        }
    )
    mime = mimetypes.guess_type(media.name)[0] or "application/octet-stream"
    eaf.add_linked_file(media.resolve().as_uri(), relpath=relative_media, mimetype=mime)
    eaf.add_language(*LANGUAGE)
    questions = [e for e in analysis.events if e.type == "question"]
    _vocabulary(eaf, "vraagvorm", [(v, f"{k} question") for k, v in FORMS.items()])
    _tier(eaf, "vraagvorm", "vraagvorm", _spans(questions, lambda e: FORMS.get(e.form or "")))
    _vocabulary(eaf, "vraagfocus", [(v, f"{k} focus") for k, v in FOCUSES.items()])
    _tier(eaf, "vraagfocus", "vraagfocus", _spans(questions, lambda e: FOCUSES.get(e.focus or "")))
    for tier, flag in (("zelf-ingevuld", "self_answered"), ("gestapeld", "stacked")):
        _vocabulary(eaf, tier, [(tier, flag)])
        _tier(eaf, tier, tier, _spans(questions, lambda e, f=flag, t=tier: t if getattr(e, f) else None))
    summaries = [e for e in analysis.events if e.type == "summary"]
    _vocabulary(eaf, "samenvatting", [("samenvatting", "summary")])
    _tier(eaf, "samenvatting", "samenvatting", _spans(summaries, lambda e: "samenvatting"))
    _vocabulary(eaf, "thema", [(v, k) for k, v in THEMES.items()])
    for kind, value in THEMES.items():
        found = [e for e in analysis.events if e.type == kind]
        if found:
            _tier(eaf, f"thema-{value}", "thema", _spans(found, lambda e, v=value: v))
    titles = {**theme_titles, **{f.theme: f.theme for f in fragments if f.theme not in theme_titles}}
    _vocabulary(eaf, "fragment", sorted(titles.items()))
    _tier(eaf, "fragment", "fragment", [(f.start, f.end, f.theme) for f in fragments])
    return eaf_bytes(eaf)


def _stamp(seconds: float) -> str:
    tenths = round(seconds * 10)
    hours, rest = divmod(tenths, 36000)
    minutes, rest = divmod(rest, 600)
    return f"#{hours:02d}:{minutes:02d}:{rest // 10:02d}-{rest % 10}#"


def to_maxqda(conversation: Conversation) -> str:
    """One paragraph per turn: ``#00:01:23-4# Klantmanager: …``, separated by blank lines."""
    labels = {speaker.id: speaker.label for speaker in conversation.speakers}
    paragraphs = []
    for turn in conversation.turns:
        label = labels.get(turn.speaker, turn.label)
        name = SPEAKERS.get(turn.role, label) if label in SPEAKERS else label.capitalize()
        paragraphs.append(f"{_stamp(turn.start)} {name}: {' '.join(turn.text.split())}")
    return "\n\n".join(paragraphs) + "\n"


def write_research_files(
    conversation: Conversation,
    analysis: Analysis,
    fragments: list[Fragment],
    out_dir: Path,
    theme_titles: dict[str, str],
    media: Path,
) -> list[Path]:
    """Write the research ``transcript.eaf`` (replacing the plain one) and ``transcript_maxqda.txt``."""
    relative = f"../{media.name}"  # research/ sits next to the archived original
    return [
        atomic_write_bytes(
            out_dir / "transcript.eaf",
            research_eaf(conversation, analysis, fragments, theme_titles, media, relative),
        ),
        atomic_write_text(out_dir / MAXQDA_FILE, to_maxqda(conversation)),
    ]
