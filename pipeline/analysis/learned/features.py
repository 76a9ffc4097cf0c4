"""Features of sentences and turns for the learned decisions, from the views and the rules.

The same functions serve training (``models/analysis/train.py``) and the analysis, so a
model sees at run time exactly what it was trained on. Features are named strings (value 1
unless stated), which keeps the model explainable: a decision can name the feature that
weighed most ("opener: dus je", "rule: summary").

Kinds of feature:
- ``w:`` lemmas and ``b:`` lemma bigrams (with ``<s>`` at the sentence start), so word order
  at the start of a clause, which carries Dutch questions, is visible;
- ``p:`` part-of-speech bigrams from the clause core on (with ``<s>``) and ``p3:`` the first
  trigram, where a finite verb is ``VERB.Fin``/``AUX.Fin`` and an interrogative pronoun
  ``PRON.Int``, plus ``plast:`` the last word's tag: verb-first (``<s>_AUX.Fin``), wh + verb
  (``PRON.Int_VERB.Fin``) and verb-final subclauses tell questions without "?" and survive
  the word errors of ASR that break lemmas (none without a tagger). Only the sentence
  units carry them, and only the question, focus and form models read them
  (``syntax_decisions`` in models/analysis/train.py): pooled into the themes' turn units they
  only added noise;
- ``c:`` character 4-grams of each word, which survive the misspellings of ASR;
- ``rule:`` what the rule detectors decided (question kind, form, focus, themes, evidence);
- context: the client's previous turn (``prev:`` lemmas, and how many content words this
  turn repeats from it), the next sentence in the same turn (``next:``), the position in the
  turn and in the conversation, the pause after the sentence, "!" and trailing "…", and
  what the rules found in the other speaker's previous turn (``prev:rule:``).
"""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.analysis.context import PUNCT_TOKENS, AnalysisContext, SentenceView, content_lemmas
from pipeline.analysis.learned.linear import Features
from pipeline.nlp import Token

CHAR_N = 4


def _words(view: SentenceView) -> list[str]:
    return [tok.lemma for tok in view.tokens if tok.lower not in PUNCT_TOKENS]


def _tag(token: Token) -> str:
    """UPOS, marked for finiteness and interrogative pronouns."""
    tag = token.pos
    if token.finite:
        tag += ".Fin"
    if token.pron_type == "Int":
        tag += ".Int"
    return tag


SYNTAX_KINDS = ("p:", "p3:", "plast:")


def without_kinds(features: Features, kinds: Iterable[str]) -> Features:
    """The features without the given kinds (name prefixes; ``next:`` ones count as their kind).

    Training fits each decision on the kinds grouped cross-validation keeps for it: with few
    positive units, a large kind such as character n-grams lets the model memorise its
    training sentences (self-answered: 0.64 -> 0.76 CV F1 without them).
    """
    dropped = tuple(kinds)
    if not dropped:
        return features
    return {
        name: value
        for name, value in features.items()
        if not (name.startswith(dropped) or name.removeprefix("next:").startswith(dropped))
    }


def syntax_features(view: SentenceView, prefix: str = "") -> Features:
    """Part-of-speech n-grams of the clause core (empty without a tagger)."""
    tags = [_tag(tok) for tok in view.core_tokens if tok.lower not in PUNCT_TOKENS]
    if not tags or not all(tags):
        return {}
    out: Features = {f"{prefix}plast:{tags[-1]}": 1.0}
    padded = ["<s>", *tags]
    for first, second in zip(padded, tags, strict=False):
        out[f"{prefix}p:{first}_{second}"] = 1.0
    out[f"{prefix}p3:{'_'.join(padded[:3])}"] = 1.0
    return out


def text_features(view: SentenceView, prefix: str = "") -> Features:
    """Lemmas, lemma bigrams from the clause core on, and character 4-grams of one sentence."""
    lemmas = _words(view)
    core = [tok.lemma for tok in view.core_tokens if tok.lower not in PUNCT_TOKENS]
    out: Features = {}
    for lemma in lemmas:
        out[f"{prefix}w:{lemma}"] = 1.0
    for first, second in zip(["<s>", *core], core, strict=False):
        out[f"{prefix}b:{first}_{second}"] = 1.0
    for marker in view.markers:
        out[f"{prefix}marker:{marker}"] = 1.0
    if not prefix:
        for tok in view.tokens:
            word = f"<{tok.lower}>"
            for i in range(max(1, len(word) - CHAR_N + 1)):
                out[f"c:{word[i : i + CHAR_N]}"] = 1.0
    return out


def _bucket(value: float, edges: Iterable[float]) -> int:
    return sum(value >= edge for edge in edges)


def sentence_context(
    view: SentenceView,
    turn: list[SentenceView],
    previous_other: list[SentenceView],
    pause_after_s: float | None,
    context: AnalysisContext,
) -> Features:
    """Where the sentence stands: in its turn, next to its neighbours, after the client's turn."""
    out: Features = {}
    index = turn.index(view)
    out["pos:first_in_turn" if index == 0 else "pos:later_in_turn"] = 1.0
    if index == len(turn) - 1:
        out["pos:last_in_turn"] = 1.0
    out[f"len:{_bucket(len(view.words), (3, 6, 10, 16, 25))}"] = 1.0
    if view.qmark:
        out["qmark"] = 1.0
    text = view.sentence.text
    if "!" in text:
        out["exclaim"] = 1.0  # indignation, emphasis
    if "..." in text or "…" in text:
        out["ellipsis"] = 1.0  # trailing off, hesitation
    following = turn[index + 1] if index + 1 < len(turn) else None
    if following is not None:
        out.update(text_features(following, "next:"))
    if pause_after_s is not None:
        out[f"pause:{_bucket(pause_after_s, (0.5, 1.0, 2.0, 3.5))}"] = 1.0
    if previous_other:
        theirs = frozenset().union(*(content_lemmas(v, context) for v in previous_other))
        mine = content_lemmas(view, context)
        shared = len(mine & theirs)
        out[f"shared_prev:{min(shared, 4)}"] = 1.0
        for lemma in theirs:
            out[f"prev:w:{lemma}"] = 1.0
    else:
        out["prev:none"] = 1.0
    return out


def merge(*parts: Features) -> Features:
    """All features of the parts (a later part wins on a shared name)."""
    out: Features = {}
    for part in parts:
        out.update(part)
    return out


def pooled(parts: list[Features]) -> Features:
    """The features of a turn: every feature of any of its sentences (max pooling)."""
    out: Features = {}
    for part in parts:
        for name, value in part.items():
            if value > out.get(name, 0.0):
                out[name] = value
    return out
