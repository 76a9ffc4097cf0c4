"""Compound lemmas from the UD Dutch treebanks become one word, as a lemmatizer can learn it."""

from __future__ import annotations

import pytest

from pipeline.nlp.conllu import normalise_lemma


@pytest.mark.parametrize(
    ("lemma", "form", "expected"),
    [
        ("opleiding_ploeg", "opleidingsploeg", "opleidingsploeg"),  # linking s kept
        ("vrouw_toernooi", "vrouwentoernooi", "vrouwentoernooi"),  # linking en kept
        ("kabinet_Van", "kabinet-Van", "kabinet-Van"),  # hyphen kept, lemma casing
        ("koninkrijk_relatie", "Koninkrijksrelaties", "koninkrijksrelatie"),  # inflected head
        ("derde_ronde_partij", "derde-rondepartij", "derde-rondepartij"),  # three parts
        ("af_lopen", "afgelopen", "aflopen"),  # participle: parts joined as they are
        ("aan_sporen", "spoorde", "aansporen"),  # separable verb, particle elsewhere
        ("bezig_houden", "houden", "bezighouden"),
        ("_", "_", "_"),
        ("huis", "huizen", "huis"),
    ],
)
def test_compound_lemma_keeps_the_linker_the_form_shows(lemma: str, form: str, expected: str) -> None:
    assert normalise_lemma(lemma, form) == expected


def test_without_a_form_the_parts_are_joined() -> None:
    assert normalise_lemma("opleiding_ploeg") == "opleidingploeg"
