"""Write the aligned conversation in the formats researchers' tools read.

* ``transcript.json``: exactly ``Conversation.model_dump(mode="json")``, the
  format ``kijkwijzer analyse`` reads back;
* ``transcript.vtt`` / ``transcript.srt``: one cue per turn with its voice
  (``<v klantmanager>``, ``<v client>``, ``<v other>``), the form researchers
  correct by hand;
* ``diarization.rttm``: the diarisation with the role label as speaker name;
* ``transcript.eaf``: ELAN, one tier per participant, one annotation per turn,
  and an ``overlap`` tier with who talked over whom (Dutch, as researchers read it).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from pipeline.formats.subtitles import Cue, to_srt, to_webvtt
from pipeline.fsutil import atomic_write_bytes, atomic_write_json, atomic_write_text, private_dir
from pipeline.types import Conversation, Diarization, Overlap, RoleAssignment


def _rttm_token(text: str) -> str:
    # RTTM is whitespace-separated: a space in an id would shift every later field.
    return re.sub(r"\s+", "_", text.strip()) or "recording"


def to_rttm(diarization: Diarization, roles: RoleAssignment, recording_id: str) -> str:
    """RTTM lines with the role label (klantmanager, client, other, other2, ...) as speaker."""
    labels = {speaker.id: speaker.label for speaker in roles.speakers}
    uri = _rttm_token(recording_id)
    lines = [
        f"SPEAKER {uri} 1 {seg.start:.3f} {seg.end - seg.start:.3f} <NA> <NA> "
        f"{_rttm_token(labels.get(seg.speaker, seg.speaker))} <NA> <NA>"
        for seg in sorted(diarization.segments, key=lambda seg: seg.start)
        if seg.end > seg.start
    ]
    return "\n".join(lines) + ("\n" if lines else "")


OVERLAP_TIER = "overlap"


def _overlap_text(overlap: Overlap, labels: dict[str, str]) -> str:
    """Who talked over whom, in the words of the Dutch sheet: "client onderbreekt klantmanager"."""
    if overlap.interrupter and overlap.interrupted:
        who, whom = labels.get(overlap.interrupter, overlap.interrupter), labels.get(overlap.interrupted, "")
        return f"{who} onderbreekt {whom}"
    return " en ".join(labels.get(speaker, speaker) for speaker in overlap.speakers) + " tegelijk"


def to_eaf(conversation: Conversation) -> bytes:
    """ELAN XML: a tier per participant label, an annotation per turn, and the overlaps (milliseconds)."""
    return eaf_bytes(conversation_eaf(conversation))


def conversation_eaf(conversation: Conversation) -> Any:
    """The ELAN document (``pympi.Elan.Eaf``) of :func:`to_eaf`, for exports that add tiers."""
    from pympi import Elan

    eaf = Elan.Eaf(author="kijkwijzer")
    eaf.remove_tier("default")
    for speaker in conversation.speakers:
        eaf.add_tier(speaker.label, part=speaker.label)
    for turn in conversation.turns:
        start = round(turn.start * 1000)
        eaf.add_annotation(turn.label, start, max(start + 1, round(turn.end * 1000)), turn.text)
    if conversation.overlaps:
        labels = {speaker.id: speaker.label for speaker in conversation.speakers}
        eaf.add_tier(OVERLAP_TIER)
        for overlap in conversation.overlaps:
            start = round(overlap.start * 1000)
            eaf.add_annotation(
                OVERLAP_TIER, start, max(start + 1, round(overlap.end * 1000)), _overlap_text(overlap, labels)
            )
    return eaf


def eaf_bytes(eaf: Any) -> bytes:
    """Serialise a ``pympi.Elan.Eaf`` (EAF 3.0 XML)."""
    from pympi import Elan

    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "transcript.eaf"
        Elan.to_eaf(str(path), eaf, pretty=True)
        return path.read_bytes()


def write_conversation_files(
    conversation: Conversation,
    diarization: Diarization,
    roles: RoleAssignment,
    out_dir: Path,
    recording_id: str,
) -> list[Path]:
    """Write transcript.json/.vtt/.srt, diarization.rttm and transcript.eaf; return the paths."""
    out_dir = private_dir(Path(out_dir))
    cues = [Cue(turn.start, turn.end, turn.text, voice=turn.label) for turn in conversation.turns]
    return [
        atomic_write_json(out_dir / "transcript.json", conversation.model_dump(mode="json")),
        atomic_write_text(out_dir / "transcript.vtt", to_webvtt(cues)),
        atomic_write_text(out_dir / "transcript.srt", to_srt(cues)),
        atomic_write_text(out_dir / "diarization.rttm", to_rttm(diarization, roles, recording_id)),
        atomic_write_bytes(out_dir / "transcript.eaf", to_eaf(conversation)),
    ]
