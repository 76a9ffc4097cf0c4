"""What every detector needs: the settings, the lexicon, the NLP pipeline, and sentence views.

A :class:`SentenceView` is a sentence of the conversation plus its tokens, lemmas and a few
surface features computed once, so that the detectors stay small pure functions and a
60-minute conversation is tokenised only once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.analysis.learned.linear import AnalysisModel, load_model
from pipeline.nlp import KEPT_PUNCT, DutchNlp, Token, nlp_from_settings
from pipeline.nlp.lexicon import Lexicon, load_lexicon
from pipeline.nlp.patterns import token_string
from pipeline.settings import Settings
from pipeline.settings.analysis import AnalysisSettings
from pipeline.types import Conversation, Sentence, Turn

PUNCT_TOKENS = KEPT_PUNCT  # the punctuation the Dutch pipeline keeps as tokens; detectors skip it


@dataclass(frozen=True)
class AnalysisContext:
    """Settings, lexicon, NLP pipeline and learned model shared by the detectors."""

    settings: AnalysisSettings
    lexicon: Lexicon
    nlp: DutchNlp
    model: AnalysisModel | None = None  # the learned decisions; None runs the rules alone

    @classmethod
    def from_settings(cls, settings: Settings) -> AnalysisContext:
        """Load (once per process) the lexicon and spaCy pipeline named in the settings."""
        section = settings.analysis
        nlp = nlp_from_settings(settings)
        lexicon = load_lexicon(settings.resolve(section.lexicons.analysis))
        learned = section.learned
        model = load_model(settings.resolve(learned.model)) if learned.enabled else None
        return cls(section, lexicon, nlp, model)

    def words(self, key: str) -> frozenset[str]:
        """Shorthand for ``lexicon.words``."""
        return self.lexicon.words(key)

    def match(self, key: str, view: SentenceView) -> str | None:
        """The first pattern of ``key`` that matches the sentence, or None."""
        return self.lexicon.patterns(key).search(view.string, view.form_set, view.lemma_set)


@dataclass
class SentenceView:
    """A sentence with its tokens and surface features."""

    sentence: Sentence
    position: int  # index in Conversation.sentences()
    turn_position: int  # index in Conversation.turns
    tokens: list[Token]
    qmark: bool
    core: int  # first token after leading discourse markers and commas
    markers: list[str] = field(default_factory=list)  # the leading discourse markers
    string: str = ""  # " form=lemma …" for the patterns
    form_set: frozenset[str] = frozenset()
    lemma_set: frozenset[str] = frozenset()
    content: frozenset[str] | None = None  # cached content lemmas

    @property
    def role(self) -> str:
        """The speaker's role."""
        return self.sentence.role

    @property
    def words(self) -> list[Token]:
        """Tokens without punctuation."""
        return [tok for tok in self.tokens if tok.lower not in PUNCT_TOKENS]

    @property
    def core_tokens(self) -> list[Token]:
        """Tokens from the core start on."""
        return self.tokens[self.core :]


def _ends_with_question_mark(text: str) -> bool:
    stripped = text.rstrip().rstrip("\"'”’)]»…. ")
    return stripped.endswith("?") or stripped.endswith("?!")


VOCATIVE_PREFIX = "@"


def _normalise(tokens: list[Token], spoken: dict[str, list[str]], context: AnalysisContext) -> list[Token]:
    """Replace spoken and regional forms by standard Dutch ("hedde" → "heb je", "wa" → "wat")."""
    if not any(tok.lower in spoken for tok in tokens):
        return tokens
    out: list[Token] = []
    for tok in tokens:
        replacement = spoken.get(tok.lower)
        if replacement is None:
            out.append(tok)
            continue
        for i, word in enumerate(replacement):
            # keep the capital of a sentence-initial word: names and vocatives are told by it
            text = word.capitalize() if i == 0 and tok.text[:1].isupper() else word
            out.append(context.nlp.token(text))
    return out


def _vocative_length(tokens: list[Token], at: int, context: AnalysisContext) -> int:
    """Tokens of a name (or title and name) followed by a comma at the start: "Rob, wil jij…",
    "Mevrouw Yılmaz, ik wil…"; 0 when there is none."""
    function_words = (
        context.words("words.question_words")
        | context.words("words.subject_pronouns")
        | context.words("words.determiners")
        | context.words("words.stopwords")
        | context.words("words.discourse_markers")
    )
    titles = context.words("words.titles")
    for length in (1, 2, 3):
        end = at + length
        if end + 1 >= len(tokens) or tokens[end].lower != ",":
            continue
        name = tokens[at:end]
        if all(
            (tok.text[:1].isupper() or tok.lower in titles)
            and tok.lower not in function_words
            and not context.nlp.is_finite(tok)
            and tok.text.replace("-", "").isalpha()
            for tok in name
        ) and (length == 1 or name[0].lower in titles or all(t.text[:1].isupper() for t in name)):
            return length
    return 0


def build_views(conversation: Conversation, context: AnalysisContext) -> list[SentenceView]:
    """One view per sentence, in conversation order, tokenised in a single spaCy pass."""
    sentences: list[tuple[Sentence, int]] = [
        (sentence, turn_position)
        for turn_position, turn in enumerate(conversation.turns)
        for sentence in turn.sentences
    ]
    token_lists = context.nlp.tokenize([sentence.text for sentence, _ in sentences])
    markers = context.words("words.discourse_markers")
    spoken = context.lexicon.mapping("words.spoken_forms")
    views = []
    pairs = zip(sentences, token_lists, strict=True)
    for position, ((sentence, turn_position), raw_tokens) in enumerate(pairs):
        tokens = _normalise(raw_tokens, spoken, context)
        core = 0
        while core < len(tokens) and (tokens[core].lower in markers or tokens[core].lower in PUNCT_TOKENS):
            core += 1
        forms = [t.lower for t in tokens]
        name_length = _vocative_length(tokens, core, context)
        if name_length:
            # "Rob, wil jij…": the name is skipped like a marker; "@" lets "^" patterns skip it too
            for i in range(core, core + name_length):
                forms[i] = VOCATIVE_PREFIX + forms[i]
            core += name_length + 1
        views.append(
            SentenceView(
                sentence=sentence,
                position=position,
                turn_position=turn_position,
                tokens=tokens,
                qmark=_ends_with_question_mark(sentence.text),
                core=core,
                markers=[tok.lower for tok in tokens[:core] if tok.lower not in PUNCT_TOKENS],
                string=token_string(forms, [t.lemma for t in tokens]),
                form_set=frozenset(forms),
                lemma_set=frozenset(t.lemma for t in tokens),
            )
        )
    return views


def turn_views(views: list[SentenceView], turns: list[Turn]) -> list[list[SentenceView]]:
    """The views grouped by turn (empty lists for turns without sentences)."""
    grouped: list[list[SentenceView]] = [[] for _ in turns]
    for view in views:
        grouped[view.turn_position].append(view)
    return grouped


PLURAL_SUBJECTS = {"we", "wij", "jullie", "ze", "zij"}


def has_finite_verb(view: SentenceView, context: AnalysisContext) -> bool:
    """A finite verb in the sentence; a form equal to its infinitive ("invullen") counts only
    next to a plural subject, because on its own it is usually an infinitive."""
    words = view.words
    for i, tok in enumerate(words):
        if not context.nlp.is_finite(tok):
            continue
        if tok.lower != tok.lemma:
            return True
        neighbours = {w.lower for w in words[max(0, i - 1) : i + 2]}
        if neighbours & PLURAL_SUBJECTS:
            return True
    return False


def content_lemmas(view: SentenceView, context: AnalysisContext) -> frozenset[str]:
    """Lemmas that carry content: no stopwords, punctuation or very short words (cached)."""
    if view.content is None:
        stop = context.words("words.stopwords")
        view.content = frozenset(
            tok.lemma
            for tok in view.tokens
            if tok.lower not in PUNCT_TOKENS
            and tok.lemma not in stop
            and tok.lower not in stop
            and len(tok.lower) > 2
        )
    return view.content
