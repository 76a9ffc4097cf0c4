"""A tiny pattern language over word forms and lemmas, compiled to regular expressions.

Why not spaCy's Matcher: the lexicons are written by researchers in YAML, and a one-line
pattern such as ``"^ als ik je|het .. goed <begrijpen>"`` is far easier to read and extend
than token-dict lists. Compiling each group of patterns into one regular expression over a
``" form=lemma form=lemma"`` string also keeps a 60-minute transcript well under a second.

Syntax (see models/lexicons/nl_analysis.yaml): ``word``, ``word*`` (prefix), ``<lemma>``,
``a|b|<c>`` one-token alternatives, ``_`` one token, ``..`` 0-3 tokens, ``...`` 0-6 tokens,
``^`` at the start after discourse markers, ``$`` at the end, and `` | `` (with spaces)
between whole alternative phrases: ``"geen haast | maakt niet uit"``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline.errors import ConfigError

_TOKEN = r" [^ ]+"


def _atom(text: str, where: str) -> str:
    if text.startswith("<") and text.endswith(">") and len(text) > 2:
        return r"[^ =]+=" + re.escape(text[1:-1].lower()) + r"(?= |$)"
    if text.endswith("*") and len(text) > 1:
        return re.escape(text[:-1].lower()) + r"[^ =]*=[^ ]*"
    if not text or any(ch in text for ch in " =<>*"):
        raise ConfigError(f"{where}: bad pattern element '{text}'")
    return re.escape(text.lower()) + r"=[^ ]*"


def compile_pattern(pattern: str, markers: Iterable[str], where: str) -> str:
    """Translate one pattern (possibly ``" | "``-separated phrases) into a regular expression."""
    markers = list(markers)
    phrases = pattern.split(" | ")
    if len(phrases) > 1:
        return "|".join(f"(?:{_compile_phrase(p, markers, where)})" for p in phrases)
    return _compile_phrase(pattern, markers, where)


def _compile_phrase(pattern: str, markers: list[str], where: str) -> str:
    parts = pattern.split()
    if not parts:
        raise ConfigError(f"{where}: empty pattern")
    regex = ""
    if parts[0] == "^":
        marker_alt = "|".join(re.escape(m) for m in sorted(markers, key=len, reverse=True))
        # discourse markers, commas and a vocative name ("@rob", see analysis.context)
        regex = rf"^(?: (?:{marker_alt}|,|@[^ =]*)=[^ ]*)*" if marker_alt else r"^(?: (?:,|@[^ =]*)=[^ ]*)*"
        parts = parts[1:]
    anchored_end = bool(parts) and parts[-1] == "$"
    if anchored_end:
        parts = parts[:-1]
    if not parts:
        raise ConfigError(f"{where}: pattern '{pattern}' has no words")
    for part in parts:
        if part == "_":
            regex += _TOKEN
        elif part == "..":
            regex += rf"(?:{_TOKEN}){{0,3}}?"
        elif part == "...":
            regex += rf"(?:{_TOKEN}){{0,6}}?"
        else:
            regex += " (?:" + "|".join(_atom(alt, where) for alt in part.split("|")) + ")"
    if anchored_end:
        regex += "$"
    return regex


@dataclass(frozen=True)
class PatternSet:
    """A named group of patterns compiled into one alternation; reports which one matched."""

    name: str
    patterns: tuple[str, ...]
    regex: re.Pattern[str] | None

    @classmethod
    def build(cls, name: str, patterns: Sequence[str], markers: Iterable[str]) -> PatternSet:
        """Compile ``patterns``; ``name`` appears in error messages."""
        markers = list(markers)
        groups = [
            f"(?P<p{i}>{compile_pattern(p, markers, f'{name}[{i}]')})" for i, p in enumerate(patterns)
        ]
        regex = re.compile("|".join(groups)) if groups else None
        return cls(name, tuple(patterns), regex)

    def search(self, token_string: str) -> str | None:
        """The first pattern that matches ``token_string``, or None."""
        if self.regex is None:
            return None
        match = self.regex.search(token_string)
        if match is None or match.lastgroup is None:
            return None
        return self.patterns[int(match.lastgroup[1:])]


def token_string(forms: Sequence[str], lemmas: Sequence[str]) -> str:
    """The string the compiled patterns run on: ``" form=lemma form=lemma"``."""
    return "".join(f" {form}={lemma}" for form, lemma in zip(forms, lemmas))
