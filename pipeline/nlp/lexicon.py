"""Load the analysis lexicons (word lists and cue patterns) from YAML data files.

Why data files: every Dutch phrase a detector relies on is something a researcher may want
to extend ("our klantmanagers say 'als ik je goed volg'"), and the issue asks for all
lexicons in config or data, never in code. Lists are compiled lazily on first use and cached,
so a missing key fails loudly with the file and key named.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError
from pipeline.nlp.patterns import PatternSet
from pipeline.settings.yaml_files import read_mapping


class Lexicon:
    """Word sets and compiled pattern sets, addressed as ``"section.key"``."""

    def __init__(self, data: dict[str, Any], source: str) -> None:
        self._data = data
        self._source = source
        self._sets: dict[str, frozenset[str]] = {}
        self._patterns: dict[str, PatternSet] = {}
        self._mappings: dict[str, dict[str, list[str]]] = {}

    def _node(self, key: str) -> Any:
        node: Any = self._data
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                raise ConfigError(f"{self._source}: missing lexicon key '{key}'")
            node = node[part]
        return node

    def _list(self, key: str) -> list[str]:
        node = self._node(key)
        if not isinstance(node, list) or not all(isinstance(item, str) for item in node):
            raise ConfigError(f"{self._source}: lexicon key '{key}' must be a list of strings")
        return node

    def words(self, key: str) -> frozenset[str]:
        """A lowercase word (or phrase) set, e.g. ``words("words.subject_pronouns")``."""
        if key not in self._sets:
            self._sets[key] = frozenset(item.lower() for item in self._list(key))
        return self._sets[key]

    def mapping(self, key: str) -> dict[str, list[str]]:
        """A word → replacement-words mapping, e.g. spoken and regional forms ("hedde" → heb je)."""
        if key not in self._mappings:
            node = self._node(key)
            if not isinstance(node, dict) or not all(isinstance(v, str) for v in node.values()):
                raise ConfigError(f"{self._source}: lexicon key '{key}' must map words to words")
            self._mappings[key] = {str(k).lower(): v.lower().split() for k, v in node.items()}
        return self._mappings[key]

    def patterns(self, key: str) -> PatternSet:
        """A compiled pattern set, e.g. ``patterns("summary.strong_cues")``."""
        if key not in self._patterns:
            markers = self.words("words.discourse_markers")
            self._patterns[key] = PatternSet.build(f"{self._source}:{key}", self._list(key), markers)
        return self._patterns[key]


def _read(path: Path) -> dict[str, Any]:
    return read_mapping(path, "lexicon file", "check analysis.lexicons in the config")


@cache
def load_lexicon(path: Path) -> Lexicon:
    """Read a lexicon file once per process."""
    return Lexicon(_read(path), str(path))


@cache
def load_verb_entries(path: Path) -> dict[str, Any]:
    """The ``verbs`` mapping of the verb lexicon (see models/lexicons/nl_verbs.yaml)."""
    data = _read(path)
    verbs = data.get("verbs")
    if not isinstance(verbs, dict):
        raise ConfigError(f"{path}: expected a 'verbs' mapping")
    return verbs
