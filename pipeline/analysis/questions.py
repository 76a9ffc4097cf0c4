"""Question detection per sentence, from Dutch clause structure rather than the "?" alone.

Dutch marks questions syntactically: a question word in first position followed directly by
the finite verb ("Wat heb je gedaan?"), or the finite verb first followed by its subject
("Heb je de brief gekregen?"). A tag after a comma ("…, toch?") and a declarative said as a
question ("Dus je wilt liever parttime?") are the other forms. Whisper's "?" is reliable on
real questions but also lands on ~14% statements, so "?" alone is only trusted on sentences
that look like declarative questions, and structure finds the questions that lack a "?".

Rejected even with "?": embedded and indirect questions ("Ik vroeg me af hoe het ging"),
agenda lists ("Vandaag wil ik bespreken wat…"), exclamations ("Wat fijn dat je er bent"),
free relatives ("Wat ik bedoel is…"), correlatives ("Hoe eerder je begint, hoe…"),
conditionals ("Heb je vragen, dan kun je bellen"), topic drop ("Weet ik niet").

The tagger's part of speech and morphology (``pipeline.nlp``) decide where words are
ambiguous: the finite verb (``VerbForm=Fin``) of the verb-first and wh-clauses, "vraag" as a
noun ("Nog één vraag: hoe…") rather than a verb of saying, and a fronted subordinate clause
(a ``SCONJ`` first: "Als je niet kunt komen, meld je je af") after which a main clause starts
with its verb without being a question. Without "?", a question after a colon or comma
("Tot slot: hoe vond je het gesprek", "En de formulieren, heb je die opgestuurd") is found by
the same clause rules applied to the last clause.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

from pipeline.analysis.context import PUNCT_TOKENS, AnalysisContext, SentenceView, has_finite_verb
from pipeline.nlp import Token, is_verb

# What the word after a clause-initial verb is when it starts the subject (tagger's UPOS);
# an adverb there ("…, staat hier") is topic drop, not a question.
SUBJECT_POS = frozenset({"PRON", "DET", "PROPN", "NOUN"})

QuestionKind = Literal["wh", "yes_no", "invitation", "tag", "declarative"]


@dataclass(frozen=True)
class QuestionCue:
    """Why a sentence is a question; ``wh`` is the question word of a wh-question."""

    kind: QuestionKind
    wh: str | None = None


def _word_count(view: SentenceView) -> int:
    return len(view.words)


def _is_subject_start(token: Token, context: AnalysisContext, allow_name: bool = True) -> bool:
    """A subject pronoun, a determiner opening a noun phrase, or (with "?") a name."""
    return (
        token.lower in context.words("words.subject_pronouns")
        or token.lower in context.words("words.determiners")
        or (
            allow_name
            and token.text[:1].isupper()
            and token.lower not in context.words("words.question_words")
        )
    )


def _looks_finite(tokens: list[Token], index: int, context: AnalysisContext) -> bool:
    """Finite verb at ``index``: known form, or an unknown word followed by a subject pronoun."""
    if index >= len(tokens):
        return False
    token = tokens[index]
    if context.nlp.is_finite(token):
        return True
    unknown = (
        token.lower not in context.words("words.subject_pronouns")
        and token.lower not in context.words("words.determiners")
        and token.lower not in context.words("words.stopwords")
        and token.lower not in PUNCT_TOKENS
    )
    return (
        unknown
        and index + 1 < len(tokens)
        and tokens[index + 1].lower in context.words("words.subject_pronouns")
    )


def _wh_clause(
    tokens: list[Token], i: int, view: SentenceView, context: AnalysisContext
) -> QuestionCue | None:
    """``tokens[i]`` is a question word; decide between question, exclamation and relative."""
    word = tokens[i].lower
    rest = [tok for tok in tokens[i + 1 :] if tok.lower not in PUNCT_TOKENS]
    cue = QuestionCue("wh", word)
    if not rest:  # "Waarom?", "Hoezo?"
        return cue if view.qmark or _word_count(view) <= 2 else None
    nxt = rest[0].lower
    degree = word == "hoe" and nxt in context.words("words.wh_degree_words")
    if word in ("wat", "hoe") and nxt in context.words("questions.exclamative_after_wh") and not degree:
        return None  # "Wat fijn dat je er bent", "Wat een gedoe"
    j = i + 1
    if word == "wat" and nxt == "voor":  # "Wat voor werk zoek je?"
        j += 1
        while j < len(tokens) and j <= i + 4 and not _looks_finite(tokens, j, context):
            j += 1
    elif word in context.words("words.wh_determiners"):  # "Welke brief heb je…", "Hoeveel uur…"
        pronouns = context.words("words.subject_pronouns")
        while (
            j < len(tokens)
            and j <= i + 4
            and tokens[j].lower not in pronouns
            and not _looks_finite(tokens, j, context)
        ):
            j += 1
    elif word == "hoe" and (nxt in context.words("words.wh_degree_words") or nxt.endswith("er")):
        j += 1  # "Hoe lang…", "Hoe eerder je begint…"
    if _looks_finite(tokens, j, context):
        return cue
    if j < len(tokens) and tokens[j].lower in context.words("words.subject_pronouns"):
        return None  # verb-final: free relative, correlative or conditional clause
    if view.qmark:  # elliptic: "Welke brief?", "Wat nu?"
        return cue
    return cue if _word_count(view) <= 3 else None


def _possessive_imperative(verb: Token, rest: list[Token], context: AnalysisContext) -> bool:
    """An action verb's stem, "je" and then a noun: "je" is a possessive in an instruction."""
    if len(rest) < 2 or not context.nlp.is_bare_stem(verb):
        return False
    if verb.lemma not in context.words("advice.imperative_lemmas"):
        return False
    after = rest[1]
    function_words = (
        context.words("words.stopwords")
        | context.words("words.determiners")
        | context.words("words.subject_pronouns")
        | context.words("words.adverbs")
    )
    return (
        after.lower not in function_words
        and after.lower not in PUNCT_TOKENS
        and not context.nlp.is_finite(after)
    )


def _yes_no_clause(tokens: list[Token], view: SentenceView, context: AnalysisContext) -> QuestionCue | None:
    """``tokens[0]`` is a finite verb; a subject must follow for a yes/no question."""
    verb = tokens[0]
    rest = tokens[1:]
    cue = QuestionCue("yes_no")
    words = [tok for tok in rest if tok.lower not in PUNCT_TOKENS]
    if not words:
        return cue if view.qmark else None  # "Klopt?"
    subject = rest[0]
    if subject.lower in PUNCT_TOKENS:
        return None  # "Weet je, …" / "Kijk, …": a discourse marker, handled by later clauses
    if not _is_subject_start(subject, context, allow_name=view.qmark):
        # a subject after an adverb ("Heb jij ook…" is covered; "Heeft toen iemand…") only with "?"
        # (a parser-linked subject there changed no tune score: analysis.nlp.parse stays off)
        if view.qmark and any(_is_subject_start(tok, context) for tok in words[:3]):
            return cue
        return None  # imperative ("Neem de brieven mee") or topic drop ("Gaat wel")
    if view.qmark:
        return cue
    # Without "?" rule out the statements that also start with a finite verb.
    if view.markers and view.markers[-1] in context.words("words.inverting_markers"):
        return None  # "Dus heb je geen tijd gehad."
    if subject.lower in context.words("words.ambiguous_pronouns") and context.nlp.is_bare_stem(verb):
        return None  # "Doe dat maar."
    if subject.lower == "je" and _possessive_imperative(verb, rest, context):
        return None  # "Neem je diploma's mee."
    if subject.lower == "u" and (
        verb.lemma not in context.words("words.polite_question_lemmas")
        or (len(rest) > 1 and rest[1].lower in context.words("words.imperative_particles"))
    ):
        return None  # polite imperative: "Gaat u zitten.", "Neemt u ze mee."
    if verb.lemma in context.words("questions.reporting_lemmas") and len(words) <= 2:
        return None  # quote: "Oké, zegt ze."
    if subject.lower in context.words("words.first_person_subjects") and verb.lemma not in context.words(
        "words.first_person_question_lemmas"
    ):
        return None  # topic drop: "Weet ik niet.", "Heb ik gedaan."
    followers = context.words("words.conditional_followers")
    for a, b in pairwise(rest):
        if a.lower == "," and (b.lower in followers or context.nlp.is_finite(b)):
            return None  # "Heb je vragen, dan kun je bellen."
    return cue


def _interrogative_clause(
    tokens: list[Token], view: SentenceView, context: AnalysisContext
) -> QuestionCue | None:
    if not tokens:
        return None
    first = tokens[0].lower
    wh_words = context.words("words.question_words") | context.words("words.pronominal_question_words")
    if first in context.words("words.wh_prepositions") and len(tokens) > 1 and tokens[1].lower in wh_words:
        return _wh_clause(tokens, 1, view, context)  # "Met wie heb je gesproken?"
    if first in wh_words:
        return _wh_clause(tokens, 0, view, context)
    if context.nlp.is_finite(tokens[0]):
        return _yes_no_clause(tokens, view, context)
    return None


def _is_reporting_verb(token: Token, context: AnalysisContext) -> bool:
    """A verb of saying; with a tagger only as a verb ("Nog één vraag:" has the noun)."""
    if token.lemma not in context.words("questions.reporting_lemmas"):
        return False
    return not token.pos or is_verb(token)


def _last_clause(tokens: list[Token], context: AnalysisContext) -> list[Token]:
    """The clause after the last comma, colon or semicolon: "Even over de brief, heb je die?".

    Leading discourse markers are dropped ("…, of is dat te lang?"). Only the last clause, so
    a parenthesis ("Bij Randstad, hoe heet ie, Start People?") does not count. Nothing after
    a verb of saying counts: "Toen vroeg die man: waarom…?" reports a question.
    """
    cuts = [i for i, tok in enumerate(tokens) if tok.lower in PUNCT_TOKENS]
    if not cuts:
        return []
    if any(_is_reporting_verb(tok, context) for tok in tokens[: cuts[-1]]):
        return []
    markers = context.words("words.discourse_markers")
    j = cuts[-1] + 1
    while j < len(tokens) and (tokens[j].lower in markers or tokens[j].lower in PUNCT_TOKENS):
        j += 1
    return tokens[j:]


def _reported(tokens: list[Token], context: AnalysisContext) -> bool:
    """A verb of saying before a colon: what follows is a quote."""
    for i, tok in enumerate(tokens):
        if tok.lower == ":" and any(_is_reporting_verb(t, context) for t in tokens[:i]):
            return True
    return False


def _unmarked_last_clause(
    tokens: list[Token], view: SentenceView, context: AnalysisContext
) -> QuestionCue | None:
    """A question in the last clause of a sentence without "?": "Tot slot: hoe vond je het".

    A wh-clause (question word + finite verb) there asks. A verb-first clause asks only after
    a fronted phrase without a verb ("En de formulieren, heb je die opgestuurd") or after a
    colon: in "Als je niet kunt komen, meld je je af" the main clause starts with its verb
    because the subclause comes first (its conjunction is tagged ``SCONJ``; without a tagger
    the list of subordinators decides).
    """
    clause = _last_clause(tokens, context)
    if not clause:
        return None
    before = tokens[: len(tokens) - len(clause)]
    wh_words = context.words("words.question_words") | context.words("words.pronominal_question_words")
    first = clause[0]
    if first.lower in wh_words or first.lower in context.words("words.wh_prepositions"):
        cue = _interrogative_clause(clause, view, context)
        return cue if cue is not None and cue.kind == "wh" else None
    if not context.nlp.is_finite(first):
        return None
    subordinators = context.words("questions.subordinators")
    if any(tok.pos == "SCONJ" or tok.lower in subordinators or tok.lower in wh_words for tok in before):
        return None  # "Als je …, meld je je af", "Wat me opvalt, is dat …"
    cut = next(tok.lower for tok in reversed(before) if tok.lower in PUNCT_TOKENS)
    if cut != ":" and any(context.nlp.is_finite(tok) for tok in before):
        return None  # a clause with its own verb before the comma: a statement goes on
    if len(clause) < 2 or (clause[1].pos and clause[1].pos not in SUBJECT_POS):
        return None  # topic drop after a fronted phrase: "Negen jaar, staat hier."
    return _interrogative_clause(clause, view, context)


def _tag(view: SentenceView, context: AnalysisContext) -> QuestionCue | None:
    """A tag after the last comma: "Je komt morgen, toch?"."""
    tokens = view.tokens
    commas = [i for i, tok in enumerate(tokens) if tok.lower == ","]
    if not commas or commas[-1] == 0:
        return None
    tail = " ".join(tok.lower for tok in tokens[commas[-1] + 1 :])
    if tail in context.words("questions.tags"):
        if tail in context.words("questions.weak_tags") and not view.qmark:
            return None
        return QuestionCue("tag")
    return None


def _embeds_question(tokens: list[Token], context: AnalysisContext) -> bool:
    """A statement with a wh- or "of"-clause after its first words: "Ik weet niet wanneer…"."""
    openers = context.words("questions.embedded_clause_openers")
    return any(tok.lower in openers for tok in tokens[1:])


def is_foreign(view: SentenceView, context: AnalysisContext) -> bool:
    """Mostly words that are not Dutch: another language, where only the "?" can tell."""
    function_words = context.words("words.stopwords") | context.words("words.subject_pronouns")
    words = [tok.lower for tok in view.words]
    known = sum(1 for w in words if w in function_words or context.nlp.is_known_word(w))
    return known < 0.3 * len(words)


def _declarative_question(tokens: list[Token], view: SentenceView, context: AnalysisContext) -> bool:
    """A statement ending in "?": a real question, or Whisper's stray "?"."""
    settings = context.settings.questions
    count = _word_count(view)
    if count <= settings.short_max_words:
        return True  # echo and elliptic questions: "In januari?", "Twee keer?"
    words = [tok for tok in tokens if tok.lower not in PUNCT_TOKENS]
    if not words:
        return False
    if any(tok.lower == "of" for tok in words[1:-1]):
        return True  # alternatives: "Van acht tot vijf, of korter?"
    if any(tok.lower in context.words("questions.confirmation_particles") for tok in words):
        return True  # "Ik praatte toch niet te snel?"
    if is_foreign(view, context):
        return True  # an interpreter's question in another language: trust the "?"
    if count > settings.declarative_max_words:
        return False
    if not has_finite_verb(view, context):
        return True  # elliptic: "Om negen uur bij het buurthuis?"
    subject = words[0].lower
    second = context.words("words.second_person")
    if _embeds_question(words, context):
        return subject in second  # "Ik vroeg me af hoe…?" is a statement; "Je weet nog wanneer…?" asks
    if subject in context.words("words.first_person_subjects"):
        return False
    if subject in second:
        return True
    if view.markers and view.markers[0] in context.words("questions.declarative_question_openers"):
        return True  # "Dus het lukt niet?", "En dat was in januari?"
    if any(tok.lower in second for tok in words):
        return True
    return view.role in settings.third_person_roles and count <= settings.third_person_max_words


def detect_question(view: SentenceView, context: AnalysisContext) -> QuestionCue | None:
    """The question cue of a sentence, or None when it is not a question."""
    tokens = view.core_tokens
    if not view.words:
        return None
    if not view.qmark and context.match("questions.statement_idioms", view):
        return None
    if tokens:
        cue = _interrogative_clause(tokens, view, context)
        if cue is not None:
            return cue
        if context.match("questions.invitation_imperatives", view):
            return QuestionCue("invitation")
        if view.qmark:
            clause = _last_clause(tokens, context)
            cue = _interrogative_clause(clause, view, context) if clause else None
        else:
            cue = _unmarked_last_clause(tokens, view, context)
        if cue is not None:
            return cue
    if _reported(view.tokens, context):
        return None  # "Toen vroeg die man: heeft u geen smartphone?"
    cue = _tag(view, context)
    if cue is not None:
        return cue
    if view.qmark and _declarative_question(tokens, view, context):
        return QuestionCue("declarative")
    return None
