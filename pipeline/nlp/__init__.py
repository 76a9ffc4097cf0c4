"""Dutch tokenisation, lemmas and (when a tagger exists) verb morphology for the analysis.

``nl_core_news_sm`` is used when it is installed: its morphology marks finite verbs. It is on
no reachable package index, so the default is the fallback ``spacy.blank("nl")`` with the
rule-based sentencizer and the lookup lemmatizer from spacy-lookups-data. The fallback has no
tagger, so finite verbs come from the hand-written verb lexicon (models/lexicons/nl_verbs.yaml)
in both cases; with the model, its morphology is an extra signal. The pipeline is loaded once
per process, because loading costs more than analysing an hour of talk.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pipeline.nlp.lexicon import load_verb_entries
from pipeline.nlp.verbs import expand_verbs

FALLBACK_NAME = "blank:nl"
# Kept as tokens because patterns and clause splitting need them; other punctuation is dropped.
KEPT_PUNCT = {",", ":", ";"}


@dataclass(frozen=True)
class Token:
    """One word (or kept punctuation mark) of a sentence."""

    text: str
    lower: str
    lemma: str
    finite: bool | None = None  # the tagger's VerbForm=Fin; None without a tagger


_IMPORT_LOCK = threading.Lock()


def _import_spacy() -> Any:
    """Import spaCy without letting thinc import torch.

    thinc imports torch at import time whenever it is installed (the optional pyannote
    backend installs it), which doubles spaCy's start-up time; the analysis never needs it.
    A ``None`` entry in ``sys.modules`` makes that one import fail fast; it is removed again
    at once, so a later ``import torch`` elsewhere works normally.
    """
    with _IMPORT_LOCK:
        if "spacy" in sys.modules or "torch" in sys.modules:
            import spacy

            return spacy
        sys.modules["torch"] = None  # type: ignore[assignment]
        try:
            import spacy
        finally:
            if sys.modules.get("torch", 0) is None:
                del sys.modules["torch"]
        return spacy


class DutchNlp:
    """A loaded spaCy pipeline plus the finite-verb table; build it with :func:`get_nlp`."""

    def __init__(self, model: str, verbs_path: Path) -> None:
        spacy = _import_spacy()

        if model and model != FALLBACK_NAME and importlib.util.find_spec(model) is not None:
            self._nlp = spacy.load(model, exclude=["ner", "parser", "senter"])
            self.name = model
            self.has_tagger = "morphologizer" in self._nlp.pipe_names or "tagger" in self._nlp.pipe_names
        else:
            self._nlp = spacy.blank("nl")
            self._nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
            self._nlp.initialize()
            self.name = FALLBACK_NAME
            self.has_tagger = False
        lemmatizer = self._nlp.get_pipe("lemmatizer") if "lemmatizer" in self._nlp.pipe_names else None
        self._lookup = lemmatizer.lookups.get_table("lemma_lookup", {}) if lemmatizer is not None else {}
        self._vocabulary: frozenset[str] | None = None
        # Punctuation-based sentence splitting, as the align stage does it.
        self._sentencizer = self._nlp.add_pipe("sentencizer", first=True)
        verbs = expand_verbs(load_verb_entries(verbs_path))
        self.verb_lemmas = verbs.lemmas
        self.verb_stems = verbs.stems

    def token(self, word: str) -> Token:
        """A token for a word that did not come from the tokenizer (a normalised spoken form)."""
        lower = word.lower()
        lemma = self.verb_lemmas.get(lower) or self._lookup.get(lower, lower)
        return Token(word, lower, lemma)

    def is_known_word(self, word: str) -> bool:
        """The word is in the Dutch lemma tables (inflected form or lemma) or the verb table.

        Function words are not in the lookup table (they are their own lemma), so callers
        add their own function-word lists; this tells Dutch text from another language.
        """
        if self._vocabulary is None:
            values = set(self._lookup.values()) if hasattr(self._lookup, "values") else set()
            self._vocabulary = frozenset(values) | frozenset(self.verb_lemmas)
        return word in self._lookup or word in self._vocabulary

    def is_bare_stem(self, token: Token) -> bool:
        """The verb is in its stem form (1st person singular or imperative)."""
        return token.lower in self.verb_stems

    def is_finite(self, token: Token) -> bool:
        """Finite verb by the lexicon, or by the tagger's morphology when there is one."""
        return token.lower in self.verb_lemmas or bool(token.finite)

    def tokenize(self, texts: list[str]) -> list[list[Token]]:
        """Tokens of each text, lowercased and lemmatised, punctuation dropped except , : ;.

        Without a tagger only the tokenizer runs and lemmas come straight from the lookup
        table: the lookup lemmatizer does exactly that, at several times the cost per token.
        """
        if self.has_tagger:
            docs = self._nlp.pipe(texts, batch_size=256, disable=["sentencizer"])
            return [self._tokens(doc)[0] for doc in docs]
        # One Doc for all texts (joined by blank lines, which are space tokens) costs far less
        # than one Doc per sentence; tokens are split back by character offset.
        joined = "\n\n".join(texts)
        starts, position = [], 0
        for text in texts:
            starts.append(position)
            position += len(text) + 2
        out: list[list[Token]] = [[] for _ in texts]
        tokens, offsets = self._tokens(self._nlp.tokenizer(joined))
        index = 0
        for token, offset in zip(tokens, offsets, strict=True):
            while index + 1 < len(starts) and offset >= starts[index + 1]:
                index += 1
            out[index].append(token)
        return out

    def _tokens(self, doc: Any) -> tuple[list[Token], list[int]]:
        """The kept tokens of a Doc and their character offsets."""
        tokens: list[Token] = []
        offsets: list[int] = []
        for tok in doc:
            text = tok.text
            if tok.is_space or (tok.is_punct and text not in KEPT_PUNCT):
                continue
            if len(text) > 1 and text.endswith(".") and text[0] != ".":
                text = text.rstrip(".")  # spaCy's Dutch abbreviation list makes "dat." one token
            lower = text.lower()
            lemma = self.verb_lemmas.get(lower)
            finite = None
            if self.has_tagger:
                lemma = lemma or tok.lemma_.lower() or lower
                finite = "Fin" in tok.morph.get("VerbForm") or tok.tag_.startswith("WW|pv")
            else:
                lemma = lemma or self._lookup.get(lower, lower)
            tokens.append(Token(text, lower, lemma, finite))
            offsets.append(tok.idx)
        return tokens, offsets

    def sentence_spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the sentences in ``text`` (spaCy's sentencizer)."""
        doc = self._sentencizer(self._nlp.make_doc(text))
        return [(sent.start_char, sent.end_char) for sent in doc.sents]


@cache
def get_nlp(model: str, verbs_path: Path) -> DutchNlp:
    """The process-wide pipeline for ``model`` (falls back to blank Dutch when absent)."""
    return DutchNlp(model, verbs_path)
