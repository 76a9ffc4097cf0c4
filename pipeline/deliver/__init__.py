"""Delivery of finished sheets into the klantmanager's outbox, with an optional e-mail notice.

Entry points: ``pipeline.deliver.outbox.deliver`` / ``media_name`` / ``outbox_folder`` and
``pipeline.deliver.notice.send_notice``; ``pipeline.deliver.publish`` publishes a recording's
stage results. The folder-name helpers live in :mod:`pipeline.ingest.folder_names` (the
intentions store names folders with them too) and are re-exported here.
"""

from pipeline.ingest.folder_names import safe_folder_name, safe_recording_id

__all__ = ["safe_folder_name", "safe_recording_id"]
