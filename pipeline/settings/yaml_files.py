"""Reading the project's YAML files (config, lexicons, texts, themes, metrics) one way.

Every such file is edited by hand, so every reader must fail the same way: one line that
names the file, what it is, and the fix, and never a traceback from the YAML parser.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import ConfigError


def read_mapping(path: Path, what: str, fix: str, empty_ok: bool = False) -> dict[str, Any]:
    """The YAML mapping in ``path`` (``what`` names the file in errors, ``fix`` says where it is set)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: {what} not found ({fix})") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: {what} is unreadable: {exc}") from exc
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        raise ConfigError(f"{path}: not valid YAML{line} (fix the syntax)") from exc
    if data is None and empty_ok:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: {what} must be a mapping, got {type(data).__name__}")
    return data
