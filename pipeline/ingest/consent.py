"""The consent gate: a recording is processed only with a valid ``.consent.yaml`` sidecar.

The sidecar is the written trace of the client's consent. If it is missing, unreadable,
incomplete or says no, the recording is not processed at all; the refusal names the
problem so a researcher can fix the sidecar and drop the recording again.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError, field_validator

from pipeline.ingest.errors import ConsentError
from pipeline.ingest.names import component_problem, name_problem
from pipeline.ingest.safe_yaml import UnsafeYamlError, load_limited_yaml
from pipeline.settings.orchestration import SidecarLimits

_BSN_LIKE = re.compile(r"^\d[\d .-]{6,12}\d$")
_SHORT_TEXT = Annotated[str, Field(min_length=1, max_length=100)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ConsentFlags(_Strict):
    """What the client agreed to, each an explicit yes or no."""

    recording: StrictBool
    analysis: StrictBool
    research_use: StrictBool


class ConsentRecord(_Strict):
    """The parsed sidecar. ``klantmanager`` names the outbox folder, so it must be a safe name."""

    klantmanager: _SHORT_TEXT
    client: _SHORT_TEXT
    recorded_on: dt.date
    consent: ConsentFlags
    retention_days: int = Field(ge=1, le=3650)
    form_reference: _SHORT_TEXT
    participants: int | None = Field(default=None, ge=1, le=12)

    @field_validator("klantmanager")
    @classmethod
    def _safe_folder_name(cls, value: str) -> str:
        problem = component_problem(value)
        if problem:
            raise ValueError(f"cannot name an outbox folder: {problem}")
        return value

    @field_validator("client", "form_reference")
    @classmethod
    def _one_line(cls, value: str) -> str:
        problem = name_problem(value.replace("/", "-"))
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("client")
    @classmethod
    def _not_a_bsn(cls, value: str) -> str:
        digits = re.sub(r"\D", "", value)
        if _BSN_LIKE.match(value.strip()) and len(digits) in (8, 9):
            raise ValueError("looks like a BSN; use a pseudonym or case number")
        return value

    @field_validator("recorded_on")
    @classmethod
    def _not_in_future(cls, value: dt.date) -> dt.date:
        if value > dt.date.today() + dt.timedelta(days=1):
            raise ValueError("lies in the future")
        return value


def sidecar_for(media: Path, suffix: str = ".consent.yaml") -> Path:
    """The sidecar path that belongs to ``media``: ``<media file name><suffix>``."""
    return media.with_name(media.name + suffix)


def _describe(error: ValidationError) -> str:
    problems = []
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"]) or "document"
        if item["type"] == "missing":
            problems.append(f"missing field '{key}'")
        elif item["type"] == "extra_forbidden":
            problems.append(f"unknown field '{key}'")
        else:
            problems.append(f"'{key}': {item['msg'].removeprefix('Value error, ')}")
    return "; ".join(problems)


def parse_consent(data: bytes, source: str, limits: SidecarLimits) -> ConsentRecord:
    """Validate sidecar bytes; refusals raise :class:`ConsentError` with the problem."""
    try:
        document = load_limited_yaml(data, limits)
    except UnsafeYamlError as exc:
        raise ConsentError("consent_unsafe", f"{source}: consent sidecar refused: {exc}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ConsentError(
            "consent_unreadable", f"{source}: consent sidecar is not valid YAML{where} (fix the syntax)"
        ) from exc
    if not isinstance(document, dict):
        raise ConsentError("consent_unreadable", f"{source}: consent sidecar must be a mapping of fields")
    try:
        record = ConsentRecord.model_validate(document)
    except ValidationError as exc:
        missing = any(item["type"] == "missing" for item in exc.errors())
        code = "consent_incomplete" if missing else "consent_invalid"
        raise ConsentError(code, f"{source}: consent sidecar: {_describe(exc)}") from exc
    refused = [name for name in ("recording", "analysis") if not getattr(record.consent, name)]
    if refused:
        raise ConsentError(
            "consent_refused",
            f"{source}: consent for {' and '.join(refused)} is 'false'; the recording is not processed",
        )
    return record


def read_consent(path: Path, limits: SidecarLimits, display_name: str | None = None) -> ConsentRecord:
    """Read and validate the sidecar at ``path``; symlinks and special files are refused.

    ``display_name`` names the sidecar in messages (its original name when ``path`` is a
    claimed copy).
    """
    name = display_name or path.name
    if path.is_symlink():
        raise ConsentError("consent_unsafe", f"{name}: consent sidecar is a symlink (copy the file)")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError as exc:
        raise ConsentError(
            "no_consent", f"{name}: no consent sidecar (add {name} next to the recording)"
        ) from exc
    except OSError as exc:
        raise ConsentError("consent_unreadable", f"{name}: unreadable: {exc.strerror}") from exc
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise ConsentError("consent_unsafe", f"{name}: consent sidecar is not a regular file")
        data = handle.read(limits.max_bytes + 1)
    return parse_consent(data, name, limits)
