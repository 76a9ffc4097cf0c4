"""Turn-taking: talk time and share, turn lengths, monologues, ping-pong chains, overlaps.

Talk time is the sum of turn durations per role (turns are speech, split on pauses, so this is
close to speaking time). A monologue is a turn of at least ``monologue_min_s``. A ping-pong
chain is a run of at least ``ping_pong_min_turns`` consecutive short turns that alternate
between speakers with short gaps: the lively exchange domain.md calls informative.
Interruptions and overlaps come from ``Conversation.overlaps`` (the align stage, or
overlapping cues in a hand-corrected WebVTT).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

from pipeline.settings.analysis import TurnTakingSettings
from pipeline.types import ROLES, Conversation, Turn


@dataclass(frozen=True)
class Span:
    """A stretch of the conversation found by a turn-taking detector."""

    start: float
    end: float
    turn_positions: tuple[int, ...]  # positions in Conversation.turns
    role: str | None = None


def monologues(turns: list[Turn], settings: TurnTakingSettings) -> list[Span]:
    """Turns at least ``monologue_min_s`` long, by the configured roles."""
    return [
        Span(turn.start, turn.end, (position,), turn.role)
        for position, turn in enumerate(turns)
        if turn.role in settings.monologue_roles and turn.end - turn.start >= settings.monologue_min_s
    ]


def ping_pong_chains(turns: list[Turn], settings: TurnTakingSettings) -> list[Span]:
    """Runs of short turns that alternate speakers with short gaps."""
    chains: list[Span] = []
    run: list[int] = []

    def flush() -> None:
        if len(run) >= settings.ping_pong_min_turns:
            chains.append(Span(turns[run[0]].start, turns[run[-1]].end, tuple(run)))

    for position, turn in enumerate(turns):
        short = turn.end - turn.start <= settings.ping_pong_max_turn_s
        continues = (
            bool(run)
            and turn.speaker != turns[run[-1]].speaker
            and turn.start - turns[run[-1]].end <= settings.ping_pong_max_gap_s
        )
        if short and continues:
            run.append(position)
            continue
        flush()
        run = [position] if short else []
    flush()
    return chains


def _longest(spans: list[Span]) -> dict[str, Any] | None:
    if not spans:
        return None
    best = max(spans, key=lambda s: s.end - s.start)
    return {
        "start": round(best.start, 3),
        "end": round(best.end, 3),
        "duration_s": round(best.end - best.start, 3),
        "turns": len(best.turn_positions),
    }


def role_metrics(conversation: Conversation) -> dict[str, dict[str, Any]]:
    """Per role: talk time and share, turns, turn lengths, words, longest turn, overlaps."""
    total_talk = sum(turn.end - turn.start for turn in conversation.turns) or 1.0
    role_of = {speaker.id: speaker.role for speaker in conversation.speakers}
    out: dict[str, dict[str, Any]] = {}
    for role in ROLES:
        turns = [turn for turn in conversation.turns if turn.role == role]
        lengths = [turn.end - turn.start for turn in turns]
        talk = sum(lengths)
        longest = max(turns, key=lambda t: t.end - t.start, default=None)
        out[role] = {
            "talk_time_s": round(talk, 3),
            "talk_share": round(talk / total_talk, 4),
            "turns": len(turns),
            "words": sum(len(turn.text.split()) for turn in turns),
            "mean_turn_s": round(statistics.fmean(lengths), 3) if lengths else 0.0,
            "median_turn_s": round(statistics.median(lengths), 3) if lengths else 0.0,
            "longest_turn": None
            if longest is None
            else {
                "start": round(longest.start, 3),
                "end": round(longest.end, 3),
                "duration_s": round(longest.end - longest.start, 3),
                "turn_index": longest.index,
            },
            "interruptions_made": sum(
                1 for o in conversation.overlaps if o.interrupter and role_of.get(o.interrupter) == role
            ),
            "interrupted": sum(
                1 for o in conversation.overlaps if o.interrupted and role_of.get(o.interrupted) == role
            ),
        }
    return out


def turn_taking_metrics(
    conversation: Conversation, settings: TurnTakingSettings
) -> tuple[dict[str, Any], list[Span], list[Span]]:
    """All turn-taking metrics, plus the monologue and ping-pong spans for events."""
    mono = monologues(conversation.turns, settings)
    chains = ping_pong_chains(conversation.turns, settings)
    roles = role_metrics(conversation)
    for role in ROLES:
        roles[role]["monologues"] = sum(1 for span in mono if span.role == role)
        roles[role]["longest_monologue"] = _longest([span for span in mono if span.role == role])
    overlap_time = sum(max(0.0, o.end - o.start) for o in conversation.overlaps)
    metrics = {
        "roles": roles,
        "ping_pong": {
            "count": len(chains),
            "turns_in_chains": sum(len(c.turn_positions) for c in chains),
            "longest": _longest(chains),
            "chains": [
                {"start": round(c.start, 3), "end": round(c.end, 3), "turns": len(c.turn_positions)}
                for c in chains
            ],
        },
        "overlaps": {
            "count": len(conversation.overlaps),
            "total_s": round(overlap_time, 3),
            "interruptions": sum(1 for o in conversation.overlaps if o.interrupter),
        },
    }
    return metrics, mono, chains
