"""DER, role accuracy, overlaps, words at speaker changes and cost of the diarisation backends.

For each sample recording with a reference RTTM (speaker field = role), and for
the two three-voice sets that ``bench/three_voices.py`` builds (consent
``participants: 3``), it runs the transcription (the reference text for the
built sets), the chosen diarisation backend, the roles stage (once without a
voice profile, once with the klantmanager enrolled from a different recording
of the same voice) and the align stage:

* DER: pyannote.metrics, collar 0.25 s, overlap scored (a single-speaker
  output misses the second voice of overlapping speech);
* role accuracy: share of reference speech time whose hypothesis role label
  (klantmanager, client, other) at that time matches the reference role; also
  on the klantmanager's and client's time only (``role_accuracy_main``), and
  the seconds of their speech labelled ``other`` (``main_as_other_s``);
* overlaps: a reference overlap is found when a hypothesis overlap intersects
  it (recall); a hypothesis overlap is right when it intersects a reference one
  (precision); ``false_overlap_s`` is hypothesis overlap time outside any;
* words at changes: of the words whose centre is within 1 s of a reference
  speaker change, the share whose role after alignment is the reference role.
  A word's reference speaker is the reference utterance it overlaps; where two
  overlap, the one whose text contains the word. ``words_by_change`` splits
  them by the two roles at the nearest change, and ``--list-words`` prints each
  wrong one (reference and assigned role, distance to the change);
* cost: diarisation CPU seconds per audio second (process time, which a busy
  machine distorts less than wall time), and wall-clock RTF.

    .venv/bin/python bench/diarization.py [--backend embedded|pyannote] [--pipeline-dir DIR]
        [--files gesprek_tts,real_dev_dialogue,real_dev_hard,quiet_third,interpreter]
        [--transcripts CACHE_DIR] [--no-overlap] [--list-words]

The pyannote backend needs ``pip install '.[pyannote]'`` and real weights in
``--pipeline-dir``; with the random-weight test fixture its numbers mean nothing.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import three_voices  # noqa: E402

from pipeline.align import align  # noqa: E402
from pipeline.audio import Audio, load_audio  # noqa: E402
from pipeline.diarize import diarize  # noqa: E402
from pipeline.roles import assign_roles, enroll  # noqa: E402
from pipeline.settings import Settings, load_settings  # noqa: E402
from pipeline.types import (  # noqa: E402
    Conversation,
    Diarization,
    Overlap,
    RoleAssignment,
    TimedWord,
    Transcript,
)

SAMPLE_DIRS = (ROOT / "sample_media", ROOT.parent / "shared" / "data" / "real_dev")
# Enrol the klantmanager from another recording of the same voice where there is one.
ENROL_FROM = {
    "gesprek_tts": "gesprek_tts",
    "real_dev_dialogue": "real_dev_hard",
    "real_dev_hard": "real_dev_dialogue",
}
ENROL_SECONDS = 20.0
KLANTMANAGER = "bench klantmanager"


@dataclass(frozen=True)
class Reference:
    """A reference diarisation: (start, end, role) per utterance."""

    segments: list[tuple[float, float, str]]

    @classmethod
    def from_rttm(cls, path: Path) -> Reference:
        segments = []
        for line in path.read_text().splitlines():
            parts = line.split()
            if len(parts) >= 8 and parts[0] == "SPEAKER":
                start, duration = float(parts[3]), float(parts[4])
                segments.append((start, start + duration, parts[7]))
        return cls(segments)


def find_sample(name: str, suffix: str) -> Path | None:
    """The sample file ``name + suffix`` in sample_media/ or the shared data folder."""
    for folder in SAMPLE_DIRS:
        path = folder / f"{name}{suffix}"
        if path.is_file():
            return path
    return None


def der(reference: Reference, diarization: Diarization, collar: float = 0.25) -> float:
    """Diarisation error rate (pyannote.metrics), collar in seconds, overlap scored."""
    from pyannote.core import Annotation, Segment
    from pyannote.metrics.diarization import DiarizationErrorRate

    ref, hyp = Annotation(), Annotation()
    for start, end, label in reference.segments:
        ref[Segment(start, end)] = label
    for seg in diarization.segments:
        hyp[Segment(seg.start, seg.end)] = seg.speaker
    uem = Segment(0.0, max(diarization.duration_s, max(end for _, end, _ in reference.segments)))
    from pyannote.core import Timeline

    return float(DiarizationErrorRate(collar=collar, skip_overlap=False)(ref, hyp, uem=Timeline([uem])))


def role_accuracy(reference: Reference, diarization: Diarization, roles: RoleAssignment) -> float:
    """Share of reference speech time whose hypothesis role label at that time matches."""
    labels = {speaker.id: speaker.label for speaker in roles.speakers}
    total = matched = 0.0
    for start, end, role in reference.segments:
        total += end - start
        for seg in diarization.segments:
            if labels.get(seg.speaker) == role:
                matched += max(0.0, min(end, seg.end) - max(start, seg.start))
    return matched / total if total else 0.0


def klantmanager_audio(name: str) -> Audio:
    """Up to ENROL_SECONDS of the reference klantmanager's speech in ``name``, concatenated."""
    audio = load_audio(find_sample(name, ".flac"))
    reference = Reference.from_rttm(find_sample(name, ".rttm"))
    pieces, total = [], 0.0
    for start, end, role in reference.segments:
        if role != "klantmanager" or total >= ENROL_SECONDS:
            continue
        # Skip the edges, where the other voice may overlap in the hard condition.
        first, last = start + 0.3, end - 0.3
        if last - first < 0.8:
            continue
        pieces.append(audio.samples[round(first * audio.sample_rate) : round(last * audio.sample_rate)])
        total += last - first
    return replace(audio, samples=np.concatenate(pieces))


def cached_transcript(audio: Audio, settings: Settings, cache: Path | None) -> Transcript:
    """Transcribe, reusing a cached transcript of the same file when a cache folder is given."""
    from pipeline.transcribe import transcribe

    path = cache / f"{audio.source.stem}.transcript.json" if cache else None
    if path and path.is_file():
        return Transcript.model_validate_json(path.read_text())
    transcript = transcribe(audio, settings)
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(transcript.model_dump_json())
    return transcript


@dataclass(frozen=True)
class Case:
    """One recording to score: audio, reference, transcript and the consent's participant count."""

    name: str
    audio: Audio
    reference: Reference
    transcript: Transcript
    participants: int | None = None
    enrol_from: str = "real_dev_hard"


def load_case(name: str, settings: Settings, transcripts: Path | None = None) -> Case | None:
    """A sample file (with its real transcript) or a built three-voice set; None if unavailable."""
    if name in three_voices.SETS:
        built = three_voices.build(name)
        segments = [(u.start, u.end, u.speaker) for u in built.utterances]
        return Case(name, built.audio(), Reference(segments), built.transcript(), built.participants)
    if find_sample(name, ".flac") is None or find_sample(name, ".rttm") is None:
        return None
    audio = load_audio(find_sample(name, ".flac"))
    reference = Reference.from_rttm(find_sample(name, ".rttm"))
    return Case(
        name, audio, reference, cached_transcript(audio, settings, transcripts), None, ENROL_FROM[name]
    )


def reference_overlaps(reference: Reference) -> list[tuple[float, float]]:
    """Stretches where two reference speakers talk at once."""
    ordered = sorted(reference.segments)
    return [
        (max(a[0], b[0]), min(a[1], b[1]))
        for i, a in enumerate(ordered)
        for b in ordered[i + 1 :]
        if b[0] < a[1] and a[2] != b[2]
    ]


def overlap_scores(reference: Reference, overlaps: list[Overlap]) -> dict[str, float]:
    """Recall and precision of overlap stretches (by intersection), and false overlap seconds."""
    truth = reference_overlaps(reference)
    found = sum(1 for a, b in truth if any(o.start < b and o.end > a for o in overlaps))
    right = sum(1 for o in overlaps if any(o.start < b and o.end > a for a, b in truth))
    false_s = 0.0
    for o in overlaps:
        inside = sum(max(0.0, min(o.end, b) - max(o.start, a)) for a, b in truth)
        false_s += max(0.0, o.end - o.start - inside)
    return {
        "ref_overlaps": len(truth),
        "hyp_overlaps": len(overlaps),
        "overlap_recall": round(found / len(truth), 4) if truth else float("nan"),
        "overlap_precision": round(right / len(overlaps), 4) if overlaps else float("nan"),
        "false_overlap_s": round(false_s, 2),
        "interruptions": sum(1 for o in overlaps if o.interrupter),
    }


def _normal(text: str) -> str:
    return re.sub(r"[^\w]", "", text.casefold())


def reference_speaker(reference: Reference, texts: dict[tuple[float, float], str], word: TimedWord) -> str:
    """The reference speaker of a word: the utterance it overlaps, by text where two do."""
    touching = [seg for seg in reference.segments if seg[0] < word.end and seg[1] > word.start]
    if len(touching) > 1:
        by_text = [seg for seg in touching if _normal(word.text) in _normal(texts[(seg[0], seg[1])])]
        touching = by_text or touching
    if touching:
        return max(touching, key=lambda seg: min(seg[1], word.end) - max(seg[0], word.start))[2]
    centre = (word.start + word.end) / 2
    return min(reference.segments, key=lambda seg: max(seg[0] - centre, centre - seg[1]))[2]


@dataclass(frozen=True)
class WordAtChange:
    """A word within the radius of a reference speaker change, with who said it and who got it."""

    word: TimedWord
    reference: str
    assigned: str | None
    distance_s: float  # word centre minus the nearest change
    change: str  # the two roles at that change, e.g. "client-other"


def words_near_changes(
    reference: Reference,
    texts: dict[tuple[float, float], str],
    conversation: Conversation,
    radius: float = 1.0,
) -> list[WordAtChange]:
    """Every word whose centre is within ``radius`` s of a reference speaker change."""
    ordered = sorted(reference.segments)
    changes = [
        (t, "-".join(sorted((a[2], b[2]))))
        for a, b in itertools.pairwise(ordered)
        if a[2] != b[2]
        for t in (a[1], b[0])
    ]
    labels = {speaker.id: speaker.label for speaker in conversation.speakers}
    out = []
    for turn in conversation.turns:
        for word in turn.words:
            centre = (word.start + word.end) / 2
            near = [(abs(centre - t), t, kind) for t, kind in changes if abs(centre - t) <= radius]
            if near:
                _, t, kind = min(near)
                truth = reference_speaker(reference, texts, word)
                out.append(WordAtChange(word, truth, labels.get(word.speaker), round(centre - t, 2), kind))
    return out


def words_at_changes(
    reference: Reference,
    texts: dict[tuple[float, float], str],
    conversation: Conversation,
    radius: float = 1.0,
) -> tuple[float, int]:
    """Share of words within ``radius`` s of a reference speaker change that get the reference role."""
    near = words_near_changes(reference, texts, conversation, radius)
    right = sum(item.assigned == item.reference for item in near)
    return (round(right / len(near), 4) if near else float("nan")), len(near)


def changes_by_kind(near: list[WordAtChange]) -> str:
    """Right/all words at changes per kind of change, e.g. ``client-klantmanager 487/487``."""
    kinds = sorted({item.change for item in near})
    return "; ".join(
        f"{kind} {sum(i.assigned == i.reference for i in near if i.change == kind)}"
        f"/{sum(i.change == kind for i in near)}"
        for kind in kinds
    )


def main_voice_scores(
    reference: Reference, diarization: Diarization, roles: RoleAssignment
) -> dict[str, float]:
    """Role accuracy on the klantmanager's and client's reference time, and their time labelled other."""
    main = Reference([seg for seg in reference.segments if seg[2] in ("klantmanager", "client")])
    labels = {speaker.id: speaker.role for speaker in roles.speakers}
    as_other = 0.0
    for start, end, _ in main.segments:
        for seg in diarization.segments:
            if labels.get(seg.speaker) == "other":
                as_other += max(0.0, min(end, seg.end) - max(start, seg.start))
    return {
        "role_accuracy_main": round(role_accuracy(main, diarization, roles), 4),
        "main_as_other_s": round(as_other, 2),
    }


def evaluate(
    name: str,
    settings: Settings,
    transcript: Transcript | None = None,
    case: Case | None = None,
    list_words: bool = False,
) -> dict[str, float | str]:
    """Every measure of one sample (or built set); ``list_words`` prints the wrong words near changes."""
    case = case or load_case(name, settings)
    if transcript is not None:
        case = replace(case, transcript=transcript)
    audio, reference = case.audio, case.reference
    began, began_cpu = time.perf_counter(), time.process_time()
    diarization = diarize(audio, settings, num_speakers=case.participants)
    elapsed, cpu = time.perf_counter() - began, time.process_time() - began_cpu
    heuristic_roles = assign_roles(diarization, case.transcript, settings, participants=case.participants)
    with tempfile.TemporaryDirectory() as profiles:
        enrolled_settings = settings.model_copy(deep=True)
        enrolled_settings.roles.profiles_dir = Path(profiles)
        enroll(klantmanager_audio(case.enrol_from), enrolled_settings, KLANTMANAGER)
        profile_roles = assign_roles(
            diarization,
            case.transcript,
            enrolled_settings,
            klantmanager=KLANTMANAGER,
            participants=case.participants,
        )
    conversation = align(case.transcript, diarization, heuristic_roles, settings)
    texts = _reference_texts(case)
    share, near = words_at_changes(reference, texts, conversation)
    listing = words_near_changes(reference, texts, conversation)
    if list_words:
        for item in listing:
            if item.assigned != item.reference:
                print(
                    f"{name}: {item.word.start:8.2f} {item.word.text!r} reference {item.reference}, "
                    f"assigned {item.assigned}, {item.distance_s:+.2f} s from a {item.change} change",
                    file=sys.stderr,
                )
    return {
        "file": name,
        "backend": diarization.backend,
        "speakers": len({seg.speaker for seg in diarization.segments}),
        "der": round(der(reference, diarization), 4),
        "rtf": round(elapsed / audio.duration_s, 4),
        "cpu_rtf": round(cpu / audio.duration_s, 4),
        "role_accuracy": round(role_accuracy(reference, diarization, heuristic_roles), 4),
        "role_accuracy_enrolled": round(role_accuracy(reference, diarization, profile_roles), 4),
        **main_voice_scores(reference, diarization, heuristic_roles),
        "roles": ",".join(sorted(speaker.label for speaker in heuristic_roles.speakers)),
        "enrolled_method": profile_roles.method,
        "enrolled_margin": profile_roles.margin if profile_roles.margin is not None else float("nan"),
        **overlap_scores(reference, conversation.overlaps),
        "words_at_changes": share,
        "words_near_changes": near,
        "words_by_change": changes_by_kind(listing),
    }


def _reference_texts(case: Case) -> dict[tuple[float, float], str]:
    """Reference text per reference segment ``(start, end)`` (empty where the JSON has none)."""
    if case.name in three_voices.SETS:
        return {(u.start, u.end): u.text for u in three_voices.build(case.name).utterances}
    path = find_sample(case.name, ".json")
    truth = json.loads(path.read_text()) if path else {"utterances": []}
    by_time = {(round(u["start"], 3), round(u["end"], 3)): u["text"] for u in truth["utterances"]}
    return {(a, b): by_time.get((round(a, 3), round(b, 3)), "") for a, b, _ in case.reference.segments}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=["embedded", "pyannote"], default="embedded")
    parser.add_argument("--pipeline-dir", type=Path, help="local pyannote pipeline directory")
    parser.add_argument(
        "--files", default="gesprek_tts,real_dev_dialogue,real_dev_hard,quiet_third,interpreter"
    )
    parser.add_argument("--transcripts", type=Path, help="cache folder for transcripts between runs")
    parser.add_argument("--no-overlap", action="store_true", help="diarization.overlap.enabled: false")
    parser.add_argument(
        "--list-words", action="store_true", help="print each wrongly assigned word near a change (stderr)"
    )
    args = parser.parse_args()
    settings = load_settings()
    settings.diarization.backend = args.backend
    settings.diarization.overlap.enabled = not args.no_overlap
    if args.pipeline_dir:
        settings.diarization.pyannote.pipeline_dir = args.pipeline_dir
    rows = []
    for name in args.files.split(","):
        case = load_case(name, settings, args.transcripts)
        if case is None:
            print(f"skipping {name}: sample or reference not found", file=sys.stderr)
            continue
        rows.append(evaluate(name, settings, case=case, list_words=args.list_words))
    columns = list(rows[0]) if rows else []
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        print("| " + " | ".join(str(row[c]) for c in columns) + " |")
    print(json.dumps(rows), file=sys.stderr)


if __name__ == "__main__":
    main()
