"""Choose the candidate fragments: greedy on score, spread over themes and time, within a budget.

How it works, in the order the code does it:

0. Events whose deciding words the recogniser was unsure of are left out
   (``confidence.py``), so a misheard word never becomes a moment.
1. Every analysis event becomes part of a scored moment (``moments.py``); each moment
   that may seed a fragment gets a window with context around it (inside its own turns),
   and so does each run of seeds within ``run_span_s`` (``windows.py``).
2. Greedy rounds pick the window with the highest *gain*: the summed weights of the
   moments it shows that no chosen fragment shows yet, per second it adds to the
   selection (``length_penalty``), times ``theme_repeat_factor`` for every chosen
   fragment of the same theme, times ``time_repeat_factor`` for every chosen fragment in
   the same part of the conversation (``time_bins``), times ``positive_boost`` while
   fewer than ``min_positive`` moments that went well are in, times ``must_show_boost``
   when it shows a kind from ``must_show`` (emotion, resistance, the feedback request)
   that no chosen fragment shows yet. Per added second, because
   the time budget is what runs out: on the 5-minute sample this took coverage of the
   ground-truth moments from 11 to 12 of 13 compared with scoring whole windows.
   Every window's edges then follow the turns (``boundaries.py``): it starts at a turn,
   with the klantmanager's lead-in, and ends after the reply to its last question.
3. A window that overlaps (or nearly touches) a chosen fragment is merged with it when
   the union stays under ``max_length_s``; otherwise it is trimmed to the free time
   around it, and dropped if that is shorter than ``min_length_s``.
4. Nothing is added past ``max_count`` fragments or the time budget (``time_budget``:
   ``max_share`` of the conversation, more for a conversation under 6 minutes).
   Then up to ``improve_rounds`` repair passes drop one fragment (or two neighbours) and
   refill the neighbourhood greedily, keeping the result when it shows more (weight plus
   ``theme_bonus`` per theme).
5. If fewer than ``min_count`` were found, fillers are added where the conversation has
   no fragment yet and budget is left: first around remaining (low-weight) moments far
   from the others, then plain windows in the largest empty stretches. If still fewer, the
   longest fragments are cut in two at a turn boundary (``_split``): the same turns, each
   part with its own reason. No time is held back for the minimum during the greedy pass.
   The count can stay under ``min_count`` when ``min_count`` fragments of ``min_length_s``
   would not fit in the budget, or when no fragment can be cut into two parts that each
   show a named moment.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

import numpy as np

from pipeline.fragments.boundaries import TurnEdges
from pipeline.fragments.clock import clock
from pipeline.fragments.confidence import confident
from pipeline.fragments.moments import Moment, find_moments
from pipeline.fragments.themes import ThemeCatalog, load_themes
from pipeline.fragments.windows import Window, candidate_windows, fit, shown_mask
from pipeline.settings import Settings
from pipeline.settings.fragments import FragmentSettings
from pipeline.types import Analysis, Conversation, Event, Fragment

MAX_REASON_MOMENTS = 3


class _Timeline:
    """Moments as arrays, so "which moments does this window show" is one vectorised step."""

    def __init__(self, moments: list[Moment], must_show: list[str]) -> None:
        self.moments = moments
        self.kinds = np.array([m.kind for m in moments], dtype=object)
        self.must = np.isin(self.kinds, list(must_show))
        self.starts = np.array([m.start for m in moments], dtype=float)
        self.ends = np.array([m.end for m in moments], dtype=float)
        self.weights = np.array([m.weight for m in moments], dtype=float)
        self._shown: dict[Window, np.ndarray] = {}
        self._described: dict[Window, tuple[str, bool]] = {}

    def shown(self, window: Window) -> np.ndarray:
        """Boolean mask of the moments this window shows (see ``shown_mask``); cached per window."""
        if window not in self._shown:
            self._shown[window] = shown_mask(window, self.starts, self.ends)
        return self._shown[window]

    def must_show_kinds(self, shown: np.ndarray) -> set[str]:
        """The must-show kinds among the moments in ``shown`` (a mask)."""
        return set(self.kinds[shown & self.must].tolist())

    def describe(self, window: Window, fallback_theme: str) -> tuple[str, bool]:
        """A window's dominant theme and whether it mainly shows something that went well; cached."""
        if window not in self._described:
            mask = self.shown(window)
            moments = [m for m, shown in zip(self.moments, mask, strict=True) if shown]
            self._described[window] = (_dominant_theme(moments, fallback_theme), _is_positive(moments))
        return self._described[window]


def _dominant_theme(moments: list[Moment], fallback: str) -> str:
    totals: dict[str, float] = defaultdict(float)
    for moment in moments:
        totals[moment.theme] += moment.weight
    if not totals or max(totals.values()) <= 0:
        return fallback
    return max(totals, key=lambda theme: (totals[theme], max(m.weight for m in moments if m.theme == theme)))


def _is_positive(moments: list[Moment]) -> bool:
    """Whether what went well outweighs what is worth a second look (neutral moments don't count)."""
    good = sum(m.weight for m in moments if m.tone == "positive")
    attention = sum(m.weight for m in moments if m.tone == "attention")
    return good > 0 and good > attention


def time_budget(duration: float, frag: FragmentSettings) -> float:
    """Seconds all fragments together may take: ``max_share`` of the conversation, and at
    least ``short_budget_s`` when that is at most ``short_max_share`` of it.

    What limits the fragments is the klantmanager's viewing time in a 45-minute reflection
    talk and the rule that she sees a selection, not the whole conversation again. Half of a
    3-minute conversation is 90 s, too little to show the moments of a dense short talk (the
    labelled moments fill about half of the tune conversations' time); three minutes of video
    fit easily in the talk, and a third of the conversation is still left out. From
    ``short_budget_s / max_share`` (6 minutes) on, the share alone decides.
    """
    return max(frag.max_share * duration, min(frag.short_budget_s, frag.short_max_share * duration))


class _Selection:
    """The fragments chosen so far and the bookkeeping the gain needs."""

    def __init__(
        self, timeline: _Timeline, edges: TurnEdges, duration: float, frag: FragmentSettings
    ) -> None:
        self.timeline = timeline
        self.edges = edges
        self.duration = duration
        self.frag = frag
        self.budget = time_budget(duration, frag)
        # min_count, unless that many shortest fragments would not fit in the budget
        self.target_count = min(frag.min_count, int(self.budget // min(frag.min_length_s, duration)))
        self.windows: list[Window] = []

    @property
    def total(self) -> float:
        return sum(window.length for window in self.windows)

    def covered(self) -> np.ndarray:
        mask = np.zeros(len(self.timeline.moments), dtype=bool)
        for window in self.windows:
            mask |= self.timeline.shown(window)
        return mask

    def describe(self, window: Window) -> tuple[str, bool]:
        """A window's dominant theme and whether it mainly shows something that went well."""
        return self.timeline.describe(window, self.frag.fill_theme)

    def _bin(self, window: Window) -> int:
        middle = (window.start + window.end) / 2
        return min(int(middle / (self.duration / self.frag.time_bins)), self.frag.time_bins - 1)

    def plan(self, window: Window) -> list[Window] | None:
        """The chosen windows after adding this one, or None when it does not fit.

        A window that overlaps or nearly touches chosen ones is merged with them when the
        union stays short enough; otherwise it is trimmed to the free time around them.
        Every window is first moved to the turn edges (``boundaries.py``), and a trimmed one
        that would reach back into a chosen fragment once its edges follow the turns is dropped.
        """
        frag = self.frag
        window = self.edges.align(window)
        near = [other for other in self.windows if other.gap(window) < frag.merge_gap_s]
        if near:
            merged = window
            for other in near:
                merged = merged.union(other)
            rest = [other for other in self.windows if other not in near]
            if merged.length <= frag.max_length_s and self._fits([*rest, merged]):
                return [*rest, merged]
            trimmed = self._trim(window)
            if trimmed is None:
                return None
            window = self.edges.align(trimmed)
            if any(other.gap(window) < 0 for other in self.windows):
                return None
        planned = [*self.windows, window]
        return planned if len(planned) <= frag.max_count and self._fits(planned) else None

    def _fits(self, windows: list[Window]) -> bool:
        """Within the time budget.

        No time is held back for the fragments still needed to reach ``min_count``: on a short
        conversation that reserve only let fragments of ``min_length_s`` in, each showing one
        turn, and left most of the budget unused. The count is reached afterwards, by fillers
        in the time left and by cutting long fragments at turn boundaries (``_split``).
        """
        return sum(window.length for window in windows) <= self.budget + 1e-6

    def gain(self, window: Window, covered: np.ndarray, chosen: list[tuple[str, bool, int]]) -> float:
        """New weight shown per added second, discounted for themes and times already in.

        The cost is the time the plan adds, so extending a chosen fragment by a few seconds
        to show one more moment is cheap, and a long window for a light moment is not.
        """
        planned = self.plan(window)
        if planned is None:
            return 0.0
        shown = np.zeros_like(covered)
        for other in planned:
            if other not in self.windows:
                shown |= self.timeline.shown(other)
        base = float(self.timeline.weights[shown & ~covered].sum())
        if base <= 0:
            return 0.0
        added = max(sum(other.length for other in planned) - self.total, 1.0)
        theme, positive = self.describe(window)
        frag = self.frag
        same_theme = sum(1 for other_theme, _, _ in chosen if other_theme == theme)
        same_bin = sum(1 for _, _, other_bin in chosen if other_bin == self._bin(window))
        gain = base * frag.theme_repeat_factor**same_theme * frag.time_repeat_factor**same_bin
        gain /= (added / frag.min_length_s) ** frag.length_penalty
        if positive and sum(1 for _, good, _ in chosen if good) < frag.min_positive:
            gain *= frag.positive_boost
        if self.timeline.must_show_kinds(shown) - self.timeline.must_show_kinds(covered):
            gain *= frag.must_show_boost
        return gain

    def summary(self) -> list[tuple[str, bool, int]]:
        """(theme, positive, time bin) of every chosen window."""
        return [(*self.describe(window), self._bin(window)) for window in self.windows]

    def place(self, window: Window) -> bool:
        """Add a window as planned; False when it does not fit."""
        planned = self.plan(window)
        if planned is None:
            return False
        self.windows = planned
        return True

    def _trim(self, window: Window) -> Window | None:
        """The longest part of ``window`` that no chosen fragment covers, if long enough."""
        pieces = [window]
        for other in self.windows:
            next_pieces = []
            for piece in pieces:
                if other.gap(piece) >= 0:
                    next_pieces.append(piece)
                    continue
                if piece.start < other.start:
                    next_pieces.append(Window(piece.start, other.start))
                if other.end < piece.end:
                    next_pieces.append(Window(other.end, piece.end))
            pieces = next_pieces
        best = max(pieces, key=lambda piece: piece.length, default=None)
        if best is None or best.length < min(self.frag.min_length_s, self.duration):
            return None
        return best

    def empty_stretches(self) -> list[Window]:
        """Stretches without a fragment, longest first."""
        edges = sorted(self.windows, key=lambda window: window.start)
        stretches, cursor = [], 0.0
        for window in edges:
            stretches.append(Window(cursor, window.start))
            cursor = window.end
        stretches.append(Window(cursor, self.duration))
        return sorted(stretches, key=lambda stretch: -stretch.length)


def _greedy(selection: _Selection, pool: list[Window]) -> None:
    """Add the window with the best gain until nothing more fits or adds anything."""
    while pool:
        covered, chosen = selection.covered(), selection.summary()
        gains = [selection.gain(window, covered, chosen) for window in pool]
        best = int(np.argmax(gains))
        if gains[best] <= 0:
            return
        selection.place(pool.pop(best))


def _value(selection: _Selection) -> tuple[float, int, int]:
    """What a selection is worth: weight shown, plus a little per distinct theme; its positives;
    and how many must-show kinds it shows."""
    summary = selection.summary()
    covered = selection.covered()
    shown = float(selection.timeline.weights[covered].sum())
    return (
        shown + selection.frag.theme_bonus * len({theme for theme, _, _ in summary}),
        sum(1 for _, good, _ in summary if good),
        len(selection.timeline.must_show_kinds(covered)),
    )


def _improve(selection: _Selection, pool: list[Window]) -> None:
    """Local repair: drop one fragment or two neighbours, refill around them, keep what shows more.

    Greedy packing can spend the time budget on a fragment that shows one moment while two
    neighbouring fragments could be replaced by one that shows four; dropping and refilling
    the neighbourhood repairs that. Only windows near the dropped ones are tried, so this
    stays fast on long conversations. The number of moments that went well never drops
    below what the greedy pass found (up to ``min_positive``), nor does the number of
    must-show kinds shown.
    """
    frag = selection.frag
    best_value, best_positive, must_shown = _value(selection)
    needed_positive = min(best_positive, frag.min_positive)
    for _ in range(frag.improve_rounds):
        ordered = sorted(selection.windows, key=lambda window: window.start)
        drops = [[window] for window in ordered] + [list(pair) for pair in itertools.pairwise(ordered)]
        improved = False
        for dropped in drops:
            if any(window not in selection.windows for window in dropped):
                continue  # an earlier repair in this round already replaced it
            low = min(window.start for window in dropped) - frag.run_span_s
            high = max(window.end for window in dropped) + frag.run_span_s
            nearby = [w for w in pool if w not in dropped and w.end > low and w.start < high]
            trial = _Selection(selection.timeline, selection.edges, selection.duration, frag)
            trial.windows = [window for window in selection.windows if window not in dropped]
            _greedy(trial, nearby)
            value, positive, shown_kinds = _value(trial)
            if value > best_value + 1e-6 and positive >= needed_positive and shown_kinds >= must_shown:
                selection.windows, best_value, improved = trial.windows, value, True
        if not improved:
            return


def _fill(selection: _Selection, candidates: list[Window]) -> None:
    """Add fillers until ``min_count`` is reached, far from what is already chosen.

    A filler that does not fit once its edges follow the turns (it grew) is skipped and the
    next one is tried, so one long turn does not end the filling.
    """
    frag = selection.frag
    tried: set[Window] = set()
    while len(selection.windows) < selection.target_count:
        if selection.total + min(frag.min_length_s, selection.duration) > selection.budget + 1e-6:
            return
        room = [
            window
            for window in candidates
            if window not in tried
            and all(other.gap(window) >= frag.merge_gap_s for other in selection.windows)
        ]
        if room:
            best = max(
                room,
                key=lambda window: min((abs(window.start - o.start) for o in selection.windows), default=0),
            )
        else:
            middles = [
                (stretch.start + stretch.end) / 2
                for stretch in selection.empty_stretches()
                if stretch.length >= frag.min_length_s + 2 * frag.merge_gap_s
            ]
            # a point: following the turns widens it to min_length_s, no more
            options = [Window(round(m, 2), round(m, 2)) for m in middles]
            options = [option for option in options if option not in tried]
            if not options:
                return
            best = options[0]
        tried.add(best)
        selection.place(best)


def _split(selection: _Selection) -> None:
    """Reach ``min_count`` by cutting the longest fragments in two at a turn boundary.

    A dense stretch chosen as one long fragment shows several moments; shown as two
    consecutive fragments, each gets its own reason and questions, and together they show
    exactly the same turns (a cut never falls inside a turn, see ``TurnEdges.split_points``).
    Both parts must be at least ``min_length_s`` and each must show a moment that a reason
    names (``reason_min_weight``), so no part is an empty clip; the cut nearest the middle of
    the fragment wins. When no fragment can be cut that way, the count stays under the minimum.
    """
    frag, timeline = selection.frag, selection.timeline
    minimum = min(frag.min_length_s, selection.duration)
    named = timeline.weights >= frag.reason_min_weight
    while len(selection.windows) < selection.target_count:
        cut = None
        for window in sorted(selection.windows, key=lambda window: -window.length):
            halves = [
                (Window(window.start, point), Window(point, window.end))
                for point in selection.edges.split_points(window)
            ]
            halves = [
                (first, second)
                for first, second in halves
                if min(first.length, second.length) >= minimum
                and (timeline.shown(first) & named).any()
                and (timeline.shown(second) & named).any()
            ]
            if halves:
                cut = (window, max(halves, key=lambda pair: min(pair[0].length, pair[1].length)))
                break
        if cut is None:
            return
        window, (first, second) = cut
        selection.windows = [other for other in selection.windows if other != window] + [first, second]


def _same_span(a: Moment, b: Moment) -> bool:
    """Two labels on one stretch (a feeling question that is also the feedback request)."""
    a_end, b_end = a.events[-1].end, b.events[-1].end
    overlap = min(a_end, b_end) - max(a.start, b.start)
    return overlap >= 0.8 * min(a_end - a.start, b_end - b.start)


def _reason(
    window: Window, moments: list[Moment], positive: bool, frag: FragmentSettings, catalog: ThemeCatalog
) -> str:
    """Dutch, observational: which moments this fragment shows, with their times."""
    named: list[Moment] = []
    for moment in sorted(moments, key=lambda m: -m.weight):
        if moment.weight < frag.reason_min_weight or any(_same_span(moment, other) for other in named):
            continue
        named.append(moment)
    if not named:
        return f"{catalog.reason_intro} {catalog.fill_reason}."
    by_kind: dict[str, list[Moment]] = defaultdict(list)
    for moment in sorted(named[:MAX_REASON_MOMENTS], key=lambda m: m.start):
        by_kind[moment.kind].append(moment)
    parts = [
        f"{catalog.kinds[kind]} ({', '.join(clock(max(m.start, window.start)) for m in group)})"
        for kind, group in by_kind.items()
    ]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " en " + parts[-1]
    intro = catalog.positive_reason_intro if positive else catalog.reason_intro
    return f"{intro} {listed}."


def _events_shown(window: Window, events: list[Event]) -> list[str]:
    starts = np.array([event.start for event in events], dtype=float)
    ends = np.array([event.end for event in events], dtype=float)
    mask = shown_mask(window, starts, ends)
    return [event.id for event, shown in zip(events, mask, strict=True) if shown]


def select_fragments(analysis: Analysis, conversation: Conversation, settings: Settings) -> list[Fragment]:
    """Choose 6-12 candidate fragments for the reflection talk, in time order (see module doc)."""
    frag = settings.fragments
    catalog = load_themes(settings)
    duration = conversation.duration_s
    if duration <= 0 or time_budget(duration, frag) < min(frag.min_length_s, duration):
        return []
    analysis = confident(analysis, conversation, frag)  # misheard cues neither score nor seed
    sentences = conversation.sentences()
    timeline = _Timeline(find_moments(analysis, conversation, settings), frag.must_show)
    selection = _Selection(timeline, TurnEdges(conversation, analysis.events, frag), duration, frag)

    pool = candidate_windows(timeline.moments, sentences, duration, frag)
    _greedy(selection, list(pool))
    _improve(selection, pool)

    fillers = [
        fit(m.start - frag.context_before_s, m.start, duration, frag)
        for m, shown in zip(timeline.moments, selection.covered(), strict=True)
        if not shown
    ]
    _fill(selection, fillers)
    _split(selection)

    fragments = []
    for window in sorted(selection.windows, key=lambda window: window.start):
        moments = [m for m, shown in zip(timeline.moments, timeline.shown(window), strict=True) if shown]
        theme, positive = _dominant_theme(moments, frag.fill_theme), _is_positive(moments)
        questions = catalog.themes[theme].positive_questions if positive else catalog.themes[theme].questions
        fragments.append(
            Fragment(
                start=window.start,
                end=window.end,
                theme=theme,
                reason=_reason(window, moments, positive, frag, catalog),
                event_ids=_events_shown(window, analysis.events),
                questions=list(questions),
                score=round(sum(m.weight for m in moments), 2),
                positive=positive,
            )
        )
    return fragments
