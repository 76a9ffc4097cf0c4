"""Settings of the privacy stage: what counts as personal data and how it is replaced.

The lists live in ``config/default.yaml`` (``privacy:``) rather than in code, because every
municipality has its own neighbourhoods, organisations and local names, and a privacy officer
must be able to read and extend them without a code change.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from pipeline.settings.base import Section


class ProperNounSettings(Section):
    """The proper-noun rule: a capitalised word inside a sentence is taken for a name.

    Dutch capitalises only proper nouns (and sentence starts), so a capitalised word that is
    not at a sentence start, not an acronym and not a known non-name (country, language,
    holiday, ...) is almost always a name. deduce's lookup lists miss about a third of the
    non-Dutch first names measured here (Tesfay, Olena, Dawit, Mihai ...), and those are
    exactly the clients a social service sees; this rule closes that gap.
    """

    enabled: bool = True
    category: str = "person"
    min_chars: int = Field(2, ge=1)
    not_names_files: list[Path] = Field(default_factory=list)
    """Text files, one non-name a line (# comments); relative to the project root."""
    not_names: list[str] = Field(default_factory=list)
    """Extra non-names inline, e.g. local services or employers."""
    location_cues: list[str] = Field(default_factory=list)
    """Words that make the name after them a place ("in", "naar"): category ``location``."""


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

    proper_nouns: ProperNounSettings = ProperNounSettings()

    bsn_requires_elfproef: bool = True
    """Extra BSN patterns only count when the digits pass the elfproef, like deduce's own."""

    csv_passthrough_columns: list[str] = Field(default_factory=list)
    """Columns of researcher CSV exports copied without scanning (ids, times, enums)."""
