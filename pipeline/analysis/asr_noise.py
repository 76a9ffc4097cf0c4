"""ASR-like variants of clean text, for scoring and training the analysis as Whisper feeds it.

Whisper drops the "?" of many questions, and its errors are near-homophones: a real word
that sounds almost the same ("het" → "wat", "wordt" → "word", "eens" → "geen"), or a
misspelt one ("brief" → "brijf"). The variants here are the issue's stress test: every "?"
removed, everything lowercased, and about a tenth of the words changed by such confusions.
They are deterministic for a given seed, so a score on them is reproducible.

The confusions are generic Dutch sound rules plus the short function words that ASR mixes
up most; they are not derived from the analysis lexicon, so the detectors cannot simply
learn the noise away.
"""

from __future__ import annotations

import random
import re

# Short function words that sound alike in fast speech (each maps to its confusions).
CONFUSABLE_WORDS: dict[str, tuple[str, ...]] = {
    "je": ("ze", "de"),
    "ze": ("je", "de"),
    "de": ("je", "te"),
    "dat": ("wat", "dan"),
    "wat": ("dat", "wa"),
    "het": ("wat", "hed"),
    "dan": ("dat", "den"),
    "is": ("es",),
    "en": ("in", "een"),
    "een": ("en", "heen"),
    "in": ("en",),
    "wel": ("wil", "well"),
    "wil": ("wel", "will"),
    "al": ("als",),
    "als": ("al",),
    "nog": ("noch",),
    "ook": ("oog",),
    "mij": ("me", "mei"),
    "me": ("mij",),
    "jou": ("jouw", "jo"),
    "u": ("uw",),
    "uw": ("u",),
    "hun": ("hen",),
    "zijn": ("zij",),
    "er": ("haar",),
    "eens": ("geen", "eenz"),
    "dus": ("dis",),
    "toch": ("tog",),
    "hoe": ("oe",),
    "nou": ("nu",),
    "nu": ("nou",),
}
# Sound-preserving spelling swaps inside a word (regex, replacement).
SOUND_SWAPS: tuple[tuple[str, str], ...] = (
    (r"dt$", "d"),
    (r"dt$", "t"),
    (r"([^d])t$", r"\1d"),
    (r"([^t])d$", r"\1t"),
    (r"ij", "ei"),
    (r"ei", "ij"),
    (r"au", "ou"),
    (r"ou", "au"),
    (r"ie", "ij"),
    (r"g$", "ch"),
    (r"en$", "e"),
    (r"aa([^aeiou])", r"a\1"),
    (r"oo([^aeiou])", r"o\1"),
    (r"ee([^aeiou])", r"e\1"),
    (r"v", "f"),
    (r"z", "s"),
)
WORD = re.compile(r"[A-Za-zÀ-ÿ]+")


def without_question_marks(text: str) -> str:
    """The text with every "?" removed (and the spaces it leaves tidied)."""
    return re.sub(r"\s+", " ", text.replace("?", "")).strip()


def _confusions(word: str) -> list[str]:
    lower = word.lower()
    options = list(CONFUSABLE_WORDS.get(lower, ()))
    if len(lower) >= 4:
        for pattern, replacement in SOUND_SWAPS:
            changed = re.sub(pattern, replacement, lower, count=1)
            if changed != lower:
                options.append(changed)
    return options


def asr_like(text: str, rng: random.Random, rate: float = 0.1) -> str:
    """Lowercased, without "?", and with about ``rate`` of the words replaced by a confusion."""
    text = without_question_marks(text).lower()
    matches = list(WORD.finditer(text))
    eligible = [m for m in matches if _confusions(m.group())]
    count = min(len(eligible), round(rate * len(matches)))
    chosen = sorted(rng.sample(eligible, count), key=lambda m: m.start())
    out, cursor = [], 0
    for match in chosen:
        out.append(text[cursor : match.start()])
        out.append(rng.choice(_confusions(match.group())))
        cursor = match.end()
    out.append(text[cursor:])
    return "".join(out)
