"""A tiny pattern language over word forms and lemmas, compiled to regular expressions.

Why not spaCy's Matcher: the lexicons are written by researchers in YAML, and a one-line
pattern such as ``"^ als ik je|het .. goed <begrijpen>"`` is far easier to read and extend
than token-dict lists. Each phrase compiles to a regular expression over a
``" form=lemma form=lemma"`` string; before running it, a set lookup checks that the
sentence contains one of the words the phrase cannot match without (its "trigger"), so most
of the several hundred phrases cost a hash lookup per sentence and an hour of talk is
analysed in well under a second.

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
GAPS = {"_", "..", "..."}


def _atom(text: str, where: str) -> str:
    if text.startswith("<") and text.endswith(">") and len(text) > 2:
        return r"[^ =]+=" + re.escape(text[1:-1].lower()) + r"(?= |$)"
    if text.endswith("*") and len(text) > 1:
        return re.escape(text[:-1].lower()) + r"[^ =]*=[^ ]*"
    if not text or any(ch in text for ch in " =<>*"):
        raise ConfigError(f"{where}: bad pattern element '{text}'")
    return re.escape(text.lower()) + r"=[^ ]*"


def _compile_phrase(pattern: str, markers: list[str], where: str) -> str:
    parts = pattern.split()
    if not parts:
        raise ConfigError(f"{where}: empty pattern")
    regex = ""
    if parts[0] == "^":
        # discourse markers, commas and a vocative name ("@rob", see analysis.context)
        marker_alt = "|".join(re.escape(m) for m in sorted(markers, key=len, reverse=True))
        skip = f"{marker_alt}|,|@[^ =]*" if marker_alt else r",|@[^ =]*"
        regex = rf"^(?: (?:{skip})=[^ ]*)*"
        parts = parts[1:]
    anchored_end = bool(parts) and parts[-1] == "$"
    if anchored_end:
        parts = parts[:-1]
    if not [part for part in parts if part not in GAPS]:
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


def compile_pattern(pattern: str, markers: Iterable[str], where: str) -> str:
    """Translate one pattern (possibly ``" | "``-separated phrases) into a regular expression."""
    markers = list(markers)
    phrases = pattern.split(" | ")
    if len(phrases) > 1:
        return "|".join(f"(?:{_compile_phrase(p, markers, where)})" for p in phrases)
    return _compile_phrase(pattern, markers, where)


@dataclass(frozen=True)
class _Phrase:
    pattern_index: int
    regex: re.Pattern[str]


def _trigger(phrase: str) -> tuple[set[str], set[str], set[str]]:
    """Forms, lemmas and prefixes of the phrase's first word element.

    Every element is required, so a sentence without any of these cannot match and the
    regex need not run.
    """
    for part in phrase.split():
        if part in GAPS or part in ("^", "$"):
            continue
        forms, lemmas, prefixes = set(), set(), set()
        for alt in part.split("|"):
            if alt.startswith("<") and alt.endswith(">"):
                lemmas.add(alt[1:-1].lower())
            elif alt.endswith("*"):
                prefixes.add(alt[:-1].lower())
            else:
                forms.add(alt.lower())
        return forms, lemmas, prefixes
    raise ConfigError(f"pattern '{phrase}' has no words")


@dataclass(frozen=True)
class PatternSet:
    """A named group of patterns; reports the first pattern (in list order) that matches.

    The phrases are indexed by their trigger words, so a sentence only runs the regular
    expressions of phrases whose first word element it contains.
    """

    name: str
    patterns: tuple[str, ...]
    phrases: tuple[_Phrase, ...]
    by_form: dict[str, tuple[int, ...]]
    by_lemma: dict[str, tuple[int, ...]]
    by_prefix: dict[str, tuple[int, ...]]
    prefix_regex: re.Pattern[str] | None  # matches any trigger prefix at the start of a form

    @classmethod
    def build(cls, name: str, patterns: Sequence[str], markers: Iterable[str]) -> PatternSet:
        """Compile ``patterns``; ``name`` appears in error messages."""
        markers = list(markers)
        phrases: list[_Phrase] = []
        by_form: dict[str, list[int]] = {}
        by_lemma: dict[str, list[int]] = {}
        by_prefix: dict[str, list[int]] = {}
        for index, pattern in enumerate(patterns):
            where = f"{name}[{index}]"
            for phrase in pattern.split(" | "):
                try:
                    regex = re.compile(_compile_phrase(phrase, markers, where))
                except re.error as exc:
                    raise ConfigError(f"{where}: pattern '{phrase}' does not compile: {exc}") from exc
                number = len(phrases)
                phrases.append(_Phrase(index, regex))
                forms, lemmas, prefixes = _trigger(phrase)
                for key, table in ((forms, by_form), (lemmas, by_lemma), (prefixes, by_prefix)):
                    for word in key:
                        table.setdefault(word, []).append(number)
        # The prefix regex reports only the longest matching prefix, so each prefix also
        # carries the phrases of the shorter prefixes it starts with ("zenuw*" in "zenuwacht*").
        for prefix in list(by_prefix):
            for shorter in list(by_prefix):
                if shorter != prefix and prefix.startswith(shorter):
                    by_prefix[prefix] = sorted(set(by_prefix[prefix]) | set(by_prefix[shorter]))
        return cls(
            name,
            tuple(patterns),
            tuple(phrases),
            {k: tuple(v) for k, v in by_form.items()},
            {k: tuple(v) for k, v in by_lemma.items()},
            {k: tuple(v) for k, v in by_prefix.items()},
            re.compile("|".join(re.escape(p) for p in sorted(by_prefix, key=len, reverse=True)))
            if by_prefix
            else None,
        )

    def search(self, token_string: str, forms: frozenset[str], lemmas: frozenset[str]) -> str | None:
        """The first pattern that matches the sentence, or None.

        ``token_string`` is :func:`token_string` of the sentence; ``forms`` and ``lemmas`` are
        its word forms and lemmas as sets, to find the candidate phrases.
        """
        candidates: set[int] = set()
        for form in forms:
            found = self.by_form.get(form)
            if found:
                candidates.update(found)
            if self.prefix_regex is not None:
                prefix = self.prefix_regex.match(form)
                if prefix:
                    candidates.update(self.by_prefix[prefix.group()])
        for lemma in lemmas:
            found = self.by_lemma.get(lemma)
            if found:
                candidates.update(found)
        for number in sorted(candidates):
            phrase = self.phrases[number]
            if phrase.regex.search(token_string):
                return self.patterns[phrase.pattern_index]
        return None


def token_string(forms: Sequence[str], lemmas: Sequence[str]) -> str:
    """The string the compiled patterns run on: ``" form=lemma form=lemma"``."""
    return "".join(f" {form}={lemma}" for form, lemma in zip(forms, lemmas, strict=True))
