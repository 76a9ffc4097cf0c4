"""Give every turn its sentences when the input has none (hand-corrected WebVTT, older JSON).

Sentences are what the detectors work on. The align stage already splits turns into
sentences; for other inputs the turn text is split with the same spaCy sentencizer, and each
sentence gets the times of its words, or times interpolated over the turn by character
position when there are no word times.

A question whose "?" is missing runs into the next sentence ("Hoe gaat het Goed hè"). A
capital on a common Dutch word after a word without punctuation marks the start of a new
sentence there, so such a run is split before it (names keep their capital and are not
common words, so "Dag Kevin" stays whole).

Lowercased text without "?" (ASR output) has no capitals to split on, so a run that starts
lowercase is split by Dutch word order from the tagger instead (:mod:`pipeline.analysis.clause_breaks`).
"""

from __future__ import annotations

import re
from itertools import pairwise

from pipeline.analysis.clause_breaks import ClauseWords, clause_breaks, clause_words
from pipeline.analysis.context import AnalysisContext
from pipeline.nlp import DutchNlp
from pipeline.types import Conversation, Sentence, Turn


def _word_text(turn: Turn) -> tuple[str, list[tuple[int, int]]]:
    """The turn's text rebuilt from its words, with each word's character span."""
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    cursor = 0
    for word in turn.words:
        text = word.text.strip()
        if parts:
            parts.append(" ")
            cursor += 1
        spans.append((cursor, cursor + len(text)))
        parts.append(text)
        cursor += len(text)
    return "".join(parts), spans


CAPITALISED = re.compile(r"(?<=[\w'’]) +([A-Z][a-z]+)\b")
NEVER_SPLIT_BEFORE = frozenset({"u", "uw"})  # written with a capital as a courtesy
FUNCTION_WORD_LISTS = ("question_words", "subject_pronouns", "determiners", "stopwords", "discourse_markers")


def _capital_breaks(
    text: str, start: int, end: int, nlp: DutchNlp, function_words: frozenset[str]
) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` before capitalised common words that follow a bare word."""
    cuts = [
        start + match.start(1)
        for match in CAPITALISED.finditer(text[start:end])
        if (word := match.group(1).lower()) not in NEVER_SPLIT_BEFORE
        and (word in function_words or nlp.is_known_word(word))
    ]
    bounds = [start, *cuts, end]
    return list(pairwise(bounds))


def _lowercase_run(chunk: str) -> bool:
    """The run starts with a lowercase letter: its text carries no capitals to split on."""
    first = next((char for char in chunk if char.isalpha()), "")
    return first.islower()


def _word_order_breaks(
    text: str, spans: list[tuple[int, int]], nlp: DutchNlp, words: ClauseWords
) -> list[tuple[int, int]]:
    """``spans`` with every lowercase run split where a new main clause starts (one tagger call)."""
    runs = [i for i, (s, e) in enumerate(spans) if _lowercase_run(text[s:e])]
    if not runs:
        return spans
    tokenised = nlp.tokenize([text[spans[i][0] : spans[i][1]] for i in runs])
    out = list(spans)
    for i, tokens in zip(reversed(runs), reversed(tokenised), strict=True):
        start, end = spans[i]
        offsets, cursor = [], start
        for token in tokens:  # tokens are in text order; find each one's character offset
            found = text.find(token.text, cursor, end)
            offsets.append(found)  # -1 (never a cut) for a token the tokenizer changed
            cursor = found + len(token.text) if found >= 0 else cursor
        cuts = [offsets[b] for b in clause_breaks(tokens, nlp, words) if offsets[b] > start]
        out[i : i + 1] = list(pairwise([start, *cuts, end]))
    return out


def _split_turn(
    turn: Turn, first_index: int, nlp: DutchNlp, function_words: frozenset[str], words: ClauseWords
) -> list[Sentence]:
    words_text, word_spans = _word_text(turn)
    text = words_text or turn.text.strip()
    sentences: list[Sentence] = []
    spans = [
        part for s, e in nlp.sentence_spans(text) for part in _capital_breaks(text, s, e, nlp, function_words)
    ]
    if nlp.has_tagger:
        spans = _word_order_breaks(text, spans, nlp, words)
    for start_char, end_char in spans:
        chunk = text[start_char:end_char].strip()
        if not chunk:
            continue
        spans = zip(turn.words, word_spans, strict=True)
        inside = [word for word, (ws, we) in spans if ws < end_char and we > start_char]
        if inside:
            start, end = inside[0].start, inside[-1].end
        else:
            duration = turn.end - turn.start
            start = turn.start + duration * start_char / max(1, len(text))
            end = turn.start + duration * end_char / max(1, len(text))
        sentences.append(
            Sentence(
                index=first_index + len(sentences),
                turn_index=turn.index,
                start=round(start, 3),
                end=round(end, 3),
                text=chunk,
                speaker=turn.speaker,
                role=turn.role,
            )
        )
    return sentences


def ensure_sentences(conversation: Conversation, context: AnalysisContext) -> Conversation:
    """The conversation itself when every spoken turn has sentences, else a completed copy."""
    if all(turn.sentences or not (turn.text.strip() or turn.words) for turn in conversation.turns):
        return conversation
    # function words are not in the lemma tables, but they open sentences ("En…", "Hoe…")
    function_words = frozenset().union(*(context.words(f"words.{key}") for key in FUNCTION_WORD_LISTS))
    words = clause_words(context)
    turns: list[Turn] = []
    index = 0
    for turn in conversation.turns:
        if turn.sentences:
            sentences = [s.model_copy(update={"index": index + i}) for i, s in enumerate(turn.sentences)]
        else:
            sentences = _split_turn(turn, index, context.nlp, function_words, words)
        index += len(sentences)
        turns.append(turn.model_copy(update={"sentences": sentences}))
    return conversation.model_copy(update={"turns": turns})
