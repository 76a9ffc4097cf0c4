"""Counts with nouns that agree: "1 vraag", "3 vragen", "geen vragen".

Dutch takes the singular after 1 and the plural after every other number (0 included), and
"geen" reads better than "0" in running text. The wording of every form lives in the sheet
texts (``config/sheet_texts.nl.yaml``) as a mapping ``{one: …, many: …}`` with an optional ``zero`` (a
whole phrase used instead of "geen" + plural); this module only picks the form, so another
language or wording needs no code change.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pipeline.errors import ConfigError


def _form(forms: Mapping[str, str], key: str) -> str:
    if not isinstance(forms, Mapping) or key not in forms:
        raise ConfigError(f"sheet texts: a count phrase needs the forms 'one' and 'many' (got {forms!r})")
    return forms[key]


def noun(forms: Mapping[str, str], n: int, **values: Any) -> str:
    """The singular form after 1, else the plural; placeholders filled with ``n`` and ``values``."""
    return _form(forms, "one" if n == 1 else "many").format(n=n, **values)


def amount(n: int, none_word: str) -> str:
    """A number in running text: ``none_word`` ("geen") for 0."""
    return none_word if n == 0 else str(n)


def counted(forms: Mapping[str, str], n: int, none_word: str, **values: Any) -> str:
    """A whole count phrase: the ``zero`` form for 0 when there is one, else amount + noun."""
    if n == 0 and "zero" in forms:
        return forms["zero"].format(n=n, **values)
    return f"{amount(n, none_word)} {noun(forms, n, **values)}"


def phrase(forms: Mapping[str, str], n: int, **values: Any) -> str:
    """A sentence that carries its own number ("Je stelde {n} vragen."): ``zero`` for 0 when given."""
    if n == 0 and "zero" in forms:
        return forms["zero"].format(n=n, **values)
    return noun(forms, n, **values)
