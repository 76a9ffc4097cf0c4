"""What every detector needs: the settings, the lexicon, the NLP pipeline, and sentence views.

A :class:`SentenceView` is a sentence of the conversation plus its tokens, lemmas and a few
surface features computed once, so that the detectors stay small pure functions and a
60-minute conversation is tokenised only once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.nlp import DutchNlp, Token, get_nlp
from pipeline.nlp.lexicon import Lexicon, load_lexicon
from pipeline.nlp.patterns import token_string
from pipeline.settings import Settings
from pipeline.settings.analysis import AnalysisSettings
from pipeline.types import Conversation, Sentence, Turn

PUNCT_TOKENS = {",", ":", ";"}


@dataclass(frozen=True)
class AnalysisContext:
    """Settings, lexicon and NLP pipeline shared by the detectors."""

    settings: AnalysisSettings
    lexicon: Lexicon
    nlp: DutchNlp

    @classmethod
    def from_settings(cls, settings: Settings) -> AnalysisContext:
        """Load (once per process) the lexicon and spaCy pipeline named in the settings."""
        section = settings.analysis
        nlp = get_nlp(section.spacy_model, settings.resolve(section.lexicons.verbs))
        lexicon = load_lexicon(settings.resolve(section.lexicons.analysis))
        return cls(section, lexicon, nlp)

    def words(self, key: str) -> frozenset[str]:
        """Shorthand for ``lexicon.words``."""
        return self.lexicon.words(key)

    def match(self, key: str, view: SentenceView) -> str | None:
        """The first pattern of ``key`` that matches the sentence, or None."""
        return self.lexicon.patterns(key).search(view.string)


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
    string: str = ""

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


def build_views(conversation: Conversation, context: AnalysisContext) -> list[SentenceView]:
    """One view per sentence, in conversation order, tokenised in a single spaCy pass."""
    sentences: list[tuple[Sentence, int]] = [
        (sentence, turn_position)
        for turn_position, turn in enumerate(conversation.turns)
        for sentence in turn.sentences
    ]
    token_lists = context.nlp.tokenize([sentence.text for sentence, _ in sentences])
    markers = context.words("words.discourse_markers")
    views = []
    for position, ((sentence, turn_position), tokens) in enumerate(zip(sentences, token_lists)):
        core = 0
        while core < len(tokens) and (tokens[core].lower in markers or tokens[core].lower in PUNCT_TOKENS):
            core += 1
        views.append(
            SentenceView(
                sentence=sentence,
                position=position,
                turn_position=turn_position,
                tokens=tokens,
                qmark=_ends_with_question_mark(sentence.text),
                core=core,
                markers=[tok.lower for tok in tokens[:core] if tok.lower not in PUNCT_TOKENS],
                string=token_string([t.lower for t in tokens], [t.lemma for t in tokens]),
            )
        )
    return views


def turn_views(views: list[SentenceView], turns: list[Turn]) -> list[list[SentenceView]]:
    """The views grouped by turn (empty lists for turns without sentences)."""
    grouped: list[list[SentenceView]] = [[] for _ in turns]
    for view in views:
        grouped[view.turn_position].append(view)
    return grouped


def content_lemmas(view: SentenceView, context: AnalysisContext) -> set[str]:
    """Lemmas that carry content: no stopwords, punctuation or very short words."""
    stop = context.words("words.stopwords")
    return {
        tok.lemma
        for tok in view.tokens
        if tok.lower not in PUNCT_TOKENS and tok.lemma not in stop and tok.lower not in stop and len(tok.lower) > 2
    }
