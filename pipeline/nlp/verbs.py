"""Expand the hand-written verb list into a finite-form → lemma table.

Why: without a tagger (the fallback pipeline is ``spacy.blank("nl")``) the only reliable way
to see that "Heb je…" or "Klopt dat?" starts with a finite verb is to know the form. Dutch
weak-verb morphology is regular enough to generate present and past forms from the infinitive
(stem by spelling rules, past tense by the 't kofschip rule); strong verbs list their past
forms, and the few fully irregular verbs list everything. The same table doubles as a lemma
lookup, because the spaCy lookup table misses frequent forms such as "heb" and "gaat".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

VOWELS = set("aeiouyéëèêïöü")
# Stem-final consonants that take -te/-ten in the past tense ('t kofschip; x for "faxen").
VOICELESS = set("tkfschpx")


def _stem(infinitive: str) -> str:
    """Dutch spelling rules from infinitive to stem (werken→werk, maken→maak, leven→leef)."""
    base = infinitive[:-2] if infinitive.endswith("en") else infinitive[:-1]
    if len(base) >= 2 and base[-1] == base[-2] and base[-1] not in VOWELS:
        return base[:-1]  # zetten → zet, bellen → bel
    if len(base) >= 3 and base[-1] not in VOWELS and base[-2] in "aeou" and base[-3] not in VOWELS:
        # open syllable with a single vowel: the vowel is long and is doubled in the closed stem
        # -elen/-enen after another syllable has a schwa (wandelen → wandel); -eren verbs are
        # mostly stressed loans (solliciteren → solliciteer); native exceptions list a stem.
        unstressed_schwa = base[-2] == "e" and base[-1] != "r" and any(ch in VOWELS for ch in base[:-2])
        if not unstressed_schwa:
            base = base[:-1] + base[-2] + base[-1]  # maken → maak, spelen → speel
    if base.endswith("v"):
        base = base[:-1] + "f"
    elif base.endswith("z"):
        base = base[:-1] + "s"
    return base


def _regular_forms(infinitive: str, stem: str, past: list[str] | None) -> list[str]:
    """Present (stem, stem+t, infinitive) plus the given or the weak past forms."""
    forms = [stem, stem if stem.endswith("t") else stem + "t", infinitive]
    if past is not None:
        return forms + past
    base = infinitive[:-2] if infinitive.endswith("en") else infinitive
    last = base[-1] if base else ""
    suffix = "te" if last in VOICELESS or base.endswith("ch") else "de"
    return [*forms, stem + suffix, stem + suffix + "n"]


@dataclass(frozen=True)
class VerbTable:
    """Finite forms with their infinitive, plus the bare stems.

    A bare stem is also the imperative ("Doe dat maar", "Neem de brieven mee"), so a stem
    followed by "dat"/"het" is an instruction unless the sentence ends in "?".
    """

    lemmas: dict[str, str]
    stems: frozenset[str]


def expand_verbs(entries: Mapping[str, Mapping[str, Any] | None]) -> VerbTable:
    """Expand every listed verb into its finite forms (the first entry for a form wins)."""
    table: dict[str, str] = {}
    stems: set[str] = set()

    def add(forms: list[str], lemma: str) -> None:
        for form in forms:
            table.setdefault(form.lower(), lemma)

    for lemma, spec in entries.items():
        spec = spec or {}
        if "forms" in spec:
            add(list(spec["forms"]), lemma)
            if "stem" in spec:  # modals have no imperative, so they list no stem
                stems.add(spec["stem"])
        elif "base" in spec:
            base_spec = entries.get(spec["base"]) or {}
            base_forms = (
                list(base_spec["forms"])
                if "forms" in base_spec
                else _regular_forms(
                    spec["base"], base_spec.get("stem") or _stem(spec["base"]), base_spec.get("past")
                )
            )
            add([spec["prefix"] + form for form in base_forms], lemma)
        else:
            stem = spec.get("stem") or _stem(lemma)
            stems.add(stem)
            add(_regular_forms(lemma, stem, spec.get("past")), lemma)
    return VerbTable(table, frozenset(stems))
