"""Settings of the report stage (the Dutch prep sheet) and of the intentions it follows.

The sheet's wording lives in data files (``texts_file``, ``intentions.metrics_file``) so a
researcher can rephrase it without touching code; this section only points to them and
holds the numbers.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from pipeline.settings.base import Section


class IntentionSettings(Section):
    """Where intentions and per-recording metric values are kept, and how metrics are computed."""

    folder: str = "intentions"  # under the data root: <root>/<folder>/<klantmanager>/
    metrics_file: Path = Path("config/intention_metrics.nl.yaml")  # resolved with settings.resolve
    opening_s: float = Field(180.0, gt=0)  # "agenda at the start" means within this many seconds
    per_minutes: float = Field(10.0, gt=0)  # counts are compared per this many minutes
    trend_points: int = Field(8, ge=2)  # most recent recordings in the sparkline


class InterviewGuideSettings(Section):
    """The client-interview guide: which fragments it asks the client about, and its wording."""

    texts_file: Path = Path("config/interview_texts.nl.yaml")  # resolved with settings.resolve
    min_fragments: int = Field(4, ge=1)
    max_fragments: int = Field(6, ge=1)
    long_silence_s: float = Field(3.0, gt=0)  # an answer this late after a question is a long silence


class ReportSettings(Section):
    """Configuration of the prep sheet."""

    texts_file: Path = Path("config/sheet_texts.nl.yaml")  # resolved with settings.resolve
    pdf: bool = True
    chromium: str = "chromium"  # Debian package `chromium`; the PDF is printed by it, headless
    pdf_timeout_s: float = Field(120.0, gt=0)
    excerpt_max_sentences: int = Field(14, ge=1)  # per fragment; the video shows the rest
    closing_prompts: int = Field(4, ge=3, le=5)
    timeline_width: int = Field(760, ge=300)
    # media_href with one of these extensions gets a <video> player, anything else <audio>
    video_extensions: list[str] = Field(default_factory=lambda: ["mp4", "m4v", "mov", "mkv", "webm", "avi"])
    intentions: IntentionSettings = IntentionSettings()
    interview: InterviewGuideSettings = InterviewGuideSettings()
    review_texts_file: Path = Path("config/review_texts.nl.yaml")  # the review desk's page
