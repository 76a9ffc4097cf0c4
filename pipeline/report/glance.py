""" "Het gesprek in één oogopslag": every number in a plain Dutch sentence that says what it counts.

A bare "2" under a heading reads like a mark; "Bij 2 vragen gaf je meteen zelf een
mogelijk antwoord" says what happened and leaves the judging to the klantmanager. The
HTML and the Markdown sheet show the same list. Each fact's wording is in the sheet texts
(``glance.facts``); this module only picks the form that fits the number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.fragments import clock
from pipeline.report.counts import phrase
from pipeline.report.overview import Overview


@dataclass
class Fact:
    """One line of the overview: a short label and the sentence with its number."""

    label: str
    sentence: str


def _seconds(value: float, texts: dict[str, Any]) -> str:
    return texts["glance"]["seconds"].format(value=f"{value:.1f}".replace(".", ","))


def _percent(share: float) -> int:
    return round(share * 100)


def glance_facts(overview: Overview, texts: dict[str, Any], duration: str, uncertain: int) -> list[Fact]:
    """The overview's facts in reading order; facts about absent things (overlaps) are left out."""
    facts = texts["glance"]["facts"]
    who = texts["roles_in_sentence"]
    o = overview
    out = [Fact(facts["duration"]["label"], facts["duration"]["text"].format(duration=duration))]
    shares = o.talk_share
    if shares:
        parts = [
            facts["talk_share"]["part"].format(who=who[role], percent=_percent(share))
            for role, share in shares.items()
        ]
        listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " en " + parts[-1]
        out.append(Fact(facts["talk_share"]["label"], facts["talk_share"]["text"].format(parts=listed)))
    turns = facts["turns"]
    sentence = phrase(
        turns["text"],
        sum(o.turns.values()),
        klantmanager=o.turns.get("klantmanager", 0),
        client=o.turns.get("client", 0),
    )
    if "klantmanager" in o.mean_turn_s:
        sentence += " " + turns["mean"].format(seconds=_seconds(o.mean_turn_s["klantmanager"], texts))
    out.append(Fact(turns["label"], sentence))
    questions = facts["questions"]
    sentence = phrase(questions["text"], o.questions, open=o.open, closed=o.closed)
    if o.questions:
        if o.other_form:
            sentence += " " + phrase(questions["other_form"], o.other_form)
        sentence += " " + questions["focus"].format(feeling=o.feeling, fact=o.fact, other=o.other_focus)
    out.append(Fact(questions["label"], sentence))
    for key, value in (
        ("stacked", o.stacked),
        ("self_answered", o.self_answered),
        ("summaries", o.summaries),
    ):
        out.append(Fact(facts[key]["label"], phrase(facts[key]["text"], value)))
    wait = facts["wait"]
    if o.wait_median_s is not None:
        sentence = wait["text"].format(seconds=_seconds(o.wait_median_s, texts))
    else:
        sentence = wait["none"]
    if o.unanswered:
        sentence += " " + phrase(wait["unanswered"], o.unanswered)
    out.append(Fact(wait["label"], sentence))
    if o.longest:
        role, start, seconds = o.longest
        longest = facts["longest"]
        out.append(
            Fact(
                longest["label"],
                longest["text"].format(who=who[role], duration=clock(seconds), at=clock(start)),
            )
        )
    out.append(Fact(facts["ping_pong"]["label"], phrase(facts["ping_pong"]["text"], o.ping_pong)))
    opening = facts["opening"]
    key = {(True, True): "both", (True, False): "agenda", (False, True): "goal", (False, False): "none"}[
        (o.agenda_at_start, o.goal_at_start)
    ]
    out.append(Fact(opening["label"], opening[key]))
    feedback = facts["feedback"]
    out.append(Fact(feedback["label"], feedback["yes" if o.feedback_asked else "no"]))
    if o.overlaps or o.interruptions:
        out.append(_overlap_fact(o, facts["overlaps"], who))
    if uncertain:
        out.append(Fact(facts["uncertain"]["label"], phrase(facts["uncertain"]["text"], uncertain)))
    return out


def _overlap_fact(o: Overview, words: dict[str, Any], who: dict[str, str]) -> Fact:
    """Overlaps and who took the turn while the other still spoke, per role, without a verdict."""
    sentences = [phrase(words["text"], o.overlaps)] if o.overlaps else []
    for role, count in o.interruptions.items():
        sentence = phrase(words["by_role"], count, who=who[role])
        sentences.append(sentence[:1].upper() + sentence[1:])
    return Fact(words["label"], " ".join(sentences))
