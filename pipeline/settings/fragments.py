"""Settings of the fragments stage: how candidate video fragments are scored and chosen.

Every weight and window size is here (defaults in ``config/default.yaml``) because what
is "worth looking at again" is a judgement the researchers tune, not something to hard-code.
The Dutch wording per theme lives in a data file (``themes_file``), not in code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from pipeline.settings.base import Section


class KindSettings(Section):
    """How one kind of moment counts: its weight in the score and the theme it belongs to.

    A kind is an event type, refined for questions and summaries (see
    ``pipeline.fragments.moments``). ``tone`` says whether the moment went well
    (``positive``: good practice such as a confirmed summary), is worth a second look
    (``attention``: a self-answered question), or neither (``neutral``: the client shows
    emotion). A fragment is marked as going well when its positive weight outweighs its
    attention weight. ``seed`` says whether this kind may start a fragment on its own;
    kinds that do not seed still add their weight to a fragment that contains them.
    """

    theme: str
    weight: float = Field(ge=0)
    tone: Literal["positive", "neutral", "attention"] = "neutral"
    seed: bool = True


class FragmentSettings(Section):
    """Configuration of candidate-fragment selection."""

    themes_file: Path = Path("config/themes.nl.yaml")  # resolved with settings.resolve
    context_before_s: float = Field(4.0, ge=0)
    context_after_s: float = Field(1.5, ge=0)
    long_event_cap_s: float = Field(20.0, gt=0)  # long events (monologues) show their first part
    run_span_s: float = Field(30.0, ge=0)  # candidate windows also span runs of moments this close
    min_length_s: float = Field(15.0, gt=0)
    widen_after_share: float = Field(0.7, ge=0, le=1)  # of the time added to reach min_length_s
    max_length_s: float = Field(120.0, gt=0)
    max_share: float = Field(0.5, gt=0, le=1)  # of the conversation, all fragments together
    # ... but at least short_budget_s when that is at most short_max_share (a short conversation)
    short_budget_s: float = Field(180.0, ge=0)  # 0 = the share alone
    short_max_share: float = Field(0.67, gt=0, le=1)
    min_count: int = Field(6, ge=1)
    max_count: int = Field(12, ge=1)
    merge_gap_s: float = Field(2.0, ge=0)
    snap_s: float = Field(2.0, ge=0)  # widen edges to a sentence boundary this close
    theme_repeat_factor: float = Field(0.9, gt=0, le=1)
    time_bins: int = Field(6, ge=1)
    time_repeat_factor: float = Field(0.8, gt=0, le=1)
    min_positive: int = Field(1, ge=0)
    positive_boost: float = Field(2.0, ge=1)
    # Kinds the sheet shows at least once when the conversation has them (the method's
    # general themes), and the score factor that gets them in.
    must_show: list[str] = Field(default_factory=list)
    must_show_boost: float = Field(2.0, ge=1)
    length_penalty: float = Field(1.0, ge=0)  # gain / (length / min_length) ** this
    improve_rounds: int = Field(2, ge=0)  # swap passes after the greedy choice
    theme_bonus: float = Field(0.5, ge=0)  # value of each distinct theme when comparing selections
    reason_min_weight: float = Field(1.0, ge=0)  # lighter moments are not named in a reason
    long_answer_s: float = Field(8.0, ge=0)  # client answer this long after a feeling question
    confirm_window_s: float = Field(8.0, ge=0)  # client reply that starts this soon after a summary
    confirm_words: list[str] = Field(default_factory=list)
    confirm_first_words: int = Field(4, ge=1)
    confirm_blockers: list[str] = Field(default_factory=list)
    group_gap_s: float = Field(3.0, ge=0)
    # Edges follow the turns (pipeline.fragments.boundaries): the lead-in and the reply.
    pad_before_s: float = Field(0.3, ge=0)  # silence kept before the first turn
    pad_after_s: float = Field(0.6, ge=0)  # and after the last one, never into a neighbour
    lead_within_s: float = Field(3.0, ge=0)  # a turn ending this soon before the first one leads into it
    lead_max_s: float = Field(15.0, ge=0)  # ... unless it is longer than this
    reply_within_s: float = Field(5.0, ge=0)  # an answer starting this soon after a question is shown
    # ASR confidence (pipeline.fragments.confidence): words below this probability are shown
    # as "onzeker verstaan", and an event whose deciding words are is left out of counts and scoring.
    uncertain_below: float = Field(0.5, ge=0, le=1)
    uncertain_share: float = Field(0.5, gt=0, le=1)  # of the deciding words, for an event to be uncertain
    fill_theme: str = "gesprek"
    kinds: dict[str, KindSettings] = Field(default_factory=dict)
