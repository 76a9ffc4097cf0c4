"""Sentence splitting of turns without sentences, on the shipped Dutch pipeline.

Lowercased text without "?" (ASR-like) is split by word order: a question runs into its answer
or into the next question, and the split must put each in its own sentence without cutting
subordinate clauses, embedded questions or fronted objects.
"""

from __future__ import annotations

import pytest

from pipeline.analysis.context import AnalysisContext
from pipeline.analysis.sentences import ensure_sentences
from pipeline.settings import load_settings
from pipeline.types import Conversation, Turn


@pytest.fixture(scope="module")
def context() -> AnalysisContext:
    return AnalysisContext.from_settings(load_settings(environ={}))


def _split(context: AnalysisContext, text: str) -> list[str]:
    turn = Turn(index=0, speaker="A", role="klantmanager", label="KM", start=0.0, end=5.0, text=text)
    conversation = ensure_sentences(Conversation(duration_s=5.0, speakers=[], turns=[turn]), context)
    return [sentence.text for sentence in conversation.turns[0].sentences]


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        # a question and its answer (self-answered), verb first, then a declarative
        (
            "heeft u het formulier ingevuld ja ik heb het gisteren gedaan",
            ["heeft u het formulier ingevuld", "ja ik heb het gisteren gedaan"],
        ),
        ("waar woont u nu u woont in utrecht toch", ["waar woont u nu", "u woont in utrecht toch"]),
        # two questions (stacked): question word + verb, verb first, question word + noun + verb
        ("hoe is dat gegaan heeft u toen gebeld", ["hoe is dat gegaan", "heeft u toen gebeld"]),
        (
            "hoeveel kinderen heeft u zijn ze al op school",
            ["hoeveel kinderen heeft u", "zijn ze al op school"],
        ),
        # a two-word question phrase before the verb ("hoe lang", "hoe vaak")
        ("hoe gaat het nu hoe lang speelt dat al", ["hoe gaat het nu", "hoe lang speelt dat al"]),
        ("ik vind dat lastig wat vind jij ervan", ["ik vind dat lastig", "wat vind jij ervan"]),
        ("u heeft gisteren gebeld klopt dat", ["u heeft gisteren gebeld", "klopt dat"]),
        # a conjunction before a second question goes with it
        (
            "heeft u al ergens gebeld of bent u bij een vrijwilligerspunt geweest",
            ["heeft u al ergens gebeld", "of bent u bij een vrijwilligerspunt geweest"],
        ),
    ],
)
def test_lowercase_runs_split_by_word_order(
    context: AnalysisContext, text: str, sentences: list[str]
) -> None:
    assert [s.rstrip(",") for s in _split(context, text)] == sentences


@pytest.mark.parametrize(
    "text",
    [
        "als je klaar bent kun je gaan",  # fronted subordinate clause
        "de brief die u stuurde heb ik gelezen",  # verb-final relative clause, then the main verb
        "ik weet niet waar u woont",  # embedded question: its verb goes last
        "ik weet niet hoe lang het duurt",  # an embedded two-word question phrase: verb last too
        "weet u wat u moet doen",  # the question word opens what follows
        "dat formulier heb je ingevuld",  # fronted object, no clause before the verb
        "wil je koffie of thee",  # either/or within one question
    ],
)
def test_one_clause_stays_whole(context: AnalysisContext, text: str) -> None:
    assert _split(context, text) == [text]


def test_capitalised_text_keeps_its_punctuation_split(context: AnalysisContext) -> None:
    """Written text is split by its punctuation and capitals, never by word order."""
    assert _split(context, "Hoe gaat het? Goed.") == ["Hoe gaat het?", "Goed."]
    assert _split(context, "Ik vind dat lastig wat vind jij ervan.") == [
        "Ik vind dat lastig wat vind jij ervan."
    ]
