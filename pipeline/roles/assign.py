"""Decide which speaker cluster is the klantmanager, the client, or someone else.

1. If the klantmanager has an enrolled voice profile in the same voice space
   as the diarisation's centroids, the most similar cluster is hers, but only
   when it beats the runner-up by ``profile_min_margin``: on degraded audio a
   wrong pick was seen with a margin under 0.05.
2. Otherwise the documented heuristics of :class:`RoleHeuristics` score each
   speaker: who asks most questions, who opens with a greeting, agenda or goal,
   who speaks first.
3. Of the remaining speakers, the one who talks longest is the client; the rest
   are ``other``, ``other2``, ... in order of talk time.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from pipeline.diarize.words import word_speakers
from pipeline.roles.profiles import cosine, load_profile
from pipeline.settings import Settings
from pipeline.settings.roles import RoleHeuristics
from pipeline.types import Diarization, RoleAssignment, Speaker, Transcript

_SENTENCE_END = re.compile(r"[.?!]$")


def talk_times(diarization: Diarization) -> dict[str, float]:
    """Seconds of speech per speaker."""
    totals: dict[str, float] = defaultdict(float)
    for seg in diarization.segments:
        totals[seg.speaker] += seg.end - seg.start
    return dict(totals)


def _speaker_sentences(diarization: Diarization, transcript: Transcript) -> list[tuple[str, float, str]]:
    """(speaker, start, text) of word runs cut at sentence punctuation or a speaker change."""
    words = transcript.words()
    speakers = word_speakers(words, diarization.segments)
    sentences: list[tuple[str, float, str]] = []
    current: list[str] = []
    owner, start = None, 0.0
    for word, speaker in zip(words, speakers, strict=True):
        if speaker is None:
            continue
        if speaker != owner and current:
            sentences.append((owner, start, " ".join(current)))
            current = []
        if not current:
            owner, start = speaker, word.start
        current.append(word.text)
        if _SENTENCE_END.search(word.text):
            sentences.append((owner, start, " ".join(current)))
            current = []
    if current:
        sentences.append((owner, start, " ".join(current)))
    return sentences


def _is_question(text: str, question_words: set[str]) -> bool:
    stripped = text.strip()
    first = re.sub(r"\W", "", stripped.split()[0].casefold()) if stripped else ""
    return stripped.endswith("?") or first in question_words


def _share(counts: dict[str, float], speaker: str) -> float:
    total = sum(counts.values())
    return counts.get(speaker, 0.0) / total if total else 0.0


def heuristic_scores(
    diarization: Diarization, transcript: Transcript, heuristics: RoleHeuristics
) -> dict[str, dict[str, float]]:
    """Per speaker: question share, opening-cue share, first-speaker flag and the weighted score."""
    question_words = {word.casefold() for word in heuristics.question_words}
    cues = [cue.casefold() for cue in heuristics.opening_cues]
    questions: dict[str, float] = defaultdict(float)
    opening: dict[str, float] = defaultdict(float)
    first_start = min((seg.start for seg in diarization.segments), default=0.0)
    for speaker, start, text in _speaker_sentences(diarization, transcript):
        if _is_question(text, question_words):
            questions[speaker] += 1
        if start - first_start <= heuristics.opening_window_s:
            lowered = f" {text.casefold()} "
            opening[speaker] += sum(
                1 for cue in cues if re.search(rf"(?<!\w){re.escape(cue)}(?!\w)", lowered)
            )
    first = min(diarization.segments, key=lambda seg: seg.start).speaker if diarization.segments else None
    scores: dict[str, dict[str, float]] = {}
    for speaker in talk_times(diarization):
        parts = {
            "questions": _share(questions, speaker),
            "opening": _share(opening, speaker),
            "first_speaker": 1.0 if speaker == first else 0.0,
        }
        parts["score"] = (
            heuristics.questions_weight * parts["questions"]
            + heuristics.opening_weight * parts["opening"]
            + heuristics.first_speaker_weight * parts["first_speaker"]
        )
        scores[speaker] = {key: round(value, 4) for key, value in parts.items()}
    return scores


def _profile_match(
    diarization: Diarization, settings: Settings, klantmanager: str | None
) -> tuple[str | None, float | None, dict[str, Any]]:
    """(speaker, margin, evidence) from the klantmanager's voice profile; speaker None if not decisive."""
    if not klantmanager:
        return None, None, {"profile": "no klantmanager name given"}
    profile = load_profile(settings, klantmanager)
    if profile is None:
        return None, None, {"profile": "not enrolled"}
    if diarization.encoder != profile.encoder:
        return None, None, {"profile": f"encoder mismatch ({profile.encoder} vs {diarization.encoder})"}
    sims = {spk: round(cosine(profile.embedding, vec), 4) for spk, vec in diarization.centroids.items()}
    if not sims:
        return None, None, {"profile": "diarisation has no centroids"}
    ranked = sorted(sims.items(), key=lambda item: item[1], reverse=True)
    best, best_sim = ranked[0]
    margin = round(best_sim - ranked[1][1], 4) if len(ranked) > 1 else None
    evidence = {"profile_similarity": sims}
    config = settings.roles
    if best_sim < config.profile_min_similarity:
        evidence["profile"] = f"best similarity {best_sim:.3f} below {config.profile_min_similarity}"
        return None, margin, evidence
    if margin is not None and margin < config.profile_min_margin:
        evidence["profile"] = f"margin {margin:.3f} below {config.profile_min_margin}"
        return None, margin, evidence
    return best, margin, evidence


def assign_roles(
    diarization: Diarization,
    transcript: Transcript,
    settings: Settings,
    klantmanager: str | None = None,
    participants: int | None = None,
) -> RoleAssignment:
    """Give every diarised speaker a role and a label (klantmanager, client, other, other2, ...).

    ``klantmanager`` is the name from the consent record, used to find her
    voice profile; ``participants`` (consent record or CLI) is kept as
    evidence, since the diariser already used it as the speaker count.
    """
    times = talk_times(diarization)
    speakers = sorted(times, key=lambda spk: (-times[spk], spk))
    evidence: dict[str, Any] = {"participants": participants}
    if not speakers:
        return RoleAssignment(speakers=[], method="none", evidence=evidence)
    chosen, margin, profile_evidence = _profile_match(diarization, settings, klantmanager)
    evidence.update(profile_evidence)
    if chosen is not None and chosen in times:
        method = "profile"
    else:
        scores = heuristic_scores(diarization, transcript, settings.roles.heuristics)
        evidence["heuristics"] = scores
        chosen = max(speakers, key=lambda spk: (scores[spk]["score"], times[spk]))
        method = "heuristics"
    others = [spk for spk in speakers if spk != chosen]
    result = [
        Speaker(id=chosen, role="klantmanager", label="klantmanager", talk_time_s=round(times[chosen], 3))
    ]
    for rank, spk in enumerate(others):
        if rank == 0:
            role, label = "client", "client"
        else:
            role, label = "other", "other" if rank == 1 else f"other{rank}"
        result.append(Speaker(id=spk, role=role, label=label, talk_time_s=round(times[spk], 3)))
    return RoleAssignment(speakers=result, method=method, margin=margin, evidence=evidence)
