"""Fragment edges that follow the conversation: whole turns, the lead-in, and the reply.

A clip that starts in the middle of someone's sentence, or stops just before the client
answers, makes the klantmanager reach for the scrub bar. So every window the selection
considers is moved to turn edges here:

- it starts at the start of a turn; when that turn is not the klantmanager's, the turn
  that led into it (usually her question) is included, unless that one is long;
- it ends at the end of a turn; when the last turn asks something and the other person
  answers within ``reply_within_s``, the answer is included (a few times, for a question
  answered with a question);
- ``pad_before_s`` / ``pad_after_s`` of silence are added, never reaching into the
  neighbouring turns.

When following the turns would make a window longer than ``max_length_s`` (a long
monologue), the lead-in and then the reply are given up, and as a last resort the window
keeps the sentence-snapped edges it came with.
"""

from __future__ import annotations

import bisect
import itertools
import math
from dataclasses import dataclass

from pipeline.fragments.windows import Window
from pipeline.settings.fragments import FragmentSettings
from pipeline.types import Conversation, Event, Turn

MAX_REPLIES = 3  # reply to the reply: a question answered with a question, then its answer


@dataclass(frozen=True)
class _Span:
    start: float
    end: float
    speaker: str
    role: str
    asks: bool


class TurnEdges:
    """The conversation's turns in time order, with which of them ask something."""

    def __init__(self, conversation: Conversation, events: list[Event], frag: FragmentSettings) -> None:
        self.frag = frag
        self.duration = conversation.duration_s
        questions = {e.turn_index for e in events if e.type == "question" and e.turn_index is not None}
        turns = sorted(conversation.turns, key=lambda turn: turn.start)
        self.spans = [_Span(t.start, t.end, t.speaker, t.role, _asks(t, questions)) for t in turns]
        self._starts = [span.start for span in self.spans]
        # the latest end of any turn up to each one: sorted, unlike the ends (overlaps), so
        # "the first turn still speaking at t" is a bisection, not a scan per window
        self._reach = list(itertools.accumulate((span.end for span in self.spans), max))
        self._cache: dict[Window, Window] = {}

    def align(self, window: Window) -> Window:
        """The window moved to turn edges (see the module docstring); cached per window."""
        if window not in self._cache:
            self._cache[window] = self._align(window)
        return self._cache[window]

    def _align(self, window: Window) -> Window:
        spans, frag = self.spans, self.frag
        if not spans:
            return window
        # first turn still speaking at the window's start, last turn begun before its end
        first = min(bisect.bisect_right(self._reach, window.start + 0.05), len(spans) - 1)
        last = max(bisect.bisect_left(self._starts, window.end - 0.05) - 1, first)
        lead = first
        if first > 0 and self._leads_into(first - 1, first):
            lead = first - 1
        end_turn = self._with_replies(last)
        for start_turn, stop_turn in ((lead, end_turn), (first, end_turn), (first, last)):
            aligned = self._long_enough(start_turn, stop_turn)
            if aligned.length <= frag.max_length_s + 1e-6:
                return aligned
        return window

    def split_points(self, window: Window) -> list[float]:
        """Times inside an aligned window where it can be cut in two without cutting a turn.

        A cut never separates a question from the reply it waits for, nor a client's turn from
        the klantmanager's turn that led into it, and never falls in overlapping speech; it lies
        in the middle of the silence between the two turns.
        """
        points: list[float] = []
        # turns that start before the window only raise ``reach``; begin one before the first
        # that does not, so the checks below run exactly as over all turns
        begin = max(bisect.bisect_left(self._starts, window.start - 0.05) - 1, 0)
        reach = self._reach[begin - 1] if begin > 0 else float("-inf")
        for i in range(begin, len(self.spans) - 1):
            span, following = self.spans[i], self.spans[i + 1]
            if following.start >= window.end:
                break
            reach = max(reach, span.end)
            if span.start < window.start - 0.05 or reach > following.start + 1e-6:
                continue
            if self._with_replies(i) > i or self._leads_into(i, i + 1):
                continue
            points.append(round((reach + following.start) / 2, 2))
        return points

    def _long_enough(self, first: int, last: int) -> Window:
        """Turns ``first..last`` padded, with following (else earlier) turns added up to ``min_length_s``."""
        minimum = min(self.frag.min_length_s, self.duration)
        aligned = self._padded(first, last)
        while aligned.length < minimum and (last + 1 < len(self.spans) or first > 0):
            if last + 1 < len(self.spans):
                last = self._with_replies(last + 1)
            else:
                first -= 1
            aligned = self._padded(first, last)
        return aligned

    def _leads_into(self, previous: int, first: int) -> bool:
        """Whether a window starting on someone else's turn should show the klantmanager's turn before it."""
        before, turn = self.spans[previous], self.spans[first]
        return (
            turn.role != "klantmanager"
            and before.speaker != turn.speaker
            and turn.start - before.end <= self.frag.lead_within_s
            and before.end - before.start <= self.frag.lead_max_s
        )

    def _with_replies(self, last: int) -> int:
        """The index of the turn a window ending at ``last`` should end with: after the replies."""
        for _ in range(MAX_REPLIES):
            span = self.spans[last]
            if not span.asks or last + 1 >= len(self.spans):
                break
            reply = self.spans[last + 1]
            if reply.speaker == span.speaker or reply.start - span.end > self.frag.reply_within_s:
                break
            last += 1
        return last

    def _padded(self, first: int, last: int) -> Window:
        spans, frag = self.spans, self.frag
        floor = spans[first - 1].end if first > 0 else 0.0
        ceiling = spans[last + 1].start if last + 1 < len(spans) else self.duration
        start = max(spans[first].start - frag.pad_before_s, min(floor, spans[first].start), 0.0)
        end = min(spans[last].end + frag.pad_after_s, max(ceiling, spans[last].end), self.duration)
        # rounded outwards, so a rounded edge never lands inside the turn it belongs to
        return Window(
            max(math.floor(start * 100) / 100, 0.0),
            min(math.ceil(max(end, start) * 100) / 100, self.duration),
        )


def _asks(turn: Turn, questions: set[int | None]) -> bool:
    """A turn asks when a question was detected in it or one of its sentences ends with '?'."""
    return turn.index in questions or any(s.text.rstrip().endswith("?") for s in turn.sentences)
