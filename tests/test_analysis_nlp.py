"""The NLP layer the analysis runs on: the blank spaCy path, the verb table, the pattern
language and the lexicon loader.

The blank path (blank Dutch, the sentencizer and lookup lemmas from spacy-lookups-data) runs
when ``analysis.nlp.model`` is ``blank``; the shipped trained pipeline is tested in
tests/test_nlp_model.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import ConfigError
from pipeline.nlp import BLANK, FALLBACK_NAME, get_nlp
from pipeline.nlp.lexicon import Lexicon
from pipeline.nlp.patterns import PatternSet, token_string
from pipeline.nlp.verbs import expand_verbs
from pipeline.settings import load_settings

SETTINGS = load_settings(environ={})
VERBS = SETTINGS.resolve(SETTINGS.analysis.lexicons.verbs)


def test_blank_dutch() -> None:
    nlp = get_nlp(BLANK, VERBS)
    assert nlp.name == FALLBACK_NAME and nlp.has_tagger is False
    tokens = nlp.tokenize(["Heb je de brieven al geopend, of niet?", "Klopt dat."])
    assert [t.lower for t in tokens[0]] == ["heb", "je", "de", "brieven", "al", "geopend", ",", "of", "niet"]
    assert [t.lemma for t in tokens[0]][:1] == ["hebben"]  # from the verb table: spaCy's lookup lacks "heb"
    assert nlp.tokenize(["Ik heb het gestuurd."])[0][-1].lemma == "sturen"  # from spacy-lookups-data
    assert [t.lower for t in tokens[1]] == ["klopt", "dat"]  # "dat." is not an abbreviation here
    assert nlp.sentence_spans("Goedemorgen. Hoe gaat het? Goed!") == [(0, 12), (13, 26), (27, 32)]


def test_blank_finite_verbs_come_from_the_verb_list() -> None:
    nlp = get_nlp(BLANK, VERBS)
    assert nlp.is_finite(nlp.tokenize(["Kunt"])[0][0])


@pytest.mark.parametrize(
    ("lemma", "forms"),
    [
        ("werken", {"werk", "werkt", "werken", "werkte", "werkten"}),
        ("maken", {"maak", "maakt", "maakte"}),
        ("leven", {"leef", "leeft", "leefde"}),
        ("reizen", {"reis", "reist", "reisde"}),
        ("zetten", {"zet", "zette"}),
        ("solliciteren", {"solliciteer", "solliciteert", "solliciteerde"}),
        ("wandelen", {"wandel", "wandelt", "wandelde"}),
        ("vinden", {"vind", "vindt", "vond", "vonden"}),
    ],
)
def test_verb_table_spelling_rules(lemma: str, forms: set[str]) -> None:
    entries = {
        "werken": {},
        "maken": {},
        "leven": {},
        "reizen": {},
        "zetten": {},
        "solliciteren": {},
        "wandelen": {"stem": "wandel"},
        "vinden": {"past": ["vond", "vonden"]},
    }
    table = expand_verbs(entries)
    assert forms <= {form for form, of in table.lemmas.items() if of == lemma}


def test_pattern_language() -> None:
    markers = ["en", "dus", "ja"]
    patterns = PatternSet.build(
        "probe", ["^ dus je|jij <willen>", "geen haast | maakt niet|niks uit", "schaam* .. <zijn> $"], markers
    )

    def search(words: list[str], lemmas: list[str]) -> str | None:
        return patterns.search(token_string(words, lemmas), frozenset(words), frozenset(lemmas))

    assert (
        search(["ja", "dus", "je", "wilt", "werken"], ["ja", "dus", "je", "willen", "werken"])
        == patterns.patterns[0]
    )
    assert search(["je", "wilt", "dus"], ["je", "willen", "dus"]) is None  # "^": only after markers
    assert search(["het", "maakt", "niks", "uit"], ["het", "maken", "niks", "uit"]) == patterns.patterns[1]
    assert search(["schaamte", "is", "normaal"], ["schaamte", "zijn", "normaal"]) is None  # "$"
    assert search(["schaamte", "is"], ["schaamte", "zijn"]) == patterns.patterns[2]


def test_bad_patterns_and_lexicon_keys_fail_loudly() -> None:
    with pytest.raises(ConfigError, match="bad pattern element"):
        PatternSet.build("probe", ["<>"], [])
    with pytest.raises(ConfigError, match="no words"):
        PatternSet.build("probe", ["^ .. $"], [])
    lexicon = Lexicon({"words": {"discourse_markers": ["en"]}, "x": {"y": 3}}, "probe.yaml")
    with pytest.raises(ConfigError, match=r"missing lexicon key 'summary\.cues'"):
        lexicon.patterns("summary.cues")
    with pytest.raises(ConfigError, match="must be a list of strings"):
        lexicon.words("x.y")


def test_shipped_lexicons_compile() -> None:
    from pipeline.nlp.lexicon import load_lexicon

    lexicon = load_lexicon(SETTINGS.resolve(SETTINGS.analysis.lexicons.analysis))
    data = lexicon._data  # every pattern list of the shipped file must compile
    for section, entries in data.items():
        for key, value in entries.items():
            if (
                isinstance(value, list)
                and value
                and any(" " in item or "<" in item or "^" in item for item in value)
            ):
                lexicon.patterns(f"{section}.{key}")
    assert Path(VERBS).is_file()


def test_nested_prefix_triggers() -> None:
    patterns = PatternSet.build("probe", ["zenuwacht* erg", "zenuw* ,"], [])
    words = ["zenuwachtig", ","]
    assert patterns.search(token_string(words, words), frozenset(words), frozenset(words)) == "zenuw* ,"
