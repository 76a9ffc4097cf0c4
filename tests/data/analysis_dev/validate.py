"""Validate the labelled conversation-analysis development set and print label counts.

Usage::

    python tests/data/analysis_dev/validate.py [DIR]

DIR defaults to the folder this script lives in. Every ``conv_*.json`` file in it is checked
against the schema described in ``README.md``:

* top-level keys ``id`` (equal to the file stem), ``topic`` and ``turns`` (``description`` optional);
* each turn has a ``role`` (klantmanager, client or other), ``start``/``end`` equal to the first and
  last sentence's times, and a non-empty list of sentences;
* each sentence has ``text``, ``start`` < ``end``, the full set of label keys with the right types,
  and optionally a list of string ``tags``;
* label consistency (the annotation guide, ``/work/shared/annotation-guide.md``): ``form`` is null
  iff ``question`` is false; every question has a ``focus`` (``feeling``, ``fact`` or ``other``),
  null only with the tag ``focus_unclear``, and non-questions have none; ``stacked`` only on
  questions and equal to the recomputed per-turn rule (two or more questions in one turn; a question
  tagged ``check_question`` right after a summary does not count); ``self_answered`` only on a
  question that is followed in the same turn within 1.0 s by a sentence that is not itself a
  question; role-restricted labels on the right role;
* times are monotonic: no sentence starts before the previous one ended.

Exits with status 1 when any error is found. Stdlib only.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROLES = ("klantmanager", "client", "other")
BOOL_LABELS = (
    "question",
    "stacked",
    "self_answered",
    "summary",
    "agenda",
    "goal",
    "metacommunication",
    "feedback_request",
    "emotion",
    "resistance",
    "advice",
)
LABEL_KEYS = frozenset((*BOOL_LABELS, "form", "focus"))
FORMS = ("open", "closed")
FOCI = ("feeling", "fact", "other")
# Tag that allows a question to have focus null (genuinely unclear, see the guide).
FOCUS_UNCLEAR_TAG = "focus_unclear"
# A check question after a summary ("Dus je bent bang. Klopt dat?") does not make a turn stacked.
CHECK_TAG = "check_question"
# Labels that only make sense for some roles.
NOT_FOR_KLANTMANAGER = ("emotion", "resistance")
KLANTMANAGER_ONLY = ("summary", "advice")
SELF_ANSWER_MAX_GAP = 1.0

# Tags on non-question sentences that look like questions (question hard negatives).
HARD_NEGATIVE_TAGS = frozenset(
    {
        "embedded_question",
        "agenda_list",
        "spurious_qmark",
        "verb_first_statement",
        "wh_statement",
        "reported_question",
        "particle_statement",
        "rhetorical",
    }
)
# Tags on the sentence right after a question that is NOT a self-answer.
NOT_SELF_ANSWER_TAGS = frozenset(
    {"why_explanation", "reassurance", "followup_reflection", "followup_comment"}
)
KNOWN_TAGS = (
    HARD_NEGATIVE_TAGS
    | NOT_SELF_ANSWER_TAGS
    | frozenset(
        {
            "missing_qmark",
            "declarative_question",
            "tag_question",
            "functional_invitation",
            "either_or",
            "elliptic_question",
            "rhetorical",
            "suggested_answer",
            "suggested_answer_question",
            "closing_tag",
            "self_answer",
            "own_answer_after_pause",
            "summary_no_cue",
            "dus_not_summary",
            "action_recap",
            "roleplay",
            "request",
            "non_dutch",
            FOCUS_UNCLEAR_TAG,
            CHECK_TAG,
        }
    )
)
TIME_EPS = 0.005


class Checker:
    """Collects errors, warnings and counts while checking conversation files."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.labels: Counter[str] = Counter()
        self.labels_by_role: dict[str, Counter[str]] = {role: Counter() for role in ROLES}
        self.tags: Counter[str] = Counter()
        self.turns: Counter[str] = Counter()
        self.sentences: Counter[str] = Counter()
        self.misc: Counter[str] = Counter()
        self.conversations = 0

    def error(self, where: str, msg: str) -> None:
        self.errors.append(f"{where}: {msg}")

    def warn(self, where: str, msg: str) -> None:
        self.warnings.append(f"{where}: {msg}")

    def check_file(self, path: Path) -> None:
        """Check one conversation file and add its counts."""
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            self.error(path.name, f"cannot read JSON: {exc}")
            return
        if not isinstance(doc, dict):
            self.error(path.name, "top level is not an object")
            return
        extra = set(doc) - {"id", "topic", "description", "turns"}
        if extra:
            self.error(path.name, f"unknown top-level keys {sorted(extra)}")
        if doc.get("id") != path.stem:
            self.error(path.name, f"id {doc.get('id')!r} does not match file name")
        if not isinstance(doc.get("topic"), str) or not doc["topic"].strip():
            self.error(path.name, "topic missing or empty")
        turns = doc.get("turns")
        if not isinstance(turns, list) or not turns:
            self.error(path.name, "turns missing or empty")
            return
        self.conversations += 1
        prev_end = 0.0
        for ti, turn in enumerate(turns):
            where = f"{path.name} turn {ti}"
            if not isinstance(turn, dict):
                self.error(where, "turn is not an object")
                continue
            role = turn.get("role")
            if role not in ROLES:
                self.error(where, f"bad role {role!r}")
                continue
            sentences = turn.get("sentences")
            if not isinstance(sentences, list) or not sentences:
                self.error(where, "sentences missing or empty")
                continue
            self.turns[role] += 1
            if ti and isinstance(turn.get("start"), int | float):
                gap = turn["start"] - prev_end
                if gap > 10.0:
                    self.warn(where, f"long gap of {gap:.2f} s before turn")
            for si, sent in enumerate(sentences):
                swhere = f"{where} sentence {si}"
                if not self.check_sentence(swhere, role, sent):
                    continue
                if sent["start"] < prev_end - TIME_EPS:
                    self.error(swhere, f"starts at {sent['start']} before previous end {prev_end}")
                if si:
                    gap = sent["start"] - sentences[si - 1]["end"]
                    if not 0.05 <= gap <= 0.6:
                        self.warn(swhere, f"within-turn gap {gap:.2f} s outside 0.1-0.5")
                prev_end = sent["end"]
            first, last = sentences[0], sentences[-1]
            for key, sent in (("start", first), ("end", last)):
                value = turn.get(key)
                if not isinstance(value, int | float) or not isinstance(sent.get(key), int | float):
                    self.error(where, f"turn {key} missing or not a number")
                elif abs(value - sent[key]) > TIME_EPS:
                    self.error(where, f"turn {key} {value} != sentence {key} {sent[key]}")
            self.check_self_answers(where, sentences)
        self.check_stacked(path.name, turns)

    def check_sentence(self, where: str, role: str, sent: Any) -> bool:
        """Check one sentence; return False when it is too broken to use further."""
        if not isinstance(sent, dict):
            self.error(where, "sentence is not an object")
            return False
        extra = set(sent) - {"text", "start", "end", "labels", "tags"}
        if extra:
            self.error(where, f"unknown sentence keys {sorted(extra)}")
        text = sent.get("text")
        if not isinstance(text, str) or not text.strip():
            self.error(where, "text missing or empty")
        start, end = sent.get("start"), sent.get("end")
        if not isinstance(start, int | float) or not isinstance(end, int | float) or not start < end:
            self.error(where, f"bad times start={start!r} end={end!r}")
            return False
        labels = sent.get("labels")
        if not isinstance(labels, dict):
            self.error(where, "labels missing")
            return False
        if set(labels) != LABEL_KEYS:
            missing, extra_keys = LABEL_KEYS - set(labels), set(labels) - LABEL_KEYS
            self.error(where, f"label keys differ: missing {sorted(missing)}, extra {sorted(extra_keys)}")
            return False
        for key in BOOL_LABELS:
            if not isinstance(labels[key], bool):
                self.error(where, f"label {key} is not a bool")
        is_q = labels["question"] is True
        if labels["form"] not in (*FORMS, None):
            self.error(where, f"bad form {labels['form']!r}")
        if labels["focus"] not in (*FOCI, None):
            self.error(where, f"bad focus {labels['focus']!r}")
        if is_q != (labels["form"] is not None):
            self.error(where, "form must be null iff question is false")
        if not is_q and labels["focus"] is not None:
            self.error(where, "focus set on a non-question")
        raw_tags = sent.get("tags", [])
        unclear = isinstance(raw_tags, list) and FOCUS_UNCLEAR_TAG in raw_tags
        if is_q and labels["focus"] is None and not unclear:
            self.error(where, f"question without a focus (null needs the tag {FOCUS_UNCLEAR_TAG!r})")
        if unclear and (not is_q or labels["focus"] is not None):
            self.error(where, f"tag {FOCUS_UNCLEAR_TAG!r} only on a question with focus null")
        if not is_q and labels["stacked"]:
            self.error(where, "stacked on a non-question")
        if not is_q and labels["self_answered"]:
            self.error(where, "self_answered on a non-question")
        if role == "klantmanager":
            for key in NOT_FOR_KLANTMANAGER:
                if labels[key]:
                    self.error(where, f"{key} on a klantmanager sentence")
        else:
            for key in KLANTMANAGER_ONLY:
                if labels[key]:
                    self.error(where, f"{key} on a {role} sentence")
        tags = sent.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            self.error(where, "tags must be a list of strings")
            tags = []
        for tag in tags:
            if tag not in KNOWN_TAGS:
                self.warn(where, f"unknown tag {tag!r}")
            self.tags[tag] += 1
        if is_q and HARD_NEGATIVE_TAGS & set(tags):
            self.error(where, "question carries a hard-negative tag")
        if "missing_qmark" in tags and (not is_q or text.rstrip().endswith("?")):
            self.error(where, "missing_qmark tag inconsistent with text or label")
        if "spurious_qmark" in tags and (is_q or not text.rstrip().endswith("?")):
            self.error(where, "spurious_qmark tag inconsistent with text or label")
        self.count_sentence(role, labels, tags, text)
        return True

    def count_sentence(self, role: str, labels: dict[str, Any], tags: list[str], text: str) -> None:
        self.sentences[role] += 1
        for key in BOOL_LABELS:
            if labels[key]:
                self.labels[key] += 1
                self.labels_by_role[role][key] += 1
        if labels["question"]:
            self.labels[f"form={labels['form']}"] += 1
            self.labels[f"focus={labels['focus']}"] += 1
            self.labels_by_role[role][f"form={labels['form']}"] += 1
            self.labels_by_role[role][f"focus={labels['focus']}"] += 1
            if not text.rstrip().endswith("?"):
                self.misc["questions without '?'"] += 1
        else:
            if text.rstrip().endswith("?"):
                self.misc["non-questions ending in '?'"] += 1
            if HARD_NEGATIVE_TAGS & set(tags):
                self.misc["question hard negatives (non-question, look-alike tag)"] += 1
        if "dus_not_summary" in tags or "action_recap" in tags:
            self.misc["summary hard negatives (dus_not_summary/action_recap)"] += 1
        if NOT_SELF_ANSWER_TAGS & set(tags) or "own_answer_after_pause" in tags:
            self.misc["self-answer hard negatives (explanation/reassurance/reflection/pause)"] += 1

    def check_self_answers(self, where: str, sentences: list[Any]) -> None:
        for si, sent in enumerate(sentences):
            labels = sent.get("labels") if isinstance(sent, dict) else None
            if not isinstance(labels, dict) or labels.get("self_answered") is not True:
                continue
            if si + 1 >= len(sentences):
                self.error(f"{where} sentence {si}", "self_answered but nothing follows in the turn")
                continue
            gap = sentences[si + 1]["start"] - sent["end"]
            if gap >= SELF_ANSWER_MAX_GAP:
                msg = f"self_answered but next sentence follows after {gap:.2f} s"
                self.error(f"{where} sentence {si}", msg)
            nxt = sentences[si + 1].get("labels") if isinstance(sentences[si + 1], dict) else None
            if isinstance(nxt, dict) and nxt.get("question") is True:
                msg = "self_answered but followed by another question (guide: stacked, not self-answered)"
                self.error(f"{where} sentence {si}", msg)

    def check_stacked(self, name: str, turns: list[Any]) -> None:
        """Stacked must be true exactly on the questions of a turn with two or more questions.

        This is the guide's rule ("two or more questions before the client can answer"), applied per
        turn: a turn by another role, or a silence that starts a new turn of the same role, ends it.
        A question tagged ``check_question`` that follows a summary in the same turn (a reflection
        plus one check question) does not count.
        """
        for ti, turn in enumerate(turns):
            if not isinstance(turn, dict) or not isinstance(turn.get("sentences"), list):
                continue
            sents = [
                s for s in turn["sentences"] if isinstance(s, dict) and isinstance(s.get("labels"), dict)
            ]
            counted = 0
            for si, sent in enumerate(sents):
                labels = sent["labels"]
                if not labels.get("question"):
                    continue
                tags = sent.get("tags", []) if isinstance(sent.get("tags"), list) else []
                after_summary = si > 0 and sents[si - 1]["labels"].get("summary") is True
                if CHECK_TAG in tags:
                    if not after_summary:
                        msg = f"{CHECK_TAG!r} not right after a summary: {sent['text']!r}"
                        self.error(f"{name} turn {ti}", msg)
                    continue
                counted += 1
            want = counted >= 2
            for sent in sents:
                if sent["labels"].get("question") and sent["labels"].get("stacked") != want:
                    self.error(f"{name} turn {ti}", f"stacked should be {want} for {sent['text']!r}")

    def report(self) -> None:
        km_turns = self.turns["klantmanager"]
        print(f"conversations: {self.conversations}")
        print("turns: " + ", ".join(f"{role}={self.turns[role]}" for role in ROLES))
        print("sentences: " + ", ".join(f"{role}={self.sentences[role]}" for role in ROLES))
        print(f"klantmanager turns: {km_turns}")
        print("\nlabel counts (all roles | klantmanager / client / other):")
        keys = [
            *BOOL_LABELS,
            "form=open",
            "form=closed",
            "focus=feeling",
            "focus=fact",
            "focus=other",
            "focus=None",
        ]
        for key in keys:
            per_role = " / ".join(str(self.labels_by_role[role][key]) for role in ROLES)
            print(f"  {key:<20} {self.labels[key]:>5} | {per_role}")
        print("\nother counts:")
        for key, value in sorted(self.misc.items()):
            print(f"  {key:<70} {value:>5}")
        print("\ntag counts:")
        for key, value in sorted(self.tags.items()):
            print(f"  {key:<25} {value:>5}")
        for warning in self.warnings:
            print(f"WARNING {warning}")
        for err in self.errors:
            print(f"ERROR {err}")
        print(f"\n{len(self.errors)} error(s), {len(self.warnings)} warning(s)")


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent
    files = sorted(folder.glob("conv_*.json"))
    if not files:
        print(f"no conv_*.json files in {folder}")
        return 1
    checker = Checker()
    for path in files:
        checker.check_file(path)
    checker.report()
    return 1 if checker.errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
