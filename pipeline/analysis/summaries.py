"""Summaries and reflections: the klantmanager restates what the client said or felt.

Two kinds of evidence, as the issue asks. Cue phrases that introduce a restatement ("Als ik
je goed begrijp…", "Je zegt eigenlijk…", "Dat klinkt alsof…", "Dus we spreken af…") are
enough on their own. Weaker openers ("Dus…", "Je…") count only when the sentence reuses the
client's own words: the share of its content lemmas found in the client's last turns. A
sentence without any cue counts when that overlap is high. A self-answer, a real question
without a strong cue, and acknowledgements ("Dat begrijp ik.") are not summaries.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.analysis.context import AnalysisContext, SentenceView, content_lemmas
from pipeline.analysis.questions import QuestionCue


@dataclass(frozen=True)
class Summary:
    """Why a sentence is a summary: the cue (if any) and the overlap with the client."""

    cue: str | None
    strength: str  # "strong", "weak" or "overlap"
    overlap: float
    shared: tuple[str, ...]


def client_lemmas_before(
    view: SentenceView, views: list[SentenceView], turn_roles: list[str], context: AnalysisContext
) -> set[str]:
    """Content lemmas of the client's last turns before ``view`` (within the lookback)."""
    settings = context.settings.summaries
    lemmas: set[str] = set()
    turns_seen: set[int] = set()
    for other in reversed(views[: view.position]):
        if view.sentence.start - other.sentence.end > settings.lookback_s:
            break
        if turn_roles[other.turn_position] != "client":
            continue
        if other.turn_position not in turns_seen:
            if len(turns_seen) >= settings.lookback_turns:
                break
            turns_seen.add(other.turn_position)
        lemmas |= content_lemmas(other, context)
    return lemmas


def _stem(lemma: str) -> str:
    """A crude suffix strip so that "schulden"/"schuld" and "spannend"/"spanning" meet."""
    for suffix in ("ingen", "ing", "end", "en", "es", "e", "s", "t"):
        if len(lemma) > len(suffix) + 3 and lemma.endswith(suffix):
            return lemma[: -len(suffix)]
    return lemma


def detect_summary(
    view: SentenceView,
    cue: QuestionCue | None,
    client_lemmas: set[str],
    context: AnalysisContext,
) -> Summary | None:
    """Whether a (klantmanager) sentence restates the client."""
    settings = context.settings.summaries
    if view.role not in settings.roles or context.match("summary.exclusions", view):
        return None
    own = content_lemmas(view, context)
    client_stems = {_stem(lemma) for lemma in client_lemmas}
    shared = tuple(sorted(lemma for lemma in own if _stem(lemma) in client_stems))
    overlap = len(shared) / len(own) if own else 0.0
    strong = context.match("summary.strong_cues", view)
    if strong:
        return Summary(strong, "strong", round(overlap, 3), shared)
    if cue is not None and cue.kind != "declarative":
        return None
    weak = context.match("summary.weak_cues", view)
    if weak and overlap >= settings.weak_cue_min_overlap and len(shared) >= settings.weak_cue_min_shared:
        return Summary(weak, "weak", round(overlap, 3), shared)
    if overlap >= settings.no_cue_min_overlap and len(shared) >= settings.no_cue_min_shared:
        return Summary(None, "overlap", round(overlap, 3), shared)
    return None
