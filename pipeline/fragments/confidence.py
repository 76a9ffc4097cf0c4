"""ASR confidence: which words decided an event, and whether the recogniser was sure of them.

Whisper sometimes mishears exactly the word a detector keys on ("Het is vooral …" heard
as "Wat is vooral …" at p = 0.47 turns an answer into a second question). The sheet must
not turn such an error into a judgement, so an event whose deciding words were heard with
low probability is *uncertain*: it is left out of the counts on the sheet and out of the
fragment scores, and its words are shown as "onzeker verstaan".

The deciding words are the event's cue (``details["cue"]``, ``details["evidence"]``,
a question's ``question_word`` and a self-answer's evidence) found in its sentence;
a question without a question word is decided by its first word (verb-first form). A
question the recogniser itself wrote with a question mark keeps its form whatever its
question word's probability; only its self-answer evidence can still make it uncertain.
Other events without a cue are decided by the whole sentence. An event is uncertain when at least
``uncertain_share`` of its deciding words are below ``uncertain_below``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pipeline.settings.fragments import FragmentSettings
from pipeline.types import Analysis, Conversation, Event, TimedWord

_TOKEN = re.compile(r"[\wÀ-ÿ']+")
_STRETCHES = ("monologue", "ping_pong", "interruption")  # decided by timing, not by words


def tokens(text: str) -> list[str]:
    """Lower-case word tokens, punctuation dropped."""
    return _TOKEN.findall(text.lower())


class WordIndex:
    """The conversation's words by sentence index, so an event finds its words quickly."""

    def __init__(self, conversation: Conversation) -> None:
        self.by_sentence: dict[int, list[TimedWord]] = {}
        for turn in conversation.turns:
            for sentence in turn.sentences:
                self.by_sentence[sentence.index] = [
                    w for w in turn.words if sentence.start - 0.01 <= w.start and w.end <= sentence.end + 0.01
                ]

    def sentence_words(self, index: int | None) -> list[TimedWord]:
        """The words of one sentence (empty when unknown)."""
        return self.by_sentence.get(index, []) if index is not None else []


def _cue_texts(event: Event) -> list[str]:
    details = event.details
    found: list[str] = []
    for key in ("cue", "evidence", "question_word"):
        found += _strings(details.get(key))
    return found


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable) and not isinstance(value, dict):
        return [item for item in value if isinstance(item, str)]
    return []


def _matching(words: list[TimedWord], cue: str) -> list[TimedWord]:
    """The words of ``words`` that spell ``cue`` (as a run of tokens; else token by token)."""
    wanted = tokens(cue)
    if not wanted:
        return []
    spoken = [(tokens(word.text) or [""])[0] for word in words]
    for i in range(len(spoken) - len(wanted) + 1):
        if spoken[i : i + len(wanted)] == wanted:
            return words[i : i + len(wanted)]
    return [word for word, token in zip(words, spoken, strict=True) if token in wanted]


def deciding_words(event: Event, index: WordIndex) -> list[TimedWord]:
    """The words that made the detector report this event (see the module docstring)."""
    if event.type in _STRETCHES:
        return []
    words = index.sentence_words(event.sentence_index)
    decided: list[TimedWord] = []
    for cue in _cue_texts(event):
        decided += [word for word in _matching(words, cue) if word not in decided]
    if event.type == "question":
        if event.text.rstrip().endswith("?"):
            decided = []  # the recogniser's own question mark confirms the form, whatever the cue
        elif not event.details.get("question_word") and words:
            decided.insert(0, words[0])
        answer = event.details.get("self_answer")
        if isinstance(answer, dict):
            answer_words = index.sentence_words(answer.get("sentence_index"))
            for cue in _strings(answer.get("evidence")):
                decided += [word for word in _matching(answer_words, cue) if word not in decided]
        return decided
    return decided or words


def is_uncertain(event: Event, index: WordIndex, frag: FragmentSettings) -> bool:
    """Whether enough of the event's deciding words were heard with low probability."""
    words = deciding_words(event, index)
    if not words:
        return False
    low = sum(1 for word in words if word.probability < frag.uncertain_below)
    return low >= frag.uncertain_share * len(words)


def uncertain_ids(analysis: Analysis, conversation: Conversation, frag: FragmentSettings) -> set[str]:
    """Ids of the uncertain events."""
    index = WordIndex(conversation)
    return {event.id for event in analysis.events if is_uncertain(event, index, frag)}


def confident(analysis: Analysis, conversation: Conversation, frag: FragmentSettings) -> Analysis:
    """The analysis without its uncertain events: what the sheet counts and the fragments score."""
    dropped = uncertain_ids(analysis, conversation, frag)
    if not dropped:
        return analysis
    kept = [e for e in analysis.events if e.id not in dropped]
    return analysis.model_copy(update={"events": _restack(kept, analysis.events, dropped)})


def _restack(kept: list[Event], events: list[Event], dropped: set[str]) -> list[Event]:
    """A question was "stacked" with the others in its turn; once a misheard one is gone, a
    question left alone in a turn that lost one is no longer stacked."""
    lost_turns = {e.turn_index for e in events if e.id in dropped and e.type == "question"}
    remaining: dict[int | None, int] = {}
    for event in kept:
        if event.type == "question":
            remaining[event.turn_index] = remaining.get(event.turn_index, 0) + 1
    return [
        e.model_copy(update={"stacked": False})
        if e.type == "question" and e.stacked and e.turn_index in lost_turns and remaining[e.turn_index] < 2
        else e
        for e in kept
    ]
