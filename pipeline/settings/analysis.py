"""Settings of the analysis stage: every threshold and lexicon path of the detectors."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, get_args

from pydantic import Field

from pipeline.settings.base import Section
from pipeline.types import ROLES, Role, SentenceTheme

RoleName = Role  # the one role vocabulary (pipeline.types)


class LexiconSettings(Section):
    """Data files with the Dutch word lists and cue patterns (relative to the project root)."""

    verbs: Path = Path("models/lexicons/nl_verbs.yaml")
    analysis: Path = Path("models/lexicons/nl_analysis.yaml")


class QuestionSettings(Section):
    """When a sentence counts as a question.

    Whisper puts "?" on real questions reliably but also on ~14% statements, so a declarative
    sentence with "?" counts only when it looks like a declarative question: short (an echo or
    elliptic question), opened by a particle such as "dus", or about the listener.
    """

    short_max_words: int = Field(4, ge=1)
    declarative_max_words: int = Field(14, ge=1)
    third_person_max_words: int = Field(9, ge=1)
    third_person_roles: list[RoleName] = Field(default_factory=lambda: ["klantmanager"])


class SelfAnswerSettings(Section):
    """A question answered by its own speaker before the other could answer."""

    max_pause_s: float = Field(1.0, ge=0)
    min_score: int = Field(2, ge=1)
    roles: list[RoleName] = Field(default_factory=lambda: ["klantmanager", "other"])


class StackedSettings(Section):
    """Several questions before the other speaker answers."""

    min_questions: int = Field(2, ge=2)
    roles: list[RoleName] = Field(default_factory=lambda: list(ROLES))


class SummaryPoints(Section):
    """Weight of each piece of evidence for a summary without a cue phrase."""

    opener: int = 2  # "Dus…"
    about_listener: int = 1  # je/u/uw…: a statement about the client
    names_feeling: int = 1
    overlap: int = 1  # reuses the client's words
    strong_overlap: int = 1  # … many of them (on top of overlap)
    opens_turn: int = 1  # first sentence after the client spoke
    continues_summary: int = 2  # the sentence before was a summary


class SummarySettings(Section):
    """Summaries and reflections: cue phrases plus overlap with the client's recent words."""

    roles: list[RoleName] = Field(default_factory=lambda: ["klantmanager"])
    lookback_turns: int = Field(3, ge=1)
    lookback_s: float = Field(120.0, gt=0)
    min_overlap: float = Field(0.25, ge=0, le=1)
    strong_overlap: float = Field(0.5, ge=0, le=1)
    strong_overlap_shared: int = Field(2, ge=1)
    min_points: int = Field(3, ge=1)
    echo_max_words: int = Field(4, ge=0)
    question_min_words: int = Field(8, ge=1)
    points: SummaryPoints = SummaryPoints()


class TurnTakingSettings(Section):
    """Monologues, ping-pong chains and wait time."""

    monologue_min_s: float = Field(30.0, gt=0)
    monologue_roles: list[RoleName] = Field(default_factory=lambda: list(ROLES))
    ping_pong_min_turns: int = Field(6, ge=3)
    ping_pong_max_turn_s: float = Field(6.0, gt=0)
    ping_pong_max_gap_s: float = Field(3.0, ge=0)
    unanswered_after_s: float = Field(10.0, gt=0)
    wait_time_bins_s: list[float] = Field(default_factory=lambda: [0.5, 1.0, 2.0, 3.0, 5.0])


class ThemeSettings(Section):
    """Kijkwijzer themes: who they are looked for in, and where in the conversation."""

    opening_window_s: float = Field(300.0, gt=0)
    closing_window_s: float = Field(300.0, gt=0)
    klantmanager_roles: list[RoleName] = Field(default_factory=lambda: ["klantmanager"])
    # the interpreter explaining how he translates is metacommunication too
    metacommunication_roles: list[RoleName] = Field(default_factory=lambda: ["klantmanager", "other"])
    agenda_roles: list[RoleName] = Field(default_factory=lambda: list(ROLES))
    # "other" for an interpreter rendering the client's words
    emotion_roles: list[RoleName] = Field(default_factory=lambda: ["client", "other"])
    resistance_roles: list[RoleName] = Field(default_factory=lambda: ["client"])
    advice_at_length_s: float = Field(20.0, gt=0)
    advice_at_length_sentences: int = Field(3, ge=1)
    elliptic_move_max_words: int = Field(6, ge=1)  # "Dan de sollicitaties." moves to a topic


class NlpSettings(Section):
    """The Dutch spaCy pipeline the analysis runs on (pipeline/nlp)."""

    # nl_core_news_sm when installed, else the shipped models/nl_kijkwijzer_sm; a folder path,
    # another installed package, or "blank" (no tagger: finite verbs from the verb list only)
    model: str = "nl_core_news_sm"
    # below this tagger probability the finite-verb list decides instead of the morphology
    min_tag_confidence: float = Field(0.5, ge=0, le=1)
    # run the dependency parser too (Token.head/dep); a parser-linked subject for verb-first
    # questions changed no tune score and the analysis took 1.9x as long, so it is off
    parse: bool = False
    # who multiplies the network's matrices: numpy's BLAS (all cores) or thinc's own blis
    # (one thread, 2.1-3.4 s instead of 1.1-1.6 s for an hour of talk on 2 cores)
    matmul: Literal["numpy", "blis"] = "numpy"


class TopicSettings(Section):
    """Who introduces topics (pipeline/analysis/topics.py)."""

    window_turns: int = Field(4, ge=1)  # subject words of these last turns are not new
    min_new_words: int = Field(2, ge=1)  # after a closing "Goed.": new subject words needed
    max_overlap: float = Field(0.25, ge=0, le=1)  # ... and the share it may share with those turns
    closure_roles: list[RoleName] = Field(default_factory=lambda: ["klantmanager"])


# the learned decisions: questions, focus and self-answers, plus every sentence theme
LearnedDecision = Literal["question", "focus", "form", "self_answered", SentenceTheme]


class LearnedSettings(Section):
    """The learned decisions over the rules' features (pipeline/analysis/learned).

    ``enabled: false`` runs the rules alone (for comparison; the shipped model is the default).
    """

    enabled: bool = True
    model: Path = Path("models/analysis/kijkwijzer_analysis.json.gz")
    decisions: list[LearnedDecision] = Field(default_factory=lambda: list(get_args(LearnedDecision)))
    # The question decision runs only on transcripts whose share of sentences with "?" is at most
    # this: where "?" is written, it is better evidence than the model's guess.
    question_marks_trusted_above: float = Field(0.05, ge=0, le=1)
    # Decisions where the rules' own hits are precise (≥ 0.8 on the tune part) and recall is
    # what they lack: the model only adds there; elsewhere it also overrules the rules.
    add_only: list[LearnedDecision] = Field(
        default_factory=lambda: [
            "question",
            "self_answered",
            *(theme for theme in get_args(SentenceTheme) if theme not in ("resistance", "advice")),
        ]
    )


class AnalysisSettings(Section):
    """Configuration of the analysis stage (pipeline/analysis)."""

    lexicons: LexiconSettings = LexiconSettings()
    vtt_merge_gap_s: float = Field(1.0, ge=0)
    nlp: NlpSettings = NlpSettings()

    vtt_voices: dict[Literal["klantmanager", "client"], list[str]] = Field(
        default_factory=lambda: {
            "klantmanager": ["klantmanager", "werkregisseur"],
            "client": ["client", "cliënt", "cliente", "cliënte"],
        }
    )
    transcript_max_bytes: int = Field(50_000_000, gt=0)
    questions: QuestionSettings = QuestionSettings()
    stacked: StackedSettings = StackedSettings()
    self_answer: SelfAnswerSettings = SelfAnswerSettings()
    summaries: SummarySettings = SummarySettings()
    turn_taking: TurnTakingSettings = TurnTakingSettings()
    themes: ThemeSettings = ThemeSettings()
    topics: TopicSettings = TopicSettings()
    learned: LearnedSettings = LearnedSettings()
