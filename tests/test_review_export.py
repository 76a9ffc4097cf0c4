"""``kijkwijzer export-corrections``: the reviewed turns as a labelled set, for research use only."""

from __future__ import annotations

import json
from pathlib import Path

from orchestration_helpers import cli
from review_helpers import desk_archive

from pipeline.analysis.labelled import TURN_LABELS, load_labelled
from pipeline.desk.labelled_export import EXPORT_FILE
from pipeline.review.records import append_record
from pipeline.review.turn_edits import turn_target
from pipeline.types import Conversation


def test_export_writes_the_guide_format_pseudonymised(tmp_path: Path) -> None:
    root, rid = desk_archive(tmp_path / "root")
    paths = root.recording(rid)
    conversation = Conversation.model_validate_json((paths.out / "transcript.json").read_bytes())
    corrected = conversation.turns[5]
    append_record(root, rid, "onderzoeker-1", "text", turn_target(corrected), corrected.text, corrected.text)
    unpublished = cli("export-corrections", "--root", str(root.path))
    assert unpublished.returncode == 0 and "exported: 0" in unpublished.stdout  # nothing published yet
    append_record(root, rid, "onderzoeker-1", "publish")
    result = cli("export-corrections", "--root", str(root.path))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "exported: 1" in result.stdout
    path = paths.research / EXPORT_FILE
    assert path.stat().st_mode & 0o777 == 0o600
    document = json.loads(path.read_text(encoding="utf-8"))
    assert len(document["turns"]) == len(conversation.turns)
    assert [t["spk"] for t in document["turns"]] == [
        {"klantmanager": "K", "client": "C"}.get(t.role, "O") for t in conversation.turns
    ]
    assert [i for i, t in enumerate(document["turns"]) if t.get("corrected")] == [5]
    for turn in document["turns"]:
        role = {"K": "klantmanager", "C": "client"}.get(turn["spk"])
        expected = {label for label, r in TURN_LABELS.items() if r == role}
        assert expected <= set(turn)
        assert all(turn[label] in (0, 1) for label in expected)
    assert any(t.get("q") == 1 and t["questions"] for t in document["turns"] if t["spk"] == "K")
    assert any(t.get("emotion") == 1 for t in document["turns"] if t["spk"] == "C")
    assert "Goedemorgen Mark" not in path.read_text(encoding="utf-8")  # the client's name is pseudonymised
    assert "[PERSOON-" in document["turns"][0]["text"] + document["turns"][1]["text"]
    labelled = load_labelled(path)  # the project's reader of the annotation guide's format
    assert len(labelled.conversation.turns) == len(conversation.turns)


def test_export_refuses_without_research_consent(tmp_path: Path) -> None:
    root, rid = desk_archive(tmp_path / "root", research_use=False)
    append_record(root, rid, "onderzoeker-1", "publish")
    result = cli("export-corrections", "--root", str(root.path), rid)
    assert result.returncode == 0
    assert "did not consent to research use" in result.stderr and "exported: 0" in result.stdout
    assert not (root.recording(rid).research / EXPORT_FILE).exists()
