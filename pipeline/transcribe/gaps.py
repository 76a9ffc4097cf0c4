"""Speech the batched decoder skipped: find it and decode it again.

Batched faster-whisper decodes each VAD chunk (up to 30 s of speech) once, without the seek
loop of sequential decoding. When the decoder ends a chunk early (an end-of-text token after a
long client turn), the rest of that chunk is lost without a trace: on the TTS sample a whole
reflection of the klantmanager ("Dus als ik je goed begrijp…", 6.5 s) and the client's "Ja,
precies." vanished, so the sheet missed a summary and an emotion that the diariser still saw.

After decoding, every silence between words at least ``min_gap_s`` long is checked with the
same Silero VAD that chose the chunks; where it still finds ``min_speech_s`` of speech, the gap
is decoded again (same language, beam and word timestamps): all such gaps joined in one batched
pass, and a gap that pass skips once more on its own. Only the gaps are read again, so a
transcript without holes costs one VAD pass over its longer pauses. Recovered words must pass the
confidence limits, which keeps Whisper's stock phrases on noise out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from pipeline.audio import SAMPLE_RATE
from pipeline.settings.asr import GapRecoverySettings
from pipeline.transcribe.whisper import typed_segment
from pipeline.types import Segment, Word


@dataclass(frozen=True)
class Gap:
    """A stretch of audio without transcribed words, in seconds."""

    start: float
    end: float


def silent_gaps(segments: list[Segment], duration_s: float, min_gap_s: float, pad_s: float) -> list[Gap]:
    """Stretches of at least ``min_gap_s`` between transcribed words (and before the first or
    after the last), shrunk by ``pad_s`` on each side so no recognised word is decoded twice."""
    spans = sorted(
        (word.start, word.end) for segment in segments for word in (segment.words or [_whole(segment)])
    )
    gaps, cursor = [], 0.0
    for start, end in [*spans, (duration_s, duration_s)]:
        if start - cursor >= min_gap_s:
            low = cursor + pad_s if cursor > 0.0 else 0.0
            high = start - pad_s if start < duration_s else duration_s
            gaps.append(Gap(round(low, 3), round(high, 3)))
        cursor = max(cursor, end)
    return gaps


def _whole(segment: Segment) -> Word:
    """A segment without word timestamps counts as one word over its whole span."""
    return Word(start=segment.start, end=segment.end, text=segment.text, probability=1.0)


def speech_seconds(samples: np.ndarray, min_silence_ms: int) -> float:
    """Seconds of speech Silero VAD finds in ``samples`` (the VAD the decoder's chunks came from)."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    found = get_speech_timestamps(samples, VadOptions(min_silence_duration_ms=min_silence_ms))
    return sum(item["end"] - item["start"] for item in found) / SAMPLE_RATE


Decode = Callable[[np.ndarray], Iterable[Any]]


def _confident(raw: Any, limits: GapRecoverySettings) -> bool:
    return (
        raw.no_speech_prob <= limits.max_no_speech_prob
        and raw.avg_logprob >= limits.min_avg_logprob
        and raw.compression_ratio <= limits.max_compression_ratio
    )


@dataclass(frozen=True)
class _Piece:
    """One gap's audio inside the joined audio: where it starts there and in the recording."""

    joined_start: float
    gap: Gap


def _joined(samples: np.ndarray, gaps: list[Gap], separator_s: float) -> tuple[np.ndarray, list[_Piece]]:
    """The gaps' audio one after another, each followed by ``separator_s`` of silence: longer
    than the VAD's minimum silence, so each gap's speech stays its own VAD region (the decoder may
    still pack regions of several gaps into one chunk, as it packs a recording's)."""
    silence = np.zeros(int(separator_s * SAMPLE_RATE), dtype=samples.dtype)
    parts, pieces, cursor = [], [], 0
    for gap in gaps:
        audio = _audio(samples, gap)
        pieces.append(_Piece(cursor / SAMPLE_RATE, gap))
        parts.extend((audio, silence))
        cursor += len(audio) + len(silence)
    return np.concatenate(parts), pieces


def _unjoined(raw: Any, pieces: list[_Piece], limits: GapRecoverySettings) -> dict[Gap, list[Segment]]:
    """A segment of the joined audio as segments of the recording, per gap it has words in (split
    where it crosses from one gap into the next).

    A word belongs to the piece its midpoint falls in (faster-whisper places words back into
    their VAD region by the midpoint too, so a start can fall in the separator before it); a word
    whose midpoint lies in a separator is dropped. A part whose words are on average unsure is
    left empty: in a batch the segment scores belong to the whole chunk, the word probabilities
    to the part.
    """
    starts = [piece.joined_start for piece in pieces]
    by_piece: dict[int, list[Word]] = {}
    for w in raw.words or []:
        middle = (w.start + w.end) / 2
        index = int(np.searchsorted(starts, middle, side="right")) - 1  # the first piece starts at 0
        piece = pieces[index]
        offset = piece.gap.start - piece.joined_start
        if not w.word.strip() or offset + middle > piece.gap.end:
            continue
        start = min(max(offset + w.start, piece.gap.start), piece.gap.end)
        word = Word(
            start=round(start, 3),
            end=round(min(max(offset + w.end, start), piece.gap.end), 3),
            text=w.word.strip(),
            probability=round(w.probability, 4),
        )
        by_piece.setdefault(index, []).append(word)
    out: dict[Gap, list[Segment]] = {}
    for index, words in by_piece.items():
        parts = out.setdefault(pieces[index].gap, [])  # heard, even when not trusted
        if _sure(words, limits):
            parts.append(_segment_of(words))
    return out


def _segment_of(words: list[Word]) -> Segment:
    return Segment(start=words[0].start, end=words[-1].end, text=" ".join(w.text for w in words), words=words)


def _sure(words: list[Word], limits: GapRecoverySettings) -> bool:
    """Whether these words of one gap are on average at least ``min_word_probability`` sure."""
    return bool(words) and float(np.mean([w.probability for w in words])) >= limits.min_word_probability


def _split_at(segments: list[Segment], gaps: list[Gap]) -> list[Segment]:
    """Segments that span a recovered gap, cut in two there, so that the recovered words fall
    between their parts and the transcript's words stay in time order."""
    out: list[Segment] = []
    for segment in segments:
        parts: list[list[Word]] = [[]]
        for word in segment.words:
            if parts[-1] and any(parts[-1][-1].end <= gap.start and word.start >= gap.end for gap in gaps):
                parts.append([])
            parts[-1].append(word)
        if len(parts) == 1:
            out.append(segment)
            continue
        out.extend(_segment_of(words) for words in parts)
    return out


def recover(
    samples: np.ndarray,
    segments: list[Segment],
    batched: Decode,
    sequential: Decode,
    min_silence_ms: int,
    limits: GapRecoverySettings,
) -> list[Segment]:
    """``segments`` plus what decoding the gaps that still hold speech finds in them.

    The gaps are joined into one audio and decoded in one batched pass (``batched``, which
    chunks it with its VAD as it chunked the recording): 75 gaps of a 60-minute recording held
    333 s of speech, about 12 windows joined against 75 one by one. A gap that pass returns
    nothing for (its chunk ended early again) is decoded alone by ``sequential``, at
    temperature 0 with its own VAD, when it fits ``alone_max_s`` (a longer one, such as a whole
    recording the first pass returned nothing for, would cost a full pass more). A segment of the
    first pass that a recovered gap lies inside is cut at it, so words stay in time order.
    """
    duration_s = len(samples) / SAMPLE_RATE
    gaps = [
        gap
        for gap in silent_gaps(segments, duration_s, limits.min_gap_s, limits.edge_pad_s)
        if speech_seconds(_audio(samples, gap), min_silence_ms) >= limits.min_speech_s
    ]
    if not gaps:
        return segments
    joined, pieces = _joined(samples, gaps, limits.separator_s)
    found: dict[Gap, list[Segment]] = {}
    heard: set[Gap] = set()
    for raw in batched(joined):
        parts = _unjoined(raw, pieces, limits)
        heard.update(parts)
        if _confident(raw, limits):
            for gap, pieces_found in parts.items():
                found.setdefault(gap, []).extend(pieces_found)
    for gap in gaps:
        if gap in heard or gap.end - gap.start > limits.alone_max_s:
            continue
        typed = [
            typed_segment(raw, gap.start, gap.end)
            for raw in sequential(_audio(samples, gap))
            if _confident(raw, limits)
        ]
        found[gap] = [segment for segment in typed if segment.text and _sure(segment.words, limits)]
    recovered = {gap: parts for gap, parts in found.items() if parts}
    kept = _split_at(segments, list(recovered))
    return sorted(
        [*kept, *(s for parts in recovered.values() for s in parts)], key=lambda segment: segment.start
    )


def _audio(samples: np.ndarray, gap: Gap) -> np.ndarray:
    return samples[int(gap.start * SAMPLE_RATE) : int(gap.end * SAMPLE_RATE)]
