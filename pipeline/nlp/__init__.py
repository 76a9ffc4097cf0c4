"""Dutch tokenisation, lemmas, part of speech, morphology and dependencies for the analysis.

Which pipeline (``analysis.nlp.model``):

- ``nl_core_news_sm`` (the default) when that package is installed; it is on no package index
  we can reach, so otherwise the project's own ``models/nl_kijkwijzer_sm`` (trained by
  ``python -m pipeline.nlp.train`` on UD Dutch plus spoken-style sentences, committed);
- a folder path: that spaCy pipeline (``models/nl_kijkwijzer_sm`` is one);
- another installed spaCy package name;
- ``blank``: ``spacy.blank("nl")`` with no tagger, only when asked (finite verbs then come
  from the hand-written verb lexicon, models/lexicons/nl_verbs.yaml).

Lemmas come from the verb table first, then from the spacy-lookups-data table, and only for
words neither knows from the pipeline's lemmatizer: the lexicon patterns and the analysis'
learned features were built on the first two (with the trained lemmatizer first, question
F1 without "?" on the analysis test part was 0.923 instead of 0.927). The
pipeline is loaded once per process, because loading costs more than analysing an hour of
talk. Nothing is downloaded: a missing model is a one-line error naming ``make model``.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pipeline.errors import ModelMissingError
from pipeline.nlp.lexicon import load_verb_entries
from pipeline.nlp.spacy_import import import_spacy
from pipeline.nlp.verbs import expand_verbs
from pipeline.settings import PROJECT_ROOT

BLANK = "blank"  # analysis.nlp.model value for the tagger-less fallback
FALLBACK_NAME = "blank:nl"  # its name in analysis.json
OFFICIAL_MODEL = "nl_core_news_sm"
SHIPPED_MODEL = Path("models/nl_kijkwijzer_sm")
# Kept as tokens because patterns and clause splitting need them; other punctuation is dropped.
KEPT_PUNCT = {",", ":", ";"}
BATCH_SIZE = 256


@dataclass(frozen=True)
class Token:
    """One word (or kept punctuation mark) of a sentence.

    The model fields are empty (``""``/``None``) for the blank pipeline and for words made
    with :meth:`DutchNlp.token`.
    """

    text: str
    lower: str
    lemma: str  # lowercased
    finite: bool | None = None  # the tagger's VerbForm=Fin; None without a tagger
    pos: str = ""  # UPOS ("VERB", "AUX", "PRON", ...)
    pron_type: str = ""  # PronType: "Int" (wat, wie), "Rel" (die, dat), "Dem", "Prs", ...
    head: int | None = None  # index of the syntactic head in the sentence's token list; None: root or unknown
    dep: str = ""  # dependency label ("nsubj", "aux", "ROOT", ...)
    confidence: float | None = None  # the tagger's probability of its POS+morphology label


VERB_POS = frozenset({"VERB", "AUX"})


def is_verb(token: Token) -> bool:
    """The tagger labelled the token a verb (main or auxiliary); False without a tagger."""
    return token.pos in VERB_POS


@dataclass(frozen=True)
class ModelChoice:
    """What ``analysis.nlp.model`` resolves to: a package name, a folder, or blank."""

    kind: str  # "package", "folder" or "blank"
    target: str  # package name or absolute folder path ("" for blank)


def resolve_model(model: str) -> ModelChoice:
    """Resolve the configured model without loading it (also used for the cache key).

    Raises :class:`ModelMissingError` with the fix when a configured folder or package is absent.
    """
    if model == BLANK:
        return ModelChoice("blank", "")
    if "/" not in model and importlib.util.find_spec(model) is not None:
        return ModelChoice("package", model)
    if model == OFFICIAL_MODEL:
        folder = PROJECT_ROOT / SHIPPED_MODEL
    elif "/" in model or model.startswith("."):
        folder = Path(model) if Path(model).is_absolute() else PROJECT_ROOT / model
    else:
        raise ModelMissingError(
            f"analysis.nlp.model: spaCy package '{model}' is not installed "
            f"(use {OFFICIAL_MODEL}, a pipeline folder such as {SHIPPED_MODEL}, or {BLANK})"
        )
    if not (folder / "meta.json").is_file():
        raise ModelMissingError(f"no spaCy pipeline at {folder} (run `make model` to train {SHIPPED_MODEL})")
    return ModelChoice("folder", str(folder))


def model_identity(model: str) -> dict[str, str]:
    """Name, version and meta digest of the configured pipeline, without loading spaCy.

    Part of the analysis stage's cache key: retraining the shipped model changes its
    ``meta.json`` (training-data hashes, accuracies), and so the digest.
    """
    choice = resolve_model(model)
    if choice.kind == "blank":
        return {"name": FALLBACK_NAME, "version": importlib.metadata.version("spacy")}
    if choice.kind == "package":
        return {"name": choice.target, "version": importlib.metadata.version(choice.target)}
    raw = (Path(choice.target) / "meta.json").read_bytes()
    meta = json.loads(raw)
    return {
        "name": f"{meta.get('lang', 'nl')}_{meta.get('name', Path(choice.target).name)}",
        "version": str(meta.get("version", "")),
        "meta_sha256": hashlib.sha256(raw).hexdigest(),
    }


def _softmax_max(scores: Any) -> Any:
    """Per row, the largest softmax probability (Tagger.v2 outputs unnormalised scores)."""
    import numpy

    scores = numpy.asarray(scores, dtype="float32")
    shifted = scores - scores.max(axis=1, keepdims=True)
    return 1.0 / numpy.exp(shifted).sum(axis=1)


class DutchNlp:
    """A loaded spaCy pipeline plus the finite-verb table; build it with :func:`get_nlp`."""

    def __init__(
        self,
        model: str,
        verbs_path: Path,
        min_tag_confidence: float,
        parse: bool = True,
        matmul: str = "numpy",
    ) -> None:
        spacy = import_spacy()
        from spacy.lookups import load_lookups
        from spacy.pipeline import Sentencizer

        choice = resolve_model(model)
        self.identity = model_identity(model)
        self.name = self.identity["name"]
        self.version = self.identity["version"]
        if choice.kind == "blank":
            self._nlp = spacy.blank("nl")
        else:
            from thinc.api import use_ops

            from pipeline.nlp.blas_ops import NAME as BLAS_OPS

            # Models keep the backend they were built with, so loading under it is enough.
            # The parser is half the tagging time; it is left out when nothing reads heads.
            exclude = ["ner", "senter", *([] if parse else ["parser"])]
            with use_ops(BLAS_OPS if matmul == "numpy" else "numpy"):
                self._nlp = spacy.load(choice.target, exclude=exclude)
        self._morphologizer = (
            self._nlp.get_pipe("morphologizer") if "morphologizer" in self._nlp.pipe_names else None
        )
        self.has_tagger = self._morphologizer is not None or "tagger" in self._nlp.pipe_names
        self.min_tag_confidence = min_tag_confidence
        self._lookup = load_lookups("nl", ["lemma_lookup"]).get_table("lemma_lookup")
        self._strings = self._nlp.vocab.strings
        self._labels: dict[tuple[int, int, int], tuple[str, bool, str]] = {}
        self._vocabulary: frozenset[str] | None = None
        # Punctuation-based sentence splitting, as the align stage does it; kept out of the
        # pipeline so that it never constrains the parser.
        self._sentencizer = Sentencizer()
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
            self._vocabulary = frozenset(self._lookup.values()) | frozenset(self.verb_lemmas)
        return word in self._lookup or word in self._vocabulary

    def is_bare_stem(self, token: Token) -> bool:
        """The verb is in its stem form (1st person singular or imperative)."""
        return token.lower in self.verb_stems

    def is_finite(self, token: Token) -> bool:
        """Whether the token is a finite verb (the question rules' verb-first test).

        Decision rule: when the tagger labelled the token with probability at least
        ``analysis.nlp.min_tag_confidence``, its morphology decides (``VerbForm=Fin``);
        this is what tells "Werk je…" (verb) from "Werk is…" (noun) and covers verbs the
        list lacks. When the tagger is unsure, when there is none (blank) and for tokens not
        made by the tagger (:meth:`token`), the finite-verb list decides.
        """
        if (
            token.finite is not None
            and token.confidence is not None
            and token.confidence >= self.min_tag_confidence
        ):
            return token.finite
        return token.lower in self.verb_lemmas

    def tokenize(self, texts: list[str]) -> list[list[Token]]:
        """Tokens of each text, lowercased and lemmatised, punctuation dropped except , : ;.

        With a tagger every text is its own Doc (heads point inside it). Without one only the
        tokenizer runs, on one Doc for all texts, and lemmas come straight from the lookup
        table: the lookup lemmatizer does exactly that, at several times the cost per token.
        """
        if self.has_tagger:
            out: list[list[Token]] = []
            for start in range(0, len(texts), BATCH_SIZE):
                docs, confidences = self._annotate(texts[start : start + BATCH_SIZE])
                out.extend(self._tokens(doc, conf)[0] for doc, conf in zip(docs, confidences, strict=True))
            return out
        # One Doc for all texts (joined by blank lines, which are space tokens) costs far less
        # than one Doc per sentence; tokens are split back by character offset.
        joined = "\n\n".join(texts)
        starts, position = [], 0
        for text in texts:
            starts.append(position)
            position += len(text) + 2
        grouped: list[list[Token]] = [[] for _ in texts]
        tokens, offsets = self._tokens(self._nlp.tokenizer(joined), None)
        index = 0
        for token, offset in zip(tokens, offsets, strict=True):
            while index + 1 < len(starts) and offset >= starts[index + 1]:
                index += 1
            grouped[index].append(token)
        return grouped

    def _annotate(self, texts: list[str]) -> tuple[list[Any], list[Any]]:
        """Run the pipeline on one batch, keeping the morphologizer's confidence per token.

        The morphologizer is run by hand (predict, then set_annotations) because spaCy keeps
        no per-token score; the other components run as ``nlp.pipe`` would run them.
        """
        docs = list(self._nlp.tokenizer.pipe(texts))
        confidences: list[Any] = [None] * len(docs)
        for _name, component in self._nlp.pipeline:
            if component is self._morphologizer and any(len(doc) for doc in docs):
                scores = component.model.predict(docs)
                component.set_annotations(docs, [s.argmax(axis=1) for s in scores])
                confidences = [_softmax_max(s) if len(s) else None for s in scores]
            else:
                docs = list(component.pipe(docs, batch_size=BATCH_SIZE))
        return docs, confidences

    def _tokens(self, doc: Any, confidences: Any) -> tuple[list[Token], list[int]]:
        """The kept tokens of a Doc and their character offsets.

        The tagger's labels are read as arrays of string ids, decoded once per distinct
        label, because spaCy's per-token views (``tok.head``, ``tok.morph``) cost more than
        the rest of this function together on an hour of talk.
        """
        kept: dict[int, int] = {}  # Doc index -> index in the returned list
        for tok in doc:
            if not (tok.is_space or (tok.is_punct and tok.text not in KEPT_PUNCT)):
                kept[tok.i] = len(kept)
        labels: list[list[int]] = []
        heads: list[int] = []
        if self.has_tagger and len(doc):
            from spacy.attrs import DEP, HEAD, MORPH, POS, TAG

            labels = doc.to_array([POS, TAG, MORPH, DEP]).tolist()
            heads = doc.to_array(HEAD).view("int64").tolist()  # relative offsets
        tokens: list[Token] = []
        offsets: list[int] = []
        for tok in doc:
            index = tok.i
            if index not in kept:
                continue
            text = tok.text
            if len(text) > 1 and text.endswith(".") and text[0] != ".":
                text = text.rstrip(".")  # spaCy's Dutch abbreviation list makes "dat." one token
            lower = text.lower()
            lemma = self.verb_lemmas.get(lower)
            if labels:
                pos, tag, morph, dep = labels[index]
                pos_name, finite, pron_type = self._label(pos, tag, morph)
                head = index + heads[index]
                tokens.append(
                    Token(
                        text,
                        lower,
                        lemma or self._lookup.get(lower) or tok.lemma_.lower() or lower,
                        finite=finite,
                        pos=pos_name,
                        pron_type=pron_type,
                        head=kept.get(head) if head != index else None,
                        dep=self._strings[dep],
                        confidence=float(confidences[index]) if confidences is not None else None,
                    )
                )
            else:
                tokens.append(Token(text, lower, lemma or self._lookup.get(lower, lower)))
            offsets.append(tok.idx)
        return tokens, offsets

    def _label(self, pos: int, tag: int, morph: int) -> tuple[str, bool, str]:
        """UPOS name, finiteness and first PronType value of one POS/tag/morphology label."""
        key = (pos, tag, morph)
        decoded = self._labels.get(key)
        if decoded is None:
            features: dict[str, list[str]] = {}
            for feature in self._strings[morph].split("|"):
                name, _, values = feature.partition("=")
                if values:
                    features[name] = values.split(",")
            finite = "Fin" in features.get("VerbForm", ()) or self._strings[tag].startswith("WW|pv")
            decoded = (self._strings[pos], finite, features.get("PronType", [""])[0])
            self._labels[key] = decoded
        return decoded

    def sentence_spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the sentences in ``text`` (spaCy's sentencizer)."""
        doc = self._sentencizer(self._nlp.make_doc(text))
        return [(sent.start_char, sent.end_char) for sent in doc.sents]


_LOAD_LOCK = threading.Lock()


def get_nlp(
    model: str,
    verbs_path: Path,
    min_tag_confidence: float | None = None,
    parse: bool = True,
    matmul: str | None = None,
) -> DutchNlp:
    """The process-wide pipeline for ``model`` (see the module docstring for the choices).

    ``min_tag_confidence`` and ``matmul`` default to the settings model's (``analysis.nlp``).
    One load at a time: a stage that needs the pipeline while a warm-up thread is loading it
    waits for that load instead of starting a second one.
    """
    from pipeline.settings.analysis import NlpSettings

    defaults = NlpSettings()
    with _LOAD_LOCK:
        return _loaded(
            model,
            verbs_path,
            defaults.min_tag_confidence if min_tag_confidence is None else min_tag_confidence,
            parse,
            matmul or defaults.matmul,
        )


@cache
def _loaded(model: str, verbs_path: Path, min_tag_confidence: float, parse: bool, matmul: str) -> DutchNlp:
    return DutchNlp(model, verbs_path, min_tag_confidence, parse, matmul)


def nlp_from_settings(settings: Any) -> DutchNlp:
    """The pipeline configured in ``settings.analysis.nlp`` (a :class:`pipeline.settings.Settings`)."""
    section = settings.analysis
    return get_nlp(
        section.nlp.model,
        settings.resolve(section.lexicons.verbs),
        section.nlp.min_tag_confidence,
        section.nlp.parse,
        section.nlp.matmul,
    )
