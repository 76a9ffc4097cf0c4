"""The roles stage as the engine sees it: who is the klantmanager, given her enrolled voice."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from pipeline.settings import Settings
from pipeline.stages.jobs import RecordingJob
from pipeline.stages.spec import StageInput, StageSpec
from pipeline.stages.store import content_sha256
from pipeline.types import RoleAssignment


def _roles_key(job: RecordingJob, settings: Settings) -> Any:
    from pipeline.roles.profiles import profile_path

    profile = profile_path(settings, job.consent.klantmanager)  # enrolling her voice changes roles
    return {
        "klantmanager": job.consent.klantmanager,
        "participants": job.speakers,
        "profile": content_sha256(profile) if profile.is_file() else None,
    }


def _roles(s: StageInput) -> RoleAssignment:
    from pipeline.roles.assign import assign_roles

    return assign_roles(
        s.results["diarize"],
        s.results["transcribe"],
        s.settings,
        klantmanager=s.job.consent.klantmanager,
        participants=s.job.speakers,
    )


SPEC = StageSpec(
    "roles", ("diarize", "transcribe"), ("roles",), ("pipeline.roles",), _roles,
    TypeAdapter(RoleAssignment), extra=_roles_key,
)  # fmt: skip
