"""The fragments' time budget, the minimum count on short conversations, and context inside turns."""

from __future__ import annotations

import pytest
from sheet_helpers import event_at, synthetic_conversation

from pipeline.fragments import select_fragments
from pipeline.fragments.select import time_budget
from pipeline.settings import Settings, load_settings
from pipeline.types import Analysis, Conversation, Fragment


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings(environ={})


def dense_analysis(conversation: Conversation) -> Analysis:
    """A moment of interest in every turn: a summary of hers, then the client's emotion, and so on."""
    events = []
    for turn in conversation.turns:
        if turn.role == "klantmanager":
            events.append(event_at(conversation, turn.index, "summary", turn.index))
        else:
            events.append(event_at(conversation, turn.index, "emotion", turn.index))
    return Analysis(events=events, metrics={})


def turns_shown(fragments: list[Fragment], conversation: Conversation) -> set[int]:
    return {
        turn.index
        for turn in conversation.turns
        if any(f.start <= turn.start and turn.end <= f.end for f in fragments)
    }


def test_the_budget_is_the_share_except_for_a_short_conversation(settings: Settings) -> None:
    frag = settings.fragments
    long_talk = 20 * 60.0
    assert time_budget(long_talk, frag) == pytest.approx(frag.max_share * long_talk)
    for short_talk in (150.0, 180.0, 240.0, 300.0):
        budget = time_budget(short_talk, frag)
        assert frag.max_share * short_talk < budget <= frag.short_max_share * short_talk + 1e-9
        assert budget <= max(frag.short_budget_s, frag.max_share * short_talk) + 1e-9
    # from short_budget_s / max_share on, the share alone decides
    edge = frag.short_budget_s / frag.max_share
    assert time_budget(edge + 60, frag) == pytest.approx(frag.max_share * (edge + 60))
    off = frag.model_copy(update={"short_budget_s": 0.0})
    assert time_budget(180.0, off) == pytest.approx(frag.max_share * 180.0)


def test_a_dense_short_conversation_uses_its_budget_and_reaches_the_count(settings: Settings) -> None:
    """No time is held back for min_count: the greedy pass spends the budget on the moments,
    and the count is reached by cutting fragments at turn boundaries, never inside a turn."""
    conversation = synthetic_conversation(180, turn_s=8)
    fragments = select_fragments(dense_analysis(conversation), conversation, settings)
    budget = time_budget(conversation.duration_s, settings.fragments)
    total = sum(f.end - f.start for f in fragments)
    assert 0.8 * budget <= total <= budget + 1e-6
    assert len(fragments) == settings.fragments.min_count
    for fragment in fragments:
        assert fragment.end - fragment.start >= settings.fragments.min_length_s - 1e-6
        for turn in conversation.turns:
            inside = min(fragment.end, turn.end) - max(fragment.start, turn.start)
            assert inside <= 1e-6 or (fragment.start <= turn.start and turn.end <= fragment.end), (
                f"fragment {fragment.start}-{fragment.end} cuts turn {turn.start}-{turn.end}"
            )
        assert fragment.event_ids  # each part shows a moment of its own


def test_cutting_to_reach_the_count_shows_the_same_turns(settings: Settings) -> None:
    conversation = synthetic_conversation(180, turn_s=8)
    analysis = dense_analysis(conversation)
    one = settings.model_copy(update={"fragments": settings.fragments.model_copy(update={"min_count": 1})})
    uncut = select_fragments(analysis, conversation, one)
    cut = select_fragments(analysis, conversation, settings)
    assert len(cut) > len(uncut)
    assert turns_shown(cut, conversation) == turns_shown(uncut, conversation)
    assert all(f.event_ids for f in cut)  # every part shows a moment of its own


def test_context_before_a_moment_stays_inside_its_turn(settings: Settings) -> None:
    """Her summary at the start of her turn: the fragment starts with that turn, not with the
    end of the client's turn before it (which would bring in that turn and its lead-in too)."""
    conversation = synthetic_conversation(600)
    turn = conversation.turns[20]
    assert turn.role == "klantmanager"
    events = [event_at(conversation, 20, "summary", 1)]
    fragments = select_fragments(Analysis(events=events, metrics={}), conversation, settings)
    holding = next(f for f in fragments if "e1" in f.event_ids)
    assert turn.start - settings.fragments.pad_before_s - 0.01 <= holding.start <= turn.start
