"""Settings: defaults, user YAML, environment, and clear errors naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import ConfigError
from pipeline.settings import load_settings


def test_defaults_load_from_config_default_yaml() -> None:
    settings = load_settings(environ={})
    assert settings.asr.language == "nl"
    assert settings.asr.beam_size == 5
    assert settings.asr.batched is True


def test_user_yaml_overrides_defaults(tmp_path: Path) -> None:
    user = tmp_path / "user.yaml"
    user.write_text("asr:\n  batch_size: 4\n  beam_size: 3\n")
    settings = load_settings(user, environ={})
    assert (settings.asr.batch_size, settings.asr.beam_size) == (4, 3)
    assert settings.asr.language == "nl"  # untouched keys keep their defaults


def test_environment_overrides_user_yaml(tmp_path: Path) -> None:
    user = tmp_path / "user.yaml"
    user.write_text("asr:\n  batch_size: 4\n")
    settings = load_settings(user, environ={"KIJKWIJZER_ASR__BATCH_SIZE": "2", "KIJKWIJZER_ROOT": "/srv/kw"})
    assert settings.asr.batch_size == 2
    assert settings.root == Path("/srv/kw")


def test_unknown_key_names_the_key(tmp_path: Path) -> None:
    user = tmp_path / "user.yaml"
    user.write_text("asr:\n  beam_sise: 3\n")
    with pytest.raises(ConfigError, match=r"unknown key 'asr\.beam_sise'"):
        load_settings(user, environ={})


def test_bad_value_names_the_key(tmp_path: Path) -> None:
    user = tmp_path / "user.yaml"
    user.write_text("asr:\n  beam_size: many\n")
    with pytest.raises(ConfigError, match=r"bad value for 'asr\.beam_size'"):
        load_settings(user, environ={})


def test_unknown_environment_variable_names_the_key() -> None:
    with pytest.raises(ConfigError, match=r"unknown key 'asr\.colour'"):
        load_settings(environ={"KIJKWIJZER_ASR__COLOUR": "blue"})


def test_unreadable_yaml_names_the_file(tmp_path: Path) -> None:
    user = tmp_path / "broken.yaml"
    user.write_text("asr: [unclosed\n")
    with pytest.raises(ConfigError, match=r"broken\.yaml: not valid YAML"):
        load_settings(user, environ={})


def test_missing_config_file_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope\.yaml: config file not found"):
        load_settings(tmp_path / "nope.yaml", environ={})


def test_non_mapping_config_is_refused(tmp_path: Path) -> None:
    user = tmp_path / "list.yaml"
    user.write_text("- 1\n- 2\n")
    with pytest.raises(ConfigError, match="must be a mapping"):
        load_settings(user, environ={})
