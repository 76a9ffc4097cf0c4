"""Settings of delivery: what goes into the klantmanager's outbox and the optional e-mail notice."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from pipeline.settings.base import Section


class SmtpSettings(Section):
    """An optional notice that a sheet is ready; it never carries transcript content.

    Off by default: nothing leaves the machine unless a municipality's own mail server is
    configured here. The password is read from the environment variable named in
    ``password_env`` so it never sits in a YAML file.
    """

    enabled: bool = False
    host: str = "127.0.0.1"
    port: int = Field(25, ge=1, le=65535)
    security: Literal["none", "starttls", "ssl"] = "none"
    username: str | None = None
    password_env: str | None = None
    timeout_s: float = Field(10.0, gt=0)
    sender: str = "kijkwijzer@localhost"
    recipients: dict[str, str] = Field(default_factory=dict)  # klantmanager name -> e-mail address
    subject: str = "Je voorbereidingsblad staat klaar"
    body: str = (
        "Hallo {klantmanager},\n\n"
        "Het voorbereidingsblad voor je reflectiegesprek over je gesprek van {date} staat klaar.\n"
        "Je vindt het in je eigen map: {folder}\n\n"
        "Open sheet.html in je browser om de fragmenten te bekijken.\n\n"
        "Dit bericht is automatisch verstuurd door Kijkwijzer."
    )


class DeliverSettings(Section):
    """Configuration of the outbox delivery."""

    files: list[str] = Field(
        default_factory=lambda: ["sheet.html", "sheet.md", "sheet.pdf", "fragments.json"]
    )
    required: list[str] = Field(default_factory=lambda: ["sheet.html", "fragments.json"])
    media: Literal["copy", "hardlink", "symlink", "none"] = "copy"
    media_basename: str = "opname"  # the recording is delivered as opname.<ext>, next to the sheet
    # auto: the sheet goes out at once; required: it waits in archive/<id>/review/held/ until a
    # researcher publishes it with `kijkwijzer review`
    review: Literal["auto", "required"] = "auto"
    smtp: SmtpSettings = SmtpSettings()
