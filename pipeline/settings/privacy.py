"""Settings of the privacy stage: what counts as personal data and how it is replaced.

The lists live in ``config/default.yaml`` (``privacy:``) rather than in code, because every
municipality has its own neighbourhoods, organisations and local names, and a privacy officer
must be able to read and extend them without a code change.
"""

from __future__ import annotations

from pydantic import Field

from pipeline.settings.base import Section


class PrivacySettings(Section):
    """Configuration of de-identification (pseudonymisation) of researcher-facing outputs."""

    sheet_keeps_real_words: bool = True
    """The klantmanager's own sheet shows the real words: it is her own conversation."""

    tag_categories: dict[str, str] = Field(default_factory=dict)
    """deduce annotation tag -> our category (person, location, date, ...)."""

    fallback_category: str = "other"
    """Category for a deduce tag missing from ``tag_categories`` (e.g. after an upgrade)."""

    labels: dict[str, str] = Field(default_factory=dict)
    """Category -> the Dutch label in the pseudonym, e.g. person -> PERSOON gives [PERSOON-1]."""

    redact: list[str] = Field(default_factory=list)
    """Categories that are replaced by a pseudonym; others are left in the text."""

    allow: list[str] = Field(default_factory=list)
    """Terms never replaced (case-insensitive, whole detected entity, articles ignored):
    public organisations, rivers and other words that deduce wrongly takes for personal data."""

    allow_at_sentence_start: list[str] = Field(default_factory=list)
    """Names that are also everyday words (Ben, Wil, Dan): left alone when they open a sentence."""

    person_edge_words: list[str] = Field(default_factory=list)
    """Greetings and titles trimmed off the edges of a person entity, so that
    "Goedemorgen Kees" becomes "Goedemorgen [PERSOON-1]"."""

    name_particles: list[str] = Field(default_factory=list)
    """Surname particles (de, van, ter ...): ignored when linking mentions of one person."""

    deny: dict[str, list[str]] = Field(default_factory=dict)
    """Category -> terms always replaced (whole words, case-insensitive), e.g. neighbourhoods."""

    patterns: dict[str, list[str]] = Field(default_factory=dict)
    """Category -> extra regular expressions for what deduce misses (spoken numbers, dates
    without a year). A named group ``v`` marks the part to replace; otherwise the whole match."""

    bsn_requires_elfproef: bool = True
    """Extra BSN patterns only count when the digits pass the elfproef, like deduce's own."""

    csv_passthrough_columns: list[str] = Field(default_factory=list)
    """Columns of researcher CSV exports copied without scanning (ids, times, enums)."""
