"""``kijkwijzer export-corrections``: researchers' corrected turns as a labelled set.

The published corrections are already in the recording's current outputs (the align stage
applied them, the analysis ran on the result), so the corrected turns and the labels the
analysis gives them are written in the annotation guide's file format
(``../shared/annotation-guide.md``: ``spk``, ``text``, the 13 K labels with ``questions``,
``emotion``/``resistance`` for C), pseudonymised, for recordings whose client consented to
research use only. Each turn a researcher corrected says so (``"corrected": true``): those
are the turns a detector can learn from; the labels of the others are the analysis' own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.analysis.evaluation import predicted_turn_labels
from pipeline.analysis.labelled import GUIDE_ROLES, TURN_LABELS
from pipeline.desk.state import current_outputs
from pipeline.errors import KijkwijzerError
from pipeline.fsutil import atomic_write_json
from pipeline.ingest.layout import DataRoot
from pipeline.ingest.records import load_meta
from pipeline.privacy import Pseudonymizer
from pipeline.review.records import TRANSCRIPT_KINDS, is_published, load_records, published
from pipeline.review.turn_edits import MATCH_S, target_time
from pipeline.settings import Settings
from pipeline.types import Analysis, Conversation

EXPORT_FILE = "corrections_labelled.json"
_SPK = {role: code for code, role in GUIDE_ROLES.items()}
SETTING = "Kijkwijzer recording reviewed by a researcher; labels by the analysis on the reviewed turns"


class NotForResearch(KijkwijzerError):
    """The client did not consent to research use, or nobody published corrections."""


def _corrected_turns(conversation: Conversation, times: list[float]) -> set[int]:
    return {
        turn.index
        for turn in conversation.turns
        if any(abs(turn.start - at) <= MATCH_S or turn.start <= at <= turn.end for at in times)
    }


def labelled_document(
    recording_id: str,
    conversation: Conversation,
    analysis: Analysis,
    pseudonymizer: Pseudonymizer,
    corrected: set[int],
) -> dict[str, Any]:
    """One conversation in the guide's format, pseudonymised."""
    labels = predicted_turn_labels(analysis, conversation)
    questions: dict[int, list[dict[str, Any]]] = {}
    for event in analysis.events:
        if event.type == "question" and event.turn_index is not None:
            questions.setdefault(event.turn_index, []).append(
                {"text": pseudonymizer.text(event.text), "form": event.form, "focus": event.focus}
            )
    turns = []
    for turn, turn_labels in zip(conversation.turns, labels, strict=True):
        spk = _SPK[turn.role]
        item: dict[str, Any] = {"spk": spk, "text": pseudonymizer.text(turn.text)}
        if spk != "O":
            item.update(
                {label: turn_labels[label] for label, role in TURN_LABELS.items() if role == turn.role}
            )
        if spk == "K":
            item["questions"] = questions.get(turn.index, [])
        if turn.index in corrected:
            item["corrected"] = True
        turns.append(item)
    return {
        "id": recording_id,
        "setting": SETTING,
        "turns": turns,
    }


def export_recording(root: DataRoot, recording_id: str, settings: Settings, out_dir: Path | None) -> Path:
    """Write the labelled set of one recording; refuses without research consent or publication."""
    paths = root.recording(recording_id)
    meta = load_meta(paths)
    if not meta.consent.consent.research_use:
        raise NotForResearch(f"{recording_id}: the client did not consent to research use; nothing exported")
    records = published(load_records(root, recording_id))
    if not is_published(records):
        raise NotForResearch(f"{recording_id}: no published review yet; nothing exported")
    conversation, analysis = current_outputs(paths)
    times = [at for r in records if r.kind in TRANSCRIPT_KINDS and (at := target_time(r.target)) is not None]
    times += [int(r.after) / 1000 for r in records if r.kind == "split" and isinstance(r.after, int)]
    pseudonymizer = Pseudonymizer(settings.privacy, known_names=[meta.consent.klantmanager])
    document = labelled_document(
        recording_id, conversation, analysis, pseudonymizer, _corrected_turns(conversation, times)
    )
    target = (out_dir / f"{recording_id}.json") if out_dir is not None else paths.research / EXPORT_FILE
    return atomic_write_json(target, document)
