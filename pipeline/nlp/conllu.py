"""Read CoNLL-U treebank files into sentences and spaCy Docs, for training and evaluation.

Why our own reader instead of ``spacy convert``: the split into training and held-out data
goes by document id, which the converter drops, and the lemmas need one normalisation (the
UD Dutch treebanks write compound lemmas with underscores, "af_lopen", which no transcript
form ever shows; the analysis matches lemmas such as ``<aflopen>``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT_LABEL = "ROOT"  # spaCy's label for the sentence root (head = itself)
LINKER = "((?:en|er|e|s)?-?)"  # what Dutch puts between the parts of a compound
HEAD_PREFIX = 3  # letters of the head part the form must show right after the linker


@dataclass(frozen=True)
class UdSentence:
    """One sentence: its ids and, per syntactic word, the gold annotation (heads 0-based)."""

    sent_id: str
    doc_id: str
    words: tuple[str, ...]
    spaces: tuple[bool, ...]
    upos: tuple[str, ...]
    feats: tuple[str, ...]
    lemmas: tuple[str, ...]
    heads: tuple[int, ...]
    deprels: tuple[str, ...]


def document_id(sent_id: str) -> str:
    r"""The document a sentence belongs to, from the treebanks' sentence id conventions.

    Alpino: ``WR-P-P-H-0000000105\WR-P-P-H-0000000105.p.5.s.4`` (before the backslash);
    LassySmall: ``wiki-1181.p.10.s.1`` (before ``.p.``); other ids are their own document.
    """
    if "\\" in sent_id:
        return sent_id.split("\\", 1)[0]
    if ".p." in sent_id:
        return sent_id.split(".p.", 1)[0]
    return sent_id


def normalise_lemma(lemma: str, form: str = "") -> str:
    """One word for a compound lemma: its parts joined with the linking sound the form shows.

    The treebanks write compound lemmas with underscores ("opleiding_ploeg" for
    "opleidingsploeg", "kabinet_Van" for "kabinet-Van", "af_lopen" for "afgelopen"). A plain
    join would give non-words ("opleidingploeg") that no lemmatizer can learn from the form, and
    no lexicon lemma ever matches. Where the form starts with the modifier parts, each followed
    by a linking "s", "e", "en", "er" or hyphen (or none), and then the first letters of the
    head part (which may inflect: "relaties" for "relatie"), the join keeps those linkers
    ("opleidingsploeg", "kabinet-Van"); otherwise (separable verbs, "ge-" participles:
    "afgelopen") the parts are joined as they are ("aflopen"). A lone "_" stays.
    """
    if lemma == "_" or "_" not in lemma:
        return lemma
    parts = [part for part in lemma.split("_") if part]
    match = _compound_pattern(parts).match(form.lower()) if form else None
    if match is None:
        return "".join(parts)
    linkers = [form[match.start(i) : match.end(i)] for i in range(1, len(parts))]
    return "".join(part + linker for part, linker in zip(parts, [*linkers, ""], strict=True))


def _compound_pattern(parts: list[str]) -> re.Pattern[str]:
    """Modifier parts with a linker after each, then the head's first letters (it may inflect)."""
    modifiers = "".join(re.escape(part.lower()) + LINKER for part in parts[:-1])
    return re.compile(modifiers + re.escape(parts[-1].lower()[:HEAD_PREFIX]))


def _sentence(comments: dict[str, str], rows: list[list[str]], where: str) -> UdSentence:
    sent_id = comments.get("sent_id", where)
    words, spaces, upos, feats, lemmas, heads, deps = [], [], [], [], [], [], []
    for index, row in enumerate(rows):
        words.append(row[1])
        spaces.append("SpaceAfter=No" not in row[9].split("|"))
        upos.append(row[3])
        feats.append("" if row[5] == "_" else row[5])
        lemmas.append(normalise_lemma(row[2], row[1]))
        head = int(row[6])
        heads.append(index if head == 0 else head - 1)
        deps.append(ROOT_LABEL if head == 0 else row[7])
    return UdSentence(
        sent_id,
        document_id(sent_id),
        tuple(words),
        tuple(spaces),
        tuple(upos),
        tuple(feats),
        tuple(lemmas),
        tuple(heads),
        tuple(deps),
    )


def read_conllu(path: Path) -> list[UdSentence]:
    """The sentences of a CoNLL-U file; multiword-token ranges and empty nodes are skipped."""
    sentences: list[UdSentence] = []
    comments: dict[str, str] = {}
    rows: list[list[str]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.rstrip("\n")
        if not line.strip():
            if rows:
                sentences.append(_sentence(comments, rows, f"{path.name}:{number}"))
            comments, rows = {}, []
        elif line.startswith("#"):
            key, sep, value = line[1:].partition("=")
            if sep:
                comments[key.strip()] = value.strip()
        else:
            row = line.split("\t")
            if len(row) != 10:
                raise ValueError(f"{path}:{number}: expected 10 tab-separated columns, got {len(row)}")
            if "-" in row[0] or "." in row[0]:
                continue
            rows.append(row)
    if rows:
        sentences.append(_sentence(comments, rows, f"{path.name}:end"))
    return sentences


def to_doc(vocab: Any, sentence: UdSentence) -> Any:
    """A spaCy Doc with the sentence's gold annotation (for training and scoring)."""
    from spacy.tokens import Doc

    return Doc(
        vocab,
        words=list(sentence.words),
        spaces=list(sentence.spaces),
        pos=list(sentence.upos),
        morphs=list(sentence.feats),
        lemmas=list(sentence.lemmas),
        heads=list(sentence.heads),
        deps=list(sentence.deprels),
        sent_starts=[True] + [False] * (len(sentence.words) - 1),
    )
