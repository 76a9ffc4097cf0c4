"""Klantmanager voice profiles: one mean d-vector per enrolled klantmanager.

A profile is personal data (a voice print plus a name), so it lives in an
owner-only folder, and its file name is a hash of the normalised name: a name
with slashes, dots or control characters can never steer where it is written.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError

from pipeline.audio import Audio
from pipeline.errors import KijkwijzerError
from pipeline.fsutil import atomic_write_json, private_dir
from pipeline.settings import Settings


class VoiceProfile(BaseModel):
    """An enrolled voice; ``encoder`` names the embedding space it lives in."""

    model_config = ConfigDict(extra="forbid")

    klantmanager: str
    encoder: str
    embedding: list[float]
    speech_s: float
    created: str


def _normalise(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def profiles_dir(settings: Settings) -> Path:
    """The configured profile folder, or ``<root>/profiles``."""
    configured = settings.roles.profiles_dir
    return settings.resolve(configured if configured is not None else settings.root / "profiles")


def profile_path(settings: Settings, klantmanager: str) -> Path:
    """Where the profile of ``klantmanager`` is stored (a hash, never the raw name)."""
    digest = hashlib.sha256(_normalise(klantmanager).encode("utf-8")).hexdigest()[:32]
    return profiles_dir(settings) / f"{digest}.json"


def load_profile(settings: Settings, klantmanager: str) -> VoiceProfile | None:
    """The stored profile, or None when this klantmanager never enrolled."""
    path = profile_path(settings, klantmanager)
    if not path.is_file():
        return None
    try:
        return VoiceProfile.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError, ValueError) as exc:
        raise KijkwijzerError(
            f"{path}: voice profile is unreadable ({exc.__class__.__name__}); enrol again"
        ) from exc


def enroll(audio: Audio, settings: Settings, klantmanager: str) -> Path:
    """Store the voice profile of ``klantmanager`` from speech that is hers alone; return its path."""
    from pipeline.diarize.embedded import encoder_for, voice_embedding

    if not _normalise(klantmanager):
        raise KijkwijzerError("enrol: the klantmanager name is empty (pass --klantmanager NAME)")
    embedding, speech_s = voice_embedding(audio, settings)
    needed = settings.roles.profile_min_speech_s
    if speech_s < needed or embedding.size == 0:
        raise KijkwijzerError(
            f"{audio.source}: only {speech_s:.1f} s of speech found, enrolment needs {needed:.0f} s "
            "(choose a longer stretch with --start/--end where only the klantmanager speaks)"
        )
    profile = VoiceProfile(
        klantmanager=klantmanager.strip(),
        encoder=encoder_for(settings).name,
        embedding=[round(float(v), 6) for v in embedding],
        speech_s=round(speech_s, 2),
        created=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    private_dir(profiles_dir(settings))
    return atomic_write_json(profile_path(settings, klantmanager), json.loads(profile.model_dump_json()))


def cosine(a: list[float] | np.ndarray, b: list[float] | np.ndarray) -> float:
    """Cosine similarity of two vectors (0 when either is all zeros)."""
    x, y = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    norm = float(np.linalg.norm(x) * np.linalg.norm(y))
    return float(x @ y / norm) if norm else 0.0
