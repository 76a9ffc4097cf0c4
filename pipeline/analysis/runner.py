"""The analysis runner: detectors in order, then events with ids and the metrics."""

from __future__ import annotations

from typing import Any

import pipeline.analysis.phrase_theme  # noqa: F401  (the phrase themes register themselves)
from pipeline.analysis.advice import detect_advice
from pipeline.analysis.agenda import agenda_follow_ups, agenda_transitions
from pipeline.analysis.context import PUNCT_TOKENS, AnalysisContext, SentenceView, build_views, turn_views
from pipeline.analysis.feedback_request import feedback_follow_ups
from pipeline.analysis.findings import Findings
from pipeline.analysis.learned.decide import revise
from pipeline.analysis.learned.units import build_units
from pipeline.analysis.metrics import conversation_metrics
from pipeline.analysis.question_focus import inherit_focus, question_focus
from pipeline.analysis.question_form import question_form
from pipeline.analysis.questions import detect_question
from pipeline.analysis.registry import DETECTORS
from pipeline.analysis.self_answered import self_answer
from pipeline.analysis.sentences import ensure_sentences
from pipeline.analysis.stacked import stacked_questions
from pipeline.analysis.summaries import detect_summary, others_lemmas_before
from pipeline.analysis.topics import topic_introductions, topic_metrics
from pipeline.analysis.turn_taking import ROLES, turn_taking_metrics
from pipeline.analysis.wait_time import wait_after
from pipeline.settings import Settings
from pipeline.types import Analysis, Conversation, Event, EventType

# Order of event types that start at the same moment, so ids are stable.
TYPE_ORDER: tuple[EventType, ...] = (
    "ping_pong",
    "monologue",
    "advice",
    "goal",
    "agenda",
    "metacommunication",
    "summary",
    "question",
    "feedback_request",
    "emotion",
    "resistance",
    "interruption",
)
MAX_SPAN_TEXT = 300


def _is_backchannel_turn(views: list[SentenceView], context: AnalysisContext) -> bool:
    sounds = context.words("words.backchannels")
    return all(tok.lower in sounds for view in views for tok in view.tokens if tok.lower not in PUNCT_TOKENS)


def _clip(text: str) -> str:
    return text if len(text) <= MAX_SPAN_TEXT else text[: MAX_SPAN_TEXT - 1].rstrip() + "…"


def _detect(
    conversation: Conversation,
    views: list[SentenceView],
    grouped: list[list[SentenceView]],
    context: AnalysisContext,
) -> Findings:
    found = Findings()
    for view in views:
        cue = detect_question(view, context)
        if cue is not None:
            found.questions[view.position] = cue
            found.forms[view.position] = question_form(view, cue, context)
            found.focus[view.position] = question_focus(view, cue, context)
    positions = set(found.questions)
    found.stacked = stacked_questions(conversation.turns, grouped, positions, context)

    for turn_group in grouped:
        in_turn = [view for view in turn_group if view.position in positions]
        for view in in_turn:
            following = [v for v in turn_group if v.position > view.position]
            answer = self_answer(view, found.questions[view.position], following, found.questions, context)
            if answer is not None:
                found.self_answers[view.position] = answer
    suggestions = {
        answer.answer_position: question
        for question, answer in found.self_answers.items()
        if answer.answer_position in found.questions
    }
    inherit_focus(views, found.questions, found.focus, found.forms, suggestions, context)  # type: ignore[arg-type]

    answer_positions = {a.answer_position for a in found.self_answers.values()}
    turn_speakers = [turn.speaker for turn in conversation.turns]
    for name in DETECTORS:
        found.themes[name] = {}
    for view in views:
        before = views[view.position - 1] if view.position > 0 else None
        opens_turn = before is None or before.turn_position != view.turn_position
        if view.position not in answer_positions:
            summary = detect_summary(
                view,
                found.questions.get(view.position),
                others_lemmas_before(view, views, turn_speakers, context),
                opens_turn and before is not None,
                not opens_turn and (view.position - 1) in found.summaries,
                context,
            )
            if summary is not None:
                found.summaries[view.position] = summary
        for name, detector in DETECTORS.items():
            cue_text = detector.detect(view, context)
            if cue_text is not None:
                found.themes[name][view.position] = cue_text
        advice = detect_advice(view, context)
        if advice == "imperative" and view.position in found.themes["metacommunication"]:
            advice = None  # "Stop, even uit de rol." directs the conversation, not the client
        if advice is not None and view.position not in found.summaries.keys() | found.questions.keys():
            found.advice[view.position] = advice
    found.themes["agenda"].update(agenda_follow_ups(views, found.themes["agenda"], positions, context))
    found.themes["agenda"].update(agenda_transitions(views, found.themes["agenda"], context))
    requests = found.themes["feedback_request"]
    requests.update(feedback_follow_ups(views, requests, positions))
    for position in requests:
        if position in found.focus:
            found.focus[position] = "feeling"  # feedback on the conversation asks for experience
    return found


def _waits(
    conversation: Conversation, grouped: list[list[SentenceView]], found: Findings, context: AnalysisContext
) -> None:
    """The wait after the last question of each turn that its speaker did not answer herself."""
    backchannel = [_is_backchannel_turn(turn_group, context) for turn_group in grouped]
    for turn_position, turn_group in enumerate(grouped):
        in_turn = [view for view in turn_group if view.position in found.questions]
        if in_turn and in_turn[-1].position not in found.self_answers:
            found.waits[in_turn[-1].position] = wait_after(
                conversation.turns, turn_position, backchannel, context.settings.turn_taking
            )


def rule_findings(
    conversation: Conversation, context: AnalysisContext
) -> tuple[Conversation, list[SentenceView], list[list[SentenceView]], Findings]:
    """The conversation with sentences, its views, and what the rule detectors found.

    Training the learned decisions starts from exactly this, as the analysis does.
    """
    conversation = ensure_sentences(conversation, context)
    views = build_views(conversation, context)
    grouped = turn_views(views, conversation.turns)
    return conversation, views, grouped, _detect(conversation, views, grouped, context)


def _sentence_event(view: SentenceView, kind: EventType, details: dict[str, Any], **fields: Any) -> Event:
    sentence = view.sentence
    return Event(
        id="",
        type=kind,
        speaker_role=sentence.role,
        start=sentence.start,
        end=sentence.end,
        text=sentence.text,
        turn_index=sentence.turn_index,
        sentence_index=sentence.index,
        details=details,
        **fields,
    )


def _events(
    conversation: Conversation,
    views: list[SentenceView],
    found: Findings,
    spans: dict[str, list[Any]],
    context: AnalysisContext,
) -> list[Event]:
    themes = context.settings.themes
    duration = conversation.duration_s
    events: list[Event] = []
    for position, cue in found.questions.items():
        view = views[position]
        answer = found.self_answers.get(position)
        wait = found.waits.get(position)
        details: dict[str, Any] = {"kind": cue.kind}
        if cue.wh:
            details["question_word"] = cue.wh
        if answer is not None:
            details["self_answer"] = {
                "sentence_index": views[answer.answer_position].sentence.index,
                "text": views[answer.answer_position].sentence.text,
                "pause_s": answer.pause_s,
                "evidence": list(answer.evidence),
            }
        if wait is not None:
            details["unanswered"] = wait.unanswered
        events.append(
            _sentence_event(
                view,
                "question",
                details,
                form=found.forms[position],
                focus=found.focus[position],
                stacked=position in found.stacked,
                self_answered=answer is not None,
                answer_latency_s=wait.latency_s if wait is not None else None,
            )
        )
    for position, summary in found.summaries.items():
        events.append(
            _sentence_event(
                views[position],
                "summary",
                {
                    "cue": summary.cue,
                    "evidence": list(summary.evidence),
                    "overlap": summary.overlap,
                    "shared_words": list(summary.shared),
                },
            )
        )
    for name, hits in found.themes.items():
        for position, cue_text in hits.items():
            details: dict[str, Any] = {"cue": cue_text}
            start = views[position].sentence.start
            window = DETECTORS[name].window if name in DETECTORS else None
            if window == "opening":
                details["in_opening"] = start < themes.opening_window_s
            if window == "closing":
                details["near_end"] = duration - start <= themes.closing_window_s
            events.append(_sentence_event(views[position], name, details))  # type: ignore[arg-type]
    events.extend(_advice_events(conversation, views, found, context))
    for span in spans["monologue"]:
        turn = conversation.turns[span.turn_positions[0]]
        events.append(
            Event(
                id="",
                type="monologue",
                speaker_role=turn.role,
                start=span.start,
                end=span.end,
                text=_clip(turn.text),
                turn_index=turn.index,
                details={"duration_s": round(span.end - span.start, 3), "words": len(turn.text.split())},
            )
        )
    for span in spans["ping_pong"]:
        texts = [conversation.turns[i].text for i in span.turn_positions]
        events.append(
            Event(
                id="",
                type="ping_pong",
                speaker_role=None,
                start=span.start,
                end=span.end,
                text=_clip(" / ".join(texts)),
                turn_index=conversation.turns[span.turn_positions[0]].index,
                details={
                    "turns": len(span.turn_positions),
                    "turn_indices": [conversation.turns[i].index for i in span.turn_positions],
                },
            )
        )
    role_of = {speaker.id: speaker.role for speaker in conversation.speakers}
    for overlap in conversation.overlaps:
        if overlap.interrupter is None:
            continue
        events.append(
            Event(
                id="",
                type="interruption",
                speaker_role=role_of.get(overlap.interrupter),  # type: ignore[arg-type]
                start=overlap.start,
                end=overlap.end,
                details={
                    "interrupted_role": role_of.get(overlap.interrupted or ""),
                    "overlap_s": round(overlap.end - overlap.start, 3),
                },
            )
        )
    order = [*TYPE_ORDER, *(name for name in DETECTORS if name not in TYPE_ORDER)]  # new ones last
    rank = {kind: i for i, kind in enumerate(order)}
    events.sort(key=lambda e: (e.start, rank[e.type], e.sentence_index or -1, e.end))
    for number, event in enumerate(events, start=1):
        event.id = f"e{number}"
    return events


def _advice_events(
    conversation: Conversation, views: list[SentenceView], found: Findings, context: AnalysisContext
) -> list[Event]:
    """One advice event per klantmanager turn, spanning its advice sentences."""
    settings = context.settings.themes
    by_turn: dict[int, list[int]] = {}
    for position in sorted(found.advice):
        by_turn.setdefault(views[position].turn_position, []).append(position)
    events = []
    for turn_position, positions in by_turn.items():
        turn = conversation.turns[turn_position]
        first, last = views[positions[0]].sentence, views[positions[-1]].sentence
        turn_s = turn.end - turn.start
        events.append(
            Event(
                id="",
                type="advice",
                speaker_role=turn.role,
                start=first.start,
                end=last.end,
                text=_clip(" ".join(views[p].sentence.text for p in positions)),
                turn_index=turn.index,
                sentence_index=first.index,
                details={
                    "sentence_indices": [views[p].sentence.index for p in positions],
                    "cues": [found.advice[p] for p in positions],
                    "turn_duration_s": round(turn_s, 3),
                    "at_length": turn_s >= settings.advice_at_length_s
                    or len(positions) >= settings.advice_at_length_sentences,
                },
            )
        )
    return events


def analyse(conversation: Conversation, settings: Settings) -> Analysis:
    """Run every detector over ``conversation`` and return events and metrics."""
    return analyse_in_context(conversation, AnalysisContext.from_settings(settings))


def analyse_in_context(conversation: Conversation, context: AnalysisContext) -> Analysis:
    """:func:`analyse` with an explicit context (cross-validation swaps in each fold's model)."""
    conversation, views, grouped, found = rule_findings(conversation, context)
    if context.model is not None:
        units = build_units(conversation, views, grouped, found, context)
        revise(found, conversation, views, grouped, units, context.model, context)
    _waits(conversation, grouped, found, context)
    turn_metrics, monologue_spans, chain_spans = turn_taking_metrics(
        conversation, context.settings.turn_taking
    )
    events = _events(
        conversation, views, found, {"monologue": monologue_spans, "ping_pong": chain_spans}, context
    )
    metrics = conversation_metrics(conversation, events, turn_metrics, context)
    topics = topic_introductions(grouped, context)
    metrics["topics"] = topic_metrics(conversation, topics, ROLES)
    metrics["analysis"] = {
        "nlp": context.nlp.name,
        "nlp_version": context.nlp.version,
        "model": context.model.identity.get("sha256") if context.model is not None else None,
        "sentences": len(views),
        "turns": len(conversation.turns),
    }
    return Analysis(events=events, metrics=metrics)
