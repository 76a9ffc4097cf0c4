"""Typed data that flows between the stages.

Each stage takes and returns these models, so stages never need to read each
other's files. They are pydantic models because every one of them is also
persisted as JSON (stage caches, researcher exports).
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["klantmanager", "client", "other"]
ROLES: tuple[Role, ...] = get_args(Role)  # in the order the sheet and the metrics list them
# The focus of a question (annotation guide): the client's experience, checkable facts, or neither.
QuestionFocus = Literal["feeling", "fact", "other"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- transcription -----------------------------------------------------------------


class Word(_Model):
    """One recognised word with its timing and ASR confidence."""

    start: float
    end: float
    text: str
    probability: float


class Segment(_Model):
    """One ASR segment (roughly a phrase) with its words."""

    start: float
    end: float
    text: str
    words: list[Word] = Field(default_factory=list)


class ModelIdentity(_Model):
    """Which model produced a result; part of every cache key."""

    name: str
    sha256: str


class Transcript(_Model):
    """Output of the transcription stage."""

    model: ModelIdentity
    language: str = "nl"
    duration_s: float
    segments: list[Segment] = Field(default_factory=list)

    def words(self) -> list[Word]:
        """All words in time order."""
        return [word for segment in self.segments for word in segment.words]


# --- diarisation and roles ------------------------------------------------------------


class SpeakerSegment(_Model):
    """A stretch of audio attributed to one anonymous speaker cluster."""

    start: float
    end: float
    speaker: str


class Diarization(_Model):
    """Output of a diarisation backend.

    ``centroids`` holds one voice embedding per speaker, so that roles can be
    matched against enrolled klantmanager profiles without re-reading audio.
    """

    backend: str
    duration_s: float
    segments: list[SpeakerSegment] = Field(default_factory=list)
    centroids: dict[str, list[float]] = Field(default_factory=dict)
    encoder: str | None = None  # the voice encoder of ``centroids``; profiles must match it


class Speaker(_Model):
    """A diarised speaker with the role the roles stage gave it."""

    id: str
    role: Role
    label: str  # klantmanager, client, other, other2, ...
    talk_time_s: float = 0.0

    def turn(self, index: int, text: str, words: list[TimedWord], start: float, end: float) -> Turn:
        """A turn of this speaker: its role and label come from here, so they never disagree."""
        return Turn(
            index=index, speaker=self.id, role=self.role, label=self.label, start=start, end=end,
            text=text, words=words,
        )  # fmt: skip


class RoleAssignment(_Model):
    """Which speaker cluster is the klantmanager, the client, or someone else, and why."""

    speakers: list[Speaker]
    method: str
    margin: float | None = None
    evidence: dict[str, Any] = Field(default_factory=dict)

    def by_id(self) -> dict[str, Speaker]:
        """Speakers keyed by their diarisation id."""
        return {speaker.id: speaker for speaker in self.speakers}


# --- aligned conversation ---------------------------------------------------------


class TimedWord(_Model):
    """A word attributed to a speaker."""

    start: float
    end: float
    text: str
    probability: float = 1.0
    speaker: str


class Sentence(_Model):
    """A sentence inside one turn; the unit most detectors work on."""

    index: int
    turn_index: int
    start: float
    end: float
    text: str
    speaker: str
    role: Role


class Turn(_Model):
    """Consecutive speech of one speaker, split on long pauses."""

    index: int
    speaker: str
    role: Role
    label: str
    start: float
    end: float
    text: str
    words: list[TimedWord] = Field(default_factory=list)
    sentences: list[Sentence] = Field(default_factory=list)


class Overlap(_Model):
    """Two speakers talking at once; an interruption when the second one takes the turn."""

    start: float
    end: float
    speakers: list[str]
    interrupter: str | None = None
    interrupted: str | None = None


class Conversation(_Model):
    """The aligned conversation: who said what, when. Input to the analysis."""

    duration_s: float
    speakers: list[Speaker]
    turns: list[Turn]
    overlaps: list[Overlap] = Field(default_factory=list)
    model: ModelIdentity | None = None

    def sentences(self) -> list[Sentence]:
        """All sentences in time order."""
        return [sentence for turn in self.turns for sentence in turn.sentences]


# --- analysis ------------------------------------------------------------------------

# Events found on single sentences (a labelled sentence carries each as a yes/no label).
SentenceTheme = Literal[
    "summary",
    "agenda",
    "goal",
    "metacommunication",
    "feedback_request",
    "emotion",
    "resistance",
    "advice",
]
# An event's type: "question", "monologue", "ping_pong", "interruption", a built-in
# SentenceTheme, or the name of a detector registered in pipeline.analysis.registry (so a
# new detector needs no edit here).
EventType = str


class Event(_Model):
    """A moment found by a detector. Question fields are null for other types."""

    id: str
    type: EventType
    speaker_role: Role | None
    start: float
    end: float
    text: str = ""
    form: Literal["open", "closed"] | None = None
    focus: QuestionFocus | None = None
    stacked: bool | None = None
    self_answered: bool | None = None
    answer_latency_s: float | None = None
    turn_index: int | None = None
    sentence_index: int | None = None
    details: dict[str, Any] = Field(default_factory=dict)


class Analysis(_Model):
    """All events plus the conversation-level metrics."""

    events: list[Event]
    metrics: dict[str, Any]


# --- fragments -----------------------------------------------------------------------


class Fragment(_Model):
    """A candidate video fragment for the reflection talk."""

    start: float
    end: float
    theme: str
    reason: str
    event_ids: list[str]
    questions: list[str]
    score: float
    positive: bool = False
