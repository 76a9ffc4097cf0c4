"""Consistent pseudonyms within one recording: [PERSOON-1], [PERSOON-2], [LOCATIE-1], ...

A researcher must be able to follow who is who ("[PERSOON-2] is her son") without learning the
names, so every mention of one person gets the same label throughout a recording and all its
exports. One :class:`Pseudonymizer` is therefore used for everything derived from a recording.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypeVar

from pipeline.privacy.detect import PERSON, Detector, Entity, normalise
from pipeline.settings.privacy import PrivacySettings
from pipeline.types import TimedWord, Word

W = TypeVar("W", Word, TimedWord)
_TOKEN_SPLIT = re.compile(r"[\s\-]+")


class Pseudonymizer:
    """Replaces personal data in text with numbered labels, the same label for the same thing."""

    def __init__(self, settings: PrivacySettings, known_names: Sequence[str] = ()) -> None:
        self.settings = settings
        self.detector = Detector(settings, known_names)
        self._particles = {p.lower() for p in settings.name_particles}
        self._people: list[set[str]] = []
        self._things: dict[tuple[str, str], int] = {}
        self._counts: dict[str, int] = {}
        self._memo: dict[str, str] = {}

    def text(self, text: str) -> str:
        """``text`` with every detected entity replaced by its pseudonym."""
        if text not in self._memo:
            self._memo[text] = self._replace(text, self.detector.detect(text))
        return self._memo[text]

    def words(self, words: Sequence[W]) -> list[W]:
        """Pseudonymise timed words (``Word`` or ``TimedWord``), keeping their timing.

        Detection runs on the joined words so that a name split over two words ("Kees",
        "Jansen") is found as one; those words then merge into one word carrying the label.
        """
        texts = [word.text.strip() for word in words]
        joined = " ".join(texts)
        entities = self.detector.detect(joined)
        if not entities:
            return list(words)
        spans, offset = [], 0
        for token in texts:
            spans.append((offset, offset + len(token)))
            offset += len(token) + 1
        result: list[W] = []
        index = 0
        for entity in entities:
            label = self.label(entity)
            hit = [i for i, (a, b) in enumerate(spans) if a < entity.end and b > entity.start and i >= index]
            if not hit:
                continue
            first, last = hit[0], hit[-1]
            result.extend(words[index:first])
            prefix = texts[first][: max(0, entity.start - spans[first][0])]
            suffix = texts[last][max(0, entity.end - spans[last][0]) :]
            merged = words[first].model_copy(
                update={
                    "text": prefix + label + suffix,
                    "end": words[last].end,
                    "probability": min(w.probability for w in words[first : last + 1]),
                }
            )
            result.append(merged)
            index = last + 1
        result.extend(words[index:])
        return result

    def label(self, entity: Entity) -> str:
        """The pseudonym of ``entity``, assigning the next number the first time it is seen."""
        if entity.category == PERSON:
            number = self._person_number(entity.text)
        else:
            key = (entity.category, self._thing_key(entity))
            if key not in self._things:
                self._things[key] = self._next(entity.category)
            number = self._things[key]
        name = self.settings.labels.get(entity.category, entity.category.upper())
        return f"[{name}-{number}]"

    def _replace(self, text: str, entities: list[Entity]) -> str:
        parts, position = [], 0
        for entity in entities:
            parts += [text[position : entity.start], self.label(entity)]
            position = entity.end
        parts.append(text[position:])
        return "".join(parts)

    def _next(self, category: str) -> int:
        self._counts[category] = self._counts.get(category, 0) + 1
        return self._counts[category]

    def _person_number(self, mention: str) -> int:
        """Link a mention to a known person when one name contains the other.

        "Kees", "Kees Jansen" and "Jansen" become one person; "Kees de Boer" after
        "Kees Jansen" does not (neither name contains the other). Ambiguous mentions go
        to the earliest person, which may merge two people but never reveals a name.
        """
        tokens = {t for t in _TOKEN_SPLIT.split(normalise(mention)) if t and t not in self._particles}
        tokens = tokens or {normalise(mention)}
        for number, known in enumerate(self._people, start=1):
            if tokens <= known or known <= tokens:
                known |= tokens
                return number
        self._people.append(set(tokens))
        return len(self._people)

    @staticmethod
    def _thing_key(entity: Entity) -> str:
        digits = re.sub(r"\D", "", entity.text)
        if entity.category in {"phone", "bsn", "id"} and digits:
            return digits
        return normalise(entity.text)
