"""Question detection, form and focus on probe sentences written for these tests.

The sentences are deliberately not taken from the dev set (tests/data/analysis_dev), so these
tests guard the general rules, not memorised phrasings. Each one is analysed in a tiny
conversation with the real spaCy fallback pipeline and the real lexicons.
"""

from __future__ import annotations

import pytest

from pipeline.analysis.context import AnalysisContext, build_views
from pipeline.analysis.question_focus import question_focus
from pipeline.analysis.question_form import question_form
from pipeline.analysis.questions import detect_question
from pipeline.settings import load_settings
from pipeline.types import Conversation, Sentence, Turn


@pytest.fixture(scope="module")
def context() -> AnalysisContext:
    return AnalysisContext.from_settings(load_settings(environ={}))


def classify(
    context: AnalysisContext, text: str, role: str = "klantmanager"
) -> tuple[bool, str | None, str | None]:
    """(is question, form, focus) of one sentence said by ``role``."""
    sentence = Sentence(index=0, turn_index=0, start=0.0, end=2.0, text=text, speaker=role, role=role)
    turn = Turn(
        index=0, speaker=role, role=role, label=role, start=0.0, end=2.0, text=text, sentences=[sentence]
    )
    view = build_views(Conversation(duration_s=2.0, speakers=[], turns=[turn]), context)[0]
    cue = detect_question(view, context)
    if cue is None:
        return False, None, None
    return True, question_form(view, cue, context), question_focus(view, cue, context)


@pytest.mark.parametrize(
    "text",
    [
        "Waarom heb je de training afgebroken?",
        "Welke cursus zou je zelf kiezen?",
        "Met wie woon je tegenwoordig samen?",
        "Hoe lang werk je al bij de bakkerij?",
        "Wat voor baan heb je in gedachten?",
        "Heb je de formulieren al teruggestuurd?",
        "Kunt u morgen langskomen",  # verb first + subject, no "?"
        "Is de huur deze maand betaald",
        "Ben jij ook naar de informatieavond geweest?",
        "Je hebt de aanvraag gisteren gedaan, toch?",
        "Dus je wilt eigenlijk liever overdag werken?",
        "Je vond het gesprek bij het uitzendbureau spannend?",
        "Zondag?",
        "Vertel eens over je vorige werkplek.",
        "Leg het nog eens uit.",
        "Oké, en hoe reageerde je baas daarop?",
        "Marieke, wil jij daar ook iets over zeggen?",
        "Even over de huur, heb je die al overgemaakt?",
        "Eerst bellen, of liever mailen?",
        "Wa hedde gij gisteren gedaan?",  # Brabants
    ],
)
def test_questions_are_found(context: AnalysisContext, text: str) -> None:
    assert classify(context, text)[0], text


@pytest.mark.parametrize(
    "text",
    [
        "Ik vroeg me af hoe het met je broer gaat.",  # embedded
        "Ik weet niet meer waarom dat zo gelopen is.",
        "Vandaag wil ik bespreken wat er met je aanvraag gebeurd is.",  # agenda list
        "Wat mooi dat je die baan hebt gekregen.",  # exclamation
        "Wat ik bedoel is dat je niet alles alleen hoeft te doen.",  # free relative
        "Hoe vaker je oefent, hoe makkelijker het wordt.",  # correlative
        "Heb je pijn, dan meld je je gewoon ziek.",  # conditional
        "Neem die brieven de volgende keer maar mee.",  # imperative
        "Doe dat maar.",
        "Gaat u maar zitten.",
        "Weet ik niet.",  # topic drop
        "Ik heb de brief vorige week al opgestuurd?",  # Whisper's stray "?" on a statement
        "Toen vroeg de man: waarom wilt u hier werken?",  # reported
        "Dank je wel.",
        "Ik was best moe, hè.",  # emphasis particle, no "?"
    ],
)
def test_look_alikes_are_not_questions(context: AnalysisContext, text: str) -> None:
    assert not classify(context, text)[0], text


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("Waar ben je het meest tevreden over?", "open"),
        ("Hoeveel dagen per week werk je nu?", "open"),
        ("Kun je vertellen wat er op je vorige werk misging?", "open"),
        ("Wil je daar wat meer over zeggen?", "open"),
        ("Vertel eens over die opleiding.", "open"),
        ("Heb je een rijbewijs?", "closed"),
        ("Welke dag past beter, dinsdag of donderdag?", "closed"),
        ("Je bent gisteren naar de huisarts geweest?", "closed"),
        ("Dat lukt wel, toch?", "closed"),
    ],
)
def test_form(context: AnalysisContext, text: str, form: str) -> None:
    assert classify(context, text)[1] == form, text


@pytest.mark.parametrize(
    ("text", "focus"),
    [
        ("Hoe voelde dat voor je?", "feeling"),
        ("Wat vind je zelf van dat plan?", "feeling"),
        ("Waar maak je je de meeste zorgen over?", "feeling"),
        ("Wat betekent die baan voor jou?", "feeling"),
        ("Zou je later in de zorg willen werken?", "feeling"),
        ("Hoe gaat het met je?", "feeling"),
        ("Hoe is dat als er weer zo'n brief op de mat ligt?", "feeling"),  # how it is to live through
        ("Wanneer is de keuring?", "fact"),
        ("Heb je het loonstrookje bij je?", "fact"),
        ("Hoeveel schuld heb je bij de energieleverancier?", "fact"),
        ("Waarom ben je met die cursus gestopt?", "fact"),
        ("Zullen we een nieuwe afspraak maken?", None),  # proposal
        ("Mag ik even meekijken?", None),  # permission
        ("Is dat goed?", None),  # bare check
        ("Hoe gaat het met de aanvraag?", None),  # genuinely unclear
    ],
)
def test_focus(context: AnalysisContext, text: str, focus: str | None) -> None:
    is_question, _, found = classify(context, text)
    assert is_question, text
    assert found == focus, text


def test_declarative_check_needs_the_listener_or_a_short_form(context: AnalysisContext) -> None:
    # A client's first-person statement with a stray "?" is not asked; a short echo is.
    assert not classify(context, "Ik ben daar toen gewoon naartoe gegaan?", role="client")[0]
    assert classify(context, "Twee keer per week?", role="client")[0]


def test_interpreter_question_in_another_language_trusts_the_question_mark(context: AnalysisContext) -> None:
    assert classify(context, "Bu konuda ne düşünüyorsunuz?", role="other")[0]
    assert not classify(context, "Bu konuda çok düşünüyorum.", role="other")[0]


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("Tot slot: hoe vond je de training", "open"),  # no "?": wh-clause after a colon
        ("Nog één vraag: wanneer begint de cursus?", "open"),  # "vraag" is a noun, not a verb of saying
        ("En de loonstroken van vorige maand, heb je die al ingeleverd", "closed"),  # verbless front
        ("Als het lastig wordt, wat doe je dan", "open"),
    ],
)
def test_unmarked_questions_in_the_last_clause(context: AnalysisContext, text: str, form: str) -> None:
    is_question, found_form, _ = classify(context, text)
    assert is_question, text
    assert found_form == form, text


@pytest.mark.parametrize(
    "text",
    [
        "Als je niet kunt komen, bel je ons van tevoren.",  # main clause after a fronted subclause
        "Zes weken, staat hier.",  # topic drop after a fronted phrase
        "Wat me opviel, is dat je steeds naar de deur keek.",  # free relative in front
        "Nog één vraag over de huur.",
    ],
)
def test_unmarked_last_clause_look_alikes(context: AnalysisContext, text: str) -> None:
    assert not classify(context, text)[0], text


@pytest.mark.parametrize(
    ("text", "form"),
    [
        # the infinitive of telling may come any number of words after the modal
        ("Kun je mij nog eens rustig en in je eigen woorden uitleggen hoe dat toen ging?", "open"),
        ("Wil je ons over die eerste weken op de afdeling vertellen?", "open"),
        ("Kunt u dat even voor mevrouw vertalen?", "closed"),  # a request to the interpreter
        ("Wat maakt dat je twijfelt of je het volhoudt?", "open"),  # "of" opens a clause here
        ("Wil je liever thee of koffie?", "closed"),
    ],
)
def test_form_constructions(context: AnalysisContext, text: str, form: str) -> None:
    assert classify(context, text)[1] == form, text
