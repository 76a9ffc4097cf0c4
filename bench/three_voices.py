"""Three-voice test conversations, built from committed recordings with exact references.

Two-voice samples never show what goes wrong when a third person is in the room,
so these sets add one, with a fixed seed and no audio in git:

* ``quiet_third``: the real klantmanager (nathalie) and client (flemishguy) of
  ``sample_media/real_dev_dialogue``, twice (the second pass in a shuffled
  order), plus a job coach who speaks about 5% of the time in a voice close to
  the client's: the client's own clips, pitch- and tempo-shifted up by about
  two semitones (resampling, so formants move too). Consent would say
  ``participants: 3``; the job coach is expected to be found or merged into the
  client, never to take the klantmanager's time.
* ``interpreter``: the same two voices once, and an interpreter who speaks
  after most turns, about 30% of all speech, in a clearly different voice (the
  MBROLA ``mb-nl2`` statements of ``sample_media/gesprek_tts``). Expected to be
  found and to get the role ``other``.

Every utterance is cut from its source at the times in the source's JSON ground
truth, so reference times are exact to the sample. The transcript is the
reference text with word times spread over each utterance by character count:
roles need words, and running ASR on these sets would only add its errors.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.signal import resample_poly

from pipeline.audio import Audio, load_audio
from pipeline.types import ModelIdentity, Segment, Transcript, Word

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_media"
RATE = 16_000
SETS = ("quiet_third", "interpreter")
# resample_poly(up, down) then playing at 16 kHz: 28/25 = 1.12x pitch and tempo (~2 semitones).
JOB_COACH_SHIFT = (25, 28)


@dataclass(frozen=True)
class Utterance:
    """One reference utterance: who (role label), when, what."""

    speaker: str
    start: float
    end: float
    text: str


@dataclass(frozen=True)
class VoiceSet:
    """A built conversation: audio, exact reference, and a reference-text transcript."""

    name: str
    samples: np.ndarray
    utterances: list[Utterance]
    participants: int = 3
    main_speakers: tuple[str, ...] = ("klantmanager", "client")
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def duration_s(self) -> float:
        return len(self.samples) / RATE

    def audio(self) -> Audio:
        """The set as pipeline audio (its source path names the set; no file is written)."""
        return Audio(
            samples=self.samples, sample_rate=RATE, source=Path(f"{self.name}.flac"), has_video=False
        )

    def rttm(self) -> str:
        """Reference RTTM, speaker field = role label."""
        return "".join(
            f"SPEAKER {self.name} 1 {u.start:.3f} {u.end - u.start:.3f} <NA> <NA> {u.speaker} <NA> <NA>\n"
            for u in self.utterances
        )

    def share(self, speaker: str) -> float:
        """Share of all reference speech time spoken by ``speaker``."""
        total = sum(u.end - u.start for u in self.utterances)
        return sum(u.end - u.start for u in self.utterances if u.speaker == speaker) / total

    def transcript(self) -> Transcript:
        """The reference text as a transcript, word times spread by character count."""
        segments = []
        for u in self.utterances:
            tokens = u.text.split()
            weights = np.cumsum([0] + [len(t) + 1 for t in tokens], dtype=float)
            edges = u.start + (u.end - u.start) * weights / weights[-1]
            words = [
                Word(start=round(a, 3), end=round(b, 3), text=t, probability=1.0)
                for t, a, b in zip(tokens, edges[:-1], edges[1:], strict=True)
            ]
            segments.append(Segment(start=u.start, end=u.end, text=u.text, words=words))
        return Transcript(
            model=ModelIdentity(name="reference-text", sha256="0" * 64),
            duration_s=round(self.duration_s, 3),
            segments=segments,
        )


def _clips(name: str, role_field: str) -> list[tuple[str, np.ndarray, str, bool]]:
    """(role, samples, text, is_question) of every utterance (or TTS sentence) of a sample."""
    audio = load_audio(SAMPLES / f"{name}.flac")
    truth = json.loads((SAMPLES / f"{name}.json").read_text())
    out = []
    for utterance in truth["utterances"]:
        pieces = utterance.get("sentences") or [utterance]
        for piece in pieces:
            a, b = round(piece["start"] * RATE), round(piece["end"] * RATE)
            question = piece.get("labels", {}).get("question", utterance.get("is_question", False))
            out.append((utterance[role_field], audio.samples[a:b].copy(), piece["text"], bool(question)))
    return out


class _Layout:
    """Concatenates clips with seeded gaps and records the exact reference."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.pieces: list[np.ndarray] = [np.zeros(RATE // 2, np.float32)]
        self.length = RATE // 2
        self.utterances: list[Utterance] = []

    def add(self, speaker: str, samples: np.ndarray, text: str, gap: tuple[float, float]) -> None:
        if self.utterances:
            pause = np.zeros(round(self.rng.uniform(*gap) * RATE), np.float32)
            self.pieces.append(pause)
            self.length += len(pause)
        start = self.length
        self.pieces.append(samples.astype(np.float32))
        self.length += len(samples)
        self.utterances.append(Utterance(speaker, round(start / RATE, 3), round(self.length / RATE, 3), text))

    def samples(self) -> np.ndarray:
        return np.concatenate([*self.pieces, np.zeros(RATE // 2, np.float32)])


def _dialogue_pairs() -> list[list[tuple[str, np.ndarray, str, bool]]]:
    """real_dev_dialogue as (klantmanager, client) exchanges, in order."""
    clips = _clips("real_dev_dialogue", "speaker")
    return [clips[i : i + 2] for i in range(0, len(clips), 2)]


def quiet_third(seed: int = 12) -> VoiceSet:
    """Klantmanager and client twice over, and a job coach close to the client at ~5% of speech."""
    rng = np.random.default_rng(seed)
    pairs = _dialogue_pairs()
    order = list(range(len(pairs))) + [int(i) for i in rng.permutation(len(pairs))]
    client_clips = [clip for pair in pairs for clip in pair if clip[0] == "client"]
    # The job coach says the client's shortest sentences, shifted: short remarks, about 5%.
    coach = sorted(client_clips, key=lambda clip: len(clip[1]))[2:8]
    coach_after = set(np.linspace(4, len(order) - 3, len(coach)).round().astype(int).tolist())
    layout = _Layout(seed)
    coach_iter = iter(coach)
    for position, index in enumerate(order):
        for role, samples, text, _ in pairs[index]:
            layout.add(role, samples, text, gap=(0.3, 1.0))
        if position in coach_after:
            _, samples, text, _ = next(coach_iter)
            layout.add("other", resample_poly(samples, *JOB_COACH_SHIFT), text, gap=(0.3, 0.8))
    built = VoiceSet("quiet_third", layout.samples(), layout.utterances)
    return VoiceSet(built.name, built.samples, built.utterances, extra={"other_share": built.share("other")})


def interpreter(seed: int = 30) -> VoiceSet:
    """Klantmanager and client once, an interpreter (TTS mb-nl2) after most turns, ~30% of speech."""
    statements = [clip for clip in _clips("gesprek_tts", "role") if clip[0] == "client" and not clip[3]]
    layout = _Layout(seed)
    spoken = 0.0
    source = iter(statements)
    for pair in _dialogue_pairs():
        for role, samples, text, _ in pair:
            layout.add(role, samples, text, gap=(0.3, 0.9))
            main = sum(u.end - u.start for u in layout.utterances if u.speaker != "other")
            # Interpret until the interpreter holds 30% of the speech so far.
            while spoken < 0.3 / 0.7 * main:
                clip = next(source, None)
                if clip is None:
                    break
                layout.add("other", clip[1], clip[2], gap=(0.3, 0.9))
                spoken += len(clip[1]) / RATE
    built = VoiceSet("interpreter", layout.samples(), layout.utterances)
    return VoiceSet(built.name, built.samples, built.utterances, extra={"other_share": built.share("other")})


def build(name: str) -> VoiceSet:
    """The named set (``quiet_third`` or ``interpreter``)."""
    builders = {"quiet_third": quiet_third, "interpreter": interpreter}
    return builders[name]()
