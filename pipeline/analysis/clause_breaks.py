"""Where a new main clause starts in a run of lowercased words without "?" (ASR output).

Whisper often drops the "?" and a caseworker's question then runs into its answer or into the
next question: "heeft u het formulier ingevuld ja ik heb het gisteren gedaan". Without
capitals nothing marks the boundary except Dutch word order, which the tagger gives:

- a question word, or a two-word question phrase ("hoe lang", "hoeveel uur"), with the finite
  verb straight after it ("… waar woont u nu"): in a subordinate clause the verb goes last
  ("ik weet niet waar u woont");
- a finite verb with a subject pronoun after it, verb first ("… heeft u dat gelezen");
- a personal pronoun with the finite verb after it, a new declarative ("… u heeft gebeld");
- a filler or answer particle ("eh", "nou", "oké", "ja") right before one of these, or a
  conjunction right before a question ("… begonnen, en hoeveel uur deed u daar").

A break needs a complete clause before it: a verb of its own (finite, unless ASR misspelt it), not a fronted
subordinate clause ("als je klaar bent kun je gaan" stays whole), and the word before the
break is no finite verb (a verb-final subclause ends there: "de brief die u stuurde heb ik"),
conjunction, preposition, determiner or question/relative pronoun (which open what follows).
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.analysis.context import PUNCT_TOKENS, AnalysisContext
from pipeline.nlp import DutchNlp, Token, is_verb

MIN_WORDS = 2  # each side of a break keeps at least this many words
OPENS_WHAT_FOLLOWS = frozenset({"SCONJ", "CCONJ", "ADP", "DET"})
OPENING_PRONOUNS = frozenset({"Int", "Rel"})
PHRASE_POS = frozenset({"NOUN", "PROPN", "ADJ", "ADV"})  # the second word of "hoeveel uur", "hoe lang"


@dataclass(frozen=True)
class ClauseWords:
    """The lexicon's word lists the breaks read (``words.*`` in nl_analysis.yaml)."""

    question_words: frozenset[str]  # wat, waar, hoe, ...
    inverted_subjects: frozenset[str]  # subjects after a verb-first finite verb: u, je, dat, er, ...
    personal_subjects: frozenset[str]  # subjects that open a declarative: ik, u, je, ...
    fillers: frozenset[str]  # eh, nou, oké, ja, nee, ...
    subordinators: frozenset[str]  # als, omdat, dat, ... (when the tagger does not say SCONJ)


def clause_words(context: AnalysisContext) -> ClauseWords:
    """The word lists of the analysis' lexicon that the breaks read."""
    question_words = context.words("words.question_words")
    return ClauseWords(
        question_words=question_words,
        inverted_subjects=context.words("words.subject_pronouns"),
        personal_subjects=context.words("words.personal_subjects"),
        fillers=context.words("words.backchannels")
        | context.words("words.answer_particles")
        | context.words("words.clause_fillers"),
        subordinators=context.words("questions.subordinators") - question_words,  # "wanneer" asks too
    )


def _finite_verb(token: Token, nlp: DutchNlp) -> bool:
    """A finite verb by the tagger's morphology when it is sure, else by the verb list.

    An unsure tagger's part of speech is not trusted either: lowercased run-on text is where it
    reads "u woont" as a noun or "zijn ze" as a possessive. Untagged tokens (no tagger) never
    open a clause.
    """
    return bool(token.pos) and nlp.is_finite(token)


def _opens_question(words: list[Token], i: int, nlp: DutchNlp, lists: ClauseWords) -> bool:
    """A main-clause question starts at ``words[i]``: a question word and the verb, or verb first."""
    if i + 1 >= len(words):
        return False
    word, after = words[i], words[i + 1]
    if word.pos == "ADP" and after.lower in lists.question_words:  # "met wie", "in hoeveel uur"
        return _opens_question(words, i + 1, nlp, lists)
    if word.lower in lists.question_words:
        if _finite_verb(after, nlp):
            return True
        # "hoeveel kinderen heeft u", "hoe lang duurt het": a two-word question phrase, then the verb
        return after.pos in PHRASE_POS and i + 2 < len(words) and nlp.is_finite(words[i + 2])
    return _finite_verb(word, nlp) and after.lower in lists.inverted_subjects


def _opens_clause(words: list[Token], i: int, nlp: DutchNlp, lists: ClauseWords) -> bool:
    """A main clause starts at ``words[i]``: a question, or a personal subject and its verb."""
    if _opens_question(words, i, nlp, lists):
        return True
    after = words[i + 1] if i + 1 < len(words) else None
    return words[i].lower in lists.personal_subjects and after is not None and _finite_verb(after, nlp)


def _complete_before(words: list[Token], start: int, end: int, nlp: DutchNlp, lists: ClauseWords) -> bool:
    """``words[start:end]`` is a main clause that a new one may follow."""
    clause = words[start:end]
    if len(clause) < MIN_WORDS:
        return False
    # a fronted subclause, unless it is a question ("wanneer bent u…": the tagger says SCONJ)
    subordinate = clause[0].pos == "SCONJ" or clause[0].lower in lists.subordinators
    if subordinate and not _opens_question(words, start, nlp, lists):
        return False
    last = clause[-1]
    if nlp.is_finite(last) or last.pos in OPENS_WHAT_FOLLOWS or last.pron_type in OPENING_PRONOUNS:
        return False
    if last.lower in lists.question_words:
        return False
    # any verb: a misheard finite verb ("heefd") is often tagged as a participle or noun-like verb
    return any(is_verb(tok) for tok in clause)


def clause_breaks(tokens: list[Token], nlp: DutchNlp, lists: ClauseWords) -> list[int]:
    """Indices into ``tokens`` where a new sentence starts (never 0), by word order alone."""
    indices = [i for i, tok in enumerate(tokens) if tok.lower not in PUNCT_TOKENS]
    words = [tokens[i] for i in indices]
    breaks: list[int] = []
    start = 0
    for i in range(MIN_WORDS, len(words) - MIN_WORDS + 1):
        if i < start + MIN_WORDS or not _complete_before(words, start, i, nlp, lists):
            continue
        j = i
        if words[i].pos == "CCONJ" and _opens_question(words, i + 1, nlp, lists):
            j = i + 1  # a second question joined by "en"/"of": "… begonnen, en hoeveel uur deed u"
        while j < len(words) and words[j].lower in lists.fillers and not _opens_clause(words, j, nlp, lists):
            j += 1
        if len(words) - j >= MIN_WORDS and _opens_clause(words, j, nlp, lists):
            breaks.append(indices[i])
            start = i
    return breaks


def joined_wh_questions(tokens: list[Token], nlp: DutchNlp, lists: ClauseWords) -> int:
    """How many more wh-questions one sentence holds after its first, each joined by a conjunction.

    "Wanneer heb je gebeld en welke vacatures heb je bekeken?" asks two things before the client
    can answer: Whisper often writes two spoken questions as one sentence like this. A second
    question that is only an alternative ("Bel jij of zal ik het doen?") has no question word
    and is not counted.
    """
    words = [tok for tok in tokens if tok.lower not in PUNCT_TOKENS]
    positions = {id(tok): i for i, tok in enumerate(words)}
    return sum(
        1
        for cut in clause_breaks(tokens, nlp, lists)
        if (i := positions.get(id(tokens[cut]))) is not None
        and words[i].pos == "CCONJ"
        and i + 1 < len(words)
        and words[i + 1].lower in lists.question_words
    )
