"""Corrections as data: append-only records, and applying them to turns, fragments and notes.

Runs on the sample conversation's scripted turns (``sheet_helpers.tts_case``) and the real
fragment selection, sheet writer and analysis; nothing is mocked.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from sheet_helpers import tts_case

from pipeline.align.conversation import split_sentences
from pipeline.analysis import analyse
from pipeline.fragments import select_fragments
from pipeline.ingest.audit import read_audit
from pipeline.ingest.layout import DataRoot
from pipeline.report import write_sheet
from pipeline.report.sheet import load_texts
from pipeline.review.fragment_edits import ADDED_THEME, apply_fragment_edits, fragment_key
from pipeline.review.records import (
    Correction,
    append_record,
    load_records,
    published,
    records_path,
)
from pipeline.review.turn_edits import apply_turn_edits, turn_target
from pipeline.settings import Settings, load_settings

RID = "rec-0123456789abcdef"


@pytest.fixture(scope="module")
def settings() -> Settings:
    quick = load_settings(environ={})
    quick.report.pdf = False
    return quick


def _record(n: int, kind: str, target: str | None = None, after: object = None) -> Correction:
    return Correction(id=f"c-{n:05d}", time="2026-12-02T02:00:00+00:00", who="onderzoeker", kind=kind,
                      target=target, after=after)  # fmt: skip


def test_records_are_append_only_private_and_audited_without_content(tmp_path: Path) -> None:
    root = DataRoot(tmp_path).ensure()
    (root.archive / RID).mkdir()
    secret = "Ik schaam me er eigenlijk voor"
    first = append_record(root, RID, "M. Jansen", "text", "turn:1200", before="oud", after=secret)
    second = append_record(root, RID, "M. Jansen", "publish")
    third = append_record(root, RID, "M. Jansen", "general_note", after="concept")
    records = load_records(root, RID)
    assert [r.id for r in records] == [first.id, second.id, third.id] == ["c-00001", "c-00002", "c-00003"]
    assert records[0].who == "M. Jansen" and records[0].before == "oud" and records[0].after == secret
    assert records[0].time.endswith("+00:00")
    assert [r.id for r in published(records)] == ["c-00001", "c-00002"]  # the draft note waits
    path = records_path(root, RID)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    log = root.audit_log.read_text(encoding="ascii")
    assert secret not in log and "Jansen" not in log and "concept" not in log
    entries = [e for e in read_audit(root.audit_log) if e["action"] == "corrected"]
    assert [(e["outcome"], e["record"]) for e in entries] == [
        ("text", "c-00001"),
        ("publish", "c-00002"),
        ("general_note", "c-00003"),
    ]


def test_role_split_and_text_corrections_change_the_turns(settings: Settings) -> None:
    _, conversation, _ = tts_case()

    def split(words):
        return split_sentences(words, settings.align.spacy_language)

    client_turn = next(t for t in conversation.turns if t.role == "client")
    long_turn = next(t for t in conversation.turns if len(t.words) >= 6)
    cut_word = long_turn.words[3]
    records = [
        _record(1, "role", turn_target(client_turn), "klantmanager"),
        _record(2, "split", turn_target(long_turn), round(cut_word.start * 1000)),
        _record(3, "text", f"turn:{round(cut_word.start * 1000)}", "Dat heb ik zelf zo gezegd."),
        _record(4, "role", "turn:999999999", "client"),  # no such turn: stale, not guessed
    ]
    fixed, stale = apply_turn_edits(conversation, records, split)
    assert stale == ["c-00004"]
    assert len(fixed.turns) == len(conversation.turns) + 1
    moved = next(t for t in fixed.turns if abs(t.start - client_turn.start) < 0.01)
    assert moved.role == "klantmanager" and {s.role for s in moved.sentences} == {"klantmanager"}
    second = next(t for t in fixed.turns if abs(t.start - cut_word.start) < 0.01)
    assert second.text == "Dat heb ik zelf zo gezegd." and all(w.probability == 1.0 for w in second.words)
    assert [t.index for t in fixed.turns] == list(range(len(fixed.turns)))
    indices = [s.index for s in fixed.sentences()]
    assert indices == list(range(len(indices)))
    again, _ = apply_turn_edits(fixed, records, split)  # idempotent
    assert [t.text for t in again.turns] == [t.text for t in fixed.turns]
    assert [t.role for t in again.turns] == [t.role for t in fixed.turns]
    analyse(fixed, settings)  # the analysis accepts the corrected conversation


def test_fragment_choices_and_notes_reach_the_sheet(settings: Settings, tmp_path: Path) -> None:
    _, conversation, analysis = tts_case()
    fragments = select_fragments(analysis, conversation, settings)
    assert len(fragments) >= 3
    texts = load_texts(settings)["review"]
    removed, noted, moved = fragments[0], fragments[1], fragments[2]
    turns = conversation.turns
    records = [
        _record(1, "fragment_remove", fragment_key(removed), True),
        _record(2, "fragment_add", None, {"start": turns[2].start, "end": turns[4].end}),
        _record(3, "researcher_note", fragment_key(noted), "Let op haar blik hier."),
        _record(4, "client_note", fragment_key(noted), "Ik voelde me niet gehoord."),
        _record(5, "fragment_bounds", fragment_key(moved), {"start": turns[0].start, "end": moved.end}),
        _record(6, "fragment_order", None, ["added:c-00002", fragment_key(noted)]),
        _record(7, "general_note", None, "Een open gesprek."),
        _record(8, "client_overall", None, "Ik vond het een goed gesprek."),
    ]
    review = apply_fragment_edits(fragments, analysis, records, texts)
    kept = review.kept()
    assert [item.key for item in kept][:2] == ["added:c-00002", fragment_key(noted)]
    assert fragment_key(removed) not in {item.key for item in kept}
    assert kept[0].fragment.theme == ADDED_THEME and kept[0].fragment.start == turns[2].start
    shifted = next(item for item in kept if item.key == fragment_key(moved))
    assert shifted.fragment.start == turns[0].start
    # a re-analysis that moves a fragment slightly keeps her note with it
    nudged = [f.model_copy(update={"start": f.start + 0.3}) if f is noted else f for f in fragments]
    again = apply_fragment_edits(nudged, analysis, records, texts)
    assert next(i for i in again.kept() if i.fragment.theme == noted.theme and i.notes.client).notes.client
    assert not again.stale

    out = tmp_path / "sheet"
    write_sheet(conversation, analysis, [i.fragment for i in kept], out, settings, review=review)
    html = (out / "sheet.html").read_text(encoding="utf-8")
    for text in ("Let op haar blik hier.", "Ik voelde me niet gehoord.", "Een open gesprek.",
                 "Ik vond het een goed gesprek.", texts["researcher_note"], texts["client_note"],
                 texts["added_theme"]):  # fmt: skip
        assert text in html, text
    md = (out / "sheet.md").read_text(encoding="utf-8")
    assert "Ik voelde me niet gehoord." in md and "Een open gesprek." in md
    shown = json.loads((out / "fragments.json").read_text(encoding="utf-8"))
    assert len(shown) == len(kept) == len(fragments)  # one removed, one added
    assert shown[1]["notes"] == {
        "researcher": "Let op haar blik hier.",
        "client": "Ik voelde me niet gehoord.",
    }


def test_published_corrections_key_only_the_stages_they_touch(tmp_path: Path) -> None:
    """Drafts change no key; a published role change keys align (and, by content, what follows);
    a published note keys the sheet only. ASR and diarisation keys never move."""
    from pipeline.ingest.consent import ConsentFlags, ConsentRecord
    from pipeline.stages.jobs import RecordingJob
    from pipeline.stages.plan import BY_NAME, stage_key
    from pipeline.stages.store import StageRef

    root = DataRoot(tmp_path / "root").ensure()
    (root.archive / RID).mkdir()
    consent = ConsentRecord(
        klantmanager="A. de Vries", client="C-0001", recorded_on="2026-11-20",
        consent=ConsentFlags(recording=True, analysis=True, research_use=False),
        retention_days=90, form_reference="TF-1", participants=2,
    )  # fmt: skip
    job = RecordingJob(recording_id=RID, media=tmp_path / "m.flac", sha256="a" * 64, consent=consent,
                       cache_dir=tmp_path / "cache", data_root=root.path)  # fmt: skip
    settings = load_settings(environ={})
    refs = {name: StageRef(stage=name, key="k", dir="/nowhere", sha256=name * 3) for name in BY_NAME}

    def keys() -> dict[str, str]:
        return {
            name: stage_key(spec, job, settings, {i: refs[i] for i in spec.inputs})
            for name, spec in BY_NAME.items()
        }

    start = keys()
    append_record(root, RID, "onderzoeker-1", "role", "turn:1000", "client", "other")
    assert keys() == start  # a draft changes nothing
    append_record(root, RID, "onderzoeker-1", "publish")
    role = keys()
    assert [name for name in start if start[name] != role[name]] == ["align", "sheet"]
    append_record(root, RID, "onderzoeker-1", "researcher_note", "vragen:1000-9000", "", "Kijk hier.")
    append_record(root, RID, "onderzoeker-1", "publish")
    noted = keys()
    assert [name for name in start if role[name] != noted[name]] == ["sheet"]
