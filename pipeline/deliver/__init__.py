"""Delivery of finished sheets into the klantmanager's outbox, with an optional e-mail notice.

Entry points: ``pipeline.deliver.outbox.deliver`` / ``media_name`` / ``outbox_folder`` and
``pipeline.deliver.notice.send_notice``. This package file only re-exports the folder-name
helpers, which the intentions store also uses; importing the outbox here would make
``pipeline.intentions`` and ``pipeline.report`` import each other.
"""

from pipeline.deliver.folder_names import safe_folder_name, safe_recording_id

__all__ = ["safe_folder_name", "safe_recording_id"]
