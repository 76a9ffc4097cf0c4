"""Wait time after the klantmanager's questions, and questions left unanswered.

Wait time is the silence between the end of the klantmanager's turn that ends in a question
(or holds the last question of her turn) and the start of the next turn by someone else. A
negative value means the other started before she finished. A question is unanswered when
she speaks again before anyone else does (the align stage splits her speech into two turns
at a long pause), when nobody speaks after it, or when the wait exceeds
``unanswered_after_s``. Self-answered questions get no wait time: the client had no chance.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

from pipeline.settings.analysis import TurnTakingSettings
from pipeline.types import Turn


@dataclass(frozen=True)
class Wait:
    """The outcome after one question."""

    latency_s: float | None
    unanswered: bool


def wait_after(
    turns: list[Turn], turn_position: int, is_backchannel: list[bool], settings: TurnTakingSettings
) -> Wait:
    """Wait time after the turn at ``turn_position``; ``is_backchannel`` is per turn position."""
    turn = turns[turn_position]
    for position in range(turn_position + 1, len(turns)):
        nxt = turns[position]
        if nxt.speaker == turn.speaker:
            return Wait(None, True)
        if is_backchannel[position]:
            continue  # "hm" does not answer
        latency = round(nxt.start - turn.end, 3)
        return Wait(latency, latency > settings.unanswered_after_s)
    return Wait(None, True)


def wait_time_metrics(
    latencies: list[float], unanswered: int, settings: TurnTakingSettings
) -> dict[str, Any]:
    """Distribution of wait times (seconds) and the count of unanswered questions."""
    out: dict[str, Any] = {"count": len(latencies), "unanswered": unanswered}
    if latencies:
        ordered = sorted(latencies)
        quartiles = statistics.quantiles(ordered, n=4) if len(ordered) > 1 else [ordered[0]] * 3
        out.update(
            mean_s=round(statistics.fmean(ordered), 3),
            median_s=round(statistics.median(ordered), 3),
            p25_s=round(quartiles[0], 3),
            p75_s=round(quartiles[2], 3),
            min_s=round(ordered[0], 3),
            max_s=round(ordered[-1], 3),
        )
    else:
        out.update(mean_s=None, median_s=None, p25_s=None, p75_s=None, min_s=None, max_s=None)
    edges = sorted(settings.wait_time_bins_s)
    histogram: dict[str, int] = {}
    lower = None
    for edge in [*edges, None]:
        label = (
            f"<{edge:g}s"
            if lower is None
            else (f"{lower:g}-{edge:g}s" if edge is not None else f">={lower:g}s")
        )
        histogram[label] = sum(
            1 for v in latencies if (lower is None or v >= lower) and (edge is None or v < edge)
        )
        lower = edge
    out["histogram"] = histogram
    return out
