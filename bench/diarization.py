"""DER, role accuracy and real-time factor of the diarisation backends on the sample files.

For each sample recording with a reference RTTM (speaker field = role), it runs
the real transcription, the chosen diarisation backend and the roles stage,
once without a voice profile (heuristics) and once with the klantmanager
enrolled from a different recording of the same voice where one exists:

* DER: pyannote.metrics, collar 0.25 s, overlap scored (a single-speaker
  output misses the second voice of overlapping speech);
* role accuracy: share of reference speech time whose hypothesis role label
  (klantmanager, client, other) at that time matches the reference role;
* RTF: diarisation wall-clock seconds per audio second (transcription
  excluded), and CPU seconds per audio second, which a busy machine distorts less.

    .venv/bin/python bench/diarization.py [--backend embedded|pyannote] [--pipeline-dir DIR]
        [--files gesprek_tts,real_dev_dialogue,real_dev_hard] [--transcripts CACHE_DIR]

The pyannote backend needs ``pip install '.[pyannote]'`` and real weights in
``--pipeline-dir``; with the random-weight test fixture its numbers mean nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.audio import Audio, load_audio  # noqa: E402
from pipeline.diarize import diarize  # noqa: E402
from pipeline.roles import assign_roles, enroll  # noqa: E402
from pipeline.settings import Settings, load_settings  # noqa: E402
from pipeline.types import Diarization, RoleAssignment, Transcript  # noqa: E402

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


def evaluate(name: str, settings: Settings, transcript: Transcript | None = None) -> dict[str, float | str]:
    """DER, RTF and role accuracy (heuristics and enrolled) of one sample with ``settings``."""
    audio = load_audio(find_sample(name, ".flac"))
    reference = Reference.from_rttm(find_sample(name, ".rttm"))
    transcript = transcript or cached_transcript(audio, settings, None)
    began, began_cpu = time.perf_counter(), time.process_time()
    diarization = diarize(audio, settings)
    elapsed, cpu = time.perf_counter() - began, time.process_time() - began_cpu
    heuristic_roles = assign_roles(diarization, transcript, settings)
    with tempfile.TemporaryDirectory() as profiles:
        enrolled_settings = settings.model_copy(deep=True)
        enrolled_settings.roles.profiles_dir = Path(profiles)
        enroll(klantmanager_audio(ENROL_FROM[name]), enrolled_settings, KLANTMANAGER)
        profile_roles = assign_roles(diarization, transcript, enrolled_settings, klantmanager=KLANTMANAGER)
    return {
        "file": name,
        "backend": diarization.backend,
        "speakers": len({seg.speaker for seg in diarization.segments}),
        "der": round(der(reference, diarization), 4),
        "rtf": round(elapsed / audio.duration_s, 4),
        "cpu_rtf": round(cpu / audio.duration_s, 4),
        "role_accuracy": round(role_accuracy(reference, diarization, heuristic_roles), 4),
        "role_accuracy_enrolled": round(role_accuracy(reference, diarization, profile_roles), 4),
        "enrolled_method": profile_roles.method,
        "enrolled_margin": profile_roles.margin if profile_roles.margin is not None else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=["embedded", "pyannote"], default="embedded")
    parser.add_argument("--pipeline-dir", type=Path, help="local pyannote pipeline directory")
    parser.add_argument("--files", default="gesprek_tts,real_dev_dialogue,real_dev_hard")
    parser.add_argument("--transcripts", type=Path, help="cache folder for transcripts between runs")
    args = parser.parse_args()
    settings = load_settings()
    settings.diarization.backend = args.backend
    if args.pipeline_dir:
        settings.diarization.pyannote.pipeline_dir = args.pipeline_dir
    rows = []
    for name in args.files.split(","):
        if find_sample(name, ".flac") is None or find_sample(name, ".rttm") is None:
            print(f"skipping {name}: sample or reference not found", file=sys.stderr)
            continue
        audio = load_audio(find_sample(name, ".flac"))
        rows.append(evaluate(name, settings, cached_transcript(audio, settings, args.transcripts)))
    columns = list(rows[0]) if rows else []
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        print("| " + " | ".join(str(row[c]) for c in columns) + " |")
    print(json.dumps(rows), file=sys.stderr)


if __name__ == "__main__":
    main()
