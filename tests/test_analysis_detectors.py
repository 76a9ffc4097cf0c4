"""The conversation-level detectors on small scripted conversations written for these tests.

Each test builds a Conversation with exact times (turn by turn, sentence by sentence) and
runs the full ``analyse``: stacked and self-answered questions, summaries, the Kijkwijzer
themes, turn-taking, wait time, event ids and the output files.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pandas as pd
import pytest

from pipeline.analysis import analyse, write_analysis_files
from pipeline.analysis.output import EVENT_COLUMNS
from pipeline.settings import Settings, load_settings
from pipeline.types import Analysis, Conversation, Event, Overlap, Sentence, Speaker, Turn

KM, CL = "klantmanager", "client"


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings(environ={})


def build(
    script: list[tuple[str, list[str]]], gap_in_turn: float = 0.3, gap_between: float = 1.0
) -> Conversation:
    """A conversation from (role, sentences); every word takes 0.4 s."""
    turns: list[Turn] = []
    t = 0.0
    index = 0
    for number, (role, texts) in enumerate(script):
        sentences = []
        for k, text in enumerate(texts):
            if k:
                t += gap_in_turn
            end = t + 0.4 * len(text.split())
            sentences.append(
                Sentence(
                    index=index,
                    turn_index=number,
                    start=round(t, 3),
                    end=round(end, 3),
                    text=text,
                    speaker=role,
                    role=role,
                )
            )
            index += 1
            t = end
        turns.append(
            Turn(
                index=number,
                speaker=role,
                role=role,  # type: ignore[arg-type]
                label=role,
                start=sentences[0].start,
                end=sentences[-1].end,
                text=" ".join(texts),
                sentences=sentences,
            )
        )
        t += gap_between
    speakers = [Speaker(id=KM, role=KM, label=KM), Speaker(id=CL, role=CL, label=CL)]
    return Conversation(duration_s=round(t, 3), speakers=speakers, turns=turns)


def events(analysis: Analysis, kind: str) -> list[Event]:
    return [e for e in analysis.events if e.type == kind]


def question(analysis: Analysis, text: str) -> Event:
    return next(e for e in events(analysis, "question") if e.text == text)


def test_stacked_questions_until_the_client_answers(settings: Settings) -> None:
    conv = build(
        [
            (
                KM,
                [
                    "Hoe ging de sollicitatie bij de garage?",
                    "Hebben ze al gebeld?",
                    "En wanneer hoor je meer?",
                ],
            ),
            (CL, ["Volgende week, zeiden ze."]),
            (KM, ["Ben je er zenuwachtig voor?"]),
            (CL, ["Een beetje."]),
        ]
    )
    analysis = analyse(conv, settings)
    stacked = {e.text for e in events(analysis, "question") if e.stacked}
    assert stacked == {
        "Hoe ging de sollicitatie bij de garage?",
        "Hebben ze al gebeld?",
        "En wanneer hoor je meer?",
    }
    assert question(analysis, "Ben je er zenuwachtig voor?").stacked is False


def test_a_second_wh_question_joined_by_en_stacks_within_one_sentence(settings: Settings) -> None:
    """Whisper writes two spoken questions as one sentence; an alternative ("of") is one question."""
    conv = build(
        [
            (KM, ["Wanneer heb je voor het laatst gebeld en welke vacatures heb je deze week bekeken?"]),
            (CL, ["Vorige week, twee."]),
            (KM, ["Hoe gaat het op je werk en hoe lang werk je er nu?"]),
            (CL, ["Goed, een jaar."]),
            (KM, ["Bel jij de werkgever of zal ik het doen?"]),
            (CL, ["Doe jij maar."]),
            (KM, ["Weet je hoe lang het duurt en wanneer je begint?"]),
            (CL, ["Nee."]),
        ]
    )
    analysis = analyse(conv, settings)
    stacked = {e.text for e in events(analysis, "question") if e.stacked}
    assert stacked == {
        "Wanneer heb je voor het laatst gebeld en welke vacatures heb je deze week bekeken?",
        "Hoe gaat het op je werk en hoe lang werk je er nu?",
    }


def test_backchannel_does_not_answer_but_ja_does(settings: Settings) -> None:
    conv = build(
        [(KM, ["Heb je de brief gelezen?"]), (CL, ["Hm."]), (KM, ["Heb je hem bij je?"]), (CL, ["Ja."])]
    )
    analysis = analyse(conv, settings)
    assert all(e.stacked for e in events(analysis, "question"))
    conv = build(
        [(KM, ["Heb je de brief gelezen?"]), (CL, ["Ja."]), (KM, ["Heb je hem bij je?"]), (CL, ["Nee."])]
    )
    assert not any(e.stacked for e in events(analyse(conv, settings), "question"))


def test_self_answered_with_a_hedged_guess_and_its_pause(settings: Settings) -> None:
    conv = build(
        [
            (KM, ["Waarom is het misgegaan met de stage?", "Het was vooral de reistijd, denk ik."]),
            (CL, ["Ja."]),
        ]
    )
    event = question(analyse(conv, settings), "Waarom is het misgegaan met de stage?")
    assert event.self_answered is True
    assert event.details["self_answer"]["pause_s"] == pytest.approx(0.3)
    assert event.answer_latency_s is None  # the client had no chance


def test_suggested_answer_in_question_form_counts(settings: Settings) -> None:
    conv = build([(KM, ["Hoeveel uur reis je dan per dag?", "Twee uur?"]), (CL, ["Iets minder."])])
    analysis = analyse(conv, settings)
    assert question(analysis, "Hoeveel uur reis je dan per dag?").self_answered is True
    assert question(analysis, "Twee uur?").stacked is True


def test_long_pause_gives_the_client_room(settings: Settings) -> None:
    conv = build(
        [(KM, ["Wat houdt je tegen?", "Het is de angst om af te gaan, denk ik."]), (CL, ["Misschien."])],
        gap_in_turn=3.0,
    )
    assert question(analyse(conv, settings), "Wat houdt je tegen?").self_answered is False


@pytest.mark.parametrize(
    "follow_up",
    [
        "Ik vraag dat omdat je vorige keer twijfelde.",  # why she asks
        "Je mag er ook later op terugkomen.",  # reassurance
        "Je zei net dat het thuis onrustig is.",  # reflection of earlier talk
    ],
)
def test_explanations_and_reassurance_are_not_answers(settings: Settings, follow_up: str) -> None:
    conv = build([(KM, ["Hoe gaat het met de kinderen?", follow_up]), (CL, ["Wel goed."])])
    assert question(analyse(conv, settings), "Hoe gaat het met de kinderen?").self_answered is False


def test_summaries_by_cue_and_by_the_clients_own_words(settings: Settings) -> None:
    conv = build(
        [
            (CL, ["Mijn moeder is ziek en ik rijd elke dag naar Zwolle om voor haar te zorgen."]),
            (KM, ["Als ik je goed begrijp, zorg je nu bijna fulltime voor je moeder."]),
            (CL, ["Ik slaap slecht en ik pieker veel over de rekeningen."]),
            (KM, ["Je ligt wakker van de rekeningen."]),
            (CL, ["Ja."]),
            (KM, ["Dat begrijp ik.", "Je moet die rekeningen wel op tijd betalen."]),
        ]
    )
    summaries = {e.text for e in events(analyse(conv, settings), "summary")}
    assert "Als ik je goed begrijp, zorg je nu bijna fulltime voor je moeder." in summaries
    assert "Je ligt wakker van de rekeningen." in summaries  # no cue: the client's own words
    assert "Dat begrijp ik." not in summaries  # acknowledgement
    assert "Je moet die rekeningen wel op tijd betalen." not in summaries  # instruction


@pytest.mark.parametrize(
    "heard",
    [
        "Dus als ik het goed begrijp, schaam je je voor de schulden.",
        "Dus als ik hier goed begrijp, schaam je je voor de schulden.",  # ASR heard "je" as "hier"
        "Als ik dat goed hoor, ben je bang voor de brieven.",
    ],
)
def test_summary_opener_survives_small_transcription_errors(settings: Settings, heard: str) -> None:
    """The cue names what is understood in several ways, and ASR often changes that one word."""
    conv = build([(CL, ["Ik schaam me voor mijn schulden."]), (KM, [heard]), (CL, ["Ja, precies."])])
    assert heard in {e.text for e in events(analyse(conv, settings), "summary")}


def test_agenda_and_goal_in_the_opening_and_feedback_at_the_end(settings: Settings) -> None:
    conv = build(
        [
            (
                KM,
                [
                    "Welkom.",
                    "We zitten hier om samen te kijken hoe je weer aan het werk komt.",
                    "Ik wil vandaag twee punten bespreken: je cv en de werkstage.",
                    "Wil jij nog iets toevoegen?",
                ],
            ),
            (CL, ["Nee, dat is goed."]),
            (KM, ["Hoe heb je ons gesprek vandaag ervaren?"]),
            (CL, ["Prettig."]),
        ]
    )
    analysis = analyse(conv, settings)
    assert events(analysis, "goal") and events(analysis, "goal")[0].details["in_opening"]
    agenda = {e.text for e in events(analysis, "agenda")}
    assert {
        "Ik wil vandaag twee punten bespreken: je cv en de werkstage.",
        "Wil jij nog iets toevoegen?",
    } <= agenda
    feedback = events(analysis, "feedback_request")
    assert feedback and feedback[0].details["near_end"]
    assert question(analysis, "Hoe heb je ons gesprek vandaag ervaren?").focus == "feeling"
    assert analysis.metrics["themes"]["agenda"]["in_opening"] is True


def test_a_transition_to_a_topic_on_the_agenda_announces_the_next_item(settings: Settings) -> None:
    conv = build(
        [
            (
                KM,
                ["Ik wil vandaag twee dingen bespreken: je sollicitaties en de cursus bij het werkcentrum."],
            ),
            (CL, ["Goed."]),
            (KM, ["Hoeveel brieven heb je gestuurd?"]),
            (CL, ["Drie."]),
            (
                KM,
                [
                    "Dan wil ik nu naar de cursus bij het werkcentrum.",
                    "Laten we het nu hebben over je vakantie.",
                ],
            ),
            (CL, ["Oké."]),
            (KM, ["Dan de sollicitaties."]),
        ]
    )
    agenda = {e.text for e in events(analyse(conv, settings), "agenda")}
    assert "Dan wil ik nu naar de cursus bij het werkcentrum." in agenda
    # the annotation guide: an explicit move to the next topic is agenda, elliptic or not
    assert "Laten we het nu hebben over je vakantie." in agenda
    assert "Dan de sollicitaties." in agenda


def test_metacommunication_emotion_resistance_and_advice(settings: Settings) -> None:
    conv = build(
        [
            (KM, ["Ik merk dat ik steeds aan het woord ben."]),
            (CL, ["Ik ben gewoon bang dat ik het weer verpest.", "Ja maar, die cursus heeft toch geen zin."]),
            (
                KM,
                [
                    "Mijn advies is om het toch te proberen.",
                    "Neem je diploma's mee naar de intake.",
                    "Er is ook een regeling voor de reiskosten.",
                ],
            ),
        ]
    )
    analysis = analyse(conv, settings)
    assert [e.text for e in events(analysis, "metacommunication")] == [
        "Ik merk dat ik steeds aan het woord ben."
    ]
    assert [e.text for e in events(analysis, "emotion")] == ["Ik ben gewoon bang dat ik het weer verpest."]
    assert [e.text for e in events(analysis, "resistance")] == ["Ja maar, die cursus heeft toch geen zin."]
    advice = events(analysis, "advice")
    assert len(advice) == 1 and len(advice[0].details["sentence_indices"]) == 3
    assert advice[0].details["at_length"] is True


def test_turn_taking_monologue_ping_pong_and_interruptions(settings: Settings) -> None:
    long_turn = [
        "Ik ga je uitleggen hoe de regeling voor de reiskosten precies werkt en wat je moet doen."
    ] * 8
    script: list[tuple[str, list[str]]] = [(KM, long_turn)]
    for _ in range(4):
        script += [(KM, ["Heb je een fiets?"]), (CL, ["Ja."])]
    conv = build(script)
    conv = conv.model_copy(
        update={
            "overlaps": [Overlap(start=50.0, end=50.5, speakers=[KM, CL], interrupter=CL, interrupted=KM)]
        }
    )
    analysis = analyse(conv, settings)
    monologue = events(analysis, "monologue")
    assert len(monologue) == 1 and monologue[0].speaker_role == KM
    chains = events(analysis, "ping_pong")
    assert len(chains) == 1 and chains[0].details["turns"] == 8
    assert [e.speaker_role for e in events(analysis, "interruption")] == [CL]
    roles = analysis.metrics["roles"]
    assert roles[KM]["talk_share"] > 0.8
    assert roles[KM]["longest_monologue"]["duration_s"] >= 30
    assert roles[CL]["interruptions_made"] == 1
    assert analysis.metrics["ping_pong"]["count"] == 1


def test_wait_time_and_unanswered_questions(settings: Settings) -> None:
    conv = build(
        [(KM, ["Wanneer begin je?"]), (CL, ["Maandag."]), (KM, ["Hoe voel je je daarbij?"])], gap_between=2.5
    )
    analysis = analyse(conv, settings)
    assert question(analysis, "Wanneer begin je?").answer_latency_s == pytest.approx(2.5)
    last = question(analysis, "Hoe voel je je daarbij?")
    assert last.details["unanswered"] is True
    wait = analysis.metrics["wait_time"]
    assert wait["count"] == 1 and wait["unanswered"] == 1 and wait["unanswered_event_ids"] == [last.id]
    km = analysis.metrics["questions"][KM]
    assert km["total"] == 2 and km["open_share"] == 1.0 and km["feeling"] == 1 and km["fact"] == 1


def test_event_ids_are_stable_and_in_time_order(settings: Settings) -> None:
    conv = build([(KM, ["Hoe gaat het?", "Heb je goed geslapen?"]), (CL, ["Niet zo."])])
    first, second = analyse(conv, settings), analyse(conv, settings)
    assert [e.id for e in first.events] == [f"e{i}" for i in range(1, len(first.events) + 1)]
    assert first.model_dump() == second.model_dump()
    starts = [e.start for e in first.events]
    assert starts == sorted(starts)


def test_turns_without_sentences_are_split(settings: Settings) -> None:
    turn = Turn(
        index=0,
        speaker=KM,
        role=KM,
        label=KM,
        start=0.0,
        end=6.0,
        text="Fijn dat je er bent. Hoe gaat het met je?",
    )
    analysis = analyse(Conversation(duration_s=6.0, speakers=[], turns=[turn]), settings)
    asked = events(analysis, "question")
    assert [e.text for e in asked] == ["Hoe gaat het met je?"]
    assert 2.0 < asked[0].start < asked[0].end <= 6.0
    assert analysis.metrics["analysis"]["sentences"] == 2


def test_output_files(settings: Settings, tmp_path: Path) -> None:
    conv = build([(KM, ["Hoe gaat het?"]), (CL, ["Goed."])])
    analysis = analyse(conv, settings)
    paths = write_analysis_files(analysis, tmp_path / "out")
    assert [p.name for p in paths] == ["analysis.json", "events.csv", "metrics.csv", "metrics.parquet"]
    for path in paths:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = json.loads(paths[0].read_text(encoding="utf-8"))
    event = data["events"][0]
    for key in EVENT_COLUMNS[: EVENT_COLUMNS.index("answer_latency_s") + 1]:  # the event's own fields
        assert key in event
    assert pd.read_csv(paths[1])["type"].tolist() == [e.type for e in analysis.events]
    table = pd.read_parquet(paths[3])
    assert list(table.columns) == ["metric", "value", "text"]
    assert table.set_index("metric").loc["questions.klantmanager.total", "value"] == 1.0
