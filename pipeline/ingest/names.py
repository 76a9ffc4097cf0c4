"""Checks on every name that becomes part of a path: file names, klantmanager folders, ids.

A name taken from outside (a dropped file, a consent field, a command-line argument) can
try to escape the data root (``../``, an absolute path), hide its real extension behind a
right-to-left override, or break line-based logs with a newline. Such names are refused,
never repaired silently.
"""

from __future__ import annotations

import re
import unicodedata

_UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
_SLUG_DROP = re.compile(r"[^A-Za-z0-9._-]+")
NAME_MAX = 255  # bytes in one file name on Linux file systems


def name_problem(name: str, max_bytes: int = 255) -> str | None:
    """Return why ``name`` is unsafe as one path component, or None when it is fine."""
    if not name or not name.strip():
        return "name is empty"
    try:
        encoded = name.encode("utf-8")
    except UnicodeEncodeError:
        return "name is not valid UTF-8"
    if len(encoded) > max_bytes:
        return f"name is longer than {max_bytes} bytes"
    if "/" in name or "\\" in name:
        return "name contains a path separator"
    if name in (".", "..") or name.startswith(".."):
        return "name points outside its folder"
    for char in name:
        if unicodedata.category(char) in _UNSAFE_CATEGORIES:
            return f"name contains a control or invisible character (U+{ord(char):04X})"
    return None


def component_problem(text: str, max_chars: int = 100) -> str | None:
    """Like :func:`name_problem`, for a value that names a folder (e.g. a klantmanager)."""
    if len(text) > max_chars:
        return f"longer than {max_chars} characters"
    problem = name_problem(text)
    if problem is None and text.startswith("."):
        return "name starts with a dot"
    if problem is None and text != text.strip():
        return "name starts or ends with whitespace"
    return problem


def slug(text: str, max_chars: int = 60, fallback: str = "item") -> str:
    """An ASCII-only rendering of ``text`` that is safe as a file name, for display only."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    cleaned = _SLUG_DROP.sub("_", ascii_text).strip("._-")[:max_chars].strip("._-")
    return cleaned or fallback


def printable(text: str) -> str:
    """``text`` with control and invisible characters escaped, safe for one line of a file."""
    return "".join(
        f"\\u{ord(char):04x}" if unicodedata.category(char) in _UNSAFE_CATEGORIES else char for char in text
    )
