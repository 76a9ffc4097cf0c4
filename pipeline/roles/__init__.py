"""Roles stage: which voice is the klantmanager, the client, or another participant."""

from pipeline.roles.assign import assign_roles
from pipeline.roles.profiles import enroll, load_profile, profile_path

__all__ = ["assign_roles", "enroll", "load_profile", "profile_path"]
