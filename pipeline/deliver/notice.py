"""The optional e-mail notice that a sheet is ready.

It says only that a sheet is waiting and where: no transcript, no client, no findings,
because e-mail leaves the machine. A failed notice is logged and does not undo the
delivery, since the sheet itself is safely in the outbox.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from datetime import date
from email.message import EmailMessage
from pathlib import Path

from pipeline.report.sheet import load_texts
from pipeline.report.since import format_date
from pipeline.settings import Settings

log = logging.getLogger(__name__)


def build_notice(
    klantmanager: str, recorded_on: date, folder: Path, settings: Settings
) -> EmailMessage | None:
    """The message for this klantmanager, or None when no address is configured for her."""
    smtp = settings.deliver.smtp
    address = smtp.recipients.get(klantmanager)
    if not address:
        return None
    message = EmailMessage()
    message["From"] = smtp.sender
    message["To"] = address
    message["Subject"] = smtp.subject
    message.set_content(
        smtp.body.format(
            klantmanager=klantmanager, date=format_date(recorded_on, load_texts(settings)), folder=str(folder)
        )
    )
    return message


def send_notice(klantmanager: str, recorded_on: date, folder: Path, settings: Settings) -> bool:
    """Send the notice over the configured SMTP server; True when it was accepted."""
    smtp = settings.deliver.smtp
    message = build_notice(klantmanager, recorded_on, folder, settings)
    if message is None:
        log.info("no e-mail address configured for this klantmanager; no notice sent")
        return False
    try:
        if smtp.security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                smtp.host, smtp.port, timeout=smtp.timeout_s, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_s)
        with client:
            if smtp.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if smtp.username:
                client.login(smtp.username, os.environ.get(smtp.password_env or "", ""))
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("sheet delivered, but the e-mail notice failed: %s: %s", type(exc).__name__, exc)
        return False
    return True
