"""The Dutch wording per theme and kind of moment, loaded from a data file.

Reasons and reflection questions are what the klantmanager reads, so researchers must be
able to change them without touching code. The file is ``fragments.themes_file``
(``config/themes.nl.yaml`` by default), resolved against the project root.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pipeline.errors import ConfigError
from pipeline.settings import Settings
from pipeline.settings.yaml_files import read_mapping


class Theme(BaseModel):
    """A theme's title and its reflection questions (two or three each)."""

    model_config = ConfigDict(extra="forbid")

    title: str
    questions: list[str] = Field(min_length=2, max_length=3)
    positive_questions: list[str] = Field(min_length=2, max_length=3)


class ThemeCatalog(BaseModel):
    """All wording the fragment stage needs."""

    model_config = ConfigDict(extra="forbid")

    reason_intro: str
    positive_reason_intro: str
    fill_reason: str
    kinds: dict[str, str]
    themes: dict[str, Theme]


@lru_cache(maxsize=8)
def _load(path: Path) -> ThemeCatalog:
    data = read_mapping(path, "themes file", "check fragments.themes_file")
    try:
        return ThemeCatalog.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"{path}: bad themes file at '{key}': {first['msg']}") from exc


def load_themes(settings: Settings) -> ThemeCatalog:
    """Load the configured themes file and check it covers every configured kind."""
    path = settings.resolve(settings.fragments.themes_file)
    catalog = _load(path)
    for kind, kind_settings in settings.fragments.kinds.items():
        if kind not in catalog.kinds:
            raise ConfigError(f"{path}: no wording for kind '{kind}' (add it under 'kinds:')")
        if kind_settings.theme not in catalog.themes:
            raise ConfigError(
                f"{path}: fragments.kinds.{kind} uses theme '{kind_settings.theme}', "
                "which the themes file does not define"
            )
    if settings.fragments.fill_theme not in catalog.themes:
        raise ConfigError(f"{path}: fill theme '{settings.fragments.fill_theme}' is not defined")
    return catalog
