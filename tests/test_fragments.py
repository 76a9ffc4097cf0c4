"""Candidate fragments: coverage of the sample's moments, and the selection rules on small cases."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from sheet_helpers import (
    analysis_from_truth,
    conversation_from_truth,
    covered,
    event_at,
    load_truth,
    moments_of_interest,
    synthetic_conversation,
    tts_case,
)

from pipeline.errors import ConfigError
from pipeline.fragments import load_themes, select_fragments
from pipeline.fragments.moments import find_moments
from pipeline.fragments.select import time_budget
from pipeline.settings import Settings, load_settings
from pipeline.types import Analysis, Event, Fragment


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings(environ={})


def overlaps(moment: dict[str, float], event: Event) -> bool:
    """Whether the analysis reported anything on this ground-truth moment."""
    return min(event.end, moment["end"]) - max(event.start, moment["start"]) > 0


def check_rules(fragments: list[Fragment], duration: float, settings: Settings) -> None:
    """The rules every selection must keep, whatever the input."""
    frag = settings.fragments
    assert fragments == sorted(fragments, key=lambda f: f.start)
    for fragment in fragments:
        assert 0 <= fragment.start < fragment.end <= duration + 1e-6
        assert frag.min_length_s - 1e-6 <= fragment.end - fragment.start <= frag.max_length_s + 1e-6
        assert 2 <= len(fragment.questions) <= 3
        assert fragment.reason.startswith("Hier zie je")
    for before, after in itertools.pairwise(fragments):
        assert before.end <= after.start + 1e-6, "fragments overlap"
    assert sum(f.end - f.start for f in fragments) <= time_budget(duration, frag) + 1e-6
    assert len(fragments) <= frag.max_count


def test_real_analysis_fragments_cover_the_tts_moments_of_interest(settings: Settings) -> None:
    truth, conversation, analysis = tts_case()
    fragments = select_fragments(analysis, conversation, settings)
    check_rules(fragments, conversation.duration_s, settings)
    moments = moments_of_interest(truth)
    missed = [m for m in moments if not covered(m, fragments)]
    found = {id(m): any(overlaps(m, e) for e in analysis.events) for m in missed}
    report = [f"{m['type']}@{m['start']:.0f}s ({'detected' if found[id(m)] else 'no event'})" for m in missed]
    # The sample relabelled to the annotation guide has 20 moments of interest (was 16); in its
    # budget (180 s of 4.9 minutes, see time_budget) the real analysis covers 18 (16 at 50%, 15 before).
    assert 1 - len(missed) / len(moments) >= 0.75, f"missed {len(missed)} of {len(moments)}: {report}"
    assert 6 <= len(fragments) <= 12
    assert any(f.positive for f in fragments) and not all(f.positive for f in fragments)
    # the relabelled sample's emotional story fills most fragments with "beleving"
    assert len({f.theme for f in fragments}) >= 3
    ids = {event.id for event in analysis.events}
    assert all(f.event_ids and set(f.event_ids) <= ids for f in fragments)


def test_ground_truth_events_give_the_same_coverage(settings: Settings) -> None:
    """With perfect events the selection alone must reach the bar (separates it from detector errors)."""
    truth = load_truth()
    conversation = conversation_from_truth(truth)
    fragments = select_fragments(analysis_from_truth(truth, conversation), conversation, settings)
    check_rules(fragments, conversation.duration_s, settings)
    moments = moments_of_interest(truth)
    assert sum(covered(m, fragments) for m in moments) / len(moments) >= 0.8


def test_general_themes_get_a_fragment_even_on_a_tight_budget() -> None:
    """Emotion, resistance and the feedback request (``must_show``) each get a fragment when
    the conversation has them; without the rule a tight budget drops one (so it is not idle)."""
    truth = load_truth()
    conversation = conversation_from_truth(truth)
    general = {"emotion", "resistance", "feedback_request"}
    # one moment of each general theme (the first), so that without the rule the budget drops one
    seen: set[str] = set()
    events = []
    for event in analysis_from_truth(truth, conversation).events:
        if event.type in general and event.type in seen:
            continue
        seen.add(event.type)
        events.append(event)
    analysis = Analysis(events=events, metrics={})

    def shown_types(must_show: str) -> set[str]:
        environ = {
            "KIJKWIJZER_FRAGMENTS__MAX_SHARE": "0.45",
            "KIJKWIJZER_FRAGMENTS__SHORT_BUDGET_S": "0",  # the tight budget, not a short talk's floor
            "KIJKWIJZER_FRAGMENTS__MUST_SHOW": must_show,
        }
        fragments = select_fragments(analysis, conversation, load_settings(environ=environ))
        ids = {event_id for fragment in fragments for event_id in fragment.event_ids}
        return {event.type for event in analysis.events if event.id in ids}

    assert general <= shown_types('["emotion", "resistance", "feedback_request"]')
    assert not general <= shown_types("[]")


def test_well_going_moments_are_recognised(settings: Settings) -> None:
    """An open feeling question with a long answer and a confirmed summary are moments that went well."""
    truth = load_truth()
    conversation = conversation_from_truth(truth)
    moments = find_moments(analysis_from_truth(truth, conversation), conversation, settings)
    kinds = {m.kind: m for m in moments}
    assert kinds["question_feeling_answered"].tone == "positive"
    assert kinds["summary_confirmed"].tone == "positive"
    # the answered question's moment reaches into the client's long answer, so the fragment shows it
    answered = kinds["question_feeling_answered"]
    assert answered.end - answered.events[0].end >= settings.fragments.long_answer_s
    fragments = select_fragments(analysis_from_truth(truth, conversation), conversation, settings)
    assert any("waarna de cliënt uitgebreid vertelde" in f.reason for f in fragments if f.positive)


def test_overlapping_moments_merge_into_one_fragment(settings: Settings) -> None:
    conversation = synthetic_conversation(600)
    events = [
        event_at(
            conversation, 20, "question", 1, form="open", focus="fact", self_answered=True, stacked=False
        ),
        event_at(conversation, 21, "resistance", 2),
    ]
    fragments = select_fragments(Analysis(events=events, metrics={}), conversation, settings)
    holding = [f for f in fragments if {"e1", "e2"} & set(f.event_ids)]
    assert len(holding) == 1 and set(holding[0].event_ids) >= {"e1", "e2"}
    check_rules(fragments, conversation.duration_s, settings)


def test_without_events_fillers_spread_over_the_conversation(settings: Settings) -> None:
    conversation = synthetic_conversation(1200)
    fragments = select_fragments(Analysis(events=[], metrics={}), conversation, settings)
    assert len(fragments) == settings.fragments.min_count
    check_rules(fragments, conversation.duration_s, settings)
    thirds = {int(3 * (f.start + f.end) / 2 / conversation.duration_s) for f in fragments}
    assert thirds == {0, 1, 2}
    assert all(f.theme == settings.fragments.fill_theme for f in fragments)


def test_a_short_conversation_gets_fewer_fragments_within_half_its_length(settings: Settings) -> None:
    conversation = synthetic_conversation(70)
    events = [event_at(conversation, i, "emotion", i + 1, speaker_role="client") for i in (1, 3, 5, 7, 9)]
    fragments = select_fragments(Analysis(events=events, metrics={}), conversation, settings)
    assert 1 <= len(fragments) <= 2  # 35 s of budget holds two fragments of 15 s
    check_rules(fragments, conversation.duration_s, settings)


def test_too_short_for_any_fragment(settings: Settings) -> None:
    conversation = synthetic_conversation(20, turn_s=3)
    assert select_fragments(Analysis(events=[], metrics={}), conversation, settings) == []


def test_weights_are_configurable(settings: Settings) -> None:
    """Resistance at weight 0 no longer seeds fragments: the emotion moments take its place."""
    conversation = synthetic_conversation(600)
    events = [event_at(conversation, i, "resistance", i, speaker_role="client") for i in (5, 25, 45, 65, 85)]
    events += [event_at(conversation, i, "emotion", i, speaker_role="client") for i in (15, 35, 55, 75, 95)]
    analysis = Analysis(events=events, metrics={})
    heavy = settings.model_copy(deep=True)
    heavy.fragments.kinds["resistance"].weight = 0.0
    themes = {f.theme for f in select_fragments(analysis, conversation, heavy) if f.theme != "gesprek"}
    assert themes == {"beleving"}
    assert "weerstand" in {f.theme for f in select_fragments(analysis, conversation, settings)}


def test_long_monologue_shows_its_first_part(settings: Settings) -> None:
    conversation = synthetic_conversation(900)
    turn = conversation.turns[30]
    monologue = event_at(conversation, 30, "monologue", 1, speaker_role="klantmanager")
    monologue = monologue.model_copy(update={"end": turn.start + 300})
    fragments = select_fragments(Analysis(events=[monologue], metrics={}), conversation, settings)
    holding = [f for f in fragments if "e1" in f.event_ids]
    assert len(holding) == 1
    assert holding[0].start <= turn.start and holding[0].end - holding[0].start < 60


def test_summary_followed_by_ja_maar_is_not_confirmed(settings: Settings) -> None:
    conversation = synthetic_conversation(300)
    reply = conversation.turns[11]
    conversation.turns[11] = reply.model_copy(update={"text": "Ja maar, dat zie ik anders."})
    events = [event_at(conversation, 10, "summary", 1, speaker_role="klantmanager")]
    fragments = select_fragments(Analysis(events=events, metrics={}), conversation, settings)
    summary_fragment = next(f for f in fragments if "e1" in f.event_ids)
    assert "bevestigde" not in summary_fragment.reason and not summary_fragment.positive
    conversation.turns[11] = reply.model_copy(update={"text": "Ja, dat klopt precies."})
    fragments = select_fragments(Analysis(events=events, metrics={}), conversation, settings)
    assert next(f for f in fragments if "e1" in f.event_ids).positive


def test_themes_file_must_define_every_configured_theme(tmp_path: Path, settings: Settings) -> None:
    broken = tmp_path / "themes.yaml"
    text = settings.resolve(settings.fragments.themes_file).read_text(encoding="utf-8")
    broken.write_text(text.replace("  weerstand:\n", "  weerstand_hernoemd:\n"), encoding="utf-8")
    custom = settings.model_copy(deep=True)
    custom.fragments.themes_file = broken
    with pytest.raises(ConfigError, match="weerstand"):
        load_themes(custom)


def test_role_question_is_not_repeated_per_fragment(settings: Settings) -> None:
    """The SLIM role question is asked once on the sheet ("Voor het reflectiegesprek"), not per theme."""
    for name, theme in load_themes(settings).themes.items():
        for question in (*theme.questions, *theme.positive_questions):
            assert "ouderfiguur" not in question, name
