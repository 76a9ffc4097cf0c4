"""Find personal data in Dutch text: deduce plus the configured corrections.

deduce is tuned for clinical notes, not for spoken conversation. Measured here it swallowed
greetings into names ("Goedemorgen Kees"), took the river "de Amstel" for a person and missed
neighbourhoods such as "Bijlmer"; its name lists also miss about a third of non-Dutch first names.
Each correction is a list in ``privacy:`` of the config (allow, deny, edge words, extra
patterns, the proper-noun rule's not-names), never a special case in code, so a privacy officer
can extend them for her own municipality.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.privacy.engine import annotate
from pipeline.settings import PROJECT_ROOT
from pipeline.settings.privacy import PrivacySettings

PERSON = "person"
LOCATION = "location"
BSN = "bsn"
_ARTICLES = ("de ", "het ", "'t ", "the ")
_SOURCE_RANK = ("known", "deny", "pattern", "deduce", "proper_noun")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_SENTENCE_OPENERS = ".!?:;\"'(-–—\n"
_LOOKBEHIND = 40  # characters before a word that decide whether it opens a sentence or follows a cue


@dataclass(frozen=True)
class Entity:
    """A span of personal data in a text, with its category (person, location, ...)."""

    start: int
    end: int
    text: str
    category: str
    source: str


def normalise(term: str) -> str:
    """Lower-case, whitespace-collapsed, edge-punctuation-free form used for list lookups."""
    term = " ".join(term.lower().split()).strip(" .,;:!?\"'()")
    for article in _ARTICLES:
        if term.startswith(article):
            return term[len(article) :]
    return term


def elfproef(digits: str) -> bool:
    """The checksum every real BSN passes (9 digits, weights 9..2 and -1, sum divisible by 11)."""
    if len(digits) != 9 or not digits.isdigit():
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 == 0


def _words_regex(terms: Iterable[str]) -> re.Pattern[str] | None:
    """One case-insensitive regex matching any of ``terms`` as whole words, longest first."""
    alternatives = sorted({re.escape(t.strip()) for t in terms if t.strip()}, key=len, reverse=True)
    if not alternatives:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


def read_word_list(path: Path) -> list[str]:
    """Entries of a one-per-line list file; blank lines and ``#`` comments skipped."""
    path = path if path.is_absolute() else PROJECT_ROOT / path
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def known_name_variants(name: str, particles: Sequence[str]) -> list[str]:
    """Ways a known person (e.g. the klantmanager from the consent file) is mentioned.

    "A. de Vries" -> ["A. de Vries", "de Vries", "Vries"]; "Anneke de Vries" also yields
    "Anneke". Initials alone are never matched: they would hit ordinary words.
    """
    tokens = name.split()
    if not tokens:
        return []
    particle_set = {p.lower() for p in particles}
    surname_at = next((i for i, t in enumerate(tokens) if t.lower() in particle_set), len(tokens) - 1)
    given = [t for t in tokens[:surname_at] if not t.endswith(".") and len(t) > 1]
    surname = tokens[surname_at:]
    core = [t for t in surname if t.lower() not in particle_set]
    variants = [name, " ".join(surname), " ".join(core), *given]
    return [v for v in dict.fromkeys(variants) if len(v) > 1]


class Detector:
    """Finds personal data with deduce and applies the configured allow/deny lists and patterns.

    ``known_names`` are people known to be in the recording (the klantmanager named in the
    consent file): they are always found, even where deduce would not recognise the name.
    """

    def __init__(self, settings: PrivacySettings, known_names: Sequence[str] = ()) -> None:
        self.settings = settings
        self._allow = {normalise(t) for t in settings.allow}
        self._allow_regex = _words_regex(settings.allow)
        self._allow_at_start = {normalise(t) for t in settings.allow_at_sentence_start}
        edge = _words_regex(settings.person_edge_words)
        self._leading_edge = (
            re.compile(r"(?:(?:" + edge.pattern + r")[\s,.!?;:]*)+", re.IGNORECASE) if edge else None
        )
        self._trailing_edge = (
            re.compile(r"(?:[\s,.!?;:]+(?:" + edge.pattern + r"))+[\s,.!?;:]*$", re.IGNORECASE)
            if edge
            else None
        )
        self._deny = {
            category: regex
            for category, terms in settings.deny.items()
            if (regex := _words_regex(terms)) is not None
        }
        self._patterns = {
            category: [re.compile(p) for p in patterns] for category, patterns in settings.patterns.items()
        }
        variants = [v for name in known_names for v in known_name_variants(name, settings.name_particles)]
        self._known = _words_regex(variants)
        proper = settings.proper_nouns
        not_names = [w for f in proper.not_names_files for w in read_word_list(Path(f))]
        not_names += [*proper.not_names, *settings.allow, *settings.person_edge_words]
        self._not_names = _words_regex(not_names) if proper.enabled else None
        cues = _words_regex(proper.location_cues)
        self._location_cue = (
            re.compile(r"(?:" + cues.pattern + r")\s+(?:(?:de|het)\s+)?$", re.IGNORECASE) if cues else None
        )

    def detect(self, text: str) -> list[Entity]:
        """All entities to replace in ``text``, sorted, non-overlapping."""
        allowed = _spans(self._allow_regex, text)
        found = [e for e in self._from_deduce(text) if not self._allowed(e, text, allowed)]
        found += self._from_lists(text)
        found += self._proper_nouns(text, found)
        redact = set(self.settings.redact)
        return [e for e in _resolve_overlaps(found, text) if e.category in redact]

    def _from_deduce(self, text: str) -> Iterable[Entity]:
        categories = self.settings.tag_categories
        for raw in annotate(text):
            category = categories.get(raw.tag, self.settings.fallback_category)
            entity = Entity(raw.start, raw.end, text[raw.start : raw.end], category, "deduce")
            if category == PERSON:
                entity = self._trim_edges(entity, text)
            if entity is not None:
                yield entity

    def _trim_edges(self, entity: Entity, text: str) -> Entity | None:
        """Cut greetings and titles off a person span; None when nothing of a name is left."""
        start, end = entity.start, entity.end
        if self._leading_edge and (match := self._leading_edge.match(text, start, end)):
            start = match.end()
        if self._trailing_edge and (match := self._trailing_edge.search(text, start, end)):
            end = match.start()
        while start < end and not text[start].isalnum():
            start += 1
        while end > start and not (text[end - 1].isalnum() or text[end - 1] == "."):
            end -= 1
        if end <= start or not any(ch.isalpha() for ch in text[start:end]):
            return None
        return Entity(start, end, text[start:end], entity.category, entity.source)

    def _allowed(self, entity: Entity, text: str, allowed: list[tuple[int, int]]) -> bool:
        key = normalise(entity.text)
        if key in self._allow or any(a <= entity.start and entity.end <= b for a, b in allowed):
            return True
        return key in self._allow_at_start and _opens_sentence(text, entity.start)

    def _proper_nouns(self, text: str, found: list[Entity]) -> list[Entity]:
        """Runs of capitalised words inside a sentence that nothing else explains (see
        :class:`~pipeline.settings.privacy.ProperNounSettings`)."""
        if self._not_names is None:
            return []
        settings = self.settings.proper_nouns
        blocked = _spans(self._not_names, text) + [(e.start, e.end) for e in found]
        words = [
            m
            for m in _WORD.finditer(text)
            if m.group()[0].isupper()
            and not m.group().split("-")[0].isupper()  # acronyms and "WW-uitkering"
            and len(m.group()) >= settings.min_chars
            and not _opens_sentence(text, m.start())
            and not any(a < m.end() and m.start() < b for a, b in blocked)
        ]
        runs: list[list[re.Match[str]]] = []
        for word in words:
            if runs and text[runs[-1][-1].end() : word.start()] in (" ", "-"):
                runs[-1].append(word)
            else:
                runs.append([word])
        entities = []
        for run in runs:
            start, end = run[0].start(), run[-1].end()
            before = text[max(0, start - _LOOKBEHIND) : start]
            is_place = self._location_cue is not None and self._location_cue.search(before)
            category = LOCATION if is_place else settings.category
            entities.append(Entity(start, end, text[start:end], category, "proper_noun"))
        return entities

    def _from_lists(self, text: str) -> list[Entity]:
        found: list[Entity] = []
        if self._known is not None:
            found += [
                Entity(m.start(), m.end(), m.group(), PERSON, "known") for m in self._known.finditer(text)
            ]
        for category, regex in self._deny.items():
            found += [Entity(m.start(), m.end(), m.group(), category, "deny") for m in regex.finditer(text)]
        for category, regexes in self._patterns.items():
            for regex in regexes:
                for match in regex.finditer(text):
                    group = "v" if "v" in regex.groupindex else 0
                    start, end = match.span(group)
                    value = text[start:end]
                    if start == end:
                        continue
                    digits = re.sub(r"\D", "", value)
                    if category == BSN and self.settings.bsn_requires_elfproef and not elfproef(digits):
                        continue
                    found.append(Entity(start, end, value, category, "pattern"))
        return found


def _spans(regex: re.Pattern[str] | None, text: str) -> list[tuple[int, int]]:
    return [] if regex is None else [m.span() for m in regex.finditer(text)]


def _opens_sentence(text: str, start: int) -> bool:
    before = text[max(0, start - _LOOKBEHIND) : start].rstrip(" \t")
    return not before or before[-1] in _SENTENCE_OPENERS


def _weight(entity: Entity) -> tuple[int, int]:
    return entity.end - entity.start, -_SOURCE_RANK.index(entity.source)


def _resolve_overlaps(entities: list[Entity], text: str) -> list[Entity]:
    """Merge overlapping spans into one; the longer span's category wins.

    A union is safer than picking one: when deduce finds "Kees" and the known-name list finds
    "Kees Jansen", the whole name must go. On equal length the configured lists beat deduce
    (a ten-digit number deduce calls an id is a phone number when a phone pattern says so).
    """
    ordered = sorted(entities, key=lambda e: (e.start, -(e.end - e.start)))
    merged: list[Entity] = []
    for entity in ordered:
        if merged and entity.start < merged[-1].end:
            last = merged[-1]
            longer = last if _weight(last) >= _weight(entity) else entity
            start, end = last.start, max(last.end, entity.end)
            merged[-1] = Entity(start, end, text[start:end], longer.category, longer.source)
        else:
            merged.append(entity)
    return merged
