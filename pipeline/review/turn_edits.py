"""Apply the researcher's transcript corrections to the aligned conversation.

Runs right after alignment (the corrections are a key input of the align stage), so the
analysis, the fragments and the sheet are computed on the corrected turns. Every edit is
idempotent (applying it to a conversation that already has it changes nothing), and turns
are named by their start time, so the edits survive a re-alignment that renumbers turns.
An edit whose turn no longer exists is returned as stale and left out, never guessed.
"""

from __future__ import annotations

from collections.abc import Callable

from pipeline.review.records import TRANSCRIPT_KINDS, Correction
from pipeline.types import ROLES, Conversation, Role, Sentence, Speaker, TimedWord, Turn

MATCH_S = 0.05  # a turn is the one whose start lies this close to the record's
# How a turn's words become sentences: the align stage passes its own splitter
# (``pipeline.align.conversation.split_sentences``), so corrected turns are split the same way.
SplitSentences = Callable[[list[TimedWord]], list[list[TimedWord]]]


def turn_target(turn: Turn) -> str:
    """The record target that names a turn: its start in milliseconds."""
    return f"turn:{round(turn.start * 1000)}"


def target_time(target: str | None) -> float | None:
    """The start time (s) a turn target names, or None when it is not a turn target."""
    if not target or not target.startswith("turn:"):
        return None
    try:
        return int(target.removeprefix("turn:")) / 1000
    except ValueError:
        return None


def _find(turns: list[Turn], target: str | None) -> int | None:
    at = target_time(target)
    if at is None:
        return None
    best = min(range(len(turns)), key=lambda i: abs(turns[i].start - at), default=None)
    if best is None or abs(turns[best].start - at) > MATCH_S:
        return None
    return best


def _speaker_for(speakers: list[Speaker], role: Role) -> Speaker:
    """The conversation's speaker with this role (the first), or a new one for it."""
    for speaker in speakers:
        if speaker.role == role:
            return speaker
    added = Speaker(id=f"review-{role}", role=role, label=role)
    speakers.append(added)
    return added


def _rebuilt(turn: Turn, words: list[TimedWord], speaker: Speaker, split: SplitSentences) -> Turn:
    """The turn with these words, owned by ``speaker``; sentences split again (indices fixed later)."""
    words = [word.model_copy(update={"speaker": speaker.id}) for word in words]
    sentences = [
        Sentence(
            index=0,
            turn_index=turn.index,
            start=group[0].start,
            end=group[-1].end,
            text=" ".join(word.text for word in group),
            speaker=speaker.id,
            role=speaker.role,
        )
        for group in split(words)
    ]
    return turn.model_copy(
        update={
            "speaker": speaker.id,
            "role": speaker.role,
            "label": speaker.label,
            "start": words[0].start,
            "end": words[-1].end,
            "text": " ".join(word.text for word in words),
            "words": words,
            "sentences": sentences,
        }
    )


def retimed_words(turn: Turn, text: str) -> list[TimedWord]:
    """The corrected text as timed words: kept word by word where the count matches, else spread evenly.

    A word the researcher typed counts as heard for certain (probability 1); a word she
    left as it was keeps the recogniser's confidence.
    """
    tokens = text.split()
    old = turn.words
    if len(tokens) == len(old):
        return [
            word.model_copy(
                update={"text": token, "probability": word.probability if token == word.text else 1.0}
            )
            for token, word in zip(tokens, old, strict=True)
        ]
    step = (turn.end - turn.start) / len(tokens)
    return [
        TimedWord(
            start=round(turn.start + i * step, 3),
            end=round(turn.start + (i + 1) * step, 3),
            text=token,
            probability=1.0,
            speaker=turn.speaker,
        )
        for i, token in enumerate(tokens)
    ]


def apply_turn_edits(
    conversation: Conversation, records: list[Correction], split: SplitSentences
) -> tuple[Conversation, list[str]]:
    """The conversation with every role, split and text record applied in order; and the stale ids."""
    edits = [record for record in records if record.kind in TRANSCRIPT_KINDS]
    if not edits:
        return conversation, []
    turns = list(conversation.turns)
    speakers = list(conversation.speakers)
    by_id = {speaker.id: speaker for speaker in speakers}
    stale: list[str] = []
    for record in edits:
        found = _find(turns, record.target)
        if found is None:
            stale.append(record.id)
            continue
        turn = turns[found]
        speaker = by_id.get(turn.speaker) or _speaker_for(speakers, turn.role)
        if record.kind == "role":
            if record.after not in ROLES:
                stale.append(record.id)
                continue
            if record.after != turn.role:
                speaker = _speaker_for(speakers, record.after)
                by_id[speaker.id] = speaker
                turns[found] = _rebuilt(turn, turn.words, speaker, split)
        elif record.kind == "text":
            text = str(record.after or "").strip()
            if not text:
                stale.append(record.id)
            elif text != turn.text:
                turns[found] = _rebuilt(turn, retimed_words(turn, text), speaker, split)
        else:  # split before the word that starts at ``after`` ms
            at = int(record.after) / 1000 if isinstance(record.after, int | float) else None
            cut = next(
                (
                    i
                    for i, word in enumerate(turn.words)
                    if at is not None and abs(word.start - at) <= MATCH_S
                ),
                None,
            )
            if cut is None:
                stale.append(record.id)
            elif cut > 0:  # 0: the turn already starts there (split applied before)
                first = _rebuilt(turn, turn.words[:cut], speaker, split)
                second = _rebuilt(turn, turn.words[cut:], speaker, split)
                turns[found : found + 1] = [first, second]
    return _renumbered(conversation, turns, speakers), stale


def _renumbered(conversation: Conversation, turns: list[Turn], speakers: list[Speaker]) -> Conversation:
    """Turn and sentence indices in order again (the analysis refers to them)."""
    numbered: list[Turn] = []
    sentence_index = 0
    for turn_index, turn in enumerate(turns):
        sentences = []
        for sentence in turn.sentences:
            sentences.append(sentence.model_copy(update={"index": sentence_index, "turn_index": turn_index}))
            sentence_index += 1
        numbered.append(turn.model_copy(update={"index": turn_index, "sentences": sentences}))
    return conversation.model_copy(update={"turns": numbered, "speakers": speakers})
