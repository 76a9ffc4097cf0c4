"""Who introduces topics: explicit moves, replies to an invitation, and a closing "Goed."
followed by new subject matter count; answers, follow-up questions and talk about the
conversation itself do not. Quality on the labelled dev set: tests/test_analysis_quality.py."""

from __future__ import annotations

import json

import pytest
from test_analysis_detectors import CL, KM, build

from pipeline.analysis import analyse
from pipeline.settings import Settings, load_settings


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings(environ={})


def introductions(settings: Settings, script: list[tuple[str, list[str]]]) -> list[tuple[int, str, str]]:
    topics = analyse(build(script), settings).metrics["topics"]
    return [(item["turn_index"], item["role"], item["signal"]) for item in topics["introductions"]]


def test_explicit_moves_and_an_invited_client_subject(settings: Settings) -> None:
    script = [
        (KM, ["Hoeveel sollicitaties heb je deze maand verstuurd?"]),
        (CL, ["Drie, bij supermarkten."]),
        (KM, ["Goed.", "Dan de cursus bij het werkcentrum.", "Ben je daar al geweest?"]),
        (CL, ["Nee, nog niet."]),
        (KM, ["Heb je nog vragen voor mij?"]),
        (CL, ["Ja, de brief van de belasting over de huurtoeslag."]),
    ]
    assert introductions(settings, script) == [(2, KM, "move"), (5, CL, "invitation")]


def test_answers_follow_ups_and_talk_about_the_conversation_open_no_subject(settings: Settings) -> None:
    script = [
        (KM, ["Hoe gaat het met je?"]),
        (CL, ["Goed.", "Ik slaap alleen slecht door de aanmaningen van de energieleverancier."]),
        (KM, ["Waar lig je dan precies wakker van?"]),  # a follow-up: new words, same subject
        (CL, ["Van het bedrag, de deurwaarder en de beslaglegging op mijn loon."]),  # an answer
        (KM, ["Oké.", "Hoe vond je dit gesprek vandaag?"]),  # feedback: not a subject
        (CL, ["Goed.", "Fijn dat ik mijn verhaal kwijt kon bij jou."]),
    ]
    assert introductions(settings, script) == []


def test_a_closing_goed_then_new_subject_matter_opens_a_topic(settings: Settings) -> None:
    script = [
        (CL, ["Mijn fiets is kapot, dus ik kom overal te laat."]),
        (KM, ["Dat zoeken we uit."]),
        (CL, ["Fijn."]),
        (KM, ["Goed.", "Je dochter start volgende maand op de kinderopvang in het dorp?"]),
    ]
    assert introductions(settings, script) == [(3, KM, "closure")]


def test_metrics_count_by_role_and_hold_no_words(settings: Settings) -> None:
    script = [
        (KM, ["Dan de sollicitaties bij de bouwbedrijven."]),
        (CL, ["Die lopen nog."]),
        (KM, ["Heb je nog vragen?"]),
        (CL, ["Ja, over mijn huurtoeslag."]),
    ]
    topics = analyse(build(script), settings).metrics["topics"]
    assert topics["introduced_by"] == {"klantmanager": 1, "client": 1, "other": 0}
    assert topics["client_share"] == 0.5
    text = json.dumps(topics)
    assert "huurtoeslag" not in text and "bouwbedrijven" not in text  # names may hide in words
