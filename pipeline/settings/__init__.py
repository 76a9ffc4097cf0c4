"""The one typed settings model and its loader.

Precedence, lowest first: ``config/default.yaml`` < a user YAML (``--config``)
< environment variables ``KIJKWIJZER_<SECTION>__<KEY>`` (``KIJKWIJZER_ROOT``
for the data root). Unknown keys and bad values raise :class:`ConfigError`
naming the key, because a silently ignored typo in a threshold would change
results without anyone noticing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from pipeline.errors import ConfigError
from pipeline.settings.align import AlignSettings
from pipeline.settings.analysis import AnalysisSettings
from pipeline.settings.asr import AsrSettings
from pipeline.settings.base import Section
from pipeline.settings.deliver import DeliverSettings
from pipeline.settings.diarize import DiarizationSettings
from pipeline.settings.fragments import FragmentSettings
from pipeline.settings.orchestration import OrchestrationSettings
from pipeline.settings.privacy import PrivacySettings
from pipeline.settings.report import ReportSettings
from pipeline.settings.roles import RolesSettings
from pipeline.settings.yaml_files import read_mapping

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CONFIG = PROJECT_ROOT / "config" / "default.yaml"
ENV_PREFIX = "KIJKWIJZER_"


class Settings(Section):
    """All configuration of the pipeline, one section per stage."""

    root: Path = Path("data")
    asr: AsrSettings = AsrSettings()
    align: AlignSettings = AlignSettings()
    analysis: AnalysisSettings = AnalysisSettings()
    deliver: DeliverSettings = DeliverSettings()
    diarization: DiarizationSettings = DiarizationSettings()
    fragments: FragmentSettings = FragmentSettings()
    orchestration: OrchestrationSettings = OrchestrationSettings()
    privacy: PrivacySettings = PrivacySettings()
    report: ReportSettings = ReportSettings()
    roles: RolesSettings = RolesSettings()

    def resolve(self, path: Path) -> Path:
        """Resolve a configured relative path against the project root."""
        return path if path.is_absolute() else PROJECT_ROOT / path


def _read_yaml(path: Path) -> dict[str, Any]:
    return read_mapping(path, "config file", "check the --config path", empty_ok=True)


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _env_value(raw: str) -> object:
    """Keep scalars as strings (pydantic coerces them to the field's type) but allow YAML lists/maps.

    Parsing scalars as YAML would turn a hash like ``000…`` into the integer 0.
    """
    try:
        parsed = yaml.safe_load(raw)
    except yaml.YAMLError:
        return raw
    if parsed is None or isinstance(parsed, (list, dict)):
        return parsed
    return raw


def _env_overrides(environ: dict[str, str]) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX):
            continue
        keys = [part.lower() for part in name[len(ENV_PREFIX) :].split("__")]
        node = overrides
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        node[keys[-1]] = _env_value(raw)
    return overrides


def _describe(error: ValidationError, source: str) -> str:
    problems = []
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"])
        if item["type"] == "extra_forbidden":
            problems.append(f"unknown key '{key}'")
        else:
            problems.append(f"bad value for '{key}': {item['msg']}")
    return f"config error in {source}: " + "; ".join(problems)


def load_settings(user_config: Path | None = None, environ: dict[str, str] | None = None) -> Settings:
    """Build the settings from defaults, an optional user YAML and the environment."""
    data = _read_yaml(DEFAULT_CONFIG)
    sources = [str(DEFAULT_CONFIG)]
    if user_config is not None:
        data = _merge(data, _read_yaml(Path(user_config)))
        sources.append(str(user_config))
    env = _env_overrides(dict(os.environ if environ is None else environ))
    if env:
        data = _merge(data, env)
        sources.append("KIJKWIJZER_* environment variables")
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, " + ".join(sources))) from exc
