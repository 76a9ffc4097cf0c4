"""A word-class lexicon for the tagger: which parts of speech a Dutch word form can have.

Why: the treebank sections we may train on hold about 70k tokens, so 16% of the held-out words
were never seen in training, and they carried half of the tagger's UPOS errors (263 of 537;
accuracy 0.78 on them). ``spacy-lookups-data`` (MIT, already a pinned
dependency for the lookup lemmatizer) lists some 225,000 Dutch lemmas by word class and maps
about 213,000 forms to their lemma. Joined, they say for some 400,000 forms which of seven
classes (ADJ, NOUN, VERB, ADP, DET, ADV, PRON) the form can belong to.

How the tagger sees it: as a static "vector" per lowercased form, one bit per class plus one
for "in the lexicon", that ``MultiHashEmbed`` concatenates with its hashed features
(``include_static_vectors``). It is a feature, not a rule: the model learns how far to trust
it (the lexicon has no proper nouns, auxiliaries or conjunctions, and many forms are ambiguous).
Forms with the same classes share one row, so the table holds a few dozen rows and a key
per form. Used at training time only; the trained pipeline carries the table in its vocab.
"""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from pipeline.fsutil import file_sha256

CLASSES = ("ADJ", "NOUN", "VERB", "ADP", "DET", "ADV", "PRON")
TABLE_CLASSES = {name.lower(): name for name in CLASSES}  # the tables are named "adj", "noun", …
TABLES = ("nl_lemma_index.json.gz", "nl_lemma_exc.json.gz", "nl_lemma_lookup.json.gz")


def _tables_dir() -> Path:
    import spacy_lookups_data

    return Path(spacy_lookups_data.__file__).parent / "data"


def _read(name: str) -> Any:
    with gzip.open(_tables_dir() / name, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def source_hashes() -> dict[str, str]:
    """sha256 of every lookups table the lexicon is built from, for the model's meta."""
    return {name: file_sha256(_tables_dir() / name) for name in TABLES}


def word_classes() -> dict[str, frozenset[str]]:
    """Lowercased form -> the classes it can have: the lemma's own, the listed exceptions'
    and, through the form -> lemma lookup, those of its lemma."""
    index, exceptions, lookup = (_read(name) for name in TABLES)
    by_lemma: dict[str, set[str]] = defaultdict(set)
    for table, lemmas in index.items():
        for lemma in lemmas:
            by_lemma[lemma.lower()].add(TABLE_CLASSES[table])
    by_form: dict[str, set[str]] = defaultdict(set)
    for table, forms in exceptions.items():
        for form in forms:
            by_form[form.lower()].add(TABLE_CLASSES[table])
    for lemma, classes in by_lemma.items():
        by_form[lemma] |= classes
    for form, lemma in lookup.items():
        by_form[form.lower()] |= by_lemma.get(lemma.lower(), set())
    return {form: frozenset(classes) for form, classes in by_form.items() if classes}


def write_vectors_pipeline(path: Path) -> dict[str, Any]:
    """Write a blank Dutch pipeline whose vectors are the lexicon, for ``[initialize] vectors``.

    Keys are the hashes of the lowercased forms (``attr = LOWER``), so neither the strings
    store nor the vectors grow with the lexicon beyond one key per form.
    """
    import numpy as np
    import spacy
    from spacy.strings import hash_string
    from spacy.vectors import Vectors

    classes = word_classes()
    rows = sorted({tuple(sorted(value)) for value in classes.values()})
    row_of = {frozenset(row): i for i, row in enumerate(rows)}
    data = np.zeros((len(rows), len(CLASSES) + 1), dtype="float32")
    for i, row in enumerate(rows):
        data[i, 0] = 1.0  # in the lexicon
        for name in row:
            data[i, 1 + CLASSES.index(name)] = 1.0
    nlp = spacy.blank("nl")
    vectors = Vectors(strings=nlp.vocab.strings, data=data, attr="LOWER")
    for form, value in classes.items():
        vectors.add(hash_string(form), row=row_of[value])
    nlp.vocab.vectors = vectors
    nlp.to_disk(path)
    return {"forms": len(classes), "rows": len(rows), "tables": source_hashes()}
